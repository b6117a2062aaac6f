"""The batch loop: inspect inputs, skip what the store already holds, keep ``jobs`` files in flight,
commit each result as it arrives, and survive workers that hang or die.

A worker that dies takes the pool with it: the files then in flight go back to the queue; a file
that was in flight at a death is retried alone, and a death while it runs alone is its result.
A file past its time limit (plus grace) on a local pool gets a ``timeout`` row and the pool is
replaced; on a cluster its future is abandoned.
"""

from __future__ import annotations

import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .config import BatchConfig
from .discover import display_name
from .inputs import BatchInput, inspect_input, result_entry
from .store import ResultStore

__all__ = ["BatchOutcome", "run_batch"]

POLL_SECONDS = 0.5


@dataclass
class BatchOutcome:
    results: list[dict[str, Any]]  # one entry per input file, in input order
    cached: int = 0  # taken from the store without running
    ran: int = 0
    seconds: float = 0.0
    worker_restarts: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class _Task:
    item: BatchInput
    index: int
    strikes: int = 0  # worker deaths it was in flight for


def _grace(timeout: float) -> float:
    return max(10.0, 0.5 * timeout)


def _order_key(item: BatchInput, compiler) -> tuple:
    """Files of one compiler release together, so each worker loads a release once; unresolvable
    pragmas last (the worker reports them)."""
    v = _version(compiler, item.path)
    return (0, tuple(int(x) for x in v.split(".")), str(item.path)) if v else (1, (), str(item.path))


def _preinstall(items: list[BatchInput], install: bool) -> None:
    """Obtain every release the batch needs in the parent, one at a time (workers never install)."""
    if not install:
        return
    from verify.compile import Compiler

    c = Compiler(install=True)
    for v in sorted({v for v in (_version(c, i.path) for i in items) if v}):
        try:
            c.backend_for(v)
        except Exception:  # noqa: BLE001 - the files that need it report the missing compiler
            continue


def _version(compiler, path: Path) -> str | None:
    try:
        return compiler.resolve_version(path)
    except Exception:  # noqa: BLE001
        return None


def run_batch(paths: list[Path], config: BatchConfig, *, jobs: int = 1, store: ResultStore | None = None,
              fresh: bool = False, cluster: str | None = None, install: bool = True,
              on_start: Callable[[int, int], None] | None = None,
              on_result: Callable[[dict[str, Any], bool], None] | None = None) -> BatchOutcome:
    """Verify ``paths``; ``on_start(total, cached)`` once, ``on_result(entry, cached)`` per file."""
    from verify.compile import Compiler
    from verify.report import tool_version

    started = time.monotonic()
    version, chash = tool_version(), config.config_hash()
    if store is not None:
        store.remember_config(chash, config.verify_options())
    items = [inspect_input(p, display_name(p)) for p in paths]
    results: list[dict[str, Any] | None] = [None] * len(items)
    outcome = BatchOutcome(results=[])

    def record(task: _Task, entry: dict[str, Any], seconds: float | None, cached: bool = False) -> None:
        if store is not None and not cached:
            store.put(path=str(task.item.path), content_hash=task.item.content_hash, ouro_version=version,
                      config_hash=chash, entry=entry, seconds=seconds, timeout=config.timeout)
        results[task.index] = entry
        if on_result:
            on_result(entry, cached)

    todo: list[_Task] = []
    cached: list[tuple[_Task, dict[str, Any]]] = []
    for i, item in enumerate(items):
        task = _Task(item, i)
        row = None if (fresh or store is None) else store.get(str(item.path), item.content_hash, version, chash)
        if row is not None and not _redo(row, config.timeout):
            cached.append((task, row["entry"]))
        else:
            todo.append(task)
    if on_start:
        on_start(len(items), len(cached))
    for task, entry in cached:
        entry["file"] = task.item.display
        record(task, entry, None, cached=True)
    outcome.cached = len(cached)

    runnable = []
    for task in todo:
        if task.item.problem is not None:
            record(task, dict(task.item.problem), 0.0)
        else:
            runnable.append(task)
    resolver = Compiler(install=False)
    runnable.sort(key=lambda t: _order_key(t.item, resolver))
    outcome.ran = len(todo)

    if runnable:
        _preinstall([t.item for t in runnable], install and cluster is None)
        if jobs <= 1 and cluster is None and config.memory_mb is None:
            _run_inline(runnable, config, record)
        else:
            _run(runnable, config, jobs, cluster, record, outcome)
    outcome.results = [r for r in results if r is not None]
    outcome.seconds = time.monotonic() - started
    return outcome


def _redo(row: dict[str, Any], timeout: float | None) -> bool:
    """A stored timeout is worth another try when the limit is now higher (or gone)."""
    return row["status"] == "timeout" and (timeout is None or (row["timeout"] or 0) < timeout)


def _task_payload(task: _Task, config: BatchConfig, install: bool) -> dict[str, Any]:
    return {"path": str(task.item.path), "display": task.item.display, "options": _verify_kwargs(config),
            "timeout": config.timeout, "memory_mb": config.memory_mb, "install": install}


def _verify_kwargs(config: BatchConfig) -> dict[str, Any]:
    o = config.verify_options()
    return {k: o[k] for k in ("static_only", "seed", "max_examples", "steps", "chain", "replay", "constructor_args")}


def _run_inline(tasks: list[_Task], config: BatchConfig, record: Callable[..., None]) -> None:
    """One job, no memory cap: verify in this process (the time limit still applies)."""
    from .worker import verify_task

    for task in tasks:
        out = verify_task(_task_payload(task, config, False))
        record(task, out["entry"], out["seconds"])


def _run(tasks: list[_Task], config: BatchConfig, jobs: int, cluster: str | None,
         record: Callable[..., None], outcome: BatchOutcome) -> None:
    from .executors import ClusterWorkers, PoolWorkers
    from .worker import verify_task

    workers = ClusterWorkers(cluster) if cluster else PoolWorkers(jobs, config.memory_mb)
    if cluster:  # each Dask worker verifies one file at a time
        jobs = max(1, len(workers.client.scheduler_info().get("workers", {})))
    pending: deque[_Task] = deque(tasks)
    inflight: dict[Future, tuple[_Task, float]] = {}
    hard_limit = config.timeout + _grace(config.timeout) if config.timeout else None

    def submit(task: _Task) -> None:
        fut = workers.executor.submit(verify_task, _task_payload(task, config, workers.install))
        inflight[fut] = (task, time.monotonic())

    try:
        while pending or inflight:
            while pending and len(inflight) < jobs and not any(t.strikes for t, _ in inflight.values()):
                if pending[0].strikes and inflight:
                    break  # a file that was in flight at a worker death runs alone
                submit(pending.popleft())
            in_flight_now = len(inflight)
            done, _ = wait(list(inflight), timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
            broken = False
            for fut in done:
                task, t0 = inflight.pop(fut)
                try:
                    out = fut.result()
                except (BrokenProcessPool, CancelledError):
                    broken = True
                    _strike(task, pending, record, in_flight_now == 1, config)
                    continue
                except Exception as exc:  # noqa: BLE001 - e.g. a Dask worker killed repeatedly
                    msg = f"{task.item.display}: worker failed: {type(exc).__name__}: {exc}"
                    out = {"entry": result_entry(task.item.display, "error", msg), "seconds": None}
                record(task, out["entry"], out.get("seconds"))
            if broken:
                for task, _t0 in inflight.values():
                    _strike(task, pending, record, False, config)
                inflight.clear()
                workers.restart()
                outcome.worker_restarts += 1
                continue
            if hard_limit is not None:
                _stop_stuck(inflight, pending, workers, record, config, hard_limit, outcome)
    finally:
        workers.close()


def _stop_stuck(inflight: dict, pending: deque, workers, record: Callable[..., None], config: BatchConfig,
                hard_limit: float, outcome: BatchOutcome) -> None:
    now = time.monotonic()
    stuck = [(f, t, t0) for f, (t, t0) in inflight.items() if now - t0 > hard_limit]
    if not stuck:
        return
    for fut, task, t0 in stuck:
        inflight.pop(fut)
        fut.cancel()
        msg = (f"{task.item.display}: verification did not finish within the per-file time limit of "
               f"{config.timeout:g} s (--timeout) and did not stop by itself; its worker was "
               + ("killed" if workers.can_kill else "abandoned"))
        record(task, result_entry(task.item.display, "timeout", msg), round(now - t0, 3))
    if workers.can_kill:
        for task, _t0 in inflight.values():
            pending.appendleft(task)  # bystanders in the same pool: run again, no strike
        inflight.clear()
        workers.kill_stuck()
        outcome.worker_restarts += 1


def _strike(task: _Task, pending: deque, record: Callable[..., None], alone: bool, config: BatchConfig) -> None:
    task.strikes += 1
    if alone or task.strikes >= 2:
        cap = f" or its memory cap of {config.memory_mb} MB (--memory-mb)" if config.memory_mb else ""
        record(task, result_entry(task.item.display, "error",
                                  f"{task.item.display}: the worker process died while verifying this file "
                                  f"(a crash in a native component{cap}); the batch went on"), None)
    else:
        pending.appendleft(task)
