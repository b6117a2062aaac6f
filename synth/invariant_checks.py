"""Spec invariants compiled into verification-engine properties.

Each invariant's AST is checked against the compiled ABI (every name must be an actor, a spec
parameter or a view function of the right arity) and then evaluated by walking the AST after
every step of a sequence: view calls go to the EVM, arithmetic is exact integer arithmetic.
"""

from __future__ import annotations

import difflib
from typing import Any

from eth_abi import decode, encode

from verify.properties.base import Property, RunContext

from .spec.invariants import BinOp, BoolOp, Call, Compare, Name, Neg, Not, Num, OnlyChanges, SumOver

__all__ = ["InvariantError", "SpecInvariant", "compile_invariants"]

ACTOR_ALIASES = {"owner": "deployer", "admin": "deployer", "deployer": "deployer", "alice": "alice", "bob": "bob",
                 "attacker": "attacker", "this": "target", "target": "target", "contract": "target"}
BUILTINS = {"balance": 1, "sum": None}


class InvariantError(ValueError):
    """An invariant that does not fit the generated contract (unknown name, wrong arity)."""


class _Unavailable(Exception):
    """A view call reverted: the invariant cannot be judged in this state."""


class SpecInvariant(Property):
    CATEGORY = "other"
    IMPACT = "high"
    CONFIDENCE = "high"
    HELP = "An invariant written in the spec"

    def __init__(self, index: int, text: str, ast, params: dict[str, int], views: dict[str, Any],
                 system: dict[str, dict] | None = None, self_name: str | None = None):
        self.index, self.text, self.ast, self.params, self.views = index, text, ast, params, views
        self.system = system or {}  # another contract's name -> its views (found in Session.refs)
        self.self_name = self_name
        self.ARGUMENT = f"spec-invariant-{index}"

    def check(self, ctx: RunContext, step, outcome) -> str | None:
        try:
            if isinstance(self.ast, OnlyChanges):
                return self._only_changes(ctx, step)
            if not self._eval(self.ast, ctx, {}):
                return f"invariant {self.index} `{self.text}` is false after this step"
        except _Unavailable:
            return None
        return None

    # -- only(actor) changes x -----------------------------------------------------------
    def start(self, ctx: RunContext) -> None:
        if isinstance(self.ast, OnlyChanges):
            store = ctx.__dict__.setdefault("_only_prev", {})
            try:
                store[self.index] = self._eval(self.ast.target, ctx, {})
            except _Unavailable:
                store.pop(self.index, None)
            store[("owner", self.index)] = self._current_owner(ctx)

    def _current_owner(self, ctx: RunContext) -> str | None:
        """``owner`` is whoever the contract says owns it (ownership can be handed over)."""
        if self.ast.actor != "owner" or ("owner", 0) not in self.views:
            return None
        try:
            return str(self._view(ctx, "owner", [])).lower()
        except _Unavailable:
            return None

    def _only_changes(self, ctx: RunContext, step) -> str | None:
        store = ctx.__dict__.setdefault("_only_prev", {})
        prev = store.get(self.index)
        now = self._eval(self.ast.target, ctx, {})
        store[self.index] = now
        owner_before = store.get(("owner", self.index))
        store[("owner", self.index)] = self._current_owner(ctx)
        if prev is None or prev == now or step.actor == "warp":
            return None
        allowed = ACTOR_ALIASES[self.ast.actor]
        if step.actor == allowed:
            return None
        sender = (ctx.session.roles().get(step.actor) or "").lower()
        if owner_before and sender == owner_before:
            return None
        return f"invariant {self.index} `{self.text}`: {step.actor} changed it from {prev} to {now}"

    # -- expressions -------------------------------------------------------------------
    def _eval(self, node, ctx: RunContext, env: dict[str, Any]):
        s = ctx.session
        if isinstance(node, Num):
            return node.value
        if isinstance(node, Name):
            if node.id in env:
                return env[node.id]
            if node.id in ACTOR_ALIASES:
                return s.roles()[ACTOR_ALIASES[node.id]]
            if node.id in self.params:
                return self.params[node.id]
            if node.id == self.self_name:
                return s.address
            if node.id in self.system:
                return self._address_of(ctx, node.id)
            return self._view(ctx, node.id, [])
        if isinstance(node, Call):
            args = [self._eval(a, ctx, env) for a in node.args]
            if node.func == "balance":
                return s.ex.balance(args[0])
            if node.on is not None and node.on != self.self_name:
                return self._view(ctx, node.func, args, node.on)
            return self._view(ctx, node.func, args)
        if isinstance(node, SumOver):
            total = 0
            for addr in s.roles().values():
                total += self._eval(node.body, ctx, {**env, node.var: addr})
            return total
        if isinstance(node, BinOp):
            a, b = self._eval(node.left, ctx, env), self._eval(node.right, ctx, env)
            if node.op == "+":
                return a + b
            if node.op == "-":
                return a - b
            if node.op == "*":
                return a * b
            if b == 0:
                raise _Unavailable()
            return a // b if node.op == "/" else a % b
        if isinstance(node, Compare):
            a, b = self._eval(node.left, ctx, env), self._eval(node.right, ctx, env)
            return {"==": a == b, "!=": a != b, "<=": a <= b, ">=": a >= b, "<": a < b, ">": a > b}[node.op]
        if isinstance(node, BoolOp):
            a = bool(self._eval(node.left, ctx, env))
            if node.op == "and":
                return a and bool(self._eval(node.right, ctx, env))
            return a or bool(self._eval(node.right, ctx, env))
        if isinstance(node, Not):
            return not self._eval(node.operand, ctx, env)
        if isinstance(node, Neg):
            return -self._eval(node.operand, ctx, env)
        raise TypeError(node)

    def _address_of(self, ctx: RunContext, contract: str) -> str:
        refs = getattr(ctx.session, "refs", {}) or {}
        if contract not in refs:
            raise _Unavailable()
        return refs[contract]

    def _view(self, ctx: RunContext, name: str, args: list, on: str | None = None) -> Any:
        fn = (self.system[on] if on else self.views)[(name, len(args))]
        s = ctx.session
        to = self._address_of(ctx, on) if on else s.address
        raw = s.ex.static(to, fn["selector"] + encode(fn["inputs"], args))
        if raw is None:
            raise _Unavailable()
        out = decode(fn["outputs"], raw)
        v = out[0]
        return int(v) if isinstance(v, bool) else v


def _views(abi: list[dict]) -> dict[tuple[str, int], dict]:
    from eth_utils import function_signature_to_4byte_selector

    from verify.dynamic.target import abi_type

    out = {}
    for item in abi:
        if item.get("type") != "function" or item.get("stateMutability") not in ("view", "pure"):
            continue
        if len(item.get("outputs", [])) != 1:
            continue
        inputs = [abi_type(i) for i in item.get("inputs", [])]
        out[(item["name"], len(inputs))] = {
            "selector": function_signature_to_4byte_selector(f"{item['name']}({','.join(inputs)})"),
            "inputs": inputs, "outputs": [abi_type(item["outputs"][0])]}
    return out


def _check_names(node, views, params, env: set[str], index: int, text: str,
                 system: dict[str, dict] | None = None, self_name: str | None = None) -> None:
    system = system or {}
    contracts = set(system) | ({self_name} if self_name else set())
    names = sorted({n for n, _ in views} | set(params) | set(ACTOR_ALIASES) | contracts)

    def fail(what: str, name: str):
        close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise InvariantError(f"invariant {index} `{text}`: {what}{hint}")

    def walk(n, env):
        if isinstance(n, Name):
            if (n.id not in env and n.id not in ACTOR_ALIASES and n.id not in params and (n.id, 0) not in views
                    and n.id not in contracts):
                fail(f"unknown name {n.id!r} (not an actor, parameter or view function)", n.id)
        elif isinstance(n, Call) and n.on is not None and n.on != self_name:
            if n.on not in system:
                known = ", ".join(sorted(contracts)) or "none"
                fail(f"unknown contract {n.on!r} in {n.on}.{n.func}() (contracts of the system: {known})", n.on)
            if (n.func, len(n.args)) not in system[n.on]:
                fail(f"{n.on} has no view function {n.func}() taking {len(n.args)} argument(s)", n.func)
            for a in n.args:
                walk(a, env)
        elif isinstance(n, Call):
            if n.func == "balance":
                if len(n.args) != 1:
                    fail("balance() takes one address", n.func)
            elif (n.func, len(n.args)) not in views:
                arities = sorted(a for f, a in views if f == n.func)
                if arities:
                    fail(f"{n.func}() takes {arities[0]} argument(s), not {len(n.args)}", n.func)
                fail(f"the contract has no view function {n.func}()", n.func)
            for a in n.args:
                walk(a, env)
        elif isinstance(n, SumOver):
            if n.iterable != "actors":
                fail(f"sum(...) iterates over 'actors', not {n.iterable!r}", n.iterable)
            walk(n.body, env | {n.var})
        elif isinstance(n, (BinOp, Compare, BoolOp)):
            walk(n.left, env)
            walk(n.right, env)
        elif isinstance(n, (Not, Neg)):
            walk(n.operand, env)
        elif isinstance(n, OnlyChanges):
            if n.actor not in ACTOR_ALIASES:
                fail(f"only({n.actor}): not an actor", n.actor)
            walk(n.target, env)

    walk(node, env)


def compile_invariants(texts: list[tuple[str, Any]], abi: list[dict], params: dict[str, Any],
                       system: dict[str, list[dict]] | None = None, self_name: str | None = None,
                       first_index: int = 0) -> list[SpecInvariant]:
    """Properties for (text, AST) pairs against a compiled ABI; ``InvariantError`` if one does not fit.
    ``system`` gives the ABIs of the other contracts a system invariant may name (by contract name;
    the session finds their addresses in ``Session.refs``); ``self_name`` names this contract."""
    views = _views(abi)
    others = {name: _views(a) for name, a in (system or {}).items() if name != self_name}
    numeric = {k: v for k, v in params.items() if isinstance(v, int) and not isinstance(v, bool)}
    out = []
    for i, (text, ast) in enumerate(texts, first_index):
        _check_names(ast, views, numeric, set(), i, text, others, self_name)
        out.append(SpecInvariant(i, text, ast, numeric, views, others, self_name))
    return out
