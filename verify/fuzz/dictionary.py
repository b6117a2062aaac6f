"""Constants worth trying: the PUSH values of the code under test, the integer literals of its
AST (comparison operands among them), their neighbours, and values seen at run time."""

from __future__ import annotations

from typing import Any, Iterable

__all__ = ["Dictionary", "ast_literals", "literal_value", "push_values"]

_MAX = 4096


def push_values(code: bytes) -> set[int]:
    out, i = set(), 0
    while i < len(code):
        op = code[i]
        if 0x60 <= op <= 0x7F:
            n = op - 0x5F
            out.add(int.from_bytes(code[i + 1: i + 1 + n], "big"))
            i += 1 + n
        else:
            i += 1
    return out


def literal_value(node: dict) -> int | None:
    """The integer a number literal of the AST stands for (as solc evaluated it), or None."""
    if node.get("nodeType") != "Literal" or node.get("kind") != "number":
        return None
    t = (node.get("typeDescriptions") or {}).get("typeString") or ""
    if t.startswith("int_const ") and t[10:].lstrip("-").isdigit():
        return int(t[10:])
    try:
        return int(str(node.get("value", "")).replace("_", ""), 0)
    except ValueError:
        return None


_COMPARISONS = {"==", "!=", "<", "<=", ">", ">="}


def ast_literals(raw: dict[str, Any], compared_only: bool = False) -> set[int]:
    """Integer literals of every source unit; ``compared_only``: those an operand of a
    comparison (``x == 0xBEEF``, ``count > 7``), the values branches turn on."""
    out: set[int] = set()

    def walk(node):
        if isinstance(node, dict):
            if compared_only:
                if node.get("nodeType") == "BinaryOperation" and node.get("operator") in _COMPARISONS:
                    for side in ("leftExpression", "rightExpression"):
                        v = literal_value(node.get(side) or {})
                        if v is not None:
                            out.add(v)
            else:
                v = literal_value(node)
                if v is not None:
                    out.add(v)
            for v in node.values():
                if isinstance(v, (dict, list)):
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for info in (raw.get("sources") or {}).values():
        walk((info or {}).get("ast"))
    return out


class Dictionary:
    """Integers worth trying, in tiers: ``compared`` (comparison operands and their neighbours,
    what branches turn on), ``literals`` (every constant the source writes), ``values`` (all,
    PUSH values of the bytecode included)."""

    def __init__(self, values: Iterable[int] = (), compared: Iterable[int] = ()):
        self._set: set[int] = set()
        self.values: list[int] = []
        for v in (0, 1, 2, 10, 100, 10**18):
            self.add(v)
        self.add_all(values)
        self.literals = list(self.values)
        near = set()
        for v in compared:
            near.update((abs(v), abs(v) + 1, max(0, abs(v) - 1)))
        self.compared = sorted(near)
        self.add_all(compared)

    def add(self, v: int) -> None:
        if v in self._set or len(self.values) >= _MAX:
            return
        self._set.add(v)
        self.values.append(v)

    def add_all(self, values: Iterable[int], neighbours: bool = True) -> None:
        # selectors and 32-byte hashes are PUSHed too: they fill the dictionary without meaning much,
        # so the short values go first
        for v in sorted({abs(x) for x in values}, key=lambda x: (x.bit_length() > 64, x.bit_length(), x)):
            self.add(v)
            if neighbours and v.bit_length() <= 64:
                self.add(v + 1)
                if v:
                    self.add(v - 1)

    def __len__(self) -> int:
        return len(self.values)
