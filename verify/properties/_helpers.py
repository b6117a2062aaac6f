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


def is_team_step(step: Step) -> bool:
    return step.actor in TEAM and step.origin is None
