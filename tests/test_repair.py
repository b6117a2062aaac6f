"""`ouro repair` on the real compiler, Slither and property engine: a sample of the vulnerable
fixtures is repaired with evidence (the exploit's counterexample no longer reproduces, honest
sequences behave the same, no new finding), the patched text compiles and verifies clean under
another seed; bad model output is a failed attempt, never a crash; CLI exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from synth.models import ScriptedModel
from synth.repair import RepairOptions, repair_file
from synth.repair.diff import apply_unified_diff, unified_diff
from synth.repair.engine import targets
from verify.pipeline import VerifyOptions, verify_file

FIX = Path(__file__).resolve().parent / "fixtures"
VULN = FIX / "vulnerable"

SAMPLE = ["ReentrancyBank08", "ReentrancyBank04", "TxOriginWallet04", "UncheckedSend04", "OpenKill07",
          "UnderflowToken04"]


def _accepted(rep):
    return [a for r in rep["rounds"] for a in r["attempts"] if a["status"] == "accepted"]


@pytest.mark.parametrize("name", SAMPLE)
def test_fixture_is_repaired_with_evidence(compiler, tmp_path, name):
    rep = repair_file(VULN / f"{name}.sol", compiler, RepairOptions())
    attempts = [(a["source"], a["status"], a.get("reason")) for r in rep["rounds"] for a in r["attempts"]]
    assert rep["status"] == "repaired", (rep["error"], attempts, rep["remaining"])
    accepted = _accepted(rep)
    assert accepted and all(a["source"].startswith("patcher:") for a in accepted)
    replayed = 0
    for a in accepted:
        ev = a["evidence"]
        assert ev["resolved"] and ev["new"] == []
        assert a["diff"].startswith("--- a/")
        for d in ev["differential"]:
            assert d["mismatch"] is None and d["error"] is None, d
            assert d["sequences"] >= 10 and d["steps"] > d["sequences"]
        for x in ev["exploits"]:
            if x["property"]:  # a counterexample the engine found: it worked before, not after
                assert x["before"]["reproduced"] is True, x
                assert x["after"]["reproduced"] is False, x
                replayed += 1
    assert replayed >= 1
    assert rep["diff"] and rep["patched"]

    # the patched contract compiles and a fresh verification (another seed) finds nothing to repair
    out = tmp_path / f"{name}.sol"
    out.write_text(rep["patched"])
    assert compiler.compile_file(out).contract(name).bytecode
    again = verify_file(out, compiler, VerifyOptions(seed=7, replay=False))
    assert again["status"] == "ok", again["error"]
    assert targets(again["findings"]) == [], [(f["check"], f["function"]) for f in targets(again["findings"])]


BAD_DIFF = """```diff
--- a/TxOriginWallet04.sol
+++ b/TxOriginWallet04.sol
@@ -17,2 +17,2 @@
-        require(owner == owner && somethingElse);
+        require(msg.sender == owner);
         to.transfer(amount);
```"""

INVALID_SOLIDITY = """--- a/TxOriginWallet04.sol
+++ b/TxOriginWallet04.sol
@@ -16,4 +16,4 @@
     function transferTo(address to, uint256 amount) public {
-        require(tx.origin == owner);
+        require(msg.sender == owner) this is not solidity;
         to.transfer(amount);
     }
"""


def test_bad_model_output_is_a_failed_attempt(compiler):
    model = ScriptedModel(["Sure! Just use msg.sender instead of tx.origin.", BAD_DIFF, INVALID_SOLIDITY])
    rep = repair_file(VULN / "TxOriginWallet04.sol", compiler, RepairOptions(model=model, patchers=False))
    attempts = [a for r in rep["rounds"] for a in r["attempts"]]
    assert [a["source"] for a in attempts] == ["model"] * 3
    assert attempts[0]["status"] == "failed" and "no unified diff" in attempts[0]["reason"]
    assert attempts[1]["status"] == "failed" and "does not match" in attempts[1]["reason"]
    assert attempts[2]["status"] == "rejected" and "does not compile" in attempts[2]["reason"]
    assert rep["status"] == "not-repaired" and rep["patched"] is None and rep["accepted"] == []
    # the prompt carried the finding and its evidence
    prompt = model.calls[0][-1]["content"]
    assert "tx-origin" in prompt and "ouro-tx-origin" in prompt and "transferTo" in prompt
    # later rounds tell the model why the previous candidate was refused
    assert "previous patch was rejected" in model.calls[2][-1]["content"]


def test_model_diff_is_accepted_on_evidence(compiler):
    src = (VULN / "TxOriginWallet04.sol").read_text()
    fixed = src.replace("require(tx.origin == owner);", "require(msg.sender == owner);")
    diff = unified_diff(src, fixed, "TxOriginWallet04.sol")
    assert apply_unified_diff(src, diff) == fixed
    model = ScriptedModel([f"Here is the patch:\n```diff\n{diff}```\n"])
    rep = repair_file(VULN / "TxOriginWallet04.sol", compiler, RepairOptions(model=model, patchers=False))
    assert rep["status"] == "repaired", [(a["source"], a.get("reason")) for r in rep["rounds"] for a in r["attempts"]]
    [a] = _accepted(rep)
    assert a["source"] == "model"
    assert any(x["property"] == "ouro-tx-origin" and x["after"]["reproduced"] is False for x in a["evidence"]["exploits"])
    assert rep["patched"] == fixed


# ------------------------------------------------------------------------------------------ CLI
def _cli(*args):
    from synth.cli import main

    return CliRunner().invoke(main, ["repair", *map(str, args)])


def test_cli_bad_input_exit_2(tmp_path):
    r = _cli(tmp_path / "missing.sol")
    assert r.exit_code == 2 and "no such file" in r.output and "Traceback" not in r.output
    txt = tmp_path / "notes.txt"
    txt.write_text("hello")
    r = _cli(txt)
    assert r.exit_code == 2 and "not a Solidity file" in r.output
    fake = tmp_path / "fake.sol"
    fake.write_text("just some words\n")
    r = _cli(fake)
    assert r.exit_code == 2 and "not Solidity" in r.output
    broken = tmp_path / "Broken.sol"
    broken.write_text("pragma solidity 0.8.20;\ncontract Broken { function f( }\n")
    r = _cli(broken)
    assert r.exit_code == 2 and "Traceback" not in r.output
    vuln = tmp_path / "TxOriginWallet04.sol"
    shutil.copy(VULN / "TxOriginWallet04.sol", vuln)
    r = _cli(vuln, "--out", vuln)
    assert r.exit_code == 2 and "--in-place" in r.output


def test_cli_nothing_to_repair_exit_0(tmp_path):
    safe = tmp_path / "TxOriginWallet04.sol"
    shutil.copy(FIX / "safe" / "TxOriginWallet04.sol", safe)
    r = _cli(safe)
    assert r.exit_code == 0, r.output
    assert "no findings to repair" in r.output
    assert not (tmp_path / "TxOriginWallet04.repaired.sol").exists()


def test_cli_repairs_and_writes_only_when_accepted(tmp_path):
    vuln = tmp_path / "TxOriginWallet04.sol"
    shutil.copy(VULN / "TxOriginWallet04.sol", vuln)
    before = vuln.read_text()
    r = _cli(vuln)
    assert r.exit_code == 0, r.output
    out = tmp_path / "TxOriginWallet04.repaired.sol"
    assert "msg.sender == owner" in out.read_text() and vuln.read_text() == before
    rep = json.loads((tmp_path / "TxOriginWallet04.repair.json").read_text())["repair"]
    assert rep["status"] == "repaired" and rep["output"] == str(out) and rep["diff"]
    assert "## Round 1" in (tmp_path / "TxOriginWallet04.repair.md").read_text()

    # a model that only talks: nothing accepted, nothing written, exit 1
    other = tmp_path / "other"
    other.mkdir()
    vuln2 = other / "TxOriginWallet04.sol"
    shutil.copy(VULN / "TxOriginWallet04.sol", vuln2)
    answers = other / "answers.json"
    answers.write_text(json.dumps(["no diff here"]))
    r = _cli(vuln2, "--no-patchers", "--rounds", "1", "--model", f"scripted:{answers}")
    assert r.exit_code == 1, r.output
    assert not (other / "TxOriginWallet04.repaired.sol").exists()
    rep = json.loads((other / "TxOriginWallet04.repair.json").read_text())["repair"]
    assert rep["rounds"][0]["attempts"][0]["status"] == "failed"


def test_synth_repairs_a_model_written_contract_and_reports_the_metrics(tmp_path):
    """The scripted model pays before it updates the stake: the first attempt fails on
    reentrancy-eth, repair moves the write before the payment, and the patched contract passes
    the whole spec (properties, invariants, scenarios); the report says so."""
    import json
    from pathlib import Path

    from synth.pipeline import SynthOptions, synthesize
    from synth.strategy.demo import demo_model

    spec = Path(__file__).resolve().parent.parent / "examples" / "specs" / "staking.yaml"
    out = tmp_path / "project"
    res = synthesize(spec, out, SynthOptions(model=demo_model(), max_examples=40, replay=False))
    m = res.metrics()
    assert res.passed and m["first_pass"] is False and m["passed_after_repair"] is True
    assert m["repair_rounds"] >= 1 and m["per_check"]["reentrancy-eth"]["repaired"] >= 1
    doc = json.loads((out / "reports" / "verification.json").read_text())
    assert doc["synthesis"]["metrics"] == json.loads(json.dumps(m))
    assert "+repair" in doc["synthesis"]["generator"]
    written = next((out / "contracts").glob("*.sol")).read_text()
    body = written[written.index("function withdraw("):]
    assert body.index("_withdraw(amount)") < body.index("_send(msg.sender, amount)")
    assert "first pass: no; after repair: passed" in (out / "reports" / "verification.md").read_text()
