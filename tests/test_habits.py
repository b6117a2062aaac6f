"""Scripted model habits: each transform on body strings, each cure condition, and each habit seen
(or, for gas-waste, measured) by real verification on a spec where it applies."""

from __future__ import annotations

import pytest
import yaml

from synth.models import Defect, ScriptedModel
from synth.models.habits import (ALL_HABITS, HABIT_CATALOGUE, HABITS, TOPICS, cured_by_example, feedback_text,
                                 gas_waste, habit_model, missing_access, pay_first, topic_in, tx_origin,
                                 unchecked_math, unchecked_send)

WITHDRAW = """        uint256 amount = pendingReturns[msg.sender];
        if (amount == 0) {
            revert NothingToWithdraw();
        }
        pendingReturns[msg.sender] = 0;
        pendingReturnsTotal -= amount;
        emit Withdrawn(msg.sender, amount);
        (bool ok, ) = payable(msg.sender).call{value: amount}("");
        if (!ok) {
            revert TransferFailed();
        }"""
ESCROW = """        uint256 amount = claimable[msg.sender];
        if (amount == 0) revert EscrowNothingToWithdraw();
        claimable[msg.sender] = 0;
        totalClaimable -= amount;
        totalPaid += amount;
        emit Withdrawn(msg.sender, amount);
        Address.sendValue(payable(msg.sender), amount);"""
OWNER = """        _checkOwner();
        if (state != State.Disputed) revert EscrowBadState();
        state = State.Resolved;"""
BUYER = """        if (msg.sender != buyer) revert EscrowUnauthorized(msg.sender);
        state = State.Confirmed;"""
ROLE = """        _checkRole(PAUSER_ROLE);
        paused = true;"""
MEMBER = """        if (!isOwner[msg.sender]) revert MultiSigNotOwner(msg.sender);
        confirmed[id][msg.sender] = true;"""
PLAIN = """        uint256 total = a + b;
        emit Sum(total);"""
TRANSFORMS = [missing_access, tx_origin, pay_first, unchecked_send, gas_waste, unchecked_math]


# --------------------------------------------------------------------------- transforms
def test_pay_first_moves_the_transfer_and_its_check_above_the_first_write():
    bad = pay_first(WITHDRAW)
    assert bad.index(".call{value") < bad.index("if (!ok)") < bad.index("pendingReturns[msg.sender] = 0")
    assert bad.index("uint256 amount") < bad.index(".call{value")
    late = "        x = 1;\n        uint256 v = y;\n        z = v;\n        _send(to, v);"
    assert pay_first(late) == "        x = 1;\n        uint256 v = y;\n        _send(to, v);\n        z = v;"  # below `v`
    first = "        uint256 v = y;\n        _send(to, v);\n        z = v;"
    assert pay_first(first) == first  # already pays first


def test_missing_access_drops_leading_access_statements_only():
    assert missing_access(OWNER).lstrip().startswith("if (state != State.Disputed)")
    assert missing_access(BUYER).strip() == "state = State.Confirmed;"
    assert missing_access(ROLE).strip() == "paused = true;"
    assert missing_access(MEMBER).strip() == "confirmed[id][msg.sender] = true;"
    assert missing_access("        require(msg.sender == admin, \"no\");\n        x = 1;").strip() == "x = 1;"
    assert missing_access("        _checkOwner();") == "        _checkOwner();"  # an empty body is not a body
    later = "        x = 1;\n        _checkOwner();"
    assert missing_access(later) == later  # only a leading check is the privileged guard


def test_tx_origin_authenticates_with_the_origin():
    assert "if (tx.origin != owner()) revert OwnableUnauthorizedAccount(tx.origin);" in tx_origin(OWNER)
    assert "if (tx.origin != buyer)" in tx_origin(BUYER)
    assert "if (!hasRole(PAUSER_ROLE, tx.origin)) revert AccessControlUnauthorizedAccount(tx.origin, PAUSER_ROLE);" \
        in tx_origin(ROLE)
    assert "isOwner[tx.origin]" in tx_origin(MEMBER) and "confirmed[id][msg.sender]" in tx_origin(MEMBER)
    assert tx_origin(WITHDRAW) == WITHDRAW  # msg.sender as a key is no authentication
    checked = "        _checkCanCall(_msgSender(), _msgData());\n        x = 1;"
    assert tx_origin(checked) == checked


def test_unchecked_send_drops_the_check():
    w = unchecked_send(WITHDRAW)
    assert 'payable(msg.sender).call{value: amount}("");' in w and "(bool ok" not in w and "if (!ok)" not in w
    assert "payable(msg.sender).send(amount);" in unchecked_send(ESCROW)
    assert unchecked_send("        _send(msg.sender, amount + reward);").strip() == \
        "payable(msg.sender).send(amount + reward);"
    req = '        (bool ok, ) = payable(to).call{value: v}("");\n        require(ok, "fail");\n        x = 1;'
    assert unchecked_send(req) == '        payable(to).call{value: v}("");\n        x = 1;'


def test_gas_waste_rereads_storage_only_before_it_is_written():
    g = gas_waste(WITHDRAW)
    assert "if (pendingReturns[msg.sender] == 0)" in g
    assert "pendingReturnsTotal -= amount;" in g and "call{value: amount}" in g  # after the write: the local
    e = gas_waste(ESCROW)
    assert "if (claimable[msg.sender] == 0)" in e and "totalClaimable -= amount;" in e
    stop = "        uint256 v = bal[msg.sender];\n        _touch();\n        if (v == 0) revert Z();"
    assert gas_waste(stop) == stop  # a call might write storage: stop there
    key = "        uint256 v = bal[who];\n        who = other;\n        if (v == 0) revert Z();"
    assert gas_waste(key) == key  # the read's key changed
    local = "        uint256 n = 3;\n        uint256 v = n;\n        if (v == 0) revert Z();"
    assert gas_waste(local) == local  # a copy of a local is no storage read
    loop = "        uint256 n = items.length;\n        for (uint256 i; i < n; ++i) {\n            s += items[i];\n        }"
    assert "i < items.length;" in gas_waste(loop)


def test_unchecked_math_wraps_state_arithmetic_in_one_block():
    u = unchecked_math(ESCROW)
    assert "unchecked {\n            totalClaimable -= amount;\n            totalPaid += amount;\n        }" in u
    assert unchecked_math("        uint256 s = 0;\n        s += x;") == "        uint256 s = 0;\n        s += x;"


@pytest.mark.parametrize("f", TRANSFORMS, ids=lambda f: f.__name__)
def test_transforms_are_idempotent_and_leave_absent_patterns_alone(f):
    for body in (WITHDRAW, ESCROW, OWNER, BUYER, ROLE, MEMBER):
        once = f(body)
        assert f(once) == once
    assert f(PLAIN) == PLAIN
    assert f({"not": "text"}) == {"not": "text"}


def test_habits_compose_in_the_fixed_order_and_record_what_fired():
    body = OWNER + "\n" + WITHDRAW
    m = habit_model(["unchecked-math", "missing-access", "pay-first", "unchecked-send"], answers=[body])
    out = m.complete([{"role": "system", "content": "You write."}, {"role": "user", "content": "Slot: x"}])
    assert "_checkOwner" not in out and 'payable(msg.sender).call{value: amount}("");' in out
    assert out.index("call{value") < out.index("pendingReturns[msg.sender] = 0")
    assert "unchecked {\n" in out
    assert [n for _, n in m.fired] == ["missing-access", "pay-first", "unchecked-send", "unchecked-math"]
    assert m.describe().startswith("scripted (1 answers, defects missing-access, pay-first")
    old = ScriptedModel(["x = 1;"], defect=Defect("d", lambda a, _: a + " y = 2;"),
                        defects=[Defect("e", lambda a, _: a)])
    assert old.complete([]) == "x = 1; y = 2;" and old.defect.name == "d" and old.fired == [(0, "d")]
    with pytest.raises(ValueError, match="unknown habit"):
        habit_model(["no-such-habit"])


# --------------------------------------------------------------------------- cures
def _msgs(rules=(), example=None, hints=None):
    from synth.strategy import load_strategy
    from synth.strategy.model import Example, Rule

    return _prompt(load_strategy().replace(rules=tuple(Rule(f"r{i}", t) for i, t in enumerate(rules)),
                                           examples=(Example("escrow", "resolve", example),) if example else ()),
                   hints)


def _prompt(strategy, hints=None):
    from synth.generators.model import ModelGenerator, build_messages

    spec = _spec("escrow")
    skeleton, slots = ModelGenerator(None, strategy).skeleton(spec)
    name, header = slots[0]
    fb = None
    if hints is not None:
        fb = [("x = 1;", "That body failed verification:\n- tx-origin in f: uses tx.origin; ignores return value"
                         " by send, state written after the call\n"
               + (("Hints:\n" + "\n".join(f"- {h}" for h in hints)) if hints else "")
               + "\nWrite the corrected body (statements only).")]
    return build_messages(strategy, spec, skeleton, name, header, fb)


def _spec(kind, i=-1):
    from synth.grid import grid_specs
    from synth.spec import parse_spec_text

    return parse_spec_text(yaml.safe_dump(grid_specs([kind])[i]), f"{kind}.yaml")


def test_the_default_prompt_cures_nothing():
    msgs = _msgs()
    assert not any(h.cured(msgs) for h in ALL_HABITS)
    assert not any(h.cured(_msgs(hints=[])) for h in ALL_HABITS)  # the verifier's findings are no hint


@pytest.mark.parametrize("h", ALL_HABITS, ids=lambda h: h.name)
def test_each_habit_yields_to_its_rule_and_its_hint_only(h):
    assert h.cured(_msgs(rules=[h.rule]))
    assert h.cured(_msgs(hints=[h.hint]))
    others = [o for o in ALL_HABITS if o.name != h.name]
    assert not any(o.cured(_msgs(rules=[h.rule], hints=[h.hint])) for o in others), h.name
    entry = HABIT_CATALOGUE[h.name]
    assert entry["rule"] == h.rule and len(h.rule) <= 300 and not any(c.isdigit() for c in h.rule)
    assert set(entry) == {"checks", "rule", "hint"}


def test_the_shipped_catalogue_rules_cure_their_habits():
    from synth.strategy.catalogue import CATALOGUE

    assert topic_in("pay-first", CATALOGUE["reentrancy-eth"][0]["text"])
    assert topic_in("unchecked-send", CATALOGUE["unchecked-send"][0]["text"])
    assert topic_in("unchecked-send", CATALOGUE["unchecked-lowlevel"][0]["text"])
    from synth.strategy.demo import cei_cured

    assert cei_cured(_msgs(rules=[HABITS["pay-first"].rule]))  # the demo model yields to the same rule


def test_missing_access_is_cured_by_imitating_a_verified_privileged_body():
    h = HABITS["missing-access"]
    assert h.cured(_msgs(example=OWNER)) and cured_by_example(_msgs(example=ROLE))
    assert not h.cured(_msgs(example=WITHDRAW))  # an example without an access check teaches nothing
    assert "Hints:" not in feedback_text(_msgs(hints=["x"])) and set(TOPICS) == set(HABITS)


def test_a_cured_habit_does_not_fire():
    m = habit_model(["pay-first"], answers=[WITHDRAW])
    assert m.complete(_msgs(rules=[HABITS["pay-first"].rule])) == WITHDRAW and m.fired == []
    assert m.complete(_msgs()) != WITHDRAW and m.fired == [(1, "pay-first")]


def test_cli_model_names():
    from synth.cli_strategy import _client

    assert [d.name for d in _client("habits").defects] == [h.name for h in ALL_HABITS]
    assert [d.name for d in _client("habits:tx-origin,pay-first").defects] == ["tx-origin", "pay-first"]
    import click

    with pytest.raises(click.UsageError):
        _client("habits:nope")


# --------------------------------------------------------------------------- end to end
def _verify(kind, habits):
    from synth.generators.model import ModelGenerator
    from synth.strategy import load_strategy
    from synth.strategy.evaluate import VerifierConfig, verify_source

    spec = _spec(kind)
    m = habit_model(habits)
    a = ModelGenerator(m, load_strategy(), compile_check=False).attempt(spec)
    assert a.ok, (a.status, a.error)
    return verify_source(spec, a.source, VerifierConfig(), None, None), m


def _privileged_kind(prefer):
    from synth.generators.solidity_edit import find_slots
    from synth.kinds import get_kind

    for kind in prefer:
        spec = _spec(kind)
        if any(s.privileged for s in find_slots(get_kind(kind).render(spec))):
            return kind
    pytest.skip("no kind has a privileged slot yet")


_REFERENCE: dict[str, dict] = {}


def _reference(kind):
    if kind not in _REFERENCE:
        _REFERENCE[kind] = _verify(kind, [])[0]
    return _REFERENCE[kind]


# (habit, kind): one spec per habit where it applies and verification sees it
E2E = [("missing-access", "escrow"), ("tx-origin", "escrow"), ("pay-first", "vesting"),
       ("unchecked-send", "escrow"), ("unchecked-math", "escrow")]


@pytest.mark.parametrize("name,kind", E2E, ids=[n for n, _ in E2E])
def test_verification_sees_the_habit(name, kind):
    if name in ("missing-access", "tx-origin"):
        kind = _privileged_kind([kind, "multisig"])
    ref = _reference(kind)
    assert ref["passed"], ref["messages"]
    v, m = _verify(kind, [name])
    assert m.fired and {n for _, n in m.fired} == {name}
    assert not v["passed"]
    assert set(v["checks"]) & set(HABITS[name].checks), (v["checks"], v["messages"])


def test_gas_waste_passes_but_costs_more_gas():
    ref = _reference("escrow")
    v, m = _verify("escrow", ["gas-waste"])
    assert m.fired and v["passed"], v["messages"]
    assert v["gas"] > ref["gas"] > 0


def test_a_repair_hint_makes_the_habit_pass_after_repair():
    """Round 1 fails on the habit's check; the feedback carries the catalogue hint for that check;
    round 2 yields to it and passes."""
    from synth.generators.model import ModelGenerator
    from synth.strategy import load_strategy
    from synth.strategy.evaluate import VerifierConfig, feedback, verify_source

    h = HABITS["tx-origin"]
    strategy = load_strategy()
    strategy = strategy.replace(hints=tuple(strategy.hints) + tuple((c, h.hint) for c in h.checks))
    spec = _spec("escrow")
    m = habit_model([h])
    gen = ModelGenerator(m, strategy, compile_check=False)
    first = gen.attempt(spec)
    v1 = verify_source(spec, first.source, VerifierConfig(), None, None)
    assert "tx-origin" in v1["checks"]
    second = gen.attempt(spec, feedback=feedback(strategy, first, v1), round=2)
    assert "tx.origin" not in second.source
    assert verify_source(spec, second.source, VerifierConfig(), None, None)["passed"]
    assert m.fired and all(i < len(first.answers) for i, _ in m.fired)  # fired in round 1 only
