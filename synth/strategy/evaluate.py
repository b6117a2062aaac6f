"""Fast verification of generated sources and evaluation of a strategy on a corpus split.

Verification is the synth pipeline's (compile, Slither + ouro's static checks, a short property
search, invariants, scenarios) under a fixed ``VerifierConfig``; the learner reads it, never
changes it, and its hash is recorded with every version and metric. Results are cached by the
content hash of the source plus that hash, so re-evaluating unchanged output costs nothing.

A passing result also carries the contract's total gas (deployment plus every successful scenario
call, ``synth/gas.py``): the efficiency a strategy edit may not make worse.
"""

from __future__ import annotations

import hashlib
import json
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

    @property
    def hash(self) -> str:
        from importlib.metadata import PackageNotFoundError, version

        try:
            ouro = version("ouro-contracts")
        except PackageNotFoundError:
            ouro = "dev"
        return hashlib.sha256(json.dumps({**asdict(self), "ouro": ouro}, sort_keys=True).encode()).hexdigest()[:16]


def verify_source(spec, source: str, cfg: VerifierConfig, compiler=None, store=None) -> dict[str, Any]:
    """{"passed", "checks", "messages"} for ``source`` (cached in ``store``); never raises."""
    key = hashlib.sha256(source.encode()).hexdigest()
    vh = cfg.hash
    if store is not None:
        hit = store.cached(key, vh)
        if hit is not None:
            return {**hit, "cached": True}
    from verify.compile import Compiler

    from synth.pipeline import SynthOptions, verify_generated
    from synth.generators import GeneratedSource

    out: dict[str, Any] = {"passed": False, "checks": [], "messages": [], "gas": None}
    try:
        with tempfile.TemporaryDirectory(prefix="ouro-strategy-") as tmp:
            sol = Path(tmp) / f"{spec.name}.sol"
            sol.write_text(source, encoding="utf-8")
            res = verify_generated(spec, sol, compiler or Compiler(evm_version="cancun"),
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
            for s in res.scenarios:
                if not s.passed:
                    out["checks"].append("scenario")
                    out["messages"].append(f"scenario {s.name}: {s.message}"[:300])
        out["checks"] = sorted(set(out["checks"]))
        out["passed"] = not out["checks"] and bool(res.passed or not cfg.scenarios)
        if cfg.gas and out["passed"] and res.gas.get("deployment") is not None:
            out["gas"] = res.gas["total"]
        if not out["passed"] and not out["checks"]:
            out["checks"] = ["failed"]
    except Exception as exc:  # noqa: BLE001 - a verifier crash is a failed result, recorded
        out["checks"] = ["verifier-error"]
        out["messages"] = [f"{type(exc).__name__}: {exc}"[:600]]
        return out  # not cached: may be transient
    if store is not None:
        store.cache(key, vh, out)
    return out


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
                   version: int = 0) -> SplitResult:
    """Each entry's model-generated contract verified; ``rounds`` > 1 adds repair rounds."""
    from synth.generators.model import ModelGenerator

    results = []
    split = entries[0].split if entries else ""
    for e in entries:
        gen = ModelGenerator(client, strategy, compiler=compiler, compile_check=False)
        spec = e.spec()
        fb = None
        first: dict[str, Any] | None = None
        for rnd in range(1, rounds + 1):
            a = gen.attempt(spec, feedback=fb, round=rnd)
            if a.ok:
                verdict = verify_source(spec, a.source, cfg, compiler, store)
            else:
                verdict = {"passed": False, "checks": [a.status], "messages": [a.error]}
            if store is not None:
                store.add_attempt(version, strategy.hash, e.id, e.split, rnd, a.status, verdict["checks"],
                                  a.error or "; ".join(verdict["messages"])[:2000])
            if first is None:
                first = {"verdict": verdict, "status": a.status}
            if verdict["passed"]:
                break
            fb = feedback(strategy, a, verdict)
        bodies = dict(a.answers) if verdict["passed"] else {}
        results.append(SpecResult(e.id, e.split, first["verdict"]["passed"], verdict["passed"], rnd,
                                  first["verdict"]["checks"], first["status"], first["verdict"]["messages"], bodies,
                                  first["verdict"].get("gas")))
    return SplitResult(split, results)
