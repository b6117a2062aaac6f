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
from verify.dynamic.executor import GAS, ChainExecutor, decode_revert

from .campaign import _PANIC1
from .model import BASE_TIME, BLOCK_SECONDS, Failure, World, clock
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

        import requests

        self.world, self.sites, self.runtimes, self.units = world, sites, runtimes, units
        self.chain = AnvilChain(extra_args=anvil_args(evm)).start()
        self.ex = ChainExecutor(self.chain)
        self._http = requests.Session()  # one kept-alive connection: a replay is many small calls
        self._build()
        # between the campaign's transactions, blocks are BLOCK_SECONDS apart unless a delay says otherwise
        self.rpc("anvil_setBlockTimestampInterval", [BLOCK_SECONDS])
        self.base = self.chain.snapshot()
        self._mappers: dict[tuple[str, str], SourceMapper | None] = {}

    def close(self) -> None:
        self._http.close()
        self.chain.stop()

    def rpc(self, method: str, params: list):
        body = self._http.post(self.chain.rpc_url, json={"jsonrpc": "2.0", "id": 1, "method": method,
                                                        "params": params}, timeout=120).json()
        if "error" in body:
            raise RuntimeError(f"anvil {method}: {body['error'].get('message', body['error'])}")
        return body.get("result")

    def _send(self, sender: str, to: str | None, data: bytes, value: int) -> tuple[str, bool]:
        """One transaction by raw RPC: (hash, succeeded). The receipt is awaited: Anvil answers
        eth_sendTransaction before it has mined the block, and the next block's time is set
        only once this one exists."""
        if sender.lower() not in self._unlocked:
            self.rpc("anvil_impersonateAccount", [sender])
            self._unlocked.add(sender.lower())
        tx = {"from": sender, "data": "0x" + data.hex(), "value": hex(value), "gas": hex(GAS), "gasPrice": "0x0"}
        if to:
            tx["to"] = to
        h = self.rpc("eth_sendTransaction", [tx])
        return h, self._receipt(h).get("status") == "0x1"

    def _receipt(self, h: str) -> dict:
        """The receipt; Anvil mines at once, but a loaded machine may answer before it is stored."""
        import time

        for i in range(200):
            receipt = self.rpc("eth_getTransactionReceipt", [h])
            if receipt:
                return receipt
            time.sleep(0.005 * min(i + 1, 10))
        raise RuntimeError(f"transaction {h} was not mined")

    def _at(self, timestamp: int) -> None:
        self.rpc("evm_setNextBlockTimestamp", [timestamp])

    def _build(self) -> None:
        self._unlocked: set[str] = set()
        n = 0
        for op in self.world.ops:
            if op.kind == "fund":
                self.chain.set_balance(op.to, op.value)
            elif op.kind == "code":
                self.chain.set_code(op.to, op.data)
            else:
                n += 1
                self._at(BASE_TIME + n)
                h, _ = self._send(op.sender, None if op.kind == "create" else op.to, op.data, op.value)
                if op.kind == "create" and op.to:
                    made = self._receipt(h).get("contractAddress") or ""
                    if made.lower() != op.to.lower():
                        raise RuntimeError(f"the replay deployed at {made}, the campaign at {op.to}")

    def replay(self, f: Failure, checks: list | None = None) -> Resolved:
        self.chain.revert(self.base)
        self.base = self.chain.snapshot()
        if f.prop is not None and f.prop.get("style") == "check":
            return self._replay_check(f, [c for c in checks or [] if c.ARGUMENT == f.prop["signature"]])
        hashes, struct, failed, output, ok = [], [], False, "", True
        last = len(f.sequence) - 1
        for i, (tx, (number, ts)) in enumerate(zip(f.sequence, clock(self.world, f.sequence))):
            if tx.delay or i == 0 or i == last:
                self._at(ts)
            if i == last and f.check == "assertion-failure":
                call = {"from": tx.sender, "to": tx.to, "data": "0x" + tx.data.hex(), "value": hex(tx.value),
                        "gas": hex(GAS), "gasPrice": "0x0"}
                out = self.rpc("debug_traceCall", [call, "pending", {"disableMemory": True,
                                                                     "disableStorage": True}]) or {}
                struct, failed, output = out.get("structLogs") or [], bool(out.get("failed")), out.get("returnValue") or ""
                self._at(ts)
            h, ok = self._send(tx.sender, tx.to, tx.data, tx.value)
            hashes.append(h)
        if f.check == "property-failure":
            p = f.prop or {}
            out = self.ex.static(p["address"], function_signature_to_4byte_selector(p["signature"]))
            broken = out is None or (p.get("style") == "echidna" and (len(out) < 32 or not any(out[:32])))
            return Resolved(broken, hashes, contract=f.contract,
                            detail=f"{p['signature']} {'fails' if broken else 'holds'} on Anvil")
        if not f.sequence:
            return Resolved(False, hashes, detail="empty sequence")
        event = f.key[0] == "event"
        file, line, contract = self._locate(struct, f.sequence[-1].to, event=event)
        panic = _PANIC1 in output.lower() or (bool(struct) and struct[-1].get("op") == "INVALID")
        reproduced = (ok and line is not None) if event else (failed and panic)
        detail = "AssertionFailed emitted" if event else (decode_revert(bytes.fromhex(output.removeprefix("0x")))
                                                         if output else ("reverted" if failed else "succeeded"))
        return Resolved(reproduced, hashes, file, line, contract, detail)

    def _replay_check(self, f: Failure, checks: list) -> Resolved:
        """A Python-side check (a spec invariant) judged on the node after each transaction."""
        from .campaign import CheckContext, CheckStep

        ctx = CheckContext(self.ex, f.prop["address"], self.world.names)
        for c in checks:
            c.start(ctx)
        hashes, detail = [], ""
        for tx, (_, ts) in zip(f.sequence, clock(self.world, f.sequence)):
            self._at(ts)
            h, _ = self._send(tx.sender, tx.to, tx.data, tx.value)
            hashes.append(h)
            for c in checks:
                detail = detail or (c.check(ctx, CheckStep(ctx.role(tx.sender)), None) or "")
        return Resolved(bool(detail), hashes, contract=f.contract, detail=detail or "the check holds on Anvil")

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

