"""Re-entrancy -> checks-effects-interactions (the state writes after the external call move
before it) plus a reentrancy guard on the function: OpenZeppelin's ReentrancyGuard when the file
compiles with solc >= 0.8.20 (OpenZeppelin 5), else an inline mutex modifier."""

from __future__ import annotations

import re
from pathlib import Path

from ..source import Edit
from .base import PatchPlan, Patcher, add_member, add_modifier, group_by_function, state_vars, unused_name

EXTERNAL = re.compile(r"\.(call|send|transfer|delegatecall)\b|\.value\s*\(|\b[A-Z]\w*\s*\([^()]*\)\s*\.\s*\w+\s*\(")
DECL = re.compile(r"\b(?:bool|address(?:\s+payable)?|u?int\d*|bytes\d*|string|[A-Z]\w*)\s+(?:memory\s+|storage\s+|calldata\s+)?(\w+)\s*[=;,)]")
OZ_GUARD = "@openzeppelin/contracts/utils/ReentrancyGuard.sol"


def _oz_available() -> bool:
    root = Path(__file__).resolve().parents[3]
    return (root / "node_modules" / OZ_GUARD).is_file()


class ReentrancyPatcher(Patcher):
    NAME = "reentrancy"
    CHECKS = ("reentrancy-eth", "reentrancy-no-eth", "reentrancy-benign", "reentrancy-events",
              "reentrancy-unlimited-gas", "reentrancy-balance", "ouro-reentrancy")
    PRIORITY = 50

    def plan(self, src, findings):
        edits, done, moved_any = [], [], False
        use_oz = src.v >= (0, 8, 20) and _oz_available()
        guarded: dict[str, list] = {}
        for (cname, fname), fs in group_by_function(findings).items():
            c = src.contract(cname)
            m = src.member(c, fname) if c else None
            if m is None or m.kind not in ("function", "fallback", "receive"):
                continue
            precise = any(f.get("source") != "property" for f in fs)
            cei = self._cei(src, c, m, {ln for f in fs for ln in f.get("lines", [])}, precise)
            edits += cei
            moved_any |= bool(cei)
            guarded.setdefault(cname, []).append(m)
            done += fs
        if not done:
            return None
        for cname, members in guarded.items():
            c = src.contract(cname)
            if use_oz:
                mod = "nonReentrant"
                if "ReentrancyGuard" not in src.masked[c.start:c.open]:
                    header = src.masked[c.start:c.open]
                    end = c.start + len(header.rstrip())
                    edits.append(Edit(end, end, ", ReentrancyGuard" if re.search(r"\bis\b", header)
                                      else " is ReentrancyGuard"))
            else:
                mod = unused_name(src, "nonReentrant", "ouroNonReentrant")
                lock = unused_name(src, "reentrancyLocked", "ouroLocked")
                edits.append(add_member(src, c, (
                    f"bool private {lock};\n\n"
                    f"modifier {mod}() {{\n    {src.require('!' + lock, 'reentrant call')}\n"
                    f"    {lock} = true;\n    _;\n    {lock} = false;\n}}")))
            for m in members:
                e = add_modifier(src, m, mod)
                if e:
                    edits.append(e)
        if use_oz and OZ_GUARD not in src.text:
            pos = src.pragma_end()
            edits.append(Edit(pos, pos, f'\nimport {{ReentrancyGuard}} from "{OZ_GUARD}";\n'
                              if not src.text[:pos].endswith("\n\n") else
                              f'import {{ReentrancyGuard}} from "{OZ_GUARD}";\n\n'))
        guard = "OpenZeppelin ReentrancyGuard" if use_oz else "an inline mutex"
        what = ("state writes moved before the external call and " if moved_any else "") + f"{guard} (nonReentrant)"
        return PatchPlan(self.NAME, what, edits, done)

    def _cei(self, src, contract, m, lines, precise) -> list[Edit]:
        """Edits moving the state writes that follow the external call to just before it. An
        internal function that makes an external call counts as the call, and a call to an
        internal function that only writes state counts as a write (one contract, by name)."""
        svars = set(state_vars(src, contract))
        interacting, writing = _internal_effects(src, contract, svars)
        call_re = _call_pattern(interacting)
        call = call_re.search(src.masked, m.open, m.close)
        if call is None:
            return []
        call_off = call.start()
        edits = []
        for block, (s, e) in _all_statements(src, m):
            if s <= call_off:
                continue
            text = src.masked[s:e]
            if re.match(r"\s*(emit|require|assert|return|if|for|while|do|unchecked)\b|\s*\{", text):
                continue
            w = re.match(r"\s*(?:delete\s+)?([A-Za-z_]\w*)[\w\.\[\]\(\) ]*?(?:[-+*/]?=(?!=)|\+\+|--|;)", text)
            internal = re.match(r"\s*([A-Za-z_]\w*)\s*\([^;]*\)\s*;?\s*$", text)
            via_internal = bool(internal and internal.group(1) in writing)
            writes = bool(w and w.group(1) in svars) or via_internal
            if not writes or call_re.search(text) or (precise and not via_internal and src.line_of(s) not in lines):
                continue
            # the statement at this block's level that holds the call
            holder = next(((cs, ce) for cs, ce in src.statements(*block) if cs <= call_off < ce), None)
            if holder is None or holder[0] >= s:
                continue
            between = src.masked[holder[0]:s]
            declared = set(DECL.findall(between)) | set(re.findall(r"\(\s*bool\s+(\w+)", between))
            if declared & set(re.findall(r"\b[A-Za-z_]\w*\b", text)):
                continue  # the write depends on something computed at or after the call
            ds, de = src.full_lines(s, e)
            hs = src.line_start(src.line_of(holder[0]))
            edits.append(Edit(ds, de, ""))
            edits.append(Edit(hs, hs, f"{src.indent_at(holder[0])}{src.text[s:e].strip()}\n"))
        return edits


def _call_pattern(interacting: set[str]) -> re.Pattern:
    if not interacting:
        return EXTERNAL
    names = "|".join(sorted(map(re.escape, interacting)))
    return re.compile(EXTERNAL.pattern + rf"|(?<![\w.])(?:{names})\s*\(")


def _internal_effects(src, contract, svars: set[str]) -> tuple[set[str], set[str]]:
    """(functions of ``contract`` that make an external call, directly or through each other;
    functions that write state and make none)."""
    bodies = {f.name: src.masked[f.open:f.close] for f in src.members(contract) if f.kind == "function"}
    interacting = {n for n, b in bodies.items() if EXTERNAL.search(b)}
    while True:
        more = {n for n, b in bodies.items() if n not in interacting
                and any(re.search(rf"(?<![\w.]){re.escape(i)}\s*\(", b) for i in interacting)}
        if not more:
            break
        interacting |= more
    write = re.compile(r"(?<![\w.])(?:delete\s+)?(" + "|".join(map(re.escape, sorted(svars))) +
                       r")\b[\w\.\[\]\(\) ]*?(?:[-+*/]?=(?!=)|\+\+|--)") if svars else None
    writing = {n for n, b in bodies.items() if n not in interacting and write is not None and write.search(b)}
    return interacting, writing


def _all_statements(src, m):
    """(block, statement) for every statement of the body, nested blocks included, in text order."""
    out, todo = [], [(m.open, m.close)]
    while todo:
        o, c = todo.pop()
        for s, e in src.statements(o, c):
            out.append(((o, c), (s, e)))
            pos = s
            while True:
                b = src.masked.find("{", pos, e)
                if b < 0:
                    break
                before = src.masked[s:b].rstrip()
                if b == s or re.search(r"(\)|\belse|\bunchecked|\bdo|\btry)$", before) and not re.search(
                        r"\.\s*(call|value|delegatecall)\s*$", before):
                    close = src.match_brace(b)
                    todo.append((b, close))
                    pos = close + 1
                else:
                    pos = src.match_brace(b) + 1
    return sorted(out, key=lambda x: x[1][0])
