"""Every example spec: `ouro synth` passes, and `brownie test` passes on the generated project
(on ouro's Anvil, two projects at a time, each with its own node and brownie home)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from chains import AnvilChain
from chains.brownie_network import NETWORK_ID
from verify.compile import install_into_solcx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SPECS = sorted((ROOT / "examples" / "specs").glob("*.yaml"))


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory):
    base = tmp_path_factory.mktemp("examples")
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")

    def run(spec: Path):
        out = base / spec.stem
        proc = subprocess.run([str(BIN / "ouro"), "synth", str(spec), "--out", str(out)], env=env,
                              capture_output=True, text=True, timeout=900)
        return spec.stem, (out, proc)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(run, SPECS))


@pytest.fixture(scope="module")
def brownie_runs(synthesized, tmp_path_factory):
    """`brownie test` in each generated project; two workers, each with a private HOME and Anvil."""
    base = tmp_path_factory.mktemp("brownie")
    ok = [name for name, (_, proc) in synthesized.items() if proc.returncode == 0]

    def worker(idx: int, names: list[str]) -> dict[str, subprocess.CompletedProcess]:
        home, solcx = base / f"home{idx}", base / f"solcx{idx}"
        home.mkdir()
        install_into_solcx("0.8.37", solcx)
        env = dict(os.environ, HOME=str(home), SOLCX_BINARY_PATH=str(solcx),
                   PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
        results = {}
        with AnvilChain() as chain:
            reg = subprocess.run([str(BIN / "ouro"), "chains", "brownie-network", "--port", str(chain.port)],
                                 env=env, capture_output=True, text=True, timeout=300)
            assert reg.returncode == 0, reg.stdout + reg.stderr
            for name in names:
                project = base / f"project-{name}"
                shutil.copytree(synthesized[name][0], project)
                results[name] = subprocess.run([str(BIN / "brownie"), "test", "--network", NETWORK_ID], cwd=project,
                                               env=env, capture_output=True, text=True, timeout=900)
        return results

    halves = [ok[0::2], ok[1::2]]
    with ThreadPoolExecutor(max_workers=2) as pool:
        parts = list(pool.map(worker, range(2), halves))
    return {k: v for part in parts for k, v in part.items()}


@pytest.mark.parametrize("name", [s.stem for s in SPECS])
def test_example_spec_synthesises(synthesized, name):
    out, proc = synthesized[name]
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    doc = json.loads((out / "reports" / "verification.json").read_text())
    syn = doc["synthesis"]
    assert syn["passed"] and syn["blocking_findings"] == 0
    assert syn["scenarios"] and all(s["passed"] for s in syn["scenarios"])
    assert syn["invariants"]
    result = doc["results"][0]
    assert result["status"] == "ok"
    assert result["file"] == str(out / "contracts" / f"{doc['synthesis']['spec']}.sol")
    ran = result["dynamic"]["properties"][doc["synthesis"]["spec"]]
    assert all(i["id"] in ran for i in syn["invariants"])  # every invariant ran as a property
    assert all(f["severity"] in ("low", "informational") for f in result["findings"])
    for rel in ("brownie-config.yaml", "scripts/deploy.py", "tests/conftest.py", "reports/verification.md"):
        assert (out / rel).is_file(), rel


# the first of these tests sets up brownie_runs: eleven `brownie test` runs on two workers, which
# take minutes on an idle 2-core machine and far longer on a loaded one
@pytest.mark.timeout(2700)
@pytest.mark.parametrize("name", [s.stem for s in SPECS])
def test_example_project_passes_brownie_test(brownie_runs, synthesized, name):
    assert synthesized[name][1].returncode == 0, "synthesis failed; see test_example_spec_synthesises"
    run = brownie_runs[name]
    text = run.stdout + run.stderr
    assert run.returncode == 0, text[-4000:]
    assert "test_invariants" in text and " passed" in text and " failed" not in text
