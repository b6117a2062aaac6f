"""What a batch runs with: the verify options that change results (hashed into the store key) and
the limits that only bound the work (per-file time limit, memory cap)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["BatchConfig", "FINDING_ID_SCHEME"]

FINDING_ID_SCHEME = 2  # 2: ids are fingerprints of the flagged code (no line numbers)


@dataclass(frozen=True)
class BatchConfig:
    static_only: bool = False
    seed: int = 0
    max_examples: int = 120
    steps: int = 10
    chain: str = "inprocess"
    replay: bool = True
    constructor_args: dict[str, list[Any]] = field(default_factory=dict)
    timeout: float | None = None  # seconds per file; None: no limit
    memory_mb: int | None = None  # per worker process, as RLIMIT_DATA (RLIMIT_AS breaks solc-js WebAssembly)

    def verify_options(self) -> dict[str, Any]:
        """The options that change a file's result: what ``config_hash`` covers."""
        d = asdict(self)
        d.pop("timeout")
        d.pop("memory_mb")
        return d

    def config_hash(self) -> str:
        # FINDING_ID_SCHEME: stored results of an older id scheme are verified again, not reused
        blob = json.dumps({**self.verify_options(), "finding_ids": FINDING_ID_SCHEME}, sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]
