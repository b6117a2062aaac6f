"""The patcher interface: one deterministic patcher per vulnerability class, working on source
text. A patcher reads the findings of its checks (contract, function, lines from Slither's source
mapping or the engine) and returns a ``PatchPlan``: edits on the text plus what the differential
run must know (functions now owner-only, pull-payment credits)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..source import Edit, Source, Span

__all__ = ["PatchPlan", "Patcher", "add_member", "add_modifier", "state_vars", "unused_name"]


@dataclass
class PatchPlan:
    patcher: str
    description: str
    edits: list[Edit]
    addressed: list[dict[str, Any]]  # the findings this plan repairs
    restricted: dict[str, list[str]] = field(default_factory=dict)  # contract -> functions now owner-only
    credit_getters: dict[str, list[str]] = field(default_factory=dict)  # contract -> pull-payment credit getters
    # revert reasons of the checks the patch adds that fire exactly on the exploit path (e.g. an
    # overflow check): an honest step the original runs and the patch rejects with one is excluded
    guard_reasons: list[str] = field(default_factory=list)


class Patcher:
    NAME: ClassVar[str]
    CHECKS: ClassVar[tuple[str, ...]]
    PRIORITY: ClassVar[int] = 50  # lower runs first

    def plan(self, src: Source, findings: list[dict[str, Any]]) -> PatchPlan | None:
        raise NotImplementedError


def add_member(src: Source, contract: Span, code: str) -> Edit:
    """Insert ``code`` (one or more lines, unindented) just before the contract's closing brace."""
    indent = "    "
    body = "\n".join((indent + ln) if ln.strip() else "" for ln in code.strip("\n").split("\n"))
    before = src.text[:contract.close].rstrip(" \t")
    start = len(before)
    lead = "" if before.endswith("\n\n") else ("\n" if before.endswith("\n") else "\n\n")
    return Edit(start, contract.close, f"{lead}{body}\n")


def add_modifier(src: Source, member: Span, modifier: str) -> Edit | None:
    """`` modifier`` in the member's header, before ``returns`` (or the body)."""
    header = src.masked[member.start:member.open]
    if re.search(rf"\b{re.escape(modifier.split('(')[0])}\b", header):
        return None
    paren = src.masked.index("(", member.start)
    after_params = src.match_brace(paren) + 1
    m = re.search(r"\breturns\b", src.masked[after_params:member.open])
    pos = after_params + m.start() if m else member.open
    while pos > after_params and src.text[pos - 1].isspace():
        pos -= 1
    return Edit(pos, pos, f" {modifier}")


_TYPE = r"(?:mapping\s*\([^;]*?\)|address(?:\s+payable)?|bool|string|bytes\d*|u?int\d*|[A-Z]\w*)(?:\[\d*\])*"


def state_vars(src: Source, contract: Span) -> dict[str, str]:
    """State variable name -> its declaration text (declared at the contract's top level)."""
    out = {}
    spans = [(m.start, m.close) for m in src.members(contract)]
    for s, e in src.statements(contract.open, contract.close):
        if any(a <= s < b for a, b in spans):
            continue
        stmt = src.masked[s:e]
        if re.match(r"\s*(function|modifier|event|error|struct|enum|using|constructor)\b", stmt):
            continue
        m = re.match(rf"\s*{_TYPE}\s+(?:(?:public|private|internal|constant|immutable|override)\s+)*(\w+)\s*(=|;)",
                     stmt, re.S)
        if m:
            out[m.group(1)] = src.text[s:e]
    return out


def unused_name(src: Source, *candidates: str) -> str:
    for c in candidates:
        if not re.search(rf"\b{re.escape(c)}\b", src.masked):
            return c
    base = candidates[-1]
    i = 2
    while re.search(rf"\b{base}{i}\b", src.masked):
        i += 1
    return f"{base}{i}"


def group_by_function(findings: list[dict[str, Any]]) -> dict[tuple[str | None, str | None], list[dict[str, Any]]]:
    out: dict[tuple[str | None, str | None], list[dict[str, Any]]] = {}
    for f in findings:
        out.setdefault((f.get("contract"), f.get("function")), []).append(f)
    return out
