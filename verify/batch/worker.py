"""What runs in a batch worker (a process-pool worker or a Dask worker): one file at a time, with
a warm compiler (its solc-js server stays loaded between files) and the in-process EVM.

Never raises for a file: every failure becomes the file's result row.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import threading
import time
from typing import Any

from .deadline import FileTimeout, time_limit
from .inputs import result_entry

__all__ = ["init_pool_worker", "verify_task"]

_COMPILERS: dict[bool, Any] = {}
_ONE_AT_A_TIME = threading.Lock()  # a Dask worker with several threads still verifies serially
_PR_SET_PDEATHSIG = 1


def init_pool_worker(memory_mb: int | None) -> None:
    """Process-pool initializer: die with the batch, leave Ctrl-C to the parent, cap memory."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if memory_mb:
        # RLIMIT_DATA, not RLIMIT_AS: solc-js reserves large WebAssembly address ranges it never
        # touches. The compile server (a child) inherits the cap.
        limit = int(memory_mb) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def _compiler(install: bool):
    if install not in _COMPILERS:
        from verify.compile import Compiler

        _COMPILERS[install] = Compiler(install=install)
    return _COMPILERS[install]


def _reset_compile_server() -> None:
    """After an interrupted file the server may owe an answer: start the next file afresh."""
    from verify.compile.server import shared_server

    try:
        shared_server().close()
    except Exception:  # noqa: BLE001 - a dead server is started again on demand
        pass


def verify_task(task: dict[str, Any]) -> dict[str, Any]:
    """Verify ``task["path"]``; returns {"entry", "seconds", "pid"}."""
    with _ONE_AT_A_TIME:
        return _verify(task)


def _verify(task: dict[str, Any]) -> dict[str, Any]:
    started = time.monotonic()
    display, timeout = task["display"], task.get("timeout")
    try:
        from verify.pipeline import VerifyOptions, verify_file

        opts = VerifyOptions(**task["options"])
        with time_limit(timeout):
            entry = verify_file(task["path"], _compiler(task.get("install", False)), opts)
    except FileTimeout:
        _reset_compile_server()
        entry = result_entry(display, "timeout",
                             f"{display}: verification did not finish within the per-file time limit of "
                             f"{timeout:g} s (--timeout); stopped")
    except MemoryError:
        _reset_compile_server()
        entry = result_entry(display, "error", f"{display}: out of memory (the worker's cap is "
                                               f"{task.get('memory_mb')} MB, --memory-mb)")
    except Exception as exc:  # noqa: BLE001 - a crash in one file never stops the batch
        _reset_compile_server()
        cap = task.get("memory_mb")
        hint = f" (the worker's memory cap is {cap} MB, --memory-mb)" if cap else ""
        entry = result_entry(display, "error", f"{display}: verification crashed: {type(exc).__name__}: {exc}{hint}")
    entry["file"] = display  # the parent's name for it, whatever the worker's working directory
    return {"entry": entry, "seconds": round(time.monotonic() - started, 3), "pid": os.getpid()}
