"""Distinct assertion failures on generated mazes: `ouro fuzz` next to forge invariant testing.

    .venv/bin/python benchmarks/fuzz_mazes.py [--mazes 3] [--seeds 1,2,3] [--budget 60] [--workers 2]
        [--size 7] [--skip-ouro] [--skip-forge] [--forge-set KEY=VALUE ...] [--keep DIR] [--json OUT.json]

Each maze comes from benchmarks/maze_gen.py (maze i uses seed i of --seeds; the fuzzers get the
same seed). Both sides run one after the other in the same run, each with the same wall-clock
budget and the same number of processes / threads:

- ouro: `ouro fuzz Maze.sol --time-limit B --workers W --seed S --format json --output OUT.json` on
  the assertion variant; its count is the number of findings with check `assertion-failure` (one
  per distinct failing assert). Its wall time is the whole command (compilation included).
- forge (from npm, compiled through the solc-js shim, `--offline`): `forge test` on the Foundry
  variant (hits recorded, nothing reverts) and its MazeInvariants contract, one invariant_a<id>
  per assertion; its count is the number of invariant_a<id> tests that failed. The build runs
  before the clock starts; its wall time is `forge test` alone.

forge 1.7.1 runs every invariant_* function as its own campaign (its own runs x depth calls; the
campaign checks only that function; a coverage corpus, when enabled, is kept per function too),
the campaigns spread over `-j` threads, and every campaign of one run draws from the same seed,
so they replay the same sequences and differ only in where they stop. The budget is therefore
split: campaign-seconds = W x (B - 1), shared out as whole-second per-test `timeout`s (inline
`forge-config`; the first ids in order get the extra second). A campaign that fails stops early,
so forge's wall time ends a little under B. The other settings (FORGE_SETTINGS) found the most
on mazes 1-3 at B = 60 s, W = 2 (distinct failures summed over the three mazes):
depth 1000: 42, 2000: 44-46, 3000: 49-51, 4000: 47; forge's defaults (depth 500, invariant
checked after every call, shrinking up to 5000 runs): 31 and over budget; `corpus_dir`
(coverage guidance, depth 2000): 34 with 40% of the calls; dictionary_weight 95 instead of 80:
43 at depth 2000, 45 at 3000. The invariant is checked after the last call of each run only (a hit stays recorded, so nothing is
missed, at depth 2000 it made no difference) and nothing is shrunk (the count needs no minimal
sequence). Each maze is a fresh project, so no persisted failure is replayed.

Every id found is checked against the generator's reachable set; one outside it is flagged (!).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import maze_gen  # noqa: E402

OURO = Path(sys.executable).parent / "ouro"
FORGE_OVERHEAD_S = 1.0  # forge's own start-up and set-up inside `forge test`, kept out of the campaigns

# [invariant] settings for forge; --forge-set KEY=VALUE overrides or adds (values are TOML)
FORGE_SETTINGS = {
    "runs": "1000000",           # the per-test timeout ends each campaign, not the run count
    "depth": "3000",
    "check_interval": "0",       # check the invariant after the last call of each run only
    "shrink_run_limit": "0",
    "fail_on_revert": "false",
    "dictionary_weight": "80",
    "include_storage": "true",
    "include_push_bytes": "true",
    "show_metrics": "false",
    "failure_persist_dir": '"cache/invariant"',
}


def timeouts(ids: list[int], budget: float, workers: int) -> dict[int, int]:
    """Whole seconds per invariant test, summing to about workers x (budget - overhead)."""
    slots = max(len(ids), int(workers * max(budget - FORGE_OVERHEAD_S, 1.0)))
    base, extra = divmod(slots, len(ids))
    return {i: base + (k < extra) for k, i in enumerate(sorted(ids))}


def with_timeouts(test_source: str, per_test: dict[int, int]) -> str:
    """The invariant contract with a `forge-config` timeout line above each invariant_a<id>."""
    out = []
    for line in test_source.splitlines():
        m = re.match(r"(\s*)function invariant_a(\d+)\(", line)
        if m:
            out.append(f"{m.group(1)}/// forge-config: default.invariant.timeout = {per_test[int(m.group(2))]}")
        out.append(line)
    return "\n".join(out) + "\n"


def forge_toml(settings: dict[str, str]) -> str:
    head = '[profile.default]\nsrc = "src"\ntest = "test"\nout = "out"\nlibs = []\n\n[invariant]\n'
    return head + "".join(f"{k} = {v}\n" for k, v in settings.items())


def run_forge(maze_dir: Path, meta: dict, budget: float, workers: int, seed: int,
              overrides: dict[str, str]) -> dict:
    from chains.anvil import foundry_executable
    from verify.compile import SolcJs

    project = maze_dir / "foundry"
    settings = {**FORGE_SETTINGS, **overrides}
    per_test = timeouts(meta["ids"], budget, workers)
    test_file = project / "test" / "MazeInvariants.t.sol"
    test_file.write_text(with_timeouts(test_file.read_text(), per_test))
    (project / "foundry.toml").write_text(forge_toml(settings))
    forge = str(foundry_executable("forge"))
    shim = str(SolcJs().executable("0.8.37"))
    t0 = time.perf_counter()
    build = subprocess.run([forge, "build", "--use", shim, "--offline"], cwd=project, capture_output=True, text=True)
    build_s = time.perf_counter() - t0
    if build.returncode != 0:
        return {"error": f"forge build failed: {(build.stderr or build.stdout).strip()[-500:]}"}
    argv = [forge, "test", "--use", shim, "--offline", "--json", "-j", str(workers), "--fuzz-seed", str(seed)]
    t0 = time.perf_counter()
    out = subprocess.run(argv, cwd=project, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    try:
        suites = json.loads(out.stdout)
    except ValueError:
        return {"error": f"forge test gave no JSON (exit {out.returncode}): {out.stderr.strip()[-500:]}"}
    found, calls = set(), 0
    for suite in suites.values():
        for name, result in suite["test_results"].items():
            m = re.fullmatch(r"invariant_a(\d+)\(\)", name)
            if not m:
                continue
            calls += result.get("kind", {}).get("Invariant", {}).get("calls", 0)
            if result["status"] == "Failure":
                found.add(int(m.group(1)))
    return {"ids": sorted(found), "wall": wall, "build": build_s, "calls": calls, "command": " ".join(argv),
            "settings": settings, "timeouts": sorted(set(per_test.values()))}


def ouro_available() -> bool:
    if not OURO.exists():
        return False
    try:
        return subprocess.run([str(OURO), "fuzz", "--help"], capture_output=True, timeout=120).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def run_ouro(maze_dir: Path, meta: dict, budget: float, workers: int, seed: int) -> dict:
    target = maze_dir / "Maze.sol"
    report = maze_dir / "ouro.json"
    argv = [str(OURO), "fuzz", str(target), "--time-limit", str(budget), "--workers", str(workers),
            "--seed", str(seed), "--format", "json", "--output", str(report)]
    t0 = time.perf_counter()
    out = subprocess.run(argv, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if not report.exists():
        return {"error": f"ouro fuzz wrote no report (exit {out.returncode}): {out.stderr.strip()[-500:]}", "wall": wall}
    data = json.loads(report.read_text())
    line_to_id = {}
    for key, entry in meta["by_id"].items():
        line_to_id[entry["assert_line"]] = int(key)
        line_to_id[entry["emit_line"]] = int(key)
    findings = [f for r in data.get("results", []) for f in r.get("findings", [])
                if f.get("check") == "assertion-failure"]
    ids, unmatched = set(), 0
    for f in findings:
        hit = {line_to_id[n] for n in f.get("lines") or [] if n in line_to_id}
        ids |= hit
        unmatched += not hit
    return {"count": len(findings), "ids": sorted(ids), "unmatched": unmatched, "wall": wall,
            "exit": out.returncode, "command": " ".join(argv)}


def _mark(ids: list[int], reachable: set[int]) -> str:
    return " ".join(f"{i}{'' if i in reachable else '(!)'}" for i in ids)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mazes", type=int, default=3)
    ap.add_argument("--seeds", default="1,2,3", help="maze (and fuzzer) seeds, comma-separated")
    ap.add_argument("--budget", type=float, default=60.0, help="wall-clock seconds per maze and fuzzer")
    ap.add_argument("--workers", type=int, default=2, help="ouro --workers and forge -j")
    ap.add_argument("--size", type=int, default=7)
    ap.add_argument("--skip-ouro", action="store_true")
    ap.add_argument("--skip-forge", action="store_true")
    ap.add_argument("--forge-set", action="append", default=[], metavar="KEY=VALUE",
                    help="override an [invariant] setting of forge (TOML value)")
    ap.add_argument("--keep", type=Path, help="keep each maze's folder (sources, reports) under this folder")
    ap.add_argument("--json", type=Path, help="write the per-maze results here")
    a = ap.parse_args(argv)

    seeds = [int(s) for s in a.seeds.split(",") if s.strip()]
    while len(seeds) < a.mazes:
        seeds.append(max(seeds, default=0) + 1)
    seeds = seeds[:a.mazes]
    overrides = dict(kv.split("=", 1) for kv in a.forge_set)
    use_ouro = not a.skip_ouro and ouro_available()
    if not a.skip_ouro and not use_ouro:
        print("ouro fuzz not available")

    from rich.console import Console
    from rich.table import Table

    console = Console(width=max(Console().width, 120))
    rows = []
    for seed in seeds:
        with tempfile.TemporaryDirectory(prefix=f"maze{seed}-") as tmp:
            maze_dir = Path(tmp)
            meta = maze_gen.write(seed, a.size, maze_dir)
            reachable = set(meta["reachable_ids"])
            row = {"seed": seed, "assertions": meta["assertions"], "reachable": meta["reachable"]}
            console.print(f"maze {seed}: {meta['assertions']} assertions, {meta['reachable']} reachable")
            if not a.skip_forge:
                f = run_forge(maze_dir, meta, a.budget, a.workers, seed, overrides)
                row["forge"] = f
                if "error" in f:
                    console.print(f"  forge: {f['error']}")
                else:
                    console.print(f"  forge: {len(f['ids'])} in {f['wall']:.1f} s (build {f['build']:.1f} s, "
                                  f"{f['calls']:,} calls, timeouts {f['timeouts']} s): {_mark(f['ids'], reachable)}")
                    if meta["assertions"] > a.workers * a.budget:
                        console.print(f"  (forge's timeout is whole seconds: {meta['assertions']} invariant tests "
                                      f"need at least {meta['assertions'] / a.workers:.0f} s on {a.workers} threads)")
            if use_ouro:
                o = run_ouro(maze_dir, meta, a.budget, a.workers, seed)
                row["ouro"] = o
                if "error" in o:
                    console.print(f"  ouro: {o['error']}")
                else:
                    console.print(f"  ouro: {o['count']} in {o['wall']:.1f} s: {_mark(o['ids'], reachable)}"
                                  + (f" ({o['unmatched']} findings on no assertion line)" if o["unmatched"] else ""))
            if a.keep:
                dest = a.keep / f"maze{seed}"
                shutil.rmtree(dest, ignore_errors=True)
                shutil.copytree(maze_dir, dest, ignore=shutil.ignore_patterns("out", "cache"))
        rows.append(row)

    def cell(row, side, key):
        r = row.get(side)
        if r is None:
            return "n/a"
        if "error" in r:
            return "error"
        if key == "count":
            return str(r["count"] if side == "ouro" else len(r["ids"]))
        return f"{r['wall']:.1f}"

    table = Table(title=f"distinct assertion failures, budget {a.budget:g} s, {a.workers} workers")
    for col in ("maze", "assertions", "reachable", "ouro distinct failures", "forge distinct failures",
                "ouro wall s", "forge wall s"):
        table.add_column(col, justify="left" if col == "maze" else "right")
    for row in rows:
        table.add_row(f"seed {row['seed']}", str(row["assertions"]), str(row["reachable"]),
                      cell(row, "ouro", "count"), cell(row, "forge", "count"),
                      cell(row, "ouro", "wall"), cell(row, "forge", "wall"))

    def total(side, key):
        vals = [r[side] for r in rows if side in r and "error" not in r[side]]
        if not vals:
            return "n/a"
        if key == "count":
            return str(sum(v["count"] if side == "ouro" else len(v["ids"]) for v in vals))
        return f"{sum(v['wall'] for v in vals):.1f}"

    table.add_row("total", str(sum(r["assertions"] for r in rows)), str(sum(r["reachable"] for r in rows)),
                  total("ouro", "count"), total("forge", "count"), total("ouro", "wall"), total("forge", "wall"),
                  style="bold")
    console.print(table)
    if a.json:
        a.json.write_text(json.dumps({"budget": a.budget, "workers": a.workers, "size": a.size, "mazes": rows},
                                     indent=1, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
