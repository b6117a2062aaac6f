"""The spec corpus: the option grids plus ``examples/specs``, split by a stable hash into
train / validation / test. A spec's split is a function of its id alone, and the store records it
the first time it sees the id; a recorded split is never changed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = ["CorpusEntry", "SPLITS", "build_corpus", "select", "split_of"]

SPLITS = ("train", "validation", "test")
EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples" / "specs"


@dataclass(frozen=True)
class CorpusEntry:
    id: str
    split: str
    doc: dict[str, Any]

    @property
    def key(self) -> int:
        return _h(self.id)

    def spec(self):
        from synth.spec import parse_spec_text

        return parse_spec_text(yaml.safe_dump(self.doc, sort_keys=False), f"{self.doc['name']}.yaml")


def _h(text: str) -> int:
    return int(hashlib.sha256(f"ouro-split-v1:{text}".encode()).hexdigest()[:12], 16)


def split_of(spec_id: str) -> str:
    b = _h(spec_id) % 100
    return "train" if b < 50 else "validation" if b < 75 else "test"


def build_corpus(kinds: list[str] | None = None, examples_dir: Path | None = EXAMPLES_DIR,
                 recorded: dict[str, str] | None = None) -> list[CorpusEntry]:
    """Grid entries (id ``grid:NAME``) and example specs (id ``example:STEM``) of ``kinds``;
    ``recorded`` (id -> split) wins over the hash."""
    from synth.grid import grid_specs

    recorded = recorded or {}
    docs = [(f"grid:{d['name']}", d) for d in grid_specs(kinds)]
    if examples_dir is not None and examples_dir.is_dir():
        for p in sorted(examples_dir.glob("*.yaml")):
            d = yaml.safe_load(p.read_text(encoding="utf-8"))
            if isinstance(d, dict) and (not kinds or d.get("kind") in kinds):
                docs.append((f"example:{p.stem}", d))
    return [CorpusEntry(i, recorded.get(i) or split_of(i), d) for i, d in docs]


def select(entries: list[CorpusEntry], per_split: int | None = None) -> list[CorpusEntry]:
    """The first ``per_split`` entries of each split in hash order (all when None): a stable sample."""
    out = []
    for s in SPLITS:
        part = sorted((e for e in entries if e.split == s), key=lambda e: e.key)
        out += part[:per_split] if per_split else part
    return out
