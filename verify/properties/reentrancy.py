"""Re-entrancy, confirmed only by a real drain: the attacker team ends with more than it paid
in (ETH, plus ETH credits it holds in the contract, or tokens), and the same sequence without
re-entry leaves it with less."""

from __future__ import annotations

from ._helpers import fmt_eth, without_reentry
from .base import Property, RunContext


class Reentrancy(Property):
    ARGUMENT = "ouro-reentrancy"
    HELP = "An attacker contract re-entering from receive/fallback/token hooks drains funds"
    CATEGORY = "reentrancy"
    COVERS = ("reentrancy-eth", "reentrancy-no-eth", "reentrancy-balance", "reentrancy-benign",
              "reentrancy-unlimited-gas", "reentrancy-events")

    def check(self, ctx: RunContext, step, outcome):
        if not any(s.reenter and o.after.reentered > 0 for s, o in ctx.steps):
            return None
        target = ctx.session.target
        value = self._value(target, outcome.after)
        start = self._value(target, ctx.initial)
        if value <= start:
            return None
        variant = ctx.replay_variant(without_reentry([s for s, _ in ctx.steps]))
        if variant is None:
            return None
        plain = self._value(target, variant[1][-1].after)
        if value <= plain:
            return None
        unit = fmt_eth if not target.is_erc20 and not target.is_erc721 else (lambda v: f"{v} token units")
        return (f"attacker contract re-entered and ended {unit(value - start)} richer than it started "
                f"(without re-entry: {unit(plain - start)}); the contract now holds "
                f"{fmt_eth(outcome.after.eth['target'])}")

    @staticmethod
    def _value(target, obs) -> int:
        if target.is_erc20 or target.is_erc721:
            per = obs.credits.get("balanceOf", {})
            return per.get("attacker", 0) + per.get("attacker_contract", 0)
        return obs.team_eth() + (obs.team_claims() if target.holds_eth_credits else 0)
