"""Each file of a batch before any worker sees it: its content hash (part of the store key) and,
for inputs that cannot be Solidity source, the result row that says why."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["MAX_BYTES", "BatchInput", "inspect_input", "result_entry"]

MAX_BYTES = 1024 * 1024  # a Solidity file of 1 MiB or more is not source a person audits


@dataclass
class BatchInput:
    path: Path  # absolute
    display: str  # the name results carry
    content_hash: str
    problem: dict[str, Any] | None = None  # a finished result row when the input is unusable


def result_entry(display: str, status: str, error: str | None) -> dict[str, Any]:
    return {"file": display, "status": status, "error": error, "compiler": None, "findings": [], "notes": []}


def inspect_input(path: Path, display: str) -> BatchInput:
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise IsADirectoryError(f"{display}: not a regular file")
        digest = hashlib.sha256()
        head = b""
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 16), b""):
                digest.update(chunk)
                if len(head) < MAX_BYTES:
                    head += chunk[: MAX_BYTES - len(head)]
    except FileNotFoundError:
        return BatchInput(path, display, "missing", result_entry(display, "error", f"{display}: no such file"))
    except OSError as exc:
        return BatchInput(path, display, "unreadable",
                          result_entry(display, "error", f"{display}: cannot read: {exc.strerror or exc}"))
    item = BatchInput(path, display, digest.hexdigest())
    problem = None
    if size == 0:
        problem = f"{display}: empty file (0 bytes), nothing to verify"
    elif size >= MAX_BYTES:
        problem = (f"{display}: file too large ({size} bytes; the limit is {MAX_BYTES} bytes), "
                   "not verified")
    elif b"\x00" in head[:8192]:
        problem = f"{display}: binary file (contains NUL bytes), not Solidity source"
    else:
        try:
            text = head.decode("utf-8")
        except UnicodeDecodeError as exc:
            problem = f"{display}: not UTF-8 text (byte {exc.start}), not Solidity source"
        else:
            if not text.strip():
                problem = f"{display}: empty file (only whitespace), nothing to verify"
    if not problem and path.suffix.lower() == ".json":
        problem = _explorer_problem(path, display)
    if problem:
        item.problem = result_entry(display, "error", problem)
    return item


def _explorer_problem(path: Path, display: str) -> str:
    """Why a ``.json`` input is not verified (discover expands the explorer JSON it can read)."""
    from verify.project.explorer import ExplorerInputError, load_explorer_json

    try:
        load_explorer_json(path)
    except ExplorerInputError as exc:
        return f"{exc} (not verified)"
    return f"{display}: a block explorer's JSON: name it on the command line to verify its sources"
