"""Solidity source text as the patchers see it: lines and offsets, a masked copy (comments and
string literals blanked, offsets kept) for scanning, and the spans of contracts, functions,
modifiers, blocks and statements. Patchers locate what a finding names (contract, function,
lines from Slither's source mapping) here and return edits on the original text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Edit", "Source", "apply_edits", "EditConflict"]


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    text: str


class EditConflict(ValueError):
    """Two edits touch the same text."""


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply edits made against ``text``; overlapping replacements are a conflict (insertions at
    one point are kept in the order given)."""
    ordered = sorted(enumerate(edits), key=lambda ie: (ie[1].start, ie[1].end, ie[0]))
    out, pos = [], 0
    for _, e in ordered:
        if e.start < pos:
            raise EditConflict(f"overlapping edits at offset {e.start}")
        out.append(text[pos:e.start])
        out.append(e.text)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)


def mask(text: str) -> str:
    """Comments and string literals replaced by spaces (newlines kept): offsets stay valid."""
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out[i:j] = " " * (j - i)
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out[i:j] = [ch if ch == "\n" else " " for ch in text[i:j]]
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out[i + 1:j - 1] = " " * max(0, j - 1 - (i + 1))
            i = j
        else:
            i += 1
    return "".join(out)


@dataclass
class Span:
    kind: str  # contract | function | modifier | constructor ...
    name: str
    start: int  # first char of the header
    open: int  # offset of "{"
    close: int  # offset of the matching "}"
    header: str = ""


@dataclass
class Source:
    text: str
    version: str = "0.8.0"  # the solc release the file resolves to
    masked: str = field(init=False)
    _starts: list[int] = field(init=False)

    def __post_init__(self):
        self.masked = mask(self.text)
        self._starts = [0] + [m.end() for m in re.finditer("\n", self.text)]

    # -- versions ---------------------------------------------------------------------
    @property
    def v(self) -> tuple[int, int, int]:
        return tuple(int(x) for x in self.version.split(".")[:3])  # type: ignore[return-value]

    def require(self, cond: str, reason: str) -> str:
        """``require(cond, "reason");`` where reason strings exist (solc >= 0.4.22)."""
        return f'require({cond}, "{reason}");' if self.v >= (0, 4, 22) else f"require({cond});"

    # -- lines ------------------------------------------------------------------------
    def line_start(self, line: int) -> int:
        return self._starts[max(0, min(line, len(self._starts)) - 1)]

    def line_end(self, line: int) -> int:
        """Offset just past the line's newline (or the end of text)."""
        return self._starts[line] if line < len(self._starts) else len(self.text)

    def line_of(self, offset: int) -> int:
        lo, hi = 0, len(self._starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self._starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1

    def indent_at(self, offset: int) -> str:
        ls = self.line_start(self.line_of(offset))
        m = re.match(r"[ \t]*", self.text[ls:])
        return m.group(0) if m else ""

    # -- structure --------------------------------------------------------------------
    def match_brace(self, open_: int) -> int:
        pairs = {"{": "}", "(": ")", "[": "]"}
        closing = pairs[self.masked[open_]]
        depth = 0
        for i in range(open_, len(self.masked)):
            c = self.masked[i]
            if c in "{([":
                depth += 1
            elif c in "})]":
                depth -= 1
                if depth == 0:
                    if c != closing:
                        break
                    return i
        raise ValueError(f"unbalanced {self.masked[open_]!r} at line {self.line_of(open_)}")

    def contracts(self) -> list[Span]:
        out = []
        for m in re.finditer(r"\b(contract|library|interface)\s+(\w+)[^{;]*\{", self.masked):
            if out and m.start() < out[-1].close:
                continue
            open_ = m.end() - 1
            out.append(Span(m.group(1), m.group(2), m.start(), open_, self.match_brace(open_),
                            self.text[m.start():open_]))
        return out

    def contract(self, name: str | None) -> Span | None:
        cs = [c for c in self.contracts() if c.kind == "contract"]
        for c in cs:
            if c.name == name:
                return c
        return cs[-1] if (name is None and cs) else None

    def members(self, contract: Span) -> list[Span]:
        """Functions, modifiers, constructors, fallback/receive of a contract (with a body)."""
        out = []
        body = self.masked
        pat = re.compile(r"\b(function\s+(\w+)|function(?=\s*\()|modifier\s+(\w+)|constructor|fallback|receive)\s*\(")
        pos = contract.open + 1
        while True:
            m = pat.search(body, pos, contract.close)
            if not m:
                break
            paren = m.end() - 1
            after = self.match_brace(paren) + 1
            k = after
            while k < contract.close and body[k] not in "{;":
                k += 1
            word = m.group(1)
            if word.startswith("function"):
                kind, name = "function", m.group(2) or "<fallback>"
            elif word.startswith("modifier"):
                kind, name = "modifier", m.group(3)
            else:
                kind, name = word, word
            if body[k] == "{":
                close = self.match_brace(k)
                out.append(Span(kind, name, m.start(), k, close, self.text[m.start():k]))
                pos = close + 1
            else:
                pos = k + 1
        return out

    def member(self, contract: Span, name: str | None) -> Span | None:
        for s in self.members(contract):
            if s.name == name or (name == "constructor" and s.kind == "constructor"):
                return s
        return None

    def statements(self, open_: int, close: int) -> list[tuple[int, int]]:
        """Top-level statements of the block ``{`` at open_ .. ``}`` at close, as [start, end) spans
        (an if/else chain, a loop or a nested block is one statement)."""
        out, i, m = [], open_ + 1, self.masked
        while i < close:
            while i < close and m[i].isspace():
                i += 1
            if i >= close:
                break
            start, depth = i, 0
            while i < close:
                c = m[i]
                if c in "([":
                    depth += 1
                elif c in ")]":
                    depth -= 1
                elif c == "{" and depth == 0:
                    i = self.match_brace(i)
                    nxt = re.match(r"\s*else\b", m[i + 1:close])
                    if nxt:
                        i = i + 1 + nxt.end()
                        continue
                    # a block ends the statement unless it is part of an expression (e.g. call{value:..}(..))
                    rest = m[i + 1:close].lstrip()
                    if not rest.startswith(("(", ".", ";")):
                        i += 1
                        break
                elif c == ";" and depth == 0:
                    i += 1
                    break
                i += 1
            out.append((start, i))
        return out

    def blocks_containing(self, span: Span, offset: int) -> list[tuple[int, int]]:
        """Nested blocks ({ .. }) inside ``span`` containing offset, outermost first."""
        out = [(span.open, span.close)]
        while True:
            o, c = out[-1]
            inner = None
            for s, e in self.statements(o, c):
                if s <= offset < e:
                    for bm in re.finditer(r"\{", self.masked[s:e]):
                        b = s + bm.start()
                        bc = self.match_brace(b)
                        if b < offset < bc:
                            inner = (b, bc)
                            break
                    break
            if inner is None or inner == out[-1]:
                return out
            out.append(inner)

    def statement_at(self, span: Span, line: int) -> tuple[tuple[int, int], tuple[int, int]] | None:
        """(block, statement) of the innermost statement starting on ``line`` inside span."""
        ls, le = self.line_start(line), self.line_end(line)
        first = ls + (len(self.masked[ls:le]) - len(self.masked[ls:le].lstrip()))
        if not (span.open < first < span.close):
            return None
        block = self.blocks_containing(span, first)[-1]
        for s, e in self.statements(*block):
            if s <= first < e:
                return block, (s, e)
        return None

    def full_lines(self, start: int, end: int) -> tuple[int, int]:
        """[start, end) widened to whole lines when nothing else shares them."""
        ls = self.line_start(self.line_of(start))
        le = self.line_end(self.line_of(max(start, end - 1)))
        if self.masked[ls:start].strip() == "" and self.masked[end:le].strip() == "":
            return ls, le
        return start, end

    def pragma_end(self) -> int:
        """Offset just after the last pragma/import line (where an import goes)."""
        last = 0
        for m in re.finditer(r"^\s*(pragma|import)\b[^;]*;[^\n]*\n?", self.masked, re.M):
            last = m.end()
        return last
