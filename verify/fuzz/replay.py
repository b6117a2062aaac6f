"""Failures replayed on a real node (Anvil): the same world (same creations from the same accounts,
block by block, so the same addresses and clock), the same transactions, and whether the same
failure happens. The last transaction's trace (debug_traceCall just before it is sent) names the failing line:
the last instruction of the failing call that solc's source map attributes to an ``assert`` (or,
for an ``AssertionFailed`` event, the LOG of an ``emit AssertionFailed``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eth_utils import function_signature_to_4byte_selector

from verify.dynamic.coverage import SourceMapper, parse_struct_logs
from verify.dynamic.executor import ChainExecutor

from .campaign import _PANIC1
from .model import BASE_TIME, Failure, World, clock
from .sites import SourceSites

__all__ = ["AnvilReplayer", "Resolved"]


@dataclass
class Resolved:
    reproduced: bool
    tx_hashes: list[str] = field(default_factory=list)
    file: str | None = None
    line: int | None = None
    contract: str | None = None
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"chain": "anvil", "reproduced": self.reproduced, "tx_hashes": self.tx_hashes, "file": self.file,
                "line": self.line, "contract": self.contract, "detail": self.detail}


class AnvilReplayer:
    """One Anvil per file: the world is built once, each failure replays from its snapshot."""

    def __init__(self, world: World, evm: str, sites: SourceSites, runtimes: dict[str, tuple[str, str]],
                 units: dict[str, tuple[int, str]]):
        from chains import AnvilChain
        from verify.dynamic.engine import anvil_args

        self.world, self.sites, self.runtimes, self.units = world, sites, runtimes, units
        self.chain = AnvilChain(extra_args=anvil_args(evm)).start()
        self.ex = ChainExecutor(self.chain)
        self._build()
        self.base = self.chain.snapshot()
        self._mappers: dict[tuple[str, str], SourceMapper | None] = {}

    def close(self) -> None:
        self.chain.stop()

    def _build(self) -> None:
        n = 0
        for op in self.world.ops:
            if op.kind == "fund":
                self.ex.fund(op.to, op.value)
            elif op.kind == "code":
                self.ex.set_code(op.to, op.data)
            else:
                n += 1
                self.ex.set_block(n, BASE_TIME + n)
                if op.kind == "create":
                    addr, _ = self.ex.deploy(op.sender, op.data, op.value)
                    if op.to and (addr or "").lower() != op.to.lower():
                        raise RuntimeError(f"the replay deployed at {addr}, the campaign at {op.to}")
                else:
                    self.ex.call(op.sender, op.to, op.data, op.value)

    def replay(self, f: Failure) -> Resolved:
        self.chain.revert(self.base)
        self.base = self.chain.snapshot()
        hashes, last, struct = [], None, []
        for i, (tx, (number, ts)) in enumerate(zip(f.sequence, clock(self.world, f.sequence))):
            self.ex.set_block(number, ts)
            if i == len(f.sequence) - 1 and f.check == "assertion-failure":
                struct = self.ex.trace_call(tx.sender, tx.to, tx.data, tx.value)  # the next block, not mined
            last = self.ex.call(tx.sender, tx.to, tx.data, tx.value)
            hashes.append(last.tx_hash)
        if f.check == "property-failure":
            p = f.prop or {}
            out = self.ex.static(p["address"], function_signature_to_4byte_selector(p["signature"]))
            failed = out is None or (p.get("style") == "echidna" and (len(out) < 32 or not any(out[:32])))
            return Resolved(failed, hashes, contract=f.contract,
                            detail=f"{p['signature']} {'fails' if failed else 'holds'} on Anvil")
        if last is None:
            return Resolved(False, hashes, detail="empty sequence")
        file, line, contract = self._locate(struct, f.sequence[-1].to, event=f.key[0] == "event")
        if f.key[0] == "event":
            reproduced = last.ok and line is not None
        else:
            reproduced = (not last.ok) and ("assert" in (last.error or "") or "0x01" in (last.error or "")
                                            or "invalid" in (last.error or "").lower() or line is not None)
        return Resolved(reproduced, hashes, file, line, contract, last.error or "")

    def _mapper(self, address: str, unit: str) -> SourceMapper | None:
        key = (address.lower(), unit)
        if key not in self._mappers:
            name = self.world.names.get(address.lower())
            rt = self.runtimes.get(name) if name else None
            uid = self.units.get(unit)
            m = None
            if rt and rt[0] and uid is not None:
                try:
                    m = SourceMapper(rt[0], rt[1], uid[0], uid[1])
                except Exception:  # noqa: BLE001 - a source map this reader cannot follow
                    m = None
            self._mappers[key] = m
        return self._mappers[key]

    def _locate(self, struct: list[dict], entry: str, event: bool) -> tuple[str | None, int | None, str | None]:
        trace = parse_struct_logs(struct, entry)
        kind = "event" if event else "assert"
        files = {s.file for s in self.sites.sites if s.kind == kind}
        wanted = {f: self.sites.lines(f, kind) for f in files}
        for idx in range(len(trace.steps) - 1, -1, -1):
            addr, pc = trace.steps[idx]
            if addr is None:
                continue
            if event and not str(struct[idx].get("op", "")).startswith("LOG"):
                continue
            for f in files:
                m = self._mapper(addr, f)
                ln = m.line(pc) if m else None
                if ln is not None and ln in wanted[f]:
                    return f, ln, self.world.names.get(addr.lower())
        return None, None, None


def is_assert_panic(error: str) -> bool:
    return _PANIC1 in error
