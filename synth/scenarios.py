"""Functional scenarios: declarative call sequences with expected results, one list per kind.

A scenario is data, so the same one runs in-process during ``ouro synth`` (``run_scenario``)
and is rendered into the generated brownie project's tests. Arguments may name an actor as
``"@alice"``; ``"@target"`` is the contract under test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union

__all__ = ["Call", "ExpectEth", "ExpectView", "Scenario", "ScenarioResult", "Warp", "resolve_actors", "run_scenario"]

ROLES = ("deployer", "alice", "bob", "attacker")


@dataclass
class Call:
    actor: str  # deployer | alice | bob | attacker
    fn: str  # full signature, e.g. "mint(address,uint256)"
    args: list[Any] = field(default_factory=list)
    value: int = 0
    reverts: bool = False  # the call is expected to revert


@dataclass
class Warp:
    seconds: int


@dataclass
class ExpectView:
    fn: str  # view signature, e.g. "balanceOf(address)"
    args: list[Any] = field(default_factory=list)
    equals: Any = None


@dataclass
class ExpectEth:
    actor: str  # a role or "target"
    delta: int  # change of its ETH balance since the scenario started (gas price is 0)


Action = Union[Call, Warp, ExpectView, ExpectEth]


@dataclass
class Scenario:
    name: str  # a Python identifier: it names the generated test function
    description: str
    steps: list[Action]


@dataclass
class ScenarioResult:
    name: str
    passed: bool
    message: str = ""


def resolve_actors(v: Any, roles: dict[str, str]) -> Any:
    """Replace ``"@alice"``-style actor references (also inside lists) by addresses."""
    if isinstance(v, str) and v.startswith("@"):
        return roles[v[1:]]
    if isinstance(v, list):
        return [resolve_actors(x, roles) for x in v]
    return v


def _fold(v: Any) -> Any:
    """Addresses compare case-insensitively, also inside tuples and lists."""
    if isinstance(v, str):
        return v.lower()
    if isinstance(v, (list, tuple)):
        return [_fold(x) for x in v]
    return v


def run_scenario(session, scenario: Scenario) -> ScenarioResult:
    """Run one scenario on a fresh ``verify.dynamic.Session``; the first failed expectation ends it."""
    from eth_abi import decode

    from verify.dynamic.session import Step
    from verify.dynamic.target import abi_type

    roles = session.roles()
    start = {r: session.ex.balance(a) for r, a in roles.items()}
    for i, a in enumerate(scenario.steps, 1):
        where = f"step {i}"
        if isinstance(a, Warp):
            session.execute(Step("warp", seconds=a.seconds))
        elif isinstance(a, Call):
            try:
                out = session.execute(Step(a.actor, a.fn, resolve_actors(a.args, roles), a.value))
            except KeyError as exc:
                return ScenarioResult(scenario.name, False, f"{where}: the contract has no function {exc}")
            if out.ok == a.reverts:
                want = "to revert" if a.reverts else "to succeed"
                got = out.error or "it succeeded"
                return ScenarioResult(scenario.name, False, f"{where}: expected {a.actor}'s {a.fn} {want}; {got}")
        elif isinstance(a, ExpectView):
            fn = session.target.function(a.fn)
            raw = session.ex.static(session.address, fn.calldata(resolve_actors(a.args, roles)))
            if raw is None:
                return ScenarioResult(scenario.name, False, f"{where}: {a.fn} reverted")
            types = [abi_type(o) for o in fn.outputs]
            got = decode(types, raw)
            got = got[0] if len(got) == 1 else list(got)
            want = resolve_actors(a.equals, roles)
            got, want = _fold(got), _fold(want)
            if got != want:
                return ScenarioResult(scenario.name, False, f"{where}: {a.fn} returned {got!r}, expected {want!r}")
        elif isinstance(a, ExpectEth):
            now = session.ex.balance(roles[a.actor]) - start[a.actor]
            if now != a.delta:
                return ScenarioResult(scenario.name, False,
                                      f"{where}: {a.actor}'s ETH changed by {now}, expected {a.delta}")
    return ScenarioResult(scenario.name, True)
