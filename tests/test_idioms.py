"""Audited idioms (verify/static/idioms.py, verify/checks/static/arithmetic.py) on real compiles:
each idiom's finding stays, below high, with the reason in its message and the severity it had in
``evidence.idiom``; the same pattern without the idiom stays high."""

from __future__ import annotations

from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parent / "fixtures" / "static"


def _final(name: str) -> dict[tuple[str, str | None, int], dict]:
    """The file's findings as the report has them (static only, after the cross-check), keyed by
    (check, function, first line)."""
    from verify.compile import Compiler
    from verify.pipeline import VerifyOptions, verify_file

    r = verify_file(STATIC / name, Compiler(install=False), VerifyOptions(static_only=True))
    assert r["status"] == "ok", (r["status"], r["error"], r["notes"])
    return {(f["check"], f["function"], (f["lines"] or [0])[0]): f for f in r["findings"]}


@pytest.fixture(scope="module")
def idioms08():
    return _final("audited_idioms_08.sol")


def _lowered(f: dict, severity: str, reason: str, before: str = "high") -> None:
    assert f["severity"] == severity, f
    assert reason in f["message"] and f"[not {before}:" in f["message"], f["message"]
    assert f["evidence"]["idiom"]["severity_before"] == before


def test_incorrect_exp_xor_is_informational_and_typo_stays_high(idioms08):
    _lowered(idioms08[("incorrect-exp", "inverse", 41)], "informational", "computed value, not a literal base")
    _lowered(idioms08[("incorrect-exp", "slot", 46)], "informational", "xor(...) in inline assembly")
    typo = idioms08[("incorrect-exp", "cap", 51)]
    assert typo["severity"] == "high" and "not high" not in typo["message"]


def test_msg_value_zero_guard_and_forwarding_are_informational(idioms08):
    _lowered(idioms08[("msg-value-in-nonpayable", "_checkNonPayable", 55)], "informational",
             "only compared to 0 to revert")
    _lowered(idioms08[("msg-value-in-nonpayable", "_install", 101)], "informational", "modifier withHook")
    fee = idioms08[("msg-value-in-nonpayable", "_requireFee", 66)]
    assert fee["severity"] == "high" and "idiom" not in (fee["evidence"] or {})


def test_public_send_behind_only_modifier_is_low(idioms08):
    _lowered(idioms08[("arbitrary-send-eth", "relay", 77)], "low", "guarded by onlyGovernance")
    assert idioms08[("arbitrary-send-eth", "sweep", 82)]["severity"] == "high"


def test_private_shadowed_variable_is_informational(idioms08):
    _lowered(idioms08[("shadowing-state", None, 18)], "informational", "Base._secret is private")
    got = _final("audited_shadowing_05.sol")
    _lowered(got[("shadowing-state", None, 24)], "informational", "Base05.owner is private")
    hidden = got[("shadowing-state", None, 25)]
    assert hidden["severity"] == "high" and "not high" not in hidden["message"]


def test_proxy_fallback_return_is_informational_elsewhere_high():
    proxy = _final("audited_proxy_08.sol")
    _lowered(proxy[("incorrect-return", "_fallback", 22)], "informational", "a proxy's fallback path")
    # a function that calls _fallback and then goes on: its `return 1` never runs
    after = proxy[("incorrect-return", "upgradeAndGet", 22)]
    assert after["severity"] == "high" and "not high" not in after["message"]
    halt = [f for k, f in _final("audited_halt_08.sol").items() if k[0] == "incorrect-return"]
    assert halt and all(f["severity"] == "high" for f in halt)


def test_governance_execution_is_medium_not_low():
    got = _final("audited_governance_08.sol")
    _lowered(got[("arbitrary-send-eth", "_executeOperations", 53)], "medium",
             "targets the contract's own governance process chose")


def test_unchecked_with_a_stated_proof_is_low_without_one_high():
    got = {(k[1], k[2]): f for k, f in _final("audited_unchecked_comments_08.sol").items()
           if k[0] == "ouro-arithmetic"}
    assert {k: f["severity"] for k, f in got.items()} == {
        ("burnSupply", 19): "low", ("burnAll", 26): "low", ("removeExtra", 38): "low",
        ("increaseBalance", 44): "low", ("transfer", 52): "low",
        ("mintSupply", 61): "high", ("debit", 67): "high", ("creditWide", 73): "high",
    }
    assert "amount <= _balances[from][id] <= _totalSupplies[id]" in got[("burnSupply", 19)]["message"]
    assert "Overflow not possible" in got[("burnAll", 26)]["message"]
    assert "also safe" in got[("removeExtra", 38)]["message"] or "bounded by" in got[("removeExtra", 38)]["message"]
    assert "adds a uint128" in got[("increaseBalance", 44)]["message"]
    assert "check at line 50" in got[("transfer", 52)]["message"]
    assert "not high" not in got[("mintSupply", 61)]["message"]
