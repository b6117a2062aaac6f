"""Where a batch's files run: a local process pool of warm workers, or a Dask distributed cluster.

Both are ``concurrent.futures`` executors; ``Workers`` adds what the runner needs beyond that:
rebuilding after a worker died or was killed, and killing workers stuck past their time limit.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Executor, ProcessPoolExecutor

import psutil

from .worker import init_pool_worker

__all__ = ["ClusterError", "ClusterWorkers", "PoolWorkers", "Workers"]


class ClusterError(RuntimeError):
    """The Dask scheduler could not be reached."""


class Workers:
    """Common interface: ``executor``, ``restart()`` after a break, ``kill_stuck()``, ``close()``."""

    executor: Executor
    can_kill = False  # can a stuck file be stopped by killing workers?
    install = False  # should workers install missing compilers themselves?

    def restart(self) -> None:
        raise NotImplementedError

    def kill_stuck(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class PoolWorkers(Workers):
    """``jobs`` worker processes from a forkserver that has already imported the pipeline."""

    can_kill = True

    def __init__(self, jobs: int, memory_mb: int | None):
        self.jobs, self.memory_mb = jobs, memory_mb
        self._ctx = multiprocessing.get_context("forkserver")
        self._ctx.set_forkserver_preload(["verify.pipeline", "verify.batch.worker"])
        self.executor = self._new()

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.jobs, mp_context=self._ctx,
                                   initializer=init_pool_worker, initargs=(self.memory_mb,))

    def _kill_processes(self) -> None:
        procs = dict(getattr(self.executor, "_processes", None) or {})
        for pid in procs:
            try:
                p = psutil.Process(pid)
                for child in p.children(recursive=True):  # the worker's compile server
                    child.kill()
                p.kill()
            except psutil.Error:
                continue

    def kill_stuck(self) -> None:
        self._kill_processes()
        self.restart()

    def restart(self) -> None:
        old = self.executor
        self._kill_processes()
        old.shutdown(wait=False, cancel_futures=True)
        self.executor = self._new()

    def close(self) -> None:
        self._kill_processes()
        self.executor.shutdown(wait=True, cancel_futures=True)


class ClusterWorkers(Workers):
    """An existing Dask distributed scheduler; its workers need ouro installed and the files'
    paths readable (a shared filesystem). Stuck files are abandoned, not killed."""

    install = True

    def __init__(self, address: str, connect_timeout: float = 10):
        try:
            from distributed import Client

            self.client = Client(address, timeout=connect_timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        self.executor = self.client.get_executor(pure=False)

    def restart(self) -> None:
        self.executor = self.client.get_executor(pure=False)

    def kill_stuck(self) -> None:  # abandoned futures are cancelled by the runner
        pass

    def close(self) -> None:
        try:
            self.executor.shutdown(wait=False)
        finally:
            self.client.close()
