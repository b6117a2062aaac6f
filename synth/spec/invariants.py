"""The spec invariant language: parsed into an AST here, compiled into property checks elsewhere.

    invariant := "only" "(" actor ")" "changes" NAME ["(" args ")"]  |  expr
    expr      := and ("or" and)*          and := not ("and" not)*       not := "not" not | cmp
    cmp       := sum [("=="|"!="|"<="|">="|"<"|">") sum]
    sum       := term (("+"|"-") term)*   term := unary (("*"|"/"|"%") unary)*
    unary     := "-" unary | atom
    atom      := NUMBER [unit] | NAME | NAME "(" [expr ("," expr)*] ")" | "(" expr ")"
               | NAME "." NAME ["(" [expr ("," expr)*] ")"]
               | "sum" "(" expr "for" NAME "in" NAME ")"

Names are actors (``owner``, ``alice``, ``this``...), spec parameters, or the contract's view
functions; which is resolved against the compiled ABI. In a system spec a contract's name is
its address, and ``Token.balanceOf(Pool)`` calls a view of another contract of the system.
Nothing is ever handed to ``eval``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

__all__ = ["BinOp", "BoolOp", "Call", "Compare", "InvariantSyntaxError", "Name", "Neg", "Not", "Num", "OnlyChanges",
           "SumOver", "parse_invariant"]

UNITS = {"wei": 1, "gwei": 10**9, "ether": 10**18, "seconds": 1, "minutes": 60, "hours": 3600, "days": 86400,
         "weeks": 604800, "years": 365 * 86400}
_TOKEN = re.compile(r"\s*(?:(?P<num>\d[\d_]*(?:\.\d+)?(?:[eE]\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|"
                    r"(?P<op>==|!=|<=|>=|[<>+\-*/%(),.]))")
KEYWORDS = {"and", "or", "not", "for", "in", "only", "changes"}


class InvariantSyntaxError(ValueError):
    def __init__(self, message: str, column: int):
        super().__init__(f"{message} at column {column}")
        self.column = column


@dataclass(frozen=True)
class Num:
    value: int


@dataclass(frozen=True)
class Name:
    id: str


@dataclass(frozen=True)
class Call:
    func: str
    args: tuple["Expr", ...]
    on: str | None = None  # another contract of the system (``Token.balanceOf(x)``); None: this one


@dataclass(frozen=True)
class SumOver:
    body: "Expr"
    var: str
    iterable: str


@dataclass(frozen=True)
class BinOp:
    op: str
    left: "Expr"
    right: "Expr"


@dataclass(frozen=True)
class Compare:
    op: str
    left: "Expr"
    right: "Expr"


@dataclass(frozen=True)
class BoolOp:
    op: str  # and | or
    left: "Expr"
    right: "Expr"


@dataclass(frozen=True)
class Not:
    operand: "Expr"


@dataclass(frozen=True)
class Neg:
    operand: "Expr"


@dataclass(frozen=True)
class OnlyChanges:
    actor: str
    target: "Expr"  # Name or Call


Expr = Union[Num, Name, Call, SumOver, BinOp, Compare, BoolOp, Not, Neg]


def _tokenize(text: str) -> list[tuple[str, str, int]]:
    out, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m:
            col = pos + (len(text[pos:]) - len(text[pos:].lstrip())) + 1
            raise InvariantSyntaxError(f"unexpected character {text[col - 1]!r}", col)
        kind = m.lastgroup
        out.append((kind, m.group(kind), m.start(kind) + 1))
        pos = m.end()
    out.append(("end", "", len(text) + 1))
    return out


class _Parser:
    def __init__(self, text: str):
        self.toks = _tokenize(text)
        self.i = 0

    def peek(self, value: str | None = None, kind: str | None = None) -> bool:
        k, v, _ = self.toks[self.i]
        return (value is None or v == value) and (kind is None or k == kind)

    def take(self, value: str | None = None, kind: str | None = None, what: str | None = None):
        k, v, col = self.toks[self.i]
        if not self.peek(value, kind):
            want = what or (repr(value) if value else kind)
            got = "the end" if k == "end" else repr(v)
            raise InvariantSyntaxError(f"expected {want}, found {got}", col)
        self.i += 1
        return v, col

    def invariant(self):
        if self.peek("only"):
            self.take("only")
            self.take("(")
            actor, _ = self.take(kind="name", what="an actor name")
            self.take(")")
            self.take("changes")
            target = self.atom()
            if not isinstance(target, (Name, Call)):
                raise InvariantSyntaxError("'changes' must be followed by a state variable or view call",
                                           self.toks[self.i - 1][2])
            node = OnlyChanges(actor, target)
        else:
            node = self.expr()
        if not self.peek(kind="end"):
            _, v, col = self.toks[self.i]
            raise InvariantSyntaxError(f"unexpected {v!r}", col)
        return node

    def expr(self):
        node = self.and_()
        while self.peek("or"):
            self.take()
            node = BoolOp("or", node, self.and_())
        return node

    def and_(self):
        node = self.not_()
        while self.peek("and"):
            self.take()
            node = BoolOp("and", node, self.not_())
        return node

    def not_(self):
        if self.peek("not"):
            self.take()
            return Not(self.not_())
        return self.cmp()

    def cmp(self):
        node = self.sum_()
        for op in ("==", "!=", "<=", ">=", "<", ">"):
            if self.peek(op):
                self.take()
                node = Compare(op, node, self.sum_())
                break
        return node

    def sum_(self):
        node = self.term()
        while self.peek("+") or self.peek("-"):
            op, _ = self.take()
            node = BinOp(op, node, self.term())
        return node

    def term(self):
        node = self.unary()
        while self.peek("*") or self.peek("/") or self.peek("%"):
            op, _ = self.take()
            node = BinOp(op, node, self.unary())
        return node

    def unary(self):
        if self.peek("-"):
            self.take()
            return Neg(self.unary())
        return self.atom()

    def atom(self):
        k, v, col = self.toks[self.i]
        if k == "num":
            self.take()
            value = _number(v, col)
            if self.peek(kind="name") and self.toks[self.i][1] in UNITS:
                unit, _ = self.take()
                value = value * UNITS[unit]
            if value != int(value):
                raise InvariantSyntaxError(f"{v} is not a whole number", col)
            return Num(int(value))
        if self.peek("("):
            self.take()
            node = self.expr()
            self.take(")")
            return node
        if k == "name" and v not in KEYWORDS:
            self.take()
            if v == "sum" and self.peek("("):
                self.take("(")
                body = self.expr()
                self.take("for")
                var, _ = self.take(kind="name", what="a loop variable")
                self.take("in")
                it, _ = self.take(kind="name", what="'actors'")
                self.take(")")
                return SumOver(body, var, it)
            on = None
            if self.peek("."):
                self.take(".")
                on, v = v, self.take(kind="name", what="a view function name")[0]
            if self.peek("("):
                self.take("(")
                args = []
                if not self.peek(")"):
                    args.append(self.expr())
                    while self.peek(","):
                        self.take()
                        args.append(self.expr())
                self.take(")")
                return Call(v, tuple(args), on)
            return Call(v, (), on) if on else Name(v)
        got = "the end" if k == "end" else repr(v)
        raise InvariantSyntaxError(f"expected a number, name or '(', found {got}", col)


def _number(text: str, col: int):
    from decimal import Decimal

    try:
        return Decimal(text.replace("_", ""))
    except Exception:  # noqa: BLE001
        raise InvariantSyntaxError(f"bad number {text!r}", col) from None


def parse_invariant(text: str):
    """The AST of one invariant, or ``InvariantSyntaxError`` naming the column."""
    if not text.strip():
        raise InvariantSyntaxError("empty invariant", 1)
    return _Parser(text).invariant()
