"""Re-entrancy, confirmed only by a real drain: the attacker team ends with more than it paid
in, and the same sequence without re-entry leaves it with less. "More" is measured as ETH plus
the ETH credits the contract records for the team, or, for token-like contracts, as the team's
token balance (balanceOf & co.) and its ETH separately."""

from __future__ import annotations

from ._helpers import fmt_eth, without_reentry
from .base import Property, RunContext


def _measures(target, obs) -> dict[str, int]:
    if target.holds_eth_credits:
        return {"eth": obs.team_eth() + obs.team_claims()}
    return {"eth": obs.team_eth(), "tokens": obs.team_claims()}


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
        now, start = _measures(target, outcome.after), _measures(target, ctx.initial)
        if not any(now[k] > start[k] for k in now):
            return None
        variant = ctx.replay_variant(without_reentry([s for s, _ in ctx.steps]))
        if variant is None:
            return None
        plain = _measures(target, variant[1][-1].after)
        for k in now:
            if now[k] > start[k] and now[k] > plain[k]:
                fmt = fmt_eth if k == "eth" else (lambda v: f"{v} token units")
                return (f"attacker contract re-entered and ended {fmt(now[k] - start[k])} richer than it started "
                        f"(without re-entry: {fmt(plain[k] - start[k])}); the contract now holds "
                        f"{fmt_eth(outcome.after.eth['target'])}")
        return None
