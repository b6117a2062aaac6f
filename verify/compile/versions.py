"""Solidity version pragmas: parsing, and resolution against the releases that exist.

Policy: the newest known release that satisfies every ``pragma solidity`` of the file and of the
local files it imports. A file without a pragma gets ``DEFAULT_VERSION``; compile_file retries
other releases when that one cannot parse the file (see retry.py). Pragmas are read as leniently
as solc reads them (``^ 0.4 .9``, ``>0.4.99<0.6``, ``0.4.x``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import semantic_version

__all__ = [
    "DEFAULT_VERSION",
    "Pragma",
    "PragmaError",
    "allowed_versions",
    "known_versions",
    "find_pragmas",
    "resolve_version",
    "summarize_versions",
]

DEFAULT_VERSION = "0.8.37"  # newest solc-js release bundled with the npm toolchain


class PragmaError(ValueError):
    """A version pragma that cannot be parsed or that no release satisfies."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None):
        self.file, self.line, self.reason = file, line, message
        where = f"{file}:{line}: " if file and line else (f"{file}: " if file else "")
        super().__init__(where + message)


@dataclass(frozen=True)
class Pragma:
    text: str  # the constraint as written, e.g. ">=0.4.22 <0.6.0"
    file: str
    line: int

    def spec(self) -> semantic_version.NpmSpec:
        try:
            return semantic_version.NpmSpec(_normalize(self.text))
        except ValueError as exc:
            raise PragmaError(f"cannot parse version pragma 'solidity {self.text}': {exc}", self.file, self.line)


@lru_cache(maxsize=1)
def known_versions() -> tuple[str, ...]:
    """Every solc release ouro can obtain, oldest first."""
    text = resources.files(__package__).joinpath("solc_releases.txt").read_text()
    versions = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return tuple(sorted(versions, key=semantic_version.Version))


def summarize_versions(versions: tuple[str, ...] | list[str]) -> str:
    """'0.4.1-0.4.26, 0.5.0-0.5.17, ...': one range per minor series."""
    series: dict[tuple[int, int], list[semantic_version.Version]] = {}
    for v in versions:
        sv = semantic_version.Version(v)
        series.setdefault((sv.major, sv.minor), []).append(sv)
    parts = []
    for _key, vs in sorted(series.items()):
        lo, hi = min(vs), max(vs)
        parts.append(str(lo) if lo == hi else f"{lo}-{hi}")
    return ", ".join(parts)


_COMMENT_OR_STRING = re.compile(
    r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S
)
_PRAGMA = re.compile(r"\bpragma\s+solidity\b\s*([^;]*);")
_IMPORT = re.compile(r'\bimport\s+(?:[^;]*?\bfrom\s+)?["\']([^"\']+)["\']')


def _blank_comments(source: str) -> str:
    """Comments become spaces (newlines kept, so offsets and lines stay); strings stay."""

    def repl(m: re.Match) -> str:
        s = m.group(0)
        if s.startswith("/"):
            return re.sub(r"[^\n]", " ", s)
        return s

    return _COMMENT_OR_STRING.sub(repl, source)


def find_pragmas(source: str, file: str = "<source>") -> list[Pragma]:
    """The ``pragma solidity`` constraints of one source text (comments ignored)."""
    clean = _blank_comments(source)
    found = []
    for m in _PRAGMA.finditer(clean):
        line = clean.count("\n", 0, m.start()) + 1
        found.append(Pragma(" ".join(m.group(1).split()), file, line))
    return found


def find_imports(source: str) -> list[str]:
    return [path for path, _line in find_imports_at(source)]


def find_imports_at(source: str) -> list[tuple[str, int]]:
    """Each import path of ``source`` with its 1-based line (comments ignored)."""
    clean = _blank_comments(source)
    return [(m.group(1), clean.count("\n", 0, m.start()) + 1) for m in _IMPORT.finditer(clean)]


# solc reads a pragma as a token stream, so spaces may fall anywhere between tokens, even inside a
# version the scanner split into number literals ('^ 0.4 .9' is '^0.4.9' to solc 0.4.x).
_PART = r"(?:\d+|[xX*])"
_PRAGMA_TOKEN = re.compile(
    rf"\s*(?:(?P<alt>\|\|)|(?P<op><=|>=|<|>|=|\^|~)|(?P<ver>{_PART}(?:\s*\.\s*{_PART}){{0,2}})|(?P<dash>-))"
)


def _normalize(text: str) -> str:
    """A pragma constraint as npm-semver text, read as leniently as solc reads it: spaces anywhere
    between tokens ('^ 0.4 .9', '>= 0.4.22 < 0.6.0', '= 0.5.1'), no space between comparators
    ('>0.4.99<0.6'), partial versions ('0.4', '~0.4', '0.4.x', '*'), '||' alternatives and
    'a - b' ranges. ValueError names the first token that is not part of that grammar."""
    alternatives: list[list[str]] = [[]]
    pos, op, t = 0, "", text.strip()
    while pos < len(t):
        m = _PRAGMA_TOKEN.match(t, pos)
        if m is None or m.end() == pos:
            raise ValueError(f"unexpected {t[pos:].strip()[:20]!r}")
        pos = m.end()
        if m.group("alt"):
            if op or not alternatives[-1]:
                raise ValueError("'||' without a version before it")
            alternatives.append([])
        elif m.group("op"):
            if op:
                raise ValueError(f"two operators in a row: {op!r} {m.group('op')!r}")
            op = m.group("op")
        elif m.group("dash"):
            if op or not alternatives[-1] or alternatives[-1][-1] == "-" or not alternatives[-1][-1][:1].isdigit():
                raise ValueError("'-' must stand between two versions")
            alternatives[-1].append("-")
        else:
            version = re.sub(r"\s+", "", m.group("ver"))
            alternatives[-1].append(("" if op == "=" else op) + version)
            op = ""
    if op:
        raise ValueError(f"operator {op!r} without a version")
    if not alternatives[-1] or alternatives[-1][-1] == "-":
        raise ValueError("empty constraint" if not t else "incomplete constraint")
    return " || ".join(" ".join(a) for a in alternatives)


def _remapped(imp: str, remappings: list[str]) -> Path | None:
    """Where a remapping (``prefix=target``, a context ``ctx:`` ignored) sends a non-relative import;
    the longest prefix wins, as in solc."""
    best = None
    for m in remappings:
        prefix, sep, target = m.split(":", 1)[-1].partition("=")
        if sep and prefix and imp.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
            best = (prefix, target)
    return Path(best[1] + imp[len(best[0]):]) if best else None


def collect_pragmas(path: Path, search_roots: list[Path] | None = None,
                    remappings: list[str] | None = None) -> list[Pragma]:
    """Pragmas of ``path`` and of every local file it imports (transitively); non-relative imports
    are looked up through ``remappings`` first, then below ``path``'s folder and ``search_roots``."""
    seen: set[Path] = set()
    pragmas: list[Pragma] = []
    stack = [path.resolve()]
    roots = [r.resolve() for r in (search_roots or [])]
    while stack:
        p = stack.pop()
        if p in seen or not p.is_file():
            continue
        seen.add(p)
        try:
            src = p.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        pragmas.extend(find_pragmas(src, str(p)))
        for imp in find_imports(src):
            if imp.startswith("."):
                stack.append((p.parent / imp).resolve())
            else:
                target = _remapped(imp, remappings or [])
                if target is not None and target.is_absolute() and target.is_file():
                    stack.append(target.resolve())
                    continue
                for root in [p.parent, *roots]:
                    cand = root / imp
                    if cand.is_file():
                        stack.append(cand.resolve())
                        break
    return pragmas


def allowed_versions(pragmas: list[Pragma], available: tuple[str, ...] | list[str] | None = None) -> list[str]:
    """Every release in ``available`` (default: all known) that satisfies every pragma, newest
    first; PragmaError for a pragma that cannot be parsed."""
    pool = [semantic_version.Version(v) for v in (available if available is not None else known_versions())]
    specs = [p.spec() for p in pragmas]
    return [str(v) for v in sorted(pool, reverse=True) if all(v in s for s in specs)]


def resolve_version(
    pragmas: list[Pragma],
    available: tuple[str, ...] | list[str] | None = None,
    file: str | None = None,
) -> str:
    """The newest release in ``available`` (default: all known) satisfying every pragma."""
    pool = list(available) if available is not None else list(known_versions())
    if not pragmas:
        if DEFAULT_VERSION in pool or available is None:
            return DEFAULT_VERSION
        return max(pool, key=semantic_version.Version)
    candidates = [semantic_version.Version(v) for v in pool]
    for pragma in pragmas:
        spec = pragma.spec()
        narrowed = [v for v in candidates if v in spec]
        if not narrowed:
            alone = [v for v in map(semantic_version.Version, pool) if v in spec]
            if alone:
                others = "; ".join(f"{p.file}:{p.line} 'solidity {p.text}'" for p in pragmas if p is not pragma)
                raise PragmaError(
                    f"pragma 'solidity {pragma.text}' conflicts with {others}: no release satisfies all of them",
                    pragma.file,
                    pragma.line,
                )
            raise PragmaError(
                f"no solc release satisfies 'pragma solidity {pragma.text}'; available versions: "
                f"{summarize_versions(pool)}",
                pragma.file,
                pragma.line,
            )
        candidates = narrowed
    return str(max(candidates))
