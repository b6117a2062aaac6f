"""`ouro synth`: spec -> Solidity -> compile -> verify (static + properties + scenarios) -> project.

Nothing is written until verification has run. A passing contract becomes a brownie project
(contracts, tests, deploy script, report), moved into place in one rename; a failing one
leaves only its report. A bad spec or a bad ``--out`` writes nothing.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from verify.compile import CompileError, Compiler
from verify.findings import severity_as_flagged, severity_rank

from .generators import GeneratedSource, select_generator
from .invariant_checks import InvariantError, compile_invariants
from .kinds import get_kind
from .scenarios import ScenarioResult, run_scenario
from .spec import SpecError, load_spec, parse_invariant

__all__ = ["SynthOptions", "SynthResult", "check_out_dir", "synthesize", "verify_generated"]



@dataclass
class SynthOptions:
    generator: str | None = None
    seed: int = 0
    max_examples: int = 60
    steps: int = 10
    replay: bool = True  # replay counterexamples on Anvil
    static: bool = True
    model: Any = None  # a ModelClient: makes the model generator available
    repair_rounds: int = 3  # a contract that fails verification is repaired (0: never)
    fuzz_examples: int = 200  # `ouro fuzz` sequences on the spec's invariants after verification (0: none)
    fuzz_seconds: float = 3.0  # and at most this long
    token_variants: bool = True  # search again with fee-on-transfer and returns-false tokens (synth/token_variants.py)


@dataclass
class SynthResult:
    spec: Any
    generated: GeneratedSource | None = None
    passed: bool = False
    entry: dict[str, Any] = field(default_factory=dict)  # the verification result (findings contract)
    scenarios: list[ScenarioResult] = field(default_factory=list)
    invariants: list[str] = field(default_factory=list)
    invariant_ids: list[str] = field(default_factory=list)  # the engine check name of each invariant
    constructor_args: list[Any] = field(default_factory=list)
    abi: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None
    # first-pass, pass-after-repair, rounds used and per-check counts (see ``metrics``)
    repair: dict[str, Any] | None = None
    gas: dict[str, Any] = field(default_factory=dict)  # deployment and per-function gas (synth/gas.py)
    deployment: Any = None  # what verification deployed: constructor arguments, or a DeployPlan
    system: SystemContext | None = None  # set for a contract of a system spec

    def metrics(self) -> dict[str, Any]:
        """What every report states: did the first attempt pass, did repair make it pass, how many
        repair rounds it took, and per check what was found and what repair fixed."""
        rep = self.repair or {}
        first = rep.get("first_pass", self.passed)
        return {"first_pass": first, "passed_after_repair": None if first else self.passed,
                "repair_rounds": rep.get("rounds", 0), "per_check": rep.get("per_check", {})}

    def blocking(self) -> list[dict]:
        """Findings that fail the synthesis: high/medium as flagged, or any violated property.
        Generated code is held to the static checks even where the engine refuted a lead (a
        payment before the state update under a guard is not exploitable, but it is not how
        audited code is written): repair fixes those too."""
        return [f for f in self.entry.get("findings", [])
                if severity_rank(severity_as_flagged(f)) <= severity_rank("medium") or f["source"] == "property"]


def check_out_dir(out: str | Path) -> Path:
    """``--out`` may not climb out with ``..`` nor carry control characters."""
    text = str(out)
    if not text or any(not c.isprintable() for c in text):
        raise SpecError([f"--out: {text!r} contains control characters"])
    if ".." in Path(text).parts:
        raise SpecError([f"--out: {text!r} contains '..'; give the output folder without parent references"])
    p = Path(text)
    if p.exists() and not p.is_dir():
        raise SpecError([f"--out: {text} exists and is not a folder"])
    if p.is_dir() and any(p.iterdir()) and not (p / ".ouro-synth").exists():
        raise SpecError([f"--out: {text} is a non-empty folder ouro did not create; choose an empty or new one"])
    return p


def _actor_addresses() -> dict[str, str]:
    from verify.dynamic.session import Actors

    a = Actors.default()
    return {"deployer": a.deployer, "alice": a.alice, "bob": a.bob, "attacker": a.attacker}


def deployment_for(spec, constructor_args: list[Any], variant: str = "standard"):
    """What verification deploys for ``spec``: its constructor arguments with actor addresses, or
    a plan with mock tokens in place of the tokens it is deployed against (synth/token_plan.py)."""
    from .token_plan import verification_plan

    return verification_plan(get_kind(spec.kind).token_refs(spec), constructor_args, _actor_addresses(), variant)


@dataclass
class SystemContext:
    """What a contract of a system spec is verified with: the deployment (the system's earlier
    contracts and mock tokens, see synth/system_pipeline.py) and the system invariants it closes."""

    deployment: Any  # verify.dynamic.deploy_plan.DeployPlan
    invariants: list[str] = field(default_factory=list)  # cross-contract texts, checked on this contract
    abis: dict[str, list[dict]] = field(default_factory=dict)  # the other contracts a text may name
    first_index: int = 0  # the numbering of those invariants after the contract's own


def verify_generated(spec, sol_path: Path, compiler: Compiler, opts: SynthOptions,
                     generated: GeneratedSource, system: SystemContext | None = None) -> SynthResult:
    """Compile and verify an already written contract for ``spec``; scenarios included."""
    from verify.dynamic.engine import _engine_compile, apply_proxies, targets_of
    from verify.dynamic.executor import ReceiptGasExecutor
    from verify.dynamic.session import Session
    from verify.pipeline import VerifyOptions, verify_file

    kind = get_kind(spec.kind)
    res = SynthResult(spec, generated)
    t0 = time.perf_counter()
    try:
        compiled = compiler.compile_file(sol_path)
    except CompileError as exc:
        res.error = f"the generated contract does not compile:\n{exc}"
        res.entry = {"file": str(sol_path), "status": "compile-error", "error": str(exc), "findings": []}
        res.seconds = time.perf_counter() - t0
        return res
    contract = compiled.contract(spec.name)
    res.abi = contract.abi
    texts = kind.invariants(spec) + list(spec.invariants)
    res.invariants = texts
    params = spec.parameters.model_dump()
    props = compile_invariants([(t, parse_invariant(t)) for t in texts], contract.abi, params)
    if system is not None and system.invariants:
        props += compile_invariants([(t, parse_invariant(t)) for t in system.invariants], contract.abi, params,
                                    system.abis, spec.name, len(props))
    seen: set[str] = set()  # a user invariant that repeats a kind invariant is checked once
    props = [p for p in props if not (p.text in seen or seen.add(p.text))]
    res.invariants = [p.text for p in props]
    res.invariant_ids = [p.ARGUMENT for p in props]
    res.constructor_args = kind.constructor_args(spec)
    args = system.deployment if system is not None else deployment_for(spec, res.constructor_args)
    res.deployment = args
    proxy = kind.proxy(spec)
    proxies = {spec.name: proxy} if proxy else {}
    vopts = VerifyOptions(static_only=False, seed=opts.seed, max_examples=opts.max_examples, steps=opts.steps,
                          replay=opts.replay, constructor_args={spec.name: args},
                          extra_properties={spec.name: props}, proxies=proxies, parallel_static=True)
    res.entry = verify_file(sol_path, compiler, vopts)
    if res.entry.get("status") == "ok" and system is None and opts.token_variants:
        from .token_variants import search_with_token_variants

        search_with_token_variants(compiled, spec, res.constructor_args, props, proxies, opts, res.entry,
                                   deployment_for)
    if props and opts.fuzz_examples and res.entry.get("status") == "ok":
        _fuzz_invariants(sol_path, compiler, spec, props, args, proxies, opts, res.entry)
    # functional scenarios, each on a fresh in-process deployment
    engine_build = compiled if compiled.evm_version == "cancun" else _engine_compile(str(sol_path), compiled.version)
    target = next(t for t in apply_proxies(targets_of(engine_build), engine_build, proxies) if t.name == spec.name)
    from .generators.custom_functions import spec_scenarios

    for sc in spec_scenarios(spec):
        session = Session(target, ReceiptGasExecutor(target.evm.upper()), args)  # gas as a receipt counts it
        try:
            res.scenarios.append(run_scenario(session, sc))
        except Exception as exc:  # noqa: BLE001 - a broken scenario is a failed scenario, not a crash
            res.scenarios.append(ScenarioResult(sc.name, False, f"{type(exc).__name__}: {exc}"))
    from .gas import deployment_gas, gas_table

    res.gas = gas_table(res.scenarios, deployment_gas(target, args))
    res.passed = (res.entry.get("status") == "ok" and not res.blocking()
                  and all(s.passed for s in res.scenarios))
    res.system = system
    res.seconds = time.perf_counter() - t0
    return res


def _fuzz_invariants(sol_path: Path, compiler: Compiler, spec, props, args, proxies, opts: SynthOptions,
                     entry: dict[str, Any]) -> None:
    """The spec's invariants again, under `ouro fuzz`'s coverage-guided search: a violation the
    property engine did not meet joins the findings (the engine's own reports are kept)."""
    from verify.fuzz import FuzzOptions, fuzz_file

    fz = fuzz_file(sol_path, compiler, FuzzOptions(
        max_examples=opts.fuzz_examples, time_limit=opts.fuzz_seconds, depth=opts.steps, seed=opts.seed,
        replay=opts.replay, checks={spec.name: props},
        constructor_args={spec.name: args}, proxies=proxies, only=spec.name))
    have = {f["check"] for f in entry["findings"]}
    for f in fz.get("findings", []):
        if (f.get("evidence") or {}).get("check") not in have:
            entry["findings"].append(f)
    entry.setdefault("notes", []).extend(n for n in fz.get("notes", []) if "nothing to fuzz" not in n)
    if fz.get("fuzz"):
        entry["fuzz"] = fz["fuzz"]


def synthesize(spec_path: str | Path, out: str | Path, opts: SynthOptions | None = None,
               compiler: Compiler | None = None) -> SynthResult:
    """The whole pipeline. ``SpecError`` for a bad spec or ``--out`` (nothing written)."""
    from .project import write_failure_report, write_project
    from .spec.loader import invariant_line

    opts = opts or SynthOptions()
    spec = load_spec(spec_path)
    if getattr(spec, "kind", None) == "system":  # several contracts: synth/system_pipeline.py
        from .system_pipeline import synthesize_system

        return synthesize_system(spec, spec_path, out, opts, compiler, getattr(opts, "framework", "both"))
    out_dir = check_out_dir(out)
    generator = select_generator(opts.generator, opts.model)
    generated = generator.generate(spec)
    compiler = compiler or Compiler(evm_version="cancun")  # what the engine runs: compiled once
    compiler.warm_for(generated.source)  # node loads solc while Python imports the engine
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=".ouro-synth-") as tmp:
        work = Path(tmp) / "contracts"
        work.mkdir()
        sol = work / f"{generated.contract}.sol"
        sol.write_text(generated.source, encoding="utf-8")
        try:
            res = verify_generated(spec, sol, compiler, opts, generated)
        except InvariantError as exc:
            n_kind = len(get_kind(spec.kind).invariants(spec))
            raise SpecError([_invariant_problem(spec_path, exc, n_kind, invariant_line)]) from None
        if not res.passed and opts.repair_rounds > 0 and res.entry.get("status") == "ok" and res.blocking():
            res = _repair_and_reverify(spec, sol, compiler, opts, generated, res)
        if not res.passed and opts.repair_rounds > 0 and getattr(generator, "attempts", None):
            res = _model_rounds(spec, sol, compiler, opts, generator, res)
        res.seconds = time.perf_counter() - t0
        if res.passed:
            write_project(out_dir, spec, res, Path(spec_path))
        else:
            write_failure_report(out_dir, spec, res)
    return res


def _per_check(findings: list[dict]) -> dict[str, int]:
    return dict(Counter(f["check"] for f in findings))


def _repair_and_reverify(spec, sol: Path, compiler: Compiler, opts: SynthOptions, generated: GeneratedSource,
                         first: SynthResult) -> SynthResult:
    """Repair a contract that failed (patchers, then the model if any), and verify the patched
    contract against the whole spec again: it passes only if that verification passes."""
    from .repair.engine import RepairOptions, repair_file

    found = _per_check(first.blocking())
    rep = repair_file(sol, compiler, RepairOptions(
        rounds=opts.repair_rounds, seed=opts.seed, max_examples=opts.max_examples, steps=opts.steps,
        constructor_args={spec.name: first.deployment}, model=opts.model,
        refuted_too=True))
    rounds = len(rep.get("rounds") or [])
    base = {"first_pass": False, "rounds": rounds, "report": {k: rep.get(k) for k in ("status", "error", "diff")},
            "per_check": {c: {"found": n, "repaired": 0} for c, n in found.items()}}
    if not rep.get("patched"):
        first.repair = base
        return first
    sol.write_text(rep["patched"], encoding="utf-8")
    patched = GeneratedSource(generated.contract, rep["patched"], f"{generated.generator}+repair")
    again = verify_generated(spec, sol, compiler, opts, patched, first.system)
    left = _per_check(again.blocking())
    for c, row in base["per_check"].items():
        row["repaired"] = max(0, row["found"] - left.get(c, 0))
    again.repair = base
    again.seconds += first.seconds
    return again


def _model_rounds(spec, sol: Path, compiler: Compiler, opts: SynthOptions, generator, res: SynthResult
                  ) -> SynthResult:
    """The model rewrites its bodies, told what failed (findings, scenarios such as a custom
    function's examples, compile errors), until the whole spec passes or the rounds run out."""
    from .strategy.evaluate import feedback

    first = res
    rep = dict(first.repair or {"first_pass": False, "rounds": 0,
                                "per_check": {c: {"found": n, "repaired": 0}
                                              for c, n in _per_check(first.blocking()).items()}})
    for s in first.scenarios:
        if not s.passed:
            rep["per_check"].setdefault(f"scenario:{s.name}", {"found": 1, "repaired": 0})
    attempt, model_rounds = generator.attempts[-1], 0
    for rnd in range(2, opts.repair_rounds + 2):
        problems = [f"{f['check']} in {f.get('function') or f.get('contract')}: {f.get('message', '')[:300]}"
                    for f in res.blocking()] + [f"scenario {s.name}: {s.message}" for s in res.scenarios if not s.passed]
        if res.error:
            problems.append(res.error[:500])
        verdict = {"checks": sorted({f["check"] for f in res.blocking()}), "messages": problems}
        attempt = generator.attempt(spec, feedback=feedback(generator._strategy(), attempt, verdict), round=rnd)
        model_rounds += 1
        if not attempt.ok:
            continue
        sol.write_text(attempt.source, encoding="utf-8")
        res = verify_generated(spec, sol, compiler, opts, GeneratedSource(spec.name, attempt.source, generator.NAME),
                               first.system)
        if res.passed:
            break
    left = _per_check(res.blocking())
    failing = {f"scenario:{s.name}" for s in res.scenarios if not s.passed}
    for c, row in rep["per_check"].items():
        row["repaired"] = (0 if c in failing else 1) if c.startswith("scenario:") else max(0, row["found"] - left.get(c, 0))
    rep["rounds"] = rep.get("rounds", 0) + model_rounds
    rep["model_rounds"] = model_rounds
    res.repair = rep
    res.seconds += first.seconds
    return res


def _invariant_problem(spec_path, exc: InvariantError, n_kind: int, invariant_line) -> str:
    import re

    m = re.match(r"invariant (\d+) ", str(exc))
    idx = int(m.group(1)) - n_kind if m else -1
    msg = re.sub(r"^invariant \d+ ", "", str(exc))
    if idx < 0:  # a kind-standard invariant does not fit: a bug of the kind, said plainly
        return f"{spec_path}: kind invariant {msg}"
    line = invariant_line(spec_path, idx)
    return f"{spec_path}{':' + str(line) if line else ''}: invariants.{idx}: {msg}"
