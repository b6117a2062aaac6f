"""The learner. Candidates of three types, each with its provenance (the train failures it came
from: spec id, check, first message), are proposed from the train split's failures clustered by
check id:

* rules (system prompt), from the per-check catalogue and, optionally, a proposer model;
* repair hints (repair feedback per check), from the catalogue or the proposer;
* verified few-shot examples: slot bodies that passed verification on train (at first pass or
  after repair rounds; train is evaluated with repair rounds so repaired bodies count), the same
  slot name as the failing ones preferred.

A candidate is kept only when the validation rate rises by ``margin``, no validation spec that
passed before fails now, and the median total gas over the validation specs passing before and
after rises by ``gas_tolerance`` at most (2 % by default); otherwise reverted. Rules and examples
are judged on the validation first-pass rate; hints act only in repair rounds, so they are judged
on the validation pass-after-repair rate (``hint_rounds`` = 2 rounds). Guards: no candidate (rule,
hint or example body) may carry a train literal (a train spec's or contract's name, a number of a
train spec's parameters, an address); counts and lengths are capped. The verifier configuration is
fixed at construction (read-only here) and its hash is recorded with every version and metric.
Every decision, with its reason and deltas, is kept in the history (``StrategyStore.candidates``)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .catalogue import CATALOGUE
from .corpus import SPLITS, CorpusEntry, build_corpus, select, slot_kinds
from .evaluate import SplitResult, VerifierConfig, evaluate_split, gas_regression
from .model import MAX_EXAMPLES, MAX_RULE_CHARS, MAX_RULES, Example, Rule, Strategy, StrategyError, load_strategy
from .store import StrategyStore

__all__ = ["GAS_TOLERANCE", "Decision", "Edit", "Learner", "LearnReport", "leak_problem"]

GAS_TOLERANCE = 0.02  # the median total gas per passing validation spec may rise by 2 % at most
MAX_HINT_CHARS = MAX_RULE_CHARS
MAX_EXAMPLE_CHARS = 2000

PROPOSE_SCHEMA = {"type": "object", "required": ["text"], "additionalProperties": False,
                  "properties": {"text": {"type": "string", "minLength": 1, "maxLength": 2000},
                                 "kind": {"type": "string", "enum": ["rule", "hint"]}}}


@dataclass(frozen=True)
class Edit:
    kind: str  # "rule" | "hint" | "example"
    text: str  # the rule, the hint, or the example's body
    check: str = ""
    specs: tuple[str, ...] = ()  # the train specs that failed the check
    origin: str = "catalogue"  # catalogue | model | verified | manual
    slot: str = ""  # example: the slot whose body it is
    spec_kind: str = ""  # example: the kind of the spec it came from
    provenance: tuple[tuple[str, str, str], ...] = ()  # (train spec id, check, first message excerpt)
    kinds: tuple[str, ...] = ()  # the train kinds those failures came from
    source: str = ""  # example: the train spec whose verified body it is


@dataclass
class Decision:
    edit: Edit
    accepted: bool
    reason: str
    version: int | None = None
    validation_before: float | None = None  # the rate the edit is judged on (first pass; after repair for hints)
    validation_after: float | None = None
    regressions: list[str] = field(default_factory=list)
    gas: dict[str, Any] | None = None  # median total gas before/after over the specs passing in both
    measure: str = "first_pass"  # or "after_repair" (hints)
    deltas: dict[str, Any] = field(default_factory=dict)


@dataclass
class LearnReport:
    start: int
    end: int
    rounds: int
    decisions: list[Decision]
    metrics: dict[str, dict[str, Any]]  # split -> metrics of the final version
    before: dict[str, dict[str, Any]] = field(default_factory=dict)  # split -> metrics of the start version
    kinds: dict[str, list[str]] = field(default_factory=dict)  # split -> kinds in it
    split_by: str = "hash"

    def lines(self) -> list[str]:
        """The human-readable report: kinds per split, decisions, what was learned from which kinds, and
        first pass per split before -> after (test: the kinds never trained on, with --split-by kind)."""
        out = [f"split by {self.split_by}: " + "; ".join(f"{s} {', '.join(self.kinds.get(s, [])) or '-'}"
                                                         for s in SPLITS)]
        for d in self.decisions:
            e = d.edit
            out.append(f"{'accepted' if d.accepted else 'rejected'} {e.kind} ({e.origin}, {e.check}; from "
                       f"{len(e.provenance)} train failure(s) on {', '.join(e.kinds) or '-'}): "
                       f"{_short(e.text)} - {d.reason}")
        learned = [d for d in self.decisions if d.accepted]
        if learned:
            out.append("learned: " + "; ".join(f"v{d.version} {d.edit.kind} for {d.edit.check} from train kinds "
                                               f"{', '.join(d.edit.kinds) or '-'}" for d in learned))
        else:
            out.append("learned: nothing")
        unseen = set(self.kinds.get("test", [])) - set(self.kinds.get("train", []))
        for s in SPLITS:
            b, a = self.before.get(s), self.metrics.get(s)
            if a is None:
                continue
            tag = " (unseen kinds)" if s == "test" and unseen and self.split_by == "kind" else ""
            fb = f"{b['first_pass']:.2f}" if b else "-"
            out.append(f"{s}{tag}: first pass {fb} -> {a['first_pass']:.2f} over {a['n']} spec(s)")
        return out


def _short(text: str, n: int = 100) -> str:
    t = " ".join(text.split())
    return t if len(t) <= n else t[:n - 3] + "..."


def _train_literals(entries: list[CorpusEntry]) -> tuple[set[str], set[str]]:
    names, numbers = set(), set()
    for e in entries:
        names.add(str(e.doc.get("name", "")).lower())
        names.add(e.id.split(":", 1)[-1].lower())
        for v in (e.doc.get("parameters") or {}).values():
            numbers.update(n for n in re.findall(r"\d+", str(v)) if len(n) >= 2 or int(n) > 1)
        numbers.update(n for n in re.findall(r"\d+", str(e.doc.get("name", ""))))
    return {n for n in names if n}, numbers


def leak_problem(text: str, train: list[CorpusEntry], others: list[CorpusEntry] | None = None) -> str | None:
    """Why ``text`` leaks the train split (a spec or contract name, a number of a train spec, an
    address), or None. With ``others`` (the specs outside train) only the numbers no other spec
    has count as train numbers: how an example body, which may use common constants, is judged."""
    low = text.lower()
    names, numbers = _train_literals(train)
    if others is not None:
        numbers -= _train_literals(others)[1]
    for n in sorted(names, key=len, reverse=True):
        if re.search(rf"\b{re.escape(n)}\b", low):
            return f"mentions the train spec name {n!r}"
    if re.search(r"0x[0-9a-f]{8,}", low):
        return "mentions an address"
    for n in re.findall(r"\d+", low):
        if n in numbers:
            return f"mentions the train number {n}"
    return None


def _failing_slots(r) -> list[str]:
    """The slots a failed result's messages name (a finding's function, ``slot NAME:``); all when none."""
    text = " ".join(r.messages)
    named = [s for s in r.slots if re.search(rf"\b{re.escape(s)}\b", text)]
    return named or list(r.slots)


def _rate(r: SplitResult, measure: str) -> float:
    return r.after_repair if measure == "after_repair" else r.rate


def _passing(r: SplitResult, measure: str) -> set[str]:
    return {x.spec for x in r.results if (x.passed if measure == "after_repair" else x.first_pass)}


class Learner:
    def __init__(self, store: StrategyStore, client, *, verifier: VerifierConfig | None = None,
                 kinds: list[str] | None = None, per_split: int | None = None, per_kind: int | None = None,
                 margin: float = 0.1,
                 max_rounds: int = 3, proposer=None, catalogue: dict | None = None, compiler=None,
                 initial: Strategy | None = None, log=None, gas_tolerance: float = GAS_TOLERANCE,
                 split_by: str = "hash", test_kinds: list[str] | None = None,
                 validation_kinds: list[str] | None = None, jobs: int = 1, results: str | Path | None = None,
                 train_rounds: int = 2, hint_rounds: int = 2, report_test: bool = True):
        from .parallel import VerifyCache

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
        self.jobs = max(1, int(jobs))
        self.train_rounds = max(1, train_rounds)
        self.hint_rounds = max(2, hint_rounds)
        self.report_test = report_test
        recorded_mode = store.split_mode() or ("hash" if store.recorded_splits() else None)
        if recorded_mode and recorded_mode != split_by:
            raise ValueError(f"{store.path}: the corpus was split by {recorded_mode}; use --split-by "
                             f"{recorded_mode} or a fresh history")
        store.set_split_mode(split_by)
        self.split_by = split_by
        entries = build_corpus(kinds or slot_kinds(), recorded=store.recorded_splits(), split_by=split_by,
                               test_kinds=test_kinds, validation_kinds=validation_kinds)
        store.record_splits(entries)  # the first run records the split; later runs read it
        self.entries = select(entries, per_split, per_kind)
        self.split = {s: [e for e in self.entries if e.split == s] for s in SPLITS}
        self.kinds = {s: sorted({e.kind for e in self.split[s]}) for s in SPLITS}
        self._kind_of = {e.id: e.kind for e in self.entries}
        self._evals: dict[tuple[str, str], SplitResult] = {}
        self._memo: dict = {}
        self.cache = results if isinstance(results, VerifyCache) else VerifyCache(
            results or store.path.with_name("results.db"))
        self._pool = None
        if store.current() is None:
            s = (initial or load_strategy()).replace(parent=None, note=(initial.note if initial else "") or "initial")
            store.add_version(s, "initial", self.verifier_hash)

    @property
    def verifier(self) -> VerifierConfig:  # read-only: frozen, and no setter
        return self._verifier

    @property
    def verifier_hash(self) -> str:
        return self._verifier.hash

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    @property
    def pool(self):
        if self._pool is None and self.jobs > 1:
            from .parallel import make_pool

            self._pool = make_pool(self.jobs)
        return self._pool

    # -- evaluation
    def evaluate(self, strategy: Strategy, split: str, rounds: int = 1, record: bool = True) -> SplitResult:
        key = (strategy.hash, f"{split}/{rounds}")
        if key not in self._evals:
            self._evals[key] = evaluate_split(strategy, self.split[split], self.client, self._verifier, self.store,
                                              self.compiler, rounds=rounds, version=strategy.version,
                                              cache=self.cache, pool=self.pool, memo=self._memo)
        r = self._evals[key]
        if record and strategy.version:
            self.store.put_metrics(strategy.version, split, r.metrics(), self.verifier_hash, rounds)
        return r

    # -- candidates
    def _provenance(self, check: str, train: SplitResult) -> tuple[tuple[tuple[str, str, str], ...], tuple[str, ...]]:
        failing = [r for r in train.results if check in r.checks]
        prov = tuple((r.spec, check, (r.messages[0] if r.messages else "")[:160]) for r in failing)
        return prov, tuple(sorted({self._kind_of.get(r.spec, r.kind) for r in failing}))

    def candidates(self, check: str, specs: list[str], train: SplitResult) -> list[Edit]:
        """Rules and hints (proposer model, then catalogue), then verified train bodies as examples."""
        prov, kinds = self._provenance(check, train)
        common = dict(check=check, specs=tuple(specs), provenance=prov, kinds=kinds)
        out: list[Edit] = []
        if self.proposer is not None:
            from synth.models import ModelError

            failing = [r for r in train.results if check in r.checks]
            prompt = [{"role": "system", "content": "You improve the instructions of a Solidity code generator. "
                                                    "Propose one general rule for the system prompt (kind rule) or "
                                                    "one hint for repair feedback (kind hint): one sentence, no "
                                                    "contract names or numbers, that would prevent the failure. "
                                                    'Answer JSON {"text": "...", "kind": "rule"}.'},
                      {"role": "user", "content": f"Check {check} failed on {len(failing)} generated contracts:\n"
                                                  + "\n".join(m for r in failing[:3] for m in r.messages[:1])}]
            for _ in range(2):
                try:
                    ans = self.proposer.complete(prompt, schema=PROPOSE_SCHEMA)
                except ModelError as exc:
                    self.log(f"proposer: {exc}")
                    break
                out.append(Edit(ans.get("kind") or "rule", ans["text"].strip(), origin="model", **common))
        for c in self.catalogue.get(check, []):
            out.append(Edit(c.get("kind", "rule"), c["text"], origin="catalogue", **common))
        out += self._examples(check, train, common)
        return out

    def _examples(self, check: str, train: SplitResult, common: dict, limit: int = 2) -> list[Edit]:
        """Verified bodies from train specs that passed (first pass or after repair), the failing slots'
        names and kinds first."""
        failing = [r for r in train.results if check in r.checks]
        slots = {s for r in failing for s in _failing_slots(r)}
        kinds = {self._kind_of.get(r.spec, r.kind) for r in failing}
        pool = []
        for r in train.results:
            if not r.passed or not r.bodies:
                continue
            kind = self._kind_of.get(r.spec, r.kind)
            for slot, body in sorted(r.bodies.items()):
                rank = (slot not in slots, kind not in kinds, not r.first_pass)
                pool.append((rank, r.spec, slot, kind, body))
        if not slots and not kinds:
            return []
        out, seen = [], set()
        for rank, spec, slot, kind, body in sorted(pool, key=lambda t: (t[0], t[1], t[2])):
            if rank[0] and rank[1] or body.strip() in seen:
                continue  # neither the slot nor the kind that failed
            seen.add(body.strip())
            out.append(Edit("example", body, origin="verified", slot=slot, spec_kind=kind, source=spec, **common))
            if len(out) >= limit:
                break
        return out

    def guard(self, cur: Strategy, edit: Edit) -> str | None:
        train = self.split["train"]
        if edit.kind in ("rule", "hint"):
            cap = MAX_RULE_CHARS if edit.kind == "rule" else MAX_HINT_CHARS
            if len(edit.text) > cap:
                return f"longer than {cap} characters"
            leak = leak_problem(edit.text, train)
            if leak:
                return f"leaks train data: {leak}"
        if edit.kind == "rule":
            if len(cur.rules) >= MAX_RULES:
                return f"already {MAX_RULES} rules"
            if any(r.text.strip() == edit.text.strip() for r in cur.rules):
                return "already a rule"
        elif edit.kind == "hint":
            if (cur.hint(edit.check) or "").strip() == edit.text.strip():
                return "already the hint for this check"
        elif edit.kind == "example":
            if edit.source and edit.source not in {e.id for e in train}:
                return "not a train body"  # examples come from train only
            if len(edit.text) > MAX_EXAMPLE_CHARS:
                return f"longer than {MAX_EXAMPLE_CHARS} characters"
            leak = leak_problem(edit.text, train, self.split["validation"] + self.split["test"])
            if leak:
                return f"leaks train data: the example body {leak}"
            if any(e.body == edit.text for e in cur.examples):
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
            ex = cur.examples + (Example(edit.spec_kind, edit.slot, edit.text, edit.source or
                                         (edit.specs[0] if edit.specs else "")),)
            new = cur.replace(examples=ex[-MAX_EXAMPLES:])
        else:
            raise StrategyError(f"unknown edit kind {edit.kind!r}")
        return new.replace(parent=cur.version, version=0, note=note)

    def _record(self, cur: Strategy, d: Decision) -> Decision:
        e = d.edit
        self.store.add_candidate(cur.version, d.version, e.kind, e.origin, e.check, e.text,
                                 [list(p) for p in e.provenance], list(e.kinds), d.accepted, d.reason, d.deltas)
        return d

    def consider(self, edit: Edit, cur: Strategy | None = None) -> Decision:
        """Accept ``edit`` into the current strategy if validation says so; otherwise keep the current one.
        Rules and examples are judged on the validation first-pass rate, hints (which only act in
        repair feedback) on the pass-after-repair rate with ``hint_rounds`` rounds."""
        cur = cur or self.store.current()
        problem = self.guard(cur, edit)
        if problem:
            self.log(f"rejected ({problem}): {_short(edit.text, 80)!r}")
            return self._record(cur, Decision(edit, False, f"guard: {problem}"))
        try:
            cand = self.apply(cur, edit)
        except StrategyError as exc:
            return self._record(cur, Decision(edit, False, f"guard: {exc}"))
        measure, rounds = ("after_repair", self.hint_rounds) if edit.kind == "hint" else ("first_pass", 1)
        label = (f"validation pass after repair ({rounds} rounds)" if measure == "after_repair"
                 else "validation first-pass")
        before = self.evaluate(cur, "validation", rounds)
        after = self.evaluate(cand, "validation", rounds, record=False)
        b, a = _rate(before, measure), _rate(after, measure)
        regressions = sorted(_passing(before, measure) - _passing(after, measure))
        gas = gas_regression(before, after, self.gas_tolerance)
        if regressions:
            reason = (f"regresses {len(regressions)} validation spec(s) that passed before "
                      f"({', '.join(regressions[:3])}{', ...' if len(regressions) > 3 else ''}); {label} "
                      f"{b:.2f} -> {a:.2f}")
        elif a - b + 1e-9 < self.margin:
            reason = f"{label} {b:.2f} -> {a:.2f} (needs +{self.margin:.2f})"
        elif gas and gas["regressed"]:
            reason = (f"gas regresses: median total gas per spec {gas['before']:.0f} -> {gas['after']:.0f} "
                      f"({gas['change']:+.1%}, tolerance +{self.gas_tolerance:.1%}) over {gas['specs']} "
                      "validation spec(s) passing before and after")
        else:
            reason = ""
        status = "rejected" if reason else "accepted"
        stored = self.store.add_version(cand.replace(note=cand.note + (f"; {reason}" if reason else "")), status,
                                        self.verifier_hash)
        self.store.put_metrics(stored.version, "validation", after.metrics(), self.verifier_hash, rounds)
        self._evals[(stored.hash, f"validation/{rounds}")] = after
        self.log(f"{status} v{stored.version}: {edit.kind} {_short(edit.text, 80)!r}: {label} {b:.2f} -> "
                 f"{a:.2f}{' (' + reason + ')' if reason else ''}")
        held = f"{label} {b:.2f} -> {a:.2f}"
        if gas:
            held += f", median gas {gas['before']:.0f} -> {gas['after']:.0f} ({gas['change']:+.1%})"
        deltas = {"measure": measure, "rounds": rounds, "before": b, "after": a,
                  "first_pass": [before.rate, after.rate], "after_repair": [before.after_repair, after.after_repair]
                  if rounds > 1 else None, "gas": gas}
        return self._record(cur, Decision(edit, not reason, reason or held, stored.version, b, a, regressions, gas,
                                           measure, deltas))

    def learn(self) -> LearnReport:
        cur = self.store.current()
        start = cur.version
        shown = SPLITS if self.report_test else ("train", "validation")
        before = {s: self.evaluate(cur, s).metrics() for s in shown}
        decisions: list[Decision] = []
        tried: set[tuple[str, str]] = set()
        rounds = 0
        for rounds in range(1, self.max_rounds + 1):
            train = self.evaluate(cur, "train", rounds=self.train_rounds)
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
                    if (edit.kind, edit.text) in tried:
                        continue  # already judged against this version
                    tried.add((edit.kind, edit.text))
                    d = self.consider(edit, cur)
                    decisions.append(d)
                    if d.accepted:
                        accepted = d
                        break
                if accepted:
                    break
            if not accepted:
                break
            tried.clear()
            cur = self.store.get(accepted.version)
        final = self.store.current()
        metrics = {s: self.evaluate(final, s).metrics() for s in shown}
        return LearnReport(start, final.version, rounds, decisions, metrics, before, self.kinds, self.split_by)

    def rollback(self, version: int) -> Strategy:
        return self.store.rollback(version)
