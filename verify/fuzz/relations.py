"""Input relations read from the AST: what a function's arguments must satisfy to pass each
branch condition, so a mutation can satisfy a nested chain of conditions at once.

For every comparison in an ``if``/``require``/``return`` condition (conjunctions split) whose one
side is an argument (through type conversions) and whose other side is a literal or an
arithmetic expression of arguments and literals (``p6 == uint256(p0) + 0xa9c4bfda``,
``p0 % 5 == 3``, ``p3 > 0x47f0``, ``p0 < p4``), a ``Relation`` says how to set that argument.
Each relation carries the relations of the ``if`` conditions (and earlier ``require``s) that
enclose it: applying the chain outermost first reaches the inner branch in one step. Arguments
are followed into internal functions called with them (``_probe(p0, ..., p7)``), so a relation
deep in a helper still names the external call's argument index. This is a cheap stand-in for
input-to-state correspondence; the path-gas feedback keeps what it reaches.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from verify.dynamic.ast_facts import _walk

from .dictionary import literal_value as _literal

__all__ = ["Relation", "Relations", "read_relations"]

_OPS = {"+", "-", "*", "/", "%", "^", "&", "|", "<<", ">>"}
_CMP = {"==", "<", ">", "<=", ">="}
_COMMUTATIVE = {"+", "*", "^", "&", "|"}


def _strip(e: dict) -> dict:
    while True:
        if e.get("nodeType") == "FunctionCall" and e.get("kind") == "typeConversion" and len(e.get("arguments") or []) == 1:
            e = e["arguments"][0]
        elif e.get("nodeType") == "TupleExpression" and len(e.get("components") or []) == 1 and e["components"][0]:
            e = e["components"][0]
        else:
            return e


def _expr(e: dict) -> Any:
    """A tiny expression tree: int, ("arg", decl id), (op, left, right); None when not arithmetic."""
    e = _strip(e)
    v = _literal(e)
    if v is not None:
        return v
    if e.get("nodeType") == "Identifier" and isinstance(e.get("referencedDeclaration"), int):
        return ("arg", e["referencedDeclaration"])
    if e.get("nodeType") == "BinaryOperation" and e.get("operator") in _OPS:
        left, right = _expr(e["leftExpression"]), _expr(e["rightExpression"])
        if left is not None and right is not None:
            return (e["operator"], left, right)
    return None


def _args_of(x: Any) -> set[int]:
    if isinstance(x, tuple):
        if x[0] == "arg":
            return {x[1]}
        return _args_of(x[1]) | _args_of(x[2])
    return set()


def evaluate(x: Any, env: dict[int, int]) -> int | None:
    if isinstance(x, int):
        return x
    if x[0] == "arg":
        return env.get(x[1])
    a, b = evaluate(x[1], env), evaluate(x[2], env)
    if a is None or b is None:
        return None
    op = x[0]
    try:
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            return a // b if b else None
        if op == "%":
            return a % b if b else None
        if op == "^":
            return a ^ b
        if op == "&":
            return a & b
        if op == "|":
            return a | b
        if op == "<<":
            return a << b if b < 512 else None
        if op == ">>":
            return a >> b
    except (ValueError, OverflowError):
        return None
    return None


@dataclass
class Relation:
    target: int  # the argument's declaration id
    op: str  # the comparison, with the target on the left
    other: Any  # expression the target is compared with
    inner: Any = None  # target side when it is (op, arg, literal): solve for the argument
    chain: list["Relation"] = field(default_factory=list)  # enclosing conditions, outermost first

    def sources(self) -> set[int]:
        out = _args_of(self.other) | {self.target} | (_args_of(self.inner[2]) if self.inner is not None else set())
        for r in self.chain:
            out |= r.sources()
        return out

    def solve(self, env: dict[int, int], rng: random.Random) -> int | None:
        want = evaluate(self.other, env)
        if want is None:
            return None
        if self.inner is not None:  # (op, arg, literal or another argument) compared with want
            op, _, k = self.inner
            k = evaluate(k, env)
            if k is None:
                return None
            cur = env.get(self.target, 0) or 0
            if op == "+":
                want = want - k
            elif op == "-":
                want = want + k
            elif op == "*":
                if not k or want % k:
                    return None
                want //= k
            elif op == "^":
                want ^= k
            elif op == "%":
                if not k or self.op != "==":
                    return None
                return cur - cur % k + want
            elif op == "/":
                want = want * k
            else:
                return None
        if self.op == "==" or self.op in ("<=", ">="):
            return want
        if self.op == ">":
            return want + 1 + (rng.randrange(1 << 16) if rng.random() < 0.3 else 0)
        if self.op == "<":
            return want - 1 - (rng.randrange(1 << 16) if rng.random() < 0.3 else 0)
        return None


def _flip(op: str) -> str:
    return {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "==": "=="}[op]


def _relations_of(cond: dict, params: set[int]) -> list[Relation]:
    cond = _strip(cond)
    if cond.get("nodeType") == "BinaryOperation" and cond.get("operator") == "&&":
        return _relations_of(cond["leftExpression"], params) + _relations_of(cond["rightExpression"], params)
    if cond.get("nodeType") != "BinaryOperation" or cond.get("operator") not in _CMP:
        return []
    op = cond["operator"]
    left, right = _expr(cond["leftExpression"]), _expr(cond["rightExpression"])
    out = []
    for a, b, o in ((left, right, op), (right, left, _flip(op))):
        if a is None or b is None:
            continue
        if isinstance(a, tuple) and a[0] == "arg" and a[1] in params:
            out.append(Relation(a[1], o, b))
        elif isinstance(a, tuple) and a[0] in _OPS:
            # one operator on the argument's side: ``p0 % 5``, ``p0 + C``, or another argument
            # (``p0 ^ p4 == C``: solved for either, the other as it is)
            sides = [(a[1], a[2])] + ([(a[2], a[1])] if a[0] in _COMMUTATIVE else [])
            for mine, rest in sides:
                if (isinstance(mine, tuple) and mine[0] == "arg" and mine[1] in params
                        and (isinstance(rest, int) or (isinstance(rest, tuple) and rest[0] == "arg"
                                                       and rest[1] != mine[1]))):
                    out.append(Relation(mine[1], o, b, inner=(a[0], mine, rest)))
    return out


class Relations:
    """Per external function name and arity: the relations its arguments can take, with the
    argument index of each declaration they mention."""

    def __init__(self):
        self.by_function: dict[tuple[str, int], tuple[dict[int, int], list[Relation]]] = {}

    def for_function(self, name: str, arity: int) -> tuple[dict[int, int], list[Relation]]:
        return self.by_function.get((name, arity), ({}, []))

    def __len__(self) -> int:
        return sum(len(r) for _, r in self.by_function.values())


def _collect(body: Any, params: set[int], stack: list[Relation], out: list[Relation]) -> None:
    """Relations of the conditions in ``body``, each with the enclosing ones as its chain."""
    if not isinstance(body, dict):
        return
    t = body.get("nodeType")
    if t == "Block" or t == "UncheckedBlock":
        local = list(stack)
        for st in body.get("statements") or []:
            if (st.get("nodeType") == "ExpressionStatement" and (st.get("expression") or {}).get("nodeType") == "FunctionCall"
                    and ((st["expression"].get("expression") or {}).get("name") == "require")
                    and st["expression"].get("arguments")):
                rels = _relations_of(st["expression"]["arguments"][0], params)
                for r in rels:
                    r.chain = list(local)
                out.extend(rels)
                local = local + rels
                continue
            _collect(st, params, local, out)
        return
    if t == "IfStatement":
        rels = _relations_of(body.get("condition") or {}, params)
        for r in rels:
            r.chain = list(stack)
        out.extend(rels)
        _collect(body.get("trueBody"), params, stack + rels, out)
        _collect(body.get("falseBody"), params, stack, out)
        return
    if t == "Return" and body.get("expression"):
        rels = _relations_of(body["expression"], params)
        for r in rels:
            r.chain = list(stack)
        out.extend(rels)
        return
    for key in ("body", "trueBody", "falseBody", "statements"):
        v = body.get(key)
        if isinstance(v, dict):
            _collect(v, params, stack, out)
        elif isinstance(v, list):
            for st in v:
                _collect(st, params, stack, out)


def read_relations(raw: dict[str, Any]) -> Relations:
    functions: dict[int, dict] = {}
    for info in (raw.get("sources") or {}).values():
        for n in _walk((info or {}).get("ast")):
            if n.get("nodeType") == "FunctionDefinition" and isinstance(n.get("id"), int):
                functions[n["id"]] = n
    params = {fid: [p["id"] for p in (f.get("parameters") or {}).get("parameters", [])] for fid, f in functions.items()}
    all_params = {p for ps in params.values() for p in ps}
    # each function's own relations, on its own parameters' declaration ids
    own: dict[int, list[Relation]] = {}
    for fid, f in functions.items():
        out: list[Relation] = []
        _collect(f.get("body") or {}, all_params, [], out)
        own[fid] = out
    # which internal function receives which of an external function's arguments
    calls: dict[int, list[tuple[int, list[int | None]]]] = {}
    for fid, f in functions.items():
        for n in _walk(f.get("body")):
            if n.get("nodeType") != "FunctionCall":
                continue
            callee = (n.get("expression") or {}).get("referencedDeclaration")
            if callee in functions:
                passed = []
                for a in n.get("arguments") or []:
                    a = _strip(a)
                    passed.append(a.get("referencedDeclaration") if a.get("nodeType") == "Identifier" else None)
                calls.setdefault(fid, []).append((callee, passed))
    rel = Relations()
    for fid, f in functions.items():
        if f.get("visibility") not in ("external", "public") or f.get("kind") not in ("function", None):
            continue
        index = {d: i for i, d in enumerate(params[fid])}
        rels = list(own[fid])
        frontier, seen = [(fid, dict(index))], {fid}
        while frontier:  # arguments followed into internal functions, a few levels deep
            cur, mapping = frontier.pop()
            for callee, passed in calls.get(cur, []):
                sub = {}
                for i, d in enumerate(passed):
                    if d in mapping and i < len(params[callee]):
                        sub[params[callee][i]] = mapping[d]
                if sub and callee not in seen and len(seen) < 16:
                    seen.add(callee)
                    index.update(sub)
                    rels += own[callee]
                    frontier.append((callee, sub))
        usable = [r for r in rels if r.sources() <= set(index)]
        if usable:
            rel.by_function[(f.get("name", ""), len(params[fid]))] = (index, usable)
    return rel
