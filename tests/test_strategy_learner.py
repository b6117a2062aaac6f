"""The learner's three candidate types, its guards and reports, with scripted models whose habits
each have one known cure, on a small balanced sample (one spec per kind and split).

* crowdsale ``buyTokens``: calls a helper that does not exist (``compile-error``) unless the system
  prompt says not to invent identifiers: cured by a rule.
* escrow ``withdraw``: answers prose (``model-output-invalid``) unless the prompt shows a verified
  ``withdraw`` body, or it is a repair round: cured by a verified example (a repaired train body).
* auction ``withdraw``: reverts on every call (``scenario``) unless the repair feedback carries a hint
  about it: cured by a repair hint, judged on the pass-after-repair rate.
* vesting is written right: it passes before and after, so regressions and gas are measured on it.
"""

from __future__ import annotations

import json
import re
import time

import pytest
from click.testing import CliRunner

from synth.models import ModelError, ScriptedModel
from synth.strategy.demo import reference_answer
from synth.strategy.evaluate import VerifierConfig, above_reference
from synth.strategy.learn import Edit, Learner
from synth.strategy.store import StrategyStore

KINDS = ["crowdsale", "escrow", "auction", "vesting"]
RULE = "Use only the identifiers the skeleton declares; do not invent identifiers or helpers."
HINT = "A withdrawal that reverts on every call fails its scenarios: never guard the body with an impossible condition."
GAS_RULE = "Do not invent identifiers; and double-check every amount with a bounded loop first."
HARMFUL = "Prefer the cheapest transfer helper you can find."
CATALOGUE = {"compile-error": [{"kind": "rule", "text": GAS_RULE}, {"kind": "rule", "text": RULE}],
             "scenario": [{"kind": "hint", "text": HINT}]}
VERIFIER = VerifierConfig(max_examples=4, steps=4, gas_reference=False)


def _system(messages) -> str:
    return " ".join(m["content"] for m in messages if m.get("role") == "system")


def _habits(messages) -> str:
    body = reference_answer(messages)
    user = messages[1]["content"]
    slot = re.search(r"^Slot: (\w+)$", user, re.M).group(1)
    kind = re.search(r"^Kind: (\w+)$", user, re.M).group(1)
    system = _system(messages)
    repair = len(messages) > 2
    if "cheapest transfer helper" in system:
        return "_cheapSend(msg.sender);\n" + body  # harmful: does not compile anywhere
    if "bounded loop" in system:
        body = "uint256 checked = 0;\nfor (uint256 k = 0; k < 200; k++) {\n    checked += k;\n}\n" + body
    if kind == "crowdsale" and slot == "buyTokens" and "do not invent identifiers" not in system.lower():
        return "_fastPath();\n" + body
    if kind == "escrow" and slot == "withdraw" and not repair and "verified body of the `withdraw` slot" not in user:
        return "I would rather not write this withdrawal."
    if kind == "auction" and slot == "withdraw" and not (repair and "impossible condition" in messages[-1]["content"]):
        return "if (msg.sender != address(0)) {\n    revert();\n}\n" + body
    return body


def habit_model() -> ScriptedModel:
    return ScriptedModel([_habits], cycle=True)


class Proposer:
    """Proposes, for compile-error failures only, a leaky rule and then a harmful one."""

    def __init__(self, leaky: str):
        self.queue = [{"text": leaky}, {"text": HARMFUL}]
        self.calls = 0

    def complete(self, messages, schema=None):
        if "Check compile-error" not in messages[-1]["content"] or not self.queue:
            raise ModelError("nothing to propose")
        self.calls += 1
        return self.queue.pop(0)


def _learner(db, model=None, **kw) -> Learner:
    opts = dict(verifier=VERIFIER, kinds=KINDS, per_kind=1, margin=0.1, catalogue=CATALOGUE)
    opts.update(kw)
    return Learner(StrategyStore(db), model or habit_model(), **opts)


@pytest.fixture(scope="module")
def learned(tmp_path_factory):
    t0 = time.perf_counter()
    db = tmp_path_factory.mktemp("learner") / "strategy.db"
    probe = _learner(db)
    train_name = probe.split["train"][0].doc["name"]
    leaky = f"In {train_name} always declare helpers before use."
    lr = _learner(db, proposer=Proposer(leaky), max_rounds=3)
    start = lr.store.current()
    report = lr.learn()
    lr.close()
    print(f"learn: {time.perf_counter() - t0:.0f} s")
    return {"db": db, "lr": lr, "report": report, "start": start, "leaky": leaky}


def test_three_candidate_types_with_provenance_and_reasons(learned):
    rep, lr = learned["report"], learned["lr"]
    by_text = {d.edit.text: d for d in rep.decisions}
    train_ids = {e.id for e in lr.split["train"]}
    # the rule, the example and the hint, each accepted, each from train failures only
    rule, hint = by_text[RULE], by_text[HINT]
    example = next(d for d in rep.decisions if d.edit.kind == "example" and d.accepted)
    for d in (rule, example, hint):
        assert d.accepted, d.reason
        assert d.edit.provenance and {p[0] for p in d.edit.provenance} <= train_ids
        assert d.edit.kinds and set(d.edit.kinds) <= set(lr.kinds["train"])
    assert rule.edit.origin == "catalogue" and rule.edit.check == "compile-error"
    assert rule.edit.provenance[0][2]  # the first message of the failure it came from
    assert example.edit.origin == "verified" and example.edit.slot == "withdraw"
    assert example.edit.source in train_ids and example.edit.spec_kind == "escrow"  # a repaired train body
    assert hint.edit.check == "scenario" and hint.measure == "after_repair"
    assert "pass after repair" in hint.reason and hint.validation_after > hint.validation_before
    assert rule.measure == "first_pass" and "first-pass" in rule.reason
    final = lr.store.current()
    assert final.hint("scenario") == HINT and any(r.text == RULE for r in final.rules)
    assert [e.slot for e in final.examples] == ["withdraw"]
    # the rejected ones, each with its reason
    leak = by_text[learned["leaky"]]
    assert not leak.accepted and leak.reason.startswith("guard: leaks train data") and leak.version is None
    harm = by_text[HARMFUL]
    assert not harm.accepted and harm.regressions and "regresses" in harm.reason
    gas = by_text[GAS_RULE]  # cures the compile error, but every body now runs a loop
    assert not gas.accepted and gas.reason.startswith("gas regresses") and not gas.regressions, gas.reason
    assert gas.validation_after > gas.validation_before and gas.gas["change"] > lr.gas_tolerance
    assert rep.metrics["validation"]["first_pass"] > rep.before["validation"]["first_pass"]
    stored = lr.store.candidates()
    assert len(stored) == len(rep.decisions)
    assert {c["type"] for c in stored if c["accepted"]} == {"rule", "hint", "example"}
    lines = "\n".join(rep.lines())
    assert "rejected rule (model, compile-error" in lines and "gas regresses" in lines
    assert "learned:" in lines and "from train kinds crowdsale" in lines


def test_leaky_example_bodies_are_rejected(learned):
    lr = learned["lr"]
    cur = lr.store.current()
    train = lr.split["train"]
    body = "uint256 amount = credits[msg.sender];\ncredits[msg.sender] = 0;"
    name = train[0].doc["name"]
    for leaky, why in [(f"// tuned on {name}\n{body}", "train spec name"),
                       (f"address to = address(0x00000000000000000000000000000000DeaDBeef);\n{body}", "address")]:
        d = lr.consider(Edit("example", leaky, "model-output-invalid", origin="verified", slot="withdraw",
                             spec_kind="escrow", source=train[0].id), cur)
        assert not d.accepted and "leaks train data: the example body" in d.reason and why in d.reason, d.reason
    other = lr.split["validation"][0].id
    d = lr.consider(Edit("example", body, "model-output-invalid", origin="verified", slot="withdraw",
                         spec_kind="escrow", source=other), cur)
    assert not d.accepted and "not a train body" in d.reason


def test_rollback_restores_the_old_rate_exactly(learned):
    db, start = learned["db"], learned["start"]
    lr = _learner(db)
    before = lr.evaluate(start, "validation").metrics()
    assert lr.rollback(start.version).hash == start.hash
    again = _learner(db)  # a fresh learner: results come from the shared cache
    assert again.store.current().hash == start.hash
    restored = again.evaluate(again.store.current(), "validation").metrics()
    assert restored == before and restored["first_pass"] == learned["report"].before["validation"]["first_pass"]
    final = learned["report"].end
    again.rollback(final)
    assert again.evaluate(again.store.current(), "validation").metrics()["first_pass"] == \
        learned["report"].metrics["validation"]["first_pass"]


def test_history_eval_and_html_report(learned, tmp_path):
    from synth.cli import main

    db = learned["db"]
    runner = CliRunner()
    r = runner.invoke(main, ["strategy", "history", "--db", str(db)])
    assert r.exit_code == 0, r.output
    for text in ("candidates", "accepted rule (catalogue, compile-error", "accepted hint (catalogue, scenario",
                 "accepted example (verified",
                 "train failure(s) on crowdsale", "gas regresses", "leaks train data", "after repair"):
        assert text in r.output, (text, r.output)
    html = tmp_path / "h" / "report.html"
    r = runner.invoke(main, ["strategy", "report", "--db", str(db), "--html", str(html)])
    assert r.exit_code == 0, r.output
    page = html.read_text()
    assert "<svg" in page and "<polyline" in page and "<script" not in page
    assert "href" not in page and "src=" not in page  # no network
    assert "validation" in page and "gas regresses" in page
    r = runner.invoke(main, ["strategy", "eval", "--db", str(db), "--model", "demo", "--split", "validation",
                             "--rounds", "2", "--per-split", "1", "--kind", "vesting", "--json",
                             "--no-gas-reference"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert {"first_pass", "after_repair", "rounds", "per_check", "gas"} <= set(doc) and doc["max_rounds"] == 2


def test_split_by_kind_holds_kinds_out_and_names_them(tmp_path):
    lr = _learner(tmp_path / "k.db", split_by="kind", test_kinds=["vesting"], validation_kinds=["crowdsale"],
                  max_rounds=1, per_kind=1)
    kinds = lr.kinds
    assert kinds["test"] == ["vesting"] and kinds["validation"] == ["crowdsale"]
    assert set(kinds["train"]) == {"escrow", "auction"}
    assert not (set(kinds["train"]) & (set(kinds["validation"]) | set(kinds["test"])))
    assert {e.kind for e in lr.split["test"]} == {"vesting"}
    with pytest.raises(ValueError, match="split by kind"):
        _learner(tmp_path / "k.db", split_by="hash")  # the recorded split mode holds
    from synth.strategy.corpus import kind_splits

    auto = kind_splits(KINDS)
    assert set(auto.values()) == {"train", "validation", "test"} and auto == kind_splits(list(reversed(KINDS)))
    rep = lr.learn()
    lr.close()
    text = "\n".join(rep.lines())
    assert "split by kind: train auction, escrow; validation crowdsale; test vesting" in text
    assert "test (unseen kinds): first pass" in text


def test_jobs_two_gives_the_results_of_jobs_one(tmp_path):
    """Fresh caches, the same split: identical per-spec results and metrics, in the same order."""
    out = {}
    for jobs in (1, 2):
        lr = _learner(tmp_path / f"j{jobs}.db", jobs=jobs, results=tmp_path / f"results{jobs}.db")  # fresh caches
        s = lr.store.current()
        t0 = time.perf_counter()
        r = lr.evaluate(s, "validation", rounds=2)
        lr.close()
        out[jobs] = (r, time.perf_counter() - t0)
    (one, t1), (two, t2) = out[1], out[2]
    assert [x.__dict__ for x in one.results] == [x.__dict__ for x in two.results]
    assert one.metrics() == two.metrics()
    print(f"validation, 2 rounds: --jobs 1 {t1:.1f} s, --jobs 2 {t2:.1f} s")


def test_gas_above_reference():
    ref = {"passed": True, "calls_gas": 100_000}
    assert above_reference({"passed": True, "calls_gas": 100_050}, ref, 0.001)["passed"]
    v = above_reference({"passed": True, "calls_gas": 100_200, "checks": []}, ref, 0.001)
    assert not v["passed"] and v["checks"] == ["gas-above-reference"] and "+0.2%" in v["messages"][0]
    assert above_reference({"passed": True, "calls_gas": 10**9}, {"passed": False}, 0.001)["passed"]
    assert VerifierConfig(gas_reference=True).hash != VerifierConfig(gas_reference=False).hash


def test_access_scenarios_map_to_the_privileged_call_check():
    from synth.strategy.evaluate import scenario_check

    assert scenario_check("access_recoverSurplus") == "ouro-privileged-call"
    assert scenario_check("withdraw_pays_out") == "scenario"
