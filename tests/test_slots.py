"""Slots in every kind's core logic: where they are, how a privileged slot is opened, and that the
template's own bodies (the reference answers) pass verification while a body without its access
check fails the slot's ``access_`` scenario."""

from __future__ import annotations

import re

import pytest
import yaml

from synth.generators.model import ModelGenerator, build_messages
from synth.generators.solidity_edit import (check_statements, fill_slot, find_slots, open_slot, placeholder_comment,
                                            reference_body)
from synth.grid import grid_specs
from synth.kinds import get_kind
from synth.models import ScriptedModel
from synth.spec import parse_spec_text
from synth.strategy.demo import reference_answer

# kind -> {slot: the option that must be on for it (None: every variant)}
SLOTS = {
    "staking": {"withdraw": None, "getReward": None, "updateReward": None, "notifyRewardAmount": None,
                "recoverSurplus": None},
    "vesting": {"vestingSchedule": None, "release": None, "revoke": "revocable"},
    "auction": {"withdraw": None, "collectProceeds": None, "claimLot": "erc721_lot",
                "cancel": "cancellable"},
    "escrow": {"confirm": None, "withdraw": None, "resolve": "disputes"},
    "crowdsale": {"buyTokens": None, "withdrawFunds": None, "claimRefund": "refundable"},
    "multisig": {"execute": None, "confirm": None, "getConfirmationCount": None},
    "erc4626": {"withdraw": None, "feeOnRaw": "fees", "feeOnTotal": "fees", "pause": "pausable",
                "redeemETH": "!existing_asset"},
}
PRIVILEGED = {("staking", "notifyRewardAmount"), ("staking", "recoverSurplus"), ("vesting", "revoke"),
              ("auction", "collectProceeds"), ("auction", "cancel"), ("escrow", "confirm"), ("escrow", "resolve"),
              ("crowdsale", "withdrawFunds"), ("multisig", "execute"), ("multisig", "confirm"), ("erc4626", "pause")}


def _spec(doc):
    return parse_spec_text(yaml.safe_dump(doc), f"{doc['name']}.yaml")


def _wanted(kind: str, options: dict) -> set[str]:
    out = set()
    for slot, opt in SLOTS[kind].items():
        if opt is None or (opt.startswith("!") and not options.get(opt[1:])) or options.get(opt):
            out.add(slot)
    return out


def _sample(kind: str, n: int = 6) -> list[dict]:
    docs = grid_specs([kind])
    step = max(1, len(docs) // n)
    return docs[::step] + [docs[-1]]


# --------------------------------------------------------------------------- (i) slots in every variant
@pytest.mark.parametrize("kind", sorted(SLOTS))
def test_documented_slots_in_every_sampled_variant(kind):
    for doc in _sample(kind):
        spec = _spec(doc)
        k = get_kind(kind)
        src = k.render(spec)
        slots = find_slots(src)
        assert {s.name for s in slots} == _wanted(kind, doc["options"]), doc["name"]
        scenario_names = {sc.name for sc in k.scenarios(spec)}
        for s in slots:
            # under AccessManaged the template's `restricted` stays in the header: not the model's to write
            managed = "restricted" in s.function.header
            assert s.privileged == ((kind, s.name) in PRIVILEGED and not managed), (doc["name"], s.name)
            if s.privileged:
                assert f"access_{s.name}" in scenario_names, (doc["name"], s.name)
            check_statements(reference_body(src, s))  # every reference body is statements only
        # opening and filling every slot with its reference body gives back the template, modifiers moved
        sk = src
        for s in sorted(slots, key=lambda s: -s.function.start):
            sk = open_slot(sk, s)
        filled = sk
        for s in slots:
            filled = fill_slot(filled, s.name, reference_body(src, s))
        assert len(find_slots(filled)) == len(slots)


# --------------------------------------------------------------------------- (iv) open_slot / reference_body
_SRC = """// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

contract C is Ownable, AccessControl, AccessManaged, ReentrancyGuard {
    modifier onlyBuyer(address who) {
        if (msg.sender != who) revert Nope(msg.sender);
        _;
    }

    /// @custom:ouro-slot a
    function a(uint256 x) external onlyOwner nonReentrant returns (uint256) {
        return x;
    }

    /// @custom:ouro-slot b
    function b() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @custom:ouro-slot c
    function c() external restricted {
        n += 1;
    }

    /// @custom:ouro-slot d
    function d() external onlyBuyer(buyer) nonReentrant {
        n = 0;
    }

    /// @custom:ouro-slot e
    function e() external nonReentrant {
        n = 2;
    }
}
"""


def test_open_slot_drops_access_modifiers_into_statements():
    slots = {s.name: s for s in find_slots(_SRC)}
    assert slots["a"].access == ("_checkOwner();",) and slots["a"].who == ("the owner",)
    assert slots["b"].access == ("_checkRole(PAUSER_ROLE);",)
    assert slots["c"].access == () and not slots["c"].privileged  # AccessManaged's restricted stays in the header
    assert slots["d"].access == ("if (msg.sender != buyer) revert Nope(msg.sender);",)  # the parameter bound
    assert slots["d"].who == ("the buyer",)
    assert slots["e"].access == () and not slots["e"].privileged
    for name, s in slots.items():
        opened = open_slot(_SRC, s)
        f = next(x for x in find_slots(opened) if x.name == name)
        assert not re.search(r"\b(onlyOwner|onlyRole|onlyBuyer|nonReentrant)\b", f.function.header)
        assert ("restricted" in f.function.header) == (name == "c")
        assert f.access == ()  # nothing left to drop
        placeholder = f.body(opened).strip()
        assert placeholder == placeholder_comment(s) and "\n" not in placeholder and placeholder.startswith("//")
        if s.privileged:
            assert placeholder.endswith("privileged (only " + s.who[0] + "): begin with " + s.access[0])
        else:
            assert placeholder == f"// ouro-slot {name}: write this body"
    assert "returns (uint256)" in find_slots(open_slot(_SRC, slots["a"]))[0].function.header
    # access modifiers can be kept
    assert "onlyOwner" in open_slot(_SRC, slots["a"], drop_access=False)
    # a caller's placeholder never leaves its one-line comment
    evil = open_slot(_SRC, slots["e"], placeholder="x\n}\nfunction steal() external {")
    assert "\nfunction steal" not in evil and "// x } function steal() external {" in evil


def test_reference_body_begins_with_the_access_statements():
    slots = {s.name: s for s in find_slots(_SRC)}
    assert reference_body(_SRC, slots["a"]).rstrip().splitlines() == ["        _checkOwner();", "        return x;"]
    assert reference_body(_SRC, slots["e"]).rstrip() == "        n = 2;"
    filled = fill_slot(open_slot(_SRC, slots["d"]), "d", reference_body(_SRC, slots["d"]))
    assert "function d() external {\n        if (msg.sender != buyer) revert Nope(msg.sender);\n        n = 0;\n    }" \
        in filled


def test_prompt_names_the_access_of_a_privileged_slot():
    from synth.strategy.model import load_strategy

    doc = next(d for d in grid_specs(["escrow"]) if d["options"]["disputes"] and not d["options"]["erc20"])
    spec = _spec(doc)
    skeleton, slots = ModelGenerator(ScriptedModel(["x"])).skeleton(spec)
    headers = dict(slots)
    assert "onlyOwner" not in headers["resolve"] and "onlyBuyer" not in headers["confirm"]
    msgs = build_messages(load_strategy(), spec, skeleton, "resolve", headers["resolve"])
    assert "Access: only the owner may call it; begin the body with _checkOwner();" in msgs[1]["content"]
    msgs_w = build_messages(load_strategy(), spec, skeleton, "withdraw", headers["withdraw"])
    assert "Access:" not in msgs_w[1]["content"]
    assert reference_answer(msgs).lstrip().startswith("_checkOwner();")


# --------------------------------------------------------------------------- (ii)/(iii) on a real chain
def _pick(kind: str, **opts) -> dict:
    for d in grid_specs([kind]):
        if all(bool(d["options"].get(k)) == v for k, v in opts.items()):
            return d
    raise LookupError((kind, opts))


# a handful of specs: ETH and ERC-20 variants, every privileged slot present at least once
CHAIN = [
    ("staking", {"erc20_stake": False, "erc20_rewards": False, "pausable": True}),
    ("staking", {"erc20_stake": True, "erc20_rewards": True}),
    ("vesting", {"erc20": False, "revocable": True}),
    ("vesting", {"erc20": True, "revocable": True}),
    ("auction", {"erc20_bids": False, "erc721_lot": False, "cancellable": True}),
    ("auction", {"erc20_bids": True, "erc721_lot": False, "cancellable": True}),
    ("escrow", {"erc20": False, "disputes": True, "arbiter_fee": True}),
    ("escrow", {"erc20": True, "disputes": True}),
    ("crowdsale", {"refundable": True}),
    ("crowdsale", {"refundable": False}),
    ("multisig", {}),
    ("erc4626", {"existing_asset": False, "fees": True, "pausable": True}),
    ("erc4626", {"existing_asset": True, "fees": True}),
]


@pytest.fixture(scope="module")
def compiler():
    from verify.compile import Compiler

    return Compiler(evm_version="cancun")


def _verify(spec, source, compiler, scenarios_only=False):
    from synth.strategy.evaluate import VerifierConfig, verify_source

    cfg = VerifierConfig(static=not scenarios_only, max_examples=4 if scenarios_only else 8,
                         steps=3 if scenarios_only else 6, gas=False)
    return verify_source(spec, source, cfg, compiler, None)


@pytest.mark.parametrize("kind,opts", CHAIN, ids=[f"{k}-{i}" for i, (k, _) in enumerate(CHAIN)])
def test_reference_bodies_pass_verification(kind, opts, compiler):
    spec = _spec(_pick(kind, **opts))
    gen = ModelGenerator(ScriptedModel([reference_answer], cycle=True), compiler=compiler)
    a = gen.attempt(spec)
    assert a.ok, a.error
    assert len(a.answers) == len(find_slots(get_kind(kind).render(spec))) >= 2
    res = _verify(spec, a.source, compiler)
    assert res["passed"] and not res["checks"], res["messages"]


# one privileged slot per kind (both ownable and the other access modes where the kind has them)
DISCRIMINATE = [
    ("staking", {"erc20_stake": False, "erc20_rewards": False}, "recoverSurplus", "ownable"),
    ("staking", {"erc20_stake": True, "erc20_rewards": True}, "notifyRewardAmount", "roles"),
    ("vesting", {"revocable": True}, "revoke", "ownable"),
    ("auction", {"erc20_bids": False, "erc721_lot": False}, "collectProceeds", "ownable"),
    ("escrow", {"disputes": True}, "resolve", "ownable"),
    ("escrow", {"erc20": False}, "confirm", "ownable"),
    ("crowdsale", {}, "withdrawFunds", "roles"),
    ("multisig", {}, "execute", None),
    ("erc4626", {"pausable": True}, "pause", "ownable"),
]


@pytest.mark.parametrize("kind,opts,slot,access", DISCRIMINATE, ids=[f"{k}-{s}" for k, _, s, _ in DISCRIMINATE])
def test_missing_access_check_fails_the_access_scenario(kind, opts, slot, access, compiler):
    doc = next(d for d in grid_specs([kind]) if (access is None or d["access"] == access)
               and all(bool(d["options"].get(k)) == v for k, v in opts.items()))
    spec = _spec(doc)

    def unguarded(messages):
        body = reference_answer(messages)
        if re.search(rf"^Slot: {slot}$", messages[1]["content"], re.M):
            src = get_kind(kind).render(spec)
            s = next(s for s in find_slots(src) if s.name == slot)
            assert s.access and body.lstrip().startswith(s.access[0])
            body = "\n".join(ln for ln in body.splitlines() if ln.strip() not in s.access)
        return body

    gen = ModelGenerator(ScriptedModel([unguarded], cycle=True), compiler=compiler)
    a = gen.attempt(spec)
    assert a.ok, a.error
    res = _verify(spec, a.source, compiler, scenarios_only=True)
    assert not res["passed"]
    failed = [m for m in res["messages"] if m.startswith("scenario ")]
    assert any(m.startswith(f"scenario access_{slot}:") for m in failed), res["messages"]
