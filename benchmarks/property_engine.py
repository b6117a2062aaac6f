"""Property-engine throughput on a token, next to forge's invariant testing on the same token.

    .venv/bin/python benchmarks/property_engine.py [--examples 300] [--depth 50] [--fuzz-sequences 3000]

Every engine runs random call sequences against benchmarks/contracts/BenchToken.sol in the same
run, one function each (``ouro_verify``, ``forge``, ``hypothesis_ceiling``) returning its counts
and seconds, printed as one line each by ``main``. forge's figure is its own "calls" count over its
own reported test time (compilation excluded). ouro's figures are those of the verify property
search (``random_search.run_search``: every applicable property judging every step, shrinking
included), over its wall time: transactions (sequence steps, what forge calls "calls"), the EVM
message calls sent (transactions, batch observations, differential replays), and the view calls
those observations answered (one batch call answers all of a step's views).

The first lines are `ouro fuzz` on forge's side of the benchmark (the same token, the same
invariant contract benchmarks/BenchTokenInvariants.t.sol, its one invariant checked after every
call; ``ouro_fuzz``): transactions and message calls (transactions plus invariant checks) over
its campaign time, shrinking included.

The last line is the ceiling of the design the search replaced: a hypothesis
RuleBasedStateMachine whose only rule draws one value and does nothing else. No engine that runs
one transaction per hypothesis step can beat it.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chains.anvil import foundry_executable  # noqa: E402
from verify.checks import properties  # noqa: E402
from verify.compile import Compiler, SolcJs  # noqa: E402
from verify.dynamic.engine import _Search, DynamicOptions, targets_of  # noqa: E402
from verify.dynamic.random_search import run_search  # noqa: E402

TOKEN = ROOT / "benchmarks" / "contracts" / "BenchToken.sol"


def ouro_verify(examples: int, depth: int) -> dict:
    """The verify property search on the token: ``examples`` sequences of ``depth`` transactions."""
    compiled = Compiler(install=False, evm_version="shanghai").compile_file(TOKEN)
    target = targets_of(compiled)[0]
    props = [cls() for cls in properties() if cls().applies(target)]
    search = _Search(target, DynamicOptions())
    search.start()
    executed = {"n": 0}
    session = search._base
    original = session.execute

    def counting_execute(step):
        executed["n"] += 1
        return original(step)

    session.execute = counting_execute
    calls0 = search.total_calls()
    views0 = search.total_views()
    t0 = time.perf_counter()
    found = run_search(search, props, max_examples=examples, steps=depth, seed=1, recorder=search.recorder)
    seconds = time.perf_counter() - t0
    return {"transactions": executed["n"], "evm_calls": search.total_calls() - calls0,
            "views": search.total_views() - views0, "seconds": seconds,
            "violation": "; ".join(str(v) for v in found)}


def hypothesis_ceiling(examples: int, depth: int) -> dict:
    """Steps/s of an empty stateful rule: the most any one-transaction-per-step engine can reach."""
    from hypothesis import HealthCheck, Verbosity, settings, strategies as st
    from hypothesis.stateful import RuleBasedStateMachine, rule, run_state_machine_as_test

    count = {"n": 0}
    blob = st.binary(min_size=24, max_size=24)

    class Empty(RuleBasedStateMachine):
        @rule(data=st.data())
        def step(self, data):
            count["n"] += 1
            data.draw(blob)

    t0 = time.perf_counter()
    run_state_machine_as_test(Empty, settings=settings(
        max_examples=examples, stateful_step_count=depth, deadline=None, database=None,
        suppress_health_check=list(HealthCheck), verbosity=Verbosity.quiet))
    return {"steps": count["n"], "seconds": time.perf_counter() - t0}


def forge(runs: int, depth: int) -> dict:
    shim = SolcJs().executable("0.8.37")
    forge_bin = str(foundry_executable("forge"))
    with tempfile.TemporaryDirectory() as tmp:
        root = _token_project(Path(tmp))
        (root / "foundry.toml").write_text(
            f'[profile.default]\nsrc = "src"\ntest = "test"\nout = "out"\nlibs = []\n'
            f"[invariant]\nruns = {runs}\ndepth = {depth}\n")
        subprocess.run([forge_bin, "build", "--use", str(shim), "--offline"], cwd=root, check=True,
                       capture_output=True)
        t0 = time.perf_counter()
        out = subprocess.run([forge_bin, "test", "--use", str(shim), "--offline"], cwd=root, capture_output=True,
                             text=True)
        wall = time.perf_counter() - t0
    text = out.stdout + out.stderr
    calls = int(re.search(r"calls: (\d+)", text).group(1))
    m = re.search(r"finished in ([\d.]+)(m?s)", text)
    seconds = float(m.group(1)) / (1000 if m.group(2) == "ms" else 1) if m else wall
    return {"calls": calls, "seconds": seconds, "wall": wall}


def _token_project(root: Path) -> Path:
    """forge's layout of the benchmark: the token in src/, the invariant contract in test/."""
    (root / "src").mkdir()
    (root / "test").mkdir()
    shutil.copy(TOKEN, root / "src" / "BenchToken.sol")
    shutil.copy(ROOT / "benchmarks" / "BenchTokenInvariants.t.sol", root / "test" / "BenchToken.t.sol")
    return root


def ouro_fuzz(sequences: int, depth: int) -> dict:
    """`ouro fuzz` on forge's side of the benchmark: the same token and invariant contract, one
    invariant checked after every call; its campaign time (search and shrinking, no compile)."""
    from verify.fuzz import FuzzOptions, fuzz_file

    with tempfile.TemporaryDirectory() as tmp:
        root = _token_project(Path(tmp))
        entry = fuzz_file(root / "test" / "BenchToken.t.sol", Compiler(install=False),
                          FuzzOptions(max_examples=sequences, depth=depth, seed=1, replay=False))
    [c] = entry["fuzz"]["campaigns"]
    return {"transactions": c["transactions"], "calls": c["calls"], "seconds": c["seconds"] + c.get("shrink_seconds", 0),
            "failures": len(entry["findings"])}


def _row(name: str, count: int, seconds: float) -> str:
    return f"{name:<34}{count:>10}{seconds:>10.2f}{count / seconds:>13,.0f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=300, help="ouro sequences (forge: runs)")
    ap.add_argument("--depth", type=int, default=50, help="calls per sequence")
    ap.add_argument("--fuzz-sequences", type=int, default=3000, help="ouro fuzz sequences (1 to 2x depth calls each)")
    a = ap.parse_args()
    z = ouro_fuzz(a.fuzz_sequences, a.depth)
    o = ouro_verify(a.examples, a.depth)
    f = forge(a.examples, a.depth)
    h = hypothesis_ceiling(a.examples, a.depth)
    o_tx, o_calls, f_calls = o["transactions"] / o["seconds"], o["evm_calls"] / o["seconds"], f["calls"] / f["seconds"]
    print(f"{'engine':<34}{'count':>10}{'seconds':>10}{'per second':>13}")
    print(_row("ouro fuzz transactions", z["transactions"], z["seconds"]))
    print(_row("ouro fuzz EVM message calls", z["calls"], z["seconds"]))
    print(_row("ouro verify transactions", o["transactions"], o["seconds"]))
    print(_row("ouro verify EVM message calls", o["evm_calls"], o["seconds"]))
    print(_row("ouro verify views in observations", o["views"], o["seconds"]))
    print(_row("forge invariant calls", f["calls"], f["seconds"]))
    print(_row("hypothesis empty-rule steps", h["steps"], h["seconds"]))
    print(f"ratio ouro fuzz/forge: transactions {z['transactions'] / z['seconds'] / f_calls:.2f}")
    print(f"ratio ouro verify/forge: transactions {o_tx / f_calls:.2f}, EVM message calls {o_calls / f_calls:.2f}")
    if o["violation"]:
        print(f"(ouro verify found: {o['violation']})")


if __name__ == "__main__":
    main()
