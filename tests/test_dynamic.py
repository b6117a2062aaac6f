"""The property engine on real contracts: in-process search, shrinking, Anvil replay, evidence."""

import json
import subprocess
import time
from pathlib import Path

import psutil
import pytest

from verify.dynamic.engine import DynamicOptions, run_dynamic
from verify.pipeline import VerifyOptions, verify_file

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="module")
def bank_result(compiler):
    return verify_file(FIX / "solidity" / "v04_bank.sol", compiler, VerifyOptions(seed=0))


def test_reentrancy_confirmed_with_a_shrunk_replayed_sequence(bank_result):
    (f,) = [f for f in bank_result["findings"] if f["check"] == "reentrancy-eth"]
    assert f["confirmed"] is True and f["lines"] == [13, 14]
    ev = f["evidence"]
    assert ev["property"] == "ouro-reentrancy" and ev["engine"] == "revm"
    assert 1 <= len(ev["steps"]) <= 4  # shrunk: deposit, (maybe a victim), re-entrant withdraw
    assert any(s.get("reenter") for s in ev["steps"])
    replay = ev["replay"]
    assert replay["chain"] == "anvil" and replay["reproduced"] is True
    assert len(replay["tx_hashes"]) == len(ev["steps"]) and all(h.startswith("0x") for h in replay["tx_hashes"])
    team_before = int(replay["balances_before"]["attacker_contract"]) + int(replay["balances_before"]["attacker"])
    team_after = int(replay["balances_after"]["attacker_contract"]) + int(replay["balances_after"]["attacker"])
    assert team_after > team_before  # the attacker really drained funds on a real node


def test_same_seed_same_counterexample(compiler):
    res = compiler.compile_file(FIX / "solidity" / "v04_bank.sol")
    runs = [run_dynamic(res, DynamicOptions(seed=7, replay=False)) for _ in range(2)]
    steps = [[f.evidence["steps"] for f in r.findings] for r in runs]
    assert steps[0] and steps[0] == steps[1]


def test_properties_that_ran_clean_refute_nothing_on_a_safe_token(compiler):
    res = verify_file(ROOT / "examples" / "contracts" / "SafeToken.sol", compiler, VerifyOptions())
    assert res["status"] == "ok"
    assert [f for f in res["findings"] if f["severity"] in ("high", "medium")] == []
    assert "ouro-erc20" in res["dynamic"]["properties"]["SafeToken"]


def test_replay_cli_and_brownie_export(bank_result, tmp_path, ouro_env):
    report = tmp_path / "report.json"
    report.write_text(json.dumps({"results": [bank_result]}))
    test_file = tmp_path / "test_exploit.py"
    proc = subprocess.run(["ouro", "replay", str(report), "--brownie-test", str(test_file)], env=ouro_env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stdout + proc.stderr  # reproduced
    assert "reproduced" in proc.stdout and "re-enters withdraw" in proc.stdout
    text = test_file.read_text()
    compile(text, str(test_file), "exec")  # valid Python
    assert "def test_ouro_reentrancy_does_not_hold_on_bank04" in text


def test_replay_rejects_garbage(tmp_path, ouro_env):
    bad = tmp_path / "e.json"
    bad.write_text('{"results": []}')
    proc = subprocess.run(["ouro", "replay", str(bad)], env=ouro_env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "no counterexample" in proc.stderr and "Traceback" not in proc.stderr


def test_unknown_constructor_arguments_keep_static_results(compiler):
    res = verify_file(FIX / "dynamic" / "NeedsToken.sol", compiler, VerifyOptions(max_examples=20))
    assert res["status"] == "ok"
    assert any("NeedsToken" in n and "constructor" in n and "--constructor-args" in n for n in res["notes"])
    assert any(f["check"] == "arbitrary-send-eth" for f in res["findings"])  # Slither still ran


def test_chain_that_dies_mid_run_is_restarted_and_the_run_completes(tmp_path, ouro_env):
    out = tmp_path / "r.json"
    proc = subprocess.Popen(
        ["ouro", "verify", str(FIX / "solidity" / "v04_bank.sol"), "--chain", "anvil", "--max-examples", "12",
         "--steps", "5", "--format", "json", "--output", str(out)],
        env=ouro_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    me = psutil.Process(proc.pid)
    killed = None
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and killed is None and proc.poll() is None:
        for child in me.children(recursive=True):
            try:
                if child.name() == "anvil" and time.time() - child.create_time() > 2.0:
                    child.kill()
                    killed = child.pid
                    break
            except psutil.NoSuchProcess:
                pass
        time.sleep(0.2)
    stdout, stderr = proc.communicate(timeout=600)
    assert killed is not None, "anvil was never seen running"
    result = json.loads(out.read_text())["results"][0]
    assert result["status"] == "ok", stderr
    assert any("died during the search; restarted" in n for n in result["notes"]), result["notes"]
    assert result["dynamic"]["properties"]["Bank04"]  # the search completed after the restart
