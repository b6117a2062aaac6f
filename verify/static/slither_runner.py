"""Run Slither's Python API with every detector on one file, compiled by ouro's compiler.

From solc 0.4.13 on Slither reads ouro's own compile (``precompiled.py``); older files go through
crytic-compile, which runs the ``solc`` executable the compiler backend hands out (a native
binary, or the solc-js shim of the exact version). Nothing escapes, and one crash does not take
the rest with it (each becomes a ``verify.analysers.Crash`` in ``SlitherRun.crashes``):

- Slither's parse/IR stage crashing inside a function that nothing else in the file calls: that
  function's body is emptied in the AST and the file parsed again, so the contract's other
  functions and the other contracts are still analysed. A crash anywhere else (a modifier, a state
  variable, a function others call, whose emptied body would make its callers look different)
  drops that contract and the contracts deriving from it. Checks whose verdict rests on the whole contract (``WHOLE_CONTRACT_CHECKS``)
  are not reported for a contract analysed with a body or a base missing.
- a detector (Slither's or ouro's) crashing: a crash naming it; the other detectors report.
- nothing left to analyse: ``SlitherRun.error`` (the file's error unless the engine ran).

Both compile paths give Slither the same AST, so a crash on one is a crash on the other: the
recovery edits the AST instead of compiling a second way.
"""

from __future__ import annotations

import copy
import inspect
import io
import logging
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from verify.analysers import Crash, crash_from
from verify.compile import Compiler

from . import precompiled

__all__ = ["SlitherRun", "WHOLE_CONTRACT_CHECKS", "all_detector_classes", "default_detectors", "run_slither"]

# Checks that report what a contract never does anywhere (sends no ether, never writes or reads a
# variable, never calls a function): with a function body or a base contract missing from the
# analysis they report what is only missing from the analysis.
WHOLE_CONTRACT_CHECKS = frozenset({
    "locked-ether", "uninitialized-state", "unused-state", "constable-states", "immutable-states", "dead-code",
})
_MAX_RECOVERIES = 12
_LOGGERS = ("Slither", "SlitherSolcParsing", "CryticCompile", "Detectors", "Printers")


@dataclass
class SlitherRun:
    file: str
    version: str | None
    results: list[dict[str, Any]] = field(default_factory=list)  # Slither's own result dicts
    contracts: list[str] = field(default_factory=list)
    detectors_run: int = 0  # detectors that ran to completion
    error: str | None = None  # nothing could be analysed statically
    crashes: list[Crash] = field(default_factory=list)  # what crashed (the parse/IR stage, detectors)
    skipped: list[str] = field(default_factory=list)  # "C.f" (body emptied) and "C" (contract dropped)

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


@contextmanager
def _quiet_logs() -> Iterator[None]:
    """Slither logs its crashes (the failing function's statements over several lines) on loggers
    of its own: the crash is reported once, as a note; the loggers are as they were afterwards."""
    saved = [(lg, lg.level) for lg in map(logging.getLogger, _LOGGERS)]
    for lg, _ in saved:
        lg.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for lg, level in saved:
            lg.setLevel(level)


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
    import slither.slither  # noqa: F401 - its import sets its loggers' levels: quiet them after it

    sink = io.StringIO()
    with _quiet_logs(), redirect_stdout(sink), redirect_stderr(sink):
        cc = _crytic_compile(p, compiler, run, compiled, solc)
        if cc is None:
            return run
        parsed = _parse(cc, run)
        if parsed is None:
            return run
        sl, affected = parsed
        _detect(sl, run, detectors if detectors is not None else default_detectors(), affected)
    return run


def _fatal(run: SlitherRun, crash: Crash) -> None:
    run.crashes.append(crash)
    run.error = crash.note()


def _crytic_compile(p: Path, compiler: Compiler, run: SlitherRun, compiled, solc):
    from crytic_compile import CryticCompile

    if compiled is not None and compiled.raw and precompiled.supports(run.version, compiled.raw):
        try:
            platform = precompiled.PrecompiledPlatform(str(p), compiled.raw, run.version,
                                                       bool(getattr(compiler, "optimize", False)))
            return CryticCompile(platform)
        except MemoryError:
            raise
        except Exception:  # noqa: BLE001 - fall back to crytic-compile's own compile
            pass
    try:
        return CryticCompile(str(p), solc=str(solc), solc_remaps=compiler.remappings() or None)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - e.g. InvalidCompilation
        _fatal(run, crash_from("slither", exc, outcome="no static analysis"))
        return None


# -- the parse/IR stage, with recovery -------------------------------------------------------------

def _parse(cc, run: SlitherRun):
    """(Slither on ``cc``, names of the contracts analysed with something missing), or None. On a
    crash, empty the culprit function's body (or drop its contract) in the AST and parse again, up to
    _MAX_RECOVERIES times."""
    from slither import Slither

    units = [su for unit in cc.compilation_units.values() for su in unit.source_units.values()]
    pristine = [(su, copy.deepcopy(su.ast)) for su in units]
    emptied: dict[str, str] = {}  # AST id -> "C.f"
    dropped: dict[str, str] = {}  # AST id -> "C"
    for attempt in range(_MAX_RECOVERIES + 1):
        if emptied or dropped:
            for su, ast in pristine:
                su.ast = _edited(ast, emptied, dropped)
        try:
            sl = Slither(cc, disallow_partial=False)
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - Slither crashes on some inputs (e.g. old call syntax)
            crash = _parse_crash(exc)
            fn, contract = _culprit(exc)
            asts = [ast for _su, ast in pristine]
            if attempt == _MAX_RECOVERIES:
                crash.outcome = f"still crashing after {_MAX_RECOVERIES} recoveries: no static analysis"
                _fatal(run, crash)
                return None
            fid = str(fn.id) if fn is not None and getattr(fn, "id", None) is not None else None
            if fid is not None and fid not in emptied and _can_empty(asts, fid):
                label = _function_label(fn)
                crash.scope, crash.outcome = label, f"analysed again without the body of {label}"
                emptied[fid] = label
            else:
                contract = contract or (getattr(fn, "contract", None) if fn is not None else None)
                cid = str(contract.id) if contract is not None and contract._id is not None else None
                if cid is None or cid in dropped or not _find(asts, cid, ("ContractDefinition",)):
                    crash.scope = crash.scope or (_function_label(fn) if fn is not None else None)
                    crash.outcome = "no static analysis"
                    _fatal(run, crash)
                    return None
                heirs = _heirs(asts, cid)  # a contract without its base would not parse either
                crash.scope = _function_label(fn) if fn is not None else contract.name
                crash.outcome = f"analysed again without contract {contract.name}" + (
                    f" (nor {', '.join(sorted(heirs.values()))}, derived from it)" if heirs else "")
                dropped.update({cid: contract.name, **heirs})
            run.crashes.append(crash)
            continue
        run.skipped = list(emptied.values()) + list(dropped.values())
        if dropped and not sl.contracts:  # every contract was dropped: nothing was analysed
            run.crashes[-1].outcome = "no contract left to analyse: no static analysis"
            run.error = run.crashes[-1].note()
            return None
        run.contracts = sorted({c.name for c in sl.contracts})
        return sl, _affected([ast for _su, ast in pristine], emptied, dropped)
    return None  # not reached: the last attempt returns either way


def _parse_crash(exc: BaseException) -> Crash:
    crash = crash_from("slither", exc)
    deepest, seen = exc, {id(exc)}
    while (deepest.__cause__ or deepest.__context__) is not None and id(deepest.__cause__ or deepest.__context__) not in seen:
        deepest = deepest.__cause__ or deepest.__context__
        seen.add(id(deepest))
    if deepest is not exc:  # e.g. SlitherException("Missing ...") from KeyError: where the KeyError was raised
        crash.where = crash_from("slither", deepest).where or crash.where
    return crash


def _frames(exc: BaseException) -> Iterator[Any]:
    """The frames of ``exc`` and of what caused it, outermost first."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        tb = exc.__traceback__
        while tb is not None:
            yield tb.tb_frame
            tb = tb.tb_next
        exc = exc.__cause__ or exc.__context__


def _culprit(exc: BaseException):
    """(function, contract) Slither was working on when it crashed: the outermost function in the
    traceback (the one being parsed or converted, not one it looked up), else the outermost contract."""
    from slither.core.cfg.node import Node
    from slither.core.declarations import Contract, Function
    from slither.solc_parsing.cfg.node import NodeSolc
    from slither.solc_parsing.declarations.contract import ContractSolc
    from slither.solc_parsing.declarations.function import FunctionSolc

    fn = contract = None
    for frame in _frames(exc):
        obj = frame.f_locals.get("self")
        if isinstance(obj, NodeSolc):
            obj = obj.underlying_node
        if fn is None:
            if isinstance(obj, FunctionSolc):
                fn = obj.underlying_function
            elif isinstance(obj, Function):
                fn = obj
            elif isinstance(obj, Node):
                fn = obj.function
        if contract is None:
            if isinstance(obj, ContractSolc):
                contract = obj.underlying_contract
            elif isinstance(obj, Contract):
                contract = obj
    return fn, contract


def _function_label(fn) -> str:
    owner = getattr(fn, "contract_declarer", None) or getattr(fn, "contract", None)
    return f"{owner.name}.{fn.name}" if owner is not None else str(fn.name)


def _kind(node: dict) -> str | None:
    return node.get("nodeType", node.get("name"))  # compact AST: nodeType; legacy AST: name


def _attr(node: dict, key: str) -> Any:
    return node.get(key) if "nodeType" in node else (node.get("attributes") or {}).get(key)


def _walk(tree: Any) -> Iterator[dict]:
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            yield node
            stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, (dict, list)))


def _find(asts: list[dict], node_id: str, kinds: tuple[str, ...]) -> dict | None:
    for ast in asts:
        for node in _walk(ast):
            if str(node.get("id")) == node_id and _kind(node) in kinds:
                return node
    return None


def _body(node: dict) -> dict | None:
    if "nodeType" in node:
        return node.get("body")
    return next((c for c in node.get("children") or [] if c.get("name") == "Block"), None)


def _can_empty(asts: list[dict], fid: str) -> bool:
    """A function (not a modifier) with a body that nothing in the file refers to: emptying it
    changes what is known about that function only."""
    node = _find(asts, fid, ("FunctionDefinition",))
    if node is None or not _body(node):
        return False
    for ast in asts:
        for n in _walk(ast):
            if n is node:
                continue
            refs = [_attr(n, "referencedDeclaration")] + list(_attr(n, "overloadedDeclarations") or [])
            if any(str(r) == fid for r in refs if r is not None):
                return False
    return True


def _edited(ast: dict, emptied: dict[str, str], dropped: dict[str, str]) -> dict:
    """A copy of ``ast`` with the ``emptied`` functions' bodies empty and the ``dropped`` contracts gone."""
    ast = copy.deepcopy(ast)
    for node in list(_walk(ast)):
        for key in ("nodes", "children"):
            if isinstance(node.get(key), list):
                node[key] = [c for c in node[key] if not (isinstance(c, dict) and _kind(c) == "ContractDefinition"
                                                          and str(c.get("id")) in dropped)]
        if _kind(node) == "FunctionDefinition" and str(node.get("id")) in emptied:
            body = _body(node)
            if body is None:
                continue
            if "nodeType" in node:
                node["body"] = {"id": body["id"], "nodeType": "Block", "src": body["src"], "statements": []}
            else:
                body["children"] = []
    return ast


def _heirs(asts: list[dict], cid: str) -> dict[str, str]:
    """AST id -> name of every contract deriving from contract ``cid``."""
    return {str(n.get("id")): _attr(n, "name") for ast in asts for n in _walk(ast)
            if _kind(n) == "ContractDefinition" and str(n.get("id")) != cid
            and cid in {str(b) for b in (_attr(n, "linearizedBaseContracts") or [])}}


def _affected(asts: list[dict], emptied: dict[str, str], dropped: dict[str, str]) -> set[str]:
    """Names of the contracts analysed with a body or a base missing: those holding an emptied
    function, and every contract deriving from one of those or from a dropped contract."""
    contracts = [n for ast in asts for n in _walk(ast) if _kind(n) == "ContractDefinition"]
    touched = set(dropped)
    for c in contracts:
        if any(_find([c], fid, ("FunctionDefinition",)) for fid in emptied):
            touched.add(str(c.get("id")))
    out = set()
    for c in contracts:
        bases = {str(b) for b in (_attr(c, "linearizedBaseContracts") or [])} | {str(c.get("id"))}
        if bases & touched and str(c.get("id")) not in dropped:
            out.add(_attr(c, "name"))
    return out


# -- detectors, each on its own --------------------------------------------------------------------

def _detect(sl, run: SlitherRun, chosen: list[type], affected: set[str]) -> None:
    from verify.checks.static import OuroDetector

    for cls in chosen:
        sl.register_detector(cls)
    failed: set[str] = set()  # crashed: no results
    partly: set[str] = set()  # skipped some units: results for the rest
    sl.load_previous_results()  # as Slither's run_detectors: results triaged away stay hidden
    for det in sl.detectors:
        kind = "ouro detector" if isinstance(det, OuroDetector) else "slither detector"
        try:
            found = det.detect()
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - one detector's crash is a note; the others report
            if det.ARGUMENT not in failed:
                failed.add(det.ARGUMENT)
                run.crashes.append(crash_from(f"{kind} {det.ARGUMENT}", exc, outcome="the other detectors reported"))
            continue
        if affected and det.ARGUMENT in WHOLE_CONTRACT_CHECKS:
            found = [r for r in found if _result_contract(r) not in affected]
        run.results.extend(found)
        tolerated = det.__dict__.get("tolerated") or []  # ouro detectors: units skipped (_common.tolerant)
        if tolerated and det.ARGUMENT not in partly:
            partly.add(det.ARGUMENT)
            first = tolerated[0]
            more = f" and {len(tolerated) - 1} more" if len(tolerated) > 1 else ""
            first.scope = f"{first.scope}{more}"
            first.outcome = "skipped there; the detector reported the rest"
            run.crashes.append(first)
    sl.write_results_to_hide()
    run.detectors_run = len({cls.ARGUMENT for cls in chosen} - failed)
    if affected:
        for crash in run.crashes:
            if crash.analyser == "slither" and crash.outcome.startswith("analysed again"):
                crash.outcome += (f"; checks that need the whole contract ({', '.join(sorted(WHOLE_CONTRACT_CHECKS))}) "
                                  f"not reported for {', '.join(sorted(affected))}")
                break


def _result_contract(result: dict[str, Any]) -> str | None:
    from verify.report import finding_from_slither

    return finding_from_slither(result).contract
