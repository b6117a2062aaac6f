"""Value accounting for exploits: what the attacker team holds or can withdraw, and who lost.

Rules (docs/ARCHITECTURE.md repeats them per property):
- **Units are learned, not guessed.** A per-account getter counts wei only once a transaction
  showed it: a payment of ``v`` wei raised the payer's entry by exactly ``v``, or a payout of
  ``d`` wei to an account lowered its entry by exactly ``d``. An ERC-721 ``balanceOf`` (a count of
  NFTs) never passes that test, so it is never read as ETH owed.
- **Team value** is one amount per asset: ``eth`` = the team's ETH plus what it can withdraw of its
  wei credits (at most what the contract holds), and ``token:<getter>`` for every other
  per-account value (token balances, shares, counts).
- **Profit** means dominance: no asset lower, at least one higher. Tokens or credits bought at the
  contract's own price (deposit, mint, wrap) cost ETH, so they never dominate; a drain does.
- **Someone lost**: the contract's bait or its backing of honest users' wei credits went down
  (honest users can no longer withdraw what they are owed), an honest actor's ETH went down, or,
  for tokens, an honest holder's balance went down or the supply grew.
"""

from __future__ import annotations

from verify.dynamic.session import HONEST, TEAM, Observation, Step, StepOutcome

__all__ = ["dominates", "learn_units", "losses", "team_value"]


def learn_units(units: set[str], step: Step, outcome: StepOutcome, roles: dict[str, str]) -> None:
    """Mark the getters this step proved to count wei."""
    if not outcome.ok or step.actor == "warp":
        return
    b, a = outcome.before, outcome.after
    payer = step.actor if step.actor in HONEST + TEAM else None
    target_delta = a.eth.get("target", 0) - b.eth.get("target", 0)
    for getter, per in a.credits.items():
        if getter in units:
            continue
        for role, v in per.items():
            if role == "target":
                continue
            old = b.credits.get(getter, {}).get(role, 0)
            d = v - old
            if d == 0:
                continue
            if d > 0 and role == payer and step.value and d == step.value and target_delta >= step.value:
                units.add(getter)
                break
            received = a.eth.get(role, 0) - b.eth.get(role, 0)
            if d < 0 and received == -d and target_delta == d:
                units.add(getter)
                break


def _credits(obs: Observation, getter: str, roles) -> int:
    return sum(v for r, v in obs.credits.get(getter, {}).items() if r in roles)


def team_value(obs: Observation, units: set[str]) -> dict[str, int]:
    eth_claims = sum(_credits(obs, g, TEAM) for g in obs.credits if g in units)
    out = {"eth": obs.team_eth() + min(eth_claims, obs.eth.get("target", 0))}
    for g in obs.credits:
        if g not in units:
            out[f"token:{g}"] = _credits(obs, g, TEAM)
    return out


def dominates(a: dict[str, int], b: dict[str, int]) -> bool:
    keys = set(a) | set(b)
    return all(a.get(k, 0) >= b.get(k, 0) for k in keys) and any(a.get(k, 0) > b.get(k, 0) for k in keys)


def losses(before: Observation, after: Observation, units: set[str]) -> dict[str, int]:
    """Who lost between two observations (only positive entries are returned)."""
    out: dict[str, int] = {}
    owed_b = sum(_credits(before, g, HONEST) for g in before.credits if g in units)
    owed_a = sum(_credits(after, g, HONEST) for g in after.credits if g in units)
    tb, ta = before.eth.get("target", 0), after.eth.get("target", 0)
    surplus_b, surplus_a = max(0, tb - owed_b), max(0, ta - owed_a)
    if surplus_a < surplus_b:
        out["contract_funds"] = surplus_b - surplus_a
    short_b, short_a = max(0, owed_b - tb), max(0, owed_a - ta)
    if short_a > short_b:
        out["honest_unbacked_credit"] = short_a - short_b
    honest_b = sum(before.eth.get(r, 0) for r in HONEST) + owed_b
    honest_a = sum(after.eth.get(r, 0) for r in HONEST) + owed_a
    if honest_a < honest_b:
        out["honest_eth"] = honest_b - honest_a  # paid without being credited, or credit taken
    for g in after.credits:
        if g in units:
            continue
        lost = _credits(before, g, HONEST + ("target",)) - _credits(after, g, HONEST + ("target",))
        if lost > 0:
            out[f"honest_{g}"] = lost
    supply = after.scalars.get("totalSupply", 0) - before.scalars.get("totalSupply", 0)
    if supply > 0:
        out["supply_inflation"] = supply
    return out
