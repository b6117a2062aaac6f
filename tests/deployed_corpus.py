"""ouro's engine measured on the deployed-style corpus (tests/corpus/deployed/MANIFEST.yaml).

The labels come from the hand-written exploits of tests/test_deployed_corpus_exploits.py, never
from the engine. An exploitable contract counts as confirmed when the report holds a finding of
its category on its contract with ``confirmed: true`` whose Anvil replay reproduced; a twin fails
the measure when any finding of its category is confirmed.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "deployed"


def manifest() -> list[dict[str, Any]]:
    return yaml.safe_load((CORPUS / "MANIFEST.yaml").read_text())


def _verify(args: tuple[str, int, int]) -> dict[str, Any]:
    from verify.compile import Compiler
    from verify.pipeline import VerifyOptions, verify_file

    path, max_examples, seed = args
    return verify_file(path, Compiler(install=False), VerifyOptions(seed=seed, max_examples=max_examples))


def run(entries: list[dict[str, Any]], jobs: int = 2, max_examples: int = 120, seed: int = 0) -> dict[str, dict]:
    """file name -> verify_file result."""
    files = sorted({e["file"] for e in entries})
    work = [(str(CORPUS / f), max_examples, seed) for f in files]
    if jobs <= 1:
        results = [_verify(w) for w in work]
    else:
        with ProcessPoolExecutor(jobs, mp_context=_context()) as pool:
            results = list(pool.map(_verify, work))
    return dict(zip(files, results))


def _context():
    import multiprocessing

    return multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")


def judge(entry: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    """{"confirmed": bool, "finding": ..., "other_confirmed": [...]} for one manifest entry."""
    mine = [f for f in result.get("findings", []) if f.get("contract") in (entry["contract"], None)]
    right = [f for f in mine if f["category"] == entry["category"] and f["confirmed"] is True]
    replayed = [f for f in right if ((f.get("evidence") or {}).get("replay") or {}).get("reproduced") is True]
    others = [f"{f['check']} ({f['category']})" for f in mine if f["confirmed"] is True and f not in right]
    return {"confirmed": bool(replayed), "confirmed_unreplayed": bool(right) and not replayed,
            "finding": (replayed or right or [None])[0], "other_confirmed": others,
            "status": result.get("status"), "notes": result.get("notes", [])}


def score(entries: list[dict[str, Any]], results: dict[str, dict]) -> dict[str, Any]:
    rows, hit, exploitable, twins_confirmed = [], 0, 0, []
    for e in entries:
        j = judge(e, results[e["file"]])
        rows.append((e, j))
        if e["exploitable"]:
            exploitable += 1
            hit += j["confirmed"]
        elif j["confirmed"] or j["confirmed_unreplayed"]:
            twins_confirmed.append(e["file"])
    return {"rows": rows, "confirmed": hit, "exploitable": exploitable,
            "rate": hit / exploitable if exploitable else 0.0, "twins_confirmed": twins_confirmed}
