"""Every product file of the audited npm packages the project pins, verified as a user would
(`ouro verify PACKAGE_DIR --format json`): findings per severity per package, and every high and
medium finding with its check and place. Audited code should get no high finding.

    .venv/bin/python benchmarks/trusted_packages.py [--jobs 2] [--engine] [--only solmate]

Static only unless --engine (the property engine then runs with a small budget: --max-examples).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {  # package -> its Solidity folder
    "solmate": "src",
    "@uniswap/v2-core": "contracts",
    "@uniswap/v3-core": "contracts",
    "@openzeppelin/contracts": ".",
    "@morpho-org/morpho-blue": "src",
}
SEVERITIES = ("high", "medium", "low", "informational")


def verify(package: str, jobs: int, engine: bool, max_examples: int) -> tuple[dict, float]:
    folder = ROOT / "node_modules" / package / PACKAGES[package]
    cmd = [str(ROOT / ".venv" / "bin" / "ouro"), "verify", str(folder), "--format", "json", "--jobs", str(jobs),
           "--fail-on", "high"]
    cmd += ["--max-examples", str(max_examples)] if engine else ["--static-only"]
    t0 = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if not proc.stdout.strip():
        sys.exit(f"{package}: ouro verify gave no report (exit {proc.returncode}): {proc.stderr[-2000:]}")
    return json.loads(proc.stdout), time.monotonic() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--engine", action="store_true")
    ap.add_argument("--max-examples", type=int, default=20)
    ap.add_argument("--only", action="append", help="a package name (repeatable)")
    args = ap.parse_args()
    rows, details = [], []
    for package in args.only or list(PACKAGES):
        doc, seconds = verify(package, args.jobs, args.engine, args.max_examples)
        results = doc["results"]
        status = Counter(r["status"] for r in results)
        sev = Counter(f["severity"] for r in results for f in r["findings"])
        rows.append((package, len(results), status.get("compile-error", 0), *(sev.get(s, 0) for s in SEVERITIES),
                     seconds))
        for r in results:
            if r["status"] not in ("ok", "partial"):
                details.append(f"{package}: {r['file']}: {r['status']}: {(r['error'] or '').splitlines()[0]}")
            for f in r["findings"]:
                if f["severity"] in ("high", "medium"):
                    where = r["file"].split("node_modules/")[-1]
                    details.append(f"{f['severity']:6} {where}:{(f['lines'] or ['?'])[0]} {f['check']} "
                                   f"({f['contract']}.{f['function']}) confirmed={f['confirmed']}")
    print("| package | files | compile errors | high | medium | low | informational | seconds |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(str(round(x, 1)) if isinstance(x, float) else str(x) for x in row) + " |")
    print()
    print("\n".join(details))


if __name__ == "__main__":
    main()
