"""A push payment that must succeed -> pull: the payment becomes a credit in a mapping and the
payee withdraws it with a new function; ETH reserved for credits is no longer paid out as free
balance."""

from __future__ import annotations

import re

from ..source import Edit
from .base import PatchPlan, Patcher, add_member, group_by_function, unused_name

PUSH = [
    re.compile(r"\s*require\s*\(\s*(?P<to>.+?)\.send\s*\((?P<amount>.+)\)\s*(,\s*\"[^\"]*\"\s*)?\)\s*;\s*", re.S),
    re.compile(r"\s*(?P<to>.+?)\.transfer\s*\((?P<amount>.+)\)\s*;\s*", re.S),
]


BALANCE = re.compile(r"address\s*\(\s*this\s*\)\s*\.balance")
PAYS = re.compile(r"\.(transfer|send)\s*\(|\.call\s*\{\s*value|\.call\.value\s*\(|\bselfdestruct\b")


def _all_statements(src, open_, close):
    out, todo = [], [(open_, close)]
    while todo:
        o, c = todo.pop()
        for s, e in src.statements(o, c):
            inner = [b for b in re.finditer(r"\{", src.masked[s:e])]
            if re.match(r"\s*(if|for|while|do|unchecked|else|\{)", src.masked[s:e]) and inner:
                b = s + inner[0].start()
                todo.append((b, src.match_brace(b)))
                rest = src.match_brace(b) + 1
                els = re.search(r"\belse\s*\{", src.masked[rest:e])
                if els:
                    b2 = rest + els.end() - 1
                    todo.append((b2, src.match_brace(b2)))
                continue
            out.append((s, e))
    return out


# (bool ok, ) = to.call{value: amount}(""); followed by require(ok ...) / if (!ok) revert/throw
CALL = re.compile(r"\s*\(\s*bool\s+(?P<ok>\w+)\s*,\s*\)\s*=\s*(?P<to>.+?)\.call\s*\{\s*value\s*:\s*(?P<amount>.+?)\}"
                  r"\s*\(\s*\"\"\s*\)\s*;\s*", re.S)


class PullPaymentPatcher(Patcher):
    NAME = "pull-payment"
    CHECKS = ("ouro-dos-push-payment", "calls-loop")
    PRIORITY = 60

    @staticmethod
    def _flag_check(src, block, call_end, ok):
        """Span of the statement right after the call that reverts when ``ok`` is false."""
        nxt = next(((s, e) for s, e in src.statements(*block) if s >= call_end), None)
        if nxt is None:
            return None
        text = src.masked[nxt[0]:nxt[1]]
        if re.fullmatch(rf"\s*require\s*\(\s*{ok}\s*(,[^;]*)?\)\s*;\s*", text) or re.fullmatch(
                rf"\s*if\s*\(\s*!\s*{ok}\s*\)\s*(\{{\s*)?(revert\s*\([^;]*\)|throw)\s*;\s*(\}}\s*)?", text):
            return nxt
        return None

    def plan(self, src, findings):
        edits, done, getters = [], [], {}
        names = {}
        for (cname, fname), fs in group_by_function(findings).items():
            c = src.contract(cname)
            m = src.member(c, fname) if c else None
            if m is None:
                continue
            if cname not in names:
                names[cname] = (unused_name(src, "pendingWithdrawals", "ouroPending"),
                                unused_name(src, "pendingTotal", "ouroPendingTotal"))
            credit, total = names[cname]
            fixed = False
            for ln in sorted({ln for f in fs for ln in f.get("lines", [])}):
                hit = src.statement_at(m, ln)
                if not hit:
                    continue
                s, e = hit[1]
                stmt = src.text[s:e]
                if any(x.start <= s < x.end for x in edits):
                    continue
                pm = next((p.fullmatch(stmt) for p in PUSH if p.fullmatch(stmt)), None)
                if pm is None:
                    pm = CALL.fullmatch(stmt)
                    check = self._flag_check(src, hit[0], e, pm.group("ok")) if pm else None
                    if check is None:
                        continue
                    edits.append(Edit(*src.full_lines(*check), ""))  # the success check goes with the call
                to, amount = pm.group("to").strip(), pm.group("amount").strip()
                amount = BALANCE.sub(f"(address(this).balance - {total})", amount)
                ind = src.indent_at(s)
                solvent = src.require(f"owed + {total} <= address(this).balance", "insufficient balance")
                edits.append(Edit(s, e, f"{{\n{ind}    uint256 owed = {amount};\n"
                                        f"{ind}    {solvent}\n"  # the push would have failed too
                                        f"{src.indent_at(s)}    {credit}[{to}] += owed;\n"
                                        f"{src.indent_at(s)}    {total} += owed;\n{src.indent_at(s)}}}"))
                fixed = True
            if fixed:
                done += fs
        if not edits:
            return None
        for cname, (credit, total) in names.items():
            c = src.contract(cname)
            if not any(f.get("contract") == cname for f in done):
                continue
            # credited ETH is reserved: no other payment of "the whole balance" may take it
            for m in src.members(c):
                if re.search(r"\b(view|pure|constant)\b", src.masked[m.start:m.open]):
                    continue
                for s, e in _all_statements(src, m.open, m.close):
                    if any(x.start <= s < x.end for x in edits) or not PAYS.search(src.masked[s:e]):
                        continue
                    for h in BALANCE.finditer(src.masked, s, e):
                        edits.append(Edit(h.start(), h.end(), f"(address(this).balance - {total})"))
            payee = "payable(msg.sender)" if src.v >= (0, 8, 0) else "msg.sender"
            fn = unused_name(src, "withdrawPending", "ouroWithdrawPending")
            edits.append(add_member(src, c, (
                f"mapping(address => uint256) public {credit};\n"
                f"uint256 private {total};\n\n"
                f"function {fn}() external {{\n"
                f"    uint256 amount = {credit}[msg.sender];\n"
                f"    {src.require('amount > 0', 'nothing to withdraw')}\n"
                f"    {credit}[msg.sender] = 0;\n"
                f"    {total} -= amount;\n"
                f"    {payee}.transfer(amount);\n}}")))
            getters[cname] = [credit]
        return PatchPlan(self.NAME, "push payment replaced by a credit the payee withdraws (pull payment)",
                         edits, done, credit_getters=getters)
