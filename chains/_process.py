"""Subprocess ownership for local nodes: free ports, readiness, logs, and no orphans.

Every node ouro starts is tracked in a module-level registry. They are stopped by:
- ``stop()`` / the context manager,
- an ``atexit`` hook (normal exit, unhandled exception, Ctrl-C),
- a SIGTERM handler installed when the process still had the default one,
- ``PR_SET_PDEATHSIG`` on Linux, so even ``kill -9`` of the Python process takes the node down.

SIGINT is the program's own business: nothing here installs or changes its handler. With Python's
default one, Ctrl-C is a KeyboardInterrupt and the atexit hook stops the nodes; a program that
inherited SIGINT as ignored (started from a background job) is not stopped by it, so neither are
its nodes, until it exits some other way. The nodes themselves stop on the SIGINT ``stop()`` sends
whatever disposition the program had: Anvil and Ganache install their own handlers.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

__all__ = ["ManagedProcess", "free_port", "live_processes", "stop_all"]

_LIVE: dict[int, "ManagedProcess"] = {}
_LIVE_LOCK = threading.Lock()
_PR_SET_PDEATHSIG = 1


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:  # runs in the child between fork and exec
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:
        pass


class ManagedProcess:
    """One child process with its log file; terminate-then-kill on stop."""

    def __init__(self, argv: list[str], log_path: Path, env: dict[str, str] | None = None):
        self.argv = argv
        self.log_path = log_path
        self.env = env
        self.popen: subprocess.Popen | None = None

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        # Parent-death signal is per forking *thread*: only safe from the main thread.
        preexec = (
            _die_with_parent
            if sys.platform.startswith("linux") and threading.current_thread() is threading.main_thread()
            else None
        )
        try:
            self.popen = subprocess.Popen(
                self.argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env,
                start_new_session=True,
                preexec_fn=preexec,
            )
        finally:
            log.close()
        with _LIVE_LOCK:
            _LIVE[self.popen.pid] = self
        _install_exit_hooks()

    @property
    def pid(self) -> int | None:
        return self.popen.pid if self.popen else None

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def returncode(self) -> int | None:
        return self.popen.poll() if self.popen else None

    def stop(self, grace: float = 3.0) -> None:
        proc = self.popen
        if proc is None:
            return
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGINT)
            except ProcessLookupError:
                pass
            try:
                proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait(timeout=10)
        else:
            # The leader died; make sure nothing it spawned lingers in its group.
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        with _LIVE_LOCK:
            _LIVE.pop(proc.pid, None)

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def live_processes() -> list[ManagedProcess]:
    """Processes started here and not yet stopped."""
    with _LIVE_LOCK:
        return [p for p in _LIVE.values() if p.alive()]


def stop_all() -> None:
    with _LIVE_LOCK:
        procs = list(_LIVE.values())
    for p in procs:
        try:
            p.stop(grace=2.0)
        except Exception:  # noqa: BLE001 - best effort at shutdown
            pass


_HOOKS_INSTALLED = False


def _install_exit_hooks() -> None:
    global _HOOKS_INSTALLED
    if _HOOKS_INSTALLED:
        return
    _HOOKS_INSTALLED = True
    atexit.register(stop_all)
    if threading.current_thread() is threading.main_thread():
        try:
            if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
                signal.signal(signal.SIGTERM, _on_sigterm)
        except ValueError:
            pass


def _on_sigterm(signum, frame):  # pragma: no cover - exercised in a subprocess test
    stop_all()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)


def wait_until(predicate, timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
