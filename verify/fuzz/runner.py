"""``ouro fuzz`` for one file: compile, find what to fuzz, run the campaigns (in this process or
in worker processes sharing a corpus), shrink, replay each failure on Anvil to name its line, and
turn distinct failures into findings."""

from __future__ import annotations

import math
import multiprocessing as mp
import os
import queue as queue_mod
import signal
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from eth_abi import decode

from verify.compile import Compiler
from verify.findings import Finding, assign_fingerprints
from verify.pipeline import compile_for, new_entry

from .campaign import Campaign, Stats
from .corpus import CorpusDir
from .dictionary import Dictionary, ast_literals
from .harness import Harness, HarnessError, Spec, discover, instantiate
from .model import Failure, Tx
from .shrink import shrink
from .sites import read_sites

__all__ = ["FuzzOptions", "fuzz_file"]

# With --time-limit, the search of a campaign stops early enough for what follows it: a fixed
# share of its time plus an estimate per failure found (shrinking in pyrevm, one Anvil replay).
RESERVE_SHARE, REPLAY_SECONDS = 0.04, 0.08
NOTHING = ("no assertion (assert, emit AssertionFailed), property function (echidna_*, property_* returning "
           "bool) or invariant* function: nothing to fuzz")


@dataclass
class FuzzOptions:
    time_limit: float | None = None  # seconds per file, all campaigns together
    max_examples: int = 50_000  # sequences per campaign, all workers together
    depth: int = 20  # transactions per fresh sequence
    workers: int = 1
    seed: int = 0
    corpus: Path | None = None
    replay: bool = True
    export: Path | None = None
    shrink_budget: int = 250
    # synthesis: contract -> engine properties judged after every transaction (its spec invariants),
    # contract -> constructor arguments, contract -> proxy deployment, and the one contract to fuzz
    checks: dict[str, list[Any]] = field(default_factory=dict)
    constructor_args: dict[str, list[Any]] = field(default_factory=dict)
    proxies: dict[str, dict[str, str]] = field(default_factory=dict)
    only: str | None = None
    run_id: str = "run"  # set per run: the workers' claims on failures


@dataclass
class _Live:
    """What the status line shows: the sum over campaigns and workers."""

    per: dict[Any, dict] = field(default_factory=dict)

    def total(self) -> dict:
        keys = ("sequences", "transactions", "calls", "coverage", "corpus", "failures")
        out = {k: sum(s.get(k, 0) for s in self.per.values()) for k in keys}
        for k in ("seconds", "shrink_seconds", "wrap_up_seconds", "setup_seconds"):
            out[k] = max((s.get(k, 0.0) for s in self.per.values()), default=0.0)
        return out


def _engine_compile(path: Path, compiler: Compiler):
    from verify.dynamic.engine import engine_evm

    version = compiler.resolve_version(path)
    evm = engine_evm(version)
    if evm == getattr(compiler, "evm_version", None):
        return compiler.compile_file(path, version=version)
    key = (evm, tuple(compiler.extra_remappings))
    if key not in _COMPILERS:
        _COMPILERS[key] = Compiler(install=compiler.install, evm_version=evm, remappings=compiler.extra_remappings)
    return _COMPILERS[key].compile_file(path, version=version)


_COMPILERS: dict[tuple, Compiler] = {}


def _spec_evm(spec: Spec) -> str:
    return (spec.target.evm or "shanghai").upper()


def _campaign(spec: Spec, seed: int, opts: FuzzOptions, literals: tuple[set[int], set[int]]
              ) -> tuple[Campaign, Harness]:
    from verify.dynamic.executor import RevmExecutor

    ex = RevmExecutor(_spec_evm(spec))
    h = instantiate(spec, ex)
    return Campaign(h, ex, seed=seed, depth=opts.depth, dictionary=Dictionary(*literals[:2]),
                    relations=literals[2] if len(literals) > 2 else None), h


def _retyped(camp: Campaign, seq: list[Tx]) -> list[Tx]:
    out = []
    for t in seq:
        f = camp.functions.get(t.function)
        if f is not None and f.types:
            try:
                t.args = [list(a) if isinstance(a, tuple) else a for a in decode(f.types, t.data[4:])]
            except Exception:  # noqa: BLE001 - calldata of another ABI: keep it raw
                pass
        out.append(t)
    return out


def _run_one(spec: Spec, wid: int, opts: FuzzOptions, literals: set[int], deadline: float | None,
             max_sequences: int, corpus_root: Path | None, should_stop: Callable[[], bool],
             report: Callable[[dict], None]) -> tuple[dict, list[Failure]]:
    t_setup = time.monotonic()
    camp, h = _campaign(spec, opts.seed * 1000 + wid, opts, literals)
    shared = CorpusDir(corpus_root, h.name, opts.run_id) if corpus_root else None
    valid = {c.address.lower() for c in h.callables}

    def exchange() -> None:
        if shared is None:
            return
        shared.write(camp.new_entries)
        camp.new_entries = []
        for seq in shared.read_new(valid):
            camp.add_corpus(_retyped(camp, seq))

    exchange()
    setup = time.monotonic() - t_setup

    def stop() -> bool:
        if deadline is not None and time.monotonic() >= deadline - REPLAY_SECONDS * len(camp.failures):
            return True
        return should_stop() or camp.stats.sequences >= max_sequences

    def tick() -> None:
        exchange()
        report(camp.stats.to_json())

    if camp.pool or not camp.active:
        camp.loop(stop, tick)
    t0 = time.monotonic()
    if shared is not None:
        shared.write(camp.new_entries)  # what the next run (or the other workers) can build on
    report(camp.stats.to_json())
    mine = [f for f in camp.failures.values() if shared is None or shared.claim(f.key)]
    t1 = time.monotonic()
    shrunk = [shrink(camp, f, opts.shrink_budget) for f in mine]
    stats = camp.stats.to_json()
    stats["shrink_seconds"] = round(time.monotonic() - t1, 2)
    stats["wrap_up_seconds"] = round(t1 - t0, 2)
    stats["setup_seconds"] = round(setup, 2)
    return stats, shrunk


def _worker(spec, wid, opts, literals, deadline, max_sequences, corpus_root, stop_event, q) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the workers
    try:
        stats, failures = _run_one(spec, wid, opts, literals, deadline, max_sequences, corpus_root,
                                   stop_event.is_set, lambda s: q.put(("stats", wid, s)))
        q.put(("done", wid, (stats, failures)))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which goes on
        q.put(("error", wid, f"{type(exc).__name__}: {exc}"))


def _run_spec(spec: Spec, opts: FuzzOptions, literals: set[int], seconds: float | None, live: _Live,
              on_status: Callable[[dict], None] | None, interrupted: list[bool]) -> tuple[dict, list[Failure], list[str]]:
    deadline = time.monotonic() + seconds * (1 - RESERVE_SHARE) if seconds else None
    per_worker = math.ceil(opts.max_examples / max(1, opts.workers))
    errors: list[str] = []

    def report(wid, stats):
        live.per[(spec.target.name, wid)] = stats
        if on_status:
            on_status(live.total())

    if opts.workers <= 1:
        stats, failures = _run_one(spec, 0, opts, literals, deadline, per_worker, opts.corpus,
                                   lambda: interrupted[0], lambda s: report(0, s))
        return stats, failures, errors
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    stop = ctx.Event()
    tmp = None
    root = opts.corpus
    if root is None:
        tmp = tempfile.TemporaryDirectory(prefix="ouro-corpus-")
        root = Path(tmp.name)
    procs = [ctx.Process(target=_worker, args=(spec, w, opts, literals, deadline, per_worker, root, stop, q),
                         daemon=True) for w in range(opts.workers)]
    for p in procs:
        p.start()
    done: dict[int, tuple[dict, list[Failure]]] = {}
    try:
        while len(done) + len(errors) < len(procs):
            if interrupted[0]:
                stop.set()
            try:
                kind, wid, payload = q.get(timeout=0.2)
            except queue_mod.Empty:
                if not any(p.is_alive() for p in procs) and q.empty():
                    errors.append("a fuzz worker died")
                    break
                continue
            if kind == "stats":
                report(wid, payload)
            elif kind == "done":
                done[wid] = payload
                report(wid, payload[0])
            else:
                errors.append(f"fuzz worker {wid}: {payload}")
    finally:
        stop.set()
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.kill()
        if tmp is not None:
            tmp.cleanup()
    failures: list[Failure] = []
    for _, fs in done.values():
        failures += fs
    total = _Live({w: s for w, (s, _) in done.items()}).total()
    return total, failures, errors


def fuzz_file(path: str | Path, compiler: Compiler | None = None, opts: FuzzOptions | None = None,
              on_status: Callable[[dict], None] | None = None, interrupted: list[bool] | None = None
              ) -> dict[str, Any]:
    from verify.dynamic.engine import apply_proxies, targets_of

    opts = opts or FuzzOptions()
    compiler = compiler or Compiler()
    interrupted = interrupted if interrupted is not None else [False]
    started = time.monotonic()
    import dataclasses

    opts = dataclasses.replace(opts, run_id=f"{os.getpid()}-{time.time_ns()}")
    p = Path(path).resolve()
    entry = new_entry(p)
    compiled = compile_for(entry, p, path, lambda f: _engine_compile(f, compiler))
    if compiled is None:
        return entry
    sites = read_sites(compiled.raw or {})
    targets = apply_proxies(targets_of(compiled), compiled, opts.proxies) if opts.proxies else targets_of(compiled)
    specs, problems = discover(targets, sites, opts.checks, opts.constructor_args, opts.only)
    if not specs:
        if problems:
            entry.update(status="error", error="; ".join(problems))
        else:
            entry["notes"].append(f"{entry['file']}: {NOTHING}")
        return entry
    entry["notes"] += problems
    from .relations import read_relations

    raw = compiled.raw or {}
    literals = (ast_literals(raw), ast_literals(raw, compared_only=True), read_relations(raw))
    units = {u: (info.get("id"), _read(u)) for u, info in (compiled.raw.get("sources") or {}).items()}
    live, campaigns, findings = _Live(), [], []
    for i, spec in enumerate(specs):
        if interrupted[0]:
            break
        try:
            # built once here: a setUp that reverts is reported before any worker starts
            from verify.dynamic.executor import RevmExecutor

            harness = instantiate(spec, RevmExecutor(_spec_evm(spec)))
        except HarnessError as exc:
            entry["crashes"].append({"analyser": "fuzz", "exception": "HarnessError", "message": str(exc),
                                     "where": spec.target.name, "scope": "contract", "outcome": "not fuzzed"})
            continue
        entry["notes"] += harness.notes
        left = None
        if opts.time_limit:  # what is left, shared by the campaigns still to run (compiling counts)
            left = max(0.5, (opts.time_limit - (time.monotonic() - started)) / (len(specs) - i))
        t_search = time.monotonic()
        stats, failures, errors = _run_spec(spec, opts, literals, left, live, on_status, interrupted)
        t_replay = time.monotonic()
        entry["notes"] += errors
        campaigns.append({"contract": spec.target.name, "style": spec.style, **stats,
                          "properties": spec.properties, "assertions": len(spec.sites)})
        findings += _findings(p, spec, harness, failures, opts, sites, units, entry["notes"])
        campaigns[-1]["phases"] = {"search_and_shrink": round(t_replay - t_search, 2),
                                   "replay": round(time.monotonic() - t_replay, 2),
                                   "candidates": len({f.key for f in failures})}
    if entry["crashes"] and not campaigns:
        entry["status"] = "error"
        entry["error"] = "; ".join(c["message"] for c in entry["crashes"])
    entry["findings"] = [f.to_dict() for f in assign_fingerprints(findings)]  # stable ids (verify/findings.py)
    entry["fuzz"] = {"campaigns": campaigns, "seconds": round(time.monotonic() - started, 2),
                     "workers": opts.workers, "seed": opts.seed, "interrupted": interrupted[0]}
    if interrupted[0]:
        entry["notes"].append("interrupted: the campaigns stopped early; what they found is reported")
    return entry


def _read(unit: str) -> str:
    try:
        return Path(unit).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _findings(path: Path, spec: Spec, h: Harness, failures: list[Failure], opts: FuzzOptions, sites,
              units, notes: list[str]) -> list[Finding]:
    from .export import export_failure

    best: dict[tuple, Failure] = {}
    for f in failures:  # the shortest sequence per cheap key (workers may meet the same one)
        if f.key not in best or len(f.sequence) < len(best[f.key].sequence):
            best[f.key] = f
    ordered = sorted(best.values(), key=lambda f: (len(f.sequence), str(f.key)))
    replayer = None
    if opts.replay and ordered:
        from .replay import AnvilReplayer

        runtimes = (spec.target.env.runtime if spec.target.env else {}) or {}
        try:
            replayer = AnvilReplayer(h.world, spec.target.evm or "shanghai", sites, runtimes, units)
        except Exception as exc:  # noqa: BLE001 - no node: findings stay, unreplayed
            replayer = None
            notes.append(f"{spec.target.name}: Anvil replay unavailable ({type(exc).__name__}: {exc}); "
                         f"failures are reported unreplayed")
    out: dict[tuple, Finding] = {}
    try:
        for f in ordered:
            resolved = None
            if replayer is not None:
                try:
                    resolved = replayer.replay(f, spec.checks)
                except Exception as exc:  # noqa: BLE001 - one replay that breaks leaves the others
                    from .replay import Resolved

                    resolved = Resolved(False, detail=f"the replay failed: {type(exc).__name__}: {exc}")
            file, line = (resolved.file, resolved.line) if resolved else (None, None)
            if f.check == "property-failure":
                ident = ("property", (f.prop or {}).get("address"), f.name)
            elif line is not None:
                ident = ("assert", file, line)
            else:
                ident = f.key
            if ident in out:
                continue
            out[ident] = _finding(path, spec, h, f, resolved, len(out) + 1, opts, export_failure)
    finally:
        if replayer is not None:
            replayer.close()
    return list(out.values())


def _finding(path: Path, spec: Spec, h: Harness, f: Failure, resolved, n: int, opts: FuzzOptions,
             export_failure) -> Finding:
    names = h.world.names
    trace = [t.describe(names) for t in f.sequence]
    after = f"after {len(f.sequence)} transaction(s)" if f.sequence else "in the deployed state"
    style = (f.prop or {}).get("style")
    if f.check == "property-failure" and style == "check":
        message = f"{f.reason} ({after})"
        lines, contract, function = [], f.contract, None
    elif f.check == "property-failure":
        what = "invariant" if style == "invariant" else "property"
        message = f"{what} {f.name} fails {after}: {f.reason}"
        lines = _function_line(path, f.name)
        contract, function = f.contract, f.name.split("(")[0]
    else:
        line = resolved.line if resolved else None
        where = f"assertion on line {line}" if line else "an assertion"
        message = f"{where} fails {after}: {f.reason}"
        lines = [line] if line else []
        contract = (resolved.contract if resolved and resolved.contract else None) or f.contract
        function = f.sequence[-1].function.split("(")[0] if f.sequence else None
    evidence: dict[str, Any] = {
        "engine": "ouro fuzz", "style": spec.style, "harness": spec.target.name, "seed": opts.seed,
        "steps": [t.to_json() for t in f.sequence], "trace": trace, "reason": f.reason, "detail": message,
    }
    if resolved is not None:
        evidence["replay"] = resolved.to_json()
    if style == "check":
        evidence["check"] = f.name
    elif opts.export:
        evidence["exports"] = export_failure(opts.export, path, spec, h, f, n, message)
    file_for_id = str(resolved.file) if resolved and resolved.file else str(path)
    return Finding(check=f.check, category="other", severity="high", confidence="high", source="fuzz",
                   message=message, file=file_for_id if file_for_id == str(path) else str(path),
                   contract=contract, function=function, lines=lines,
                   confirmed=(resolved.reproduced if resolved else None), evidence=evidence)


def _function_line(path: Path, signature: str) -> list[int]:
    import re

    name = signature.split("(")[0]
    text = _read(str(path))
    m = re.search(rf"\bfunction\s+{re.escape(name)}\s*\(", text)
    return [text.count("\n", 0, m.start()) + 1] if m else []
