"""Batch verification: many files, a pool of warm workers (or a Dask cluster), a resumable SQLite
result store, progress and a summary. ``run_batch`` is the entry point; see docs/ARCHITECTURE.md."""

from .config import BatchConfig
from .discover import DiscoveryError, discover
from .runner import BatchOutcome, run_batch
from .store import ResultStore, StoreError

__all__ = ["BatchConfig", "BatchOutcome", "DiscoveryError", "ResultStore", "StoreError", "discover", "run_batch"]
