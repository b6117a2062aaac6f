"""Every example spec: `ouro synth` passes, `brownie test` passes on the generated project (on
ouro's Anvil, two projects at a time, each with its own node and brownie home), and so does
`forge test` (forge-std and OpenZeppelin installed by `npm ci` from the project's lockfile)."""

from __future__ import annotations

import json
import os
import re
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
    if "system" in doc:  # several contracts: each verified, then the whole system deployed and wired
        assert doc["system"]["passed"] and doc["system"]["check"]["ok"]
        members = list(doc["system"]["contracts"].values())
        assert len(members) == len(doc["system"]["deployment_order"]) == len(doc["results"]) >= 2
    else:
        members = [doc["synthesis"]]
    for syn, result in zip(members, doc["results"]):
        assert syn["passed"] and syn["blocking_findings"] == 0
        assert syn["scenarios"] and all(s["passed"] for s in syn["scenarios"])
        assert syn["invariants"]
        assert result["status"] == "ok"
        assert result["file"] == str(out / "contracts" / f"{syn['spec']}.sol")
        ran = result["dynamic"]["properties"][syn["spec"]]
        assert all(i["id"] in ran for i in syn["invariants"])  # every invariant ran as a property
        assert all(f["severity"] in ("low", "informational") for f in result["findings"])
    for rel in ("brownie-config.yaml", "scripts/deploy.py", "tests/conftest.py", "reports/verification.md",
                "foundry.toml", "remappings.txt", "script/Deploy.s.sol", "package-lock.json"):
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


@pytest.fixture(scope="module")
def forge_runs(synthesized, tmp_path_factory):
    """`forge test` in a copy of each generated project. Their lockfiles pin the same packages, so
    `npm ci` runs once and the copies share its node_modules; two projects at a time."""
    from chains.anvil import foundry_executable
    from verify.compile import SolcJs

    base = tmp_path_factory.mktemp("forge")
    ok = [name for name, (_, proc) in synthesized.items() if proc.returncode == 0]
    if not ok:
        return {}
    pins = {json.dumps({k: v for k, v in json.loads((synthesized[n][0] / "package-lock.json").read_text())[
        "packages"].items() if k}, sort_keys=True) for n in ok}  # the packages, not the project's own name
    assert len(pins) == 1, "the generated projects pin different npm packages"
    shared = base / "npm"
    shared.mkdir()
    for f in ("package.json", "package-lock.json"):
        shutil.copy(synthesized[ok[0]][0] / f, shared / f)
    for args in (["--offline"], []):  # the npm cache first, the registry if the cache lacks a package
        npm = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", *args], cwd=shared, capture_output=True,
                             text=True, timeout=600)
        if npm.returncode == 0:
            break
    assert npm.returncode == 0, npm.stdout[-2000:] + npm.stderr[-2000:]
    shim = SolcJs().executable("0.8.37")  # no native solc on this machine: forge runs the solc-js shim
    forge = str(foundry_executable("forge"))

    def run(name: str) -> tuple[str, subprocess.CompletedProcess]:
        project = base / f"project-{name}"
        shutil.copytree(synthesized[name][0], project)
        (project / "node_modules").symlink_to(shared / "node_modules")
        return name, subprocess.run([forge, "test", "--use", str(shim), "--offline"], cwd=project,
                                    capture_output=True, text=True, timeout=1200)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(run, ok))


@pytest.mark.timeout(2700)
@pytest.mark.parametrize("name", [s.stem for s in SPECS])
def test_example_project_passes_forge_test(forge_runs, synthesized, name):
    assert synthesized[name][1].returncode == 0, "synthesis failed; see test_example_spec_synthesises"
    run = forge_runs[name]
    text = run.stdout + run.stderr
    assert run.returncode == 0, text[-4000:]
    m = re.search(r"(\d+) tests? passed, (\d+) failed", text)
    assert m and int(m[1]) > 0 and int(m[2]) == 0, text[-3000:]
