"""Time manipulation, confirmed by the validator's choice of the block time.

A validator (or a builder an attacker pays) dates its block anywhere after the parent and not
too far from the honest clock; ``Step.shift`` models that choice as -11..+15 s around the honest
12-second slot. Confirmed when the same sequence, replayed with every shift undone (each block
at its honest time), leaves the attacker team with less: its value with the chosen times
dominates its value without them (see _value.py), and someone lost relative to that replay (the
contract's funds, honest users' backing, or token supply minted on top). The outcome must be a
step in time (a deadline, a bonus window, a "time ends in 0" draw): replayed with half the shift
it equals one of the two results, never lies between them as a linear schedule's would (vesting
and interest accrue per second; a validator's few seconds there are the 15-second rule's noise).

A contract that measures in block numbers, or whose outcome does not move within a few seconds,
gives the same result either way and is never confirmed.
"""

from __future__ import annotations

from dataclasses import replace

from ._helpers import fmt_gain
from ._value import dominates, losses, team_value
from .base import Property, RunContext

SHIFTS = (-11, 15)  # earliest (parent + 1 s) and latest time a validator may date its block
WINDOW = range(-27, 28, 3)  # honest times tried around each boundary the code writes down


class TimestampChoice(Property):
    ARGUMENT = "ouro-timestamp-choice"
    HELP = "The validator's choice of the block time (seconds around the honest slot) changes who gains"
    CATEGORY = "time-manipulation"
    COVERS = ("timestamp", "ouro-time-manipulation")

    def applies(self, target):
        facts = target.env.facts if target.env is not None else None
        return bool(facts and facts.clock_readers)

    def attack_enabled(self, ctx, step):
        return step.shift != 0

    def seeds(self, h):
        """Plain plays at shifted times, and, for each duration the code writes down, an attacker
        move at honest times around that boundary (after its own deposit or bid), shifted."""
        from verify.dynamic.session import BLOCK_SECONDS, Step
        from verify.dynamic.target import RECEIVE

        facts = h.target.env.facts
        timed = [f for f in h.target.mutating if f.name != RECEIVE and f.name in facts.clock_readers]
        fund = [Step("alice", RECEIVE, [], 10 * 10**18)] if any(f.name == RECEIVE for f in h.target.mutating) else []
        durations = sorted(d for d in facts.durations if d <= 5 * 366 * 86_400)[:3]
        out = []
        for g in timed[:4]:
            v = next((a for a in h.amounts if a <= 2 * 10**18), 10**18) if g.payable else 0
            args = h.args(g, "attacker_contract", v, 0)
            for shift in range(-11, 16):  # one play in each shifted slot
                out.append(fund + [Step("attacker_contract", g.signature, args, v, shift=shift)])
            prior = [d for d in h.deposits if d is not g][:1]
            for d in durations:
                for lead in ([], prior):
                    pre = [Step("attacker_contract", p.signature, h.args(p, "attacker_contract", v or 10**18, 0),
                                v or 10**18) for p in lead]
                    n = len(fund) + len(pre) + 1  # blocks before the move, BLOCK_SECONDS each
                    for delta in WINDOW:
                        wait = d - BLOCK_SECONDS * n + delta
                        if wait <= 0:
                            continue
                        for shift in SHIFTS:
                            out.append(fund + pre + [Step("warp", seconds=wait),
                                                     Step("attacker_contract", g.signature, args, v, shift=shift)])
        return out

    def check(self, ctx: RunContext, step, outcome):
        if not (step.shift and outcome.ok and step.actor in ("attacker", "attacker_contract")):
            return None
        honest = [replace(s, shift=0) for s, _ in ctx.steps]
        variant = ctx.replay_variant(honest, key=self.ARGUMENT)
        if variant is None:
            return None
        plain_after = variant[1][-1].after
        now, plain = team_value(outcome.after, ctx.units), team_value(plain_after, ctx.units)
        if not dominates(now, plain):
            return None
        lost = losses(plain_after, outcome.after, ctx.units)
        if not lost:
            return None
        # a step in time, not a rate: halfway there the outcome is one of the two, never between
        # (a linear schedule, vesting or interest, pays a little more for every second)
        half = step.shift // 2 if abs(step.shift) > 1 else 0
        if half:
            halved = [replace(s, shift=0) for s, _ in ctx.steps[:-1]] + [replace(step, shift=half)]
            mid = ctx.replay_variant(halved, key=self.ARGUMENT)
            if mid is None:
                return None
            between = team_value(mid[1][-1].after, ctx.units)
            if between != now and between != plain:
                return None
        self.losers = lost
        move = step.function.split("(")[0]
        return (f"the validator dated the block of {move} {step.shift:+d} s off the honest slot: the attacker "
                f"team ends {fmt_gain(now, plain)} ahead of the same sequence at honest block times "
                f"({'it succeeded there too' if variant[1][-1].ok else 'there the call reverted'})")
