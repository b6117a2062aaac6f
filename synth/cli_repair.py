"""`ouro repair FILE.sol`: patch what verification finds, keep a patch only on evidence.

Exit codes: 0 every finding repaired (or nothing to repair), 1 findings remain, 2 bad input or
tool error. The patched file is written only when a patch was accepted; the input file is never
overwritten without --in-place."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

console = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_OK, EXIT_REMAINING, EXIT_ERROR = 0, 1, 2


def _fail(message: str):
    err.print(f"[red]error[/] {escape(message)}")
    sys.exit(EXIT_ERROR)


@click.command("repair")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--out", "out", type=click.Path(path_type=Path),
              help="Where the patched contract goes (default FILE.repaired.sol).")
@click.option("--in-place", is_flag=True, help="Overwrite FILE with the patched contract.")
@click.option("--rounds", default=3, show_default=True, type=click.IntRange(1, 20), help="Repair rounds.")
@click.option("--report", "report_path", type=click.Path(path_type=Path),
              help="JSON report (default FILE.repair.json); a Markdown twin is written beside it (.md).")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--max-examples", default=120, show_default=True, type=int, help="Property search per contract.")
@click.option("--diff-examples", default=60, show_default=True, type=int, help="Honest sequences per differential run.")
@click.option("--constructor-args", "ctor", help='JSON: {"Contract": [args...]}.')
@click.option("--model", metavar="BACKEND:VALUE",
              help="A model for findings no patcher repairs (scripted:ANSWERS.json, openai:MODEL[@URL], ...).")
@click.option("--model-option", "model_options", multiple=True, metavar="KEY=VALUE", help="Backend option.")
@click.option("--no-patchers", is_flag=True, help="Only model-proposed patches.")
def repair(file: Path, out: Path | None, in_place: bool, rounds: int, report_path: Path | None, seed: int,
           max_examples: int, diff_examples: int, ctor: str | None, model: str | None,
           model_options: tuple[str, ...], no_patchers: bool) -> None:
    """Repair FILE.sol: deterministic patchers for known classes, a model's diff for the rest;
    each patch accepted only if it compiles, the exploit no longer works, no new finding appears
    and honest transaction sequences behave the same."""
    if not file.is_file():
        _fail(f"{file}: no such file")
    if file.suffix != ".sol":
        _fail(f"{file}: not a Solidity file (expected .sol)")
    try:
        text = file.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError) as exc:
        _fail(f"{file}: cannot read: {exc}")
    if "pragma solidity" not in text and "contract " not in text:
        _fail(f"{file}: not Solidity (no pragma, no contract)")
    if out is not None and in_place:
        _fail("--out and --in-place exclude each other")
    target = file if in_place else (out or file.with_name(f"{file.stem}.repaired.sol"))
    if not in_place and target.resolve() == file.resolve():
        _fail(f"--out {target} is the input file; use --in-place to overwrite it")
    try:
        args = json.loads(ctor) if ctor else {}
        if not isinstance(args, dict):
            raise ValueError("expected a JSON object")
    except ValueError as exc:
        _fail(f"--constructor-args: {exc}")
    client = None
    if model:
        from synth.models import ModelError, build_model

        try:
            client = build_model(model, model_options)
        except ModelError as exc:
            _fail(str(exc))

    from synth.repair import RepairOptions, repair_file, write_reports
    from verify.report import write_atomic

    opts = RepairOptions(rounds=rounds, seed=seed, max_examples=max_examples, diff_examples=diff_examples,
                         constructor_args=args, model=client, patchers=not no_patchers)
    with console.status(f"repairing {file}"):
        rep = repair_file(file, opts=opts)
    rep["file"] = str(file)
    if rep.get("patched"):
        write_atomic(target, rep["patched"])
        rep["output"] = str(target)
    json_path = report_path or file.with_name(f"{file.stem}.repair.json")
    write_reports(rep, json_path, json_path.with_suffix(".md"))

    status = rep["status"]
    if status in ("error", "compile-error"):
        _fail(f"{file}: {rep['error']}")
    if status == "nothing-to-repair":
        console.print(f"{escape(str(file))}: no findings to repair; nothing written")
        sys.exit(EXIT_OK)
    for rnd in rep["rounds"]:
        for a in rnd["attempts"]:
            mark = {"accepted": "[green]accepted[/]", "rejected": "[yellow]rejected[/]"}.get(a["status"], "[red]failed[/]")
            console.print(f"round {rnd['round']}: {escape(a['source'])} {mark}"
                          + (f": {escape(a['reason'])}" if a.get("reason") else ""))
    left = ", ".join(f"{f['check']} in {f['contract']}.{f['function']}" for f in rep["remaining"])
    console.print(f"{escape(str(file))}: [bold]{status}[/]"
                  + (f"; patched contract: {escape(str(target))}" if rep.get("output") else "; nothing written")
                  + (f"; still reported: {escape(left)}" if left else ""))
    console.print(f"report: {escape(str(json_path))} (+ .md)")
    sys.exit(EXIT_OK if status == "repaired" else EXIT_REMAINING)
