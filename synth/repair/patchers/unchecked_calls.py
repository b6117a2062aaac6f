"""An ignored send/call result -> checked: the transfer reverts when the payment fails."""

from __future__ import annotations

import re

from ..source import Edit
from .base import PatchPlan, Patcher, group_by_function

CALL = re.compile(r"\.(send|call)\b")


class UncheckedCallPatcher(Patcher):
    NAME = "unchecked-call"
    CHECKS = ("unchecked-send", "unchecked-lowlevel", "ouro-unchecked-call")
    PRIORITY = 20

    def plan(self, src, findings):
        edits, done = [], []
        for (cname, fname), fs in group_by_function(findings).items():
            c = src.contract(cname)
            m = src.member(c, fname) if c else None
            if m is None:
                continue
            lines = sorted({ln for f in fs for ln in f.get("lines", [])})
            stmts = []
            for ln in lines:
                hit = src.statement_at(m, ln)
                if hit and hit[1] not in stmts:
                    stmts.append(hit[1])
            if not stmts:  # engine finding without precise lines: every statement of the body
                stmts = self._all_statements(src, m)
            n = 0
            for s, e in stmts:
                edit = self._fix(src, m, s, e, n)
                if edit:
                    edits.append(edit)
                    n += 1
            if n:
                done += fs
        if not edits:
            return None
        return PatchPlan(self.NAME, "require the success flag of send/call", edits, done)

    @staticmethod
    def _all_statements(src, m):
        out, todo = [], [(m.open, m.close)]
        while todo:
            o, c = todo.pop()
            for s, e in src.statements(o, c):
                out.append((s, e))
        return out

    def _fix(self, src, member, s, e, n):
        stmt, masked = src.text[s:e], src.masked[s:e]
        if not CALL.search(masked):
            return None
        body = stmt.rstrip().rstrip(";").rstrip()
        # a bare expression statement: x.send(a); / x.call{value: a}(""); / x.call.value(a)();
        if re.match(r"\s*[\w\.\[\]\(\)]+\s*(\.send\s*\(|\.call\b)", masked) and not re.match(
                r"\s*(require|assert|if|return|bool|\()\b", masked):
            low_call = ".call" in masked
            if low_call and src.v >= (0, 5, 0):
                ok = f"ouroOk{n}" if n else "ouroOk"
                ind = src.indent_at(s)
                return Edit(s, e, f"(bool {ok}, ) = {body};\n{ind}{src.require(ok, 'call failed')}")
            return Edit(s, e, src.require(body, "send failed" if not low_call else "call failed"))
        # (bool ok, ) = x.call{..}(..); / bool ok = x.send(..); with ok never read afterwards
        m = re.match(r"\s*\(?\s*bool\s+(\w+)", masked)
        if m:
            name = m.group(1)
            rest = src.masked[e:member.close]
            if not re.search(rf"\b{name}\b", rest):
                ind = src.indent_at(s)
                return Edit(e, e, f"\n{ind}{src.require(name, 'call failed')}")
        return None
