"""`ouro fuzz`: assertion mode, Echidna-style property functions and Foundry invariant contracts,
with a live status line, a final table, and the report written even after Ctrl-C."""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

import click
from rich.console import Console
from rich.live import Live
from rich.markup import escape
from rich.table import Table

from .cli_verify import _FORMATS, _SEV, EXIT_INTERRUPTED, _emit, _fail, exit_code

err = Console(stderr=True, highlight=False, soft_wrap=True)


def _status_text(name: str, s: dict) -> str:
    rate = s["transactions"] / s["seconds"] if s.get("seconds") else 0.0
    return (f"fuzzing {escape(name)}  {s['seconds']:6.1f} s  coverage {s['coverage']}  corpus {s['corpus']}  "
            f"failures {s['failures']}  {rate:,.0f} tx/s  {s['transactions']:,} tx")


def _final_table(results: list[dict]) -> Table:
    t = Table(title="fuzz campaigns")
    for col in ("file", "contract", "style", "sequences", "transactions", "tx/s", "coverage", "corpus",
                "failures"):
        t.add_column(col, justify="right" if col not in ("file", "contract", "style") else "left")
    for r in results:
        fz = r.get("fuzz") or {}
        for c in fz.get("campaigns", []):
            rate = c["transactions"] / c["seconds"] if c.get("seconds") else 0.0
            distinct = sum(1 for f in r["findings"] if (f.get("evidence") or {}).get("harness") == c["contract"])
            t.add_row(escape(r["file"]), escape(c["contract"]), c["style"], f"{c['sequences']:,}",
                      f"{c['transactions']:,}", f"{rate:,.0f}", str(c["coverage"]), str(c["corpus"]), str(distinct))
    return t


@click.command()
@click.argument("targets", nargs=-1, type=click.Path(path_type=Path))
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), help="Seconds per file (all campaigns).")
@click.option("--max-examples", type=click.IntRange(min=1),
              help="Sequences per campaign (all workers together); default 50000, or no limit with --time-limit.")
@click.option("--steps", type=click.IntRange(min=1), default=20, show_default=True,
              help="Transactions per fresh sequence (mutated ones grow to twice that).")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Processes per campaign, sharing the corpus.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed: one worker and --max-examples give the same campaign every time.")
@click.option("--corpus", type=click.Path(path_type=Path), help="Keep the corpus here, across runs.")
@click.option("--export", "export_dir", type=click.Path(path_type=Path),
              help="Write a Foundry test and a brownie test per failure here.")
@click.option("--no-replay", is_flag=True, help="Do not replay failures on Anvil (their lines stay unknown).")
@click.option("--format", "fmt", type=click.Choice(_FORMATS), default="table")
@click.option("--output", type=click.Path(path_type=Path), help="Write the report here (atomically).")
@click.option("--fail-on", type=click.Choice(_SEV), default="high", show_default=True,
              help="Exit 1 when a finding at or above this severity exists.")
def fuzz(targets, time_limit, max_examples, steps, workers, seed, corpus, export_dir, no_replay, fmt, output,
         fail_on) -> None:
    """Fuzz Solidity files or folders: failing asserts and AssertionFailed events, echidna_*/property_*
    functions returning false, and invariant* functions of Foundry test contracts reverting.

    Exit status: 0 nothing failed (or nothing to fuzz: a note says so), 1 failures, 2 tool error,
    130 interrupted (the report is still written).
    """
    from verify.batch import DiscoveryError, discover
    from verify.compile import Compiler
    from verify.fuzz import FuzzOptions, fuzz_file

    if not targets:
        _fail("nothing to fuzz: name files or folders")
    try:
        paths = discover(list(targets), None)
    except DiscoveryError as exc:
        _fail(str(exc))
    if not paths:
        _fail("no .sol files found in " + ", ".join(map(str, targets)))
    if max_examples is None:
        max_examples = 10**12 if time_limit else 50_000
    opts = FuzzOptions(time_limit=time_limit, max_examples=max_examples, depth=steps, workers=workers, seed=seed,
                       corpus=corpus, replay=not no_replay, export=export_dir)
    interrupted = [False]

    def on_sigint(signum, frame):
        if interrupted[0]:
            raise KeyboardInterrupt
        interrupted[0] = True

    previous = signal.signal(signal.SIGINT, on_sigint)
    compiler = Compiler()
    results = []
    live = Live("", console=err, refresh_per_second=4, transient=True) if err.is_terminal else None
    try:
        for p in paths:
            if interrupted[0]:
                break
            last = [0.0]

            def on_status(s, name=str(p)):
                text = _status_text(Path(name).name, s)
                if live is not None:
                    live.update(text)
                elif time.monotonic() - last[0] >= 5:
                    last[0] = time.monotonic()
                    err.print(text)

            if live is not None:
                live.start()
            try:
                results.append(fuzz_file(p, compiler, opts, on_status, interrupted))
            finally:
                if live is not None:
                    live.stop()
    except KeyboardInterrupt:
        err.print("[yellow]interrupted twice[/]: stopping without the rest")
    finally:
        signal.signal(signal.SIGINT, previous)
    if any((r.get("fuzz") or {}).get("campaigns") for r in results):
        err.print(_final_table(results))
    results = _emit(results, fmt, output, None, summary=False)
    if interrupted[0]:
        err.print("[yellow]interrupted[/]: the report holds what was found")
        sys.exit(EXIT_INTERRUPTED)
    sys.exit(exit_code(results, fail_on))
