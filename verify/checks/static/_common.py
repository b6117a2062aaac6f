"""Small helpers shared by ouro's detectors (no detector lives here).

Everything works on Slither's non-SSA IR (``node.irs``) with a simple forward taint that runs to
a fixpoint over a function's nodes, ignoring control flow. That over-approximates, which is
what these heuristics want: a value is "derived from" a source if any chain of IR operations
leads from the source to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path, PurePath

from slither.core.cfg.node import Node, NodeType
from slither.core.declarations import Contract, Function
from slither.core.declarations.solidity_variables import SolidityVariableComposed
from slither.core.variables.state_variable import StateVariable
from slither.slithir.operations import (
    Assignment,
    Binary,
    BinaryType,
    Condition,
    HighLevelCall,
    Index,
    InternalCall,
    LowLevelCall,
    Operation,
    OperationWithLValue,
    Return,
    Send,
    SolidityCall,
    Transfer,
    TypeConversion,
)
from slither.slithir.variables import Constant, ReferenceVariable

MSG_SENDER = SolidityVariableComposed("msg.sender")
TX_ORIGIN = SolidityVariableComposed("tx.origin")
MSG_VALUE = SolidityVariableComposed("msg.value")

COMPARISONS = frozenset({
    BinaryType.EQUAL, BinaryType.NOT_EQUAL, BinaryType.LESS, BinaryType.GREATER,
    BinaryType.LESS_EQUAL, BinaryType.GREATER_EQUAL,
})
HASH_FUNCTIONS = frozenset({
    "keccak256()", "keccak256(bytes)", "sha3()", "sha256()", "sha256(bytes)",
    "ripemd160()", "ripemd160(bytes)",
})
TOKEN_TRANSFERS = frozenset({"transfer", "transferFrom", "safeTransfer", "safeTransferFrom", "send", "mint",
                             "safeMint"})

# Taint maps a variable to the set of source names it is derived from.
Taint = dict[object, set[str]]


def version_tuple(version: str | None) -> tuple[int, ...]:
    parts = []
    for p in (version or "0").split("+")[0].split("."):
        digits = "".join(ch for ch in p if ch.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def is_library_code(contract: Contract) -> bool:
    """Installed packages (OpenZeppelin under node_modules, ...) are vetted code, not the target.

    The file ouro was asked to verify is the target even when it sits under ``node_modules``
    (``ouro verify node_modules/@uniswap/v2-core/contracts/UniswapV2Pair.sol``): its own contracts
    are analysed, what it imports from installed packages is not.
    """
    path = contract.source_mapping.filename.absolute if contract.source_mapping else ""
    if path and path == _analysed_file(contract):
        return False
    if contract.is_from_dependency():
        return True
    return "node_modules" in PurePath(path or "").parts


def _analysed_file(contract: Contract) -> str | None:
    """The absolute path of the file Slither was run on (None: unknown, or a folder)."""
    try:
        target = contract.compilation_unit.crytic_compile.target
    except Exception:  # noqa: BLE001 - no crytic-compile object (a hand-built unit)
        return None
    try:
        return str(Path(target).resolve()) if target and Path(target).is_file() else None
    except (OSError, TypeError, ValueError):
        return None


def target_contracts(contracts: Iterable[Contract]) -> list[Contract]:
    return [c for c in contracts if not c.is_interface and not is_library_code(c)]


def functions_of(contracts: Iterable[Contract], modifiers: bool = False) -> Iterator[tuple[Contract, Function]]:
    """Each (most derived contract, function) once per declared function (inherited ones included)."""
    seen: set[str] = set()
    # Most derived first, so an inherited function is analysed with its full contract around it.
    for c in sorted(target_contracts(contracts), key=lambda c: -len(c.inheritance)):
        pool = list(c.functions) + (list(c.modifiers) if modifiers else [])
        for f in pool:
            if f.is_shadowed or not f.nodes:
                continue
            declarer = getattr(f, "contract_declarer", None)
            if declarer is not None and is_library_code(declarer):
                continue
            key = f.canonical_name
            if key in seen:
                continue
            seen.add(key)
            yield c, f


def origin(v: object) -> object:
    """A reference's storage origin (the mapping/array/state variable); anything else unchanged."""
    if isinstance(v, ReferenceVariable):
        o = v.points_to_origin
        return o if o is not None else v
    return v


def lvalues(ir: Operation) -> list[object]:
    if isinstance(ir, OperationWithLValue) and ir.lvalue is not None:
        out = [ir.lvalue]
        o = origin(ir.lvalue)
        if o is not ir.lvalue:
            out.append(o)
        return out
    return []


def reads(ir: Operation) -> list[object]:
    try:
        return [v for v in ir.read if not isinstance(v, Constant)]
    except Exception:  # noqa: BLE001 - a few IRs have odd read lists
        return []


def all_nodes(function: Function) -> list[Node]:
    """The function's nodes and those of its modifiers."""
    nodes = list(function.nodes)
    for m in getattr(function, "modifiers", []) or []:
        if isinstance(m, Function):
            nodes.extend(m.nodes)
    return nodes


def forward_taint(function: Function, seed: Callable[[object], set[str]], extra: Callable[[Operation, Taint], set[str]]
                  | None = None, initial: Taint | None = None, index_taints: bool = True,
                  through: Callable[[Operation], bool] | None = None) -> Taint:
    """Fixpoint of "lvalue is derived from a tainted read" over the function (and its modifiers).

    ``seed(v)`` gives the source names a read variable carries on its own (e.g. block.timestamp);
    ``extra(ir, taint)`` can add sources to an IR's lvalue (e.g. a hash of a tainted value);
    with ``index_taints=False`` an element ``a[i]`` is derived from ``a`` only, not from ``i``;
    ``through(ir)`` (optional) restricts propagation to the IRs it accepts.
    """
    taint: Taint = {k: set(v) for k, v in (initial or {}).items()}
    irs = [ir for n in all_nodes(function) for ir in n.irs]
    changed = True
    while changed:
        changed = False
        for ir in irs:
            targets = lvalues(ir)
            if not targets or (through is not None and not through(ir)):
                continue
            got: set[str] = set()
            read = [ir.variable_left] if (isinstance(ir, Index) and not index_taints) else reads(ir)
            for v in read:
                got |= seed(v)
                got |= taint.get(v, set())
                o = origin(v)
                if o is not v:
                    got |= taint.get(o, set())
            if extra is not None:
                got |= extra(ir, taint)
            if not got:
                continue
            for t in targets:
                cur = taint.setdefault(t, set())
                if not got <= cur:
                    cur |= got
                    changed = True
    return taint


def sources_of(v: object, taint: Taint, seed: Callable[[object], set[str]]) -> set[str]:
    out = set(seed(v)) | taint.get(v, set())
    o = origin(v)
    if o is not v:
        out |= seed(o) | taint.get(o, set())
    return out


def is_conditional(node: Node) -> bool:
    return node.type in (NodeType.IF, NodeType.IFLOOP) or node.contains_require_or_assert() or node.contains_if()


def condition_reads(node: Node) -> list[object]:
    """The variables a require/assert/if condition reads (the call's/condition's arguments)."""
    out: list[object] = []
    for ir in node.irs:
        if isinstance(ir, Condition):
            out.append(ir.value)
        elif isinstance(ir, SolidityCall) and ir.function.name.startswith(("require(", "assert(")):
            out.extend(ir.arguments[:1])
    return [v for v in out if not isinstance(v, Constant)]


def is_revert_node(node: Node) -> bool:
    if node.type == NodeType.THROW:
        return True
    return any(isinstance(ir, SolidityCall) and ir.function.name.startswith("revert") for ir in node.irs)


def dominated(node: Node, function: Function) -> list[Node]:
    """Nodes of ``function`` that ``node`` dominates (strictly)."""
    return [n for n in function.nodes if n is not node and node in (n.dominators or set())]


def in_loop(node: Node) -> bool:
    """True if the node can reach itself through the CFG (it sits inside a loop)."""
    seen: set[int] = set()
    stack = list(node.sons)
    while stack:
        n = stack.pop()
        if n is node:
            return True
        if n.node_id in seen:
            continue
        seen.add(n.node_id)
        stack.extend(n.sons)
    return False


def eth_payments(node: Node) -> list[tuple[Operation, object]]:
    """(ir, recipient) for each ETH-moving IR in the node: transfer, send, call{value}."""
    out = []
    for ir in node.irs:
        if isinstance(ir, (Transfer, Send)):
            out.append((ir, ir.destination))
        elif isinstance(ir, LowLevelCall) and ir.call_value is not None and not (
                isinstance(ir.call_value, Constant) and ir.call_value.value == 0):
            out.append((ir, ir.destination))
    return out


def token_payments(node: Node) -> list[tuple[Operation, list[object]]]:
    """(ir, arguments) for high-level calls that look like token transfers or mints."""
    return [(ir, list(ir.arguments)) for ir in node.irs
            if isinstance(ir, HighLevelCall) and str(ir.function_name) in TOKEN_TRANSFERS]


def writes_state(node: Node) -> bool:
    return bool(node.state_variables_written)


def sends_eth(node: Node) -> bool:
    return bool(eth_payments(node))


def is_hash_call(ir: Operation) -> bool:
    return isinstance(ir, SolidityCall) and ir.function.name in HASH_FUNCTIONS


def state_var_of(v: object) -> StateVariable | None:
    o = origin(v)
    return o if isinstance(o, StateVariable) else None


def owner_guarded(function: Function) -> bool:
    """A simple "only a privileged account can call this" test.

    True for a modifier whose name starts with ``only``, an internal call to a
    ``_checkOwner``/``_checkRole``-style helper, a require/if comparing msg.sender itself (or a
    cast of it) with a state variable (``msg.sender == owner``), or reading a bool state mapping at
    msg.sender (``require(admins[msg.sender])``). Comparing a *hash* of msg.sender (commit-reveal)
    is not a privilege check.
    """
    if function.is_constructor:
        return True
    for m in getattr(function, "modifiers", []) or []:
        if m.name.lower().startswith("only"):
            return True
    for n in all_nodes(function):
        for ir in n.irs:
            if isinstance(ir, InternalCall) and ir.function is not None and \
                    ir.function.name in ("_checkOwner", "_checkRole", "_onlyOwner", "_requireOwner"):
                return True
        if not is_conditional(n):
            continue
        copies = _copy_roots(n)
        for ir in n.irs:
            if isinstance(ir, Binary) and ir.type in (BinaryType.EQUAL, BinaryType.NOT_EQUAL):
                left = copies.get(ir.variable_left, ir.variable_left)
                right = copies.get(ir.variable_right, ir.variable_right)
                for a, b in ((left, right), (right, left)):
                    if a == MSG_SENDER and isinstance(b, StateVariable):
                        return True
            if isinstance(ir, Index) and copies.get(ir.variable_right, ir.variable_right) == MSG_SENDER and \
                    str(getattr(ir.lvalue, "type", "")) == "bool" and state_var_of(ir.variable_left) is not None:
                return True
    return False


def _copy_roots(node: Node) -> dict[object, object]:
    """Within one node: the variable each temporary is a plain copy or cast of."""
    out: dict[object, object] = {}
    for ir in node.irs:
        if isinstance(ir, TypeConversion | Assignment) and ir.lvalue is not None:
            src = ir.variable if isinstance(ir, TypeConversion) else ir.rvalue
            out[ir.lvalue] = out.get(src, src)
    return out


def returns_tainted(function: Function, taint: Taint) -> set[str]:
    out: set[str] = set()
    for n in function.nodes:
        for ir in n.irs:
            if isinstance(ir, Return):
                for v in ir.values:
                    out |= taint.get(v, set())
    for v in function.returns:
        out |= taint.get(v, set())
    return out


def tolerant(detector, where: object, compute: Callable[[], object], default: object = None):
    """Run one unit of a detector's analysis; a crash skips that unit instead of the whole detector.

    ``run_slither`` runs each detector on its own (a crash is a note naming it), but that would
    still cost this detector's results on every other function: a heuristic's bug must not. The
    crash is kept on the detector (``tolerated``) and reported as the detector's, with where it was.
    """
    try:
        return compute()
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001
        from verify.analysers import crash_from

        scope = getattr(where, "canonical_name", None) or str(where)
        detector.__dict__.setdefault("tolerated", []).append(crash_from(f"ouro detector {detector.ARGUMENT}", exc, scope))
        if getattr(detector, "logger", None):
            detector.logger.error(f"{detector.ARGUMENT}: skipped {where}: {type(exc).__name__}: {exc}")
        return default


_FOLD = {
    BinaryType.POWER: lambda a, b: a ** b if 0 <= b <= 256 else None,
    BinaryType.MULTIPLICATION: lambda a, b: a * b,
    BinaryType.ADDITION: lambda a, b: a + b,
    BinaryType.SUBTRACTION: lambda a, b: a - b,
    BinaryType.LEFT_SHIFT: lambda a, b: a << b if 0 <= b <= 256 else None,
}


def constant_value(function: Function, v: object, _depth: int = 0) -> int | None:
    """The integer ``v`` always holds: a literal, a ``constant`` state variable with a literal
    value, or a temporary computed from those (``2 ** 32``, ``1 << 112``); else None."""
    if isinstance(v, Constant):
        return v.value if isinstance(v.value, int) and not isinstance(v.value, bool) else None
    if _depth > 8:
        return None
    if isinstance(v, StateVariable) and v.is_constant and v.expression is not None:
        try:
            text = str(v.expression).replace(" ", "")
            return int(text, 0) if text.isdigit() or text.startswith("0x") else None
        except ValueError:
            return None
    for n in function.nodes:
        for ir in n.irs:
            if getattr(ir, "lvalue", None) is v:
                if isinstance(ir, Binary) and ir.type in _FOLD:
                    a = constant_value(function, ir.variable_left, _depth + 1)
                    b = constant_value(function, ir.variable_right, _depth + 1)
                    return None if a is None or b is None else _FOLD[ir.type](a, b)
                if isinstance(ir, (Assignment, TypeConversion)):
                    src = ir.rvalue if isinstance(ir, Assignment) else ir.variable
                    return constant_value(function, src, _depth + 1)
                return None
    return None


def is_power_of_two(n: int | None, at_least: int = 2) -> bool:
    return isinstance(n, int) and n >= at_least and n & (n - 1) == 0
