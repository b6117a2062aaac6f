"""A per-file time limit inside a worker: ``FileTimeout`` is raised in the verifying thread.

The main thread (a process-pool worker) uses SIGALRM, which also interrupts blocking reads;
other threads (a Dask worker's executor thread) get the exception asynchronously at the next
bytecode boundary. ``FileTimeout`` derives from BaseException so the pipeline's
``except Exception`` handlers (which turn tool crashes into notes) do not swallow it.
A worker stuck inside C code is the parent's job: it kills the pool after a grace period.
"""

from __future__ import annotations

import ctypes
import signal
import threading
from contextlib import contextmanager
from typing import Iterator

__all__ = ["FileTimeout", "time_limit"]


class FileTimeout(BaseException):
    """The file's verification ran past its time limit."""


def _raise_timeout(signum, frame):  # noqa: ARG001 - signal handler signature
    raise FileTimeout()


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    if not seconds or seconds <= 0:
        yield
        return
    if threading.current_thread() is threading.main_thread():
        old = signal.signal(signal.SIGALRM, _raise_timeout)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
        return

    tid = threading.get_ident()
    state = {"done": False, "fired": False}
    lock = threading.Lock()

    def fire() -> None:
        with lock:
            if not state["done"]:
                state["fired"] = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(tid), ctypes.py_object(FileTimeout))

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            state["done"] = True
            timer.cancel()
            if state["fired"]:  # not delivered yet: withdraw it, the block is over
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(tid), None)
