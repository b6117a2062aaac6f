"""The learner: first attempts on train, failures clustered by check, edits proposed from train
failures only (the per-check catalogue and, optionally, a proposer model), each edit accepted only
when the validation first-pass rate rises by ``margin``, no validation spec that passed before
fails now, and the contracts do not cost more gas: the median total gas (deployment plus every
scenario call) over the validation specs passing before and after may rise by ``gas_tolerance``
at most (2 % by default); otherwise reverted. Guards: no rule may mention a train literal (spec
name, number, address); rule count and length are capped. The verifier configuration is fixed at
construction (read-only here) and its hash is recorded with every version and metric."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from .catalogue import CATALOGUE
from .corpus import SPLITS, CorpusEntry, build_corpus, select
from .evaluate import SplitResult, VerifierConfig, evaluate_split, gas_regression
from .model import MAX_EXAMPLES, MAX_RULE_CHARS, MAX_RULES, Example, Rule, Strategy, StrategyError, load_strategy
from .store import StrategyStore

__all__ = ["GAS_TOLERANCE", "Decision", "Edit", "Learner", "LearnReport", "leak_problem"]

GAS_TOLERANCE = 0.02  # the median total gas per passing validation spec may rise by 2 % at most

PROPOSE_SCHEMA = {"type": "object", "required": ["text"], "additionalProperties": False,
                  "properties": {"text": {"type": "string", "minLength": 1, "maxLength": 2000}}}


@dataclass(frozen=True)
class Edit:
    kind: str  # "rule" | "hint" | "example"
    text: str
    check: str = ""
    specs: tuple[str, ...] = ()
    origin: str = "catalogue"  # catalogue | model | manual
    slot: str = ""
    spec_kind: str = ""


@dataclass
class Decision:
    edit: Edit
    accepted: bool
    reason: str
    version: int | None = None
    validation_before: float | None = None
    validation_after: float | None = None
    regressions: list[str] = field(default_factory=list)
    gas: dict[str, Any] | None = None  # median total gas before/after over the specs passing in both


@dataclass
class LearnReport:
    start: int
    end: int
    rounds: int
    decisions: list[Decision]
    metrics: dict[str, dict[str, Any]]  # split -> metrics of the final version (train, validation)


def _train_literals(entries: list[CorpusEntry]) -> tuple[set[str], set[str]]:
    names, numbers = set(), set()
    for e in entries:
        names.add(str(e.doc.get("name", "")).lower())
        names.add(e.id.split(":", 1)[-1].lower())
        for v in (e.doc.get("parameters") or {}).values():
            numbers.update(n for n in re.findall(r"\d+", str(v)) if len(n) >= 2 or int(n) > 1)
        numbers.update(n for n in re.findall(r"\d+", str(e.doc.get("name", ""))))
    return {n for n in names if n}, numbers


def leak_problem(text: str, train: list[CorpusEntry]) -> str | None:
    """Why ``text`` leaks the train split (a spec name, a number of a train spec, an address), or None."""
    low = text.lower()
    names, numbers = _train_literals(train)
    for n in sorted(names, key=len, reverse=True):
        if re.search(rf"\b{re.escape(n)}\b", low):
            return f"mentions the train spec name {n!r}"
    if re.search(r"0x[0-9a-f]{8,}", low):
        return "mentions an address"
    for n in re.findall(r"\d+", low):
        if n in numbers:
            return f"mentions the train number {n}"
    return None


class Learner:
    def __init__(self, store: StrategyStore, client, *, verifier: VerifierConfig | None = None,
                 kinds: list[str] | None = None, per_split: int | None = None, margin: float = 0.1,
                 max_rounds: int = 3, proposer=None, catalogue: dict | None = None, compiler=None,
                 initial: Strategy | None = None, log=None, gas_tolerance: float = GAS_TOLERANCE):
        self.store = store
        self.client = client
        self._verifier = verifier or VerifierConfig()
        self.margin = margin
        self.gas_tolerance = gas_tolerance
        self.max_rounds = max_rounds
        self.proposer = proposer
        self.catalogue = CATALOGUE if catalogue is None else catalogue
        self.compiler = compiler
        self.log = log or (lambda msg: None)
        entries = build_corpus(kinds, recorded=store.recorded_splits())
        store.record_splits(entries)  # the first run records the split; later runs read it
        self.entries = select(entries, per_split)
        self.split = {s: [e for e in self.entries if e.split == s] for s in SPLITS}
        self._evals: dict[tuple[str, str], SplitResult] = {}
        if store.current() is None:
            s = (initial or load_strategy()).replace(parent=None, note=(initial.note if initial else "") or "initial")
            store.add_version(s, "initial", self.verifier_hash)

    @property
    def verifier(self) -> VerifierConfig:  # read-only: frozen, and no setter
        return self._verifier

    @property
    def verifier_hash(self) -> str:
        return self._verifier.hash

    # -- evaluation
    def evaluate(self, strategy: Strategy, split: str, rounds: int = 1, record: bool = True) -> SplitResult:
        key = (strategy.hash, f"{split}/{rounds}")
        if key not in self._evals:
            self._evals[key] = evaluate_split(strategy, self.split[split], self.client, self._verifier, self.store,
                                              self.compiler, rounds=rounds, version=strategy.version)
        r = self._evals[key]
        if record and strategy.version:
            self.store.put_metrics(strategy.version, split, r.metrics(), self.verifier_hash, rounds)
        return r

    # -- edits
    def candidates(self, check: str, specs: list[str], train: SplitResult) -> list[Edit]:
        out: list[Edit] = []
        if self.proposer is not None:
            from synth.models import ModelError

            failing = [r for r in train.results if check in r.checks]
            prompt = [{"role": "system", "content": "You improve the instructions of a Solidity code generator. "
                                                    "Propose one general rule (one sentence, no contract names or "
                                                    "numbers) that would prevent the failure. Answer JSON "
                                                    '{"text": "..."}.'},
                      {"role": "user", "content": f"Check {check} failed on {len(failing)} generated contracts:\n"
                                                  + "\n".join(m for r in failing[:3] for m in r.messages[:1])}]
            for _ in range(2):
                try:
                    ans = self.proposer.complete(prompt, schema=PROPOSE_SCHEMA)
                except ModelError as exc:
                    self.log(f"proposer: {exc}")
                    break
                out.append(Edit("rule", ans["text"].strip(), check, tuple(specs), "model"))
        for c in self.catalogue.get(check, []):
            out.append(Edit(c.get("kind", "rule"), c["text"], check, tuple(specs), "catalogue"))
        # a verified body from train as an example, for the kinds that failed
        kinds_failing = {next(e.doc["kind"] for e in self.split["train"] if e.id == s) for s in specs}
        for r in train.results:
            kind = next(e.doc["kind"] for e in self.split["train"] if e.id == r.spec)
            if r.first_pass and r.bodies and kind in kinds_failing:
                for slot, body in r.bodies.items():
                    out.append(Edit("example", body, check, tuple(specs), "verified", slot, kind))
                break
        return out

    def guard(self, cur: Strategy, edit: Edit) -> str | None:
        if edit.kind in ("rule", "hint"):
            if len(edit.text) > MAX_RULE_CHARS:
                return f"longer than {MAX_RULE_CHARS} characters"
            leak = leak_problem(edit.text, self.split["train"])
            if leak:
                return leak
        if edit.kind == "rule":
            if len(cur.rules) >= MAX_RULES:
                return f"already {MAX_RULES} rules"
            if any(r.text.strip() == edit.text.strip() for r in cur.rules):
                return "already a rule"
        if edit.kind == "example" and any(e.body == edit.text for e in cur.examples):
            return "already an example"
        return None

    def apply(self, cur: Strategy, edit: Edit) -> Strategy:
        note = f"{edit.kind} for {edit.check} ({edit.origin})"
        if edit.kind == "rule":
            rid = "r-" + hashlib.sha256(edit.text.encode()).hexdigest()[:8]
            new = cur.replace(rules=cur.rules + (Rule(rid, edit.text, edit.check, edit.specs),))
        elif edit.kind == "hint":
            hints = dict(cur.hints)
            hints[edit.check] = edit.text
            new = cur.replace(hints=tuple(hints.items()))
        elif edit.kind == "example":
            ex = (cur.examples + (Example(edit.spec_kind, edit.slot, edit.text, edit.specs[0] if edit.specs else ""),))
            new = cur.replace(examples=ex[-MAX_EXAMPLES:])
        else:
            raise StrategyError(f"unknown edit kind {edit.kind!r}")
        return new.replace(parent=cur.version, version=0, note=note)

    def consider(self, edit: Edit, cur: Strategy | None = None) -> Decision:
        """Accept ``edit`` into the current strategy if validation says so; otherwise keep the current one."""
        cur = cur or self.store.current()
        problem = self.guard(cur, edit)
        if problem:
            self.log(f"rejected ({problem}): {edit.text[:80]!r}")
            return Decision(edit, False, f"guard: {problem}")
        try:
            cand = self.apply(cur, edit)
        except StrategyError as exc:
            return Decision(edit, False, f"guard: {exc}")
        before = self.evaluate(cur, "validation")
        after = self.evaluate(cand, "validation", record=False)
        regressions = sorted(before.passing() - after.passing())
        gain = after.rate - before.rate
        gas = gas_regression(before, after, self.gas_tolerance)
        if regressions:
            reason = f"regresses {len(regressions)} validation spec(s)"
        elif gain + 1e-9 < self.margin:
            reason = f"validation first-pass {before.rate:.2f} -> {after.rate:.2f} (needs +{self.margin:.2f})"
        elif gas and gas["regressed"]:
            reason = (f"gas regresses: median total gas per spec {gas['before']:.0f} -> {gas['after']:.0f} "
                      f"({gas['change']:+.1%}, tolerance +{self.gas_tolerance:.1%}) over {gas['specs']} "
                      "validation spec(s) passing before and after")
        else:
            reason = ""
        status = "rejected" if reason else "accepted"
        stored = self.store.add_version(cand.replace(note=cand.note + (f"; {reason}" if reason else "")), status,
                                        self.verifier_hash)
        self.store.put_metrics(stored.version, "validation", after.metrics(), self.verifier_hash)
        self._evals[(stored.hash, "validation/1")] = after
        self.log(f"{status} v{stored.version}: {edit.kind} {edit.text[:80]!r}: validation {before.rate:.2f} -> "
                 f"{after.rate:.2f}{' (' + reason + ')' if reason else ''}")
        held = f"validation {before.rate:.2f} -> {after.rate:.2f}"
        if gas:
            held += f", median gas {gas['before']:.0f} -> {gas['after']:.0f} ({gas['change']:+.1%})"
        return Decision(edit, not reason, reason or held, stored.version, before.rate, after.rate, regressions, gas)

    def learn(self) -> LearnReport:
        cur = self.store.current()
        start = cur.version
        decisions: list[Decision] = []
        rounds = 0
        for rounds in range(1, self.max_rounds + 1):
            train = self.evaluate(cur, "train")
            self.evaluate(cur, "validation")
            clusters: dict[str, list[str]] = {}
            for r in train.results:
                for c in r.checks:
                    clusters.setdefault(c, []).append(r.spec)
            if not clusters:
                break
            accepted = None
            for check, specs in sorted(clusters.items(), key=lambda kv: (-len(kv[1]), kv[0])):
                for edit in self.candidates(check, specs, train):
                    d = self.consider(edit, cur)
                    decisions.append(d)
                    if d.accepted:
                        accepted = d
                        break
                if accepted:
                    break
            if not accepted:
                break
            cur = self.store.get(accepted.version)
        final = self.store.current()
        metrics = {s: self.evaluate(final, s).metrics() for s in ("train", "validation")}
        return LearnReport(start, final.version, rounds, decisions, metrics)

    def rollback(self, version: int) -> Strategy:
        return self.store.rollback(version)
