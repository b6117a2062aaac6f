"""The strategy history (SQLite): versions, per-version metrics (pass rates and the median total gas
per passing spec), every candidate the learner considered (type, origin, check, provenance, deltas,
the decision and its reason), the recorded corpus split (and how it was made), and every evaluated
attempt. Verdicts are cached in the batch results store (``parallel.VerifyCache``); the old
``verify_cache`` table of earlier histories is left readable (``cached``) and no longer written."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

from .model import Strategy

__all__ = ["StrategyStore"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS versions (id INTEGER PRIMARY KEY, hash TEXT, parent INTEGER, created REAL,
    status TEXT, note TEXT, verifier_hash TEXT, body TEXT);
CREATE TABLE IF NOT EXISTS metrics (version INTEGER, split TEXT, n INTEGER, first_pass REAL,
    after_repair REAL, rounds REAL, per_check TEXT, verifier_hash TEXT, created REAL, max_rounds INTEGER,
    gas REAL, PRIMARY KEY (version, split, verifier_hash, max_rounds));
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS corpus (id TEXT PRIMARY KEY, split TEXT);
CREATE TABLE IF NOT EXISTS attempts (version INTEGER, strategy_hash TEXT, spec TEXT, split TEXT, round INTEGER,
    status TEXT, checks TEXT, error TEXT, created REAL);
CREATE TABLE IF NOT EXISTS candidates (id INTEGER PRIMARY KEY, parent INTEGER, version INTEGER, created REAL,
    type TEXT, origin TEXT, "check" TEXT, text TEXT, provenance TEXT, kinds TEXT, accepted INTEGER, reason TEXT,
    deltas TEXT);
CREATE TABLE IF NOT EXISTS verify_cache (source_hash TEXT, verifier_hash TEXT, result TEXT,
    PRIMARY KEY (source_hash, verifier_hash));
"""


class StrategyStore:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(self.path), timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(SCHEMA)
        if "gas" not in {r[1] for r in self.db.execute("PRAGMA table_info(metrics)")}:  # a history from before
            with self.db:
                self.db.execute("ALTER TABLE metrics ADD COLUMN gas REAL")

    def close(self) -> None:
        self.db.close()

    # -- versions
    def add_version(self, s: Strategy, status: str, verifier_hash: str) -> Strategy:
        with self.db:
            cur = self.db.execute("INSERT INTO versions (hash, parent, created, status, note, verifier_hash, body) "
                                  "VALUES (?,?,?,?,?,?,?)", (s.hash, s.parent, time.time(), status, s.note,
                                                             verifier_hash, "{}"))
            vid = cur.lastrowid
            s = s.replace(version=vid)
            self.db.execute("UPDATE versions SET body=? WHERE id=?", (json.dumps(s.to_dict()), vid))
            if status in ("accepted", "initial"):
                self.set_current(vid)
        return s

    def get(self, version: int) -> Strategy:
        row = self.db.execute("SELECT body FROM versions WHERE id=?", (version,)).fetchone()
        if row is None:
            raise KeyError(f"no strategy version {version}")
        return Strategy.from_dict(json.loads(row[0]))

    def status(self, version: int) -> str:
        row = self.db.execute("SELECT status FROM versions WHERE id=?", (version,)).fetchone()
        return row[0] if row else ""

    def set_current(self, version: int) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO state VALUES ('current', ?)", (str(version),))

    def rollback(self, version: int) -> Strategy:
        """Make ``version`` (an accepted or initial one) current again."""
        s = self.get(version)
        if self.status(version) not in ("accepted", "initial"):
            raise KeyError(f"version {version} was {self.status(version)}; roll back to an accepted one")
        self.set_current(version)
        return s

    def current(self) -> Strategy | None:
        row = self.db.execute("SELECT value FROM state WHERE key='current'").fetchone()
        return self.get(int(row[0])) if row else None

    def versions(self) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT id, hash, parent, created, status, note, verifier_hash FROM versions "
                               "ORDER BY id").fetchall()
        keys = ("version", "hash", "parent", "created", "status", "note", "verifier_hash")
        return [dict(zip(keys, r)) for r in rows]

    # -- metrics
    def put_metrics(self, version: int, split: str, m: dict[str, Any], verifier_hash: str,
                    max_rounds: int = 1) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO metrics (version, split, n, first_pass, after_repair, rounds, "
                            "per_check, verifier_hash, created, max_rounds, gas) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                            (version, split, m["n"], m["first_pass"], m.get("after_repair"), m["rounds"],
                             json.dumps(m["per_check"]), verifier_hash, time.time(), max_rounds, m.get("gas")))

    def metrics(self, version: int | None = None) -> list[dict[str, Any]]:
        q = ("SELECT version, split, n, first_pass, after_repair, rounds, per_check, verifier_hash, max_rounds, "
             "gas FROM metrics")
        where = " WHERE version=?" if version is not None else ""
        rows = self.db.execute(q + where + " ORDER BY version, split, max_rounds",
                               (version,) if version is not None else ()).fetchall()
        keys = ("version", "split", "n", "first_pass", "after_repair", "rounds", "per_check", "verifier_hash",
                "max_rounds", "gas")
        return [dict(zip(keys, r[:6] + (json.loads(r[6]),) + r[7:])) for r in rows]

    # -- corpus split (recorded once, never changed)
    def recorded_splits(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT id, split FROM corpus").fetchall())

    def record_splits(self, entries) -> None:
        with self.db:
            self.db.executemany("INSERT OR IGNORE INTO corpus VALUES (?,?)", [(e.id, e.split) for e in entries])

    def split_mode(self) -> str | None:
        row = self.db.execute("SELECT value FROM state WHERE key='split_by'").fetchone()
        return row[0] if row else None

    def set_split_mode(self, mode: str) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO state VALUES ('split_by', ?)", (mode,))

    # -- candidates
    def add_candidate(self, parent: int | None, version: int | None, type_: str, origin: str, check: str, text: str,
                      provenance: list, kinds: list[str], accepted: bool, reason: str, deltas: dict) -> None:
        with self.db:
            self.db.execute('INSERT INTO candidates (parent, version, created, type, origin, "check", text, provenance, '
                            "kinds, accepted, reason, deltas) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                            (parent, version, time.time(), type_, origin, check, text, json.dumps(provenance),
                             json.dumps(kinds), int(accepted), reason, json.dumps(deltas)))

    def candidates(self) -> list[dict[str, Any]]:
        rows = self.db.execute('SELECT id, parent, version, type, origin, "check", text, provenance, kinds, accepted, '
                               "reason, deltas FROM candidates ORDER BY id").fetchall()
        keys = ("id", "parent", "version", "type", "origin", "check", "text", "provenance", "kinds", "accepted",
                "reason", "deltas")
        out = []
        for r in rows:
            d = dict(zip(keys, r))
            d.update(provenance=json.loads(d["provenance"]), kinds=json.loads(d["kinds"]),
                     accepted=bool(d["accepted"]), deltas=json.loads(d["deltas"]))
            out.append(d)
        return out

    # -- attempts
    def add_attempt(self, version: int, strategy_hash: str, spec: str, split: str, rnd: int, status: str,
                    checks: list[str], error: str) -> None:
        with self.db:
            self.db.execute("INSERT INTO attempts VALUES (?,?,?,?,?,?,?,?,?)",
                            (version, strategy_hash, spec, split, rnd, status, json.dumps(checks), error[:2000],
                             time.time()))

    def attempts(self, version: int | None = None) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT version, spec, split, round, status, checks, error FROM attempts"
                               + (" WHERE version=?" if version is not None else ""),
                               (version,) if version is not None else ()).fetchall()
        keys = ("version", "spec", "split", "round", "status", "checks", "error")
        return [dict(zip(keys, r[:5] + (json.loads(r[5]),) + r[6:])) for r in rows]

    # -- the old verification cache (read only)
    def cached(self, source_hash: str, verifier_hash: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT result FROM verify_cache WHERE source_hash=? AND verifier_hash=?",
                              (source_hash, verifier_hash)).fetchone()
        return json.loads(row[0]) if row else None
