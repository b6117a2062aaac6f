"""The result store: one SQLite row per (file, content hash, ouro version, config hash).

Only the batch's parent process writes, one transaction per file, so ``kill -9`` at any moment
leaves every committed file intact and nothing half-written; the primary key makes a second
result for the same work replace the first instead of duplicating it. The path is part of the
key so two identical files in different places each keep their own row.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any, Iterable

__all__ = ["ResultStore", "StoreError", "StoredRow"]

SCHEMA_VERSION = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS configs (config_hash TEXT PRIMARY KEY, config TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS results (
    path TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    ouro_version TEXT NOT NULL,
    config_hash TEXT NOT NULL,
    file TEXT NOT NULL,
    status TEXT NOT NULL,
    findings INTEGER NOT NULL,
    entry TEXT NOT NULL,
    seconds REAL,
    timeout REAL,
    finished REAL NOT NULL,
    PRIMARY KEY (path, content_hash, ouro_version, config_hash)
);
"""


class StoreError(RuntimeError):
    """The file is not a results database ouro can use."""


class StoredRow(dict):
    """A stored result: ``entry`` (the findings-contract dict) plus bookkeeping columns."""


class ResultStore:
    def __init__(self, path: str | Path, *, readonly: bool = False):
        self.path = Path(path)
        try:
            if readonly:
                if not self.path.is_file():
                    raise StoreError(f"{self.path}: no such results database")
                self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
                self.db.executescript(_SCHEMA)
                self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
            tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not an ouro results database ({exc})") from None
        except OSError as exc:
            raise StoreError(f"{self.path}: {exc.strerror or exc}") from None
        if not {"results", "meta"} <= tables:
            raise StoreError(f"{self.path}: not an ouro results database (no results table)")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "ResultStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -----------------------------------------------------------------------
    def remember_config(self, config_hash: str, config: dict[str, Any]) -> None:
        with self._transaction():
            self.db.execute("INSERT OR IGNORE INTO configs VALUES (?, ?)",
                            (config_hash, json.dumps(config, sort_keys=True, default=str)))

    def put(self, *, path: str, content_hash: str, ouro_version: str, config_hash: str,
            entry: dict[str, Any], seconds: float | None = None, timeout: float | None = None) -> None:
        """Store one file's result in its own transaction (replacing an older one for the same key)."""
        row = (path, content_hash, ouro_version, config_hash, entry["file"], entry["status"],
               len(entry.get("findings") or []), json.dumps(entry, default=str), seconds, timeout, time.time())
        with self._transaction():
            self.db.execute("INSERT OR REPLACE INTO results VALUES (?,?,?,?,?,?,?,?,?,?,?)", row)

    def _transaction(self):
        db = self.db

        class _Tx:
            def __enter__(self_inner):
                db.execute("BEGIN IMMEDIATE")

            def __exit__(self_inner, exc_type, *rest):
                db.execute("COMMIT" if exc_type is None else "ROLLBACK")

        return _Tx()

    # -- reading -----------------------------------------------------------------------
    def get(self, path: str, content_hash: str, ouro_version: str, config_hash: str) -> StoredRow | None:
        cur = self.db.execute(
            "SELECT entry, status, timeout, seconds FROM results WHERE path=? AND content_hash=? AND "
            "ouro_version=? AND config_hash=?", (path, content_hash, ouro_version, config_hash))
        r = cur.fetchone()
        if r is None:
            return None
        return StoredRow(entry=json.loads(r[0]), status=r[1], timeout=r[2], seconds=r[3])

    def latest_results(self, paths: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """The newest stored entry per file (all files, or ``paths`` in that order)."""
        rows = self.db.execute(
            "SELECT path, entry FROM results r WHERE finished = "
            "(SELECT MAX(finished) FROM results s WHERE s.path = r.path) ORDER BY file, path").fetchall()
        by_path: dict[str, dict[str, Any]] = {}
        for path, entry in rows:
            by_path.setdefault(path, json.loads(entry))
        if paths is None:
            return list(by_path.values())
        return [by_path[p] for p in paths if p in by_path]

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM results").fetchone()[0]
