"""`ouro triage`: a verdict in .ouro/triage.json hides the finding from later runs, through edits."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from verify.triage import TriageError, apply_triage, find_root, load_triage, record

VULNERABLE = Path(__file__).resolve().parent / "fixtures" / "vulnerable"
FP = "76125cbab9833878"


def ouro(env, *args, cwd):
    return subprocess.run(["ouro", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300)


def test_a_triaged_finding_stays_hidden_through_edits(ouro_env, tmp_path):
    bank = tmp_path / "ReentrancyBank08.sol"
    shutil.copy(VULNERABLE / "ReentrancyBank08.sol", bank)
    proc = ouro(ouro_env, "verify", bank.name, "--static-only", "--format", "json", "--output", "r.json", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr  # reentrancy-eth is high
    findings = json.loads((tmp_path / "r.json").read_text())["results"][0]["findings"]
    reent = next(f for f in findings if f["check"] == "reentrancy-eth")

    reason = "the only caller is our own vault | see AUDIT.md"
    proc = ouro(ouro_env, "triage", reent["id"], "--status", "false-positive", "--reason", reason,
                "--report", "r.json", "--by", "Ada", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "triaged as false-positive" in proc.stderr
    doc = json.loads((tmp_path / ".ouro" / "triage.json").read_text())
    assert doc["version"] == 1
    t = doc["findings"][reent["id"]]
    assert {k: t[k] for k in ("status", "reason", "check", "contract", "function", "file", "by")} == {
        "status": "false-positive", "reason": reason, "check": "reentrancy-eth", "contract": "ReentrancyBank08",
        "function": "withdraw", "file": "ReentrancyBank08.sol", "by": "Ada"}
    assert t["at"].endswith("Z")

    bank.write_text("// audited\n\n\n" + bank.read_text().replace("uint256 amount = balances[msg.sender];",
                                                                   "uint256 amount =   balances[msg.sender]; // read"))
    proc = ouro(ouro_env, "verify", bank.name, "--static-only", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr  # the only high finding is triaged
    assert "1 triaged finding(s) hidden (--show-triaged shows them)" in proc.stdout
    proc = ouro(ouro_env, "verify", bank.name, "--static-only", "--format", "json", cwd=tmp_path)
    entry = json.loads(proc.stdout)["results"][0]
    assert {f["check"] for f in entry["findings"]} == {f["check"] for f in findings} - {"reentrancy-eth"}
    assert "1 triaged finding(s) hidden (--show-triaged shows them)" in entry["notes"]

    proc = ouro(ouro_env, "verify", bank.name, "--static-only", "--show-triaged", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr  # shown, still not failing the run
    shown = {f["check"]: f for f in json.loads(proc.stdout)["results"][0]["findings"]}
    assert shown["reentrancy-eth"]["id"] == reent["id"] and shown["reentrancy-eth"]["lines"] != reent["lines"]
    assert shown["reentrancy-eth"]["triage"]["status"] == "false-positive"
    assert shown["reentrancy-eth"]["triage"]["reason"] == reason
    assert "triage" not in shown["reentrancy-events"]

    proc = ouro(ouro_env, "verify", bank.name, "--static-only", "--show-triaged", "--format", "sarif", cwd=tmp_path)
    results = json.loads(proc.stdout)["runs"][0]["results"]
    sup = next(r for r in results if r["ruleId"] == "reentrancy-eth")["suppressions"]
    assert sup[0]["kind"] == "external" and sup[0]["justification"] == f"false-positive: {reason}"
    assert all("suppressions" not in r for r in results if r["ruleId"] != "reentrancy-eth")
    plain = ouro(ouro_env, "verify", bank.name, "--static-only", "--format", "sarif", cwd=tmp_path)
    assert "reentrancy-eth" not in {r["ruleId"] for r in json.loads(plain.stdout)["runs"][0]["results"]}

    for fmt in ("md", "html"):
        proc = ouro(ouro_env, "verify", bank.name, "--static-only", "--show-triaged", "--format", fmt, cwd=tmp_path)
        assert "false-positive" in proc.stdout and "the only caller is our own vault" in proc.stdout

    proc = ouro(ouro_env, "triage", "--list", cwd=tmp_path)
    assert reent["id"] in proc.stdout and "reentrancy-eth" in proc.stdout
    proc = ouro(ouro_env, "triage", reent["id"], "--remove", cwd=tmp_path)
    assert proc.returncode == 0 and json.loads((tmp_path / ".ouro" / "triage.json").read_text())["findings"] == {}
    assert ouro(ouro_env, "verify", bank.name, "--static-only", cwd=tmp_path).returncode == 1


def test_bad_requests_and_files_are_clear_errors(ouro_env, tmp_path):
    def fails(*args):
        proc = ouro(ouro_env, *args, cwd=tmp_path)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
        return " ".join(proc.stderr.split())

    assert "--status" in fails("triage", FP, "--status", "wontfix", "--reason", "x")
    assert "is not a finding id: expected 16 hex digits" in fails("triage", "L12-reentrancy", "--status", "fixed",
                                                                 "--reason", "x")
    assert "--reason TEXT is required" in fails("triage", FP, "--status", "fixed")
    (tmp_path / "r.json").write_text(json.dumps({"tool": {"name": "ouro"}, "results": []}))
    assert f"--report r.json: no finding has the id {FP}" in fails("triage", FP, "--status", "fixed", "--reason",
                                                                    "x", "--report", "r.json")
    assert not (tmp_path / ".ouro").exists()  # nothing written

    # a well-formed id not in any report is accepted
    assert ouro(ouro_env, "triage", FP, "--status", "accepted", "--reason", "known", "--by", "me",
                cwd=tmp_path).returncode == 0
    path = tmp_path / ".ouro" / "triage.json"
    path.write_text(path.read_text().replace('"accepted"', '"ignored"'))
    shutil.copy(VULNERABLE / "TxOriginWallet04.sol", tmp_path)
    msg = fails("verify", "TxOriginWallet04.sol", "--static-only")
    assert f"triage file {path}: line 5: findings[\"{FP}\"].status: 'ignored' is not one of" in msg
    path.write_text('{"version": 1, "findings": {\n  "x": 1,\n}')
    assert f"triage file {path}: line 3, column 1: not JSON" in fails("triage", "--list")


def test_the_triage_file_is_at_the_project_root(tmp_path):
    (tmp_path / "repo" / "src" / "deep").mkdir(parents=True)
    (tmp_path / "repo" / "hardhat.config.ts").write_text("")
    assert find_root(tmp_path / "repo" / "src" / "deep") == tmp_path / "repo"
    (tmp_path / "repo" / "src" / ".git").mkdir()
    assert find_root(tmp_path / "repo" / "src" / "deep") == tmp_path / "repo" / "src"
    assert find_root(tmp_path) == tmp_path  # no marker above /tmp: the folder itself


def test_records_are_sorted_replaced_and_validated(tmp_path):
    path = tmp_path / ".ouro" / "triage.json"
    record(path, "ffffffffffffffff", "fixed", "patched in v2", by="b")
    record(path, "0000000000000000", "accepted", "by design", by="a", finding={"check": "tx-origin"})
    record(path, "ffffffffffffffff", "false-positive", "  not reachable ", by="c")
    text = path.read_text()
    assert text.index("0000000000000000") < text.index("ffffffffffffffff") and text.endswith("}\n")
    got = load_triage(path)
    assert got["ffffffffffffffff"]["status"] == "false-positive" and got["ffffffffffffffff"]["reason"] == "not reachable"
    assert got["0000000000000000"]["check"] == "tx-origin"
    with pytest.raises(TriageError, match="status 'open' is not one of"):
        record(path, "0000000000000000", "open", "x", by="a")
    with pytest.raises(TriageError, match="not a finding id"):
        record(path, "XYZ", "fixed", "x", by="a")

    results = [{"file": "a.sol", "findings": [{"id": "0000000000000000"}, {"id": "1111111111111111"}], "notes": []}]
    hidden, n = apply_triage(results, got)
    assert n == 1 and hidden[0]["findings"] == [{"id": "1111111111111111"}]
    assert hidden[0]["notes"] == ["1 triaged finding(s) hidden (--show-triaged shows them)"]
    shown, n = apply_triage(results, got, show=True)
    assert n == 1 and shown[0]["findings"][0]["triage"]["reason"] == "by design" and shown[0]["notes"] == []
    assert results[0]["findings"][0] == {"id": "0000000000000000"}  # the input is not modified

    path.write_text('{"version": 1, "findings": {\n  "0000000000000000": {\n    "status": "fixed",\n'
                    '    "reason": ""\n  }\n}}\n')
    with pytest.raises(TriageError, match=r'line 4: findings\["0000000000000000"\]\.reason: a reason'):
        load_triage(path)
    path.write_text('{"findings": {"nothex": {"status": "fixed", "reason": "x"}}}')
    with pytest.raises(TriageError, match=r'line 1: findings\["nothex"\]: the key is not a finding fingerprint'):
        load_triage(path)
