"""Verification fan-out and the shared verification cache.

Generation stays in the parent (a scripted or HTTP model is cheap there, and a local model must
not be loaded once per worker); only the uncached verifications go to a ``ProcessPoolExecutor``
(spawn start method: no forked state). Each worker builds its own compiler once and verifies on
its own in-process EVM (strategy verification never replays on Anvil, so no worker opens a chain
port). The parent alone writes the cache, and results come back in submission order, so
``--jobs 1`` and ``--jobs 2`` give identical results.

The cache is the batch results store (``verify/batch/store.py``): one row per
(``strategy:<spec id>``, content hash of the source, ouro version, verifier-config hash), so
``ouro verify --db`` and ``ouro strategy`` can share one file.
"""

from __future__ import annotations

import hashlib
from concurrent.futures import Executor, ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

__all__ = ["VerifyCache", "make_pool", "ouro_version", "verify_many"]

_COMPILER = None  # one per worker process


def ouro_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ouro-contracts")
    except PackageNotFoundError:
        return "dev"


def source_hash(source: str) -> str:
    return hashlib.sha256(source.encode()).hexdigest()


class VerifyCache:
    """Verdicts of strategy verification, kept in a batch results store (the parent writes)."""

    def __init__(self, path: str | Path):
        from verify.batch.store import ResultStore

        self.store = ResultStore(path)
        self.path = self.store.path
        self._known: set[str] = set()

    def close(self) -> None:
        self.store.close()

    def get(self, spec_id: str, source: str, cfg) -> dict[str, Any] | None:
        row = self.store.get(f"strategy:{spec_id}", source_hash(source), ouro_version(), cfg.hash)
        return None if row is None else row["entry"].get("verdict")

    def put(self, spec_id: str, source: str, cfg, verdict: dict[str, Any], seconds: float | None = None) -> None:
        if cfg.hash not in self._known:
            from dataclasses import asdict

            self.store.remember_config(cfg.hash, {"strategy-verifier": asdict(cfg)})
            self._known.add(cfg.hash)
        entry = {"file": f"strategy:{spec_id}", "status": "ok" if verdict.get("passed") else "failed",
                 "findings": [], "verdict": verdict}
        self.store.put(path=f"strategy:{spec_id}", content_hash=source_hash(source), ouro_version=ouro_version(),
                       config_hash=cfg.hash, entry=entry, seconds=seconds)


def make_pool(jobs: int) -> Executor | None:
    """A spawn-safe process pool of ``jobs`` workers (None for one job: verify inline)."""
    if jobs <= 1:
        return None
    return ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn"))


def _worker_verify(spec_id: str, split: str, doc: dict, source: str, cfg) -> tuple[dict[str, Any], bool, float]:
    import time

    from .corpus import CorpusEntry
    from .evaluate import _verify_uncached

    global _COMPILER
    if _COMPILER is None:
        from verify.compile import Compiler

        _COMPILER = Compiler(evm_version="cancun")
    t0 = time.perf_counter()
    out, cacheable = _verify_uncached(CorpusEntry(spec_id, split, doc).spec(), source, cfg, _COMPILER)
    return out, cacheable, time.perf_counter() - t0


def verify_many(items, cfg, cache: VerifyCache | None = None, pool: Executor | None = None,
                compiler=None, memo: dict | None = None) -> list[dict[str, Any]]:
    """Verdicts for ``items`` ((CorpusEntry, source) pairs), in order: cached ones read, the rest
    verified (in ``pool`` when given), each distinct (spec, source) once; the parent writes."""
    import time

    from .evaluate import _verify_uncached

    memo = {} if memo is None else memo
    out: list[dict[str, Any] | None] = [None] * len(items)
    todo: dict[tuple[str, str], list[int]] = {}
    for i, (entry, source) in enumerate(items):
        key = (entry.id, source_hash(source), cfg.hash)
        hit = memo.get(key)
        if hit is None and cache is not None:
            hit = cache.get(entry.id, source, cfg)
        if hit is not None:
            memo[key] = hit
            out[i] = {**hit, "cached": True}
        else:
            todo.setdefault(key, []).append(i)
    keys = list(todo)
    if pool is not None and len(keys) > 1:
        futs = [pool.submit(_worker_verify, items[todo[k][0]][0].id, items[todo[k][0]][0].split,
                            items[todo[k][0]][0].doc, items[todo[k][0]][1], cfg) for k in keys]
        done = [f.result() for f in futs]
    else:
        done = []
        for k in keys:
            entry, source = items[todo[k][0]]
            t0 = time.perf_counter()
            v, ok = _verify_uncached(entry.spec(), source, cfg, compiler)
            done.append((v, ok, time.perf_counter() - t0))
    for k, (verdict, cacheable, seconds) in zip(keys, done):
        entry, source = items[todo[k][0]]
        if cacheable:
            memo[k] = verdict
            if cache is not None:
                cache.put(entry.id, source, cfg, verdict, seconds)
        for i in todo[k]:
            out[i] = dict(verdict)
    return out  # type: ignore[return-value]
