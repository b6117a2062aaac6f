"""What a fuzz campaign runs: transactions, sequences, and the world they start from.

A ``Tx`` is raw: sender, receiver, calldata, value and the seconds the chain advances before it
(every transaction is mined in its own block, ``BLOCK_SECONDS`` plus that delay after the one
before). Raw bytes make a sequence replay identically in-process, on Anvil, in a forge test
and in a brownie test. ``World`` is what deployment did (funding, creations, calls), recorded
so the same addresses come out on every replay.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from verify.dynamic.session import _jsonable

__all__ = ["BASE_TIME", "BLOCK_SECONDS", "Failure", "Tx", "World", "WorldOp", "clock"]

# Every creation or call of deployment is mined in its own block, as a node mines it: block n at
# BASE_TIME + n. A campaign's transaction comes BLOCK_SECONDS (plus its delay) after the one before.
BASE_TIME, BLOCK_SECONDS = 1_700_000_000, 12


@dataclass
class Tx:
    sender: str
    to: str
    function: str  # signature, for people; the calldata is what runs
    args: list[Any]
    data: bytes
    value: int = 0
    delay: int = 0  # extra seconds before this transaction's block

    def to_json(self) -> dict[str, Any]:
        return {"sender": self.sender, "to": self.to, "function": self.function, "args": _jsonable(self.args),
                "data": "0x" + self.data.hex(), "value": str(self.value), "delay": self.delay}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Tx":
        return cls(d["sender"], d["to"], d.get("function", ""), list(d.get("args", [])),
                   bytes.fromhex(d["data"][2:]), int(d.get("value", 0)), int(d.get("delay", 0)))

    def describe(self, names: dict[str, str] | None = None) -> str:
        names = names or {}
        args = ", ".join(_short(a, names) for a in self.args)
        s = f"{names.get(self.sender.lower(), self.sender[:10])}: {self.function.split('(')[0]}({args})"
        if self.value:
            s += f" value={self.value}"
        if self.delay:
            s += f" after {self.delay}s"
        return s


def _short(v: Any, names: dict[str, str]) -> str:
    if isinstance(v, str) and v.startswith("0x") and len(v) == 42:
        return names.get(v.lower(), v[:10])
    if isinstance(v, bytes):
        return "0x" + v.hex()[:16]
    return str(v)


@dataclass
class WorldOp:
    """One thing deployment did: fund an account, create a contract, call one, or place code."""

    kind: str  # fund | create | call | code
    sender: str = ""
    to: str = ""  # fund/call/code: the account; create: the created address
    data: bytes = b""  # create: initcode; call: calldata; code: runtime code
    value: int = 0  # fund: the balance set; create/call: wei sent

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "sender": self.sender, "to": self.to, "data": "0x" + self.data.hex(),
                "value": str(self.value)}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "WorldOp":
        return cls(d["kind"], d.get("sender", ""), d.get("to", ""), bytes.fromhex(d.get("data", "0x")[2:]),
                   int(d.get("value", 0)))


@dataclass
class World:
    ops: list[WorldOp] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # lowercase address -> role or contract name
    blocks: int = 0  # blocks deployment mined (its creations and calls)

    def to_json(self) -> dict[str, Any]:
        return {"ops": [o.to_json() for o in self.ops], "names": dict(self.names), "blocks": self.blocks}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "World":
        return cls([WorldOp.from_json(o) for o in d.get("ops", [])], dict(d.get("names", {})), int(d.get("blocks", 0)))


def clock(world: World, sequence: list[Tx]) -> list[tuple[int, int]]:
    """(block number, timestamp) of each transaction of a sequence run after ``world``."""
    n, t, out = world.blocks, BASE_TIME + world.blocks, []
    for tx in sequence:
        n += 1
        t += BLOCK_SECONDS + tx.delay
        out.append((n, t))
    return out


@dataclass
class Failure:
    """One failing check, as the campaign first met it (``key`` tells repeats apart cheaply; the
    replay resolves the failing line exactly)."""

    check: str  # assertion-failure | property-failure
    name: str  # the assertion's id or the property / invariant function
    contract: str  # the contract whose code failed, or that declares the property
    key: tuple
    sequence: list[Tx]
    reason: str = ""
    prop: dict[str, Any] | None = None  # property-failure: {"address", "signature", "style"}
