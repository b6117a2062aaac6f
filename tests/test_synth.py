"""`ouro synth` end to end: real solc, Slither, the property engine, Anvil and brownie."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _synth(args, ouro_env, cwd=None, timeout=600):
    return subprocess.run([str(BIN / "ouro"), "synth", *map(str, args)], env=ouro_env, cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def erc20_project(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth") / "GovToken"
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    proc = _synth([ROOT / "examples" / "specs" / "erc20.yaml", "--out", out], env)
    return out, proc


def test_example_spec_passes_and_writes_a_project(erc20_project):
    out, proc = erc20_project
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "PASSED" in proc.stdout
    for rel in ("contracts/GovToken.sol", "brownie-config.yaml", "scripts/deploy.py", "tests/conftest.py",
                "tests/test_govtoken_scenarios.py", "tests/test_govtoken_properties.py",
                "reports/verification.json", "reports/verification.md", "spec.yaml"):
        assert (out / rel).is_file(), rel
    doc = json.loads((out / "reports" / "verification.json").read_text())
    syn = doc["synthesis"]
    assert syn["passed"] and syn["blocking_findings"] == 0
    assert {s["name"] for s in syn["scenarios"]} >= {"premint_to_admin", "only_minter_mints", "pause_stops_transfers"}
    assert all(s["passed"] for s in syn["scenarios"])
    assert "totalSupply() <= cap()" in [i["text"] for i in syn["invariants"]]
    result = doc["results"][0]
    assert result["status"] == "ok" and result["file"] == str(out / "contracts" / "GovToken.sol")
    assert "spec-invariant-0" in result["dynamic"]["properties"]["GovToken"]
    assert all(f["severity"] in ("low", "informational") for f in result["findings"])
    src = (out / "contracts" / "GovToken.sol").read_text()
    assert "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol" in src and "onlyRole(MINTER_ROLE)" in src


def test_violated_invariant_reports_a_shrunk_counterexample(tmp_path, ouro_env):
    spec = tmp_path / "uncapped.yaml"
    # mintable without a cap: the owner can mint past any bound the spec states
    spec.write_text("kind: erc20\nname: Uncapped\noptions: {mintable: true}\nparameters: {cap: 1000001}\n"
                    "invariants:\n  - totalSupply() <= cap * 1 ether\n")
    out = tmp_path / "out"
    proc = _synth([spec, "--out", out], ouro_env)
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert not (out / "contracts").exists()  # nothing but the report is written
    doc = json.loads((out / "report.json").read_text())
    assert doc["synthesis"]["passed"] is False
    check = next(i["id"] for i in doc["synthesis"]["invariants"] if i["text"] == "totalSupply() <= cap * 1 ether")
    finding = next(f for f in doc["results"][0]["findings"] if f["check"] == check)
    ev = finding["evidence"]
    assert finding["confirmed"] is True and finding["function"] == "mint"
    last = ev["steps"][-1]
    assert len(ev["steps"]) <= 2 and last["actor"] == "deployer" and last["function"].startswith("mint(")
    assert int(last["args"][1]) > 10**18  # premint 1M tokens + more than 1 token crosses the cap
    assert ev["replay"]["reproduced"] is True and len(ev["replay"]["tx_hashes"]) == len(ev["steps"])
    assert "FAILED" in proc.stdout and (out / "report.md").is_file()


@pytest.mark.parametrize("spec_text, out_name, message", [
    ('kind: erc20\nname: "X */ function kill() public {} /*"\n', "o1", "name: must be a Solidity identifier"),
    ("kind: erc20\nname: Tok\n", "../escape", "contains '..'"),
    ("kind: vault9\nname: Tok\n", "o3", "unknown kind 'vault9'"),
    ("kind: erc20\nname: Tok\ninvariants:\n  - totalSuply() > 0\n", "o4",
     ":4: invariants.0: `totalSuply() > 0`: the contract has no view function totalSuply(); "
     "did you mean 'totalSupply'?"),
])
def test_bad_input_is_a_clear_error_and_writes_nothing(tmp_path, ouro_env, spec_text, out_name, message):
    work = tmp_path / "work"
    work.mkdir()
    (work / "spec.yaml").write_text(spec_text)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    proc = _synth(["spec.yaml", "--out", out_name], ouro_env, cwd=work)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_hostile_texts_compile_into_inert_strings_and_comments(tmp_path, ouro_env):
    spec = tmp_path / "hostile.yaml"
    spec.write_text('kind: erc20\nname: Hostile\ndescription: "*/ function kill() public { selfdestruct(payable('
                    'msg.sender)); } /*"\nparameters:\n  token_name: "H\\"); } function kill() public { } //"\n'
                    '  symbol: HST\n')
    out = tmp_path / "out"
    proc = _synth([spec, "--out", out, "--max-examples", "10"], ouro_env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    from verify.compile import Compiler

    c = Compiler(install=False).compile_file(out / "contracts" / "Hostile.sol").contract("Hostile")
    assert not any(item.get("name") == "kill" for item in c.abi)
    assert "selfdestruct" not in c.abi.__repr__()


@pytest.mark.parametrize("mode", ["uups", "transparent"])
def test_upgradeable_token_is_verified_behind_its_proxy(tmp_path, ouro_env, mode):
    spec = tmp_path / "up.yaml"
    spec.write_text(f"kind: erc20\nname: UpToken\nupgradeability: {mode}\naccess: ownable\n"
                    "options: {mintable: true, pausable: true}\n")
    out = tmp_path / "out"
    proc = _synth([spec, "--out", out, "--max-examples", "30"], ouro_env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    doc = json.loads((out / "reports" / "verification.json").read_text())
    # scenarios ran against the proxy: the premint and owner-only mint work through initialize()
    assert all(s["passed"] for s in doc["synthesis"]["scenarios"])
    assert list(doc["results"][0]["dynamic"]["properties"]) == ["UpToken"]  # the proxy is not fuzzed alone
    src = (out / "contracts" / "UpToken.sol").read_text()
    assert "_disableInitializers();" in src and "contract UpTokenProxy is" in src
    assert ("_authorizeUpgrade" in src) == (mode == "uups")
    assert "UpTokenProxy.deploy(implementation" in (out / "tests" / "conftest.py").read_text()
