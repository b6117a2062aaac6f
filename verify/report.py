"""Per-file results in the findings contract (docs/ARCHITECTURE.md) and their renderings."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .findings import Finding
from .static.slither_categories import category_of, severity_of

__all__ = ["finding_from_slither", "render_json", "render_markdown", "render_sarif", "render_table", "tool_version",
           "write_atomic"]

def tool_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ouro-contracts")
    except PackageNotFoundError:
        return "0+unknown"


def finding_from_slither(result: dict[str, Any]) -> Finding:
    """One Slither result as a finding; lines are the flagged statements, not whole functions."""
    elements = result.get("elements") or []
    nodes = [e for e in elements if e.get("type") == "node"]
    primary = elements[0] if elements else {}
    contract = function = None
    for e in elements:
        parent = (e.get("type_specific_fields") or {}).get("parent") or {}
        if e.get("type") == "function":
            function = function or e.get("name")
            contract = contract or ((parent.get("name")) if parent.get("type") == "contract" else None)
        elif e.get("type") == "contract":
            contract = contract or e.get("name")
        elif e.get("type") in ("node", "variable") and parent.get("type") == "function":  # a statement, a local
            function = function or parent.get("name")
            gp = (parent.get("type_specific_fields") or {}).get("parent") or {}
            contract = contract or gp.get("name")
    lines: set[int] = set()
    for e in nodes or [primary]:
        sm = e.get("source_mapping") or {}
        lines.update(sm.get("lines") or [])
    check = result["check"]
    return Finding(
        check=check,
        category=_category(check),
        severity=severity_of(result.get("impact", "informational")),
        confidence=result.get("confidence", "medium").lower(),
        source="ouro-static" if check.startswith("ouro-") else "slither",
        message=" ".join(result.get("description", "").split()),
        file=(primary.get("source_mapping") or {}).get("filename_absolute", ""),
        contract=contract,
        function=function,
        lines=sorted(lines),
    )


def _category(check: str) -> str:
    from verify.checks import ouro_detectors

    for cls in ouro_detectors():
        if cls.ARGUMENT == check:
            return cls.CATEGORY
    return category_of(check)


def render_json(results: list[dict[str, Any]]) -> str:
    return json.dumps({"tool": {"name": "ouro", "version": tool_version()}, "results": results}, indent=2)


def render_table(results: list[dict[str, Any]], console: Console) -> None:
    for r in results:
        console.print(f"[bold]{escape(r['file'])}[/]  {escape('[' + r['status'] + ']')}  "
                      f"{escape(r.get('compiler') or '')}", markup=True)
        if r["error"]:
            console.print(f"  [red]{escape(r['error'])}[/]", markup=True)
        for note in r.get("notes", []):
            console.print(f"  [yellow]note:[/] {escape(note)}", markup=True)
        shown = [f for f in r["findings"] if f["severity"] != "informational"]
        if shown:
            table = Table(show_lines=False)
            triaged = any(f.get("triage") for f in shown)
            for col in ("severity", "category", "check", "where", "lines", "confirmed") + (("triage",) if triaged else ()):
                table.add_column(col, overflow="fold")
            for f in shown:
                where = ".".join(x for x in (f["contract"], f["function"]) if x)
                conf = {True: "[red]yes[/]", False: "[green]no[/]", None: "-"}[f["confirmed"]]
                table.add_row(f["severity"], f["category"], f["check"], escape(where),
                              ",".join(map(str, f["lines"][:8])), conf,
                              *((escape(_triage_text(f.get("triage"))),) if triaged else ()))
            console.print(table)
            for f in shown:
                ev = f.get("evidence") or {}
                if f["confirmed"] and ev.get("trace"):
                    replay = ev.get("replay") or {}
                    where = (f"replayed on {replay['chain']}: {'reproduced' if replay.get('reproduced') else 'NOT reproduced'}"
                             if replay.get("tx_hashes") else "in-process only")
                    console.print(f"  [bold]{escape(f['check'])}[/] evidence ({where}):", markup=True)
                    for line in ev["trace"]:
                        console.print(f"    {escape(line)}", markup=True)
                    console.print(f"    => {escape(ev.get('detail', ''))}", markup=True)
        hidden = len(r["findings"]) - len(shown)
        if r["status"] in ("ok", "partial"):
            console.print(f"  {len(shown)} finding(s) at low or above" + (f", {hidden} informational" if hidden else "")
                          + ("; partial: an analyser crashed (see the notes), the others' findings are shown"
                             if r["status"] == "partial" else ""))


def _triage_text(t: dict[str, Any] | None) -> str:
    """A finding's verdict (``ouro triage``) in one line: "false-positive: the reason (by, at)"."""
    if not t:
        return ""
    who = ", ".join(str(x) for x in (t.get("by"), t.get("at")) if x)
    return f"{t.get('status')}: {t.get('reason')}" + (f" ({who})" if who else "")


def _umask() -> int:
    """The process umask, read without changing it where Linux allows (os.umask is racy)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, text: str) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # what open() would give; mkstemp makes it owner-only
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_SARIF_LEVEL = {"high": "error", "medium": "warning", "low": "note", "informational": "note"}
_SECURITY_SEVERITY = {"high": "8.0", "medium": "5.5", "low": "3.0", "informational": "0.0"}


def artifact_uri(file: str) -> str:
    """A SARIF artifactLocation.uri (an RFC 3986 URI reference): files under the working directory
    relative (what GitHub code scanning maps onto the repository) and percent-encoded; any other
    file, including a relative path that climbs out with '..', as an absolute file:// URI."""
    from pathlib import PurePath
    from urllib.parse import quote

    path = PurePath(file)
    if path.is_absolute() or ".." in path.parts:
        return Path(file).resolve().as_uri()
    return quote(path.as_posix(), safe="/")


def _notifications(r: dict[str, Any]) -> list[dict[str, Any]]:
    """The file's tool execution notifications: its error, and one per analyser that crashed on it
    (the crash that is the file's error, when nothing could be analysed, gives that one its exception)."""
    from .analysers import Crash

    where = [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(r["file"])}}}]
    error = {"level": "error", "message": {"text": r["error"]}, "locations": where} if r["error"] else None
    out = [error] if error else []
    for c in r.get("crashes") or []:
        crash = Crash(**{k: c.get(k) for k in ("analyser", "exception", "message", "where", "scope")},
                      outcome=c.get("outcome") or "")
        exception = {"kind": crash.exception, **({"message": crash.message} if crash.message else {})}
        props = {k: v for k, v in (("analyser", crash.analyser), ("scope", crash.scope),
                                   ("fileStatus", r.get("status"))) if v}
        if error is not None and crash.note() == r["error"] and "exception" not in error:
            error.update(exception=exception, properties=props)
            continue
        # level error: in SARIF, the analysis was halted or its results are incomplete
        out.append({"level": "error", "message": {"text": crash.note()}, "locations": where,
                    "exception": exception, "properties": props})
    return out


def render_sarif(results: list[dict[str, Any]]) -> str:
    """SARIF 2.1.0: one rule per check, one result per finding; file errors and analyser crashes as
    tool execution notifications."""
    rules: dict[str, dict[str, Any]] = {}
    sarif_results, notes = [], []
    for r in results:
        notes.extend(_notifications(r))
        for f in r["findings"]:
            level = _SARIF_LEVEL.get(f["severity"], "note")
            rules.setdefault(f["check"], {
                "id": f["check"], "name": f["check"],
                "shortDescription": {"text": f"{f['category']}: {f['check']}"},
                "defaultConfiguration": {"level": level},
                # GitHub code scanning ranks security alerts by these two properties
                "properties": {"category": f["category"], "source": f["source"], "tags": ["security", f["category"]],
                               "security-severity": _SECURITY_SEVERITY.get(f["severity"], "0.0")},
            })
            lines = [n for n in f["lines"] if isinstance(n, int) and n >= 1]
            region = {"startLine": min(lines), "endLine": max(lines)} if lines else {"startLine": 1}
            res = {
                "ruleId": f["check"],
                "level": level,
                "message": {"text": f["message"] or f"{f['check']} ({f['category']})"},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(r["file"])},
                                                    "region": region}}],
                # the finding id: check, file name, contract, function and the flagged code, not lines
                "partialFingerprints": {"ouroFingerprint/v1": f["id"]},
                "properties": {"severity": f["severity"], "confidence": f["confidence"], "confirmed": f["confirmed"],
                               "category": f["category"], "contract": f["contract"], "function": f["function"]},
            }
            t = f.get("triage")
            if t:  # `ouro triage`: a suppression kept outside the source, its reason the justification
                res["suppressions"] = [{"kind": "external", "status": "accepted",
                                        "justification": f"{t.get('status')}: {t.get('reason')}",
                                        "properties": {"triageStatus": t.get("status"), "reason": t.get("reason"),
                                                       "by": t.get("by"), "at": t.get("at")}}]
            sarif_results.append(res)
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "ouro", "version": tool_version(), "rules": list(rules.values())}},
            "invocations": [{"executionSuccessful": not notes, "toolExecutionNotifications": notes}],
            "results": sarif_results,
        }],
    }
    return json.dumps(doc, indent=2)


def _md_cell(text: Any) -> str:
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


def render_markdown(results: list[dict[str, Any]]) -> str:
    out = [f"# ouro verification report ({tool_version()})", ""]
    out.append("| file | status | compiler | high | medium | low | confirmed |")
    out.append("|---|---|---|---|---|---|---|")
    for r in results:
        sev = {s: sum(1 for f in r["findings"] if f["severity"] == s) for s in ("high", "medium", "low")}
        conf = sum(1 for f in r["findings"] if f["confirmed"])
        out.append(f"| {_md_cell(r['file'])} | {r['status']} | {_md_cell(r['compiler'])} | {sev['high']} | "
                   f"{sev['medium']} | {sev['low']} | {conf} |")
    for r in results:
        out += ["", f"## {_md_cell(r['file'])}", ""]
        if r["error"]:
            out += ["```", r["error"], "```"]
        for note in r.get("notes", []):
            out.append(f"> note: {_md_cell(note)}")
        shown = [f for f in r["findings"] if f["severity"] != "informational"]
        if shown:
            triaged = any(f.get("triage") for f in shown)
            out += ["| severity | category | check | where | lines | confirmed |" + (" triage |" if triaged else ""),
                    "|---|---|---|---|---|---|" + ("---|" if triaged else "")]
            for f in shown:
                where = ".".join(x for x in (f["contract"], f["function"]) if x)
                conf = {True: "yes", False: "no", None: "-"}[f["confirmed"]]
                out.append(f"| {f['severity']} | {f['category']} | {f['check']} | {_md_cell(where)} | "
                           f"{','.join(map(str, f['lines']))} | {conf} |"
                           + (f" {_md_cell(_triage_text(f.get('triage')))} |" if triaged else ""))
            for f in shown:
                ev = f.get("evidence")
                if ev and ev.get("trace"):
                    out += ["", f"**{f['check']}** — {_md_cell(f['message'])}", "", "```"] + ev["trace"] + ["```"]
    return "\n".join(out) + "\n"
