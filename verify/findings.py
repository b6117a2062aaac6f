"""The finding record every check produces (the JSON contract in docs/ARCHITECTURE.md)."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Finding", "SEVERITIES", "CONFIDENCES", "finding_id", "severity_as_flagged", "severity_rank"]

SEVERITIES = ("high", "medium", "low", "informational")
CONFIDENCES = ("high", "medium", "low")


def finding_id(*parts: Any) -> str:
    """Stable content hash: the thing to diff between repair rounds."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


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

    @property
    def id(self) -> str:
        return finding_id(self.check, os.path.basename(self.file), self.contract, self.function, self.lines)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("file")
        return {"id": self.id, **d}
