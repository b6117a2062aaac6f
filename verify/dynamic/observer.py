"""A step's observation in one message call: the batch observer (``OuroObserver.sol``).

A session observes the same things after every step: the actors' and the target's balances, the
target's code size, and a fixed list of view calls (credits, owners, counters). Asked one by one
that is ten or more message calls per transaction. An executor that can hold the observer
(``Executor.batch_views``, the in-process EVM) gets its runtime code placed at ``OBSERVER``; the
session then sends the whole list as one static call and reads every answer from its output.

Answers are the per-call ones: a balance, a code size, or a view's return data (``None`` when the
view reverted). Views inside the batch share one call's gas, so a view that failed having used up
the gas it was given is asked again on its own before ``None`` is believed.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from eth_utils import keccak, to_checksum_address

__all__ = ["BALANCE", "CALL", "CODE_SIZE", "OBSERVER", "Queries", "observer_code"]

BALANCE, CODE_SIZE, CALL = 0, 1, 2
# an address nothing else uses (not a precompile, not an Anvil account, not CREATE-derived)
OBSERVER = to_checksum_address(keccak(b"ouro batch observer")[-20:])
_OK, _STARVED = 1 << 255, 1 << 254
_ONE_WORD = (_OK | 32).to_bytes(32, "big")


@lru_cache(maxsize=1)
def observer_code() -> bytes:
    """The observer's runtime code (compiled once per process)."""
    from verify.compile import Compiler

    res = Compiler(install=False, evm_version="shanghai").compile_file(
        Path(__file__).with_name("OuroObserver.sol"), version="0.8.37")
    return bytes.fromhex(res.contract("OuroObserver").deployed_bytecode)


class Queries:
    """A fixed list of (kind, address, calldata) questions, answered in order."""

    def __init__(self, queries: list[tuple[int, str, bytes]]):
        self.queries = queries
        parts = []
        for kind, address, data in queries:
            parts.append(bytes([kind]) + bytes.fromhex(address[2:]) + len(data).to_bytes(2, "big") + data)
        self.calldata = b"".join(parts)
        self.views = sum(1 for k, _, _ in queries if k == CALL)

    def ask_each(self, ex) -> list:
        """One executor call per question."""
        out = []
        for kind, address, data in self.queries:
            if kind == BALANCE:
                out.append(ex.balance(address))
            elif kind == CODE_SIZE:
                out.append(len(ex.code(address)))
            else:
                out.append(ex.static(address, data))
        return out

    def ask_batch(self, ex) -> list:
        """One static call of the observer for every question (``ask_each`` when it fails)."""
        raw = ex.static(OBSERVER, self.calldata)
        if raw is None:
            return self.ask_each(ex)
        ex.batched_views += self.views
        out, pos = [], 0
        for kind, address, data in self.queries:
            head = raw[pos:pos + 32]
            pos += 32
            if kind != CALL:
                out.append(int.from_bytes(head, "big"))
                continue
            if head == _ONE_WORD:  # the usual answer: success and one word
                out.append(raw[pos:pos + 32])
                pos += 32
                continue
            word = int.from_bytes(head, "big")
            size = word & (_STARVED - 1)
            if word & _OK:
                out.append(raw[pos:pos + size])
            elif word & _STARVED:
                out.append(ex.static(address, data))  # it may only have been short of the batch's gas
            else:
                out.append(None)  # reverted
            pos += (size + 31) // 32 * 32
        return out
