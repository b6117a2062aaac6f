"""Gas as the efficiency of execution, with the real compiler, EVM, Anvil and learner.

The synthesis report carries a gas table (deployment, then per function calls / min / median /
max over the functional scenarios); its figures are what a receipt says, checked call by call
against Anvil. The strategy learner keeps a rule only when gas holds too: a rule that makes the
model write a wasteful loop into every body passes every check and is still rejected, for gas.
"""

from __future__ import annotations

import json
from pathlib import Path
from statistics import median

import pytest

from synth.strategy.catalogue import CATALOGUE

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "examples" / "specs" / "escrow.yaml"
WASTE = "Double-check every amount inside a bounded loop before you use it."
CEI = CATALOGUE["reentrancy-eth"][0]["text"]  # the demo model's cure: its answers become the template's bodies


@pytest.fixture(scope="module")
def escrow(tmp_path_factory):
    """The escrow example synthesized (template), its report, and the build verification ran."""
    from synth.generators.custom_functions import spec_scenarios
    from synth.kinds import get_kind
    from synth.pipeline import SynthOptions, deployment_for, synthesize
    from synth.spec import load_spec
    from verify.compile import Compiler
    from verify.dynamic.engine import targets_of

    out = tmp_path_factory.mktemp("gas") / "escrow"
    res = synthesize(SPEC, out, SynthOptions(max_examples=5, steps=4, replay=False, fuzz_examples=0,
                                             repair_rounds=0))
    assert res.passed, [s for s in res.scenarios if not s.passed] or res.blocking()
    spec = load_spec(SPEC)
    compiled = Compiler(evm_version="cancun").compile_file(out / "contracts" / f"{spec.name}.sol")
    target = next(t for t in targets_of(compiled) if t.name == spec.name)
    args = deployment_for(spec, get_kind(spec.kind).constructor_args(spec))
    return {"res": res, "out": out, "spec": spec, "target": target, "args": args, "scenarios": spec_scenarios(spec)}


def test_gas_table_is_present_and_sane(escrow):
    from verify.dynamic.executor import ReceiptGasExecutor
    from verify.dynamic.session import Session

    res = escrow["res"]
    gas = res.gas
    assert gas["deployment"] > 21000 + 32000  # a transaction creating a contract, and its code
    assert gas["functions"] and gas["calls"] == sum(r["calls"] for r in gas["functions"].values())
    per: dict[str, list[int]] = {}
    for s in res.scenarios:
        for sig, used in s.gas.items():
            per.setdefault(sig, []).extend(used)
    assert set(per) == set(gas["functions"])
    for sig, r in gas["functions"].items():
        assert 21000 < r["min"] <= r["median"] <= r["max"], (sig, r)
        assert (r["calls"], r["min"], r["median"], r["max"]) == (len(per[sig]), min(per[sig]), int(median(per[sig])),
                                                                  max(per[sig]))
    assert gas["total"] == gas["deployment"] + sum(sum(v) for v in per.values())

    # a function that writes storage costs more than a view called as a transaction
    session = Session(escrow["target"], ReceiptGasExecutor(escrow["target"].evm.upper()), escrow["args"])
    view = session.target.function("held()")
    seen = session.ex.call(session.actors.alice, session.address, view.calldata([]))
    assert seen.ok and 21000 < seen.gas_used < 30000
    assert gas["functions"]["deposit()"]["min"] > seen.gas_used + 20000  # a zero slot made non-zero, at least

    # the report: JSON and Markdown carry the same table
    doc = json.loads((escrow["out"] / "reports" / "verification.json").read_text())
    table = doc["synthesis"]["gas"]
    assert table["deployment"] == gas["deployment"] and table["total"] == gas["total"]
    assert {f["function"]: f["median"] for f in table["functions"]} == {k: v["median"]
                                                                        for k, v in gas["functions"].items()}
    md = (escrow["out"] / "reports" / "verification.md").read_text()
    section = md[md.index("## Gas"):md.index("## Verification")]
    assert f"| deployment | 1 | {gas['deployment']} |" in section
    r = gas["functions"]["deposit()"]
    assert f"| `deposit()` | {r['calls']} | {r['min']} | {r['median']} | {r['max']} |" in section


def test_gas_equals_anvil_receipts(escrow):
    """Each scenario call's figure is the gasUsed of the same transaction's receipt on Anvil (and
    the deployment's), where the open-journal figure of a plain RevmExecutor is lower."""
    from chains import AnvilChain
    from synth.gas import deployment_gas
    from synth.scenarios import Call, run_scenario
    from verify.dynamic.engine import anvil_args
    from verify.dynamic.executor import ChainExecutor, ReceiptGasExecutor, RevmExecutor
    from verify.dynamic.session import Session

    target, args = escrow["target"], escrow["args"]
    sc = next(s for s in escrow["scenarios"] if s.name == "buyer_confirms_seller_withdraws")
    receipts = ReceiptGasExecutor(target.evm.upper())
    here = run_scenario(Session(target, receipts, args), sc)
    journal = run_scenario(Session(target, RevmExecutor(target.evm.upper()), args), sc)
    assert here.passed and journal.passed and here.gas and receipts.unmeasured == 0
    chain = AnvilChain(extra_args=anvil_args(target.evm)).start()
    try:
        node = Session(target, ChainExecutor(chain), args)
        first = next(a for a in sc.steps if isinstance(a, Call) and not a.reverts)
        # eth_estimateGas of the scenario's first successful call bounds its receipt from above
        data = target.function(first.fn).calldata(first.args)
        estimate = chain.web3.eth.estimate_gas({"from": node.roles()[first.actor], "to": node.address,
                                                "data": "0x" + data.hex(), "value": first.value})
        there = run_scenario(node, sc)
        assert there.passed, there.message
        assert there.gas == here.gas  # every call, exactly
        assert there.gas[first.fn][0] <= estimate < there.gas[first.fn][0] * 1.2
        assert deployment_gas(target, args, ChainExecutor(chain)) == escrow["res"].gas["deployment"]
    finally:
        chain.stop()
    # pyrevm's own figures: one open journal, earlier calls' slots warm; cheaper than a receipt
    assert any(journal.gas[k][i] < here.gas[k][i] for k in here.gas for i in range(len(here.gas[k])))
    print(f"escrow {sc.name}: receipts {here.gas}; open journal {journal.gas}")


def _wasteful_model():
    """The template's bodies; with a bounded loop in front of each when a rule asks to double-check."""
    from synth.models import ScriptedModel
    from synth.strategy.demo import reference_answer

    def answer(messages):
        body = reference_answer(messages)
        system = " ".join(m["content"] for m in messages if m.get("role") == "system")
        if "bounded loop" in system:
            body = "uint256 checked = 0;\nfor (uint256 k = 0; k < 200; k++) {\n    checked += k;\n}\n" + body
        return body

    return ScriptedModel([answer], cycle=True)


def test_the_learner_rejects_a_rule_that_costs_gas_and_eval_shows_gas(tmp_path):
    from click.testing import CliRunner

    from synth.cli import main
    from synth.strategy.learn import GAS_TOLERANCE, Edit, Learner
    from synth.strategy.store import StrategyStore

    db = tmp_path / "strategy.db"
    logs: list[str] = []
    learner = Learner(StrategyStore(db), _wasteful_model(), kinds=["escrow"], per_split=2, margin=0.0,
                      log=logs.append)
    assert learner.gas_tolerance == GAS_TOLERANCE == 0.02
    start = learner.store.current()
    before = learner.evaluate(start, "validation")
    assert before.rate == 1.0 and len(before.gas()) == before.n >= 1  # every validation spec passes, measured

    neutral = learner.consider(Edit("rule", CEI, "reentrancy-eth"))  # same bodies: same pass rate, same gas
    assert neutral.accepted, neutral.reason
    assert neutral.gas["change"] == 0.0 and "median gas" in neutral.reason

    waste = learner.consider(Edit("rule", WASTE, "scenario"))
    assert not waste.accepted
    assert waste.reason.startswith("gas regresses") and "tolerance +2.0%" in waste.reason, waste.reason
    assert waste.validation_after == waste.validation_before == 1.0 and not waste.regressions  # only gas
    assert waste.gas["after"] > waste.gas["before"] * (1 + GAS_TOLERANCE)
    assert learner.store.status(waste.version) == "rejected" and learner.store.current().version == neutral.version
    assert any("gas regresses" in m for m in logs)

    # `ouro strategy eval` prints the median gas beside the pass rates (the demo model, cured by
    # the accepted rule, writes the template's bodies: verification comes from the cache)
    common = ["--db", str(db), "--per-split", "2", "--kind", "escrow", "--split", "validation"]
    r = CliRunner().invoke(main, ["strategy", "eval"] + common)
    assert r.exit_code == 0, r.output
    header = r.output[:r.output.index("┡")]  # the column names (wrapped at the runner's 80 columns)
    assert "median" in header and "gas" in header, r.output
    assert f"{before.gas_median:.0f}" in r.output and "gas=" in r.output, r.output
    r = CliRunner().invoke(main, ["strategy", "eval", "--json"] + common)
    assert json.loads(r.output)["gas"] == before.gas_median
    r = CliRunner().invoke(main, ["strategy", "history", "--db", str(db)])
    assert r.exit_code == 0 and f"{before.gas_median:.0f}" in r.output, r.output

    # the tolerance is an option: a learner that allows +1000 % keeps the same rule (all cached)
    lenient = Learner(StrategyStore(db), _wasteful_model(), kinds=["escrow"], per_split=2, margin=0.0,
                      gas_tolerance=10.0)
    kept = lenient.consider(Edit("rule", WASTE, "scenario"))
    assert kept.accepted and kept.gas["change"] > GAS_TOLERANCE, kept.reason
    print(f"validation median gas {waste.gas['before']:.0f} -> {waste.gas['after']:.0f} ({waste.gas['change']:+.1%})")
