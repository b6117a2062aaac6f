"""Where a file can fail a fuzz campaign, read from the solc AST: every ``assert(...)`` and every
``emit AssertionFailed(...)`` with its contract and line, and each contract's bases."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from verify.dynamic.ast_facts import _walk

__all__ = ["Site", "SourceSites", "read_sites"]


@dataclass(frozen=True)
class Site:
    kind: str  # "assert" | "event"
    contract: str
    file: str  # source unit (absolute path)
    line: int


@dataclass
class SourceSites:
    sites: list[Site] = field(default_factory=list)
    bases: dict[str, list[str]] = field(default_factory=dict)  # contract -> linearized bases (self first)
    kinds: dict[str, str] = field(default_factory=dict)  # contract -> contract | interface | library
    abstract: set[str] = field(default_factory=set)

    def of(self, contract: str) -> list[Site]:
        """Sites in the contract's code and in what it inherits."""
        names = set(self.bases.get(contract, [contract]))
        return [s for s in self.sites if s.contract in names]

    def lines(self, file: str, kind: str | None = None) -> set[int]:
        return {s.line for s in self.sites if s.file == file and (kind is None or s.kind == kind)}


def _line(text: bytes, offset: int) -> int:
    return text.count(b"\n", 0, offset) + 1


def _callee_name(call: dict) -> str | None:
    e = call.get("expression") or {}
    if e.get("nodeType") == "Identifier":
        return e.get("name")
    return None


def read_sites(raw: dict[str, Any]) -> SourceSites:
    out = SourceSites()
    names: dict[int, str] = {}
    per_unit = []
    for unit, info in (raw.get("sources") or {}).items():
        ast = (info or {}).get("ast")
        if not isinstance(ast, dict):
            continue
        try:
            text = Path(unit).read_bytes()
        except OSError:
            text = b""
        for c in ast.get("nodes", []):
            if c.get("nodeType") == "ContractDefinition":
                names[c["id"]] = c["name"]
                per_unit.append((unit, text, c))
    for unit, text, c in per_unit:
        out.bases[c["name"]] = [names.get(i, "?") for i in c.get("linearizedBaseContracts", [c["id"]])]
        out.kinds[c["name"]] = c.get("contractKind", "contract")
        if c.get("abstract") or c.get("fullyImplemented") is False:
            out.abstract.add(c["name"])
        for n in _walk(c.get("nodes", [])):
            kind = None
            if n.get("nodeType") == "FunctionCall" and _callee_name(n) == "assert":
                kind = "assert"
            elif n.get("nodeType") == "EmitStatement" and _callee_name(n.get("eventCall") or {}) == "AssertionFailed":
                kind = "event"
            if kind and isinstance(n.get("src"), str):
                start = int(n["src"].split(":")[0])
                out.sites.append(Site(kind, c["name"], unit, _line(text, start)))
    return out
