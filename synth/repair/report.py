"""The repair report as JSON and Markdown, written atomically."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from verify.report import tool_version, write_atomic

__all__ = ["render_json", "render_markdown", "write_reports"]


def render_json(report: dict[str, Any]) -> str:
    body = {k: v for k, v in report.items() if k != "patched"}
    return json.dumps({"tool": {"name": "ouro repair", "version": tool_version()}, "repair": body}, indent=2,
                      default=str)


def _exploit_line(row: dict[str, Any]) -> str:
    if not row.get("property"):
        return f"- {row['finding']}: {row.get('note', '')}"
    b, a = row.get("before") or {}, row.get("after") or {}
    return (f"- {row['finding']}: `{row['property']}` counterexample reproduced before: "
            f"{b.get('reproduced')}, after: {a.get('reproduced')}"
            + (f" ({a['reason']})" if a.get("reason") else ""))


def render_markdown(report: dict[str, Any]) -> str:
    out = [f"# ouro repair: {Path(report['file']).name}", "",
           f"- status: **{report['status']}**", f"- compiler: {report.get('compiler')}",
           f"- written to: {report.get('output') or 'nothing written'}"]
    if report.get("error"):
        out.append(f"- error: {report['error']}")
    if report.get("seconds") is not None:
        out.append(f"- time: {report['seconds']} s")
    out += ["", "## Findings to repair", ""]
    out += [f"- `{f['check']}` ({f['severity']}) in {f['contract']}.{f['function']} lines {f['lines']}"
            for f in report.get("targets", [])] or ["- none"]
    if report.get("remaining"):
        out += ["", "## Still reported", ""]
        out += [f"- `{f['check']}` in {f['contract']}.{f['function']}" for f in report["remaining"]]
    for rnd in report.get("rounds", []):
        out += ["", f"## Round {rnd['round']}", ""]
        for a in rnd["attempts"]:
            out.append(f"### {a['source']}: {a['status']}")
            if a.get("description"):
                out.append(f"{a['description']}")
            if a.get("reason"):
                out.append(f"\nReason: {a['reason']}")
            ev = a.get("evidence") or {}
            if ev.get("resolved") is not None:
                out.append(f"\nResolved: {', '.join(ev['resolved']) or 'none'}; new: {', '.join(ev.get('new', [])) or 'none'}")
            for row in ev.get("exploits", []):
                out.append(_exploit_line(row))
            for d in ev.get("differential", []):
                out.append(f"- differential {d['contract']}: {d.get('sequences', 0)} honest sequences "
                           f"({d.get('steps', 0)} steps) identical, {d.get('excluded', 0)} excluded as exploit paths"
                           + (f"; mismatch: {d['mismatch']['detail']}" if d.get("mismatch") else "")
                           + (f"; error: {d['error']}" if d.get("error") else ""))
            if a.get("diff"):
                out += ["", "```diff", a["diff"].rstrip("\n"), "```"]
            out.append("")
    if report.get("diff"):
        out += ["## Final diff", "", "```diff", report["diff"].rstrip("\n"), "```", ""]
    return "\n".join(out) + "\n"


def write_reports(report: dict[str, Any], json_path: Path | None, md_path: Path | None) -> None:
    if json_path:
        write_atomic(Path(json_path), render_json(report))
    if md_path:
        write_atomic(Path(md_path), render_markdown(report))
