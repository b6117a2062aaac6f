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
  (vetted libraries such as OpenZeppelin; a file under ``node_modules`` that is itself verified is
  analysed), and constant initialisers.

Audited idioms are reported below high, the reason appended to the message ("not high: ..."):
- informational: a comment on the statement or up to three lines above says the wrap is
  desired/intended/fine (Uniswap V2's ``// + overflow is desired`` price accumulators); a
  subtraction in an integer narrower than 256 bits of a value derived from the current timestamp
  (``uint32 timeElapsed = blockTimestamp - blockTimestampLast``: modular time, wrap intended);
- low: an unchecked addition of an amount the function also added with checked arithmetic to a
  state total (solmate ``totalSupply += amount; unchecked { balanceOf[to] += amount; }``), and an
  unchecked decrement by a constant of a count keyed by an owner that a check ties to another
  state mapping (solmate ERC721 ``require(owner != address(0))`` with ``owner = _ownerOf[id]``,
  then ``unchecked { _balanceOf[owner]--; }``), also when the owner is read through an owner
  lookup (OpenZeppelin ERC721 ``_update``: ``from = _ownerOf(tokenId)``, ``if (from != address(0))``,
  ``unchecked { _balances[from] -= 1; }``);
- low: a comment on the statement, up to three lines above it, or in the comment block right above
  the enclosing ``unchecked {`` says the wrap cannot happen ("Overflow not possible: ...",
  "cannot overflow", "can't underflow", "will not overflow", "never overflows", "not feasible to
  overflow", "is bounded by", "the subtraction is safe") or states the bound as a chain
  (``// amount <= _balances[from][id] <= _totalSupplies[id]``). OpenZeppelin 5 writes the proof of
  each ``unchecked`` this way; ouro does not check the proof, so the finding stays, at low. A
  comment saying a check is required ("Overflow check required") counts for nothing;
- low: an unchecked addition to a 256-bit value of an operand of at most 128 bits (ERC721
  ``_increaseBalance(account, uint128 value)``): each step adds less than 2**128, so a wrap takes
  more than 2**128 calls.
"""

from __future__ import annotations

import re
from functools import lru_cache

from slither.core.cfg.scope import Scope
from slither.core.declarations import Function
from slither.core.declarations.solidity_variables import SolidityVariable
from slither.core.solidity_types import ArrayType, MappingType
from slither.core.variables.local_variable import LocalVariable
from slither.core.variables.state_variable import StateVariable
from slither.slithir.operations import (
    Assignment,
    Binary,
    BinaryType,
    Call,
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
    constant_value,
    MSG_VALUE,
    Taint,
    all_nodes,
    forward_taint,
    functions_of,
    is_conditional,
    reads,
    sources_of,
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
            if function.name == "slitherConstructorConstantVariables":
                continue  # constant initialisers: folded by the compiler, no runtime arithmetic
            found = tolerant(self, function, lambda: self._unguarded(function, checked_by_default, eth_vars), [])
            for node, ops in found:
                text = ", ".join(f"`{_OPS[ir.type]}`" for ir, _ in ops)
                why = "inside `unchecked`" if checked_by_default else f"on solc {self.compilation_unit.solc_version}"
                info = [function, f" stores the result of unguarded {text} {why} (can wrap around): ", node]
                # the node is as severe as its worst operation; an idiom lowers it and says why
                reasons = [r for _, r in ops]
                impact = "High"
                if all(r is not None for r in reasons):
                    levels = {r[0] for r in reasons}
                    impact = "Low" if "Low" in levels else "Informational"
                    info.append(f"; not high: {'; '.join(dict.fromkeys(r[1] for r in reasons))}")
                info.append("\n")
                result = self.generate_result(info)
                result.data["impact"] = impact
                results.append(result)
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
            out.setdefault(node, []).append((ir, tolerant(self, node, lambda: _idiom(
                function, node, ir, ops, roots, values, comparisons))))
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


# ---- audited idioms: wrapping the code relies on, or that an earlier check bounds -------------
# Each returns (impact, reason) for one reported operation, or None (it stays high).

_INTENDED = re.compile(
    r"(?:over|under)flows?\b[^.;]*?\b(?:is|are|being)?\s*(?:desired|intended|expected|ok|okay|fine|wanted|"
    r"acceptable|allowed|by design|on purpose|safe)\b|\b(?:desired|intended|expected|deliberate)\s+(?:over|under)flow",
    re.IGNORECASE)
_COMMENT_WINDOW = 3  # lines above the statement a comment may stand on
_IMPOSSIBLE = re.compile(
    r"(?:over|under)flows?\s+(?:is\s+)?(?:not\s+possible|impossible|infeasible|not\s+feasible)"
    r"|\b(?:cannot|can't|can\s+not|won't|will\s+not|could\s+not|couldn't|does\s+not|doesn't|never|can\s+never)"
    r"\s+(?:ever\s+)?(?:over|under)flows?"
    r"|\bnot\s+(?:feasible|possible)\s+to\s+(?:over|under)flow"
    r"|\bno\s+(?:over|under)flow\b"
    r"|\b(?:operation|subtraction|addition|increment|decrement)s?\s+(?:is|are)\s+(?:also\s+)?safe\b"
    r"|\bis\s+bounded\s+by\b"
    r"|\bsafe\s+(?:from|against)\s+(?:over|under)flow",
    re.IGNORECASE)
_BOUND_CHAIN = re.compile(r"[\w\])]\s*<=?\s*[^<>=;]+?\s<=?\s*[\w(]")
_CHECK_REQUIRED = re.compile(r"\bchecks?\s+(?:is\s+|are\s+)?(?:required|needed|necessary)\b", re.IGNORECASE)


@lru_cache(maxsize=64)
def _source_lines(path: str) -> tuple[str, ...]:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return tuple(fh.read().splitlines())
    except OSError:
        return ()


def _comments(line: str) -> str:
    """The comment text of one source line (``// ...``, or a ``/* ... */`` / `` * ...`` line)."""
    stripped = line.strip()
    if stripped.startswith(("*", "/*")):
        return stripped
    i = line.find("//")
    return line[i:] if i >= 0 else ""


def intended_wrap_comment(node) -> tuple[int, str] | None:
    """(line, comment) when the statement's lines, or up to three lines above it, carry a comment
    saying the overflow/underflow is desired/intended/fine (Uniswap V2: ``// overflow is desired``)."""
    sm = node.source_mapping
    if sm is None or not sm.lines:
        return None
    text = _source_lines(sm.filename.absolute or "")
    first, last = min(sm.lines), max(sm.lines)
    for ln in range(last, max(1, first - _COMMENT_WINDOW) - 1, -1):
        if ln > len(text):
            continue
        comment = _comments(text[ln - 1])
        if comment and _INTENDED.search(comment):
            return ln, comment.strip().lstrip("/* ").strip()
    return None


def _code(line: str) -> str:
    """One source line without its ``//`` comment (string literals are not parsed: a heuristic)."""
    stripped = line.strip()
    if stripped.startswith(("*", "/*")):
        return ""
    i = line.find("//")
    return line[:i] if i >= 0 else line


def _comment_block_above(text: tuple[str, ...], ln: int) -> list[tuple[int, str]]:
    """The comment lines directly above line ``ln`` (contiguous, blank lines end the block)."""
    out = []
    i = ln - 1
    while i >= 1 and len(out) < 30:
        comment = _comments(text[i - 1])
        if not comment or _code(text[i - 1]).strip():
            break
        out.append((i, comment))
        i -= 1
    return out


def _enclosing_unchecked(text: tuple[str, ...], first: int) -> int | None:
    """The line of the ``unchecked {`` the statement at line ``first`` sits in (up to 60 lines up)."""
    depth = 0
    for ln in range(first - 1, max(0, first - 60), -1):
        code = _code(text[ln - 1])
        depth += code.count("{") - code.count("}")
        if depth > 0:
            if re.search(r"\bunchecked\s*\{", code):
                return ln
            depth = 0  # a for/if block inside the unchecked one: keep looking at the next level up
    return None


def impossible_wrap_comment(node) -> tuple[int, str] | None:
    """(line, comment) when a comment on the statement, up to three lines above it, or in the block
    right above its ``unchecked {`` says the operation cannot wrap, or states the bound as a chain."""
    sm = node.source_mapping
    if sm is None or not sm.lines:
        return None
    text = _source_lines(sm.filename.absolute or "")
    first, last = min(sm.lines), max(sm.lines)
    if last > len(text):
        return None
    candidates = [(ln, _comments(text[ln - 1])) for ln in range(last, max(1, first - _COMMENT_WINDOW) - 1, -1)]
    candidates += _comment_block_above(text, first)
    block = _enclosing_unchecked(text, first)
    if block is not None:
        candidates += _comment_block_above(text, block)
    for ln, comment in candidates:
        if not comment or _CHECK_REQUIRED.search(comment):
            continue
        if _IMPOSSIBLE.search(comment) or _BOUND_CHAIN.search(comment):
            return ln, comment.strip().lstrip("/* ").strip()
    return None


def _now_seed(v) -> set[str]:
    return {"now"} if isinstance(v, SolidityVariable) and v.name in ("block.timestamp", "now") else set()


def _bits(v) -> int | None:
    m = re.fullmatch(r"u?int(\d+)", str(getattr(v, "type", "")))
    return int(m.group(1)) if m else None


def _idiom(function: Function, node, ir: Binary, ops: list, roots: "_Roots", values: "_Roots",
           comparisons: list) -> tuple[str, str] | None:
    said = intended_wrap_comment(node)
    if said is not None:
        return "Informational", f"the code says the wrap is intended (line {said[0]}: \"{said[1][:80]}\")"
    proof = impossible_wrap_comment(node)
    if proof is not None:
        return "Low", (f"the code states why it cannot wrap (line {proof[0]}: \"{proof[1][:100]}\"); "
                       "ouro does not check that argument")
    if ir.type == BinaryType.SUBTRACTION:
        bits = _bits(ir.lvalue)
        if bits is not None and bits < 256:
            taint: Taint = forward_taint(function, seed=_now_seed)
            if sources_of(ir.variable_left, taint, _now_seed):
                return "Informational", (f"time elapsed in modular uint{bits} arithmetic (a timestamp truncated "
                                         f"to {bits} bits minus a stored one: the wrap is the intended result)")
        counted = _counter_of_checked_owner(function, ir, roots, comparisons)
        if counted is not None:
            return "Low", (f"a count decremented by a constant for an owner the check at line {counted} proves holds "
                           "an entry (the count is at least one)")
    if ir.type == BinaryType.ADDITION:
        narrow = _narrow_step(function, ir)
        if narrow is not None:
            return "Low", (f"each call adds a uint{narrow} to a 256-bit value: a wrap takes more than 2**{narrow} "
                           "calls")
        total = _same_sum_checked(ir, ops, values)
        if total is not None:
            return "Low", (f"the same amount was added to `{total.name}` with checked arithmetic first: an element "
                           f"of a sum cannot exceed the sum, which did not overflow")
    return None


def _narrow_step(function: Function, ir: Binary) -> int | None:
    """An addition to a 256-bit value of an operand declared at most 128 bits wide (a parameter or
    local ``uint128 value``, widened by the compiler): that width, else None."""
    if not _is_256(ir.lvalue):
        return None
    small = [b for b in (_declared_bits(function, v) for v in (ir.variable_left, ir.variable_right))
             if b is not None and b <= 128]
    return max(small) if small else None


def _declared_bits(function: Function, v, depth: int = 0) -> int | None:
    if isinstance(v, (LocalVariable, StateVariable)) and not isinstance(v, Constant):
        return _bits(v)
    if isinstance(v, TemporaryVariable) and depth < 4:
        for n in function.nodes:
            for other in n.irs:
                if isinstance(other, TypeConversion) and other.lvalue is v:
                    return _declared_bits(function, other.variable, depth + 1)
    return None


def _same_sum_checked(ir: Binary, ops: list, values: "_Roots"):
    """solmate's ``totalSupply += amount;`` (checked) then ``unchecked { balanceOf[to] += amount; }``:
    the state variable the same amount was added to by checked arithmetic, else None."""
    amounts = {values.of(ir.variable_left), values.of(ir.variable_right)} - {frozenset()}
    mine = {v for v in values.of(ir.variable_left) if isinstance(v, StateVariable)}
    for _node, other, wraps in ops:
        if wraps or other is ir or other.type != BinaryType.ADDITION:
            continue
        target = state_var_of(other.lvalue)
        if target is None or target in mine or isinstance(target.type, (MappingType, ArrayType)):
            continue
        if {values.of(other.variable_left), values.of(other.variable_right)} & amounts - \
                {frozenset({target})}:
            return target
    return None


def _counter_of_checked_owner(function: Function, ir: Binary, roots: "_Roots", comparisons: list) -> int | None:
    """solmate ERC721 ``_burn``/``transferFrom``: ``unchecked { _balanceOf[owner]--; }`` where a check
    compares ``owner`` against (or as read from) another state mapping (``require(owner != address(0))``
    with ``owner = _ownerOf[id]``, ``require(from == _ownerOf[id])``): the line of that check."""
    if constant_value(function, ir.variable_right) is None:
        return None
    left = ir.variable_left
    if not isinstance(left, ReferenceVariable):
        return None
    counter = state_var_of(left)
    key_def = roots.defs.get(left) or []
    if counter is None or not isinstance(counter.type, MappingType) or len(key_def) < 2:
        return None
    key_roots = roots.of(key_def[1])
    if not key_roots:
        return None
    looked_up = _owner_lookup(function, key_def[1])
    for guard_node, cmp in comparisons:
        seen = roots.of(cmp.variable_left) | roots.of(cmp.variable_right)
        owners = {v for v in seen | key_roots if isinstance(v, StateVariable) and v is not counter
                  and isinstance(v.type, MappingType)}
        if (owners or looked_up) and key_roots & seen:
            lines = guard_node.source_mapping.lines if guard_node.source_mapping else []
            return min(lines) if lines else 0
    return None


def _owner_lookup(function: Function, key, depth: int = 0) -> bool:
    """``key`` holds the result of an owner lookup call (``from = _ownerOf(tokenId)``), possibly copied."""
    if depth > 4 or key is None:
        return False
    for n in function.nodes:
        for ir in n.irs:
            if getattr(ir, "lvalue", None) is not key:
                continue
            if isinstance(ir, Call):
                name = getattr(getattr(ir, "function", None), "name", "") or str(getattr(ir, "function_name", ""))
                if re.search(r"owner", str(name), re.IGNORECASE):
                    return True
            if isinstance(ir, Assignment) and _owner_lookup(function, ir.rvalue, depth + 1):
                return True
    return False
