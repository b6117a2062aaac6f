"""What a search did, kept cheaply while it runs: per-function call statistics, and a small set of
novel sequences to trace afterwards.

Every executed step is summarised by the attack modes that were on (the properties whose attack
the step exercised, ``Property.attack_enabled``), the function, success, and its effects (ETH in
or out, which observed values changed, re-entry). A sequence whose last step has a summary not
seen before is kept (a few per function, mode and success), so that coverage can later trace the
steps that did something different, instead of every step of every example.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .session import HONEST, Step, StepOutcome

__all__ = ["FunctionStats", "Prefix", "Recorder"]

PER_BUCKET = 4
MAX_PREFIXES = 400


@dataclass
class FunctionStats:
    calls: int = 0
    ok: int = 0
    reverts: Counter = field(default_factory=Counter)
    by_mode: Counter = field(default_factory=Counter)  # property -> calls with its attack on
    ok_by_mode: Counter = field(default_factory=Counter)

    def to_json(self) -> dict:
        return {"calls": self.calls, "succeeded": self.ok, "reverts": dict(self.reverts.most_common(3)),
                "with_attack": dict(self.by_mode), "succeeded_with_attack": dict(self.ok_by_mode)}


@dataclass(frozen=True)
class Prefix:
    steps: tuple[Step, ...]  # the sequence up to and including the novel step
    modes: frozenset[str]
    function: str
    ok: bool
    effects: tuple


def _sign(x: int) -> int:
    return (x > 0) - (x < 0)


def _effects(outcome: StepOutcome) -> tuple:
    b, a = outcome.before, outcome.after
    changed = tuple(sorted(
        [f"c:{g}" for g in a.credits if a.credits[g] != b.credits.get(g)]
        + [f"s:{k}" for k in a.scalars if a.scalars[k] != b.scalars.get(k)]
        + [f"o:{k}" for k in a.owners if a.owners[k] != b.owners.get(k)]))
    return (_sign(a.eth.get("target", 0) - b.eth.get("target", 0)), _sign(a.team_eth() - b.team_eth()),
            a.reentered > 0, a.reentry_failures > 0, a.code_size == 0, changed)


def actor_class(step: Step) -> str:
    if step.actor in HONEST:
        return "honest"
    if step.actor == "attacker_contract":
        return "contract" + ("+reenter" if step.reenter else "") + ("+refuse" if step.reject_eth else "") + (
            "+origin" if step.origin else "")
    return step.actor


class Recorder:
    def __init__(self, per_bucket: int = PER_BUCKET, max_prefixes: int = MAX_PREFIXES):
        self.per_bucket, self.max_prefixes = per_bucket, max_prefixes
        self.stats: dict[str, FunctionStats] = {}
        self.prefixes: list[Prefix] = []
        self._keys: set[tuple] = set()
        self._buckets: Counter = Counter()

    def record(self, ctx, step: Step, outcome: StepOutcome, properties) -> None:
        if step.actor == "warp" or not step.function:
            return
        modes = frozenset(p.ARGUMENT for p in properties if p.attack_enabled(ctx, step))
        name = step.function.split("(")[0]
        st = self.stats.setdefault(name, FunctionStats())
        st.calls += 1
        if outcome.ok:
            st.ok += 1
        else:
            st.reverts[(outcome.error or "reverted")[:120]] += 1
        for m in modes:
            st.by_mode[m] += 1
            if outcome.ok:
                st.ok_by_mode[m] += 1
        effects = _effects(outcome)
        bucket = (step.function, modes, outcome.ok, actor_class(step))
        key = (bucket, effects, None if outcome.ok else (outcome.error or "")[:60])
        if key in self._keys or self._buckets[bucket] >= self.per_bucket or len(self.prefixes) >= self.max_prefixes:
            return
        self._keys.add(key)
        self._buckets[bucket] += 1
        self.prefixes.append(Prefix(tuple(s for s, _ in ctx.steps), modes, name, outcome.ok, effects))

    def candidates(self, prop: str | None, function: str | None, limit: int = 10) -> list[Prefix]:
        """Kept sequences worth tracing for ``prop``'s attack, the flagged function first, then
        those that succeeded and did something, shorter first."""
        pool = [p for p in self.prefixes if prop is None or prop in p.modes]

        def rank(p: Prefix):
            did = p.effects[0] != 0 or p.effects[1] != 0 or p.effects[2] or bool(p.effects[5])
            return (p.function != function, not p.ok, not did, len(p.steps))

        return sorted(pool, key=rank)[:limit]
