"""ouro-tod-amount / ouro-tod-receiver: an ETH payment whose amount or receiver another
transaction can change while the paying one is pending (transaction-order dependence, in the
style of Securify's TODAmount / TODReceiver patterns).

Reported: a ``transfer``/``send``/``call{value: ..}`` in a public or external function F (or in
an internal or library function F calls: then the call statement in F is reported) whose amount
(``ouro-tod-amount``) or receiver (``ouro-tod-receiver``) is derived, by data flow, from a state
variable V that a *different* public or external function G writes (directly, in a modifier or
in an internal function it calls). Whoever orders transactions (a miner, or anyone paying more
gas) can then place G between the submission of F and its inclusion:

- amount: the first solver of a challenge is paid the reward the sponsor set a moment before; a
  holder selling back is paid at the bid the desk lowered in front of the sale. A G that only the
  owner can call counts: the owner changing a reward or a price after someone committed to the old
  one is the classic order dependence.
- receiver: a public ``fileReport()`` overwrites the hunter a pending ``payBounty()`` pays. Here G
  must be callable by anyone (not owner-guarded, see ``_common.owner_guarded``): a privileged
  writer can redirect any payment without racing anything (set, then pay), so ordering gives it
  nothing; the race is a third party slipping a new receiver in front of the payment.

``ouro-tod-amount`` also reports the ETH a payable F is sent exchanged at such a rate: msg.value
multiplied or divided by V (``tokens = msg.value / price``, ``msg.value.mul(rate)``, a helper F
passes msg.value to) where the result is credited (written to storage) or passed on (a mint, a
token transfer); the statement of the conversion is reported. The buyer commits its ETH, the
owner raises the price in front of it, the buyer gets fewer tokens for the same ETH.

Not reported, because the reordering decides nothing between different parties:

- the read is the caller's own entry: a mapping read at ``msg.sender`` (at any level:
  ``balances[msg.sender]``, ``allowed[a][msg.sender]``), whatever G writes to the mapping. Only the
  caller is paid from it, so a credit by someone else (a transfer to the caller, a grant) changes
  what one account gets, not who gets it. Likewise an amount read from the receiver's own entry
  (``a.transfer(balances[a])``), and a receiver read from the caller's own entry;
- the receiver is one a guard of F requires to be the caller (``require(msg.sender == keeper)``,
  ``if (msg.sender != owner) revert``, a modifier's ``if (msg.sender == creator) _;``): someone
  taking that role first makes the pending payment revert, it does not redirect it;
- V written only by F itself (two calls of F racing each other is not this pattern; that includes
  a G that writes V only by calling F, and a payment F makes only by calling G), only in the
  constructor, or only by functions nothing outside can call;
- F and G both owner-guarded: the privileged side orders its own transactions;
- G's write is a deposit: V grows by an amount derived from ``msg.value`` (``pot += msg.value``,
  ``fees += msg.value * rate / 100``): the writer funds the change with the ETH it sends;
- G's write is a withdrawal (``V -= x`` where G pays ``x`` out) and F pays a surplus derived from
  the contract's balance (``address(this).balance - totalDeposits``): both move by ``x``; and
  any write when F is owner-guarded and pays such a surplus (sweeping what is not owed: the
  users' accounting of what is owed races no one);
- G only appends (``push``, a write at a key derived from a counter G increments, or at a key
  hashing everything written there: ``proposals[keccak256(abi.encode(targets, values))] =
  Proposal(targets, values)``) and F reads one element: appending leaves existing elements as
  they are, and other content goes to another key (a read of the length still races);
- F and G cannot both succeed from one state: one requires a bool state flag the other requires
  unset (``require(drawn)`` / ``require(!drawn)``), or one requires the time at or after a stored
  deadline and the other at or before it (bidding before ``auctionEndTime``, paying out after);
- F compares V, or a value derived from it, with a caller input (an argument or ``msg.value``):
  ``require(bid >= minBid)``, ``require(reward == expectedReward)`` -- the caller pinned the terms
  it accepts (the direction of the bound is not checked);
- amounts that are constants, ``msg.value``, arguments or ``address(this).balance`` alone, and
  receivers that are ``msg.sender`` or arguments: no state variable in them.

Values returned by internal and library calls are followed (``owner()``, ``reward.sub(fee)``),
values returned by other contracts are not, nor is control dependence (``if (bonus) amount =
2 ether``). A storage pointer taking its place (``Order storage o = orders[id]``) is no write.
Struct fields are told apart (``orders[id].buyer`` does not race with a write to
``orders[id].open``); mapping keys are not, except for ``msg.sender``. Phase requirements count
only as require/assert statements on every path of F or G (``if (..) throw`` guards are not
read), and a flag some third function resets is still taken as a phase.

Severity medium: the reordering shifts one payment between parties, it does not drain the
contract. Confidence medium: the data flow from G's write to the payment is exact, but whether a
reordered owner update hurts anyone depends on intent (a fee adjusted in good faith is the same
code), and the guard and phase tests are ones of shape and names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from slither.core.cfg.node import Node, NodeType
from slither.core.declarations import Contract, Function, Modifier
from slither.core.declarations.solidity_variables import SolidityVariable
from slither.core.variables.local_variable import LocalVariable
from slither.core.variables.state_variable import StateVariable
from slither.slithir.operations import (
    Assignment,
    Binary,
    BinaryType,
    Delete,
    HighLevelCall,
    Index,
    InternalCall,
    Length,
    LibraryCall,
    LowLevelCall,
    Member,
    NewContract,
    Operation,
    OperationWithLValue,
    Return,
    SolidityCall,
    TypeConversion,
    Unary,
    UnaryType,
)
from slither.slithir.variables import Constant, ReferenceVariable

from . import DetectorClassification, OuroDetector
from ._common import (
    COMPARISONS,
    MSG_SENDER,
    MSG_VALUE,
    all_nodes,
    eth_payments,
    functions_of,
    is_conditional,
    is_hash_call,
    is_revert_node,
    origin,
    owner_guarded,
    reads,
    tolerant,
)

# Tokens a value is derived from (hashable tuples):
#   ("sender",)  msg.sender     ("value",)  msg.value     ("param", i)  argument i
#   ("balance",)  an address's ETH balance               ("time",)  block.timestamp / now
#   ("sv", V, keys, fields)  state variable V, read at mapping/array keys (one frozenset of tokens
#                            per level: what that key is derived from) and struct fields (names).
#   ("hash", inputs)  a keccak256/sha3/sha256 of values derived from the tokens in ``inputs`` (the
#                     inputs' own tokens are kept beside it)
#   ("conv", id)  the result of one conversion of msg.value at a stored rate (``msg.value / price``)
SENDER = ("sender",)
VALUE = ("value",)
BALANCE = ("balance",)
TIME = ("time",)
# Internal or library arithmetic helpers a rate is applied with (SafeMath, fixed-point libraries).
_RATE_HELPERS = frozenset({"mul", "div", "safeMul", "safeDiv", "mulDiv", "mulDivDown", "mulDivUp", "mulWadDown",
                           "mulWadUp", "divWadDown", "divWadUp", "mulWad", "divWad"})
_MAX_ROUNDS = 60
_MAX_DEPTH = 6


def _sv(v: StateVariable, keys: tuple = (), fields: tuple = ()) -> tuple:
    return ("sv", v, keys, fields)


def _is_sv(t: tuple) -> bool:
    return t[0] == "sv"


def _caller_input(t: tuple) -> bool:
    return t == VALUE or t[0] == "param"


def _per_key(t: tuple, key: frozenset) -> bool:
    return any(k == key for k in t[2])


def _per_caller(t: tuple) -> bool:
    return _per_key(t, frozenset({SENDER}))


def _fields_overlap(a: tuple, b: tuple) -> bool:
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def _subst(tokens: Iterable[tuple], args: list[set]) -> set[tuple]:
    """A callee's tokens seen from the call site: its parameters replaced by the arguments' tokens."""
    out: set[tuple] = set()
    for t in tokens:
        if t[0] == "param":
            if t[1] < len(args):
                out |= args[t[1]]
        elif _is_sv(t):
            keys = tuple(frozenset(_subst(k, args)) for k in t[2])
            out.add(_sv(t[1], keys, t[3]))
        elif t[0] == "hash":
            out.add(("hash", frozenset(_flat(_subst(t[1], args)))))
        else:
            out.add(t)
    return out


def _flat(tokens: Iterable[tuple]) -> set[tuple]:
    """Tokens with each hash replaced by what it hashes."""
    out: set[tuple] = set()
    for t in tokens:
        if t[0] == "hash":
            out |= _flat(t[1])
        elif t[0] != "conv":
            out.add(t)
    return out


@dataclass
class _Write:
    place: tuple  # ("sv", V, keys, fields) of the written storage
    node: Node
    kind: str  # "set" | "credit" (a deposit) | "debit" (V -= x, x paid out) | "append" (push, fresh key)
    via: frozenset = frozenset()  # canonical names of the functions called on the way to the write


@dataclass
class _Payment:
    node: Node  # the statement in the analysed function (a call site for a callee's payment)
    amount: set[tuple]
    receiver: set[tuple]
    via: frozenset = frozenset()


@dataclass
class _Conversion:
    node: Node  # the statement in the analysed function (a call site for a callee's conversion)
    rate: set[tuple]  # the state variable tokens msg.value is multiplied or divided by
    via: frozenset = frozenset()


@dataclass
class _Summary:
    returns: set[tuple] = field(default_factory=set)
    payments: list[_Payment] = field(default_factory=list)
    conversions: list[_Conversion] = field(default_factory=list)  # msg.value at a rate, credited or passed on
    sender_bound: set[tuple] = field(default_factory=set)  # sv tokens a guard requires to equal msg.sender
    writes: list[_Write] = field(default_factory=list)
    pins: set[tuple] = field(default_factory=set)  # sv tokens compared with a caller input
    requires: set[tuple] = field(default_factory=set)  # (("flag", B) | ("time", deadline), polarity)


class _Analyser:
    """Token flow per function, memoised; internal and library calls are followed."""

    def __init__(self) -> None:
        self._memo: dict[Function, _Summary] = {}
        self._busy: set[Function] = set()

    def summary(self, f: Function, depth: int = 0) -> _Summary:
        if f in self._memo:
            return self._memo[f]
        if f in self._busy or depth > _MAX_DEPTH:
            return _Summary()
        self._busy.add(f)
        try:
            s = self._analyse(f, depth)
        finally:
            self._busy.discard(f)
        self._memo[f] = s
        return s

    def _analyse(self, f: Function, depth: int) -> _Summary:
        params = {p: i for i, p in enumerate(f.parameters)}
        taint: dict[object, set[tuple]] = {}
        place: dict[object, tuple] = {}
        nodes = all_nodes(f)
        irs = [(n, ir) for n in nodes for ir in n.irs]
        node_of = {ir: n for n, ir in irs}
        conversions: dict[tuple, tuple[Node, set[tuple]]] = {}  # ("conv", id) -> (statement, rate tokens)

        def value(v) -> set[tuple]:
            if v is None or isinstance(v, Constant):
                return set()
            out = set(taint.get(v, ()))
            if v in place:
                out.add(place[v])
            elif isinstance(v, StateVariable):
                out.add(_sv(v))
            elif isinstance(v, ReferenceVariable) and isinstance(origin(v), StateVariable):
                out.add(_sv(origin(v)))  # e.g. a LENGTH reference
            elif v == MSG_SENDER:
                out.add(SENDER)
            elif v == MSG_VALUE:
                out.add(VALUE)
            elif isinstance(v, SolidityVariable) and v.name in ("block.timestamp", "now"):
                out.add(TIME)
            elif v in params:
                out.add(("param", params[v]))
            return out

        def base(v) -> tuple | None:
            if v in place:
                return place[v]
            if isinstance(v, StateVariable):
                return _sv(v)
            return None

        def is_storage(lv) -> bool:
            return isinstance(lv, StateVariable) or lv in place or (
                isinstance(lv, ReferenceVariable) and isinstance(origin(lv), StateVariable))

        changed, rounds = True, 0
        while changed and rounds < _MAX_ROUNDS:
            changed, rounds = False, rounds + 1
            for _, ir in irs:
                if not isinstance(ir, OperationWithLValue) or ir.lvalue is None:
                    continue
                lv = ir.lvalue
                got: set[tuple] = set()
                new_place = None
                if isinstance(ir, Index):
                    b = base(ir.variable_left)
                    key = value(ir.variable_right)
                    got = set(taint.get(ir.variable_left, ())) | key
                    if b is not None:
                        new_place = _sv(b[1], b[2] + (frozenset(key),), b[3])
                    else:
                        got |= value(ir.variable_left)
                elif isinstance(ir, Member):
                    b = base(ir.variable_left)
                    got = set(taint.get(ir.variable_left, ()))
                    if b is not None:
                        new_place = _sv(b[1], b[2], b[3] + (str(ir.variable_right),))
                    else:
                        got |= value(ir.variable_left)
                elif isinstance(ir, Length):
                    got = value(ir.value)
                elif isinstance(ir, Assignment) and isinstance(lv, LocalVariable) and ir.rvalue in place \
                        and str(getattr(lv, "location", "")) == "storage":
                    new_place = place[ir.rvalue]  # a storage pointer: `Order storage o = orders[id]`
                    got = set(taint.get(ir.rvalue, ()))
                elif is_storage(lv):
                    continue  # a write: storage is no carrier here, a read of it gives its own token
                else:
                    callee = _callee(ir)
                    if callee is not None:
                        args = [value(a) for a in ir.arguments]
                        got = _subst(self.summary(callee, depth + 1).returns, args)
                        if callee.name in _RATE_HELPERS and len(args) == 2:
                            got |= _conversion(ir, args[0], args[1], node_of[ir], conversions)
                        else:  # a helper converting msg.value at a rate it reads (``_tokensFor(msg.value)``)
                            from_args = set().union(*args) if args else set()
                            sent = {t for a in args if VALUE in a and not any(_is_sv(x) for x in a) for t in a}
                            got |= _conversion(ir, sent, {t for t in got if _is_sv(t) and t not in from_args},
                                               node_of[ir], conversions)
                    elif not isinstance(ir, (HighLevelCall, LowLevelCall, NewContract)):
                        # Operators, casts, builtins (keccak256, abi.encode): derived from what they
                        # read. A call to another contract returns that contract's data: not followed.
                        for r in reads(ir):
                            got |= value(r)
                        if isinstance(ir, SolidityCall) and ir.function.name == "balance(address)":
                            got.add(BALANCE)
                        if is_hash_call(ir) and _flat(got):
                            got.add(("hash", frozenset(_flat(got))))
                        if isinstance(ir, Binary) and ir.type in (BinaryType.MULTIPLICATION, BinaryType.DIVISION):
                            got |= _conversion(ir, value(ir.variable_left), value(ir.variable_right), node_of[ir],
                                               conversions)
                if new_place is not None and place.get(lv) != new_place:
                    place[lv] = new_place
                    changed = True
                if got and not got <= taint.get(lv, set()):
                    taint.setdefault(lv, set()).update(got)
                    changed = True

        s = _Summary()
        for node in nodes:
            for ir, dest in eth_payments(node):
                s.payments.append(_Payment(node, value(getattr(ir, "call_value", None)), value(dest)))
        paid = [p.amount for p in s.payments]
        counters = _counters(irs)
        defs = {ir.lvalue: ir for _, ir in irs if isinstance(ir, OperationWithLValue) and ir.lvalue is not None
                and not is_storage(ir.lvalue)}
        for node, ir in irs:
            if isinstance(ir, Return):
                for v in ir.values:
                    s.returns |= value(v)
            callee = _callee(ir)
            if callee is not None:
                sub = self.summary(callee, depth + 1)
                args = [value(a) for a in ir.arguments]
                via = frozenset({callee.canonical_name})
                for p in sub.payments:
                    s.payments.append(_Payment(node, _subst(p.amount, args), _subst(p.receiver, args), p.via | via))
                for w in sub.writes:
                    s.writes.append(_Write(next(iter(_subst([w.place], args))), w.node, w.kind, w.via | via))
                for c in sub.conversions:
                    s.conversions.append(_Conversion(node, _subst(c.rate, args), c.via | via))
                if sub.sender_bound and _on_every_path(node, f):
                    s.sender_bound |= _subst(sub.sender_bound, args)
            w = _write_of(ir, place, value, counters, defs, paid)
            if w is not None:
                s.writes.append(_Write(w[0], node, w[1]))
        for v in f.returns:
            s.returns |= value(v)
        # A conversion of msg.value counts when its result is credited (written to storage) or passed
        # on (to a call: a mint, a token transfer); one only compared or emitted buys nothing.
        credited: set[tuple] = set()
        for _, ir in irs:
            used: list = []
            if isinstance(ir, (InternalCall, LibraryCall, HighLevelCall)):
                used = list(ir.arguments)
            elif isinstance(ir, OperationWithLValue) and ir.lvalue is not None and is_storage(ir.lvalue) \
                    and not isinstance(ir, (Index, Member, Length)):
                used = reads(ir)
            for v in used:
                credited |= {t for t in value(v) if t in conversions}
        for marker in sorted(credited, key=lambda m: conversions[m][0].node_id):
            node, rate = conversions[marker]
            s.conversions.append(_Conversion(node, rate))
        s.sender_bound |= _sender_bound(nodes, f, value)
        for node in nodes:
            written = {w.place[1] for w in s.writes if w.node is node}
            for v in node.state_variables_written:  # anything the IR walk did not see as a write
                if isinstance(v, StateVariable) and v not in written:
                    s.writes.append(_Write(_sv(v), node, "set"))
            if not is_conditional(node):
                continue
            for ir in node.irs:
                if isinstance(ir, Binary) and ir.type in COMPARISONS:
                    left, right = value(ir.variable_left), value(ir.variable_right)
                    for a, b in ((left, right), (right, left)):
                        if any(_caller_input(t) for t in b) and not any(_is_sv(t) for t in b):
                            s.pins |= {t for t in a if _is_sv(t)}
            if _on_every_path(node, f):
                for ir in node.irs:
                    if isinstance(ir, SolidityCall) and ir.function.name.startswith(("require(", "assert(")) \
                            and ir.arguments:
                        s.requires |= _literals(ir.arguments[0], defs, value, True)
        return s


def _conversion(ir: Operation, a: set[tuple], b: set[tuple], node: Node, conversions: dict) -> set[tuple]:
    """The marker of ``msg.value`` (``a`` or ``b``, with no state in it) multiplied or divided by state."""
    for sent, rate in ((a, b), (b, a)):
        if VALUE in sent and not any(_is_sv(t) for t in sent) and VALUE not in rate \
                and any(_is_sv(t) for t in rate):
            marker = ("conv", id(ir))
            conversions[marker] = (node, {t for t in rate if _is_sv(t)})
            return {marker}
    return set()


def _sender_bound(nodes: list[Node], f: Function, value) -> set[tuple]:
    """State tokens a guard of ``f`` (or of its modifiers) requires to be msg.sender for the rest of it:
    ``require(msg.sender == owner)`` on every path, ``if (msg.sender != owner) revert()`` on every
    path, a modifier's ``if (msg.sender == owner) _;``. A disjunction binds nothing."""
    out: set[tuple] = set()
    for node in nodes:
        if not is_conditional(node) or any(isinstance(ir, Binary) and ir.type == BinaryType.OROR for ir in node.irs):
            continue
        for ir in node.irs:
            if not (isinstance(ir, Binary) and ir.type in (BinaryType.EQUAL, BinaryType.NOT_EQUAL)):
                continue
            left, right = value(ir.variable_left), value(ir.variable_right)
            for a, b in ((left, right), (right, left)):
                if a != {SENDER} or not any(_is_sv(t) for t in b) or not _binds(node, ir.type, f):
                    continue
                out |= {t for t in b if _is_sv(t)}
    return out


def _binds(node: Node, kind: BinaryType, f: Function) -> bool:
    if kind == BinaryType.EQUAL and node.contains_require_or_assert():
        return _on_every_path(node, f)
    if node.type != NodeType.IF or node.son_true is None:
        return False
    if kind == BinaryType.NOT_EQUAL:
        return is_revert_node(node.son_true) and _on_every_path(node, f)
    placeholders = [n for n in node.function.nodes if n.type == NodeType.PLACEHOLDER]
    return bool(placeholders) and all(n is node.son_true or node.son_true in (n.dominators or ()) for n in placeholders)


def _callee(ir: Operation) -> Function | None:
    if isinstance(ir, (InternalCall, LibraryCall)) and isinstance(ir.function, Function) \
            and not isinstance(ir.function, Modifier) and ir.function.nodes:
        return ir.function
    return None


def _counters(irs) -> set[StateVariable]:
    """State variables the function increments (``nextId++``, ``count += 1``)."""
    out = set()
    for _, ir in irs:
        if isinstance(ir, Binary) and ir.type == BinaryType.ADDITION and isinstance(ir.lvalue, StateVariable) \
                and ir.lvalue in (ir.variable_left, ir.variable_right) \
                and any(isinstance(x, Constant) for x in (ir.variable_left, ir.variable_right)):
            out.add(ir.lvalue)
    return out


def _write_of(ir: Operation, place, value, counters, defs, paid) -> tuple[tuple, str] | None:
    """(written place, kind) if the IR writes storage."""
    if isinstance(ir, (Index, Member, Length)) or not isinstance(ir, OperationWithLValue):
        return None
    lv = ir.lvalue
    if isinstance(ir, Assignment) and isinstance(lv, LocalVariable) and ir.rvalue in place:
        return None  # a storage pointer taking its place (`Order storage o = orders[id]`) writes nothing
    if isinstance(lv, StateVariable):
        p = _sv(lv)
    elif lv in place:
        p = place[lv]
    elif isinstance(lv, ReferenceVariable) and isinstance(origin(lv), StateVariable):
        # A LENGTH reference (``push``, ``arr.length++``): the elements already there stay.
        return _sv(origin(lv)), "append"
    else:
        return None
    kind = _accounting(ir, lv, p, place, value, defs, paid)
    if kind is not None:
        return p, kind
    if p[2] and not isinstance(ir, Delete):
        last = p[2][-1]
        if any(_is_sv(t) and (t[1] in counters or (t[1] is p[1] and not t[2])) for t in last):
            return p, "append"  # orders[nextId++] = ..., players[players.length] = ...
        hashed = set().union(*(t[1] for t in last if t[0] == "hash"))
        written = _flat(set().union(*(value(r) for r in reads(ir))))
        if written and written <= hashed:
            # proposals[keccak256(targets, values)] = Proposal(targets, values): the key commits to
            # the content, so other content goes to another key and an existing entry stays.
            return p, "append"
    return p, "set"


def _accounting(ir: Operation, lv, p: tuple, place, value, defs, paid) -> str | None:
    """"credit" for a deposit (``V += msg.value``, ``V = V + msg.value * rate / 100``, possibly
    through a temporary); "debit" for ``V -= x`` where the same function pays ``x`` out."""
    op = defs.get(ir.rvalue) if isinstance(ir, Assignment) else ir
    if not (isinstance(op, Binary) and op.type in (BinaryType.ADDITION, BinaryType.SUBTRACTION)):
        return None

    def same(x) -> bool:
        return x is lv or (x in place and place[x] == p) or (isinstance(x, StateVariable) and _sv(x) == p)

    pairs = [(op.variable_left, op.variable_right)]
    if op.type == BinaryType.ADDITION:
        pairs.append((op.variable_right, op.variable_left))
    for a, b in pairs:
        if not same(a):
            continue
        got = value(b)
        if op.type == BinaryType.ADDITION and VALUE in got:
            return "credit"
        if op.type == BinaryType.SUBTRACTION and got and any(got == amount for amount in paid):
            return "debit"
    return None


def _on_every_path(node: Node, f: Function) -> bool:
    """True if every path from the entry of the node's function (or modifier) to an exit runs
    through ``node``, i.e. the statement is not inside a branch."""
    fn = node.function
    entry = getattr(fn, "entry_point", None)
    if entry is None or entry is node:
        return entry is node
    seen, stack = {node.node_id}, [entry]
    while stack:
        n = stack.pop()
        if n.node_id in seen:
            continue
        seen.add(n.node_id)
        if not n.sons:
            return False  # reached an exit without passing the node
        stack.extend(n.sons)
    return True


def _literals(v, defs, value, polarity: bool) -> set[tuple]:
    """What a required condition says about bool state flags and stored deadlines (conjuncts only)."""
    if isinstance(v, StateVariable) and str(v.type) == "bool":
        return {(("flag", v), polarity)}
    ir = defs.get(v)
    if isinstance(ir, (Assignment, TypeConversion)):
        return _literals(ir.rvalue if isinstance(ir, Assignment) else ir.variable, defs, value, polarity)
    if isinstance(ir, Unary) and ir.type == UnaryType.BANG:
        return _literals(ir.rvalue, defs, value, not polarity)
    if not isinstance(ir, Binary):
        return set()
    if ir.type == BinaryType.ANDAND and polarity:
        return _literals(ir.variable_left, defs, value, True) | _literals(ir.variable_right, defs, value, True)
    if ir.type in (BinaryType.LESS, BinaryType.LESS_EQUAL, BinaryType.GREATER, BinaryType.GREATER_EQUAL):
        left, right = value(ir.variable_left), value(ir.variable_right)
        later = ir.type in (BinaryType.GREATER, BinaryType.GREATER_EQUAL)  # left is later than right
        for now, other, after in ((left, right, later), (right, left, not later)):
            deadline = frozenset((t[1], t[2], t[3]) for t in other if _is_sv(t))
            if now == {TIME} and deadline and TIME not in other:
                return {(("time", deadline), after if polarity else not after)}
    return set()


def _exclusive(a: set[tuple], b: set[tuple]) -> bool:
    """One function requires what the other requires not to hold: they never both succeed from one state."""
    return any((key, not pol) in b for key, pol in a)


def _entry_points(contract: Contract) -> list[Function]:
    return [g for g in contract.functions
            if g.visibility in ("public", "external") and g.nodes and not g.is_constructor
            and not getattr(g, "is_constructor_variables", False) and not g.view and not g.pure]


@dataclass
class _Race:
    var: tuple  # the read token
    writer: Function
    write: _Write


class _TodBase(OuroDetector):
    # low: many orderings it reports are designed powers (an owner revoking vesting, a vault's
    # share price moving with deposits); `ouro-front-running` confirms the ones that cost a buyer
    IMPACT = DetectorClassification.LOW
    CONFIDENCE = DetectorClassification.MEDIUM
    CATEGORY = "front-running"
    WIKI = "https://swcregistry.io/docs/SWC-114"
    WIKI_RECOMMENDATION = (
        "Let the caller pin the terms it accepts (`require(price <= maxPrice)`, the expected reward or "
        "receiver as an argument), freeze the terms once a round is open, or record what each account "
        "is owed and let it withdraw."
    )
    _WHAT = ""  # "amount" | "receiver"

    def _detect(self):
        results = []
        analyser = _Analyser()
        for contract, f in functions_of(self.contracts):
            if f.canonical_name not in {g.canonical_name for g in _entry_points(contract)}:
                continue
            found = tolerant(self, f, lambda: self._check(analyser, contract, f), default=[])
            for (node, how), races in found:
                results.append(self.generate_result(self._info(f, node, how, races)))
        return results

    def _info(self, f: Function, node: Node, how: str, races: list[_Race]) -> list:
        if how == "converts":
            what = " exchanges the ETH it is sent at a rate another transaction can change while this one is pending: "
        else:
            what = f" sends ETH whose {self._WHAT} another transaction can change while this one is pending: "
        info = [f, what, node, "; "]
        parts = []
        for r in races:
            name = r.var[1].name + "".join(f".{x}" for x in r.var[3])
            lines = r.write.node.source_mapping.lines if r.write.node.source_mapping else []
            who = "owner-guarded" if owner_guarded(r.writer) else "callable by anyone"
            parts.append(f"{name} is written by {r.writer.contract.name}.{r.writer.full_name} "
                         f"at line {lines[0] if lines else '?'} ({who})")
        info.append("; ".join(parts) + ".\n")
        return info

    def _check(self, analyser: _Analyser, contract: Contract, f: Function) \
            -> list[tuple[tuple[Node, str], list[_Race]]]:
        s = analyser.summary(f)
        if not s.payments and not s.conversions:
            return []
        f_guarded = owner_guarded(f)
        writers = []
        for g in _entry_points(contract):
            if g.canonical_name == f.canonical_name:
                continue
            gs = tolerant(self, g, lambda g=g: analyser.summary(g), default=None)
            if gs is None or not gs.writes or _exclusive(s.requires, gs.requires):
                continue
            g_guarded = owner_guarded(g)
            if f_guarded and g_guarded:
                continue  # the privileged side orders its own transactions
            if self._WHAT == "receiver" and g_guarded:
                continue  # a privileged writer needs no race to redirect a payment
            # A write G makes by calling F is F's own.
            writes = [w for w in gs.writes if f.canonical_name not in w.via]
            writers.append((g, writes))
        # (statement, what it does with the value, the tokens read, calls on the way, balance surplus)
        uses = [(p.node, "pays", self._tokens(p, s), p.via, BALANCE in p.amount) for p in s.payments]
        if self._WHAT == "amount" and f.payable:
            uses += [(c.node, "converts", c.rate, c.via, False) for c in s.conversions]
        by_node: dict[tuple[Node, str], list[_Race]] = {}
        for node, how, tokens, via, surplus in uses:
            if surplus and f_guarded and how == "pays":
                # the privileged side sweeping what is free (balance minus what is owed): users'
                # bookkeeping moving the owed part decides nothing between parties
                continue
            for t in tokens:
                if not _is_sv(t) or _per_caller(t) or _pinned(t, s.pins):
                    continue
                for g, writes in writers:
                    if g.canonical_name in via:
                        continue  # F pays by calling G: G racing itself
                    w = next((w for w in writes if _races(t, w, surplus=surplus)), None)
                    if w is None:
                        continue
                    races = by_node.setdefault((node, how), [])
                    if not any(r.var[1] is t[1] and r.var[3] == t[3] and r.writer is g for r in races):
                        races.append(_Race(t, g, w))
        return sorted(by_node.items(), key=lambda kv: (kv[0][0].node_id, kv[0][1]))

    def _tokens(self, p: _Payment, s: _Summary) -> set[tuple]:
        raise NotImplementedError


def _pinned(t: tuple, pins: set[tuple]) -> bool:
    return any(p[1] is t[1] and _fields_overlap(p[3], t[3]) for p in pins)


def _races(read: tuple, w: _Write, surplus: bool = False) -> bool:
    if w.place[1] is not read[1] or not _fields_overlap(w.place[3], read[3]):
        return False
    if w.kind == "credit":
        return False  # a deposit: the writer pays for the change
    if w.kind == "debit" and surplus:
        return False  # balance - V: a withdrawal lowers both by what it pays, the surplus stays
    if w.kind == "append" and read[2]:
        return False  # one element: appending leaves it as it is
    return True


class TodAmount(_TodBase):
    ARGUMENT = "ouro-tod-amount"
    HELP = "ETH amount another transaction can change while the payment is pending"
    WIKI_TITLE = "Transaction-order dependent amount"
    WIKI_DESCRIPTION = (
        "The ETH a function pays is derived from a state variable that another public function writes. "
        "Whoever orders transactions can put that write between the submission of the payment and its "
        "inclusion, so the caller is paid (or pays) under terms it did not see."
    )
    WIKI_EXPLOIT_SCENARIO = """
```solidity
uint256 public reward;
function setReward(uint256 r) public { require(msg.sender == sponsor); reward = r; }
function submit(uint256 a, uint256 b) public {
    require(a > 1 && b > 1 && a * b == target);
    msg.sender.transfer(reward);
}
```
Bob solves the challenge and calls `submit`. The sponsor sees the pending transaction and sends
`setReward(0)` with a higher gas price: it is mined first and Bob is paid nothing."""
    _WHAT = "amount"

    def _tokens(self, p: _Payment, s: _Summary) -> set[tuple]:
        receiver = frozenset(p.receiver)
        # The receiver's own entry (``a.transfer(balances[a])``) is that account's, not a shared race.
        return {t for t in p.amount if not (_is_sv(t) and receiver and _per_key(t, receiver))}


class TodReceiver(_TodBase):
    ARGUMENT = "ouro-tod-receiver"
    HELP = "ETH receiver anyone can change while the payment is pending"
    WIKI_TITLE = "Transaction-order dependent receiver"
    WIKI_DESCRIPTION = (
        "The address a function pays is read from a state variable that another public function, "
        "callable by anyone, writes. Whoever sees the payment pending can send that write first and be "
        "paid in the intended receiver's place."
    )
    WIKI_EXPLOIT_SCENARIO = """
```solidity
address public hunter;
function fileReport(bytes32 report) public { hunter = msg.sender; reportHash = report; }
function payBounty() public { require(msg.sender == maintainer); hunter.transfer(bounty); }
```
The maintainer sends `payBounty()` for Bob's report. Eve sees it and sends `fileReport` with a
higher gas price: she becomes the hunter just before the payment and is paid the bounty."""
    _WHAT = "receiver"

    def _tokens(self, p: _Payment, s: _Summary) -> set[tuple]:
        # A receiver a guard requires to be the caller (``require(msg.sender == owner); owner.transfer``)
        # is the caller: a writer slipping in front makes the payment revert, not pay it.
        return set(p.receiver) - s.sender_bound
