"""A small harness for the hand-written exploits of tests/corpus/deployed.

It uses only the solc wrapper (``verify.compile.Compiler``) and a subprocess Anvil
(``chains.AnvilChain``): the exploits are plain transactions, independent of ouro's engine.
Every transaction is a legacy one at gas price 0 (Anvil runs with base fee 0) unless a case
asks for a gas price, so an account's balance moves only by the values it sends and receives.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import yaml
from web3 import Web3

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "deployed"
EXPLOITS = CORPUS / "exploits"
MANIFEST = CORPUS / "MANIFEST.yaml"

ETHER = 10**18
FINNEY = 10**15
GWEI = 10**9
GAS = 8_000_000
DAY = 24 * 3600
WEEK = 7 * DAY
UINT_MAX = 2**256 - 1

CATEGORIES = {
    "reentrancy", "access-control", "arithmetic", "unchecked-calls", "denial-of-service",
    "bad-randomness", "front-running", "time-manipulation", "short-address", "other",
}


def load_manifest() -> list[dict]:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


def corpus_files() -> list[str]:
    return sorted(p.name for p in CORPUS.glob("*.sol"))


class TxFailed(AssertionError):
    pass


@dataclass
class Sent:
    """A transaction sent while automine is off."""

    hash: bytes

    def receipt(self, w3: Web3):
        return w3.eth.get_transaction_receipt(self.hash)


class Harness:
    """One Anvil and one compiler shared by every case of the module."""

    def __init__(self, chain, compiler):
        self.chain = chain
        self.compiler = compiler
        self.w3: Web3 = chain.web3
        accounts = chain.accounts
        (self.deployer, self.alice, self.bob, self.carol, self.attacker,
         self.accomplice, self.dave) = accounts[:7]
        self._compiled: dict[Path, Any] = {}

    # -- compiling ---------------------------------------------------------------------
    def compiled(self, path: Path):
        path = path.resolve()
        if path not in self._compiled:
            self._compiled[path] = self.compiler.compile_file(path)
        return self._compiled[path]

    def artifact(self, file: str, name: str):
        path = EXPLOITS / file[len("exploits/"):] if file.startswith("exploits/") else CORPUS / file
        return self.compiled(path).contract(name)

    # -- deploying ---------------------------------------------------------------------
    def deploy(self, file: str, name: str, *args, sender: str | None = None, value: int = 0,
               gas: int = GAS):
        art = self.artifact(file, name)
        factory = self.w3.eth.contract(abi=art.abi, bytecode=art.bytecode)
        tx_hash = factory.constructor(*args).transact(
            {"from": sender or self.deployer, "value": value, "gas": gas, "gasPrice": 0})
        rc = self.w3.eth.wait_for_transaction_receipt(tx_hash)
        if rc.status != 1:
            raise TxFailed(f"deploying {file}:{name} reverted")
        return self.w3.eth.contract(address=rc.contractAddress, abi=art.abi)

    def at(self, file: str, name: str, address: str):
        return self.w3.eth.contract(address=Web3.to_checksum_address(address),
                                    abi=self.artifact(file, name).abi)

    def place_code(self, file: str, name: str, address: str):
        """Put ``name``'s runtime code at a hard-coded address, as mainnet would have it there."""
        art = self.artifact(file, name)
        self.chain.set_code(Web3.to_checksum_address(address), bytes.fromhex(art.deployed_bytecode))
        return self.at(file, name, address)

    # -- transacting -------------------------------------------------------------------
    def tx(self, fn, sender: str, value: int = 0, gas: int = GAS, gas_price: int = 0,
           expect: bool | None = True):
        """Send ``fn`` (a web3 ContractFunction) and wait for it. ``expect``: True the
        transaction must succeed, False it must revert, None either."""
        tx_hash = fn.transact({"from": sender, "value": value, "gas": gas, "gasPrice": gas_price})
        rc = self.w3.eth.wait_for_transaction_receipt(tx_hash)
        self._check(rc, expect, getattr(fn, "fn_name", "call"))
        return rc

    def send_eth(self, sender: str, to: str, value: int, data: bytes = b"", gas: int = GAS,
                 expect: bool | None = True):
        tx = {"from": sender, "to": Web3.to_checksum_address(to), "value": value, "gas": gas,
              "gasPrice": 0}
        if data:
            tx["data"] = "0x" + bytes(data).hex()
        rc = self.w3.eth.wait_for_transaction_receipt(self.w3.eth.send_transaction(tx))
        self._check(rc, expect, "transfer")
        return rc

    def send_raw_call(self, sender: str, to: str, data: bytes, value: int = 0, gas: int = GAS,
                      expect: bool | None = True):
        return self.send_eth(sender, to, value, data=data, gas=gas, expect=expect)

    def submit(self, fn, sender: str, value: int = 0, gas: int = GAS, gas_price: int = 0) -> Sent:
        """Send without waiting (automine off): the transaction waits in the pool."""
        tx_hash = fn.transact({"from": sender, "value": value, "gas": gas, "gasPrice": gas_price})
        return Sent(tx_hash)

    @staticmethod
    def _check(rc, expect: bool | None, what: str) -> None:
        if expect is True and rc.status != 1:
            raise TxFailed(f"{what} reverted (gas used {rc.gasUsed})")
        if expect is False and rc.status != 0:
            raise TxFailed(f"{what} was expected to revert but succeeded")

    # -- encoding ----------------------------------------------------------------------
    @staticmethod
    def calldata(contract, fn_name: str, *args) -> bytes:
        return bytes.fromhex(contract.encode_abi(fn_name, args=list(args))[2:])

    @staticmethod
    def selector(signature: str) -> bytes:
        return Web3.keccak(text=signature)[:4]

    # -- state -------------------------------------------------------------------------
    def balance(self, addr) -> int:
        return self.w3.eth.get_balance(Web3.to_checksum_address(addr if isinstance(addr, str) else addr.address))

    def balances(self, *addrs) -> list[int]:
        return [self.balance(a) for a in addrs]

    def latest(self):
        return self.w3.eth.get_block("latest")

    def now(self) -> int:
        return self.latest().timestamp

    def advance(self, seconds: int) -> None:
        """Let ``seconds`` pass and mine one block."""
        self.chain.rpc("evm_increaseTime", [int(seconds)])
        self.chain.rpc("evm_mine")

    def mine_at(self, timestamp: int) -> None:
        self.chain.rpc("evm_mine", [int(timestamp)])

    def next_timestamp(self, timestamp: int) -> None:
        self.chain.rpc("evm_setNextBlockTimestamp", [int(timestamp)])

    def mine(self, blocks: int = 1) -> None:
        for _ in range(blocks):
            self.chain.rpc("evm_mine")

    def automine(self, on: bool) -> None:
        self.chain.rpc("evm_setAutomine", [bool(on)])

    def pending(self) -> list[dict]:
        """The attacker's view of the mempool: every pending transaction."""
        pool = self.chain.rpc("txpool_content")
        out = []
        for by_nonce in (pool.get("pending") or {}).values():
            out.extend(by_nonce.values())
        return out

# -- source facts for the manifest checks ----------------------------------------------

_STATEMENT_TYPES = {
    "Block", "UncheckedBlock", "PlaceholderStatement", "IfStatement", "TryStatement",
    "WhileStatement", "DoWhileStatement", "ForStatement", "Continue", "Break", "Return",
    "Throw", "EmitStatement", "RevertStatement", "VariableDeclarationStatement",
    "ExpressionStatement", "InlineAssembly",
}


def _walk(node: Any) -> Iterable[dict]:
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


def _src(node: dict) -> tuple[int, int]:
    start, length, _ = node["src"].split(":")
    return int(start), int(length)


def _function_matches(fn: dict, wanted: str) -> bool:
    """``wanted`` is a function name, or fallback/receive/constructor (any compiler series)."""
    kind = fn.get("kind")  # 0.5+: function, fallback, receive, constructor
    name = fn.get("name", "")
    if wanted == "fallback":
        return kind == "fallback" or (kind is None and name == "" and not fn.get("isConstructor"))
    if wanted == "receive":
        return kind == "receive"
    if wanted == "constructor":
        return kind == "constructor" or bool(fn.get("isConstructor"))
    return name == wanted


def function_statement_lines(result, contract_name: str, function: str) -> tuple[set[int], list[tuple[int, int]]]:
    """For ``function`` of ``contract_name`` or of one of its bases, from the compiled AST:
    the lines on which a statement of its body starts, and the line spans of its bodies."""
    unit = result.file
    ast = result.raw["sources"][unit]["ast"]
    data = Path(unit).read_bytes()  # AST offsets count bytes

    def line(offset: int) -> int:
        return data.count(b"\n", 0, offset) + 1

    contracts = {n["id"]: n for n in _walk(ast) if n.get("nodeType") == "ContractDefinition"}
    target = next((c for c in contracts.values() if c["name"] == contract_name), None)
    if target is None:
        raise KeyError(f"no contract {contract_name} in {unit}")
    lines: set[int] = set()
    spans: list[tuple[int, int]] = []
    for cid in target.get("linearizedBaseContracts", [target["id"]]):
        for fn in contracts.get(cid, {}).get("nodes", []):
            if fn.get("nodeType") != "FunctionDefinition" or not _function_matches(fn, function):
                continue
            body = fn.get("body")
            if not body:
                continue
            b0, blen = _src(body)
            spans.append((line(b0), line(b0 + blen)))
            for st in _walk(body.get("statements", [])):
                if st.get("nodeType") in _STATEMENT_TYPES and "src" in st:
                    lines.add(line(_src(st)[0]))
    return lines, spans
