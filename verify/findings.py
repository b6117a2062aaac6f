"""The finding record every check produces (the JSON contract in docs/ARCHITECTURE.md).

A finding's ``id`` is its stable fingerprint: a hash of the check, the file's name (not its folder),
the contract, the function and the normalised code of the flagged lines (their source text with
comments and all whitespace removed), plus an occurrence index when the same check flags the same
code twice in one function. Line numbers are not part of it, so inserting lines, reformatting,
editing comments or changing other functions keeps every id; changing the flagged statement, or
renaming its function, contract or file, gives a new one.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable

__all__ = ["Finding", "SEVERITIES", "CONFIDENCES", "FINGERPRINT_RE", "assign_fingerprints", "finding_id",
           "fingerprint", "flagged_code", "severity_as_flagged", "severity_rank", "strip_comments"]

SEVERITIES = ("high", "medium", "low", "informational")
CONFIDENCES = ("high", "medium", "low")
FINGERPRINT_RE = re.compile(r"[0-9a-f]{16}")  # what an id looks like


def finding_id(*parts: Any) -> str:
    """Content hash of ``parts``: 16 hex digits."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


def fingerprint(check: str, file: str, contract: str | None, function: str | None, code: str,
                occurrence: int = 0) -> str:
    """The stable id of a finding: the file counts by its name only (a moved file keeps its ids)."""
    return finding_id("fp/v1", check, os.path.basename(file or ""), contract, function, code, occurrence)


_TOKEN = re.compile(r'//[^\n]*|/\*.*?(?:\*/|\Z)|"(?:\\.|[^"\\\n])*"?|\'(?:\\.|[^\'\\\n])*\'?', re.S)


def strip_comments(text: str) -> str:
    """Solidity source with its comments blanked (newlines kept, so line numbers stay); string
    literals are kept as they are, a ``//`` inside one is not a comment."""
    def blank(m: re.Match) -> str:
        s = m.group(0)
        return re.sub(r"[^\n]", " ", s) if s[0] == "/" else s
    return _TOKEN.sub(blank, text)


def flagged_code(text: str, lines: Iterable[int]) -> str:
    """The normalised code of ``lines`` (1-based) in ``text``: comments and whitespace removed."""
    src = strip_comments(text).split("\n")
    picked = [src[n - 1] for n in sorted(set(lines)) if isinstance(n, int) and 1 <= n <= len(src)]
    return re.sub(r"\s+", "", "".join(picked))


@functools.lru_cache(maxsize=64)
def _read_cached(path: str, mtime_ns: int, size: int) -> str:
    with open(path, encoding="utf-8", errors="replace") as fh:
        return fh.read()


def _source(path: str) -> str:
    try:
        st = os.stat(path)
        return _read_cached(path, st.st_mtime_ns, st.st_size)
    except OSError:
        return ""


def severity_as_flagged(f: dict[str, Any]) -> str:
    """The severity a finding had before the engine refuted it (``confirmed: false`` lowers a
    high or medium finding to low; the coverage evidence keeps what it was)."""
    cov = (f.get("evidence") or {}).get("coverage") or {}
    return cov.get("severity_before") or f["severity"]


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


@dataclass
class Finding:
    check: str
    category: str  # one of verify.checks.DASP10
    severity: str
    confidence: str
    source: str  # "slither" | "ouro-static" | "property"
    message: str
    file: str = ""  # absolute path; not part of the JSON entry (the result holds the file)
    contract: str | None = None
    function: str | None = None
    lines: list[int] = field(default_factory=list)
    confirmed: bool | None = None
    evidence: dict[str, Any] | None = None
    # fingerprint inputs, not in the JSON entry: the normalised flagged code (None: read from
    # ``file`` when the id is asked for) and the occurrence index (see assign_fingerprints)
    code: str | None = field(default=None, repr=False, compare=False)
    occurrence: int = field(default=0, repr=False, compare=False)

    @property
    def id(self) -> str:
        code = self.code if self.code is not None else flagged_code(_source(self.file), self.lines)
        return fingerprint(self.check, self.file, self.contract, self.function, code, self.occurrence)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("file", "code", "occurrence"):
            d.pop(k)
        return {"id": self.id, **d}


def assign_fingerprints(findings: list[Finding], texts: dict[str, str] | None = None) -> list[Finding]:
    """Fill in each finding's normalised code (from ``texts[file]``, else the file on disk) and its
    occurrence index: findings with the same check, file name, contract, function and code but
    different lines are numbered 0, 1, ... in the order of their lines (the same lines twice is the
    same finding, one index). Returns ``findings``."""
    texts = texts or {}
    groups: dict[tuple, set[tuple[int, ...]]] = {}
    for f in findings:
        text = texts.get(f.file)
        f.code = flagged_code(text if text is not None else _source(f.file), f.lines)
        key = (f.check, os.path.basename(f.file or ""), f.contract, f.function, f.code)
        groups.setdefault(key, set()).add(tuple(sorted(set(f.lines))))
    order = {k: sorted(v) for k, v in groups.items()}
    for f in findings:
        key = (f.check, os.path.basename(f.file or ""), f.contract, f.function, f.code)
        f.occurrence = order[key].index(tuple(sorted(set(f.lines))))
    return findings
