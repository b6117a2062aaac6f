"""The option grid: every kind x every combination of its boolean options x its access modes,
each generated, compiled and verified (static checks, properties, invariants, scenarios).

    python -m synth.grid [--kind erc20 ...] [--sample N] [--jobs 2] [--output grid.json]

``make grid`` runs the full grid; the test suite runs a sample.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import yaml

__all__ = ["grid_specs", "run_grid", "verify_grid_spec"]


def grid_specs(kinds: list[str] | None = None) -> list[dict[str, Any]]:
    """Every grid entry as a spec document (kind, name, access, options)."""
    from .kinds import all_kinds

    out = []
    for name, kind in all_kinds().items():
        if kinds and name not in kinds:
            continue
        for i, frag in enumerate(kind.grid()):
            cls = "".join(p.capitalize() for p in name.split("_"))
            out.append({"kind": name, "name": f"{cls}Grid{i}", **frag})
    return out


def verify_grid_spec(doc: dict[str, Any], max_examples: int = 40, seed: int = 0) -> dict[str, Any]:
    """Generate and verify one grid entry; the result row never raises."""
    from verify.compile import Compiler

    from .generators import select_generator
    from .pipeline import SynthOptions, verify_generated
    from .spec import SpecError, parse_spec_text

    t0 = time.perf_counter()
    row = {"kind": doc["kind"], "name": doc["name"], "access": doc.get("access"), "options": doc.get("options"),
           "passed": False, "problems": []}
    try:
        spec = parse_spec_text(yaml.safe_dump(doc), f"{doc['name']}.yaml")
        generated = select_generator("template").generate(spec)
        with tempfile.TemporaryDirectory(prefix="ouro-grid-") as tmp:
            sol = Path(tmp) / f"{generated.contract}.sol"
            sol.write_text(generated.source)
            res = verify_generated(spec, sol, Compiler(evm_version="cancun"),
                                   SynthOptions(max_examples=max_examples, seed=seed, replay=False), generated)
        row["passed"] = res.passed
        if res.error:
            row["problems"].append(res.error.splitlines()[0] + " " + " ".join(res.error.splitlines()[1:3]))
        row["problems"] += [f"{f['severity']} {f['check']} {f['message'][:200]}" for f in res.blocking()]
        row["problems"] += [f"scenario {s.name}: {s.message}" for s in res.scenarios if not s.passed]
        row["problems"] += [f"note: {n}" for n in res.entry.get("notes", [])] if not res.passed else []
    except SpecError as exc:
        row["problems"].append(f"spec: {exc}")
    except Exception as exc:  # noqa: BLE001 - one entry's crash is its row, the grid goes on
        row["problems"].append(f"crash: {type(exc).__name__}: {exc}")
    row["seconds"] = round(time.perf_counter() - t0, 2)
    return row


def run_grid(docs: list[dict[str, Any]], jobs: int = 2, max_examples: int = 40, progress: bool = True
             ) -> list[dict[str, Any]]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    rows: list[dict[str, Any]] = []
    with Progress(TextColumn("grid"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[failed]} failed"),
                  TimeRemainingColumn(), disable=not progress) as bar:
        task = bar.add_task("grid", total=len(docs), failed=0)
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(verify_grid_spec, d, max_examples) for d in docs]
            for fut in as_completed(futures):
                rows.append(fut.result())
                bar.update(task, advance=1, failed=sum(not r["passed"] for r in rows))
    return sorted(rows, key=lambda r: (r["kind"], r["name"]))


def main(argv: list[str] | None = None) -> int:
    from rich.console import Console
    from rich.table import Table

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kind", action="append", help="only this kind (repeatable)")
    ap.add_argument("--sample", type=int, default=0, help="a random sample of this many entries (0: all)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the sample")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--max-examples", type=int, default=40)
    ap.add_argument("--output", type=Path, help="write every row as JSON here")
    a = ap.parse_args(argv)
    docs = grid_specs(a.kind)
    if a.sample and a.sample < len(docs):
        docs = random.Random(a.seed).sample(docs, a.sample)
    t0 = time.perf_counter()
    rows = run_grid(docs, a.jobs, a.max_examples)
    wall = time.perf_counter() - t0
    console = Console()
    table = Table(title=f"option grid: {len(rows)} contracts in {wall / 60:.1f} min on {a.jobs} jobs")
    for col in ("kind", "contracts", "passed", "failed", "median s"):
        table.add_column(col)
    by_kind: dict[str, list] = {}
    for r in rows:
        by_kind.setdefault(r["kind"], []).append(r)
    for k, rs in sorted(by_kind.items()):
        secs = sorted(r["seconds"] for r in rs)
        table.add_row(k, str(len(rs)), str(sum(r["passed"] for r in rs)), str(sum(not r["passed"] for r in rs)),
                      f"{secs[len(secs) // 2]:.1f}")
    console.print(table)
    for r in rows:
        if not r["passed"]:
            console.print(f"[red]FAIL[/] {r['name']} {r['access']} {r['options']}: {'; '.join(r['problems'])[:600]}")
    if a.output:
        from verify.report import write_atomic

        write_atomic(a.output, json.dumps({"seconds": round(wall, 1), "rows": rows}, indent=2) + "\n")
    return 0 if all(r["passed"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
