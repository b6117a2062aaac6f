"""Fast verification of generated sources and evaluation of a strategy on a corpus split.

Verification is the synth pipeline's (compile, Slither + ouro's static checks, a short property
search, invariants, scenarios) under a fixed ``VerifierConfig``; the learner reads it, never
changes it, and its hash is recorded with every version and metric. Results are cached by the
content hash of the source plus that hash (in the batch results store, ``parallel.py``), so
re-evaluating unchanged output costs nothing; ``jobs`` > 1 verifies in worker processes.

Check ids: a blocking finding's check, ``compile-error``, ``scenario`` for a failed functional
scenario, and ``ouro-privileged-call`` for a failed ``access_<slot>`` scenario (a privileged slot
that forgot its access check). With ``gas_reference`` (on in ``ouro strategy``) each spec's template, the
reference answer, is verified once too, and a passing attempt whose scenario calls cost more gas
than the reference's by more than ``gas_slack`` fails with ``gas-above-reference`` (EVM gas is
deterministic, so the comparison is exact).

A passing result also carries the contract's total gas (deployment plus every successful scenario
call, ``synth/gas.py``): the efficiency a strategy edit may not make worse.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["SpecResult", "SplitResult", "VerifierConfig", "evaluate_split", "feedback", "gas_regression",
           "verify_source"]


@dataclass(frozen=True)
class VerifierConfig:
    static: bool = True
    max_examples: int = 8
    steps: int = 6
    seed: int = 0
    scenarios: bool = True
    gas: bool = True  # results carry the contract's total gas (a cache from before gas was measured has none)
    gas_reference: bool = False  # a passing body whose scenario calls cost more than the template's fails
    # (``ouro strategy`` turns it on; off here so a caller that compares only median gas keeps that)
    gas_slack: float = 0.001  # ... by more than this fraction

    @property
    def hash(self) -> str:
        from .parallel import ouro_version

        ouro = ouro_version()
        return hashlib.sha256(json.dumps({**asdict(self), "ouro": ouro}, sort_keys=True).encode()).hexdigest()[:16]


_PARENT_COMPILER = None


def _compiler(compiler=None):
    global _PARENT_COMPILER
    if compiler is not None:
        return compiler
    if _PARENT_COMPILER is None:
        from verify.compile import Compiler

        _PARENT_COMPILER = Compiler(evm_version="cancun")
    return _PARENT_COMPILER


def scenario_check(name: str) -> str:
    """The check id of a failed scenario: ``access_<slot>`` is a missing access check."""
    return "ouro-privileged-call" if name.startswith("access_") else "scenario"


def _verify_uncached(spec, source: str, cfg: VerifierConfig, compiler=None) -> tuple[dict[str, Any], bool]:
    """(verdict, cacheable): a verifier crash is a failed verdict that is not cached (may be transient)."""
    from synth.pipeline import SynthOptions, verify_generated
    from synth.generators import GeneratedSource

    out: dict[str, Any] = {"passed": False, "checks": [], "messages": [], "gas": None, "calls_gas": None}
    try:
        with tempfile.TemporaryDirectory(prefix="ouro-strategy-") as tmp:
            sol = Path(tmp) / f"{spec.name}.sol"
            sol.write_text(source, encoding="utf-8")
            res = verify_generated(spec, sol, _compiler(compiler),
                                   SynthOptions(seed=cfg.seed, max_examples=cfg.max_examples, steps=cfg.steps,
                                                replay=False, static=cfg.static),
                                   GeneratedSource(spec.name, source, "model"))
        if res.entry.get("status") == "compile-error":
            out["checks"].append("compile-error")
            out["messages"].append((res.error or "")[:600])
        elif res.entry.get("status") != "ok":
            out["checks"].append("verifier-error")
            out["messages"].append(str(res.entry.get("error"))[:600])
        for f in res.blocking():
            out["checks"].append(f["check"])
            out["messages"].append(f"{f['check']} in {f.get('function') or '?'}: {f['message'][:300]}")
        if cfg.scenarios:
            for sc in res.scenarios:
                if not sc.passed:
                    out["checks"].append(scenario_check(sc.name))
                    out["messages"].append(f"scenario {sc.name}: {sc.message}"[:300])
        out["checks"] = sorted(set(out["checks"]))
        out["passed"] = not out["checks"] and bool(res.passed or not cfg.scenarios)
        if cfg.gas and out["passed"] and res.gas.get("deployment") is not None:
            out["gas"] = res.gas["total"]
            out["calls_gas"] = res.gas.get("calls_total")
        if not out["passed"] and not out["checks"]:
            out["checks"] = ["failed"]
        # the temporary folder's name out of the messages: the same source gives the same verdict
        out["messages"] = [re.sub(r"[^\s(]*ouro-strategy-[A-Za-z0-9_]+/", "", m) for m in out["messages"]]
    except Exception as exc:  # noqa: BLE001 - a verifier crash is a failed result, recorded
        out["checks"] = ["verifier-error"]
        out["messages"] = [f"{type(exc).__name__}: {exc}"[:600]]
        return out, False
    return out, True


def verify_source(spec, source: str, cfg: VerifierConfig, compiler=None, store=None,
                  spec_id: str | None = None) -> dict[str, Any]:
    """{"passed", "checks", "messages", "gas", "calls_gas"} for ``source``; never raises. ``store``
    caches: a ``parallel.VerifyCache`` (key ``strategy:<spec_id>``)."""
    key = spec_id or f"spec:{spec.name}"
    if store is None:
        return _verify_uncached(spec, source, cfg, compiler)[0]
    hit = store.get(key, source, cfg)
    if hit is not None:
        return {**hit, "cached": True}
    out, cacheable = _verify_uncached(spec, source, cfg, compiler)
    if cacheable:
        store.put(key, source, cfg, out)
    return out


def reference_source(spec) -> str:
    """The kind's template for ``spec`` (custom functions added as the model generator's skeleton
    does): the reference answer the gas of a passing attempt is compared with."""
    from synth.generators.custom_functions import add_custom_functions
    from synth.kinds import get_kind

    return add_custom_functions(get_kind(spec.kind).render(spec), spec)


def above_reference(verdict: dict[str, Any], ref: dict[str, Any] | None, slack: float) -> dict[str, Any]:
    """``verdict`` failed with ``gas-above-reference`` when its scenario calls cost more than the
    passing reference's by more than ``slack``; unchanged otherwise."""
    if not verdict.get("passed") or not ref or not ref.get("passed"):
        return verdict
    mine, theirs = verdict.get("calls_gas"), ref.get("calls_gas")
    if mine is None or not theirs or mine <= theirs * (1 + slack):
        return verdict
    return {**verdict, "passed": False, "checks": ["gas-above-reference"],
            "messages": [f"gas-above-reference: the scenario calls cost {mine} gas, the reference answer's "
                         f"{theirs} ({(mine - theirs) / theirs:+.1%}); write a body that costs no more"]}


@dataclass
class SpecResult:
    spec: str
    split: str
    first_pass: bool
    passed: bool  # after repair rounds
    rounds: int
    checks: list[str] = field(default_factory=list)  # of the first attempt
    status: str = "ok"  # of the first attempt's generation
    messages: list[str] = field(default_factory=list)
    bodies: dict[str, str] = field(default_factory=dict)  # slot -> body of the passing attempt
    gas: int | None = None  # total gas of the first attempt's contract when it passed (synth/gas.py)
    kind: str = ""
    slots: list[str] = field(default_factory=list)  # the slots the model answered


@dataclass
class SplitResult:
    split: str
    results: list[SpecResult]

    @property
    def n(self) -> int:
        return len(self.results)

    @property
    def rate(self) -> float:
        return sum(r.first_pass for r in self.results) / self.n if self.n else 0.0

    @property
    def after_repair(self) -> float:
        return sum(r.passed for r in self.results) / self.n if self.n else 0.0

    def passing(self) -> set[str]:
        return {r.spec for r in self.results if r.first_pass}

    def gas(self) -> dict[str, int]:
        """spec -> total gas, of the specs whose first attempt passed and was measured."""
        return {r.spec: r.gas for r in self.results if r.first_pass and r.gas is not None}

    @property
    def gas_median(self) -> float | None:
        from synth.gas import median_total

        return median_total(self.gas().values())

    def per_check(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.results:
            for c in r.checks:
                out[c] = out.get(c, 0) + 1
        return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))

    def metrics(self) -> dict[str, Any]:
        return {"n": self.n, "first_pass": round(self.rate, 4), "after_repair": round(self.after_repair, 4),
                "rounds": round(sum(r.rounds for r in self.results) / self.n, 3) if self.n else 0.0,
                "per_check": self.per_check(), "gas": self.gas_median}


def gas_regression(before: SplitResult, after: SplitResult, tolerance: float) -> dict[str, Any] | None:
    """Over the specs that pass (first attempt, gas measured) in both: the median total gas per spec
    before and after, and whether it rose by more than ``tolerance`` (0.02: 2 %); None when no
    spec passes in both."""
    from synth.gas import median_total

    b, a = before.gas(), after.gas()
    common = sorted(set(b) & set(a))
    if not common:
        return None
    mb, ma = median_total(b[s] for s in common), median_total(a[s] for s in common)
    change = (ma - mb) / mb if mb else 0.0
    return {"specs": len(common), "before": mb, "after": ma, "change": change,
            "regressed": change > tolerance + 1e-12, "tolerance": tolerance}


def feedback(strategy, attempt, verdict) -> dict[str, list[tuple[str, str]]]:
    """What the next round tells the model about each slot's previous answer."""
    if attempt.ok:
        problems = verdict["messages"] or verdict["checks"]
        checks = verdict["checks"]
    else:
        problems, checks = [attempt.error], [attempt.status]
    hints = [h for c in checks if (h := strategy.hint(c))]
    text = "That body failed verification:\n" + "\n".join(f"- {p}" for p in problems[:6])
    if hints:
        text += "\nHints:\n" + "\n".join(f"- {h}" for h in hints)
    text += "\nWrite the corrected body (statements only)."
    return {slot: [(ans, text)] for slot, ans in attempt.answers.items()}


def evaluate_split(strategy, entries, client, cfg: VerifierConfig, store=None, compiler=None, rounds: int = 1,
                   version: int = 0, cache=None, pool=None, memo: dict | None = None) -> SplitResult:
    """Each entry's model-generated contract verified; ``rounds`` > 1 adds repair rounds.

    Round by round over the whole split: the parent generates every entry's attempt (in entry
    order, so a scripted model sees the same calls whatever ``pool`` is), then the uncached
    verifications fan out to ``pool`` (``parallel.make_pool``); ``store`` (the strategy history)
    records every attempt, ``cache`` (``parallel.VerifyCache``) holds the verdicts."""
    from synth.generators.model import ModelGenerator

    from .parallel import verify_many

    entries = list(entries)
    split = entries[0].split if entries else ""
    memo = {} if memo is None else memo
    gens = [ModelGenerator(client, strategy, compiler=compiler, compile_check=False) for _ in entries]
    specs = [e.spec() for e in entries]
    refs: dict[int, dict[str, Any]] = {}
    fb: dict[int, Any] = {}
    first: dict[int, dict[str, Any]] = {}
    last: dict[int, tuple[Any, dict[str, Any], int]] = {}
    active = list(range(len(entries)))
    for rnd in range(1, rounds + 1):
        if not active:
            break
        attempts = {i: gens[i].attempt(specs[i], feedback=fb.get(i), round=rnd) for i in active}
        items = [(entries[i], attempts[i].source) for i in active if attempts[i].ok]
        ref_at = [i for i in active if cfg.gas_reference and i not in refs]
        ref_items = [(entries[i], reference_source(specs[i])) for i in ref_at]
        verdicts = iter(verify_many(items + ref_items, cfg, cache, pool, compiler, memo))
        got = {i: next(verdicts) for i in active if attempts[i].ok}
        for i in ref_at:
            refs[i] = next(verdicts)
        for i in active:
            a = attempts[i]
            if a.ok:
                verdict = above_reference(got[i], refs.get(i), cfg.gas_slack) if cfg.gas_reference else got[i]
            else:
                verdict = {"passed": False, "checks": [a.status], "messages": [a.error]}
            if store is not None:
                store.add_attempt(version, strategy.hash, entries[i].id, entries[i].split, rnd, a.status,
                                  verdict["checks"], a.error or "; ".join(verdict["messages"])[:2000])
            if i not in first:
                first[i] = {"verdict": verdict, "status": a.status}
            last[i] = (a, verdict, rnd)
            if not verdict["passed"]:
                fb[i] = feedback(strategy, a, verdict)
        active = [i for i in active if not last[i][1]["passed"]]
    results = []
    for i, e in enumerate(entries):
        a, verdict, rnd = last[i]
        f = first[i]["verdict"]
        results.append(SpecResult(e.id, e.split, f["passed"], verdict["passed"], rnd, f["checks"], first[i]["status"],
                                  f["messages"], dict(a.answers) if verdict["passed"] else {}, f.get("gas"),
                                  e.kind, sorted(a.answers)))
    return SplitResult(split, results)
