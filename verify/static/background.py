"""Run Slither in a forked child while the caller runs the dynamic search on the other core.

Slither is pure Python, so a thread would not overlap with the property search; a forked child
does, and it inherits the compile output without pickling it. Where fork is unavailable, or the
machine has a single core, or the child dies or cannot send its result, Slither runs in the
caller instead: the result is the same either way, only the wall time differs.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys

from .slither_runner import SlitherRun, run_slither

__all__ = ["PendingSlither", "start_slither"]


def _child(conn, args: tuple, kwargs: dict) -> None:
    # inherited objects are never garbage here, and Slither allocates millions of small ones:
    # skip the former and collect the young generation rarely
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    try:
        conn.send(run_slither(*args, **kwargs))
    except Exception:  # noqa: BLE001 - e.g. a result that does not pickle: the parent reruns it
        conn.send(None)
    finally:
        conn.close()


class PendingSlither:
    """A Slither run in flight: ``result()`` waits for it."""

    def __init__(self, args: tuple, kwargs: dict):
        self._args, self._kwargs = args, kwargs
        self._run: SlitherRun | None = None
        self._proc = self._recv = None
        if sys.platform == "linux" and (os.cpu_count() or 1) >= 2:
            ctx = multiprocessing.get_context("fork")
            recv, send = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_child, args=(send, args, kwargs), name="ouro-slither", daemon=True)
            try:
                proc.start()
                self._proc, self._recv = proc, recv
            except (OSError, AssertionError):  # AssertionError: a daemonic process may not have children
                recv.close()
            send.close()

    def result(self) -> SlitherRun:
        if self._run is None and self._recv is not None:
            got = None
            try:
                got = self._recv.recv()
            except (EOFError, OSError):
                pass
            self._close()
            self._run = got if isinstance(got, SlitherRun) else None
        if self._run is None:
            self._run = run_slither(*self._args, **self._kwargs)
        return self._run

    def _close(self) -> None:
        if self._recv is not None:
            self._recv.close()
            self._recv = None
        if self._proc is not None:
            self._proc.join()
            self._proc = None


def start_slither(*args, **kwargs) -> PendingSlither:
    """Start ``run_slither(*args, **kwargs)`` in a child process where that can run in parallel."""
    return PendingSlither(args, kwargs)
