"""`ouro verify` (one file or a batch: folders, globs, manifests, a worker pool or a Dask cluster,
a resumable results database) and `ouro report` (re-render a results database)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

console = Console(stderr=False, highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_OK, EXIT_FINDINGS, EXIT_TOOL_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130
_SEV = ("high", "medium", "low", "informational")
_FORMATS = ("table", "json", "sarif", "md", "html")


def _fail(message: str) -> None:
    err.print(f"[red]error[/] {escape(message)}")
    sys.exit(EXIT_TOOL_ERROR)


def _constructor_args(ctor: str | None) -> dict:
    if not ctor:
        return {}
    try:
        args = json.loads(ctor)
        if not isinstance(args, dict) or not all(isinstance(v, list) for v in args.values()):
            raise ValueError("expected an object mapping contract names to argument lists")
    except ValueError as exc:
        _fail(f"--constructor-args: {exc}")
    return args


def _load_baseline(baseline: Path | None):
    if baseline is None:
        return None
    from verify.baseline import BaselineError, load_baseline

    try:
        return load_baseline(baseline)
    except BaselineError as exc:
        _fail(str(exc))


def _load_triage(root: Path | None):
    """The verdicts of `ouro triage` for the project root of ``root`` (default: the working directory)."""
    from verify.triage import TriageError, find_root, load_triage, triage_path

    try:
        return load_triage(triage_path(find_root(root)))
    except TriageError as exc:
        _fail(str(exc))


def _changed(ref: str | None, root: Path | None):
    """--diff REF: the code changed since REF in the git repository of ``root`` (or the working directory)."""
    if ref is None:
        return None
    from verify.diff_scope import DiffError, changed_code

    try:
        return changed_code(ref, root)
    except DiffError as exc:
        _fail(str(exc))


def _emit(results: list[dict], fmt: str, output: Path | None, baseline_doc, summary: bool,
          changed=None, base: Path | None = None, triage=None, show_triaged: bool = False) -> list[dict]:
    """--diff scope, triage and baseline filters, then the report: written atomically to --output
    and/or printed."""
    from verify.batch.formats import render
    from verify.batch.progress import summary_table
    from verify.report import render_table, write_atomic

    if changed is not None:
        from verify.diff_scope import scope_results

        results, left = scope_results(results, changed, base)
        err.print(f"--diff {escape(changed.ref)}: {sum(len(r['findings']) for r in results)} finding(s) in changed "
                  f"code, {left} elsewhere not shown")
    if triage:
        from verify.triage import apply_triage

        results, n = apply_triage(results, triage, show_triaged)
        if n:
            err.print(f"{n} triaged finding(s) " + ("shown with their verdicts" if show_triaged
                                                    else "hidden (--show-triaged shows them)"))
    if baseline_doc is not None:
        from verify.baseline import filter_new

        results = filter_new(results, baseline_doc)
    if output:
        write_atomic(output, render(results, fmt))
        err.print(f"report written to {escape(str(output))}")
    if fmt == "table":
        render_table(results, console)
    elif not output:
        click.echo(render(results, fmt))
    if summary:
        (console if fmt == "table" else err).print(summary_table(results))
    return results


@click.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--manifest", type=click.Path(path_type=Path),
              help="A list of files: one path per line, or CSV with a 'path' column.")
@click.option("--format", "fmt", type=click.Choice(_FORMATS), default="table")
@click.option("--output", type=click.Path(path_type=Path), help="Write the report here (atomically).")
@click.option("--baseline", type=click.Path(path_type=Path), help="An earlier JSON report: show only new findings.")
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), help="Time limit per file, in seconds.")
@click.option("--memory-mb", type=click.IntRange(min=64), help="Memory cap per worker process (MB).")
@click.option("--db", type=click.Path(path_type=Path), help="SQLite results database: resumable, re-renderable.")
@click.option("--fresh", is_flag=True, help="Verify again what --db already holds.")
@click.option("--cluster", metavar="ADDRESS", help="Run on this Dask distributed scheduler (tcp://host:port).")
@click.option("--static-only", is_flag=True, help="Skip the dynamic property tests.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the property search.")
@click.option("--max-examples", type=int, default=120, show_default=True, help="Sequences tried per property run.")
@click.option("--steps", type=int, default=10, show_default=True, help="Transactions per sequence.")
@click.option("--chain", type=click.Choice(["inprocess", "anvil", "ganache"]), default="inprocess", show_default=True,
              help="Where sequences run; counterexamples are replayed on Anvil either way.")
@click.option("--no-replay", is_flag=True, help="Do not replay counterexamples on Anvil.")
@click.option("--constructor-args", "ctor", help='JSON: {"Contract": [args...]} for contracts whose constructor ouro cannot guess.')
@click.option("--fail-on", type=click.Choice(_SEV), default="high", show_default=True,
              help="Exit 1 when a finding at or above this severity exists.")
@click.option("--diff", "diff_ref", metavar="GIT_REF",
              help="Report only findings in code changed since this git ref (a pull request's base): "
                   "edited lines and new files of the working tree; unchanged files are not verified.")
@click.option("--show-triaged", is_flag=True,
              help="Also show findings triaged with `ouro triage`, with their status and reason.")
@click.option("--include-tests", is_flag=True, help="Also analyse tests, scripts and mocks (left out by default).")
@click.option("--include-libs", is_flag=True, help="Also analyse library code (lib/, dependencies).")
def verify(files, manifest, fmt, output, baseline, jobs, timeout, memory_mb, db, fresh, cluster, static_only, seed,
           max_examples, steps, chain, no_replay, ctor, fail_on, diff_ref, show_triaged, include_tests,
           include_libs) -> None:
    """Verify Solidity files, folders (every .sol below) or globs: Slither and ouro's static checks,
    then property tests on an EVM; each file with the compiler its pragma needs.

    Findings triaged with `ouro triage` (.ouro/triage.json at the project root) are hidden and
    counted in the notes. With --diff REF only files changed since REF are reported, and in them
    only findings on changed lines.

    Exit status: 0 no finding at or above --fail-on, 1 findings (partial files' count too), 2 tool
    error (a file that did not verify, a bad argument, or a partial file with no such finding).
    Hidden and triaged findings do not count.
    """
    from verify.batch import BatchConfig, DiscoveryError, ResultStore, StoreError, discover, run_batch
    from verify.batch.executors import ClusterError
    from verify.batch.progress import BatchProgress

    if not files and manifest is None:
        _fail("nothing to verify: name files, folders or globs, or pass --manifest")
    config = BatchConfig(static_only=static_only, seed=seed, max_examples=max_examples, steps=steps, chain=chain,
                         replay=not no_replay, constructor_args=_constructor_args(ctor), timeout=timeout,
                         memory_mb=memory_mb)
    baseline_doc = _load_baseline(baseline)
    if manifest is None:
        from .cli_project import ProjectError, project_for

        try:
            found = project_for(list(files))
        except ProjectError as exc:
            _fail(str(exc))
        if found is not None:
            scope = dict(changed=_changed(diff_ref, found[0].root), base=found[0].root,
                         triage=_load_triage(found[0].root), show_triaged=show_triaged)
            results = _verify_project(*found, config, include_tests, include_libs, db, cluster)
            results = _emit(results, fmt, output, baseline_doc, summary=len(results) > 1, **scope)
            sys.exit(exit_code(results, fail_on))
    scope = dict(changed=_changed(diff_ref, None), triage=_load_triage(None), show_triaged=show_triaged)
    try:
        paths = discover(list(files), manifest)
    except DiscoveryError as exc:
        _fail(str(exc))
    from .cli_project import filter_plain_folders

    paths, left_out = filter_plain_folders(list(files), paths, include_tests, include_libs)
    if left_out:
        err.print("not analysed: " + ", ".join(f"{n} {role}" for role, n in sorted(left_out.items()))
                  + " file(s) (--include-tests, --include-libs)")
    if not paths:
        _fail("no .sol files found in " + ", ".join(map(str, files or [manifest])))
    if scope["changed"] is not None:
        paths, unchanged = [p for p in paths if scope["changed"].touches_file(p)], len(paths)
        err.print(f"--diff {escape(diff_ref)}: {len(paths)} of {unchanged} file(s) changed")
        if not paths:
            _emit([], fmt, output, baseline_doc, summary=False, **scope)
            sys.exit(EXIT_OK)
    try:
        store = ResultStore(db) if db else None
    except StoreError as exc:
        _fail(str(exc))
    batch = len(paths) > 1
    progress = BatchProgress(err, enabled=batch)
    try:
        with progress:
            outcome = run_batch(paths, config, jobs=jobs, store=store, fresh=fresh, cluster=cluster,
                                on_start=progress.start, on_result=progress.advance)
    except ClusterError as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        err.print(f"[yellow]interrupted[/]: {progress.done} of {len(paths)} file(s) finished"
                  + (f", kept in {escape(str(db))}; run again to resume" if db else ""))
        sys.exit(EXIT_INTERRUPTED)
    finally:
        if store is not None:
            store.close()
    if batch:
        err.print(f"{len(paths)} file(s): {outcome.ran} verified, {outcome.cached} from {escape(str(db))}"
                  if db else f"{len(paths)} file(s) verified", end="")
        err.print(f" in {outcome.seconds:.1f} s" + (f"; {outcome.worker_restarts} worker restart(s)"
                                                    if outcome.worker_restarts else ""))
    results = _emit(outcome.results, fmt, output, baseline_doc, summary=batch, **scope)
    sys.exit(exit_code(results, fail_on))


def _verify_project(project, args, config, include_tests, include_libs, db, cluster) -> list[dict]:
    """A Foundry/Hardhat/Truffle/brownie project: one compile per settings group, in this process."""
    from verify.compile import Compiler
    from verify.pipeline import VerifyOptions

    from .cli_project import run_project

    if db or cluster:
        _fail(f"{project.kind} project {project.root}: --db and --cluster take files or plain folders; "
              "a project is verified in one process (name its files to use them)")
    opts = VerifyOptions(static_only=config.static_only, seed=config.seed, max_examples=config.max_examples,
                         steps=config.steps, chain=config.chain, replay=config.replay,
                         constructor_args=config.constructor_args)
    try:
        run = run_project(project, args, include_tests, include_libs, Compiler(), opts, config.timeout)
    except KeyboardInterrupt:
        err.print("[yellow]interrupted[/]")
        sys.exit(EXIT_INTERRUPTED)
    err.print(escape(run.summary()))
    if not run.results:
        _fail(f"{project.kind} project {project.root}: no product .sol files"
              + ("" if include_tests else " (tests, scripts and mocks need --include-tests)"))
    return run.results


def exit_code(results: list[dict], fail_on: str) -> int:
    """2 when a file did not verify (compile error, timeout, error); else 1 when a finding at or above
    ``fail_on`` stands (not refuted), on an ``ok`` or a ``partial`` file; else 2 when a file is
    ``partial`` (an analyser crashed, so "nothing found" is not a clean bill); else 0."""
    if any(r["status"] not in ("ok", "partial") for r in results):
        return EXIT_TOOL_ERROR
    limit = _SEV.index(fail_on)
    if any(_SEV.index(f["severity"]) <= limit for r in results for f in r["findings"]
           if f["confirmed"] is not False and f["severity"] in _SEV and not f.get("triage")):
        return EXIT_FINDINGS
    return EXIT_TOOL_ERROR if any(r["status"] == "partial" for r in results) else EXIT_OK


@click.command()
@click.argument("database", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(_FORMATS), default="table")
@click.option("--output", type=click.Path(path_type=Path), help="Write the report here (atomically).")
@click.option("--baseline", type=click.Path(path_type=Path), help="An earlier JSON report: show only new findings.")
@click.option("--show-triaged", is_flag=True,
              help="Also show findings triaged with `ouro triage`, with their status and reason.")
def report(database, fmt, output, baseline, show_triaged) -> None:
    """Re-render a results database (`ouro verify --db`) without verifying again: the newest result
    of each file."""
    from verify.batch import ResultStore, StoreError

    baseline_doc = _load_baseline(baseline)
    try:
        with ResultStore(database, readonly=True) as store:
            results = store.latest_results()
    except StoreError as exc:
        _fail(str(exc))
    if not results:
        err.print(f"[yellow]warning[/] {escape(str(database))} holds no results")
    _emit(results, fmt, output, baseline_doc, summary=True, triage=_load_triage(None), show_triaged=show_triaged)
    sys.exit(EXIT_OK)
