"""Run Slither's Python API with every detector on one file, compiled by ouro's compiler.

Slither drives compilation through crytic-compile, which runs the ``solc`` executable the
compiler backend hands out (a native binary, or the solc-js shim of the exact version).
A crash inside Slither becomes ``SlitherRun.error``; it never escapes.
"""

from __future__ import annotations

import inspect
import io
import logging
import traceback
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from verify.compile import Compiler

from . import precompiled

__all__ = ["SlitherRun", "all_detector_classes", "default_detectors", "run_slither"]


@dataclass
class SlitherRun:
    file: str
    version: str | None
    results: list[dict[str, Any]] = field(default_factory=list)  # Slither's own result dicts
    contracts: list[str] = field(default_factory=list)
    detectors_run: int = 0
    error: str | None = None

    def by_check(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in self.results:
            counts[r["check"]] = counts.get(r["check"], 0) + 1
        return counts


def all_detector_classes() -> list[type]:
    from slither.detectors import all_detectors
    from slither.detectors.abstract_detector import AbstractDetector

    return [
        cls
        for _, cls in inspect.getmembers(all_detectors, inspect.isclass)
        if issubclass(cls, AbstractDetector) and cls is not AbstractDetector
    ]


def default_detectors() -> list[type]:
    """Slither's detectors plus ouro's own (verify/checks/static/)."""
    from verify.checks import ouro_detectors

    return all_detector_classes() + list(ouro_detectors())


def run_slither(path: str | Path, compiler: Compiler | None = None, version: str | None = None,
                detectors: list[type] | None = None, compiled=None) -> SlitherRun:
    """Slither on ``path``. With ``compiled`` (ouro's CompileResult of that file, solc >= 0.4.13)
    Slither reads that output and nothing is compiled a second time."""
    compiler = compiler or Compiler()
    p = Path(path).resolve()
    run = SlitherRun(file=str(p), version=version)
    try:
        run.version = version or compiler.resolve_version(p)
        solc = compiler.executable(run.version)
    except Exception as exc:  # noqa: BLE001 - reported as the file's error
        run.error = f"{type(exc).__name__}: {exc}"
        return run
    from slither import Slither

    sink = io.StringIO()
    for name in ("Slither", "SlitherSolcParsing", "CryticCompile", "Detectors", "Printers"):
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        with redirect_stdout(sink), redirect_stderr(sink):
            sl = None
            if compiled is not None and compiled.raw and precompiled.supports(run.version, compiled.raw):
                try:
                    from crytic_compile import CryticCompile

                    platform = precompiled.PrecompiledPlatform(str(p), compiled.raw, run.version,
                                                               bool(getattr(compiler, "optimize", False)))
                    sl = Slither(CryticCompile(platform), disallow_partial=False)
                except Exception:  # noqa: BLE001 - fall back to crytic-compile's own compile
                    sl = None
            if sl is None:
                sl = Slither(
                    str(p),
                    solc=str(solc),
                    solc_remaps=compiler.remappings() or None,
                    disallow_partial=False,
                )
            chosen = detectors if detectors is not None else default_detectors()
            for cls in chosen:
                sl.register_detector(cls)
            run.detectors_run = len(chosen)
            run.contracts = sorted({c.name for c in sl.contracts})
            for batch in sl.run_detectors():
                run.results.extend(batch)
    except Exception as exc:  # noqa: BLE001 - Slither crashes on some inputs (e.g. old call syntax)
        tb = traceback.extract_tb(exc.__traceback__)
        where = f" at {Path(tb[-1].filename).name}:{tb[-1].lineno}" if tb else ""
        run.error = f"slither failed: {type(exc).__name__}: {str(exc).strip()[:500]}{where}"
    return run
