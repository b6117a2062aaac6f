"""ouro-arithmetic: unguarded +, -, * whose result is stored in contract state.

Before Solidity 0.8.0 arithmetic wraps silently; from 0.8.0 it only wraps inside ``unchecked { }``.

Heuristic (documented, deliberately simple):
- the operation is an addition, subtraction or multiplication (compound ``+=``, ``-=``, ``*=``
  included) and its result reaches a state variable (directly, into a mapping/array element, or
  through locals of the same function);
- it is *guarded* when some ``require``/``assert``/``if`` comparison in the function or one of
  its modifiers (before or after it) compares the operands: for ``a - b`` one side is made of
  a's variables and the other of b's (``require(balances[msg.sender] >= value)``); for ``a + b``
  and ``a * b`` the comparison involves both (``require(a + b >= a)``, ``require(c >= a)`` after
  ``c = a + b``, ``require(total + n <= MAX)``). Locals are followed to what they were read from
  (``bal = balances[msg.sender]; require(bal >= v)`` guards ``balances[msg.sender] -= v``).
  ``require(a - b >= 0)`` is a tautology on the wrapped value and guards nothing;
- bookkeeping under a bound is not reported: once an amount has been taken from a balance-like
  state element with a check (or by checked 0.8 arithmetic), adding the same amount to another
  element or subtracting it from a total (``balances[to] += v``, ``totalSupply -= v``) relies on
  the conservation invariant, as OpenZeppelin's ERC20 does;
- SafeMath-style library calls are not raw operations, so they are never reported;
- not reported either: adding a constant or an ETH amount (``msg.value``, a balance, or a state
  variable only ever assigned ETH amounts) to a 256-bit integer (2**256 wei does not exist),
  the length bookkeeping of ``array.push``, inline assembly, and code under ``node_modules``
  (vetted libraries such as OpenZeppelin).
"""

from __future__ import annotations

from slither.core.cfg.scope import Scope
from slither.core.declarations import Function
from slither.core.solidity_types import ArrayType, MappingType
from slither.core.variables.local_variable import LocalVariable
from slither.core.variables.state_variable import StateVariable
from slither.slithir.operations import (
    Assignment,
    Binary,
    BinaryType,
    Index,
    Length,
    Member,
    OperationWithLValue,
    SolidityCall,
    TypeConversion,
    Unpack,
)
from slither.slithir.variables import Constant, ReferenceVariable, TemporaryVariable, TupleVariable

from . import DetectorClassification, OuroDetector
from ._common import (
    COMPARISONS,
    MSG_VALUE,
    all_nodes,
    forward_taint,
    functions_of,
    is_conditional,
    reads,
    state_var_of,
    tolerant,
    version_tuple,
)

_OPS = {
    BinaryType.ADDITION: "+",
    BinaryType.SUBTRACTION: "-",
    BinaryType.MULTIPLICATION: "*",
}


_VALUE_OPS = frozenset({
    BinaryType.ADDITION, BinaryType.SUBTRACTION, BinaryType.MULTIPLICATION, BinaryType.DIVISION,
    BinaryType.MODULO, BinaryType.POWER,
})


BALANCE = object()  # sentinel root: an address's ETH balance
ETH_BASE = frozenset({MSG_VALUE, BALANCE})


class _Roots:
    """The leaf variables a value is made of.

    Temporaries, references and the function's own locals are expanded to what they were
    computed from (a mapping element to the mapping and its key; ``bal = balances[a]`` to
    ``balances`` and ``a``); parameters, state variables and ``msg.*`` are leaves; constants
    (literals and ``constant`` state variables) are dropped. With ``keys=False`` an element is
    made of its container only (the value, not where it is stored).
    """

    def __init__(self, function: Function, keys: bool = True):
        self.params = set(function.parameters)
        self.defs: dict[object, list[object]] = {}
        for n in all_nodes(function):
            for ir in n.irs:
                if not isinstance(ir, OperationWithLValue) or ir.lvalue is None:
                    continue
                if isinstance(ir, (Index, Member)):
                    src = [ir.variable_left, ir.variable_right] if keys else [ir.variable_left]
                elif isinstance(ir, SolidityCall) and ir.function.name == "balance(address)":
                    src = [BALANCE]
                elif isinstance(ir, Length):
                    src = [ir.value]
                else:
                    src = reads(ir)
                if isinstance(ir.lvalue, ReferenceVariable) and not isinstance(ir, (Index, Member, Length)):
                    continue  # a write through a reference, not its definition
                if self._expands(ir.lvalue):
                    self.defs.setdefault(ir.lvalue, []).extend(src)
        self._cache: dict[object, frozenset] = {}

    def _expands(self, v: object) -> bool:
        if isinstance(v, (TemporaryVariable, ReferenceVariable, TupleVariable)):
            return True
        return isinstance(v, LocalVariable) and v not in self.params

    def of(self, v: object) -> frozenset:
        if v is None or isinstance(v, Constant) or (isinstance(v, StateVariable) and v.is_constant):
            return frozenset()
        if v in self._cache:
            return self._cache[v]
        if not self._expands(v) or (isinstance(v, LocalVariable) and v not in self.defs):
            return frozenset({v})
        self._cache[v] = frozenset()  # cycles
        out: set = set()
        for s in self.defs.get(v, []):
            out |= self.of(s)
        if isinstance(v, ReferenceVariable) and not out and v.points_to_origin is not None:
            out.add(v.points_to_origin)
        self._cache[v] = frozenset(out)
        return self._cache[v]


def _tautology(ir: Binary) -> bool:
    """``x >= 0`` / ``0 <= x``: always true for unsigned integers, so it guards nothing."""
    def zero(v) -> bool:
        return isinstance(v, Constant) and v.value == 0

    return (ir.type == BinaryType.GREATER_EQUAL and zero(ir.variable_right)) or \
        (ir.type == BinaryType.LESS_EQUAL and zero(ir.variable_left))


def _guarded(ir: Binary, node, roots: _Roots, comparisons: list) -> bool:
    """Some require/assert/if (other than the operation's own statement) compares the operands.

    Subtraction ``a - b``: one side of the comparison is made of a's variables, the other of
    b's (``balances[msg.sender] >= value``, ``value > bal``), so ``require(a - b >= 0)`` is not a
    guard. Addition/multiplication ``a + b``: the comparison as a whole involves both operands
    (``a + b >= a``, ``c >= a`` with ``c = a + b``, ``total + n <= MAX``).
    """
    a, b = roots.of(ir.variable_left), roots.of(ir.variable_right)
    for guard_node, cmp in comparisons:
        if guard_node is node:
            continue
        x, y = roots.of(cmp.variable_left), roots.of(cmp.variable_right)
        if ir.type == BinaryType.SUBTRACTION:
            if (a <= x and b <= y) or (a <= y and b <= x):
                return True
        elif a | b <= x | y:
            return True
    return False


def _keeps_value(ir) -> bool:
    """IRs that carry a (possibly wrapped) number on: copies, casts, further arithmetic."""
    if isinstance(ir, (Assignment, TypeConversion, Unpack, Index)):
        return True
    return isinstance(ir, Binary) and ir.type in _VALUE_OPS


def _is_256(v: object) -> bool:
    return str(getattr(v, "type", "")) in ("uint256", "int256")


class ArithmeticOverflow(OuroDetector):
    ARGUMENT = "ouro-arithmetic"
    HELP = "Unguarded arithmetic on state (pre-0.8 or inside unchecked)"
    IMPACT = DetectorClassification.HIGH
    CONFIDENCE = DetectorClassification.MEDIUM
    CATEGORY = "arithmetic"

    WIKI = "https://swcregistry.io/docs/SWC-101"
    WIKI_TITLE = "Integer overflow and underflow"
    WIKI_DESCRIPTION = (
        "An addition, subtraction or multiplication whose result is stored in contract state can wrap "
        "around when the compiler does not check it (Solidity < 0.8.0, or an `unchecked` block), and no "
        "require/assert/if compares its operands."
    )
    WIKI_EXPLOIT_SCENARIO = """
```solidity
pragma solidity 0.4.24;
contract Token {
    mapping(address => uint256) public balances;
    function transfer(address to, uint256 value) public {
        balances[msg.sender] -= value;
        balances[to] += value;
    }
}
```
Eve holds no tokens and transfers 1: her balance underflows to 2**256 - 1."""
    WIKI_RECOMMENDATION = (
        "Use Solidity >= 0.8.0 (checked arithmetic) and keep `unchecked` blocks for operations proven "
        "safe by a preceding check; on older compilers use SafeMath or require the operands' bounds."
    )

    def _detect(self):
        results = []
        checked_by_default = version_tuple(self.compilation_unit.solc_version) >= (0, 8, 0)
        eth_by_contract: dict[str, frozenset] = {}
        for contract, function in functions_of(self.contracts, modifiers=True):
            if contract.name not in eth_by_contract:
                eth_by_contract[contract.name] = tolerant(self, contract, lambda: eth_valued_state(contract),
                                                          frozenset())
            eth_vars = eth_by_contract[contract.name]
            found = tolerant(self, function, lambda: self._unguarded(function, checked_by_default, eth_vars), [])
            for node, ops in found:
                text = ", ".join(f"`{_OPS[ir.type]}`" for ir in ops)
                why = "inside `unchecked`" if checked_by_default else f"on solc {self.compilation_unit.solc_version}"
                info = [function, f" stores the result of unguarded {text} {why} (can wrap around): ", node, "\n"]
                results.append(self.generate_result(info))
        return results

    def _unguarded(self, function: Function, checked_by_default: bool, eth_vars: frozenset):
        ops: list[tuple] = []  # (node, ir, wraps)
        for node in function.nodes:
            scope = node.scope
            if isinstance(scope, Scope) and scope.is_yul:
                continue
            wraps = not checked_by_default or (isinstance(scope, Scope) and not scope.is_checked)
            length_vars = set()
            for ir in node.irs:
                if isinstance(ir, Length):
                    length_vars.add(ir.lvalue)
                elif isinstance(ir, Assignment) and ir.rvalue in length_vars:
                    length_vars.add(ir.lvalue)
            for ir in node.irs:
                if isinstance(ir, Binary) and ir.type in _OPS:
                    if {ir.variable_left, ir.variable_right, ir.lvalue} & length_vars:
                        continue
                    ops.append((node, ir, wraps))
        if not any(wraps for _, _, wraps in ops):
            return []
        # Which results reach contract state?
        initial = {ir.lvalue: {str(i)} for i, (_, ir, _) in enumerate(ops)}
        taint = forward_taint(function, seed=lambda v: set(), initial=initial, index_taints=False,
                              through=_keeps_value)
        reached: set[str] = set()
        for v, labels in taint.items():
            if isinstance(v, StateVariable):
                reached |= labels
        roots, values = _Roots(function), _Roots(function, keys=False)
        comparisons = [(n, c) for n in all_nodes(function) if is_conditional(n) for c in n.irs
                       if isinstance(c, Binary) and c.type in COMPARISONS and not _tautology(c)]
        # Amounts taken, with a check (or checked arithmetic), from a balance-like state element:
        # moving or burning the same amount elsewhere is bookkeeping under that bound.
        bounded = set()
        for i, (node, ir, wraps) in enumerate(ops):
            if ir.type == BinaryType.SUBTRACTION and str(i) in reached and _from_state_collection(ir, values) \
                    and (not wraps or _guarded(ir, node, roots, comparisons)):
                amount = values.of(ir.variable_right)
                if amount:
                    bounded.add(amount)
        out: dict = {}
        for i, (node, ir, wraps) in enumerate(ops):
            if not wraps or str(i) not in reached:
                continue
            if self._benign(ir, values, eth_vars) or _guarded(ir, node, roots, comparisons):
                continue
            amounts = [values.of(ir.variable_right)]
            if ir.type == BinaryType.ADDITION:
                amounts.append(values.of(ir.variable_left))
            if ir.type != BinaryType.MULTIPLICATION and any(a in bounded for a in amounts):
                continue
            out.setdefault(node, []).append(ir)
        return list(out.items())

    @staticmethod
    def _benign(ir: Binary, values: _Roots, eth_vars: frozenset) -> bool:
        """A 256-bit sum with a constant or an ETH amount: 2**256 wei does not exist."""
        if ir.type != BinaryType.ADDITION or not _is_256(ir.lvalue):
            return False
        for operand in (ir.variable_left, ir.variable_right):
            made_of = values.of(operand)
            if not made_of or made_of <= ETH_BASE | eth_vars:
                return True
        return False


def _from_state_collection(ir: Binary, values: _Roots) -> bool:
    return any(isinstance(v, StateVariable) and isinstance(v.type, (MappingType, ArrayType))
               for v in values.of(ir.variable_left))


def eth_valued_state(contract) -> frozenset:
    """State variables that only ever hold ETH amounts (msg.value, balances, sums of those)."""
    writes: list[tuple[StateVariable, frozenset]] = []
    for f in list(contract.functions) + list(contract.modifiers):
        if not f.nodes:
            continue
        values = _Roots(f, keys=False)
        for n in f.nodes:
            for ir in n.irs:
                if not isinstance(ir, OperationWithLValue) or ir.lvalue is None:
                    continue
                if isinstance(ir, (Index, Member, Length)):  # they define references, write nothing
                    continue
                target = state_var_of(ir.lvalue)
                if target is None:
                    continue
                made_of: set = set()
                for v in reads(ir):
                    made_of |= values.of(v)
                writes.append((target, frozenset(made_of - {target})))
    eth = {target for target, _ in writes}
    changed = True
    while changed:
        changed = False
        for target, made_of in writes:
            if target in eth and not made_of <= ETH_BASE | eth:
                eth.discard(target)
                changed = True
    return frozenset(eth)
