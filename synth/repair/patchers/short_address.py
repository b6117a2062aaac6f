"""No calldata length check before solc 0.5 -> require(msg.data.length >= 4 + 32 * words)."""

from __future__ import annotations

from ..source import Edit
from .base import PatchPlan, Patcher, group_by_function


class ShortAddressPatcher(Patcher):
    NAME = "short-address"
    CHECKS = ("ouro-short-address",)
    PRIORITY = 40

    def plan(self, src, findings):
        edits, done = [], []
        for (cname, fname), fs in group_by_function(findings).items():
            c = src.contract(cname)
            m = src.member(c, fname) if c else None
            if m is None:
                continue
            paren = src.masked.index("(", m.start)
            params = src.masked[paren + 1:src.match_brace(paren)].strip()
            words = len([p for p in _split(params) if p.strip()])  # one head word per parameter
            if not words:
                continue
            ind = src.indent_at(m.start) + "    "
            check = src.require(f"msg.data.length >= {4 + 32 * words}", "short calldata")
            edits.append(Edit(m.open + 1, m.open + 1, f"\n{ind}{check}"))
            done += fs
        if not edits:
            return None
        return PatchPlan(self.NAME, "reject calldata shorter than the ABI encoding of the arguments", edits, done)


def _split(params: str) -> list[str]:
    out, depth, cur = [], 0, ""
    for ch in params:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return out
