"""Re-entrancy, confirmed only by a real drain.

The attacker contract re-entered (a hook call succeeded) and the team's value dominates both its
value at the start and its value in the same sequence replayed without re-entry (see _value.py:
ETH plus withdrawable wei credits, tokens per getter; buying at the contract's own price is never
profit), and someone lost: the contract's funds or its backing of honest users' credits.
"""

from __future__ import annotations

from ._helpers import fmt_eth, fmt_gain, without_reentry
from ._value import dominates, losses, team_value
from .base import Property, RunContext


class Reentrancy(Property):
    ARGUMENT = "ouro-reentrancy"
    HELP = "An attacker contract re-entering from receive/fallback/token hooks drains funds"
    CATEGORY = "reentrancy"
    COVERS = ("reentrancy-eth", "reentrancy-no-eth", "reentrancy-balance", "reentrancy-benign",
              "reentrancy-unlimited-gas", "reentrancy-events")

    def attack_enabled(self, ctx, step):
        return step.actor == "attacker_contract" and bool(step.reenter)

    def seeds(self, h):
        """Victim deposits; attacker deposits an amount the code asks for; time passes any lock;
        attacker withdraws and re-enters the same function (or another one that pays or moves credit)."""
        from verify.dynamic.session import Step

        out = []
        for w in h.senders[:4]:
            others = [w] + [f for f in h.mutators if f is not w and not f.payable][:3]
            for v in h.amounts[:4]:
                for variant in (0, 1, 2):
                    for r in others:
                        for d in (h.deposits[:2] or [None]):
                            seq = list(h.honest_deposit())
                            if d is not None:
                                seq.append(Step("attacker_contract", d.signature, h.args(d, "attacker_contract", v, 0), v))
                            seq.append(Step("warp", seconds=h.wait))
                            ra = h.args(r, "attacker" if r is not w else "attacker_contract", v, variant)
                            seq.append(Step("attacker_contract", w.signature, h.args(w, "attacker_contract", v, variant),
                                            0, {"function": r.signature, "args": ra, "value": 0, "depth": 2}))
                            out.append(seq)
        return out

    def check(self, ctx: RunContext, step, outcome):
        if not any(s.reenter and o.after.reentered > 0 for s, o in ctx.steps):
            return None
        now, start = team_value(outcome.after, ctx.units), team_value(ctx.initial, ctx.units)
        if not dominates(now, start):
            return None
        lost = losses(ctx.initial, outcome.after, ctx.units)
        if not lost:
            return None
        variant = ctx.replay_variant(without_reentry([s for s, _ in ctx.steps]), key=self.ARGUMENT)
        if variant is None:
            return None
        plain = team_value(variant[1][-1].after, ctx.units)
        if not dominates(now, plain):
            return None
        self.losers = lost
        return (f"attacker contract re-entered and ended {fmt_gain(now, start)} richer than it started "
                f"(without re-entry: {fmt_gain(plain, start)}); the contract now holds "
                f"{fmt_eth(outcome.after.eth['target'])}; lost: "
                + ", ".join(f"{k} {fmt_eth(v) if 'eth' in k or 'contract' in k or 'credit' in k else v}"
                            for k, v in lost.items()))
