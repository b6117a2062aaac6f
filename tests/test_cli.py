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


CRASH = ROOT / "tests" / "fixtures" / "crash"


def test_a_file_that_crashes_slither_is_partial_and_keeps_what_the_rest_found(ouro_env, tmp_path):
    """TupleCallBank04 crashes Slither's IR generation in withdraw: ouro's detectors still report the
    rest, the property engine still finds (and replays) the re-entrancy, and --fail-on counts them."""
    out = tmp_path / "report.json"
    proc = ouro(ouro_env, "verify", str(CRASH / "TupleCallBank04.sol"), "--format", "json", "--output", str(out),
                cwd=ROOT)
    assert proc.returncode == 1, proc.stdout + proc.stderr  # partial, with high findings: findings win
    assert "Traceback" not in proc.stderr and "Failed to generate IR" not in proc.stdout + proc.stderr
    [r] = json.loads(out.read_text())["results"]
    assert r["status"] == "partial" and r["error"] is None
    assert [(c["analyser"], c["exception"], c["scope"]) for c in r["crashes"]] == [
        ("slither", "AssertionError", "TupleCallBank04.withdraw")]
    assert r["notes"][0].startswith("slither crashed on TupleCallBank04.withdraw: AssertionError")
    assert all("\n" not in n for n in r["notes"])
    by = {(f["source"], f["check"], f["function"]): f for f in r["findings"]}
    reent = by[("property", "ouro-reentrancy", "withdraw")]
    assert reent["severity"] == "high" and reent["confirmed"] is True
    assert reent["evidence"]["replay"]["reproduced"] is True
    assert ("ouro-static", "ouro-arithmetic", "transfer") in by
    assert not any(f["check"] == "locked-ether" for f in r["findings"])

    proc = ouro(ouro_env, "verify", str(CRASH / "TupleCallBank04.sol"), "--static-only", cwd=ROOT)
    assert proc.returncode == 1 and "[partial]" in proc.stdout and "note: slither crashed on" in proc.stdout
    assert "partial: an analyser crashed" in proc.stdout


def test_fail_on_and_partial_files(ouro_env):
    """A partial file fails on what it found; with nothing found it is a tool error, never a pass."""
    safe = str(CRASH / "TupleCallSafeBank04.sol")
    proc = ouro(ouro_env, "verify", safe, "--static-only", "--fail-on", "informational", cwd=ROOT)
    assert proc.returncode == 1, proc.stdout  # solc-version (informational) was found
    proc = ouro(ouro_env, "verify", safe, "--static-only", "--format", "json", cwd=ROOT)
    [r] = json.loads(proc.stdout)["results"]
    assert r["status"] == "partial" and {f["severity"] for f in r["findings"]} == {"informational"}
    assert proc.returncode == 2  # --fail-on high: nothing at or above it, but the analysis was partial


def test_nothing_analysed_is_an_error_and_the_engine_alone_is_partial(ouro_env):
    registry = str(CRASH / "FoldedLengthRegistry04.sol")  # Slither cannot parse its only contract
    proc = ouro(ouro_env, "verify", registry, "--static-only", "--format", "json", cwd=ROOT)
    [r] = json.loads(proc.stdout)["results"]
    assert proc.returncode == 2 and r["status"] == "error" and r["findings"] == []
    assert r["error"].startswith("slither crashed on FoldedLengthRegistry04: NotConstant")
    proc = ouro(ouro_env, "verify", registry, "--format", "json", cwd=ROOT)
    [r] = json.loads(proc.stdout)["results"]
    assert r["status"] == "partial" and r["error"] is None, r
    taken = [f for f in r["findings"] if f["check"] == "ouro-access-control" and f["function"] == "setOwner"]
    assert taken and taken[0]["source"] == "property" and taken[0]["confirmed"] is True
    assert proc.returncode == 1


def test_an_engine_that_cannot_run_is_a_note_and_slither_still_reports(ouro_env, fixtures_dir):
    env = dict(ouro_env, OURO_ANVIL=str(ROOT / "no-such-anvil"))
    proc = ouro(env, "verify", str(fixtures_dir / "v04_bank.sol"), "--chain", "anvil", "--format", "json", cwd=ROOT)
    assert proc.returncode == 1, proc.stderr  # Slither's reentrancy-eth (high) stands
    [r] = json.loads(proc.stdout)["results"]
    assert r["status"] == "partial" and "dynamic" not in r
    [crash] = r["crashes"]
    assert crash["analyser"] == "property engine" and crash["exception"] == "ChainError"
    assert r["notes"] == [f"property engine crashed: ChainError: {crash['message']} (at {crash['where']})"]
    assert [f["check"] for f in r["findings"] if f["severity"] == "high"] == ["reentrancy-eth"]


def test_the_engine_crashing_on_one_contract_still_searches_the_others(ouro_env):
    """The engine cannot encode Relay08's function-type parameter: that contract's search crashes,
    Vault08 (same file) is searched and its flaw found, and Slither analysed both."""
    proc = ouro(ouro_env, "verify", str(CRASH / "FunctionTypeParam08.sol"), "--format", "json", cwd=ROOT)
    assert proc.returncode == 1, proc.stderr
    [r] = json.loads(proc.stdout)["results"]
    assert r["status"] == "partial" and r["error"] is None
    [crash] = r["crashes"]
    assert (crash["analyser"], crash["scope"], crash["exception"]) == ("property engine", "Relay08", "EncodingTypeError")
    assert [n for n in r["notes"] if "Relay08" in n and crash["message"] in n and "EncodingTypeError" in n]
    assert list(r["dynamic"]["properties"]) == ["Vault08"]
    owner = [f for f in r["findings"] if f["check"] == "ouro-access-control"]
    assert owner and owner[0]["contract"] == "Vault08" and owner[0]["confirmed"] is True
    assert {f["source"] for f in r["findings"]} >= {"slither", "property"}
