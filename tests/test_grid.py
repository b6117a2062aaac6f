"""A sample of the option grid (``make grid`` runs all of it): every sampled combination compiles,
has no high/medium finding, and passes every property, invariant and scenario."""

from __future__ import annotations

import random

from synth.grid import grid_specs, run_grid
from synth.kinds import all_kinds

PER_KIND = 2


def test_grid_is_at_least_300_contracts_and_covers_every_kind():
    docs = grid_specs()
    assert len(docs) >= 300
    assert {d["kind"] for d in docs} == set(all_kinds())
    for name, kind in all_kinds().items():  # every entry is a valid spec of its kind
        assert sum(d["kind"] == name for d in docs) == len(kind.grid())


def test_grid_sample_passes():
    rng = random.Random(2026)
    docs = []
    for name in all_kinds():
        entries = grid_specs([name])
        # the all-options entry of each access mode is the hardest composition; add one random entry
        full = [d for d in entries if all(d["options"].values())]
        docs += [rng.choice(full), rng.choice(entries)]
    rows = run_grid(docs, jobs=2, max_examples=30, progress=False)
    failed = [f"{r['name']} {r['access']} {r['options']}: {r['problems']}" for r in rows if not r["passed"]]
    assert not failed, "\n".join(failed)
    assert len(rows) == len(docs)
