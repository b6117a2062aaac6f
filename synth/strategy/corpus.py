"""The spec corpus: the option grids plus ``examples/specs``, split train / validation / test.

Two ways to split, both stable and recorded by the store the first time it sees an id (a
recorded split is never changed):

* ``hash`` (default): a spec's split is a function of its id alone (a stable hash).
* ``kind``: whole kinds go to one split, by a stable hash of the kind name, so validation and
  test hold kinds the learner never trains on (generalisation to unseen kinds). Every split gets
  at least one kind; ``test_kinds`` / ``validation_kinds`` override the hash.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = ["CorpusEntry", "SPLITS", "build_corpus", "kind_splits", "select", "slot_kinds", "split_of"]

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

    @property
    def kind(self) -> str:
        return str(self.doc.get("kind", ""))

    def spec(self):
        from synth.spec import parse_spec_text

        return parse_spec_text(yaml.safe_dump(self.doc, sort_keys=False), f"{self.doc['name']}.yaml")


def _h(text: str) -> int:
    return int(hashlib.sha256(f"ouro-split-v1:{text}".encode()).hexdigest()[:12], 16)


def split_of(spec_id: str) -> str:
    b = _h(spec_id) % 100
    return "train" if b < 50 else "validation" if b < 75 else "test"


def slot_kinds() -> list[str]:
    """The kinds whose template marks at least one slot (the ones a model writes bodies for)."""
    from synth.generators.solidity_edit import find_slots
    from synth.grid import grid_specs
    from synth.kinds import all_kinds, get_kind

    out = []
    for k in sorted(all_kinds()):
        docs = grid_specs([k])
        if docs and find_slots(get_kind(k).render(CorpusEntry("", "", docs[0]).spec())):
            out.append(k)
    return out


def kind_splits(kinds: list[str], test_kinds: list[str] | None = None,
                validation_kinds: list[str] | None = None) -> dict[str, str]:
    """kind -> split: the overrides first, the rest by a stable hash of the kind name (about a
    quarter each to validation and test, at least one kind in every split)."""
    kinds = sorted(set(kinds))
    fixed = {k: "test" for k in test_kinds or ()}
    fixed.update({k: "validation" for k in validation_kinds or ()})
    unknown = sorted(set(fixed) - set(kinds))
    if unknown:
        raise ValueError(f"held-out kind(s) not in the corpus: {', '.join(unknown)}")
    rest = sorted((k for k in kinds if k not in fixed), key=lambda k: _h(f"kind:{k}"))
    out = dict(fixed)
    quarter = max(1, round(len(kinds) / 4))
    for s in ("test", "validation"):
        have = sum(v == s for v in out.values())
        n = (0 if have else 1) if fixed else quarter
        for _ in range(min(n, max(0, len(rest) - 1))):  # train keeps at least one kind
            out[rest.pop(0)] = s
    for k in rest:
        out[k] = "train"
    missing = [s for s in SPLITS if s not in out.values()]
    if missing:
        raise ValueError(f"split by kind needs at least 3 kinds (no kind for {', '.join(missing)})")
    return out


def build_corpus(kinds: list[str] | None = None, examples_dir: Path | None = EXAMPLES_DIR,
                 recorded: dict[str, str] | None = None, split_by: str = "hash",
                 test_kinds: list[str] | None = None, validation_kinds: list[str] | None = None) -> list[CorpusEntry]:
    """Grid entries (id ``grid:NAME``) and example specs (id ``example:STEM``) of ``kinds``;
    ``recorded`` (id -> split) wins over the hash."""
    from synth.grid import grid_specs

    recorded = recorded or {}
    docs = [(f"grid:{d['name']}", d) for d in grid_specs(kinds)]
    if examples_dir is not None and examples_dir.is_dir():
        for p in sorted(examples_dir.glob("*.yaml")):
            d = yaml.safe_load(p.read_text(encoding="utf-8"))
            if isinstance(d, dict) and d.get("kind") and (not kinds or d.get("kind") in kinds):
                docs.append((f"example:{p.stem}", d))
    if split_by == "kind":
        by_kind = kind_splits([d["kind"] for _, d in docs], test_kinds, validation_kinds)
        return [CorpusEntry(i, recorded.get(i) or by_kind[d["kind"]], d) for i, d in docs]
    if split_by != "hash":
        raise ValueError(f"unknown split {split_by!r} (hash or kind)")
    return [CorpusEntry(i, recorded.get(i) or split_of(i), d) for i, d in docs]


def select(entries: list[CorpusEntry], per_split: int | None = None,
           per_kind: int | None = None) -> list[CorpusEntry]:
    """The first ``per_split`` entries of each split in hash order (all when None), at most
    ``per_kind`` of each kind in a split: a stable (and, with ``per_kind``, balanced) sample."""
    out = []
    for s in SPLITS:
        part = sorted((e for e in entries if e.split == s), key=lambda e: e.key)
        if per_kind:
            seen: dict[str, int] = {}
            part = [e for e in part if (seen.__setitem__(e.kind, seen.get(e.kind, 0) + 1) or seen[e.kind]) <= per_kind]
        out += part[:per_split] if per_split else part
    return out
