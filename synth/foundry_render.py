"""The Foundry side of a generated project, rendered from a ``ProjectModel``.

``test/utils/OuroWorld.sol`` deploys the world the tests start from (mock tokens minted to the
four actors, the contracts in order with their references, approvals as verification gives
them): a contract's own tests get the contracts up to it, as verification deployed it; the
system test (``test/OuroSystem.t.sol``, cross-contract invariants) gets the whole project with
ownership handed over. ``test/<Contract>.t.sol`` holds one unit test per scenario and one
``invariant_*`` test per spec invariant, run against a handler that calls the contract from the
actors with bounded arguments (as the brownie state machine does); ``script/Deploy.s.sol``
deploys the real contracts. A scenario or invariant with no typed Solidity form (a tuple
argument, say) becomes a skipped test that says why.

Spec text reaches the Solidity only through ``synth.solidity_text``: names are checked to be
identifiers, strings become escaped literals, descriptions become comment text. Values are
typed by the ABI: every number is written with its type, every address is an actor variable, a
deployed contract's variable or a checksummed literal.
"""

from __future__ import annotations

import re
from typing import Any

from eth_utils import is_hex_address, to_checksum_address

from verify.dynamic.random_search import ROLE_LIKE

from .foundry_files import VM_SOL
from .invariant_checks import ACTOR_ALIASES
from .project_model import ProjectContract, ProjectModel
from .scenarios import Call, ExpectEth, ExpectToken, ExpectView, Scenario, Warp
from .solidity_text import IDENTIFIER, comment_text, string_literal
from .spec.invariants import BinOp, BoolOp, Call as CallNode, Compare, Name, Neg, Not, Num, OnlyChanges, SumOver
from .token_plan import MOCK_SUPPLY, NFTS_PER_HOLDER  # what verification mints

__all__ = ["MOCK_SUPPLY", "NFTS_PER_HOLDER", "render_contract_test", "render_deploy_script", "render_foundry",
           "render_system_test", "render_world", "test_counts"]

ROLES = ("deployer", "alice", "bob", "attacker")
ACTOR_ETH = 10_000  # ether per actor, as Anvil's accounts hold
UINT_BOUND = 10**24  # what the handler draws for a uint argument at most (as the brownie test)
ERC20_FNS = {"transfer", "approve", "balanceOf", "transferFrom"}
ERC721_FNS = {"ownerOf", "setApprovalForAll"}

# the views of the mocks, signature -> output types (verify/dynamic/OuroToken.sol, OuroNFT.sol)
MOCK_VIEWS = {
    "OuroToken": {"name()": ["string"], "symbol()": ["string"], "decimals()": ["uint8"], "totalSupply()": ["uint256"],
                  "balanceOf(address)": ["uint256"], "allowance(address,address)": ["uint256"]},
    "OuroNFT": {"name()": ["string"], "symbol()": ["string"], "totalSupply()": ["uint256"],
                "ownerOf(uint256)": ["address"], "balanceOf(address)": ["uint256"], "getApproved(uint256)": ["address"],
                "isApprovedForAll(address,address)": ["bool"], "supportsInterface(bytes4)": ["bool"]},
}


class Unrenderable(ValueError):
    """A value or expression the Solidity renderer has no typed form for (tuples, say)."""


# --------------------------------------------------------------------------- names and types
def _ident(text: str, what: str) -> str:
    if not IDENTIFIER.match(text):
        raise ValueError(f"{what} {text!r} is not an identifier")
    return text


def _fn_name(text: str) -> str:
    """A scenario name as a Solidity function name part (scenario names are Python identifiers)."""
    out = re.sub(r"[^A-Za-z0-9_]", "_", text)
    return out if IDENTIFIER.match(out) else "x" + out[:60]


def _abi_type(param: dict) -> str:
    from verify.dynamic.target import abi_type

    return abi_type(param)


def _sig_types(sig: str) -> list[str]:
    from verify.dynamic.target import split_tuple

    inner = sig.split("(", 1)[1][:-1]
    return split_tuple(inner) if inner else []


def _outputs_by_sig(abi: list[dict]) -> dict[str, list[str]]:
    out = {}
    for item in abi:
        if item.get("type") == "function":
            sig = f"{item['name']}({','.join(_abi_type(i) for i in item.get('inputs', []))})"
            out[sig] = [_abi_type(o) for o in item.get("outputs", [])]
    return out


def _views_by_arity(abi: list[dict]) -> dict[tuple[str, int], tuple[list[str], str]]:
    """(name, arity) -> (input types, output type): the views an invariant may call."""
    out = {}
    for item in abi:
        if item.get("type") != "function" or item.get("stateMutability") not in ("view", "pure"):
            continue
        if len(item.get("outputs", [])) != 1:
            continue
        ins = [_abi_type(i) for i in item.get("inputs", [])]
        out.setdefault((item["name"], len(ins)), (ins, _abi_type(item["outputs"][0])))
    return out


class World:
    """Names of the project's deployed things in Solidity: a variable per contract and mock."""

    def __init__(self, model: ProjectModel):
        self.model = model
        self.mocks = {m.name: m for m in model.mocks}
        self.contracts = {c.name: c for c in model.contracts}
        for m in model.mocks:
            _ident(m.name, "mock token name")
        for c in model.contracts:
            _ident(c.name, "contract name")
        if set(self.mocks) & set(self.contracts):
            raise ValueError(f"a mock and a contract share a name: {sorted(set(self.mocks) & set(self.contracts))}")

    def var(self, name: str) -> str:
        if name in self.mocks:
            return f"m_{name}"
        if name in self.contracts:
            return f"c_{name}"
        raise KeyError(name)

    def type_of(self, name: str) -> str:
        return self.mocks[name].contract if name in self.mocks else name

    def resolve(self, contract: ProjectContract, key: str) -> str:
        """A reference key (``stake_token``) or a project name -> the project name."""
        name = contract.refs.get(key, key)
        if name not in self.mocks and name not in self.contracts:
            raise ValueError(f"{contract.name}: no referenced contract {key!r}")
        return name

    def standard(self, name: str) -> str | None:
        if name in self.mocks:
            return self.mocks[name].standard
        names = {i.get("name") for i in self.contracts[name].abi if i.get("type") == "function"}
        if ERC721_FNS <= names:
            return "erc721"
        if ERC20_FNS <= names:
            return "erc20"
        return None

    def outputs(self, name: str, sig: str) -> list[str] | None:
        if name in self.mocks:
            return MOCK_VIEWS.get(self.mocks[name].contract, {}).get(sig)
        return _outputs_by_sig(self.contracts[name].abi).get(sig)

    def views(self, name: str) -> dict[tuple[str, int], tuple[list[str], str]]:
        if name in self.mocks:
            return {(s.split("(")[0], len(_sig_types(s))): (_sig_types(s), o[0])
                    for s, o in MOCK_VIEWS.get(self.mocks[name].contract, {}).items()}
        return _views_by_arity(self.contracts[name].abi)

    def everything(self) -> list[str]:
        return [m.name for m in self.model.mocks] + [c.name for c in self.model.contracts]


_TYPE = re.compile(r"^(?:u?int(?:8|16|24|32|40|48|56|64|72|80|88|96|104|112|120|128|136|144|152|160|168|176|184|192|"
                   r"200|208|216|224|232|240|248|256)?|address|bool|string|bytes(?:[1-9]|[12][0-9]|3[0-2])?)"
                   r"(?:\[\d{0,4}\])*$")


class Values:
    """Typed Solidity expressions for scenario and constructor values; arrays are built in
    statements first (``pre``)."""

    def __init__(self, address_of):
        self.address_of = address_of  # "@alice" / "@target" / "@ref:key" -> an address expression
        self.pre: list[str] = []
        self.n = 0

    def value(self, t: str, v: Any) -> str:
        if not _TYPE.match(t):  # the type is written into the source: only ABI type names pass
            raise Unrenderable(f"no Solidity form for the type {t!r}")
        if t.endswith("]"):
            base, size = t[:t.rindex("[")], t[t.rindex("[") + 1:-1]
            if not isinstance(v, (list, tuple)):
                raise Unrenderable(f"{t} needs a list, not {v!r}")
            if size and int(size) != len(v):
                raise Unrenderable(f"{t} needs {size} elements, not {len(v)}")
            self.n += 1
            name = f"v{self.n}"
            items = [self.value(base, x) for x in v]
            if size:
                self.pre.append(f"{t} memory {name};")
            else:
                self.pre.append(f"{t} memory {name} = new {t}({len(v)});")
            self.pre.extend(f"{name}[{i}] = {x};" for i, x in enumerate(items))
            return name
        if t.startswith("("):
            raise Unrenderable(f"tuple value for {t}")
        if t == "address":
            if isinstance(v, str) and v.startswith("@"):
                return self.address_of(v)
            if isinstance(v, str) and is_hex_address(v):
                return f"address({to_checksum_address(v)})"
            if isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 2**160:
                return f"address(uint160({v}))"
            raise Unrenderable(f"not an address: {v!r}")
        if t == "bool":
            if not isinstance(v, bool):
                raise Unrenderable(f"not a bool: {v!r}")
            return "true" if v else "false"
        if t.startswith("uint") or t.startswith("int"):
            if isinstance(v, str) and v.startswith("@"):  # an address given where a number is taken
                return f"{t}(uint160({self.address_of(v)}))"
            if not isinstance(v, int):
                raise Unrenderable(f"not a number: {v!r}")
            bits = int(t.lstrip("uint") or 256)
            if t.startswith("uint") and not 0 <= v < 2**bits:
                raise Unrenderable(f"{v} is out of range of {t}")
            if t.startswith("int") and not -(2**(bits - 1)) <= v < 2**(bits - 1):
                raise Unrenderable(f"{v} is out of range of {t}")
            return f"{t}({v})"
        if t == "string":
            if not isinstance(v, str):
                raise Unrenderable(f"not a string: {v!r}")
            return string_literal(v)
        if t.startswith("bytes"):
            if isinstance(v, str) and v.startswith("0x") and re.fullmatch(r"0x([0-9a-fA-F]{2})*", v):
                raw = bytes.fromhex(v[2:])
            elif isinstance(v, str):
                raw = v.encode("utf-8")
            elif isinstance(v, (bytes, bytearray)):
                raw = bytes(v)
            elif isinstance(v, int) and t != "bytes" and not isinstance(v, bool):
                return f"{t}(uint{8 * int(t[5:])}({v}))"
            else:
                raise Unrenderable(f"not bytes: {v!r}")
            if t == "bytes":
                return f'hex"{raw.hex()}"'
            size = int(t[5:])
            if len(raw) > size:
                raise Unrenderable(f"{len(raw)} bytes do not fit {t}")
            padded = raw.ljust(size, bytes(1)).hex()
            return f'{t}(hex"{padded}")'
        raise Unrenderable(f"no Solidity form for {t}")


# --------------------------------------------------------------------------- invariant expressions
class Expr:
    """Invariant ASTs as typed Solidity expressions: numbers as int256 (checked arithmetic; a
    revert means "cannot be judged here", as a reverting view does for the engine), addresses,
    bools, and other values compared by their ABI encoding."""

    def __init__(self, world: World, contract: ProjectContract):
        self.world, self.contract = world, contract
        self.helpers: list[str] = []
        self.n = 0

    def target(self) -> str:
        return f"address({self.world.var(self.contract.name)})"

    def render(self, node, env: dict[str, str]) -> tuple[str, str]:
        w, c = self.world, self.contract
        if isinstance(node, Num):
            if node.value >= 2**255:
                return f"_u({node.value})", "int"
            return f"int256({node.value})", "int"
        if isinstance(node, Name):
            if node.id in env:
                return env[node.id], "address"
            if node.id in ACTOR_ALIASES:
                role = ACTOR_ALIASES[node.id]
                return (self.target() if role == "target" else role), "address"
            if node.id in c.params:
                return f"int256({int(c.params[node.id])})", "int"
            if node.id in w.contracts or node.id in w.mocks or node.id in c.refs:
                name = w.resolve(c, node.id)
                if node.id in c.refs or (node.id, 0) not in w.views(c.name):
                    return f"address({w.var(name)})", "address"
            return self._view(c.name, node.id, [], env)
        if isinstance(node, CallNode):
            on = getattr(node, "on", None)
            if on is None and node.func == "balance":
                a = self._as(self.render(node.args[0], env), "address")
                return f"_u({a}.balance)", "int"
            name = c.name if on is None else w.resolve(c, on)
            return self._view(name, node.func, list(node.args), env)
        if isinstance(node, SumOver):
            return self._sum(node, env), "int"
        if isinstance(node, BinOp):
            a = self._as(self.render(node.left, env), "int")
            b = self._as(self.render(node.right, env), "int")
            return f"({a} {node.op} {b})", "int"
        if isinstance(node, Compare):
            (a, ta), (b, tb) = self.render(node.left, env), self.render(node.right, env)
            if ta == tb == "address":
                return f"({a} {node.op} {b})", "bool"
            if ta == tb == "bool" and node.op in ("==", "!="):
                return f"({a} {node.op} {b})", "bool"
            if ta.startswith("raw") or tb.startswith("raw"):
                if node.op not in ("==", "!="):
                    raise Unrenderable(f"{node.op} on values compared by encoding")
                return f"(keccak256(abi.encode({a})) {node.op} keccak256(abi.encode({b})))", "bool"
            return f"({self._as((a, ta), 'int')} {node.op} {self._as((b, tb), 'int')})", "bool"
        if isinstance(node, BoolOp):
            op = "&&" if node.op == "and" else "||"
            return (f"({self._as(self.render(node.left, env), 'bool')} {op} "
                    f"{self._as(self.render(node.right, env), 'bool')})"), "bool"
        if isinstance(node, Not):
            return f"(!{self._as(self.render(node.operand, env), 'bool')})", "bool"
        if isinstance(node, Neg):
            return f"(-{self._as(self.render(node.operand, env), 'int')})", "int"
        raise Unrenderable(f"no Solidity form for {type(node).__name__}")

    def _as(self, got: tuple[str, str], want: str) -> str:
        code, t = got
        if t == want:
            return code
        if want == "int":
            if t == "bool":
                return f"({code} ? int256(1) : int256(0))"
            if t == "address":
                return f"int256(uint256(uint160({code})))"
        if want == "bool":
            if t == "int":
                return f"({code} != 0)"
            if t == "address":
                return f"({code} != address(0))"
        if want == "address" and t == "int":
            return f"address(uint160(_toU({code})))"
        raise Unrenderable(f"a {t} value where a {want} is needed")

    def _view(self, name: str, func: str, args: list, env: dict[str, str]) -> tuple[str, str]:
        views = self.world.views(name)
        if (func, len(args)) not in views:
            raise Unrenderable(f"{name} has no view {func}() with {len(args)} argument(s)")
        ins, out = views[(func, len(args))]
        _ident(func, "view name")
        parts = []
        for t, a in zip(ins, args):
            got = self.render(a, env)
            if t == "address":
                parts.append(self._as(got, "address"))
            elif t == "bool":
                parts.append(self._as(got, "bool"))
            elif t.startswith("uint"):
                parts.append(f"{t}(_toU({self._as(got, 'int')}))")
            elif t.startswith("int"):
                parts.append(f"{t}({self._as(got, 'int')})")
            elif got[1] == f"raw:{t}":  # a bytes32 role id from another view, say
                parts.append(got[0])
            else:
                raise Unrenderable(f"argument of type {t} in {func}()")
        call = f"{self.world.var(name)}.{func}({', '.join(parts)})"
        if out.startswith("uint") and not out.endswith("]"):
            return f"_u({call})", "int"
        if out.startswith("int") and not out.endswith("]"):
            return f"int256({call})", "int"
        if out in ("address", "bool"):
            return call, out
        return call, f"raw:{out}"

    def _sum(self, node: SumOver, env: dict[str, str]) -> str:
        if not IDENTIFIER.match(node.var):
            raise Unrenderable(f"loop variable {node.var!r}")
        self.n += 1
        fname = f"_sum{self.n}"
        var = f"x_{node.var}"
        outer = sorted(env.items())
        inner_env = dict(env) | {node.var: var}
        body = self._as(self.render(node.body, inner_env), "int")
        params = ", ".join(f"address {v}" for _, v in outer)
        self.helpers += [f"    function {fname}({params}) internal view returns (int256 total) {{",
                         f"        address[] memory all = _everyone({self.target()});",
                         "        for (uint256 i = 0; i < all.length; i++) {",
                         f"            address {var} = all[i];",
                         f"            total += {body};", "        }", "    }", ""]
        return f"{fname}({', '.join(v for _, v in outer)})"


# --------------------------------------------------------------------------- the world
def _deploy_statements(world: World, contract: ProjectContract, address_of, assign: str) -> list[str]:
    """Statements deploying ``contract`` (behind its proxy, if any) into ``assign``."""
    vals = Values(address_of)
    name = contract.name
    if contract.proxy:
        proxy = _ident(contract.proxy["proxy_contract"], "proxy contract")
        init = contract.proxy["initializer"]
        types = _sig_types(init)
        args = [vals.value(t, a) for t, a in zip(types, contract.constructor_args)]
        data = f"abi.encodeWithSignature({string_literal(init)}{''.join(', ' + a for a in args)})"
        admin = "" if contract.proxy["kind"] == "uups" else "deployer, "
        return vals.pre + [f"{name} impl_{name} = new {name}();",
                           f"{assign} = {name}(payable(address(new {proxy}(address(impl_{name}), {admin}{data}))));"]
    ctor = next((i for i in contract.abi if i.get("type") == "constructor"), {"inputs": []})
    types = [_abi_type(i) for i in ctor.get("inputs", [])]
    if len(types) != len(contract.constructor_args):
        raise ValueError(f"{name}: {len(contract.constructor_args)} constructor argument(s) for {len(types)} input(s)")
    args = [vals.value(t, a) for t, a in zip(types, contract.constructor_args)]
    # the creation code and ABI-encoded arguments: a constructor taking `IERC20 token` is given an
    # address, as the ABI (and verification) has it
    init = f"abi.encodePacked(type({name}).creationCode{', abi.encode(' + ', '.join(args) + ')' if args else ''})"
    return vals.pre + [f"{assign} = {name}(payable(_create({init})));"]


def _imports(world: World, prefix: str, src: str, with_mocks: bool) -> list[str]:
    out = []
    for c in world.model.contracts:
        extra = f", {c.proxy['proxy_contract']}" if c.proxy else ""
        out.append(f'import {{{c.name}{extra}}} from "{prefix}{src}/{c.name}.sol";')
    if with_mocks:
        for contract in sorted({m.contract for m in world.model.mocks}):
            out.append(f'import {{{contract}}} from "{prefix}{src}/mocks/{contract}.sol";')
    return out


def _address_resolver(world: World, contract: ProjectContract, script: bool = False):
    def address_of(v: str) -> str:
        if v.startswith("@ref:"):
            name = world.resolve(contract, v[5:])
            if script and name in world.mocks:
                return f"given_{name}"
            return f"address({world.var(name)})"
        role = v[1:]
        if role == "target":
            return f"address({world.var(contract.name)})"
        if role not in ROLES:
            raise Unrenderable(f"unknown actor {v!r}")
        return role
    return address_of


def render_world(model: ProjectModel, src: str) -> str:
    w = World(model)
    lines = ["// SPDX-License-Identifier: UNLICENSED",
             f"// Generated by ouro from {_comment_line(model.spec_name)}: the world every test starts from.",
             "pragma solidity ^0.8.20;", "", 'import {Vm, vm} from "./Vm.sol";']
    lines += _imports(w, "../../", src, True) + ["", "abstract contract OuroWorld {"]
    lines += [f"    address internal constant {r} = address(uint160(0x{i + 1}0000));" for i, r in enumerate(ROLES)]
    lines.append("")
    for m in model.mocks:
        lines.append(f"    {m.contract} internal {w.var(m.name)}; // test stand-in for the token {m.name}")
    for c in model.contracts:
        lines.append(f"    {c.name} internal {w.var(c.name)};")
    lines += ["", "    function _actors() internal pure returns (address[] memory a) {",
              f"        a = new address[]({len(ROLES)});"]
    lines += [f"        a[{i}] = {r};" for i, r in enumerate(ROLES)]
    lines += ["    }", "", "    /// The actors and the contract under test: what `sum(... for a in actors)` runs over.",
              "    function _everyone(address target) internal pure returns (address[] memory a) {",
              f"        a = new address[]({len(ROLES) + 1});"]
    lines += [f"        a[{i}] = {r};" for i, r in enumerate(ROLES)]
    n = len(model.contracts)
    lines += [f"        a[{len(ROLES)}] = target;", "    }", "",
              "    /// An address for a role-like function called by `actor`: anyone when the attacker calls,",
              "    /// else anyone but the attacker (honest admins do not hand the attacker a role).",
              "    function _party(address actor, address target, uint256 seed) internal pure returns (address) {",
              "        address[] memory a = _everyone(target);",
              "        address pick = a[seed % a.length];",
              "        return actor != attacker && pick == attacker ? target : pick;", "    }", "",
              "    /// The whole project as the deploy script leaves it: every contract, ownership handed over,",
              "    /// the actors funded and approving every contract that takes their tokens.",
              "    function _deployWorld() internal {", f"        _deploy({n}, true);", "    }", "",
              "    /// The first `upTo` contracts, as verification deployed the last of them: the contracts",
              "    /// before it and the mocks, the actors funded and approving it (`wired`: the whole project).",
              "    function _deploy(uint256 upTo, bool wired) internal {", "        wired; // used when contracts are wired"]
    lines += [f"        vm.deal({r}, {ACTOR_ETH} ether);" for r in ROLES]
    lines.append("        vm.startPrank(deployer);")
    for m in model.mocks:
        amount = NFTS_PER_HOLDER if m.standard == "erc721" else MOCK_SUPPLY
        lines.append(f"        {w.var(m.name)} = new {m.contract}(_actors(), {amount});")
    for k, c in enumerate(model.contracts):
        lines.append(f"        if (upTo > {k}) {{")
        lines += ["            " + s for s in _deploy_statements(w, c, _address_resolver(w, c), w.var(c.name))]
        lines.append("        }")
    lines.append("        vm.stopPrank();")
    owned = [c for c in model.contracts if c.owner]
    if owned:
        lines.append("        if (wired) {")
        for c in owned:
            owner = w.resolve(c, c.owner)
            lines.append(f"            _ok(deployer, address({w.var(c.name)}), abi.encodeWithSignature("
                         f"\"transferOwnership(address)\", address({w.var(owner)})));")
        lines.append("        }")
    for k, c in enumerate(model.contracts):
        funding = []
        done = set()
        for key in c.refs:
            name = w.resolve(c, key)
            if name in done or name == c.name:
                continue
            done.add(name)
            std = w.standard(name)
            if std == "erc20":
                funding.append(f"_fundERC20(address({w.var(name)}), address({w.var(c.name)}));")
            elif std == "erc721":
                funding.append(f"_approveERC721(address({w.var(name)}), address({w.var(c.name)}));")
        if funding:
            lines.append(f"        if (upTo > {k} && (wired || upTo == {k + 1})) {{")
            lines += ["            " + f for f in funding] + ["        }"]
    lines += ["    }", "", "    /// Every deployed address, mocks first: what a handler adopts.",
              "    function _world() internal view returns (address[] memory a) {",
              f"        a = new address[]({len(w.everything())});"]
    lines += [f"        a[{i}] = address({w.var(n)});" for i, n in enumerate(w.everything())]
    lines += ["    }", "", "    function _adopt(address[] memory a) internal {"]
    lines += [f"        {w.var(n)} = {w.type_of(n)}(payable(a[{i}]));" for i, n in enumerate(w.everything())]
    lines += ["    }", "", _HELPERS, "}", ""]
    return "\n".join(lines)


_CREATE = """    function _create(bytes memory init) internal returns (address made) {
        assembly {
            made := create(0, add(init, 0x20), mload(init))
        }
        require(made != address(0), "deployment reverted");
    }
"""

_HELPERS = _CREATE + """
    /// A call from `from` that must succeed (its revert reason is passed on).
    function _ok(address from, address to, bytes memory data) internal returns (bytes memory) {
        return _okValue(from, to, 0, data);
    }

    function _okValue(address from, address to, uint256 value, bytes memory data) internal returns (bytes memory) {
        vm.prank(from);
        (bool ok, bytes memory ret) = to.call{value: value}(data);
        if (!ok) {
            if (ret.length > 0) {
                assembly {
                    revert(add(ret, 32), mload(ret))
                }
            }
            revert("call reverted");
        }
        return ret;
    }

    function _try(address from, address to, uint256 value, bytes memory data) internal returns (bool ok) {
        vm.prank(from);
        (ok,) = to.call{value: value}(data);
    }

    function _balanceOf(address token, address who) internal view returns (uint256) {
        (bool ok, bytes memory ret) = token.staticcall(abi.encodeWithSignature("balanceOf(address)", who));
        return ok && ret.length >= 32 ? abi.decode(ret, (uint256)) : 0;
    }

    /// As verification: the deployer hands a quarter of its balance out in equal shares to the
    /// actors holding none, and every actor approves `spender` for all of it.
    function _fundERC20(address token, address spender) internal {
        address[] memory a = _actors();
        uint256 share = _balanceOf(token, deployer) / 4 / (a.length - 1);
        for (uint256 i = 1; i < a.length; i++) {
            if (share > 0 && _balanceOf(token, a[i]) == 0) {
                _try(deployer, token, 0, abi.encodeWithSignature("transfer(address,uint256)", a[i], share));
            }
        }
        for (uint256 i = 0; i < a.length; i++) {
            _try(a[i], token, 0, abi.encodeWithSignature("approve(address,uint256)", spender, type(uint256).max));
        }
    }

    function _approveERC721(address token, address operator) internal {
        address[] memory a = _actors();
        for (uint256 i = 0; i < a.length; i++) {
            _try(a[i], token, 0, abi.encodeWithSignature("setApprovalForAll(address,bool)", operator, true));
        }
    }

    function _u(uint256 x) internal pure returns (int256) {
        require(x <= uint256(type(int256).max), "value beyond int256");
        return int256(x);
    }

    function _toU(int256 x) internal pure returns (uint256) {
        require(x >= 0, "negative value for an unsigned argument");
        return uint256(x);
    }"""


def _comment_line(text: str) -> str:
    return " ".join(comment_text(text, width=10**6)) or "a spec"


# --------------------------------------------------------------------------- scenario tests
def _scenario_test(w: World, contract: ProjectContract, sc: Scenario) -> list[str]:
    """The body of a scenario's test. Starting balances live in memory arrays and each step in
    its own block, so a long scenario does not run out of stack slots."""
    address_of = _address_resolver(w, contract)
    vals = Values(address_of)
    body: list[str] = []
    target = f"address({w.var(contract.name)})"
    holders = list(ROLES) + ["target"]
    if any(isinstance(a, ExpectEth) for a in sc.steps):
        body.append(f"uint256[] memory eth0 = new uint256[]({len(holders)});")
        body += [f"eth0[{k}] = {target if r == 'target' else r}.balance;" for k, r in enumerate(holders)]
    tok0: dict[tuple[str, str], int] = {}
    for a in sc.steps:
        if isinstance(a, ExpectToken) and (a.actor, a.token) not in tok0:
            tok0[(a.actor, a.token)] = len(tok0)
    if tok0:
        body.append(f"uint256[] memory tok0 = new uint256[]({len(tok0)});")
    for (actor, token), k in tok0.items():
        who = target if actor == "target" else _role(actor)
        body.append(f"tok0[{k}] = _balanceOf(address({w.var(w.resolve(contract, token))}), {who});")
    for i, a in enumerate(sc.steps, 1):
        where = f"{sc.name}: step {i}"
        vals.pre = []
        step: list[str] = []
        if isinstance(a, Warp):
            step.append(f"vm.warp(block.timestamp + {int(a.seconds)});")
        elif isinstance(a, Call):
            to = target if a.on is None else f"address({w.var(w.resolve(contract, a.on))})"
            if len(a.args) != len(_sig_types(a.fn)):
                raise Unrenderable(f"{where}: {len(a.args)} argument(s) for {a.fn}")
            args = [vals.value(t, x) for t, x in zip(_sig_types(a.fn), a.args)]
            data = f"abi.encodeWithSignature({string_literal(a.fn)}{''.join(', ' + x for x in args)})"
            step += vals.pre
            actor = _role(a.actor)
            if a.reverts:
                step.append(f"require(!_try({actor}, {to}, {int(a.value)}, {data}), "
                            f"{string_literal(where + ': expected ' + a.fn + ' to revert')});")
            else:
                step.append(f"_okValue({actor}, {to}, {int(a.value)}, {data});")
        elif isinstance(a, ExpectView):
            name = contract.name if a.on is None else w.resolve(contract, a.on)
            args = [vals.value(t, x) for t, x in zip(_sig_types(a.fn), a.args)]
            data = f"abi.encodeWithSignature({string_literal(a.fn)}{''.join(', ' + x for x in args)})"
            outs = w.outputs(name, a.fn)
            if outs is None and a.on is None:
                raise Unrenderable(f"{where}: {contract.name} has no function {a.fn}")
            msg = string_literal(f"{where}: {a.fn} returned another value")
            step += vals.pre
            step.append(f"(bool ok, bytes memory ret) = address({w.var(name)}).staticcall({data});")
            step.append(f"require(ok, {string_literal(where + ': ' + a.fn + ' reverted')});")
            vals.pre = []
            if outs is None or (a.on is not None and not outs):
                want = vals.value("uint256", a.equals)
                step += vals.pre + [f"require(ret.length >= 32 && abi.decode(ret, (uint256)) == {want}, {msg});"]
            else:
                wants = a.equals if len(outs) > 1 else [a.equals]
                if not isinstance(wants, (list, tuple)) or len(wants) != len(outs):
                    raise Unrenderable(f"{where}: {len(outs)} value(s) expected")
                enc = ", ".join(vals.value(t, x) for t, x in zip(outs, wants))
                step += vals.pre + [f"require(keccak256(ret) == keccak256(abi.encode({enc})), {msg});"]
        elif isinstance(a, ExpectEth):
            who = target if a.actor == "target" else _role(a.actor)
            step.append(f"require(int256({who}.balance) - int256(eth0[{holders.index(a.actor)}]) == "
                        f"int256({int(a.delta)}), "
                        f"{string_literal(where + ': ETH balance of ' + a.actor + ' changed by another amount')});")
        elif isinstance(a, ExpectToken):
            token = w.resolve(contract, a.token)
            who = target if a.actor == "target" else _role(a.actor)
            step.append(f"require(int256(_balanceOf(address({w.var(token)}), {who})) - "
                        f"int256(tok0[{tok0[(a.actor, a.token)]}]) == int256({int(a.delta)}), "
                        f"{string_literal(where + ': ' + a.token + ' balance of ' + a.actor + ' changed by another amount')});")
        if len(step) > 1:
            body += ["{"] + ["    " + x for x in step] + ["}"]
        else:
            body += step
    return body


def _role(actor: str) -> str:
    if actor not in ROLES:
        raise Unrenderable(f"unknown actor {actor!r}")
    return actor


# --------------------------------------------------------------------------- handler and invariants
def _fuzz_param(t: str, j: int, target: str, role_like: bool = False) -> tuple[str, str] | None:
    """(handler parameter, the argument built from it) for the types the brownie test draws. The
    address of a role-like function (grantRole, transferOwnership) called by an honest actor is
    never the attacker's, as verification draws it: honest admins do not hand the attacker power."""
    if "[" in t or "(" in t:
        return None
    if t.startswith("uint"):
        bits = int(t[4:] or 256)
        bound = min(2**bits - 1, UINT_BOUND)
        return f"uint256 a{j}", f"{t}(a{j} % {bound + 1})"
    if t.startswith("int"):
        bits = int(t[3:] or 256)
        bound = min(2**(bits - 1) - 1, UINT_BOUND)
        return f"uint256 a{j}", f"{t}(int256(a{j} % {2 * bound + 1}) - {bound})"
    if t == "address":
        if role_like:
            return f"uint256 a{j}", f"_party(actor, {target}, a{j})"
        return f"uint256 a{j}", f"_everyone({target})[a{j} % {len(ROLES) + 1}]"
    if t == "bool":
        return f"bool a{j}", f"a{j}"
    if t.startswith("bytes") and t[5:].isdigit():
        return f"{t} a{j}", f"a{j}"
    return None


def _mutating(abi: list[dict]) -> list[tuple[str, str, bool, list[str]]]:
    """(name, signature, payable, input types) of each state-changing function; "<receive>" for ETH."""
    out = []
    for item in abi:
        if item.get("type") != "function" or item.get("stateMutability") in ("view", "pure"):
            continue
        types = [_abi_type(i) for i in item.get("inputs", [])]
        out.append((item["name"], f"{item['name']}({','.join(types)})", item.get("stateMutability") == "payable", types))
    if any(i.get("type") in ("receive", "fallback") and i.get("stateMutability") == "payable" for i in abi):
        out.append(("<receive>", "", True, []))
    return out


def _handler_functions(w: World, targets: list[ProjectContract], ctx: ProjectContract) -> tuple[list[str], list[str]]:
    """The handler's functions (each calls one state-changing function from a drawn actor with
    drawn arguments; a revert is ignored) and their signatures."""
    fns, selectors = [], []
    everyone = f"address({w.var(ctx.name)})"
    for target in targets:
        to = f"address({w.var(target.name)})"
        prefix = "" if len(targets) == 1 else f"{target.name}_"
        for k, (fname, sig, payable, types) in enumerate(_mutating(target.abi)):
            role_like = bool(ROLE_LIKE.search(fname))
            params = [_fuzz_param(t, j, everyone, role_like) for j, t in enumerate(types)]
            if any(p is None for p in params):
                continue
            decl = ["uint256 actorSeed"] + [p[0] for p in params] + (["uint256 value"] if payable else [])
            value = "value % (1 ether + 1)" if payable else "0"
            hname = f"call{prefix}{k}_receive" if fname == "<receive>" else \
                f"call{prefix}{k}_{_ident(fname, 'function name')}"
            data = '""' if fname == "<receive>" else \
                f"abi.encodeWithSignature({string_literal(sig)}{''.join(', ' + p[1] for p in params)})"
            fns += [f"    function {hname}({', '.join(decl)}) external {{",
                    # as verification draws: an honest admin never renounces (the attacker may try)
                    "        address actor = attacker; actorSeed;" if fname.lower().startswith("renounce") else
                    f"        address actor = _actors()[actorSeed % {len(ROLES)}];",
                    "        _before(actor);", f"        _try(actor, {to}, {value}, {data});", "        _after(actor);",
                    "    }", ""]
            selectors.append(hname + "(" + ",".join(d.split()[0] for d in decl) + ")")
    fns += ["    function warp(uint256 secondsAhead) external {",
            "        vm.warp(block.timestamp + 1 + secondsAhead % 7 days);", "    }", ""]
    selectors.append("warp(uint256)")
    return fns, selectors


def render_contract_test(model: ProjectModel, contract: ProjectContract) -> tuple[str, int, int]:
    """``test/<Contract>.t.sol`` and its number of scenario tests and invariant tests."""
    upto = model.contracts.index(contract) + 1
    text = _suite(model, [contract], contract.invariants, contract, contract.name, contract.scenarios, "spec",
                  f"_deploy({upto}, false);")
    return text, len(contract.scenarios), len(contract.invariants)


def render_system_test(model: ProjectModel) -> str:
    """``test/OuroSystem.t.sol``: the system's cross-contract invariants, after random calls to
    every contract of the project."""
    return _suite(model, model.contracts, model.system_invariants, model.primary, "OuroSystem", [], "system",
                  "_deployWorld();")


def _suite(model: ProjectModel, targets: list[ProjectContract], invariants: list[str], ctx: ProjectContract,
           base: str, scenarios: list[Scenario], label: str, deploy: str) -> str:
    from .spec import parse_invariant

    w = World(model)
    name = base
    cvar = w.var(ctx.name)
    ex = Expr(w, ctx)
    checks, inv_tests, only = [], [], []
    for i, text in enumerate(invariants):
        msg = string_literal(f"invariant {i}: {text}")
        try:
            ast = parse_invariant(text)
            if isinstance(ast, OnlyChanges):
                if ast.actor not in ACTOR_ALIASES:
                    raise Unrenderable(f"only({ast.actor})")
                code, _ = ex.render(ast.target, {})
                checks += [f"    function ouroSnap{i}() external view returns (bytes32) {{",
                           f"        return keccak256(abi.encode({code}));", "    }", ""]
                role = ACTOR_ALIASES[ast.actor]
                only.append((i, role, ast.actor == "owner" and ("owner", 0) in w.views(ctx.name)))
                inv_tests += [f"    /// {_comment_line(text)}", f"    function invariant_{label}_{i}() public view {{",
                              f"        require(!handler.changedBy({i}), {msg});", "    }", ""]
            else:
                code = ex._as(ex.render(ast, {}), "bool")
                checks += [f"    function ouroInv{i}() external view returns (bool) {{", f"        return {code};",
                           "    }", ""]
                inv_tests += [f"    /// {_comment_line(text)}", f"    function invariant_{label}_{i}() public view {{",
                              "        (bool judged, bytes memory held) = address(this).staticcall("
                              f"abi.encodeWithSignature(\"ouroInv{i}()\"));",
                              "        // a view that reverts (or a division by zero) leaves the invariant unjudged, "
                              "as in verification",
                              f"        require(!judged || abi.decode(held, (bool)), {msg});", "    }", ""]
        except (Unrenderable, ValueError) as exc:
            inv_tests += [f"    /// {_comment_line(text)}", f"    /// not rendered: {_comment_line(str(exc))}",
                          f"    function invariant_{label}_{i}() public {{", "        vm.skip(true);", "    }", ""]
    fns, selectors = _handler_functions(w, targets, ctx)
    before, after = [], []
    for i, role, by_owner in only:
        before += [f"        (snapOk[{i}], snap[{i}]) = _snap({i});"]
        if by_owner:
            before.append(f"        ownerBefore[{i}] = _owner();")
        allowed = f"address({cvar})" if role == "target" else role
        extra = f" && actor != ownerBefore[{i}]" if by_owner else ""
        after += [f"        if (snapOk[{i}] && actor != {allowed}{extra}) {{",
                  f"            (bool ok, bytes32 now_) = _snap({i});",
                  f"            if (ok && now_ != snap[{i}]) changedBy[{i}] = true;", "        }"]
    checks_name, handler_name = f"{name}Checks", f"{name}Handler"
    what = f"the spec invariants of {ctx.name}" if label == "spec" else "the system invariants"
    lines = ["// SPDX-License-Identifier: UNLICENSED",
             f"// Generated by ouro from {_comment_line(model.spec_name)}. Run: forge test",
             "// (where no native solc can be installed: forge test --use <path to a solc binary> --offline)",
             "pragma solidity ^0.8.20;", "", 'import {vm} from "./utils/Vm.sol";',
             'import {OuroWorld} from "./utils/OuroWorld.sol";',
             "", f"/// {what.capitalize()} as views over the deployed world.",
             f"abstract contract {checks_name} is OuroWorld {{"]
    lines += ex.helpers + checks
    lines += ["    function _snap(uint256 i) internal view returns (bool ok, bytes32 value) {",
              "        bytes memory ret;",
              "        (ok, ret) = address(this).staticcall(abi.encodeWithSignature(string.concat(\"ouroSnap\", "
              "_digits(i), \"()\")));",
              "        if (ok) value = abi.decode(ret, (bytes32));", "    }", "",
              "    function _owner() internal view returns (address) {",
              f"        (bool ok, bytes memory ret) = address({cvar}).staticcall(abi.encodeWithSignature(\"owner()\"));",
              "        return ok && ret.length >= 32 ? abi.decode(ret, (address)) : address(0);", "    }", "",
              "    function _digits(uint256 i) internal pure returns (string memory s) {",
              "        if (i == 0) return \"0\";",
              "        while (i > 0) {",
              "            s = string.concat(string(abi.encodePacked(bytes1(uint8(48 + i % 10)))), s);",
              "            i /= 10;", "        }", "    }", "}", "",
              f"/// What the invariant tests call: the state-changing functions of "
              f"{', '.join(t.name for t in targets)} from the four actors.",
              f"contract {handler_name} is {checks_name} {{",
              "    mapping(uint256 => bool) public changedBy; // an only(...) invariant's value changed by another actor",
              "    mapping(uint256 => bool) internal snapOk;", "    mapping(uint256 => bytes32) internal snap;",
              "    mapping(uint256 => address) internal ownerBefore;",
              "    address internal lastActor;", "    uint256 internal calls;", "",
              "    constructor(address[] memory world) {", "        _adopt(world);", "    }", "",
              "    function _before(address actor) internal {", "        lastActor = actor;"] + before + ["    }", "",
              "    function _after(address actor) internal {", "        calls += actor == lastActor ? 1 : 0;"] + after + [
              "    }", ""]
    lines += fns + ["}", "", f"contract {name}Test is {checks_name} {{", f"    {handler_name} internal handler;", "",
                    "    struct FuzzSelector {", "        address addr;", "        bytes4[] selectors;", "    }", "",
                    "    function setUp() public {", f"        {deploy}",
                    f"        handler = new {handler_name}(_world());", "    }", "",
                    "    function targetContracts() public view returns (address[] memory t) {",
                    "        t = new address[](1);", "        t[0] = address(handler);", "    }", "",
                    "    function targetSelectors() public view returns (FuzzSelector[] memory s) {",
                    "        s = new FuzzSelector[](1);",
                    f"        bytes4[] memory sel = new bytes4[]({len(selectors)});"]
    lines += [f"        sel[{j}] = bytes4(keccak256({string_literal(s)}));" for j, s in enumerate(selectors)]
    lines += ["        s[0] = FuzzSelector(address(handler), sel);", "    }", ""]
    for sc in scenarios:
        lines.append(f"    /// {_comment_line(sc.description)}")
        try:
            body = _scenario_test(w, ctx, sc)
            view = " view" if all(isinstance(a, (ExpectView, ExpectEth, ExpectToken)) for a in sc.steps) else ""
            lines += [f"    function test_{_fn_name(sc.name)}() public{view} {{"] + ["        " + s for s in body] + ["    }", ""]
        except (Unrenderable, ValueError) as exc:
            lines += [f"    /// not rendered: {_comment_line(str(exc))}",
                      f"    function test_{_fn_name(sc.name)}() public {{", "        vm.skip(true);", "    }", ""]
    lines += inv_tests + ["}", ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------- deploy script
def render_deploy_script(model: ProjectModel, src: str) -> str:
    w = World(model)
    used_roles: set[str] = set()

    def scan(v):
        if isinstance(v, list):
            for x in v:
                scan(x)
        elif isinstance(v, str) and v.startswith("@") and not v.startswith("@ref:") and v[1:] in ROLES:
            used_roles.add(v[1:])

    for c in model.contracts:
        scan(c.constructor_args)
    lines = ["// SPDX-License-Identifier: UNLICENSED",
             f"// Generated by ouro from {_comment_line(model.spec_name)}: deploys the contracts in order.",
             "//   forge script script/Deploy.s.sol --rpc-url <url> --private-key <key> --broadcast",
             "// The deployer is the broadcasting account; the other roles come from the environment"
             " (ALICE, BOB, ATTACKER).",
             "pragma solidity ^0.8.20;", "", 'import {vm} from "../test/utils/Vm.sol";']
    lines += _imports(w, "../", src, False)
    lines += ["", "contract Deploy {"]
    lines += [f"    {c.name} public {w.var(c.name)};" for c in model.contracts]
    lines += ["", _CREATE, "    function _given(address a, string memory what) internal pure returns (address) {",
              "        require(a != address(0), what);", "        return a;", "    }", "",
              "    function run() external {", "        vm.startBroadcast();",
              "        (, address deployer,) = vm.readCallers(); // the broadcasting account"]
    for r in ROLES[1:]:
        if r in used_roles:
            lines.append(f"        address {r} = vm.envAddress({string_literal(r.upper())});")
    for m in model.mocks:
        if m.address and is_hex_address(m.address):
            value = f"address({to_checksum_address(m.address)})"
        else:
            value = "address(0)"
        why = f"{m.name}: no token address in the spec (give the parameter {m.name} the deployed token's address)"
        lines.append(f"        address given_{m.name} = _given({value}, {string_literal(why)});")
    for c in model.contracts:
        lines += ["        " + s for s in _deploy_statements(w, c, _address_resolver(w, c, script=True), w.var(c.name))]
    for c in model.contracts:
        if c.owner:
            lines.append(f"        {w.var(c.name)}.transferOwnership(address({w.var(w.resolve(c, c.owner))}));")
    lines += ["        vm.stopBroadcast();", "    }", "}", ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------- the files
def test_counts(model: ProjectModel) -> int:
    """How many tests ``forge test`` runs: a scenario or invariant not rendered is a skipped test."""
    return sum(len(c.scenarios) + len(c.invariants) for c in model.contracts) + len(model.system_invariants)


def render_foundry(model: ProjectModel, src: str) -> dict[str, str]:
    """Relative path -> text of every generated Foundry file but the contracts and mocks."""
    files = {"test/utils/Vm.sol": VM_SOL, "test/utils/OuroWorld.sol": render_world(model, src),
             "script/Deploy.s.sol": render_deploy_script(model, src)}
    for c in model.contracts:
        text, _, _ = render_contract_test(model, c)
        files[f"test/{c.name}.t.sol"] = text
    if model.system_invariants:
        files["test/OuroSystem.t.sol"] = render_system_test(model)
    return files
