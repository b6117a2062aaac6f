"""Where transactions run: in-process revm (fast search) or a real chain (evidence, replay).

Both executors expose the same small interface, and both run with gas price 0 so ETH balances
move only by the values sent. Block number and timestamp are set explicitly per step so a
sequence found in-process replays identically on Anvil.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from functools import lru_cache

from eth_abi import decode
from eth_utils import keccak

__all__ = ["CallResult", "ChainExecutor", "Executor", "ReceiptGasExecutor", "RevmExecutor", "decode_revert"]

GAS = 30_000_000
_REVERT_RE = re.compile(r"output: 0x([0-9a-fA-F]*)")
_GAS_RE = re.compile(r"gas_used: (\d+)")


def _plain_string(body: bytes) -> str | None:
    """An ABI-encoded lone string as solc writes it (offset 32, zero padding, UTF-8), or None."""
    if len(body) < 64 or int.from_bytes(body[:32], "big") != 32:
        return None
    n = int.from_bytes(body[32:64], "big")
    if len(body) != 64 + (n + 31) // 32 * 32 or any(body[64 + n:]):
        return None
    try:
        return body[64:64 + n].decode("utf-8")
    except UnicodeDecodeError:
        return None


def decode_revert(output: bytes) -> str:
    """Human text for revert data: Error(string), Panic(uint256), custom error selector, or empty."""
    if not output:
        return "reverted without reason"
    sel, body = output[:4].hex(), output[4:]
    if sel == "08c379a0" and (text := _plain_string(body)) is not None:
        return f"reverted: {text}"  # what the ABI decoder below reads, without its machinery
    try:
        if sel == "08c379a0":
            return f"reverted: {decode(['string'], body)[0]}"
        if sel == "4e487b71":
            code = decode(["uint256"], body)[0]
            names = {0x01: "assert failed", 0x11: "arithmetic overflow/underflow", 0x12: "division by zero",
                     0x21: "bad enum", 0x31: "pop on empty array", 0x32: "array index out of bounds",
                     0x41: "out of memory", 0x51: "zero function pointer"}
            return f"panic 0x{code:02x} ({names.get(code, 'unknown')})"
    except Exception:  # noqa: BLE001 - malformed revert data
        pass
    return f"reverted with custom error 0x{sel}"


@dataclass
class CallResult:
    ok: bool
    output: bytes = b""
    error: str | None = None
    tx_hash: str | None = None
    logs: list = field(default_factory=list)
    gas_used: int | None = None  # of the transaction, after refunds (what a receipt's gasUsed says)


class Executor(ABC):
    name: str
    calls: int = 0  # message calls sent (transactions, deployments, static calls)
    batch_views: bool = False  # holds the batch observer (observer.py): one call answers many views
    batched_views: int = 0  # views answered inside batch observations
    last_gas: int | None = None  # gas used by the last deploy() or call() (static calls leave it), None: unknown

    @abstractmethod
    def fund(self, address: str, wei: int) -> None: ...

    @abstractmethod
    def deploy(self, sender: str, initcode: bytes, value: int = 0) -> tuple[str | None, str | None]:
        """(address, None) or (None, error)."""

    @abstractmethod
    def call(self, sender: str, to: str, data: bytes, value: int = 0) -> CallResult: ...

    @abstractmethod
    def static(self, to: str, data: bytes) -> bytes | None: ...

    @abstractmethod
    def balance(self, address: str) -> int: ...

    @abstractmethod
    def code(self, address: str) -> bytes: ...

    @abstractmethod
    def storage_at(self, address: str, slot: int) -> int: ...

    @abstractmethod
    def set_block(self, number: int, timestamp: int) -> None: ...

    @abstractmethod
    def set_code(self, address: str, code: bytes) -> None:
        """Place runtime code at an address (a contract the code under test hard-codes)."""


@lru_cache(maxsize=4096)
def _beacon(number: int) -> tuple[bytes, int]:
    """Each block its own randomness beacon (prevrandao), as on a real chain: a hash of its number."""
    rand = keccak(number.to_bytes(32, "big"))
    return rand, int.from_bytes(rand, "big")


class RevmExecutor(Executor):
    """pyrevm, in this process: ~100k message calls per second.

    Its gas figures are those of one open journal: pyrevm never finalizes a transaction, so an
    account or slot touched by an earlier call stays warm and SSTORE is priced against the value
    the session started with. They undercount storage next to a chain's receipt (Anvil charged
    85795 for a stake the journal priced at 67695); ``ReceiptGasExecutor`` measures what a
    receipt says."""

    name = "revm"
    batch_views = True

    def __init__(self, spec: str = "SHANGHAI"):
        from pyrevm import EVM, CfgEnv, Env

        # no EIP-170 code-size limit: unoptimized builds of large contracts exceed it (anvil_args)
        self.evm = EVM(env=Env(cfg=CfgEnv(limit_contract_code_size=2**32)), spec_id=spec)
        self.calls = 0
        self.batched_views = 0
        self.last_gas = None
        self._checkpoint = None

    def fund(self, address, wei):
        self.evm.set_balance(address, wei)

    def deploy(self, sender, initcode, value=0):
        self.calls += 1
        try:
            addr = self.evm.deploy(sender, initcode, value=value, gas=GAS)
            self.last_gas = self.evm.result.gas_used
            return addr, None
        except RuntimeError as exc:
            self.last_gas = self._gas(exc)
            return None, self._error(exc)

    def call(self, sender, to, data, value=0):
        self.calls += 1
        try:
            out = self.evm.message_call(sender, to, data, value=value, gas=GAS)
            self.last_gas = gas = self.evm.result.gas_used  # the result pyrevm keeps: no second execution
            return CallResult(True, bytes(out), gas_used=gas)
        except RuntimeError as exc:
            self.last_gas = gas = self._gas(exc)
            return CallResult(False, b"", self._error(exc), gas_used=gas)

    def static(self, to, data):
        self.calls += 1
        try:
            return bytes(self.evm.message_call("0x" + "00" * 19 + "01", to, data, gas=GAS, is_static=True))
        except RuntimeError:
            return None

    @staticmethod
    def _gas(exc: Exception) -> int | None:
        """The gas a reverted or halted transaction used, as pyrevm states it (None: it never ran)."""
        m = _GAS_RE.search(str(exc))
        return int(m.group(1)) if m else None

    @staticmethod
    def _error(exc: Exception) -> str:
        text = str(exc)
        m = _REVERT_RE.search(text)
        if m:
            return decode_revert(bytes.fromhex(m.group(1)))
        return text.split("{")[0].strip() or text[:200]

    def balance(self, address):
        return self.evm.get_balance(address)

    def code(self, address):
        return bytes(self.evm.get_code(address) or b"")

    def storage_at(self, address, slot):
        return self.evm.storage(address, slot)

    def set_code(self, address, code):
        from pyrevm import AccountInfo

        balance = self.evm.get_balance(address)
        self.evm.insert_account_info(address, AccountInfo(code=code))
        self.evm.set_balance(address, balance)

    def set_block(self, number, timestamp):
        from pyrevm import BlockEnv

        rand, difficulty = _beacon(number)
        self.evm.set_block_env(BlockEnv(number=number, timestamp=timestamp, gas_limit=GAS * 2, basefee=0,
                                        prevrandao=rand, difficulty=difficulty))

    # journal checkpoints: the state right after deployment, restored before every example
    def save_base(self) -> None:
        self._checkpoint = self.evm.snapshot()

    def restore_base(self) -> None:
        self.evm.revert(self._checkpoint)
        self._checkpoint = self.evm.snapshot()


_ACCOUNT_RE = re.compile(r"(0x[0-9a-f]{40}): Account \{ info: AccountInfo \{ balance: (\d+), nonce: (\d+), "
                         r"code_hash: 0x[0-9a-f]+, code: (?:None|Some\(Bytecode \{ bytecode: 0x([0-9a-f]*), "
                         r"state: (\w+)(?: \{ len: (\d+))?)")
_SLOT_RE = re.compile(r"(\d+): StorageSlot \{ previous_or_original_value: \d+, present_value: (\d+)")
_STATUS_RE = re.compile(r"\}, status: AccountStatus\(([^)]*)\) \}")


class ReceiptGasExecutor(RevmExecutor):
    """A ``RevmExecutor`` whose gas figures are a chain's: each call and deployment runs first on
    a fresh EVM holding a copy of the current state (every account and slot cold, every slot's
    original value its current one, as at the start of a mined transaction), and its gas is kept
    when that copy returns what the call itself returns (else the gas is None). Twice the work per
    call: for measuring (functional scenarios, the gas table), not for the search."""

    name = "revm-receipt-gas"

    def __init__(self, spec: str = "SHANGHAI"):
        super().__init__(spec)
        self.spec = spec
        self.unmeasured = 0  # calls whose copy disagreed with the call, or could not be built

    def state(self) -> dict[str, tuple[int, int, bytes, dict[int, int]]]:
        """address -> (balance, nonce, code, storage) of every account the journal holds (pyrevm
        exposes its journal only as text), then of those only the database holds."""
        text = self.evm.journal_str
        text = text[:text.find("}, transient_storage: ")]
        out: dict[str, tuple[int, int, bytes, dict[int, int]]] = {}
        accounts = slots = 0
        for m in _ACCOUNT_RE.finditer(text):
            addr, bal, nonce, code, kind, n = m.groups()
            raw = bytes.fromhex(code or "")
            if kind != "Raw" and n is not None:
                raw = raw[:int(n)]  # analysed code is padded
            st = text.find("storage: {", m.end())
            status = _STATUS_RE.search(text, st)
            if status is None:
                raise ValueError("unexpected journal text")
            found = _SLOT_RE.findall(text, st, status.start())
            accounts, slots = accounts + 1, slots + len(found)
            storage = {int(k): int(v) for k, v in found if v != "0"}
            if "SelfDestructed" in status.group(1) or not (int(bal) or int(nonce) or raw or storage):
                continue
            out[addr] = (int(bal), int(nonce), raw, storage)
        if accounts != text.count(": Account { info: ") or slots != text.count(": StorageSlot { "):
            raise ValueError("journal text not read whole")  # a pyrevm whose text differs: no figures
        for addr, info in self.evm.db_accounts.items():
            out.setdefault(addr.lower(), (info.balance, info.nonce, bytes(info.code or b""), {}))
        return out

    def _fresh(self):
        from pyrevm import EVM, AccountInfo, CfgEnv, Env

        fresh = EVM(env=Env(cfg=CfgEnv(limit_contract_code_size=2**32)), spec_id=self.spec)
        fresh.set_block_env(self.evm.env.block)
        state = self.state()
        for addr, (bal, nonce, code, _) in state.items():  # an empty journal: into the database, cold
            fresh.insert_account_info(addr, AccountInfo(balance=bal, nonce=nonce, code=code or None))
        for addr, (_, _, _, storage) in state.items():
            for slot, value in storage.items():
                # a slot goes to the database only while its account is out of the journal
                cp = fresh.snapshot()
                fresh.insert_account_storage(addr, slot, value)
                fresh.revert(cp)
        return fresh

    def _measure(self, run) -> tuple[bool, object, int | None] | None:
        try:
            fresh = self._fresh()
        except Exception:  # noqa: BLE001 - a journal this parser does not read: no figure
            return None
        try:
            got = run(fresh)
            return True, got, fresh.result.gas_used
        except RuntimeError as exc:
            return False, None, self._gas(exc)

    def deploy(self, sender, initcode, value=0):
        m = self._measure(lambda e: e.deploy(sender, initcode, value=value, gas=GAS))
        addr, err = super().deploy(sender, initcode, value)
        self.last_gas = self._agree(m, addr is not None, addr and addr.lower(), m and m[1] and m[1].lower())
        return addr, err

    def call(self, sender, to, data, value=0):
        m = self._measure(lambda e: bytes(e.message_call(sender, to, data, value=value, gas=GAS)))
        res = super().call(sender, to, data, value)
        res.gas_used = self.last_gas = self._agree(m, res.ok, res.output, m and m[1])
        return res

    def _agree(self, m, ok: bool, out, copy_out) -> int | None:
        if m is None or m[0] != ok or (ok and out != copy_out):
            self.unmeasured += 1
            return None
        return m[2]


class ChainExecutor(Executor):
    """A real node through web3 (Anvil by default): every step is a mined transaction."""

    name = "chain"

    def __init__(self, chain):
        self.chain = chain
        self.w3 = chain.web3
        self.calls = 0
        self.last_gas = None

    def fund(self, address, wei):
        self.chain.set_balance(address, wei)

    def _send(self, tx: dict) -> tuple[str, dict]:
        tx = {"gas": GAS, "gasPrice": 0, **tx}
        tx_hash = self.w3.eth.send_transaction(tx)
        receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=120)
        h = tx_hash.hex() if hasattr(tx_hash, "hex") else str(tx_hash)
        return (h if h.startswith("0x") else "0x" + h), receipt

    def _reason(self, tx: dict) -> str:
        try:
            self.w3.eth.call({"gas": GAS, "gasPrice": 0, **tx}, "pending")
        except Exception as exc:  # noqa: BLE001 - web3 raises several types with the revert data
            data = getattr(exc, "data", None)
            if isinstance(data, str) and data.startswith("0x"):
                return decode_revert(bytes.fromhex(data[2:]))
            return str(exc)[:200]
        return "reverted"

    def deploy(self, sender, initcode, value=0):
        self.calls += 1
        tx = {"from": sender, "data": "0x" + initcode.hex(), "value": value}
        h, receipt = self._send(tx)
        self.last_gas = receipt.gasUsed
        if receipt.status != 1:
            return None, "constructor reverted"
        return receipt.contractAddress, None

    def call(self, sender, to, data, value=0):
        self.calls += 1
        tx = {"from": sender, "to": to, "data": "0x" + data.hex(), "value": value}
        try:  # the same call simulated first: its return data (receipts carry none)
            output = bytes(self.w3.eth.call({"gas": GAS, "gasPrice": 0, **tx}, "pending"))
        except Exception:  # noqa: BLE001 - it reverts; the transaction below says so too
            output = b""
        h, receipt = self._send(tx)
        self.last_gas = gas = receipt.gasUsed
        if receipt.status == 1:
            return CallResult(True, output, None, h, gas_used=gas)
        return CallResult(False, b"", self._reason(tx), h, gas_used=gas)

    def static(self, to, data):
        self.calls += 1
        try:
            return bytes(self.w3.eth.call({"to": to, "data": "0x" + data.hex()}))
        except Exception:  # noqa: BLE001 - a reverting view
            return None

    def balance(self, address):
        return self.w3.eth.get_balance(address)

    def code(self, address):
        return bytes(self.w3.eth.get_code(address))

    def storage_at(self, address, slot):
        return int.from_bytes(self.w3.eth.get_storage_at(address, slot), "big")

    def set_code(self, address, code):
        self.chain.set_code(address, code)

    def trace_call(self, sender: str, to: str, data: bytes, value: int = 0) -> list[dict]:
        """The instructions the call would execute in the next block (struct logs, no memory or
        storage), without sending it."""
        tx = {"from": sender, "to": to, "data": "0x" + data.hex(), "value": hex(value), "gas": hex(GAS),
              "gasPrice": "0x0"}
        out = self.chain.rpc("debug_traceCall", [tx, "pending", {"disableMemory": True, "disableStorage": True,
                                                                "enableReturnData": False}])
        return out.get("structLogs") or []

    def set_block(self, number, timestamp):
        # Anvil numbers blocks itself; the timestamp of the next block is what contracts read.
        latest = self.w3.eth.get_block("latest").timestamp
        self.chain.rpc("evm_setNextBlockTimestamp", [max(timestamp, latest + 1)])
