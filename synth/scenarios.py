"""Functional scenarios: declarative call sequences with expected results, one list per kind.

A scenario is data, so the same one runs in-process during ``ouro synth`` (``run_scenario``)
and is rendered into the generated projects' tests (brownie and Foundry). Arguments may name an
actor as ``"@alice"``; ``"@target"`` is the contract under test; ``"@ref:stake_token"`` is the
address of a contract the target references (a token given at deployment, or another contract of
a system). A call or view with ``on="stake_token"`` goes to that contract instead of the target.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union

__all__ = ["ACCESS_PREFIX", "Call", "ExpectEth", "ExpectToken", "ExpectView", "Scenario", "ScenarioResult", "Warp",
           "access_scenarios", "resolve_actors", "run_scenario"]

ROLES = ("deployer", "alice", "bob", "attacker")


@dataclass
class Call:
    actor: str  # deployer | alice | bob | attacker
    fn: str  # full signature, e.g. "mint(address,uint256)"
    args: list[Any] = field(default_factory=list)
    value: int = 0
    reverts: bool = False  # the call is expected to revert
    on: str | None = None  # a referenced contract (token key or system contract name); None: the target


@dataclass
class Warp:
    seconds: int


@dataclass
class ExpectView:
    fn: str  # view signature, e.g. "balanceOf(address)"
    args: list[Any] = field(default_factory=list)
    equals: Any = None
    on: str | None = None  # as Call.on


@dataclass
class ExpectToken:
    actor: str  # a role or "target"
    token: str  # the referenced ERC-20 (token key or system contract name)
    delta: int  # change of its balance of that token since the scenario started


@dataclass
class ExpectEth:
    actor: str  # a role or "target"
    delta: int  # change of its ETH balance since the scenario started (gas price is 0)


Action = Union[Call, Warp, ExpectView, ExpectEth, ExpectToken]


@dataclass
class Scenario:
    name: str  # a Python identifier: it names the generated test function
    description: str
    steps: list[Action]


ACCESS_PREFIX = "access_"  # scenarios proving a privileged function refuses the attacker (check ouro-privileged-call)


def access_scenarios(scenarios: list[Scenario], privileged: dict[str, str]) -> list[Scenario]:
    """For each ``{slot name: function signature}`` of a privileged function, ``access_<slot>``: the
    steps of the first scenario in which an honest actor's call of it succeeds, up to that call, with
    the attacker making the same call (same arguments and value) right before it and expected to
    revert. The honest call then proves the state was one where the call is allowed, so a missing
    access check shows as the attacker's call succeeding. A function no scenario calls successfully
    gets none."""
    out = []
    for slot, fn in privileged.items():
        for sc in scenarios:
            at = next((i for i, a in enumerate(sc.steps) if isinstance(a, Call) and a.on is None and a.fn == fn
                       and not a.reverts and a.actor != "attacker"), None)
            if at is None:
                continue
            ok = sc.steps[at]
            steps = [a for a in sc.steps[:at] if not isinstance(a, (ExpectEth, ExpectToken))]
            steps += [Call("attacker", fn, list(ok.args), ok.value, reverts=True), ok]
            out.append(Scenario(f"{ACCESS_PREFIX}{slot}",
                                f"only the privileged caller may call {fn.split('(')[0]} (the attacker is refused "
                                f"where {ok.actor} succeeds)", steps))
            break
    return out


@dataclass
class ScenarioResult:
    name: str
    passed: bool
    message: str = ""
    gas: dict[str, list[int]] = field(default_factory=dict)  # signature -> gas of each successful target call


def resolve_actors(v: Any, roles: dict[str, str], refs: dict[str, str] | None = None) -> Any:
    """Replace ``"@alice"``-style actor references and ``"@ref:name"`` references (also inside
    lists) by addresses."""
    if isinstance(v, str) and v.startswith("@ref:"):
        if refs is None or v[5:] not in refs:
            raise KeyError(v)
        return refs[v[5:]]
    if isinstance(v, str) and v.startswith("@"):
        return roles[v[1:]]
    if isinstance(v, list):
        return [resolve_actors(x, roles, refs) for x in v]
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
    refs = dict(getattr(session, "refs", {}) or {})
    gas: dict[str, list[int]] = {}
    start = {r: session.ex.balance(a) for r, a in roles.items()}
    tokens0: dict[tuple[str, str], int] = {}
    for a in scenario.steps:
        if isinstance(a, ExpectToken) and a.token in refs and a.actor in roles:
            tokens0[(a.actor, a.token)] = _token_balance(session, refs[a.token], roles[a.actor])
    for i, a in enumerate(scenario.steps, 1):
        where = f"step {i}"
        if isinstance(a, Warp):
            session.execute(Step("warp", seconds=a.seconds))
        elif isinstance(a, Call) and a.on is not None:
            if a.on not in refs:
                return ScenarioResult(scenario.name, False, f"{where}: no referenced contract {a.on!r}")
            ok, err = _call_on(session, refs[a.on], roles[a.actor], a.fn, resolve_actors(a.args, roles, refs), a.value)
            if ok == a.reverts:
                want = "to revert" if a.reverts else "to succeed"
                return ScenarioResult(scenario.name, False,
                                      f"{where}: expected {a.actor}'s {a.on}.{a.fn} {want}; {err or 'it succeeded'}")
        elif isinstance(a, Call):
            try:
                out = session.execute(Step(a.actor, a.fn, resolve_actors(a.args, roles, refs), a.value))
            except KeyError as exc:
                return ScenarioResult(scenario.name, False, f"{where}: the contract has no function {exc}")
            if out.ok == a.reverts:
                want = "to revert" if a.reverts else "to succeed"
                got = out.error or "it succeeded"
                return ScenarioResult(scenario.name, False, f"{where}: expected {a.actor}'s {a.fn} {want}; {got}")
            if out.ok and getattr(session.ex, "last_gas", None) is not None:  # views after it are static: kept
                gas.setdefault(a.fn, []).append(session.ex.last_gas)
        elif isinstance(a, ExpectView):
            if a.on is not None:
                if a.on not in refs:
                    return ScenarioResult(scenario.name, False, f"{where}: no referenced contract {a.on!r}")
                got = _view_on(session, refs[a.on], a.fn, resolve_actors(a.args, roles, refs))
                if got is None:
                    return ScenarioResult(scenario.name, False, f"{where}: {a.on}.{a.fn} reverted")
            else:
                fn = session.target.function(a.fn)
                raw = session.ex.static(session.address, fn.calldata(resolve_actors(a.args, roles, refs)))
                if raw is None:
                    return ScenarioResult(scenario.name, False, f"{where}: {a.fn} reverted")
                types = [abi_type(o) for o in fn.outputs]
                got = decode(types, raw)
                got = got[0] if len(got) == 1 else list(got)
            want = resolve_actors(a.equals, roles, refs)
            got, want = _fold(got), _fold(want)
            if got != want:
                return ScenarioResult(scenario.name, False, f"{where}: {a.fn} returned {got!r}, expected {want!r}")
        elif isinstance(a, ExpectEth):
            now = session.ex.balance(roles[a.actor]) - start[a.actor]
            if now != a.delta:
                return ScenarioResult(scenario.name, False,
                                      f"{where}: {a.actor}'s ETH changed by {now}, expected {a.delta}")
        elif isinstance(a, ExpectToken):
            if a.token not in refs:
                return ScenarioResult(scenario.name, False, f"{where}: no referenced token {a.token!r}")
            now = _token_balance(session, refs[a.token], roles[a.actor]) - tokens0[(a.actor, a.token)]
            if now != a.delta:
                return ScenarioResult(scenario.name, False,
                                      f"{where}: {a.actor}'s {a.token} balance changed by {now}, expected {a.delta}")
    return ScenarioResult(scenario.name, True, gas=gas)


def _parse_sig(sig: str) -> tuple[str, list[str]]:
    name, rest = sig.split("(", 1)
    inner = rest[:-1]
    return name, [t for t in inner.split(",") if t] if inner else []


def _call_on(session, to: str, sender: str, sig: str, args: list[Any], value: int) -> tuple[bool, str | None]:
    """A call to a referenced contract (an approval, a transfer, a mint), by signature."""
    from eth_abi import encode
    from eth_utils import function_signature_to_4byte_selector

    _, types = _parse_sig(sig)
    got = session.ex.call(sender, to, function_signature_to_4byte_selector(sig) + encode(types, args), value)
    return got.ok, got.error


def _view_on(session, to: str, sig: str, args: list[Any]) -> Any:
    """A view of a referenced contract; uint256 and address results (one value) are decoded."""
    from eth_abi import decode, encode
    from eth_utils import function_signature_to_4byte_selector

    _, types = _parse_sig(sig)
    raw = session.ex.static(to, function_signature_to_4byte_selector(sig) + encode(types, args))
    if raw is None or len(raw) < 32:
        return None
    return decode(["uint256"], raw[:32])[0]


def _token_balance(session, token: str, who: str) -> int:
    from verify.dynamic.session import token_balance

    return token_balance(session.ex, token, who)
