"""tx.origin authorization -> msg.sender, in the flagged function or modifier."""

from __future__ import annotations

import re

from ..source import Edit
from .base import PatchPlan, Patcher, group_by_function


class TxOriginPatcher(Patcher):
    NAME = "tx-origin"
    CHECKS = ("tx-origin", "ouro-tx-origin-modifier", "ouro-tx-origin")
    PRIORITY = 10

    def plan(self, src, findings):
        edits, done = [], []
        for (cname, fname), fs in group_by_function(findings).items():
            c = src.contract(cname)
            m = src.member(c, fname) if c else None
            if m is None:
                continue
            lines = {ln for f in fs for ln in f.get("lines", [])}
            hits = [h for h in re.finditer(r"\btx\.origin\b", src.masked[m.start:m.close + 1])]
            chosen = [h for h in hits if src.line_of(m.start + h.start()) in lines] or hits
            for h in chosen:
                edits.append(Edit(m.start + h.start(), m.start + h.end(), "msg.sender"))
            if chosen:
                done += fs
        if not edits:
            return None
        return PatchPlan(self.NAME, "authorize with msg.sender instead of tx.origin", edits, done)
