"""What a person watches while a batch runs (a rich progress bar with done / failed / partial /
findings counts and ETA) and the summary table at the end (files by status, findings by severity)."""

from __future__ import annotations

from collections import Counter
from itertools import zip_longest
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from verify.findings import SEVERITIES

__all__ = ["BatchProgress", "STATUSES", "summary_table"]

STATUSES = ("ok", "partial", "compile-error", "timeout", "error")


class BatchProgress:
    """Use as a context manager; pass ``start`` and ``advance`` as run_batch's callbacks."""

    def __init__(self, console: Console, enabled: bool = True):
        self.console, self.enabled = console, enabled
        self.done = self.failed = self.partial = self.findings = self.cached = 0
        self._progress = Progress(
            TextColumn("[bold]verify[/]"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[counts]}"), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
            console=console, transient=False, disable=not enabled)
        self._task = None

    def __enter__(self) -> "BatchProgress":
        self._progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.__exit__(*exc)

    def _counts(self) -> str:
        cached = f", {self.cached} cached" if self.cached else ""
        partial = f", [yellow]partial {self.partial}[/]" if self.partial else ""
        return f"done {self.done}, [red]failed {self.failed}[/]{partial}, findings {self.findings}{escape(cached)}"

    def start(self, total: int, cached: int) -> None:
        self._task = self._progress.add_task("verify", total=total, counts=self._counts())

    def advance(self, entry: dict[str, Any], cached: bool) -> None:
        self.done += 1
        self.cached += cached
        self.failed += entry["status"] not in ("ok", "partial")  # partial: analysed, one analyser crashed
        self.partial += entry["status"] == "partial"
        self.findings += len(entry.get("findings") or [])
        if self._task is not None:
            self._progress.update(self._task, advance=1, counts=self._counts())


def summary_table(results: list[dict[str, Any]], title: str = "batch summary") -> Table:
    by_status = Counter(r["status"] for r in results)
    by_sev = Counter(f["severity"] for r in results for f in r.get("findings") or [])
    confirmed = Counter(f["severity"] for r in results for f in r.get("findings") or [] if f.get("confirmed"))
    table = Table(title=title)
    table.add_column("files by status")
    table.add_column("count", justify="right")
    table.add_column("findings by severity")
    table.add_column("count", justify="right")
    table.add_column("confirmed", justify="right")
    statuses = list(STATUSES) + sorted(set(by_status) - set(STATUSES))
    sevs = list(SEVERITIES)
    for st, sv in zip_longest(statuses, sevs, fillvalue=""):
        table.add_row(st, str(by_status.get(st, 0)) if st else "", sv, str(by_sev.get(sv, 0)) if sv else "",
                      str(confirmed.get(sv, 0)) if sv else "")
    # both totals on the last row
    table.add_row("total", str(sum(by_status.values())), "total", str(sum(by_sev.values())),
                  str(sum(confirmed.values())))
    return table
