"""Strategy evaluation throughput: `ouro strategy learn` sequentially and with `--jobs N`, each on a
fresh history and a fresh verification cache, over the same corpus, in the same run.

    .venv/bin/python benchmarks/strategy_jobs.py [--jobs 2] [--per-split N] [--kind K ...] [--rounds 1]

Default corpus: every kind with slots, all specs (``--per-split`` samples each split). The model is
the scripted demo model (generation is cheap; verification is the work). Both runs must end with
the same strategy hash and the same metrics; the script prints both wall times and the ratio.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def run(work: Path, jobs: int, args) -> tuple[float, str]:
    work.mkdir(parents=True, exist_ok=True)
    cmd = [str(BIN / "ouro"), "strategy", "learn", "--db", str(work / "strategy.db"), "--results",
           str(work / "results.db"), "--jobs", str(jobs), "--rounds", str(args.rounds),
           "--max-examples", str(args.max_examples)]
    for k in args.kind:
        cmd += ["--kind", k]
    if args.per_split:
        cmd += ["--per-split", str(args.per_split)]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"--jobs {jobs} failed:\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}")
    show = subprocess.run([str(BIN / "ouro"), "strategy", "history", "--db", str(work / "strategy.db")],
                          capture_output=True, text=True, cwd=ROOT, env=None)
    return wall, p.stdout + "\n" + show.stdout


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--per-split", type=int, default=None)
    ap.add_argument("--kind", action="append", default=[])
    ap.add_argument("--rounds", type=int, default=1, help="learning rounds (1: evaluate, propose, judge once)")
    ap.add_argument("--max-examples", type=int, default=8)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="ouro-strategy-bench-") as tmp:
        seq, out1 = run(Path(tmp) / "seq", 1, args)
        par, out2 = run(Path(tmp) / "par", args.jobs, args)

    def summary(out: str) -> list[str]:  # the learn report's lines (wall-clock free)
        return [ln for ln in out.splitlines() if ln.startswith(("split by", "accepted", "rejected", "learned",
                                                                "train", "validation", "test", "version"))]

    same = summary(out1) == summary(out2)
    print("\n".join(summary(out1)))
    print(f"sequential {seq:.1f} s, --jobs {args.jobs} {par:.1f} s: {seq / par:.2f}x; identical reports: {same}")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
