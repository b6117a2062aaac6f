"""What `ouro synth` prints for a system spec: one row per contract, the system check, the verdict."""

from __future__ import annotations

from pathlib import Path

from rich.markup import escape
from rich.table import Table

__all__ = ["print_system"]


def print_system(res, out: Path, console, err) -> None:
    table = Table(title=f"{res.spec.name}: {len(res.spec.entries)} contracts, in deployment order")
    for col in ("contract", "kind", "scenarios", "invariants", "blocking findings", "verdict"):
        table.add_column(col, overflow="fold")
    for e in res.spec.entries:
        r = res.members.get(e.spec.name)
        if r is None:
            table.add_row(e.spec.name, e.spec.kind, "-", "-", "-", "[yellow]not verified[/]")
            continue
        sc = f"{sum(s.passed for s in r.scenarios)}/{len(r.scenarios)}"
        violated = {f["check"] for f in r.entry.get("findings", [])}
        inv = f"{sum(i not in violated for i in r.invariant_ids)}/{len(r.invariant_ids)}"
        table.add_row(e.spec.name, e.spec.kind, sc, inv, str(len(r.blocking())),
                      "[green]pass[/]" if r.passed else "[red]FAIL[/]")
    console.print(table)
    for name, r in res.members.items():
        if not r.passed:
            for f in r.blocking():
                err.print(f"[red]{escape(name)}[/] {escape(f['check'])}: {escape(f.get('message', '')[:300])}")
            for s in r.scenarios:
                if not s.passed:
                    err.print(f"[red]{escape(name)}[/] scenario {escape(s.name)}: {escape(s.message)}")
            if r.error:
                err.print(f"[red]{escape(name)}[/] {escape(r.error)}")
    chk = res.check or {}
    for w in chk.get("wiring", []):
        console.print(f"wiring {escape(w['call'])}: {'[green]ok[/]' if w['ok'] else '[red]failed[/]'}")
    for inv in chk.get("invariants", []):
        state = {True: "[green]holds[/]", False: "[red]violated[/]", None: "[yellow]not judged[/]"}[inv["holds"]]
        console.print(f"system invariant {escape(inv['text'])}: {state} after deployment")
    if chk.get("error"):
        err.print(f"[red]error[/] {escape(chk['error'])}")
    if res.error:
        err.print(f"[red]error[/] {escape(res.error)}")
    if res.passed:
        console.print(f"[green]PASSED[/] in {res.seconds:.1f} s: project written to {escape(str(out))}")
    else:
        console.print(f"[red]FAILED[/] in {res.seconds:.1f} s: report written to {escape(str(out))}/report.md")
