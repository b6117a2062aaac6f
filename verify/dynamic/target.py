"""What the engine knows about a contract under test, read from its ABI only."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from functools import cached_property

from eth_abi import encode

from .abi_fast import encode as fast_encode
from eth_utils import function_signature_to_4byte_selector

__all__ = ["AbiFunction", "Target", "abi_type", "ConstructorArgsError", "split_tuple"]

OWNER_LIKE = re.compile(r"^(owner|admin|governor|governance|authority|controller|minter|operator|manager|"
                        r"guardian|implementation|beneficiary|pendingOwner|getOwner|dev|treasury|keeper|custodian|creator|"
                        r"organi[sz]er|croupier|house|wizard|ceo|boss|master)$", re.I)
CREDIT_LIKE = re.compile(r"(balance|deposit|credit|share|stake|pending|owed|claimable|amount|fund|refund|reward|"
                         r"prize|payout|winning|due)", re.I)


def abi_type(param: dict[str, Any]) -> str:
    """Canonical type string, tuples expanded: (uint256,address)[]."""
    t = param["type"]
    if t.startswith("tuple"):
        inner = ",".join(abi_type(c) for c in param.get("components", []))
        return f"({inner}){t[5:]}"
    return t


def split_tuple(body: str) -> list[str]:
    """The component types of a tuple type's body: ``uint256,(address,bool)[]`` -> two parts."""
    parts, depth, cur = [], 0, ""
    for ch in body:
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        cur += ch
    if cur:
        parts.append(cur)
    return parts


@dataclass(frozen=True, eq=False)
class AbiFunction:
    name: str
    inputs: tuple[dict, ...]
    outputs: tuple[dict, ...]
    mutability: str  # pure | view | nonpayable | payable

    # computed once: the search reads them for every drawn transaction (never mutate the list)
    @cached_property
    def types(self) -> list[str]:
        return [abi_type(p) for p in self.inputs]

    @cached_property
    def signature(self) -> str:
        if self.name == RECEIVE:
            return RECEIVE
        return f"{self.name}({','.join(self.types)})"

    @cached_property
    def selector(self) -> bytes:
        return function_signature_to_4byte_selector(self.signature)

    @property
    def _selector(self) -> bytes:
        return self.selector

    @property
    def payable(self) -> bool:
        return self.mutability == "payable"

    @property
    def is_view(self) -> bool:
        return self.mutability in ("view", "pure")

    def calldata(self, args: list[Any]) -> bytes:
        if self.name == RECEIVE:
            return b""
        return self._selector + fast_encode(self.types, args)


RECEIVE = "<receive>"  # a plain ETH transfer to the contract (receive/fallback)


class ConstructorArgsError(ValueError):
    """The constructor needs arguments ouro cannot guess."""


@dataclass
class ProxyDeployment:
    """Deploy the target behind a proxy: the implementation first, then the proxy, whose
    constructor calls ``initializer`` with the deployment arguments."""

    kind: str  # "uups" (ERC1967Proxy(impl, data)) | "transparent" (TransparentUpgradeableProxy(impl, admin, data))
    bytecode: str  # the proxy's creation code
    initializer: str  # signature, e.g. "initialize(address)"


@dataclass
class Target:
    name: str
    abi: list[dict]
    bytecode: str
    source: str = ""
    functions: list[AbiFunction] = field(default_factory=list)
    evm: str = "shanghai"  # the EVM rules it was compiled for, and runs under (revm spec, Anvil hardfork)
    proxy: ProxyDeployment | None = None
    env: Any = None  # deploy_plan.FileEnv: the file's other contracts and AST facts, for planning

    def __post_init__(self) -> None:
        self.functions = []
        for item in self.abi:
            if item.get("type") != "function":
                continue
            mut = item.get("stateMutability") or ("view" if item.get("constant") else
                                                  ("payable" if item.get("payable") else "nonpayable"))
            self.functions.append(AbiFunction(item["name"], tuple(item.get("inputs", [])),
                                              tuple(item.get("outputs", [])), mut))
        if self.has_receive:
            self.functions.append(AbiFunction(RECEIVE, (), (), "payable"))

    # -- what can be called ------------------------------------------------------------
    @property
    def mutating(self) -> list[AbiFunction]:
        return [f for f in self.functions if not f.is_view]

    @property
    def has_receive(self) -> bool:
        return any(i.get("type") in ("receive", "fallback") and (i.get("stateMutability") == "payable" or i.get("payable"))
                   for i in self.abi)

    @property
    def constructor(self) -> dict | None:
        return next((i for i in self.abi if i.get("type") == "constructor"), None)

    @property
    def constructor_payable(self) -> bool:
        c = self.constructor
        return bool(c and (c.get("stateMutability") == "payable" or c.get("payable")))

    def function(self, signature: str) -> AbiFunction:
        index = self.__dict__.get("_by_signature")
        if index is None or index[0] is not self.functions or index[1] != len(self.functions):
            by = {}
            for f in reversed(self.functions):  # the first of equal signatures wins, as a scan finds it
                by[f.signature] = f
            index = self.__dict__["_by_signature"] = (self.functions, len(self.functions), by)
        try:
            return index[2][signature]
        except KeyError:
            raise KeyError(signature) from None

    # -- what can be observed ----------------------------------------------------------
    def _views(self, inputs: list[str], output: str) -> list[AbiFunction]:
        return [f for f in self.functions if f.is_view and f.types == inputs and len(f.outputs) == 1
                and abi_type(f.outputs[0]) == output]

    @property
    def owner_getters(self) -> list[AbiFunction]:
        return [f for f in self._views([], "address") if OWNER_LIKE.match(f.name)]

    @property
    def credit_getters(self) -> list[AbiFunction]:
        """address -> uint views that look like per-account credits (balances, deposits, ...)."""
        return [f for f in self._views(["address"], "uint256") if CREDIT_LIKE.search(f.name)]

    @property
    def account_getters(self) -> list[AbiFunction]:
        """Every address -> uint256 view (credits, lock times, nonces, ...)."""
        return [f for f in self._views(["address"], "uint256") if f not in self.credit_getters]

    @property
    def scalar_getters(self) -> list[AbiFunction]:
        return self._views([], "uint256")

    @cached_property
    def struct_fields(self) -> list[tuple[AbiFunction, int, str, bool]]:
        """(getter, output index, "getter.field", credit-like) for address -> struct views such as a
        public ``mapping(address => Holder) Acc``: each uint field is observed per account."""
        out = []
        for f in self.functions:
            if not f.is_view or f.types != ["address"] or len(f.outputs) < 2:
                continue
            for i, o in enumerate(f.outputs):
                if abi_type(o).startswith("uint") and o.get("name"):
                    out.append((f, i, f"{f.name}.{o['name']}", bool(CREDIT_LIKE.search(o["name"]))))
        return out

    def has(self, *signatures: str) -> bool:
        sigs = {f.signature for f in self.functions}
        return all(s in sigs for s in signatures)

    @property
    def accepts_eth(self) -> bool:
        return self.has_receive or self.constructor_payable or any(f.payable for f in self.functions)

    @property
    def holds_eth_credits(self) -> bool:
        """Per-account credits that may be ETH: a payable contract that is not a token. Which
        credit getters really count wei is learned from the transactions (``RunContext.units``)."""
        has_credits = bool(self.credit_getters) or any(c for *_, c in self.struct_fields)
        return has_credits and not self.is_erc20 and not self.is_erc721 and not self.is_erc1155 and (
            self.has_receive or any(f.payable for f in self.functions))

    @property
    def is_erc1155(self) -> bool:
        return self.has("balanceOf(address,uint256)", "safeTransferFrom(address,address,uint256,uint256,bytes)")

    @property
    def is_erc20(self) -> bool:
        return self.has("totalSupply()", "balanceOf(address)", "transfer(address,uint256)",
                        "transferFrom(address,address,uint256)", "approve(address,uint256)",
                        "allowance(address,address)")

    @property
    def is_erc721(self) -> bool:
        return self.has("balanceOf(address)", "ownerOf(uint256)", "transferFrom(address,address,uint256)")

    @property
    def is_erc4626(self) -> bool:
        return self.is_erc20 and self.has("asset()", "totalAssets()", "convertToAssets(uint256)")

    # -- deployment --------------------------------------------------------------------
    def _deploy_inputs(self) -> list[dict]:
        """What deployment arguments fill: the initializer's inputs behind a proxy, else the constructor's."""
        if self.proxy is not None:
            return list(self.function(self.proxy.initializer).inputs)
        c = self.constructor
        return list(c.get("inputs", [])) if c else []

    def constructor_types(self) -> list[str]:
        return [abi_type(p) for p in self._deploy_inputs()]

    def deploy(self, executor, deployer: str, args: list[Any], value: int = 0) -> tuple[str | None, str | None]:
        """Deploy (behind the proxy when there is one); (address, None) or (None, error)."""
        if self.proxy is None:
            return executor.deploy(deployer, self.initcode(args), value)
        impl, err = executor.deploy(deployer, bytes.fromhex(self.bytecode))
        if impl is None:
            return None, f"implementation: {err}"
        init = self.function(self.proxy.initializer).calldata(args)
        if self.proxy.kind == "uups":
            ctor = encode(["address", "bytes"], [impl, init])
        else:
            ctor = encode(["address", "address", "bytes"], [impl, deployer, init])
        return executor.deploy(deployer, bytes.fromhex(self.proxy.bytecode) + ctor, value)

    def initcode(self, args: list[Any]) -> bytes:
        code = bytes.fromhex(self.bytecode)
        types = self.constructor_types()
        if len(args) != len(types):
            raise ConstructorArgsError(f"{self.name} constructor takes ({', '.join(types)}), got {len(args)} argument(s)")
        return code + (encode(types, args) if types else b"")
