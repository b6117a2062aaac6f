"""A function that pays out ETH the contract owes its users -> it pays only the surplus: the
total of the users' ETH credits is kept beside the credit mapping, and ``address(this).balance``
in the flagged function becomes ``address(this).balance - total``."""

from __future__ import annotations

import re

from ..source import Edit
from .base import PatchPlan, Patcher, add_member, group_by_function, state_vars, unused_name

BALANCE = re.compile(r"address\s*\(\s*this\s*\)\s*\.balance")


class ReservePatcher(Patcher):
    NAME = "reserve-credits"
    CHECKS = ("ouro-ether-accounting",)
    PRIORITY = 75

    def plan(self, src, findings):
        edits, done = [], []
        for cname, fs_by_fn in _by_contract(findings).items():
            c = src.contract(cname)
            if c is None:
                continue
            credits = self._eth_credit_mappings(src, c)
            if not credits:
                continue
            total = unused_name(src, "totalCredited", "ouroTotalCredited")
            bookkeeping = self._bookkeeping(src, c, credits, total)
            changed = []
            for fname, fs in fs_by_fn.items():
                m = src.member(c, fname)
                if m is None:
                    continue
                hits = list(BALANCE.finditer(src.masked, m.open, m.close))
                if not hits:
                    continue
                for h in hits:
                    edits.append(Edit(h.start(), h.end(), f"(address(this).balance - {total})"))
                changed.append(fname)
                done += fs
            if changed:
                edits += bookkeeping
                edits.append(add_member(src, c, f"uint256 public {total};"))
        if not edits:
            return None
        return PatchPlan(self.NAME, "pay out only ETH no user is owed (credits reserved)", edits, done)

    @staticmethod
    def _eth_credit_mappings(src, c) -> list[str]:
        out = []
        for name, decl in state_vars(src, c).items():
            if re.match(r"\s*mapping\s*\(\s*address\s*=>\s*uint(256)?\s*\)", decl) and re.search(
                    rf"\b{name}\s*\[[^\]]+\]\s*\+=\s*msg\.value\b", src.masked[c.open:c.close]):
                out.append(name)
        return out

    @staticmethod
    def _bookkeeping(src, c, credits, total) -> list[Edit]:
        edits = []
        names = "|".join(re.escape(n) for n in credits)
        for m in src.members(c):
            todo = [(m.open, m.close)]
            while todo:
                o, cl = todo.pop()
                for s, e in src.statements(o, cl):
                    stmt = src.text[s:e]
                    if re.match(r"\s*(if|for|while|do|unchecked|\{)", src.masked[s:e]):
                        for b in re.finditer(r"\{", src.masked[s:e]):
                            bo = s + b.start()
                            if not any(x[0] < bo < x[1] for x in todo):
                                todo.append((bo, src.match_brace(bo)))
                                break
                        continue
                    a = re.fullmatch(rf"\s*((?:{names})\s*\[[^;]*?\])\s*(\+=|-=|=)\s*(.+?)\s*;\s*", stmt, re.S)
                    d = re.fullmatch(rf"\s*delete\s+((?:{names})\s*\[[^;]*?\])\s*;\s*", stmt, re.S)
                    ind = src.indent_at(s)
                    if a:
                        lhs, op, rhs = a.groups()
                        if op == "=":
                            edits.append(Edit(s, s, f"{total} = {total} - {lhs} + ({rhs});\n{ind}"))
                        else:
                            edits.append(Edit(s, s, f"{total} {op} ({rhs});\n{ind}"))
                    elif d:
                        edits.append(Edit(s, s, f"{total} -= {d.group(1)};\n{ind}"))
        return edits


def _by_contract(findings):
    out: dict = {}
    for (cname, fname), fs in group_by_function(findings).items():
        out.setdefault(cname, {})[fname] = fs
    return out
