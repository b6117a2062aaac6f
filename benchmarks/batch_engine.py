"""Full batch throughput (Slither, ouro's checks and the property engine with its Anvil replays):
`ouro verify DIR --jobs N` on a mixed-version corpus, optionally beside another checkout of ouro
on the same files in the same run (the release before a change, to state the slowdown).

    .venv/bin/python benchmarks/batch_engine.py [--files 150] [--jobs 2] [--peer-checkout DIR]

The corpus is the one `batch_static.py` builds (the repository's fixtures and renamed, re-pinned
variants over 0.4.24-0.8.37, round-robin over compiler versions). Prints seconds, files/s and
statuses of each run, and the ratio peer/this (above 1: this checkout is faster).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from batch_static import _PRAGMA, _v, build_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def run(checkout: Path, corpus: Path, work: Path, jobs: int, tag: str) -> tuple[float, Counter, Counter]:
    out, db = work / f"{tag}.json", work / f"{tag}.db"
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    cmd = [sys.executable, "-c", "from synth.cli import main; main()", "verify", str(corpus), "--jobs", str(jobs),
           "--db", str(db), "--format", "json", "--output", str(out)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=checkout, env=env)
    seconds = time.perf_counter() - t0
    if not out.exists():
        sys.exit(f"{tag}: ouro verify failed ({proc.returncode}): {proc.stderr[-2000:]}")
    results = json.loads(out.read_text())["results"]
    confirmed = Counter(str(f.get("confirmed")) for r in results for f in r.get("findings", []))
    return seconds, Counter(r["status"] for r in results), confirmed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=150)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--peer-checkout", type=Path, help="another ouro checkout to time on the same corpus")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="ouro-batch-engine-") as tmp:
        work, corpus = Path(tmp), Path(tmp) / "corpus"
        corpus.mkdir()
        files = build_corpus(corpus, a.files)
        versions = Counter(_PRAGMA.search(f.read_text()).group(1).strip() for f in files)
        print(f"corpus: {len(files)} files; " + ", ".join(f"{v}: {n}" for v, n in sorted(versions.items(), key=lambda kv: _v(kv[0]))))
        rows = [("this checkout", *run(ROOT, corpus, work, a.jobs, "this"))]
        if a.peer_checkout:
            rows.append((f"peer {a.peer_checkout.name}", *run(a.peer_checkout.resolve(), corpus, work, a.jobs, "peer")))
    print(f"{'':<22}{'seconds':>9}{'files/s':>9}  statuses / findings by confirmed")
    for name, s, st, conf in rows:
        print(f"{name:<22}{s:>9.1f}{len(files) / s:>9.2f}  {dict(st)} / {dict(conf)}")
    if len(rows) == 2:
        print(f"slowdown: this / peer = {rows[0][1] / rows[1][1]:.2f}x (acceptance: <= 1.5x)")


if __name__ == "__main__":
    main()
