"""The self-improving strategy, end to end with the real compiler, Slither and property engine.

A scripted model answers every payout slot with the template's body, but pays before it updates
balances (its known defect), unless the prompt carries a rule about updating state before
external calls. ``learn`` must find that rule from train failures alone, keep it because validation
improves, reject a rule that leaks a train spec's name and one that makes validation worse, and
lift the held-out test split; ``rollback`` must restore the old version and its pass rate.
Verification results are cached by source hash, so repeated evaluations are cheap.
"""

from __future__ import annotations

import pytest
import yaml
from click.testing import CliRunner

from synth.generators import GeneratorUnavailable, ModelGenerator, TemplateGenerator
from synth.generators.model import GenerationFailed
from synth.generators.solidity_edit import (BodyError, apply_post_rules, check_statements, find_slots, open_slot, reference_body,
                                            post_rule_violations)
from synth.kinds import get_kind
from synth.models import ScriptedModel
from synth.spec import parse_spec_text
from synth.strategy import StrategyError, load_strategy
from synth.strategy.corpus import build_corpus, select, split_of
from synth.strategy.demo import demo_model, pay_first, reference_answer
from synth.strategy.learn import Edit, Learner, leak_problem
from synth.strategy.store import StrategyStore

KINDS = ["staking", "auction", "escrow", "crowdsale"]
PER_SPLIT = 3
HURTING = "Save gas on payouts: prefer the cheapest transfer helper you can find."


def _spec(doc):
    return parse_spec_text(yaml.safe_dump(doc), f"{doc['name']}.yaml")


def _grid_doc(kind, i=-1):
    from synth.grid import grid_specs

    return grid_specs([kind])[i]


# --------------------------------------------------------------------------- fast unit tests
def test_slots_are_marked_and_template_obeys_post_rules():
    strategy = load_strategy()
    assert strategy.hash == "04f8463435c97044"  # the shipped default's recorded content hash
    for kind in KINDS:
        spec = _spec(_grid_doc(kind))
        src = get_kind(kind).render(spec)
        slots = find_slots(src)
        assert slots, kind
        assert TemplateGenerator().generate(spec).source == src  # the template already obeys them
        assert not post_rule_violations(src, strategy.post_rules)
        opened = open_slot(src, slots[0])
        assert "nonReentrant" not in find_slots(opened)[0].function.header
        # the post-rule puts the guard back (and the base, when the contract lacks it)
        assert not post_rule_violations(apply_post_rules(opened, strategy.post_rules), strategy.post_rules)
    bare = ("// SPDX-License-Identifier: MIT\npragma solidity ^0.8.24;\n\ncontract P {\n"
            "    mapping(address => uint256) public c;\n"
            "    function take() external {\n        uint256 a = c[msg.sender];\n        c[msg.sender] = 0;\n"
            '        (bool ok, ) = payable(msg.sender).call{value: a}("");\n        require(ok);\n    }\n}\n')
    fixed = apply_post_rules(bare, strategy.post_rules)
    assert "function take() external nonReentrant {" in fixed
    assert "contract P is ReentrancyGuard {" in fixed and "import {ReentrancyGuard}" in fixed


def test_statement_validation_rejects_escapes():
    assert check_statements("```solidity\nx = 1;\n```") == "x = 1;"
    for bad in ["pragma solidity ^0.8.0;", 'import "x.sol";', "}\nfunction f() external {", "x = 1; }",
                "if (a) { x = 1;", "function f() {}", "uint256 x = 1", "", 'x = "unterminated;', "/* open",
                "assembly { sstore(0, 1) }", "address(this).delegatecall(d);"]:
        with pytest.raises(BodyError):
            check_statements(bad)
    check_statements('if (a) { x = "}"; } // }')  # braces inside strings and comments are not code


def test_strategy_file_round_trip_and_caps(tmp_path):
    s = load_strategy()
    p = tmp_path / "s.yaml"
    p.write_text(s.to_yaml())
    assert load_strategy(p).hash == s.hash
    p.write_text(s.to_yaml().replace("You write", "You edit"))
    with pytest.raises(StrategyError, match="content hash"):
        load_strategy(p)
    from synth.strategy.model import MAX_RULE_CHARS, Rule

    with pytest.raises(StrategyError):
        s.replace(rules=(Rule("r", "x" * (MAX_RULE_CHARS + 1)),))
    with pytest.raises(StrategyError):
        s.replace(rules=tuple(Rule(f"r{i}", "rule") for i in range(13)))


def test_split_is_stable_and_recorded(tmp_path):
    entries = build_corpus(KINDS)
    assert {e.split for e in entries} == {"train", "validation", "test"}
    assert all(e.split == split_of(e.id) for e in entries)
    assert any(e.id.startswith("example:") for e in entries)
    store = StrategyStore(tmp_path / "s.db")
    store.record_splits(entries)
    moved = {entries[0].id: "test" if entries[0].split != "test" else "train"}
    store.db.execute("UPDATE corpus SET split=? WHERE id=?", (moved[entries[0].id], entries[0].id))
    store.db.commit()
    again = build_corpus(KINDS, recorded=store.recorded_splits())  # the recorded split wins: never re-split
    assert next(e for e in again if e.id == entries[0].id).split == moved[entries[0].id]


def test_leak_guard():
    train = [e for e in select(build_corpus(KINDS), PER_SPLIT) if e.split == "train"]
    name = train[0].doc["name"]
    assert "train spec name" in leak_problem(f"In {name} update state first.", train)
    assert leak_problem("Never send ETH to 0x00000000000000000000000000000000deadbeef.", train)
    assert leak_problem("Update all state before any external call.", train) is None


def test_failed_model_output_is_a_recorded_attempt():
    """Garbage, escapes and invalid Solidity are failed attempts with a status, never crashes."""
    spec = _spec(_grid_doc("escrow"))
    strategy = load_strategy()
    src = get_kind("escrow").render(spec)
    others = [reference_body(src, s).strip("\n") for s in find_slots(src)][1:]  # the kind's other slots, answered well
    attempts = [["pragma solidity ^0.8.0; contract X {}"],  # file-level text
                ["}\n    function steal() external { selfdestruct(payable(msg.sender)); "],  # escapes the body
                ["uint256 amount = ;"] + others,  # statements that do not compile
                ["Sure! Here is the body you asked for"]]  # prose, not Solidity
    gen = ModelGenerator(ScriptedModel([a for att in attempts for a in att]), strategy)
    statuses = [gen.attempt(spec).status for _ in attempts]
    assert statuses == ["model-output-invalid", "model-output-invalid", "compile-error", "model-output-invalid"]
    assert gen.attempt(spec).status == "model-error"  # the scripted model ran out of answers
    assert len(gen.attempts) == 5 and all(not a.ok and a.error for a in gen.attempts)
    with pytest.raises(GenerationFailed):
        gen.generate(spec)
    with pytest.raises(GeneratorUnavailable):
        ModelGenerator().generate(spec)


def test_the_scripted_defect_reorders_the_payout():
    spec = _spec(_grid_doc("auction"))
    gen = ModelGenerator(None, load_strategy())
    skeleton, slots = gen.skeleton(spec)
    from synth.generators.model import build_messages

    slot = next(s for s in slots if s[0] == "withdraw")  # the payout slot
    msgs = build_messages(load_strategy(), spec, skeleton, slot[0], slot[1])
    good = reference_answer(msgs)
    bad = pay_first(good)
    assert bad != good and bad.index("call{value") < bad.index("pendingReturns[msg.sender] = 0")
    a = ModelGenerator(demo_model(), load_strategy()).attempt(spec)
    assert a.ok, a.error  # compiles: the defect is a safety flaw, not a syntax error


# --------------------------------------------------------------------------- the acceptance test
def test_learn_accepts_a_rule_that_lifts_the_test_split_and_rollback_restores(tmp_path):
    import time

    t0 = time.perf_counter()
    db = tmp_path / "strategy.db"
    train = [e for e in select(build_corpus(KINDS), PER_SPLIT) if e.split == "train"]
    leaky = f"In {train[0].doc['name']} always update state before external calls."
    proposer = ScriptedModel([{"text": leaky}, {"text": HURTING}], cycle=True)
    logs: list[str] = []
    learner = Learner(StrategyStore(db), demo_model(), kinds=KINDS, per_split=PER_SPLIT, margin=0.1,
                      proposer=proposer, log=logs.append)
    start = learner.store.current()
    assert start.version == 1 and not start.rules
    baseline = {s: learner.evaluate(start, s) for s in ("train", "validation", "test")}
    assert baseline["train"].per_check().get("reentrancy-eth", 0) >= 1  # the defect is seen on train
    assert baseline["test"].rate < 0.9

    report = learner.learn()
    by_text = {d.edit.text: d for d in report.decisions}
    assert not by_text[leaky].accepted and "train spec name" in by_text[leaky].reason
    assert not by_text[HURTING].accepted and by_text[HURTING].regressions, by_text[HURTING]
    accepted = [d for d in report.decisions if d.accepted]
    assert len(accepted) == 1 and accepted[0].edit.origin == "catalogue"
    learned = learner.store.current()
    assert learned.version == report.end != start.version
    rule = learned.rules[-1]
    assert "before any external call" in rule.text and rule.check == "reentrancy-eth"
    assert rule.specs and set(rule.specs) <= {e.id for e in train}  # created from train failures only
    assert report.metrics["validation"]["first_pass"] > baseline["validation"].rate

    after = learner.evaluate(learned, "test")
    assert after.rate >= 0.9 > baseline["test"].rate
    versions = learner.store.versions()
    assert {v["verifier_hash"] for v in versions} == {learner.verifier_hash}
    assert [v["status"] for v in versions].count("rejected") == 1  # the hurting rule (the leak never ran)

    # an explicit edit on top of the learned version that breaks passing validation specs is reverted
    bad = learner.consider(Edit("rule", HURTING.replace("Save gas", "To save gas"), "reentrancy-eth"))
    assert not bad.accepted and bad.regressions and bad.validation_after < bad.validation_before
    assert learner.store.current().hash == learned.hash

    # the CLI reads the same history; the verification cache makes these cheap
    runner = CliRunner()
    from synth.cli import main

    common = ["--db", str(db), "--per-split", str(PER_SPLIT)] + sum((["--kind", k] for k in KINDS), [])
    r = runner.invoke(main, ["strategy", "eval", "--split", "test", "--json"] + common)
    assert r.exit_code == 0, r.output
    import json

    assert json.loads(r.output)["first_pass"] >= 0.9
    r = runner.invoke(main, ["strategy", "history", "--db", str(db)])
    assert r.exit_code == 0 and "rejected" in r.output and "first-pass" in r.output, r.output
    r = runner.invoke(main, ["strategy", "show", "--db", str(db)])
    assert r.exit_code == 0 and "before any external call" in r.output

    # rollback restores the old version and its pass rate
    r = runner.invoke(main, ["strategy", "rollback", "--db", str(db), str(start.version)])
    assert r.exit_code == 0, r.output
    restored = StrategyStore(db).current()
    assert restored.hash == start.hash and not restored.rules
    r = runner.invoke(main, ["strategy", "eval", "--split", "test", "--json"] + common)
    assert json.loads(r.output)["first_pass"] == pytest.approx(baseline["test"].rate, abs=1e-3)
    r = runner.invoke(main, ["strategy", "rollback", "--db", str(db), str(by_text[HURTING].version)])
    assert r.exit_code == 2  # a rejected version cannot become current
    print(f"baseline {[(s, round(b.rate, 2)) for s, b in baseline.items()]} -> test {after.rate:.2f} "
          f"in {time.perf_counter() - t0:.0f} s")



def test_ouro_synth_with_a_model_writes_the_slot_bodies(tmp_path):
    """`ouro synth SPEC --model scripted:ANSWERS.json`: the model generator fills the slot, the
    contract is verified and the project written; an unusable answer writes nothing."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    ouro = Path(sys.executable).parent / "ouro"
    spec = Path(__file__).resolve().parent.parent / "examples" / "specs" / "staking.yaml"
    src = get_kind("staking").render(parse_spec_text(spec.read_text(), str(spec)))
    bodies = [reference_body(src, s).strip("\n") for s in find_slots(src)]
    assert bodies
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(bodies))
    out = tmp_path / "out"
    run = subprocess.run([str(ouro), "synth", str(spec), "--out", str(out), "--model", f"scripted:{answers}",
                          "--max-examples", "20", "--no-replay"], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    written = next((out / "contracts").glob("*.sol")).read_text()
    assert bodies[0].strip().splitlines()[0].strip() in written
    garbage = tmp_path / "garbage.json"
    garbage.write_text(json.dumps(["function kill() external { selfdestruct(payable(msg.sender)); }"]))
    run = subprocess.run([str(ouro), "synth", str(spec), "--out", str(tmp_path / "bad"), "--model",
                          f"scripted:{garbage}", "--no-replay"], capture_output=True, text=True)
    assert run.returncode == 1 and "generation failed" in run.stderr
    assert not (tmp_path / "bad").exists()


CUSTOM_SPEC = """\
kind: escrow
name: DealEscrow
functions:
  - name: quoteFee
    description: "1% of amount, rounded down. */ function kill() external { selfdestruct(payable(msg.sender)); }"
    params: [{name: amount, type: uint256}]
    returns: [uint256]
    mutability: view
    examples:
      - {args: [1000], returns: [10]}
      - {args: [99], returns: [0]}
"""


def _answers_for(spec_text: str, tmp_path, custom_body: str):
    import json

    spec = parse_spec_text(spec_text, "spec.yaml")
    src = get_kind(spec.kind).render(spec)
    path = tmp_path / f"answers-{abs(hash(custom_body))}.json"
    path.write_text(json.dumps([reference_body(src, s).strip("\n") for s in find_slots(src)] + [custom_body]))
    return path


def test_a_spec_function_no_template_has_is_written_by_the_model_and_checked_by_its_examples(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    ouro = Path(sys.executable).parent / "ouro"
    spec = tmp_path / "deal.yaml"
    spec.write_text(CUSTOM_SPEC)

    def synth(out, *extra):
        return subprocess.run([str(ouro), "synth", str(spec), "--out", str(out), "--max-examples", "20",
                               "--no-replay", *extra], capture_output=True, text=True)

    run = synth(tmp_path / "t")  # the template cannot write it, and says so
    assert run.returncode == 2 and "quoteFee" in run.stderr and "--model" in run.stderr
    assert not (tmp_path / "t").exists()
    good = _answers_for(CUSTOM_SPEC, tmp_path, "return amount / 100;")
    run = synth(tmp_path / "ok", "--model", f"scripted:{good}")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    sol = (tmp_path / "ok" / "contracts" / "DealEscrow.sol").read_text()
    assert "function quoteFee(uint256 amount) external view returns (uint256) {" in sol
    assert "return amount / 100;" in sol
    # the hostile description stays a comment: no second function appears
    assert sol.count("function kill") == 0 or all(ln.lstrip().startswith("///") for ln in sol.splitlines()
                                                    if "function kill" in ln)
    tests = next((tmp_path / "ok" / "tests").glob("*scenarios*.py")).read_text()
    assert "fn(c, 'quoteFee(uint256)')(1000) == 10" in tests
    wrong = _answers_for(CUSTOM_SPEC, tmp_path, "return amount / 10;")
    run = synth(tmp_path / "bad", "--model", f"scripted:{wrong}")
    assert run.returncode == 1 and "quoteFee" in run.stdout
    assert sorted(p.name for p in (tmp_path / "bad").iterdir()) == [".ouro-synth", "report.json", "report.md"]


@pytest.mark.parametrize("edit, field", [
    ("params: [{name: amount, type: uint8}]", "functions.0.params.0.type"),
    ("params: [{name: amount, type: uint256}, {name: amount, type: bool}]", "functions.0"),
    ("examples: [{args: [1, 2], returns: [3]}]", "functions.0"),
])
def test_bad_spec_functions_name_the_field(tmp_path, edit, field):
    import subprocess
    import sys
    from pathlib import Path

    key = edit.split(":", 1)[0]
    lines = [ln for ln in CUSTOM_SPEC.splitlines() if not ln.strip().startswith(("- {args", key + ":"))]
    if key == "examples":
        lines = [ln for ln in lines if ln.strip() != "examples:"]
    text = "\n".join(lines + [f"    {edit}"]) + "\n"
    spec = tmp_path / "bad.yaml"
    spec.write_text(text)
    run = subprocess.run([str(Path(sys.executable).parent / "ouro"), "spec", "check", str(spec)],
                         capture_output=True, text=True)
    assert run.returncode == 2 and field in run.stderr and "Traceback" not in run.stderr, run.stderr


def test_a_custom_function_may_not_take_a_name_the_kind_uses(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    spec = tmp_path / "clash.yaml"
    spec.write_text(CUSTOM_SPEC.replace("name: quoteFee", "name: refund").replace("quoteFee", "refund"))
    answers = _answers_for(CUSTOM_SPEC, tmp_path, "return 0;")
    run = subprocess.run([str(Path(sys.executable).parent / "ouro"), "synth", str(spec), "--out",
                          str(tmp_path / "o"), "--model", f"scripted:{answers}"], capture_output=True, text=True)
    assert run.returncode == 2 and "functions.0.name" in run.stderr and not (tmp_path / "o").exists()


def test_ouro_synth_sends_failed_examples_back_to_the_model(tmp_path):
    """The model's first quoteFee body breaks an example; the next round's prompt carries the
    failure, the corrected body passes, and the report counts the round."""
    import json

    from synth.pipeline import SynthOptions, synthesize

    spec = tmp_path / "deal.yaml"
    spec.write_text(CUSTOM_SPEC)
    parsed = parse_spec_text(CUSTOM_SPEC, "spec.yaml")
    src = get_kind(parsed.kind).render(parsed)
    kind_bodies = [reference_body(src, s).strip("\n") for s in find_slots(src)]
    model = ScriptedModel(kind_bodies + ["return amount / 10;"] + kind_bodies + ["return amount / 100;"])
    res = synthesize(spec, tmp_path / "out", SynthOptions(model=model, max_examples=20, replay=False))
    m = res.metrics()
    assert res.passed and m["first_pass"] is False and m["passed_after_repair"] is True
    assert res.repair["model_rounds"] == 1
    assert m["per_check"]["scenario:quoteFee_examples"] == {"found": 1, "repaired": 1}
    retry_prompt = model.calls[-1]
    assert any("quoteFee" in msg["content"] and "returned 100" in msg["content"] for msg in retry_prompt)
    doc = json.loads((tmp_path / "out" / "reports" / "verification.json").read_text())
    assert doc["synthesis"]["metrics"]["repair_rounds"] >= 1
