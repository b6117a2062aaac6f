"""`ouro verify` for one file: compile, static checks, dynamic properties, cross-check.

Every failure is contained: a compile error is the file's status; a crash of one analyser (Slither's
parse/IR stage, a detector, the property engine on a contract) is a note and the file is ``partial``
while the others report (``error`` only when nothing could be analysed, see verify/analysers.py);
a constructor ouro cannot satisfy is a note while the static results stand.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .analysers import crash_from, engine_crashes, one_line, settle
from .compile import CompileError, Compiler, NoCompilerError
from .crosscheck import cross_check
from .findings import assign_fingerprints, severity_rank
from .report import finding_from_slither
from .static.slither_runner import run_slither

__all__ = ["VerifyOptions", "analyse_compiled", "compile_for", "new_entry", "verify_file", "verify_files"]


@dataclass
class VerifyOptions:
    static_only: bool = False
    seed: int = 0
    max_examples: int = 120
    steps: int = 10
    chain: str = "inprocess"  # inprocess | anvil | ganache
    replay: bool = True
    constructor_args: dict[str, list[Any]] = field(default_factory=dict)
    # contract name -> extra property instances (e.g. compiled spec invariants) run beside the library's
    extra_properties: dict[str, list[Any]] = field(default_factory=dict)
    proxies: dict[str, dict[str, str]] = field(default_factory=dict)  # contract -> proxy deployment (see engine)
    # Slither in a forked child beside the dynamic search (one file on a multi-core machine;
    # batch workers leave it off, their pool already fills the cores)
    parallel_static: bool = False


def _display(path: str) -> str:
    try:
        rel = os.path.relpath(path)
        return rel if not rel.startswith("../../") else path
    except ValueError:
        return path


def new_entry(p: Path) -> dict[str, Any]:
    """A file's result, before anything ran (the findings contract)."""
    return {"file": _display(str(p)), "status": "ok", "error": None, "compiler": None, "findings": [], "notes": [],
            "crashes": []}


def compile_for(entry: dict[str, Any], p: Path, given: str | Path, compile_file):
    """``compile_file(p)``, or None with the entry's status and error saying why (no such file, a
    compile error with its file and line, no compiler)."""
    if not p.is_file():
        entry.update(status="error", error=f"{given}: no such file")
        return None
    try:
        compiled = compile_file(p)
    except CompileError as exc:
        from .project.imports import missing_import_hints

        hints = missing_import_hints(exc.diagnostics, p)
        entry.update(status="compile-error", error=str(exc) + "".join(f"\n  {h}" for h in hints),
                     compiler=exc.version and f"solc {exc.version}")
        entry["notes"].extend(n for n in getattr(exc, "notes", []) if n not in entry["notes"])
        return None
    except NoCompilerError as exc:
        entry.update(status="error", error=str(exc))
        return None
    entry["compiler"] = f"solc {compiled.version} ({compiled.backend})"
    entry["notes"].extend(n for n in compiled.notes if n not in entry["notes"])
    return compiled


def verify_file(path: str | Path, compiler: Compiler, opts: VerifyOptions | None = None) -> dict[str, Any]:
    opts = opts or VerifyOptions()
    p = Path(path).resolve()
    entry = new_entry(p)
    compiled = compile_for(entry, p, path, compiler.compile_file)
    if compiled is None:
        return entry

    static_args = (p, compiler)
    static_kwargs = {"version": compiled.version, "compiled": compiled}
    if opts.parallel_static and not opts.static_only:
        from .static.background import start_slither

        pending = start_slither(*static_args, **static_kwargs)  # beside the dynamic search
        return analyse_compiled(entry, p, compiled, pending.result, opts)
    run = run_slither(*static_args, **static_kwargs)
    return analyse_compiled(entry, p, compiled, lambda: run, opts)


def analyse_compiled(entry: dict[str, Any], p: Path, compiled, static_run, opts: VerifyOptions) -> dict[str, Any]:
    """The half of ``verify_file`` after the compile: the property engine on ``compiled``'s own
    contracts, then ``static_run()`` (the Slither run, which may be shared by the files of one
    project compile: only results located in ``p`` are kept), settled and cross-checked."""
    dynamic, ran, dynamic_crashes, rep = [], {}, [], None
    if not opts.static_only:
        from .dynamic.engine import DynamicOptions, run_dynamic

        try:
            rep = run_dynamic(compiled, DynamicOptions(
                max_examples=opts.max_examples, steps=opts.steps, seed=opts.seed, chain=opts.chain,
                replay=opts.replay, constructor_args=opts.constructor_args,
                extra_properties=opts.extra_properties, proxies=opts.proxies))
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - past the engine's per-contract guard: a note, static stands
            dynamic_crashes.append(crash_from("property engine", exc))
            entry["notes"].append(dynamic_crashes[-1].note())
        else:
            dynamic, ran = rep.findings, rep.ran
            entry["notes"].extend(one_line(e, 2000) for e in rep.errors)
            dynamic_crashes = engine_crashes(rep.errors)
            entry["dynamic"] = {"engine": "revm" if opts.chain == "inprocess" else opts.chain, "calls": rep.calls,
                                "seconds": round(rep.seconds, 2), "properties": ran}

    run = static_run()
    settle(entry, run, dynamic_crashes, dynamic_ran=bool(ran or dynamic))
    static = [f for f in (finding_from_slither(r) for r in run.results) if not f.file or f.file == str(p)]
    for f in static:
        f.file = str(p)

    try:
        findings = cross_check(static, dynamic, ran, rep.probes if rep else None, entry["notes"])
    finally:
        if rep is not None:
            rep.close()
    assign_fingerprints(findings)  # stable ids: the flagged code, not line numbers (verify/findings.py)
    unique = {}
    for f in findings:
        unique.setdefault(f.id, f)
    entry["findings"] = [f.to_dict() for f in sorted(
        unique.values(), key=lambda f: (severity_rank(f.severity), f.lines[:1], f.check))]
    return entry


def verify_files(paths: list[Path], opts: VerifyOptions | None = None, compiler: Compiler | None = None
                 ) -> list[dict[str, Any]]:
    compiler = compiler or Compiler()
    return [verify_file(p, compiler, opts) for p in paths]
