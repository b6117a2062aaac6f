"""Deployment planning on real contracts: every ABI type, contract-typed parameters, and a
constructor nothing can satisfy (a note naming the parameter, the static results kept)."""

from pathlib import Path

import pytest

from verify.pipeline import VerifyOptions, verify_file

FIX = Path(__file__).resolve().parent / "fixtures" / "dynamic"


@pytest.fixture(scope="module")
def planned(compiler):
    return verify_file(FIX / "PlannedConstructor08.sol", compiler, VerifyOptions(seed=0, max_examples=30))


def test_a_constructor_of_arrays_bytes_strings_struct_enum_and_contracts_is_planned_and_searched(planned):
    assert planned["status"] == "ok", planned["notes"]
    assert "FeeSplitter" in planned["dynamic"]["properties"]
    sweep = [f for f in planned["findings"] if f["contract"] == "FeeSplitter" and f["confirmed"] is True
             and f["category"] == "access-control"]
    assert sweep, [(f["check"], f["confirmed"]) for f in planned["findings"]]
    plan = sweep[0]["evidence"]["deployment"]
    payees, shares, memo, label, limits, mode, registry, log = plan["args"]
    assert isinstance(payees, list) and len(payees) == len(shares) > 0
    assert isinstance(label, str) and isinstance(limits, list) and len(limits) == 3
    assert limits[2] is False  # a plan that reverts ("paused at launch") was not kept
    assert 0 <= mode < 3
    # the registry and the address called as IAuditLog are deployed instances, passed by reference
    deps = [d["contract"] for d in plan["dependencies"]]
    assert registry == {"$dep": deps.index("Registry")} and log == {"$dep": deps.index("AuditLog")}
    assert sweep[0]["evidence"]["replay"]["reproduced"] is True


def test_a_constructor_no_plan_satisfies_gets_a_note_naming_the_parameter_and_keeps_static(compiler):
    res = verify_file(FIX / "UndeployableSecret08.sol", compiler, VerifyOptions(seed=0, max_examples=10))
    assert res["error"] is None and res["status"] in ("ok", "partial")
    [note] = [n for n in res["notes"] if "SecretVault" in n and "constructor" in n]
    assert "bytes32 launchCode" in note and "--constructor-args" in note and "wrong launch code" in note
    assert any(f["check"] == "arbitrary-send-eth" and f["confirmed"] is None for f in res["findings"])
