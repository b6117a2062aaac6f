"""`ouro synth --framework`: the Foundry project written beside (or instead of) the brownie one
builds and passes `forge test` with one test per scenario and per invariant, its npm lockfile
installs the pinned packages, and the invariant tests fail when an invariant is false. Real
tools: the npm cache, forge (through the solc-js shim: no native solc here), Anvil and brownie."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from chains import AnvilChain
from chains.anvil import foundry_executable
from chains.brownie_network import NETWORK_ID
from verify.compile import SolcJs, install_into_solcx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SOLC = "0.8.37"

STAKING_ERC20 = """kind: staking
name: TokenStakingPool
description: "Stake an ERC-20, earn another one."
access: ownable
options: {pausable: true, erc20_stake: true, erc20_rewards: true}
parameters:
  duration: 7 days
  reward_amount: 14 ether
  stake_token: "0x1111111111111111111111111111111111111111"
  reward_token: "0x2222222222222222222222222222222222222222"
"""


def _staking_has_erc20_stake() -> bool:
    from synth.kinds import get_kind

    return "erc20_stake" in get_kind("staking").Options.model_fields


def _synth(spec: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    return subprocess.run([str(BIN / "ouro"), "synth", str(spec), "--out", str(out), "--max-examples", "30",
                           "--no-replay", *extra], env=env, capture_output=True, text=True, timeout=900)


def _npm_ci(project: Path) -> None:
    """`npm ci` from the npm cache; from the registry if the cache lacks a package."""
    for args in (["--offline"], []):
        proc = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", *args], cwd=project, capture_output=True,
                              text=True, timeout=300)
        if proc.returncode == 0:
            return
    raise AssertionError(proc.stdout[-2000:] + proc.stderr[-2000:])


def _forge(project: Path, *args: str) -> subprocess.CompletedProcess:
    shim = SolcJs().executable(SOLC)  # no native solc on this machine: forge runs the solc-js shim
    return subprocess.run([str(foundry_executable("forge")), *args, "--use", str(shim), "--offline"], cwd=project,
                          capture_output=True, text=True, timeout=600)


def _summary(out: str) -> tuple[int, int, int]:
    m = re.search(r"(\d+) tests? passed, (\d+) failed, (\d+) skipped", out)
    assert m, out[-3000:]
    return int(m[1]), int(m[2]), int(m[3])


def _expected_tests(project: Path) -> int:
    syn = json.loads((project / "reports" / "verification.json").read_text())["synthesis"]
    return len(syn["scenarios"]) + len(syn["invariants"])


def _brownie_test(project: Path) -> subprocess.CompletedProcess:
    """`brownie test` on a fresh Anvil of ours, with a private HOME and solc folder."""
    with tempfile.TemporaryDirectory(prefix="ouro-brownie-") as base:
        home, solcx = Path(base) / "home", Path(base) / "solcx"
        home.mkdir()
        install_into_solcx(SOLC, solcx)
        env = dict(os.environ, HOME=str(home), SOLCX_BINARY_PATH=str(solcx),
                   PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
        with AnvilChain() as chain:
            reg = subprocess.run([str(BIN / "ouro"), "chains", "brownie-network", "--port", str(chain.port)],
                                 env=env, capture_output=True, text=True, timeout=300)
            assert reg.returncode == 0, reg.stdout + reg.stderr
            return subprocess.run([str(BIN / "brownie"), "test", "--network", NETWORK_ID], cwd=project, env=env,
                                  capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def projects(tmp_path_factory):
    base = tmp_path_factory.mktemp("foundry")
    (base / "staking_erc20.yaml").write_text(STAKING_ERC20)
    jobs = {"erc20": (ROOT / "examples" / "specs" / "erc20.yaml", ()),
            "escrow": (ROOT / "examples" / "specs" / "escrow.yaml", ("--framework", "foundry"))}
    if _staking_has_erc20_stake():
        jobs["staking"] = (base / "staking_erc20.yaml", ())

    def run(item):
        name, (spec, extra) = item
        out = base / name
        proc = _synth(spec, out, *extra)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
        return name, out

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(run, jobs.items()))


def test_both_frameworks_share_the_contracts_and_pin_the_packages(projects):
    out = projects["erc20"]
    for rel in ("contracts/GovToken.sol", "brownie-config.yaml", "tests/conftest.py", "scripts/deploy.py",
                "foundry.toml", "remappings.txt", "package.json", "package-lock.json", "test/GovToken.t.sol",
                "test/utils/OuroWorld.sol", "test/utils/Vm.sol", "script/Deploy.s.sol", "reports/verification.json",
                "reports/verification.md", "spec.yaml", "README.md"):
        assert (out / rel).is_file(), rel
    assert not (out / "src").exists()  # contracts/ is Foundry's src too: no source is duplicated
    toml = (out / "foundry.toml").read_text()
    assert 'src = "contracts"' in toml and 'solc = "0.8.37"' in toml and 'evm_version = "cancun"' in toml
    assert 'libs = ["node_modules"]' in toml and "auto_detect_solc = false" in toml
    assert "@openzeppelin/=node_modules/@openzeppelin/" in (out / "remappings.txt").read_text()
    assert json.loads((out / ".ouro-synth").read_text())["framework"] == "both"
    repo_pkg = json.loads((ROOT / "package.json").read_text())["dependencies"]
    repo_lock = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    pkg = json.loads((out / "package.json").read_text())["devDependencies"]
    assert pkg == {"@openzeppelin/contracts": repo_pkg["@openzeppelin/contracts"], "forge-std": "1.1.2"}
    lock = json.loads((out / "package-lock.json").read_text())["packages"]
    for name, version in pkg.items():
        entry = lock[f"node_modules/{name}"]
        assert entry["version"] == version and entry["integrity"] == repo_lock[f"node_modules/{name}"]["integrity"]
    assert "forge test" in (out / "README.md").read_text()


def test_forge_build_and_test_pass_with_a_test_per_scenario_and_invariant(projects):
    out = projects["erc20"]
    _npm_ci(out)
    assert (out / "node_modules" / "forge-std" / "Vm.sol").is_file()
    assert (out / "node_modules" / "@openzeppelin" / "contracts" / "package.json").is_file()
    build = _forge(out, "build")
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    run = _forge(out, "test")
    text = run.stdout + run.stderr
    assert run.returncode == 0, text[-4000:]
    assert _summary(text) == (_expected_tests(out), 0, 0)
    assert "invariant_spec_0()" in text and "test_premint_to_admin()" in text


def test_foundry_only_project_uses_src(projects):
    out = projects["escrow"]
    assert (out / "src" / "Escrow.sol").is_file() or any((out / "src").glob("*.sol"))
    assert not (out / "contracts").exists() and not (out / "tests").exists() and not (out / "brownie-config.yaml").exists()
    assert 'src = "src"' in (out / "foundry.toml").read_text()
    doc = json.loads((out / "reports" / "verification.json").read_text())
    assert doc["results"][0]["file"].startswith(str(out / "src"))
    _npm_ci(out)
    run = _forge(out, "test")
    text = run.stdout + run.stderr
    assert run.returncode == 0, text[-4000:]
    assert _summary(text) == (_expected_tests(out), 0, 0)


@pytest.mark.skipif(not _staking_has_erc20_stake(), reason="the staking kind has no erc20_stake option yet")
def test_token_ref_project_deploys_mocks_in_both_frameworks(projects):
    out = projects["staking"]
    assert (out / "contracts" / "mocks" / "OuroToken.sol").is_file()
    world = (out / "test" / "utils" / "OuroWorld.sol").read_text()
    assert "new OuroToken(_actors(), 1000000000000000000000000)" in world
    assert "_fundERC20(address(m_stake_token), address(c_TokenStakingPool));" in world
    script = (out / "script" / "Deploy.s.sol").read_text()
    assert "0x1111111111111111111111111111111111111111" in script and "OuroToken" not in script
    assert "W['stake_token'] = Given('0x1111111111111111111111111111111111111111')" in \
        (out / "scripts" / "deploy.py").read_text()
    _npm_ci(out)
    run = _forge(out, "test")
    text = run.stdout + run.stderr
    assert run.returncode == 0, text[-4000:]
    assert _summary(text) == (_expected_tests(out), 0, 0)
    brownie = _brownie_test(out)
    btext = brownie.stdout + brownie.stderr
    assert brownie.returncode == 0, btext[-4000:]
    assert " passed" in btext and " failed" not in btext
    # the deploy script deploys the real contract against the tokens the spec gives, on a chain
    with AnvilChain() as chain:
        accounts = chain.accounts
        env = dict(os.environ, ALICE=accounts[1], BOB=accounts[2], ATTACKER=accounts[3])
        shim = SolcJs().executable(SOLC)
        deploy = subprocess.run([str(foundry_executable("forge")), "script", "script/Deploy.s.sol", "--rpc-url",
                                 f"http://127.0.0.1:{chain.port}", "--private-key", chain.private_keys[0],
                                 "--broadcast", "--use", str(shim), "--offline"], cwd=out, env=env,
                                capture_output=True, text=True, timeout=600)
        assert deploy.returncode == 0, deploy.stdout[-3000:] + deploy.stderr[-3000:]
        runs = list((out / "broadcast" / "Deploy.s.sol").glob("*/run-latest.json"))
        made = [t for t in json.loads(runs[0].read_text())["transactions"] if t["transactionType"] == "CREATE"]
        assert [t["contractName"] for t in made] == ["TokenStakingPool"]
        pool = made[0]["contractAddress"]
        got = chain.rpc("eth_call", [{"to": pool, "data": "0x51ed6a30"}, "latest"])  # stakeToken()
        assert got[-40:] == "1111111111111111111111111111111111111111"
        owner = chain.rpc("eth_call", [{"to": pool, "data": "0x8da5cb5b"}, "latest"])  # owner()
        assert owner[-40:].lower() == accounts[0][2:].lower()


def test_invariant_tests_fail_when_an_invariant_is_false(projects, tmp_path):
    """The same contract with a false invariant and an only(...) invariant others break: forge
    test fails exactly those; a hostile scenario description stays a comment."""
    from synth.project import write_project_model
    from synth.project_model import ProjectContract, ProjectModel
    from synth.scenarios import ExpectView, Scenario

    src = projects["erc20"]
    if not (src / "out" / "GovToken.sol" / "GovToken.json").is_file():
        _npm_ci(src)
        assert _forge(src, "build").returncode == 0
    abi = json.loads((src / "out" / "GovToken.sol" / "GovToken.json").read_text())["abi"]
    hostile = 'x */ function kill() public {} /* "); revert(); //\n// @custom:evil'
    contract = ProjectContract(
        name="GovToken", source=(src / "contracts" / "GovToken.sol").read_text(), abi=abi,
        constructor_args=["@deployer"],
        scenarios=[Scenario("symbol_is_gov", hostile, [ExpectView("symbol()", [], "GOV")])],
        invariants=["totalSupply() == 0", "only(alice) changes totalSupply", "totalSupply() <= cap()"])
    out = tmp_path / "broken"
    write_project_model(out, ProjectModel("Broken", [contract]), {"synthesis": {}}, "", "", "both")
    for sub in ("node_modules", "cache", "out"):  # the same contracts at the same paths: only the tests compile
        shutil.copytree(src / sub, out / sub, symlinks=True)
    test = (out / "test" / "GovToken.t.sol").read_text()
    assert "function kill" not in test.replace("/// x * / function kill", "")
    run = _forge(out, "test")
    text = run.stdout + run.stderr
    assert run.returncode != 0
    assert _summary(text) == (2, 2, 0), text[-4000:]
    failing = text.split("Failing tests:")[1]
    assert "invariant_spec_0()" in failing and "invariant_spec_1()" in failing
    assert "invariant_spec_2()" not in failing and "test_symbol_is_gov()" not in failing


def test_system_invariants_with_qualified_calls_become_invariant_tests(projects, tmp_path):
    """A project model with cross-contract invariants (``Token.fn(...)``, a contract name as its
    address) gets test/OuroSystem.t.sol, one invariant test each, and the brownie system test."""
    from synth.project import write_project_model
    from synth.project_model import ProjectContract, ProjectMock, ProjectModel
    from synth.spec import parse_invariant

    src = projects["erc20"]
    if not (src / "out" / "GovToken.sol" / "GovToken.json").is_file():
        _npm_ci(src)
        assert _forge(src, "build").returncode == 0
    abi = json.loads((src / "out" / "GovToken.sol" / "GovToken.json").read_text())["abi"]
    system = ["GovToken.totalSupply() <= GovToken.cap()", "GovToken.balanceOf(GovToken) <= GovToken.totalSupply()",
              "GovToken.totalSupply() == 0"]
    assert getattr(parse_invariant(system[0]).left, "on", None) == "GovToken"
    contract = ProjectContract(name="GovToken", source=(src / "contracts" / "GovToken.sol").read_text(), abi=abi,
                               constructor_args=["@deployer"])
    out = tmp_path / "system"
    mock = ProjectMock("asset", "OuroToken", "erc20", None)  # given by no address: the deploy script refuses
    write_project_model(out, ProjectModel("Sys", [contract], [mock], system_invariants=system), {}, "", "", "both")
    brownie = (out / "tests" / "test_system_invariants.py").read_text()
    assert "W['GovToken'].balanceOf(W['GovToken'].address)" in brownie
    for sub in ("node_modules", "cache", "out"):
        shutil.copytree(src / sub, out / sub, symlinks=True)
    run = _forge(out, "test", "--match-path", "test/OuroSystem.t.sol")
    text = run.stdout + run.stderr
    assert _summary(text) == (2, 1, 0), text[-4000:]
    assert "invariant_system_2()" in text.split("Failing tests:")[1]
    script = _forge(out, "script", "script/Deploy.s.sol")  # a local simulation: no chain needed
    assert script.returncode != 0
    assert "asset: no token address in the spec" in script.stdout + script.stderr
    deploy_py = (out / "scripts" / "deploy.py").read_text()
    assert "raise SystemExit(" in deploy_py and "asset: the spec gives no address" in deploy_py
