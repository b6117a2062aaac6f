"""Black-box conformance checks for token standards, written from the EIP texts.

The checks (``erc20``, ``erc721``, ``erc4626``) know nothing of how a contract was generated: they
talk to a deployed address through raw calldata built from the function signatures the EIPs
define, and decode the events the EIPs define from the raw logs. What a check needs that no
standard defines (how to obtain tokens, who holds them) comes in a *subject* the caller builds.

Every check is a function of its subject that raises ``AssertionError`` when the contract does not
conform and ``NotApplicable`` when the clause it tests does not apply (an optional part of the
standard that is absent, a limit that is unbounded). ``run`` executes checks each on a snapshot
of the chain, so none sees another's state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from eth_abi import decode, encode
from eth_utils import keccak, to_checksum_address

__all__ = ["Chain", "Check", "CheckResult", "NotApplicable", "Tx", "ZERO", "MAX_UINT", "registry", "run"]

ZERO = "0x0000000000000000000000000000000000000000"
MAX_UINT = 2**256 - 1
GAS = 6_000_000


class NotApplicable(Exception):
    """The clause a check tests does not apply to this contract."""


@dataclass
class Log:
    address: str
    topics: list[bytes]
    data: bytes


@dataclass
class Tx:
    """A transaction's outcome: ``reverted``, or the value it returned and the logs it emitted."""

    reverted: bool
    returned: Any = None  # decoded return value (a tuple for several), None when there is none
    raw_return: bytes = b""
    logs: list[Log] = field(default_factory=list)
    gas_used: int = 0

    def events(self, emitter: str, signature: str, indexed: tuple[bool, ...]) -> list[tuple]:
        """The ``signature`` events ``emitter`` emitted, decoded; ``indexed`` marks each argument."""
        return decode_events(self.logs, emitter, signature, indexed)


def _types(signature: str) -> list[str]:
    m = re.fullmatch(r"\w+\((.*)\)", signature)
    if m is None:
        raise ValueError(f"not a function signature: {signature!r}")
    inner = m.group(1)
    return [t for t in inner.split(",") if t] if inner else []


def selector(signature: str) -> bytes:
    return keccak(text=signature)[:4]


def calldata(signature: str, args: list | tuple = ()) -> bytes:
    return selector(signature) + encode(_types(signature), list(args))


def topic0(signature: str) -> bytes:
    return keccak(text=signature)


def decode_events(logs: list[Log], emitter: str, signature: str, indexed: tuple[bool, ...]) -> list[tuple]:
    types = _types(signature)
    assert len(types) == len(indexed)
    t0 = topic0(signature)
    n_topics = 1 + sum(indexed)
    out = []
    for log in logs:
        if log.address.lower() != emitter.lower() or not log.topics or log.topics[0] != t0:
            continue
        if len(log.topics) != n_topics:  # same signature, other indexing (ERC-20 vs ERC-721 Transfer)
            continue
        data_types = [t for t, ix in zip(types, indexed) if not ix]
        data_vals = list(decode(data_types, log.data)) if data_types else []
        topics = iter(log.topics[1:])
        vals = []
        for t, ix in zip(types, indexed):
            if ix:
                vals.append(decode([t], next(topics))[0])
            else:
                vals.append(data_vals.pop(0))
        out.append(tuple(to_checksum_address(v) if t == "address" else v for t, v in zip(types, vals)))
    return out


class Chain:
    """Raw calls and transactions from unlocked accounts on a local node, with snapshots."""

    def __init__(self, w3):
        self.w3 = w3

    def call(self, to: str, signature: str, args: list | tuple = (), returns: tuple[str, ...] = ("uint256",),
             sender: str | None = None) -> Any:
        """A view call; raises ``Reverted`` when it reverts. One return type gives the bare value."""
        ok, raw = self.try_call(to, signature, args, sender)
        if not ok:
            raise Reverted(f"{signature} reverted: 0x{raw.hex()}")
        return _decode_return(raw, returns)

    def try_call(self, to: str, signature: str, args: list | tuple = (), sender: str | None = None,
                 value: int = 0) -> tuple[bool, bytes]:
        tx = {"to": to, "data": "0x" + calldata(signature, args).hex(), "gas": hex(GAS)}
        if sender:
            tx["from"] = sender
        if value:
            tx["value"] = hex(value)
        # the raw JSON-RPC call: web3's formatting layers cost more than the node's answer
        resp = self.w3.provider.make_request("eth_call", [tx, "latest"])
        if "error" not in resp:
            return True, bytes.fromhex(resp["result"][2:])
        data = resp["error"].get("data")
        if isinstance(data, str) and data.startswith("0x"):
            try:
                return False, bytes.fromhex(data[2:])
            except ValueError:
                pass
        return False, b""

    def send(self, sender: str, to: str, signature: str, args: list | tuple = (),
             returns: tuple[str, ...] | None = None, value: int = 0) -> Tx:
        """Send a transaction; its return value is read by an ``eth_call`` in the same state first."""
        ok, raw = self.try_call(to, signature, args, sender, value)
        if not ok:
            return Tx(reverted=True, raw_return=raw)
        txh = self.w3.eth.send_transaction({"from": sender, "to": to, "data": "0x" + calldata(signature, args).hex(),
                                            "gas": GAS, "value": value})
        rcpt = self.w3.eth.wait_for_transaction_receipt(txh)
        logs = [Log(to_checksum_address(lg["address"]), [bytes(t) for t in lg["topics"]], bytes(lg["data"]))
                for lg in rcpt["logs"]]
        if rcpt["status"] != 1:
            return Tx(reverted=True, logs=[], gas_used=rcpt["gasUsed"])
        returned = _decode_return(raw, returns) if returns and raw else None
        return Tx(False, returned, raw, logs, rcpt["gasUsed"])

    def deploy(self, sender: str, bytecode: str | bytes, ctor_types: list[str] = (), args: list = ()) -> str:
        code = bytes.fromhex(bytecode[2:] if bytecode.startswith("0x") else bytecode) \
            if isinstance(bytecode, str) else bytes(bytecode)
        data = code + (encode(list(ctor_types), list(args)) if ctor_types else b"")
        txh = self.w3.eth.send_transaction({"from": sender, "data": "0x" + data.hex(), "gas": 29_000_000})
        rcpt = self.w3.eth.wait_for_transaction_receipt(txh)
        if rcpt["status"] != 1 or not rcpt["contractAddress"]:
            raise RuntimeError(f"deployment from {sender} reverted")
        return to_checksum_address(rcpt["contractAddress"])

    def has_code(self, address: str) -> bool:
        return len(self.w3.eth.get_code(address)) > 0

    def snapshot(self) -> str:
        return self.w3.provider.make_request("evm_snapshot", [])["result"]

    def revert(self, snap: str) -> None:
        if not self.w3.provider.make_request("evm_revert", [snap]).get("result"):
            raise RuntimeError(f"snapshot {snap} could not be reverted")


class Reverted(AssertionError):
    """A call that had to succeed reverted."""


def _decode_return(raw: bytes, returns: tuple[str, ...]) -> Any:
    vals = decode(list(returns), raw)
    vals = tuple(to_checksum_address(v) if t == "address" else v for t, v in zip(returns, vals))
    return vals[0] if len(vals) == 1 else vals


@dataclass(frozen=True)
class Check:
    standard: str
    name: str
    clause: str  # the EIP text the check tests
    fn: Callable[[Any], Any]

    @property
    def id(self) -> str:
        return f"{self.standard}:{self.name}"


def registry(standard: str) -> tuple[list[Check], Callable]:
    """A list of checks and the decorator that adds one: ``@check("clause")`` over ``def name(s)``."""
    checks: list[Check] = []

    def check(clause: str):
        def add(fn):
            checks.append(Check(standard, fn.__name__, clause, fn))
            return fn
        return add

    return checks, check


@dataclass
class CheckResult:
    check: Check
    status: str  # "pass", "fail", "n/a"
    detail: str = ""


def run_one(chain: Chain, check: Check, subject: Any) -> CheckResult:
    snap = chain.snapshot()
    try:
        check.fn(subject)
        return CheckResult(check, "pass")
    except NotApplicable as exc:
        return CheckResult(check, "n/a", str(exc))
    except AssertionError as exc:
        return CheckResult(check, "fail", str(exc) or repr(exc))
    except Exception as exc:  # noqa: BLE001 - e.g. return data that does not decode as the EIP's type
        return CheckResult(check, "fail", f"{type(exc).__name__}: {exc}")
    finally:
        chain.revert(snap)


def run(chain: Chain, checks: list[Check], subject: Any) -> list[CheckResult]:
    return [run_one(chain, c, subject) for c in checks]
