"""Per-file results in the findings contract (docs/ARCHITECTURE.md) and their renderings."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .compile import CompileError, Compiler, NoCompilerError
from .static.slither_categories import category_of, severity_of
from .static.slither_runner import run_slither

__all__ = ["finding_from_slither", "render_json", "render_table", "run_file", "run_files", "write_atomic"]

_SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2, "informational": 3}


def _tool_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ouro-contracts")
    except PackageNotFoundError:
        return "0+unknown"


def _display(path: str) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return path


def finding_id(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


def finding_from_slither(result: dict[str, Any], file: str) -> dict[str, Any]:
    """One Slither result as a finding; lines are the flagged statements, not whole functions."""
    elements = result.get("elements") or []
    nodes = [e for e in elements if e.get("type") == "node"]
    primary = elements[0] if elements else {}
    contract = function = None
    for e in elements:
        parent = (e.get("type_specific_fields") or {}).get("parent") or {}
        if e.get("type") == "function":
            function = function or e.get("name")
            contract = contract or ((parent.get("name")) if parent.get("type") == "contract" else None)
        elif e.get("type") == "contract":
            contract = contract or e.get("name")
        elif e.get("type") == "node" and parent.get("type") == "function":
            function = function or parent.get("name")
            gp = (parent.get("type_specific_fields") or {}).get("parent") or {}
            contract = contract or gp.get("name")
    lines: set[int] = set()
    for e in nodes or [primary]:
        sm = e.get("source_mapping") or {}
        lines.update(sm.get("lines") or [])
    check = result["check"]
    message = " ".join(result.get("description", "").split())
    lines_sorted = sorted(lines)
    return {
        "id": finding_id(check, os.path.basename(file), contract, function, lines_sorted),
        "check": check,
        "category": _category(check),
        "severity": severity_of(result.get("impact", "informational")),
        "confidence": result.get("confidence", "medium").lower(),
        "confirmed": None,
        "source": "slither",
        "contract": contract,
        "function": function,
        "lines": lines_sorted,
        "message": message,
        "evidence": None,
    }


def _category(check: str) -> str:
    from verify.checks import ouro_detectors

    for cls in ouro_detectors():
        if cls.ARGUMENT == check:
            return cls.CATEGORY
    return category_of(check)


def run_file(path: Path, compiler: Compiler) -> dict[str, Any]:
    entry: dict[str, Any] = {"file": _display(str(path)), "status": "ok", "error": None, "compiler": None,
                             "findings": []}
    try:
        compiled = compiler.compile_file(path)
    except CompileError as exc:
        entry.update(status="compile-error", error=str(exc), compiler=exc.version and f"solc {exc.version}")
        return entry
    except NoCompilerError as exc:
        entry.update(status="error", error=str(exc))
        return entry
    entry["compiler"] = f"solc {compiled.version} ({compiled.backend})"
    run = run_slither(path, compiler, version=compiled.version)
    if run.error:
        entry.update(status="error", error=run.error)
    own = str(Path(path).resolve())
    findings = {}
    for r in run.results:
        f = finding_from_slither(r, own)
        findings.setdefault(f["id"], f)
    entry["findings"] = sorted(findings.values(), key=lambda f: (_SEVERITY_ORDER.get(f["severity"], 9),
                                                                  f["lines"][:1], f["check"]))
    return entry


def run_files(paths: list[Path]) -> list[dict[str, Any]]:
    compiler = Compiler()
    return [run_file(Path(p), compiler) for p in paths]


def render_json(results: list[dict[str, Any]]) -> str:
    return json.dumps({"tool": {"name": "ouro", "version": _tool_version()}, "results": results}, indent=2)


def render_table(results: list[dict[str, Any]], console: Console) -> None:
    for r in results:
        console.print(f"[bold]{escape(r['file'])}[/]  {escape('[' + r['status'] + ']')}  "
                      f"{escape(r.get('compiler') or '')}", markup=True)
        if r["error"]:
            console.print(f"  [red]{escape(r['error'])}[/]", markup=True)
        shown = [f for f in r["findings"] if f["severity"] != "informational"]
        if shown:
            table = Table(show_lines=False)
            for col in ("severity", "category", "check", "where", "lines"):
                table.add_column(col, overflow="fold")
            for f in shown:
                where = ".".join(x for x in (f["contract"], f["function"]) if x)
                table.add_row(f["severity"], f["category"], f["check"], where, ",".join(map(str, f["lines"][:8])))
            console.print(table)
        hidden = len(r["findings"]) - len(shown)
        if r["status"] == "ok":
            console.print(f"  {len(shown)} finding(s) at low or above" + (f", {hidden} informational" if hidden else ""))


def write_atomic(path: Path, text: str) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
