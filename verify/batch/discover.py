"""Which files a batch covers: paths, folders (every ``*.sol`` below), globs and manifests.

A manifest is a text file with one path per line (``#`` comments, blank lines ignored) or a CSV
file whose ``path`` column (or first column) names the files; relative entries are relative to
the manifest. A named file that does not exist stays in the batch and gets an error row.

A block explorer's JSON (a sources map or a standard-JSON input, see verify/project/explorer.py),
named or found in a folder, expands to the files of its source units, written below a temp folder;
each is a row named ``Input.json:contracts/Ballot.sol``. A named ``.json`` that cannot be read as
one stays in the batch and gets an error row (verify/batch/inputs.py).
"""

from __future__ import annotations

import csv
import glob
import os
from pathlib import Path

__all__ = ["DiscoveryError", "discover", "display_name", "expand_explorer_json", "read_manifest"]

_SKIP_DIRS = {"node_modules", ".git", ".venv", "__pycache__"}


class DiscoveryError(ValueError):
    """An argument or manifest that names nothing usable (reported without a traceback)."""


# written explorer unit file -> its display name (this process: the batch parent names the rows)
_EXPLORER_NAMES: dict[Path, str] = {}


def display_name(path: Path) -> str:
    """The name a result carries: relative to the working directory when that is close by."""
    named = _EXPLORER_NAMES.get(Path(os.path.abspath(path)))
    if named is not None:
        return named
    try:
        rel = os.path.relpath(path)
        return rel if not rel.startswith("../../") else str(path)
    except ValueError:
        return str(path)


def _sol_files_under(folder: Path) -> list[Path]:
    out = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
        out.extend(Path(root) / f for f in sorted(files) if f.endswith(".sol")
                   or (f.lower().endswith(".json") and _is_explorer_json(Path(root) / f)))
    return out


def _is_explorer_json(path: Path) -> bool:
    from verify.project.explorer import is_explorer_json

    return is_explorer_json(path)


_LIBRARY_PREFIXES = ("@", "node_modules/", "lib/")


def expand_explorer_json(path: Path) -> list[Path]:
    """The unit files of an explorer JSON (its library units, ``@openzeppelin/...``, ``lib/...``,
    left out unless there is nothing else), registered under ``Input.json:unit`` display names;
    ``[path]`` itself when it cannot be read as one (its row then says why)."""
    from verify.project.explorer import ExplorerInputError, load_explorer_json

    try:
        src = load_explorer_json(path)
    except ExplorerInputError:
        return [path]
    own = [u for u in src.units if not u.lstrip("/").startswith(_LIBRARY_PREFIXES)] or src.units
    shown = display_name(path)
    out = []
    for unit in own:
        f = src.files[unit]
        _EXPLORER_NAMES[Path(os.path.abspath(f))] = f"{shown}:{unit}"
        out.append(f)
    return out


def read_manifest(manifest: Path) -> list[Path]:
    try:
        text = manifest.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DiscoveryError(f"manifest {manifest}: cannot read: {exc}") from None
    base = manifest.resolve().parent
    entries: list[str] = []
    if manifest.suffix.lower() == ".csv":
        rows = [r for r in csv.reader(text.splitlines()) if r and any(c.strip() for c in r)]
        if rows:
            header = [c.strip().lower() for c in rows[0]]
            col = header.index("path") if "path" in header else 0
            if "path" in header or header[0] in ("file", "filename"):
                rows = rows[1:]
            entries = [r[col].strip() for r in rows if len(r) > col and r[col].strip()]
    else:
        entries = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return [p if p.is_absolute() else base / p for p in map(Path, entries)]


def discover(args: list[str | Path], manifest: Path | None = None) -> list[Path]:
    """Absolute paths in argument order, each once; folders expand to their ``.sol`` files."""
    found: list[Path] = []
    for arg in args:
        text = str(arg)
        p = Path(text)
        if p.is_dir():
            found += _sol_files_under(p)
        elif p.exists() or not glob.has_magic(text):
            found.append(p)
        else:
            hits = sorted(glob.glob(text, recursive=True))
            if not hits:
                raise DiscoveryError(f"{text}: the pattern matches no file")
            for h in map(Path, hits):
                found += _sol_files_under(h) if h.is_dir() else [h]
    if manifest is not None:
        for p in read_manifest(manifest):
            found += _sol_files_under(p) if p.is_dir() else [p]
    expanded: list[Path] = []
    for p in found:
        expanded += expand_explorer_json(p) if p.suffix.lower() == ".json" and p.is_file() else [p]
    seen: set[Path] = set()
    out = []
    for p in expanded:
        ap = Path(os.path.abspath(p))
        if ap not in seen:
            seen.add(ap)
            out.append(ap)
    return out
