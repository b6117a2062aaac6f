"""`ouro triage`: record an auditor's verdict on a finding (verify/triage.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.markup import escape

from .cli_verify import EXIT_OK, _fail, console, err


def _finding_in_report(report: Path, fid: str) -> tuple[dict, str]:
    """(the finding with id ``fid``, its file) in an `ouro verify --format json` report; _fail otherwise."""
    try:
        doc = json.loads(report.read_text(encoding="utf-8"))
    except OSError as exc:
        _fail(f"--report {report}: cannot be read: {exc.strerror or exc}")
    except UnicodeDecodeError:
        _fail(f"--report {report}: not a text file; expected the JSON of `ouro verify --format json`")
    except json.JSONDecodeError as exc:
        _fail(f"--report {report}: not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); "
              "expected the output of `ouro verify --format json`")
    if not isinstance(doc, dict) or (doc.get("tool") or {}).get("name") != "ouro" or not isinstance(
            doc.get("results"), list):
        _fail(f"--report {report}: not an `ouro verify --format json` document")
    for entry in doc["results"]:
        for f in (entry.get("findings") or []) if isinstance(entry, dict) else []:
            if isinstance(f, dict) and f.get("id") == fid:
                return f, str(entry.get("file") or "")
    _fail(f"--report {report}: no finding has the id {fid}")


@click.command()
@click.argument("finding_id", metavar="[ID]", required=False)
@click.option("--status", type=click.Choice(["false-positive", "accepted", "fixed"]),
              help="The verdict: false-positive (not a flaw), accepted (a known risk), fixed (fixed elsewhere).")
@click.option("--reason", help="Why; recorded and shown in the reports (required with --status).")
@click.option("--project", "project", type=click.Path(file_okay=False, path_type=Path),
              help="The audited repository (default: the project root of the working directory).")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="The JSON report (`ouro verify --format json`) holding ID: it must be there, and its "
                   "check, contract, function and file are recorded with the verdict.")
@click.option("--by", help="Who triages (default: the git user of the repository, else the login name).")
@click.option("--remove", is_flag=True, help="Drop the verdict on ID: the finding is reported again.")
@click.option("--list", "list_", is_flag=True, help="List the verdicts.")
def triage(finding_id, status, reason, project, report, by, remove, list_) -> None:
    """Record a verdict on a finding: later `ouro verify` runs hide it and count it in the notes
    (`--show-triaged` shows it with its status and reason; SARIF marks it suppressed).

    ID is the finding's `id` (16 hex digits) in `ouro verify --format json`, also the
    `ouroFingerprint/v1` of its SARIF result and the id in the HTML report. It is a fingerprint of
    the flagged code, not of line numbers, so the verdict survives unrelated edits; changing the
    flagged statement gives a new id, and the finding is reported again. Without --report any
    well-formed ID is accepted (a finding seen elsewhere, or not yet); with --report it must be in
    that report.

    The verdicts are kept in .ouro/triage.json at the project root: the nearest folder at or above
    the working directory (or --project DIR) holding .git, foundry.toml, hardhat.config.*,
    truffle-config.js or brownie-config.yaml, else the working directory. Commit it with the code.

    Exit status: 0 recorded, 2 a bad argument or a malformed triage file.
    """
    from verify.findings import FINGERPRINT_RE
    from verify.triage import STATUSES, TriageError, find_root, load_triage, record, triage_path, who
    from verify.triage import remove as remove_verdict

    if project is not None and not project.is_dir():
        _fail(f"--project {project}: no such folder")
    root = find_root(project)
    path = triage_path(root)
    try:
        if list_:
            verdicts = load_triage(path)
            for fp, t in sorted(verdicts.items()):
                where = ".".join(x for x in (t.get("contract"), t.get("function")) if x)
                console.print(escape(f"{fp}  {t['status']:<14} {t.get('check') or '?'} {where}  {t['reason']}"))
            err.print(f"{len(verdicts)} verdict(s) in {escape(str(path))}")
            sys.exit(EXIT_OK)
        if not finding_id:
            _fail("name the finding: ouro triage ID --status STATUS --reason TEXT (ID: the finding's id in a report)")
        fid = finding_id.strip().lower()
        if not FINGERPRINT_RE.fullmatch(fid):
            _fail(f"{finding_id!r} is not a finding id: expected 16 hex digits, the `id` of a finding in "
                  "`ouro verify --format json` (or ouroFingerprint/v1 in SARIF)")
        if remove:
            if status or reason:
                _fail("--remove takes no --status or --reason")
            if not remove_verdict(path, fid):
                _fail(f"{fid}: no verdict in {path}")
            err.print(f"verdict on {fid} removed from {escape(str(path))}")
            sys.exit(EXIT_OK)
        if status is None:
            _fail(f"--status is required: one of {', '.join(STATUSES)}")
        if not reason or not reason.strip():
            _fail("--reason TEXT is required: say why, for whoever reads the report")
        finding, file = _finding_in_report(report, fid) if report else (None, None)
        entry = record(path, fid, status, reason, by=by or who(root), finding=finding, file=file)
    except TriageError as exc:
        _fail(str(exc))
    what = " ".join(x for x in (entry.get("check"), ".".join(
        y for y in (entry.get("contract"), entry.get("function")) if y)) if x)
    err.print(f"{fid} {escape(what)} triaged as {status} in {escape(str(path))}")
    sys.exit(EXIT_OK)
