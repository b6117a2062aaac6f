"""What the engine reads from the solc AST (compact JSON, solc >= 0.4.13) of the compiled file.

- **Contract-typed addresses.** Which constructor parameters and state variables the code uses as
  a contract (declared ``Log log``, or ``address`` converted with ``Log(_log)`` directly or through
  the state variable it is stored in), so deployment can hand them a deployed instance.
- **Hard-coded instances.** State variables initialised to a literal address converted to a
  contract of the file (``LogFile Log = LogFile(0x0486...)``): that contract is placed at that
  address, as it is on the chain the code was written for.
- **Constants.** Every integer the code writes down (``MinSum = 2 ether``, ``1 days``, ``100``),
  as solc evaluated it; amounts and durations the search should try.
- **Enums** of constructor parameters (their member count), for planning.

Everything degrades to "nothing known" when the AST is missing (solc < 0.4.13) or unexpected.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = ["AstFacts", "read_facts"]

_INT_CONST = re.compile(r"^int_const (-?\d+)$")
_CONTRACT = re.compile(r"^contract (\w+)$")
_ADDRESS_LITERAL = re.compile(r"^0x[0-9a-fA-F]{40}$")
_TIME_UNITS = {"seconds", "minutes", "hours", "days", "weeks", "years"}
_ETH_UNITS = {"wei", "gwei", "szabo", "finney", "ether"}


@dataclass
class ContractInfo:
    name: str
    id: int
    kind: str  # contract | interface | library
    abstract: bool
    bases: list[int]  # linearized base contract ids (self first)
    functions: set[str] = field(default_factory=set)  # names of functions it declares


@dataclass
class AstFacts:
    contracts: dict[str, ContractInfo] = field(default_factory=dict)  # own file's contracts by name
    # contract name -> constructor parameter name -> contract name the code uses it as
    param_contracts: dict[str, dict[str, str]] = field(default_factory=dict)
    # contract name -> [(state variable name, contract name, literal address)]
    placed: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    # contract name -> public function name -> parameter name -> contract the code uses it as
    # (a setter that wires a dependency after deployment: SetLogFile(address _log) { Log = LogFile(_log); })
    setter_contracts: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    # contract name -> constructor parameter name -> number of enum members
    param_enums: dict[str, dict[str, int]] = field(default_factory=dict)
    amounts: set[int] = field(default_factory=set)  # integer literals with an ether unit, and plain ones
    durations: set[int] = field(default_factory=set)  # integer literals with a time unit
    compared_with_value: set[int] = field(default_factory=set)  # constants msg.value is compared with
    # function names (any contract of the file) that send ETH, directly or through internal calls
    eth_senders: set[str] = field(default_factory=set)
    pushers: set[str] = field(default_factory=set)  # functions that grow a storage array
    loopers: set[str] = field(default_factory=set)  # functions with a loop (for/while)
    # functions reading the block's time (now, block.timestamp), directly or through internal calls
    clock_readers: set[str] = field(default_factory=set)
    # functions reading anything a validator or the block decides (time, number, hashes, randomness)
    block_readers: set[str] = field(default_factory=set)
    # function name -> names of the functions and modifiers it may run (internal calls, transitive)
    callees: dict[str, set[str]] = field(default_factory=dict)

    def runs(self, functions: set[str]) -> set[str]:
        """``functions`` and everything they may run internally."""
        out = set(functions)
        for f in functions:
            out |= self.callees.get(f, set())
        return out

    def concrete_of(self, name: str, deployable: set[str]) -> str | None:
        """``name`` if it can be deployed, else a deployable contract of the file deriving from it."""
        if name in deployable:
            return name
        info = self.contracts.get(name)
        if info is None:
            return None
        for other in self.contracts.values():
            if other.name in deployable and info.id in other.bases[1:]:
                return other.name
        return None


def _walk(node: Any) -> Iterator[dict]:
    if isinstance(node, dict):
        if "nodeType" in node:
            yield node
        for v in node.values():
            if isinstance(v, (dict, list)):
                yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


def _type_string(node: dict) -> str:
    return ((node.get("typeDescriptions") or {}).get("typeString") or "").replace(" storage ref", "").replace(
        " storage pointer", "").replace(" memory", "").replace(" calldata", "").strip()


def _int_const(node: dict) -> int | None:
    m = _INT_CONST.match(_type_string(node))
    return int(m.group(1)) if m else None


def _is_constructor(fn: dict, contract: str) -> bool:
    return fn.get("kind") == "constructor" or bool(fn.get("isConstructor")) or (
        fn.get("kind") is None and fn.get("name") == contract)


class _Classes:
    """Union-find over declaration ids joined by assignments and conversions; each class may
    carry the contract type its members are used as."""

    def __init__(self):
        self.parent: dict[int, int] = {}
        self.kind: dict[int, str] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[ra] = rb
            if ra in self.kind and rb not in self.kind:
                self.kind[rb] = self.kind[ra]

    def mark(self, x: int, contract: str) -> None:
        self.kind.setdefault(self.find(x), contract)

    def contract_of(self, x: int) -> str | None:
        return self.kind.get(self.find(x))


def _ref(node: dict | None) -> int | None:
    """The declaration an expression names (``x``, ``X(x)``, ``address(x)``), if any."""
    while node:
        if node.get("nodeType") == "Identifier":
            return node.get("referencedDeclaration")
        if node.get("nodeType") == "FunctionCall" and node.get("kind") == "typeConversion" and node.get("arguments"):
            node = node["arguments"][0]
            continue
        return None
    return None


def read_facts(raw: dict[str, Any], file: str) -> AstFacts:
    """Facts of every source unit of the compile; constants only from ``file`` itself."""
    facts = AstFacts()
    sources = raw.get("sources") or {}
    for unit in sorted(sources, key=lambda u: u == file):  # the file itself last: its names win
        ast = (sources[unit] or {}).get("ast")
        if not isinstance(ast, dict) or ast.get("nodeType") != "SourceUnit":
            continue
        try:
            _read(ast, facts, constants=(unit == file))
        except (KeyError, TypeError, ValueError, AttributeError):  # an AST shape this reader does not know
            continue
    return facts


def _read(ast: dict, facts: AstFacts, constants: bool = True) -> None:
    classes = _Classes()
    by_id: dict[int, str] = {}
    contracts = [n for n in ast.get("nodes", []) if n.get("nodeType") == "ContractDefinition"]
    for c in contracts:
        kind = c.get("contractKind", "contract")
        abstract = bool(c.get("abstract")) or c.get("fullyImplemented") is False
        info = ContractInfo(c["name"], c["id"], kind, abstract, list(c.get("linearizedBaseContracts") or [c["id"]]))
        info.functions = {f.get("name") for f in c.get("nodes", []) if f.get("nodeType") == "FunctionDefinition"}
        facts.contracts[c["name"]] = info
        by_id[c["id"]] = c["name"]

    for node in _walk(ast):
        t = node.get("nodeType")
        if t == "VariableDeclaration":
            m = _CONTRACT.match(_type_string(node))
            if m:
                classes.mark(node["id"], m.group(1))
        elif t == "FunctionCall" and node.get("kind") == "typeConversion":
            m = _CONTRACT.match(_type_string(node))
            ref = _ref(node)
            if m and ref is not None:
                classes.mark(ref, m.group(1))
        elif t == "Assignment" and node.get("operator") == "=":
            a, b = _ref(node.get("leftHandSide")), _ref(node.get("rightHandSide"))
            if a is not None and b is not None:
                classes.union(a, b)
                m = _CONTRACT.match(_type_string(node.get("leftHandSide") or {}))
                if m:
                    classes.mark(a, m.group(1))
        elif t == "Literal" and node.get("kind") == "number" and constants:
            v = _int_const(node)
            if v is not None and v > 0:
                unit = node.get("subdenomination")
                (facts.durations if unit in _TIME_UNITS else facts.amounts).add(v)
        elif t == "BinaryOperation" and constants and node.get("operator") in ("<", "<=", ">", ">=", "==", "!="):
            left, right = node.get("leftExpression") or {}, node.get("rightExpression") or {}
            for side, other in ((left, right), (right, left)):
                if side.get("nodeType") == "MemberAccess" and side.get("memberName") == "value" and \
                        (side.get("expression") or {}).get("name") == "msg":
                    v = _int_const(other)
                    if v is None and other.get("nodeType") == "Identifier":
                        v = None  # a state variable: its value is in amounts when it was a literal
                    if v is not None and v > 0:
                        facts.compared_with_value.add(v)
        # pure constant expressions (2 * 1 ether, 10**18) evaluate to int_const too
        if constants and t in ("BinaryOperation", "TupleExpression") and node.get("isPure"):
            v = _int_const(node)
            if v is not None and 0 < v < 2**128:
                facts.amounts.add(v)
    # state variables initialised to a constant: their values are amounts the code compares with
    for c in contracts:
        for n in c.get("nodes", []):
            if n.get("nodeType") == "VariableDeclaration" and n.get("value"):
                v = _int_const(n["value"])
                if v is not None and v > 0 and constants:
                    facts.amounts.add(v)
                lit = (n["value"].get("arguments") or [{}])[0] if n["value"].get("nodeType") == "FunctionCall" \
                    else n["value"]
                m = _CONTRACT.match(_type_string(n))
                value = str(lit.get("value") or "")
                if m and lit.get("nodeType") == "Literal" and _ADDRESS_LITERAL.match(value):
                    facts.placed.setdefault(c["name"], []).append((n["name"], m.group(1), value))

    _read_functions(contracts, facts)
    for c in contracts:
        for fn in c.get("nodes", []):
            if fn.get("nodeType") != "FunctionDefinition" or _is_constructor(fn, c["name"]) or \
                    fn.get("visibility") not in ("public", "external") or \
                    fn.get("stateMutability") in ("view", "pure", "constant") or fn.get("constant"):
                continue
            wires = {p["name"]: k for p in (fn.get("parameters") or {}).get("parameters", [])
                     if p.get("name") and _type_string(p) == "address" and (k := classes.contract_of(p["id"]))}
            if wires:
                facts.setter_contracts.setdefault(c["name"], {})[fn.get("name") or ""] = wires
    for c in contracts:
        ctor = next((f for f in c.get("nodes", []) if f.get("nodeType") == "FunctionDefinition"
                     and _is_constructor(f, c["name"])), None)
        if ctor is None:
            continue
        kinds, enums = {}, {}
        for p in (ctor.get("parameters") or {}).get("parameters", []):
            contract = classes.contract_of(p["id"])
            if contract:
                kinds[p["name"]] = contract
            ts = _type_string(p)
            if ts.startswith("enum "):
                ref = (p.get("typeName") or {}).get("referencedDeclaration")
                enums[p["name"]] = _enum_size(ast, ref)
        if kinds:
            facts.param_contracts[c["name"]] = kinds
        if enums:
            facts.param_enums[c["name"]] = enums


def _sends_eth(node: dict) -> bool:
    """transfer/send on an address, call.value(...)(...), or call{value: ...}(...)."""
    if node.get("nodeType") == "FunctionCallOptions":
        return "value" in (node.get("names") or [])
    if node.get("nodeType") != "FunctionCall":
        return False
    expr = node.get("expression") or {}
    if expr.get("nodeType") == "MemberAccess" and expr.get("memberName") in ("transfer", "send"):
        base = _type_string(expr.get("expression") or {})
        return base.startswith("address")
    if expr.get("nodeType") == "FunctionCall":  # x.call.value(v)(data): the inner call sets the value
        inner = expr.get("expression") or {}
        return inner.get("nodeType") == "MemberAccess" and inner.get("memberName") == "value"
    return False


_BLOCK_MEMBERS = {"timestamp", "number", "difficulty", "prevrandao", "coinbase", "blockhash"}


def _reads_block(node: dict) -> str | None:
    """"clock" for now/block.timestamp, "block" for other block data (hashes, number, randomness)."""
    t = node.get("nodeType")
    if t == "Identifier":
        if node.get("name") == "now":
            return "clock"
        if node.get("name") == "blockhash":
            return "block"
    if t == "MemberAccess" and node.get("memberName") in _BLOCK_MEMBERS:
        base = node.get("expression") or {}
        if base.get("nodeType") == "Identifier" and base.get("name") == "block":
            return "clock" if node["memberName"] == "timestamp" else "block"
    return None


def _closure(direct: set[int], calls: dict[int, set[int]]) -> set[int]:
    out = set(direct)
    changed = True
    while changed:
        changed = False
        for fid, refs in calls.items():
            if fid not in out and refs & out:
                out.add(fid)
                changed = True
    return out


def _read_functions(contracts: list[dict], facts: AstFacts) -> None:
    calls: dict[int, set[int]] = {}
    names: dict[int, str] = {}
    direct: set[int] = set()
    clock: set[int] = set()
    block: set[int] = set()
    for c in contracts:
        for fn in c.get("nodes", []):
            if fn.get("nodeType") not in ("FunctionDefinition", "ModifierDefinition"):
                continue
            names[fn["id"]] = fn.get("name") or ""
            refs = calls.setdefault(fn["id"], set())
            for node in _walk(fn.get("body") or {}):
                t = node.get("nodeType")
                if _sends_eth(node):
                    direct.add(fn["id"])
                kind = _reads_block(node)
                if kind:
                    block.add(fn["id"])
                    if kind == "clock":
                        clock.add(fn["id"])
                if t == "FunctionCall":
                    ref = (node.get("expression") or {}).get("referencedDeclaration")
                    if ref is not None:
                        refs.add(ref)
                    member = node.get("expression") or {}
                    if member.get("nodeType") == "MemberAccess" and member.get("memberName") == "push":
                        facts.pushers.add(fn.get("name") or "")
                elif t in ("ForStatement", "WhileStatement", "DoWhileStatement"):
                    facts.loopers.add(fn.get("name") or "")
            for mod in fn.get("modifiers") or []:
                ref = (mod.get("modifierName") or {}).get("referencedDeclaration")
                if ref is not None:
                    refs.add(ref)
    facts.eth_senders |= {names[f] for f in _closure(direct, calls) if names.get(f)}
    for fid in calls:
        reach, todo = set(), [fid]
        while todo:
            for r in calls.get(todo.pop(), ()):
                if r not in reach:
                    reach.add(r)
                    todo.append(r)
        if names.get(fid) is not None:
            facts.callees.setdefault(names[fid], set()).update(names[r] for r in reach if names.get(r))
    facts.clock_readers |= {names[f] for f in _closure(clock, calls) if names.get(f)}
    facts.block_readers |= {names[f] for f in _closure(block, calls) if names.get(f)}


def _enum_size(ast: dict, decl: int | None) -> int:
    for node in _walk(ast):
        if node.get("nodeType") == "EnumDefinition" and node.get("id") == decl:
            return max(1, len(node.get("members") or []))
    return 1
