"""A corpus folder: interesting sequences kept across runs (``--corpus DIR``) and shared by the
workers of one run. One JSON file per sequence under ``DIR/<contract>/``, written atomically;
each worker writes what it found and reads what the others wrote."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from .model import Tx

__all__ = ["CorpusDir"]


class CorpusDir:
    def __init__(self, root: Path, harness: str, run: str = "run"):
        self.dir = Path(root) / "".join(c if c.isalnum() or c in "_-" else "_" for c in harness)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.known: set[str] = set()
        self.run = run  # claims are per run: a kept corpus must not hide the next run's failures

    @staticmethod
    def _name(seq: list[Tx]) -> str:
        blob = json.dumps([t.to_json() for t in seq], sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:24] + ".json"

    def write(self, entries: list[list[Tx]]) -> None:
        for seq in entries:
            name = self._name(seq)
            if name in self.known:
                continue
            self.known.add(name)
            fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".", suffix=".tmp")
            with os.fdopen(fd, "w") as fh:
                json.dump({"sequence": [t.to_json() for t in seq]}, fh)
            os.replace(tmp, self.dir / name)

    def claim(self, key: tuple) -> bool:
        """True for the first worker to claim a failure (it shrinks and reports it)."""
        claims = self.dir / f".claims-{self.run}"
        claims.mkdir(exist_ok=True)
        name = hashlib.sha256(repr(key).encode()).hexdigest()[:24]
        try:
            os.close(os.open(claims / name, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return False
        return True

    def read_new(self, valid_to: set[str]) -> list[list[Tx]]:
        """Sequences not read or written yet; those calling an address the world lacks are skipped
        (a corpus of an older version of the code)."""
        out = []
        try:
            names = [n for n in os.listdir(self.dir) if n.endswith(".json") and n not in self.known]
        except OSError:
            return out
        for n in sorted(names):
            self.known.add(n)
            try:
                seq = [Tx.from_json(t) for t in json.loads((self.dir / n).read_text())["sequence"]]
            except (OSError, ValueError, KeyError, TypeError):
                continue
            if seq and all(t.to.lower() in valid_to for t in seq):
                out.append(seq)
        return out
