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


def _noting_compiler_class():
    from verify.compile import CompileError, Compiler

    class NotingCompiler(Compiler):
        """Keeps the notes of its last compile_file (e.g. which release worked after a retry) for
        the file's row; ``pinned_version`` (a block explorer's named release) when none is asked."""

        last_notes: list[str] = []
        pinned_version: str | None = None

        def compile_file(self, path, version=None):
            self.last_notes = []
            try:
                result = super().compile_file(path, version or self.pinned_version)
            except CompileError as exc:
                self.last_notes = list(getattr(exc, "notes", []))
                raise
            self.last_notes = list(result.notes)
            return result

    return NotingCompiler


def _compiler(install: bool, path: str | None = None):
    """The worker's compiler; for a block explorer's unit file one with that JSON's remappings and
    settings (optimizer, evmVersion, viaIR, libraries) and its named release."""
    explorer = _explorer_of(path)
    key: Any = install if explorer is None else (install, str(explorer.folder))
    if key not in _COMPILERS:
        cls = _noting_compiler_class()
        if explorer is None:
            _COMPILERS[key] = cls(install=install)
        else:
            optimizer = explorer.settings.get("optimizer")
            c = cls(install=install, remappings=explorer.remappings,
                    optimize=bool(isinstance(optimizer, dict) and optimizer.get("enabled")),
                    evm_version=explorer.settings.get("evmVersion"))
            c.compile_overrides = explorer.compile_overrides() or None
            c.pinned_version = explorer.version
            explorers = [k for k in _COMPILERS if isinstance(k, tuple)]
            if len(explorers) >= 8:
                del _COMPILERS[explorers[0]]
            _COMPILERS[key] = c
    return _COMPILERS[key]


def _explorer_of(path: str | None):
    if path is None or "ouro-explorer" not in str(path):
        return None
    from verify.project.explorer import explorer_sources_of

    return explorer_sources_of(path)


def _finish_entry(entry: dict[str, Any], compiler, path: str, display: str) -> None:
    """The compile's notes first; for an explorer unit, its written folder named as the JSON."""
    notes = list(getattr(compiler, "last_notes", []) or [])
    entry["notes"] = list(dict.fromkeys([*notes, *entry.get("notes", [])]))
    explorer = _explorer_of(path)
    if explorer is None or ":" not in display:
        return
    json_name = display.rsplit(":", 1)[0]
    folders = [f"{explorer.folder}/"]
    try:  # Slither's messages name files relative to the working directory
        folders.append(f"{os.path.relpath(explorer.folder)}/")
    except ValueError:
        pass

    def fix(value):
        if isinstance(value, str):
            for folder in folders:
                value = value.replace(folder, f"{json_name}:")
            return value
        if isinstance(value, list):
            return [fix(v) for v in value]
        if isinstance(value, dict):
            return {k: fix(v) for k, v in value.items()}
        return value

    for key in ("error", "notes", "findings", "crashes"):
        if key in entry:
            entry[key] = fix(entry[key])


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
        compiler = _compiler(task.get("install", False), task["path"])
        with time_limit(timeout):
            entry = verify_file(task["path"], compiler, opts)
        _finish_entry(entry, compiler, task["path"], display)
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
