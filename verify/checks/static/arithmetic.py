"""ouro-arithmetic: unguarded +, -, * whose result is stored in contract state.

Before Solidity 0.8.0 arithmetic wraps silently; from 0.8.0 it only wraps inside ``unchecked { }``.

Heuristic (documented, deliberately simple):
- the operation is an addition, subtraction or multiplication (compound ``+=``, ``-=``, ``*=``
  included) and its result reaches a state variable (directly, into a mapping/array element, or
  through locals of the same function);
- it is *guarded* when some ``require``/``assert``/``if`` in the function or one of its
  modifiers (before or after it) reads every non-constant variable both operands are made of
  (for ``balances[msg.sender] - value``: ``balances``, ``msg.sender`` and ``value``), as
  ``require(balances[msg.sender] >= value)`` or ``require(c >= a)`` after ``c = a + b`` do;
- SafeMath-style library calls are not raw operations, so they are never reported;
- not reported either: adding a constant or ``msg.value`` to a 256-bit integer (the sum cannot
  realistically overflow), the length bookkeeping of ``array.push``, inline assembly, and code
  under ``node_modules`` (vetted libraries such as OpenZeppelin).
"""

from __future__ import annotations

from slither.core.cfg.scope import Scope
from slither.core.declarations import Function
from slither.core.variables.state_variable import StateVariable
from slither.slithir.operations import (
    Assignment,
    Binary,
    BinaryType,
    Index,
    Length,
    Member,
    OperationWithLValue,
    TypeConversion,
    Unpack,
)
from slither.slithir.variables import Constant, ReferenceVariable, TemporaryVariable, TupleVariable

from . import DetectorClassification, OuroDetector
from ._common import MSG_VALUE, all_nodes, forward_taint, functions_of, is_conditional, reads, version_tuple

_OPS = {
    BinaryType.ADDITION: "+",
    BinaryType.SUBTRACTION: "-",
    BinaryType.MULTIPLICATION: "*",
}


_VALUE_OPS = frozenset({
    BinaryType.ADDITION, BinaryType.SUBTRACTION, BinaryType.MULTIPLICATION, BinaryType.DIVISION,
    BinaryType.MODULO, BinaryType.POWER,
})


class _Roots:
    """The non-temporary variables a value is made of (a mapping element: the mapping and its key)."""

    def __init__(self, function: Function):
        self.defs: dict[object, list[object]] = {}
        for n in all_nodes(function):
            for ir in n.irs:
                if not isinstance(ir, OperationWithLValue) or ir.lvalue is None:
                    continue
                if isinstance(ir, (Index, Member)):
                    src = [ir.variable_left, ir.variable_right]
                elif isinstance(ir, Length):
                    src = [ir.value]
                else:
                    src = reads(ir)
                if isinstance(ir.lvalue, ReferenceVariable) and not isinstance(ir, (Index, Member, Length)):
                    continue  # a write through a reference, not its definition
                if isinstance(ir.lvalue, (TemporaryVariable, ReferenceVariable, TupleVariable)):
                    self.defs.setdefault(ir.lvalue, []).extend(src)
        self._cache: dict[object, frozenset] = {}

    def of(self, v: object) -> frozenset:
        if isinstance(v, Constant) or v is None:
            return frozenset()
        if v in self._cache:
            return self._cache[v]
        if not isinstance(v, (TemporaryVariable, ReferenceVariable, TupleVariable)):
            return frozenset({v})
        self._cache[v] = frozenset()  # cycles
        out: set = set()
        for s in self.defs.get(v, []):
            out |= self.of(s)
        if isinstance(v, ReferenceVariable) and not out and v.points_to_origin is not None:
            out.add(v.points_to_origin)
        self._cache[v] = frozenset(out)
        return self._cache[v]

    def of_node(self, node) -> frozenset:
        out: set = set()
        for ir in node.irs:
            for v in reads(ir):
                out |= self.of(v)
        return frozenset(out)


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
        for contract, function in functions_of(self.contracts, modifiers=True):
            for node, ops in self._unguarded(function, checked_by_default):
                text = ", ".join(f"`{_OPS[ir.type]}`" for ir in ops)
                why = "inside `unchecked`" if checked_by_default else f"on solc {self.compilation_unit.solc_version}"
                info = [function, f" stores the result of unguarded {text} {why} (can wrap around): ", node, "\n"]
                results.append(self.generate_result(info))
        return results

    def _unguarded(self, function: Function, checked_by_default: bool):
        candidates: list[tuple] = []
        for node in function.nodes:
            scope = node.scope
            if isinstance(scope, Scope) and scope.is_yul:
                continue
            if checked_by_default and (not isinstance(scope, Scope) or scope.is_checked):
                continue
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
                    candidates.append((node, ir))
        if not candidates:
            return []
        # Which candidate results reach contract state?
        initial = {ir.lvalue: {str(i)} for i, (_, ir) in enumerate(candidates)}
        taint = forward_taint(function, seed=lambda v: set(), initial=initial, index_taints=False,
                              through=_keeps_value)
        reached: set[str] = set()
        for v, labels in taint.items():
            if isinstance(v, StateVariable):
                reached |= labels
        roots = _Roots(function)
        guards = [(n, roots.of_node(n)) for n in all_nodes(function) if is_conditional(n)]
        out: dict = {}
        for i, (node, ir) in enumerate(candidates):
            if str(i) not in reached:
                continue
            if self._benign(ir, roots):
                continue
            needed = roots.of(ir.variable_left) | roots.of(ir.variable_right)
            if any(g is not node and needed <= read for g, read in guards):
                continue
            out.setdefault(node, []).append(ir)
        return list(out.items())

    @staticmethod
    def _benign(ir: Binary, roots: _Roots) -> bool:
        if ir.type == BinaryType.SUBTRACTION:
            return False
        if not _is_256(ir.lvalue):
            return False
        if ir.type != BinaryType.ADDITION:
            return False
        for operand in (ir.variable_left, ir.variable_right):
            if isinstance(operand, Constant) or roots.of(operand) == frozenset({MSG_VALUE}):
                return True
        return False
