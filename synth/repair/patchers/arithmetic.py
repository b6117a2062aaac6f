"""Wrapping arithmetic -> checked: an ``unchecked`` block (0.8) loses its ``unchecked``; before
0.8 each flagged operation goes through an inline SafeMath library (add/sub/mul that revert
instead of wrapping), and a tautological ``a - b >= 0`` check becomes the ``a >= b`` it meant."""

from __future__ import annotations

import re

from ..source import Edit
from .base import PatchPlan, Patcher, group_by_function, unused_name

_OPERAND = r"[\w\.\[\]\(\)]+?"
_OPS = {"+": "add", "-": "sub", "*": "mul"}
GUARDS = ["addition overflow", "subtraction underflow", "multiplication overflow", "panic 0x11"]


def _safe(stmt: str, lib: str) -> str | None:
    """``stmt`` with its +, -, * through ``lib``; None when the form is not recognised."""
    s = stmt.strip()
    if not s.endswith(";"):
        return None
    s = s[:-1].strip()
    m = re.fullmatch(rf"({_OPERAND})\s*([+*-])=\s*(.+)", s, re.S)
    if m:
        lhs, op, rhs = m.group(1), m.group(2), m.group(3).strip()
        return f"{lhs} = {lib}.{_OPS[op]}({lhs}, {rhs});"
    m = re.fullmatch(rf"({_OPERAND})\s*(\+\+|--)|(\+\+|--)\s*({_OPERAND})", s)
    if m:
        target = m.group(1) or m.group(4)
        op = (m.group(2) or m.group(3))[0]
        return f"{target} = {lib}.{_OPS[op]}({target}, 1);"
    m = re.fullmatch(rf"((?:[\w\.\[\]\(\) ]+?\s)?[\w\.\[\]\(\)]+\s*=)\s*({_OPERAND})\s*([+*-])\s*({_OPERAND})", s, re.S)
    if m:
        return f"{m.group(1)} {lib}.{_OPS[m.group(3)]}({m.group(2)}, {m.group(4)});"
    return None


def _library(src, name: str) -> str:
    mut = "pure" if src.v >= (0, 4, 17) else "constant"
    body = []
    for fn, expr, cond, why in (("add", "a + b", "c >= a", "addition overflow"),
                                ("sub", "a - b", None, "subtraction underflow"),
                                ("mul", "a * b", "a == 0 || c / a == b", "multiplication overflow")):
        pre = f"        {src.require('b <= a', 'SafeMath: ' + why)}\n" if cond is None else ""
        post = f"        {src.require(cond, 'SafeMath: ' + why)}\n" if cond else ""
        body.append(f"    function {fn}(uint256 a, uint256 b) internal {mut} returns (uint256) {{\n{pre}"
                    f"        uint256 c = {expr};\n{post}        return c;\n    }}")
    return f"\n/// Checked arithmetic for solc < 0.8 (added by ouro repair).\nlibrary {name} {{\n" + "\n\n".join(body) + "\n}\n"


class ArithmeticPatcher(Patcher):
    NAME = "arithmetic"
    CHECKS = ("ouro-arithmetic", "tautology")
    PRIORITY = 30

    def plan(self, src, findings):
        edits, done, seen = [], [], set()
        lib = unused_name(src, "OuroSafeMath")
        uses_lib = False
        for (cname, fname), fs in group_by_function(findings).items():
            c = src.contract(cname)
            m = src.member(c, fname) if c else None
            if m is None:
                continue
            for f in fs:
                fixed = False
                for ln in sorted(set(f.get("lines", []))):
                    if f["check"] == "tautology":
                        e = self._tautology(src, m, ln, seen)
                        if e:
                            edits.append(e)
                            fixed = True
                        continue
                    ls = src.line_start(ln)
                    line = src.masked[ls:src.line_end(ln)]
                    first = ls + len(line) - len(line.lstrip())
                    blocks = src.blocks_containing(m, first)
                    unchecked = next((b for b in reversed(blocks)
                                      if re.search(r"\bunchecked\s*$", src.masked[:b[0]])), None)
                    if unchecked:
                        kw = re.search(r"\bunchecked\s*$", src.masked[:unchecked[0]])
                        if kw.start() not in seen:
                            seen.add(kw.start())
                            edits.append(Edit(kw.start(), unchecked[0], ""))
                        fixed = True
                        continue
                    if src.v >= (0, 8, 0):
                        continue
                    hit = src.statement_at(m, ln)
                    if not hit:
                        continue
                    s, e = hit[1]
                    if (s, e) in seen:
                        fixed = True
                        continue
                    new = _safe(src.text[s:e], lib)
                    if new is None:
                        continue
                    seen.add((s, e))
                    edits.append(Edit(s, e, new))
                    uses_lib = fixed = True
                if fixed:
                    done.append(f)
        if not edits:
            return None
        if uses_lib:
            edits.append(Edit(len(src.text), len(src.text), ("" if src.text.endswith("\n") else "\n") + _library(src, lib)))
        return PatchPlan(self.NAME, "checked arithmetic (no unchecked block / inline SafeMath before 0.8)",
                         edits, done, guard_reasons=GUARDS)

    @staticmethod
    def _tautology(src, m, ln, seen):
        """``require(a - b >= 0)`` (always true on unsigned values) -> ``require(a >= b, ...)``."""
        hit = src.statement_at(m, ln)
        if not hit or hit[1] in seen:
            return None
        s, e = hit[1]
        stmt = src.text[s:e]
        t = re.fullmatch(rf"require\s*\(\s*({_OPERAND})\s*-\s*({_OPERAND})\s*>=\s*0\s*\)\s*;", stmt.strip(), re.S)
        if not t:
            return None
        seen.add(hit[1])
        return Edit(s, e, src.require(f"{t.group(1)} >= {t.group(2)}", "subtraction underflow"))
