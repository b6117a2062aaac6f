"""Wall time of `ouro synth` on every example spec, as a user runs it (fresh process each time).

    .venv/bin/python benchmarks/synth_examples.py [--runs 3] [--spec examples/specs/erc20.yaml ...]

Prints each spec's median and the median over all specs, next to the 10 s target, and the time
of one plain `slither` run on the same generated contract for scale (the static pass alone, as
Slither's own CLI does it).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _time(cmd: list[str], cwd: Path | None = None) -> tuple[float, int]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    return time.perf_counter() - t0, proc.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--spec", action="append", type=Path)
    a = ap.parse_args()
    specs = a.spec or sorted((ROOT / "examples" / "specs").glob("*.yaml"))
    medians = []
    print(f"{'spec':<28}{'exit':>6}{'median s':>10}{'runs':>18}{'slither CLI s':>15}")
    with tempfile.TemporaryDirectory() as tmp:
        for spec in specs:
            times, code = [], None
            for i in range(a.runs):
                out = Path(tmp) / f"{spec.stem}-{i}"
                t, code = _time([str(BIN / "ouro"), "synth", str(spec), "--out", str(out)])
                times.append(t)
            sol = next((Path(tmp) / f"{spec.stem}-0" / "contracts").glob("*.sol"), None)
            slither_s = float("nan")
            if sol is not None:
                solc = subprocess.run([str(BIN / "ouro"), "compilers", "path", "0.8.37"], capture_output=True,
                                      text=True).stdout.strip()
                oz = ROOT / "node_modules" / "@openzeppelin"
                slither_s, _ = _time([str(BIN / "slither"), str(sol), "--solc", solc,
                                      "--solc-remaps", f"@openzeppelin={oz}"])
            med = statistics.median(times)
            medians.append(med)
            runs = " ".join(f"{t:.1f}" for t in times)
            print(f"{spec.stem:<28}{code:>6}{med:>10.1f}{runs:>18}{slither_s:>15.1f}")
            for i in range(a.runs):
                shutil.rmtree(Path(tmp) / f"{spec.stem}-{i}", ignore_errors=True)
    print(f"median over {len(specs)} specs: {statistics.median(medians):.1f} s (target <= 10 s)")


if __name__ == "__main__":
    main()
