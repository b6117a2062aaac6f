"""Small shared measures over observations."""

from __future__ import annotations

from dataclasses import replace

from verify.dynamic.session import HONEST, TEAM, Observation, Step

ETH = 10**18


def fmt_eth(wei: int) -> str:
    return f"{wei / ETH:.6g} ETH" if abs(wei) >= 10**12 else f"{wei} wei"


def team_credit(obs: Observation) -> int:
    return sum(v for per in obs.credits.values() for r, v in per.items() if r in TEAM)


def honest_credit(obs: Observation, getter: str) -> int:
    return sum(v for r, v in obs.credits.get(getter, {}).items() if r in HONEST)


def without_reentry(steps: list[Step]) -> list[Step]:
    out = []
    for s in steps:
        if s.reenter:
            s = replace(s, reenter=None)
        out.append(s)
    return out


def fmt_gain(now: dict[str, int], base: dict[str, int]) -> str:
    """What a team-value dict (see _value.py) gained over another, asset by asset."""
    parts = []
    for k in sorted(set(now) | set(base)):
        d = now.get(k, 0) - base.get(k, 0)
        if d:
            parts.append(fmt_eth(d) if k == "eth" else f"{d} {k[6:]} units")
    return " and ".join(parts) or "nothing"


def attacker_refusing(steps: list[Step]) -> bool:
    """Whether the attacker's contract refuses ETH after ``steps`` (its last call set it to)."""
    mine = [s for s in steps if s.actor == "attacker_contract"]
    return bool(mine) and mine[-1].reject_eth


def accepting_eth(steps: list[Step]) -> list[Step]:
    """``steps`` with the attacker's contract accepting ETH throughout."""
    return [replace(s, reject_eth=False) if s.actor == "attacker_contract" and s.reject_eth else s for s in steps]


def is_team_step(step: Step) -> bool:
    return step.actor in TEAM and step.origin is None
