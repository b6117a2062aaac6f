"""Directed sequences: attacks with multi-step preconditions, tried before the random search.

Random transactions rarely line up "an honest user deposits, the attacker deposits at least the
minimum the code asks for, time passes the lock, the attacker withdraws with re-entry". Each
property may offer such sequences (``Property.seeds(hints)``), built from what the code says:
its payable functions, the functions that send ETH, the amounts and durations it writes down.
They run first, judged exactly like random ones; a violation is shrunk by dropping steps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .session import BAIT, BASE_TIME, HONEST, Session, Step
from .target import RECEIVE, AbiFunction

__all__ = ["Hints", "ints_in", "run_seeds"]

ETH = 10**18
HONEST_DEPOSIT = 10 * ETH
_AMOUNT = re.compile(r"(amount|value|wei|sum|am$|_am|qty|quantity|shares|tokens|number|num|count|bet|stake|"
                     r"price|bid|size|withdraw)", re.I)
_TIME = re.compile(r"(time|unlock|until|date|deadline|duration|period|delay|lock|when|release)", re.I)
_DEST = re.compile(r"(to|dest|recipient|receiver|beneficiary|target|addr|account|who|wallet|_adr|user|owner)", re.I)
MAX_SEEDS = 280


@dataclass
class Hints:
    target: Any
    roles: dict[str, str]
    deposits: list[AbiFunction] = field(default_factory=list)
    senders: list[AbiFunction] = field(default_factory=list)
    mutators: list[AbiFunction] = field(default_factory=list)
    amounts: list[int] = field(default_factory=list)
    wait: int = 86_400
    pushers: list[AbiFunction] = field(default_factory=list)
    loopers: list[AbiFunction] = field(default_factory=list)

    @classmethod
    def of(cls, target, session: Session) -> "Hints":
        facts = target.env.facts if target.env is not None else None
        mutating = target.mutating
        deposits = [f for f in mutating if f.payable]
        sending = facts.eth_senders if facts else set()
        senders = [f for f in mutating if f.name in sending and not f.payable] + \
                  [f for f in mutating if f.name in sending and f.payable]
        if not senders:
            senders = [f for f in mutating if not f.payable]
        amounts = {ETH, 2 * ETH}
        if facts:
            consts = {v for v in facts.amounts | facts.compared_with_value if 10**15 <= v <= 1000 * ETH}
            amounts |= consts | {v * 2 for v in consts if v * 2 <= 1000 * ETH}
        horizon = 5 * 366 * 86_400
        spans = [d for d in (facts.durations if facts else ()) if d <= horizon]
        # times the deployment chose (a closing time, a duration passed to the constructor)
        for v in ints_in(session.constructor_args):
            if BASE_TIME < v <= BASE_TIME + horizon:
                spans.append(v - BASE_TIME)
            elif 3_600 <= v <= horizon:
                spans.append(v)
        wait = max(spans + [86_400]) + 1
        return cls(target, session.roles(), deposits, senders, [f for f in mutating if f.name != RECEIVE],
                   sorted(amounts)[:6], wait,
                   [f for f in mutating if facts and f.name in facts.pushers],
                   [f for f in mutating if facts and f.name in facts.loopers])

    def args(self, fn: AbiFunction, actor: str, amount: int, variant: int = 0) -> list[Any]:
        """Arguments for ``fn`` called by ``actor``: amounts where the name says amount (or every
        number, variant 1), times 0 (now), every number 0 (variant 2) or 1 (variant 3), addresses
        the caller's own."""
        me = self.roles.get(actor, self.roles["attacker_contract"])
        out = []
        for p, t in zip(fn.inputs, fn.types):
            name = p.get("name") or ""
            out.append(self._value(t, name, me, amount, variant))
        return out

    def _value(self, t: str, name: str, me: str, amount: int, variant: int):
        if t.endswith("]"):
            inner = t[: t.rindex("[")]
            size = t[t.rindex("[") + 1:-1]
            return [self._value(inner, name, me, amount, variant) for _ in range(int(size) if size else 1)]
        if t == "address":
            return me
        if t.startswith("uint") or t.startswith("int"):
            bits = int(re.sub(r"^u?int", "", t) or 256)
            if variant in (2, 3):
                return variant - 2
            if variant == 1 or _AMOUNT.search(name) or not _TIME.search(name):
                return amount if amount < 2 ** (bits - 1) else 1
            return 0
        if t == "bool":
            return True
        if t == "string":
            return "ouro"
        if t == "bytes":
            return b""
        if t.startswith("bytes"):
            return b"\x00" * int(t[5:])
        if t.startswith("("):
            from .target import split_tuple

            return [self._value(x, name, me, amount, variant) for x in split_tuple(t[1:-1])]
        return 0

    def honest_deposit(self) -> list[Step]:
        """alice puts real money in (the victim), through the first payable function."""
        if not self.deposits:
            return []
        d = self.deposits[0]
        return [Step("alice", d.signature, self.args(d, "alice", HONEST_DEPOSIT), HONEST_DEPOSIT)]

    def honest_crowd(self, fn: AbiFunction | None = None) -> list[Step]:
        """alice and bob both put money in (10 and 5 ether) through ``fn`` or the first payable."""
        fn = fn or (self.deposits[0] if self.deposits else None)
        if fn is None:
            return []
        return [Step(a, fn.signature, self.args(fn, a, v), v) for a, v in (("alice", HONEST_DEPOSIT), ("bob", HONEST_DEPOSIT // 2))]

    def pot(self) -> int:
        """What the target holds after the honest deposit: the engine's bait plus alice's money."""
        return BAIT + (HONEST_DEPOSIT if self.deposits else 0)


def ints_in(v) -> list[int]:
    """Every integer in a value (arguments, nested arrays and tuples); bools are not integers."""
    if isinstance(v, bool):
        return []
    if isinstance(v, int):
        return [v]
    if isinstance(v, (list, tuple)):
        return [x for item in v for x in ints_in(item)]
    return []


def run_seeds(search, properties, recorder, units) -> list:
    """Run every active property's seeds; return the (shrunk) violations, one per property."""
    from .sequence import PropertyViolation, run_sequence

    base = search._base
    hints = Hints.of(search.target, base)
    seeds: list[list[Step]] = []
    seen: set[str] = set()
    for prop in properties:
        for seq in prop.seeds(hints)[:MAX_SEEDS]:
            key = repr([s.to_json() for s in seq])
            if key not in seen:
                seen.add(key)
                seeds.append(seq)
    found: dict[str, PropertyViolation] = {}
    active = list(properties)

    def run(seq: list[Step], props, record: bool):
        return run_sequence(search, seq, props, units, recorder if record else None)

    for seq in seeds:
        if not active:
            break
        got = run(seq, active, True)
        for v in got or []:
            if v.prop not in active:
                continue
            v = _shrink(v, run)
            found[v.prop.ARGUMENT] = v
            active = [p for p in active if p is not v.prop]
    return list(found.values())


def _shrink(v, run):
    """Drop steps one at a time while the same property still fails."""
    best = v
    i = 0
    while i < len(best.steps):
        trial = best.steps[:i] + best.steps[i + 1:]
        got = run(trial, [best.prop], False) if trial else None
        if got:
            best = got[0]
        else:
            i += 1
    return best
