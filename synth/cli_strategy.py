"""`ouro strategy`: learn, show, history, eval, report, rollback (the model generator's strategy)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

console = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)
DEFAULT_DB = Path(".ouro") / "strategy.db"

_db = click.option("--db", type=click.Path(path_type=Path), default=DEFAULT_DB, show_default=True,
                   help="The strategy history (SQLite).")
_model = click.option("--model", "model_name", default="demo", show_default=True,
                      help="Model: 'demo' (scripted reference model with a known defect) or BACKEND:VALUE "
                           "(synth.models.build_model).")


def _kinds_list(ctx, param, value):
    return [k.strip() for v in value for k in v.split(",") if k.strip()]


_corpus = [click.option("--kind", "kinds", multiple=True,
                        help="Only specs of this kind (repeatable) [default: every kind with slots]."),
           click.option("--per-split", type=int, default=None, help="At most N specs per split (stable sample)."),
           click.option("--max-examples", type=int, default=8, show_default=True,
                        help="Property-search examples of the fast verification."),
           click.option("--split-by", type=click.Choice(["hash", "kind"]), default="hash", show_default=True,
                        help="hash: each spec by its id; kind: whole kinds per split (validation and test hold "
                             "kinds train never sees). Recorded with the history."),
           click.option("--test-kinds", multiple=True, callback=_kinds_list,
                        help="With --split-by kind: these kinds are the test split (comma-separated or repeated)."),
           click.option("--validation-kinds", multiple=True, callback=_kinds_list,
                        help="With --split-by kind: these kinds are the validation split."),
           click.option("--jobs", type=int, default=1, show_default=True,
                        help="Verification worker processes (generation stays in this process)."),
           click.option("--results", type=click.Path(path_type=Path), default=None,
                        help="The verification cache: a batch results database (the format `ouro verify --db` "
                             "writes; share the file with it) [default: results.db beside --db]."),
           click.option("--gas-reference/--no-gas-reference", default=True, show_default=True,
                        help="Fail a passing body whose scenario calls cost more gas than the template's.")]


def _opts(f):
    for o in reversed([_db, _model] + _corpus):
        f = o(f)
    return f


def _client(name: str):
    if name == "demo":
        from synth.strategy.demo import demo_model

        return demo_model()
    if name == "population":  # the six scripted habits, one per spec (the one a stable hash picks)
        from synth.models.habits import ALL_HABITS, habit_model

        return habit_model(ALL_HABITS, per_spec=1)
    if name == "habits" or name.startswith("habits:"):  # scripted habits: all, or habits:pay-first,tx-origin
        from synth.models.habits import ALL_HABITS, habit_model

        chosen = [h.strip() for h in name.partition(":")[2].split(",") if h.strip()] or ALL_HABITS
        try:
            return habit_model(chosen)
        except ValueError as exc:
            raise click.UsageError(f"model {name!r}: {exc}") from None
    import synth.models as models

    build = getattr(models, "build_model", None)  # "BACKEND:VALUE", e.g. openai:URL or transformers:NAME
    if not callable(build):
        raise click.UsageError(f"unknown model {name!r}; use --model demo")
    try:
        return build(name)
    except Exception as exc:  # noqa: BLE001 - a bad model name is a usage error
        raise click.UsageError(f"model {name!r}: {exc}") from None


def _learner(db, model_name, kinds, per_split, max_examples, split_by="hash", test_kinds=(),
             validation_kinds=(), jobs=1, results=None, gas_reference=True, **kw):
    from synth.strategy.evaluate import VerifierConfig
    from synth.strategy.learn import Learner
    from synth.strategy.store import StrategyStore

    store = StrategyStore(db)
    try:
        return Learner(store, _client(model_name),
                       verifier=VerifierConfig(max_examples=max_examples, gas_reference=gas_reference),
                       kinds=list(kinds) or None, per_split=per_split, split_by=split_by,
                       test_kinds=list(test_kinds) or None, validation_kinds=list(validation_kinds) or None,
                       jobs=jobs, results=results, log=lambda m: err.print(escape(m)), **kw)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


def _metrics_table(title: str, rows: list[dict]) -> Table:
    t = Table(title=title)
    widths = {"first-pass": 10, "median gas": 8}  # kept whole in 80 columns; the other headers wrap at spaces
    for c in ("version", "split", "n", "first-pass", "after repair", "rounds used", "median gas",
              "failures per check"):
        t.add_column(c, overflow="fold", min_width=widths.get(c))
    for m in rows:
        repair = "-" if m.get("max_rounds", 1) <= 1 or m.get("after_repair") is None else f"{m['after_repair']:.2f}"
        gas = "-" if m.get("gas") is None else f"{m['gas']:.0f}"  # total gas per passing spec, median
        t.add_row(str(m["version"]), m["split"], str(m["n"]), f"{m['first_pass']:.2f}", repair,
                  f"{m['rounds']:.2f}" + (f" of {m['max_rounds']}" if m.get("max_rounds", 1) > 1 else ""), gas,
                  ", ".join(f"{k} {v}" for k, v in m["per_check"].items()) or "-")
    return t


@click.group("strategy")
def strategy() -> None:
    """The model generator's strategy: learn it from failures, show, evaluate, roll back."""


@strategy.command()
@_opts
@click.option("--margin", type=float, default=0.1, show_default=True, help="Validation gain an edit needs.")
@click.option("--rounds", "max_rounds", type=int, default=3, show_default=True, help="Learning rounds at most.")
@click.option("--gas-tolerance", type=float, default=None,
              help="How much an edit may raise the median total gas per passing validation spec "
                   "[default: 0.02, i.e. 2 %].")
def learn(db, model_name, kinds, per_split, max_examples, split_by, test_kinds, validation_kinds, jobs, results,
          gas_reference, margin, max_rounds, gas_tolerance) -> None:
    """Propose rules, repair hints and verified examples from train failures; keep those validation
    confirms (rules and examples on first pass, hints on pass after repair; no regression, no more gas)."""
    gas = {} if gas_tolerance is None else {"gas_tolerance": gas_tolerance}  # None: the learner's default
    lr = _learner(db, model_name, kinds, per_split, max_examples, split_by, test_kinds, validation_kinds, jobs,
                  results, gas_reference, margin=margin, max_rounds=max_rounds, **gas)
    try:
        rep = lr.learn()
    finally:
        lr.close()
    for line in rep.lines():
        console.print(escape(line))
    console.print(f"version {rep.start} -> {rep.end} in {rep.rounds} round(s)")
    console.print(_metrics_table("learned", [{"version": rep.end, "split": s, "max_rounds": 1, **m}
                                             for s, m in rep.metrics.items()]))


@strategy.command()
@_db
@click.option("--version", type=int, help="This version instead of the current one.")
@click.option("--json", "as_json", is_flag=True)
@click.option("--output", type=click.Path(path_type=Path), help="Also write it here (a strategy file).")
def show(db, version, as_json, output) -> None:
    """Print the current strategy (or VERSION) as YAML."""
    from synth.strategy import load_strategy
    from synth.strategy.store import StrategyStore

    store = StrategyStore(db)
    s = store.get(version) if version else (store.current() or load_strategy())
    console.print_json(json.dumps(s.to_dict())) if as_json else console.print(escape(s.to_yaml()))
    if output:
        from verify.report import write_atomic

        write_atomic(output, s.to_yaml())


def _delta_text(d: dict) -> str:
    if not d:
        return "-"
    label = "after repair" if d.get("measure") == "after_repair" else "first pass"
    out = f"{label} {d['before']:.2f} -> {d['after']:.2f}"
    if d.get("measure") != "after_repair" and d.get("after_repair"):
        out += f"; after repair {d['after_repair'][0]:.2f} -> {d['after_repair'][1]:.2f}"
    if d.get("gas"):
        out += f"; gas {d['gas']['change']:+.1%}"
    return out


@strategy.command()
@_db
def history(db) -> None:
    """Every version with its status, the candidates judged on it (type, origin, check, provenance,
    validation deltas, reason) and the metrics."""
    from synth.strategy.store import StrategyStore

    store = StrategyStore(db)
    cur = store.current()
    t = Table(title="strategy history")
    for c in ("version", "parent", "status", "hash", "verifier", "note"):
        t.add_column(c, overflow="fold")
    for v in store.versions():
        mark = " *" if cur and v["version"] == cur.version else ""
        t.add_row(f"{v['version']}{mark}", str(v["parent"] or "-"), v["status"], v["hash"], v["verifier_hash"],
                  escape(v["note"] or ""))
    console.print(t)
    cands = store.candidates()
    if cands:
        console.print("candidates (on version -> new version: decision type (origin, check; provenance): text; "
                      "validation deltas; reason)")
    for c in cands:
        kinds = ", ".join(c["kinds"]) or "-"
        made = f"v{c['version']}" if c["version"] else "no version"
        console.print(escape(f"  v{c['parent']} -> {made}: {'accepted' if c['accepted'] else 'rejected'} {c['type']} "
                             f"({c['origin']}, {c['check']}; {len(c['provenance'])} train failure(s) on {kinds}): "
                             f"{' '.join(c['text'].split())[:100]}; {_delta_text(c['deltas'])}; {c['reason']}"))
    console.print(_metrics_table("metrics", store.metrics()))


@strategy.command()
@_db
@click.option("--html", "html_path", type=click.Path(path_type=Path), required=True,
              help="Write the history as one HTML page (with a first-pass chart per version and split).")
def report(db, html_path) -> None:
    """The history as an HTML page: versions, candidates with their deltas and reasons, metrics, and an
    inline chart of the first-pass rate per version and split."""
    from synth.strategy.report_html import history_html
    from synth.strategy.store import StrategyStore
    from verify.report import write_atomic

    write_atomic(html_path, history_html(StrategyStore(db)))
    console.print(f"wrote {escape(str(html_path))}")


@strategy.command("eval")
@_opts
@click.option("--split", type=click.Choice(["train", "validation", "test"]), default="test", show_default=True)
@click.option("--version", type=int, help="This version instead of the current one.")
@click.option("--rounds", type=int, default=1, show_default=True, help="Repair rounds (1: first pass only).")
@click.option("--json", "as_json", is_flag=True)
def eval_cmd(db, model_name, kinds, per_split, max_examples, split_by, test_kinds, validation_kinds, jobs, results,
             gas_reference, split, version, rounds, as_json) -> None:
    """First pass, pass after repair (--rounds 2), rounds used, failures per check and median gas of a
    version on a split."""
    lr = _learner(db, model_name, kinds, per_split, max_examples, split_by, test_kinds, validation_kinds, jobs,
                  results, gas_reference)
    s = lr.store.get(version) if version else lr.store.current()
    try:
        r = lr.evaluate(s, split, rounds=rounds)
    finally:
        lr.close()
    m = {"version": s.version, "split": split, "max_rounds": rounds, **r.metrics()}
    if as_json:
        console.print_json(json.dumps({**m, "specs": [x.__dict__ for x in r.results]}))
    else:
        console.print(_metrics_table(f"strategy v{s.version} on {split}", [m]))
        for x in r.results:
            gas = f" gas={x.gas}" if x.gas is not None else ""
            repaired = " (passed after repair)" if x.passed and not x.first_pass else ""
            console.print(f"{'PASS' if x.first_pass else 'FAIL'} {x.spec} rounds={x.rounds}{gas} "
                          f"{', '.join(x.checks)}{repaired}")


@strategy.command()
@_db
@click.argument("version", type=int)
def rollback(db, version) -> None:
    """Make VERSION current again."""
    from synth.strategy.store import StrategyStore

    try:
        s = StrategyStore(db).rollback(version)
    except KeyError as exc:
        err.print(f"[red]error[/] {escape(str(exc))}")
        sys.exit(2)
    console.print(f"current strategy: version {s.version} ({s.hash})")
