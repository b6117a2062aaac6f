"""The `ouro` console script as a user runs it."""

import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def ouro(env, *args, cwd=None):
    return subprocess.run(["ouro", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=600)


def test_doctor_reports_every_component(ouro_env):
    proc = ouro(ouro_env, "doctor", "--json")
    assert proc.returncode == 0, proc.stdout
    checks = {c["component"]: c for c in json.loads(proc.stdout)}
    for name in ("node", "npm: solc", "npm: @openzeppelin/contracts", "anvil", "ganache",
                 "solc backend: solc-js", "solc backend: native", "python: slither-analyzer", "python: web3"):
        assert name in checks, name
        assert checks[name]["ok"], checks[name]
    assert "0.4.24" in checks["solc backend: solc-js"]["detail"]


def test_doctor_says_how_to_fix_a_missing_toolchain(ouro_env, tmp_path):
    env = dict(ouro_env, OURO_NODE_MODULES=str(tmp_path / "nowhere"))
    proc = ouro(env, "doctor", "--json", cwd=tmp_path)
    assert proc.returncode == 1
    checks = {c["component"]: c for c in json.loads(proc.stdout)}
    for name in ("npm: solc", "anvil", "npm: @openzeppelin/contracts"):
        assert not checks[name]["ok"] and checks[name]["fix"] == "npm ci (or make setup)"
    assert "Traceback" not in proc.stderr


def test_verify_json_follows_the_findings_contract(ouro_env, tmp_path):
    out = tmp_path / "report.json"
    proc = ouro(ouro_env, "verify", "examples/contracts/EtherBank.sol", "tests/fixtures/solidity/bad_syntax.sol",
                "--format", "json", "--output", str(out), cwd=ROOT)
    assert proc.returncode == 2  # one file could not be compiled: tool error wins
    report = json.loads(out.read_text())
    assert report["tool"]["name"] == "ouro"
    bank, bad = report["results"]
    assert bank["status"] == "ok" and bank["compiler"].startswith("solc 0.4.24")
    reent = [f for f in bank["findings"] if f["check"] == "reentrancy-eth"]
    assert len(reent) == 1
    f = reent[0]
    assert (f["category"], f["severity"], f["source"], f["contract"], f["function"], f["lines"]) == (
        "reentrancy", "high", "slither", "EtherBank", "withdraw", [14, 15])
    assert f["confirmed"] is True and len(f["id"]) == 16  # the property engine reproduced it
    assert f["evidence"]["replay"]["reproduced"] is True
    assert bad["status"] == "compile-error" and "bad_syntax.sol:7:9: ParserError" in bad["error"]
    assert not list(tmp_path.glob("*.part"))


def test_verify_clean_contract_exits_zero(ouro_env):
    proc = ouro(ouro_env, "verify", "examples/contracts/SafeToken.sol", cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "SafeToken.sol  [ok]  solc 0.8.37" in proc.stdout


def test_compilers_commands(ouro_env, fixtures_dir):
    proc = ouro(ouro_env, "compilers", "resolve", str(fixtures_dir / "v05_wallet.sol"), str(fixtures_dir / "bad_pragma.sol"))
    assert proc.returncode == 2
    assert "v05_wallet.sol: 0.5.17" in proc.stdout and "^0.9.0" in proc.stderr
    proc = ouro(ouro_env, "compilers", "install", "0.9.99")
    assert proc.returncode == 2 and "unknown solc release(s): 0.9.99" in proc.stderr and "0.8.0-0.8.37" in proc.stderr
    proc = ouro(ouro_env, "compilers", "path", "0.7.6")
    assert proc.returncode == 0
    shim = proc.stdout.strip()
    assert subprocess.run([shim, "--version"], capture_output=True, text=True).stdout.count("0.7.6+commit") == 1
    proc = ouro(ouro_env, "compilers", "list")
    assert "solc-js (priority 10):" in proc.stdout and "installable: 0.4.1-0.4.26" in proc.stdout
