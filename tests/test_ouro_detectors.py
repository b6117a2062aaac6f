"""ouro's own Slither detectors (verify/checks/static/) on real compiles: each finds its planted
flaw at the right statements, and stays silent on the safe twin."""

from __future__ import annotations

from pathlib import Path

import pytest

from verify.checks import ouro_detectors
from verify.static.slither_categories import DASP10
from verify.static.slither_runner import run_slither

STATIC = Path(__file__).resolve().parent / "fixtures" / "static"
SOLIDITY = Path(__file__).resolve().parent / "fixtures" / "solidity"

EXPECTED_CHECKS = {
    "ouro-arithmetic": "arithmetic",
    "ouro-tx-origin-modifier": "access-control",
    "ouro-weak-randomness": "bad-randomness",
    "ouro-front-running": "front-running",
    "ouro-dos-push-payment": "denial-of-service",
    "ouro-time-manipulation": "time-manipulation",
    "ouro-tod-amount": "front-running",
    "ouro-tod-receiver": "front-running",
}


def _as_dict(result: dict, file: str) -> dict:
    """A Slither result as a finding dict."""
    from verify.report import finding_from_slither

    return finding_from_slither(result).to_dict()


@pytest.fixture(scope="module")
def analyse(compiler):
    """run_slither once per file for the whole module; returns (run, findings as dicts)."""
    cache: dict[Path, tuple] = {}

    def get(path: Path):
        if path not in cache:
            run = run_slither(path, compiler)
            assert run.error is None, run.error
            cache[path] = (run, [_as_dict(r, run.file) for r in run.results])
        return cache[path]

    return get


def _hits(analyse, name: str, check: str, where: Path = STATIC) -> list[dict]:
    _, findings = analyse(where / name)
    return [f for f in findings if f["check"] == check]


# (file, solc version, check, {(function, lines), ...}) -- one finding per flagged statement/modifier.
VULNERABLE = [
    ("arith_underflow_04.sol", "0.4.24", "ouro-arithmetic", {
        ("transfer", (10,)), ("transfer", (11,)), ("increaseLockTime", (15,)),
        ("batchMint", (19,)), ("batchMint", (20,)), ("batchMint", (21,)),
        ("burn", (26,)),  # require(balance - value >= 0) checks the wrapped value: no guard
    }),
    ("unchecked_block_08.sol", "0.8.37", "ouro-arithmetic", {("withdraw", (16,)), ("withdraw", (17,))}),
    ("txorigin_modifier_05.sol", "0.5.17", "ouro-tx-origin-modifier", {("onlyOwner", (12,))}),
    ("weak_random_06.sol", "0.6.12", "ouro-weak-randomness", {
        ("draw", (15,)), ("guess", (23,)), ("pick", (33,)), ("pickByHelper", (41,)),
    }),
    ("front_running_05.sol", "0.5.17", "ouro-front-running", {("solve", (19, 20)), ("claimTokens", (24, 25))}),
    ("dos_push_05.sol", "0.5.17", "ouro-dos-push-payment", {("claimThrone", (11,)), ("payout", (23,))}),
    ("dos_push_08.sol", "0.8.37", "ouro-dos-push-payment", {("bid", (13, 14)), ("rebate", (23, 24))}),
    ("time_equality_07.sol", "0.7.6", "ouro-time-manipulation", {("spin", (17,)), ("claim", (23,))}),
    ("tod_reward_05.sol", "0.5.17", "ouro-tod-amount", {("submit", (33,))}),
    ("tod_price_08.sol", "0.8.37", "ouro-tod-amount", {
        ("fill", (53,)), ("fill", (54,)), ("sell", (60,)),  # paid at the ask / bid of the moment
        ("buyPoints", (65,)),  # msg.value exchanged at the ask of the moment
    }),
    ("tod_bounty_04.sol", "0.4.24", "ouro-tod-receiver", {("payBounty", (34,))}),
]

SAFE = [
    ("arith_safe_04.sol", "ouro-arithmetic"),
    ("arith_checked_08.sol", "ouro-arithmetic"),
    ("txorigin_safe_05.sol", "ouro-tx-origin-modifier"),
    ("weak_random_safe_06.sol", "ouro-weak-randomness"),
    ("front_running_safe_05.sol", "ouro-front-running"),
    ("dos_pull_08.sol", "ouro-dos-push-payment"),
    ("time_safe_07.sol", "ouro-time-manipulation"),
    ("tod_safe_08.sol", "ouro-tod-amount"),
    ("tod_safe_08.sol", "ouro-tod-receiver"),
]


@pytest.mark.parametrize("name, version, check, expected", VULNERABLE, ids=[v[0] for v in VULNERABLE])
def test_vulnerable_file_is_reported_at_the_statements(analyse, name, version, check, expected):
    run, _ = analyse(STATIC / name)
    assert run.version == version
    hits = _hits(analyse, name, check)
    assert {(f["function"], tuple(f["lines"])) for f in hits} == expected, [f["message"] for f in hits]
    for f in hits:
        assert f["category"] == EXPECTED_CHECKS[check]
        assert f["lines"] and f["message"]
        assert f["severity"] in ("high", "medium", "low")


@pytest.mark.parametrize("name, check", SAFE, ids=[f"{s[0]}-{s[1]}" for s in SAFE])
def test_safe_twin_is_not_reported(analyse, name, check):
    hits = _hits(analyse, name, check)
    assert hits == [], [(f["function"], f["lines"], f["message"]) for f in hits]


def test_tx_origin_modifier_names_the_guarded_functions(analyse):
    (f,) = _hits(analyse, "txorigin_modifier_05.sol", "ouro-tx-origin-modifier")
    assert "withdrawAll" in f["message"] and "changeOwner" in f["message"]
    # Slither's own tx-origin detector does not look inside modifiers.
    assert _hits(analyse, "txorigin_modifier_05.sol", "tx-origin") == []


def test_weak_randomness_covers_what_weak_prng_misses(analyse):
    ours = {tuple(f["lines"]) for f in _hits(analyse, "weak_random_06.sol", "ouro-weak-randomness")}
    slithers = {tuple(f["lines"]) for f in _hits(analyse, "weak_random_06.sol", "weak-prng")}
    # block.difficulty/coinbase, a blockhash comparison and a stored block.number seed.
    missed = {(15,), (23,), (33,)}
    assert missed <= ours
    assert not (missed & slithers)


def test_dos_push_payment_marks_loops(analyse):
    by_function = {f["function"]: f["message"] for f in _hits(analyse, "dos_push_05.sol", "ouro-dos-push-payment")}
    assert "in a loop" in by_function["payout"] and "in a loop" not in by_function["claimThrone"]
    assert "king" in by_function["claimThrone"] and "payees" in by_function["payout"]


def test_time_manipulation_skips_once_per_block_guard(analyse):
    lines = {ln for f in _hits(analyse, "time_equality_07.sol", "ouro-time-manipulation") for ln in f["lines"]}
    assert 15 not in lines  # require(block.timestamp != pastBlockTime)


TOD = ["tod_reward_05.sol", "tod_price_08.sol", "tod_bounty_04.sol"]


@pytest.mark.parametrize("name", TOD)
def test_tod_race_is_reported_under_one_check_only(analyse, name):
    """An amount race is not also a receiver race, and the other way round."""
    _, findings = analyse(STATIC / name)
    tod = {(f["check"], f["function"], tuple(f["lines"])) for f in findings if f["check"].startswith("ouro-tod-")}
    expected = {(check, fn, lines) for file, _, check, hits in VULNERABLE if file == name for fn, lines in hits}
    assert tod == expected


def test_tod_names_the_writer_and_who_may_call_it(analyse):
    (reward,) = _hits(analyse, "tod_reward_05.sol", "ouro-tod-amount")
    assert "reward is written by FactorChallenge05.setReward(uint256) at line 22 (owner-guarded)" in reward["message"]
    (bounty,) = _hits(analyse, "tod_bounty_04.sol", "ouro-tod-receiver")
    assert "hunter is written by BugBounty04.fileReport(bytes32) at line 21 (callable by anyone)" in bounty["message"]
    # bounty is set by the maintainer, who is also the only one paying it: no amount race.
    assert _hits(analyse, "tod_bounty_04.sol", "ouro-tod-amount") == []
    by_function = {f["function"]: f["message"] for f in _hits(analyse, "tod_price_08.sol", "ouro-tod-amount")}
    assert "exchanges the ETH it is sent at a rate" in by_function["buyPoints"]
    assert "ask is written by PointsDesk08.setPrices(uint256,uint256) at line 36" in by_function["buyPoints"]
    assert "sends ETH whose amount" in by_function["sell"] and "bid is written" in by_function["sell"]


def test_installed_library_code_is_not_reported(analyse):
    """OpenZeppelin (node_modules) uses `unchecked` on invariant-guarded sums: not the target's flaw."""
    run, findings = analyse(SOLIDITY / "v08_token.sol")
    assert "ERC20" in run.contracts
    assert [f for f in findings if f["check"].startswith("ouro-")] == []


def test_every_ouro_detector_declares_a_dasp10_category():
    detectors = ouro_detectors()
    assert {cls.ARGUMENT: cls.CATEGORY for cls in detectors}.items() >= EXPECTED_CHECKS.items()
    for cls in detectors:
        assert cls.ARGUMENT.startswith("ouro-"), cls
        assert cls.CATEGORY in DASP10, (cls.ARGUMENT, cls.CATEGORY)
        for attr in ("HELP", "WIKI", "WIKI_TITLE", "WIKI_DESCRIPTION", "WIKI_EXPLOIT_SCENARIO",
                     "WIKI_RECOMMENDATION"):
            assert isinstance(getattr(cls, attr), str) and getattr(cls, attr).strip(), (cls.ARGUMENT, attr)
    assert len({cls.ARGUMENT for cls in detectors}) == len(detectors)


def test_ouro_detectors_run_with_slithers(analyse):
    run, _ = analyse(STATIC / "dos_push_05.sol")
    assert run.detectors_run >= 90 + len(EXPECTED_CHECKS)


# ---- audited idioms: not high, the reason in the message; the same shapes without them stay high

def _final(name: str) -> dict[tuple[str, str, tuple], dict]:
    """The file's findings as the report has them (static only, after the cross-check)."""
    from verify.compile import Compiler
    from verify.pipeline import VerifyOptions, verify_file

    r = verify_file(STATIC / name, Compiler(install=False), VerifyOptions(static_only=True))
    assert r["status"] == "ok", (r["status"], r["notes"])
    return {(f["check"], f["function"], tuple(f["lines"])): f for f in r["findings"]}


@pytest.fixture(scope="module")
def clock05():
    return _final("audited_clock_05.sol")


def test_clock_truncation_is_not_randomness(clock05):
    """uint32(block.timestamp % 2**32): no ouro-weak-randomness, Slither's weak-prng informational."""
    assert not [k for k in clock05 if k[0] == "ouro-weak-randomness" and k[1] == "update"]
    prng = clock05[("weak-prng", "update", (15,))]
    assert prng["severity"] == "informational" and "truncated to 32 bits" in prng["message"]
    assert prng["evidence"]["idiom"]["severity_before"] == "high"
    assert not [k for k in clock05 if k[0] == "ouro-time-manipulation"]
    # a coin flip (% 2) and a pick among players stay high, in both checks
    for fn, line in (("flip", 30), ("draw", 34)):
        for check in ("ouro-weak-randomness", "weak-prng"):
            assert clock05[(check, fn, (line,))]["severity"] == "high", (check, fn)


def test_intended_wrap_on_solc_05_is_informational(clock05):
    elapsed = clock05[("ouro-arithmetic", "update", (16,))]
    assert elapsed["severity"] == "informational" and "modular uint32" in elapsed["message"]
    acc = clock05[("ouro-arithmetic", "update", (19,))]
    assert acc["severity"] == "informational" and "overflow is desired" in acc["message"]
    plain = clock05[("ouro-arithmetic", "addVolume", (26,))]
    assert plain["severity"] == "high" and "not high" not in plain["message"]


def test_bounded_unchecked_is_low_and_unbounded_stays_high(analyse):
    _, findings = analyse(STATIC / "audited_unchecked_08.sol")
    got = {(f["function"], tuple(f["lines"])): f for f in findings if f["check"] == "ouro-arithmetic"}
    assert {k: f["severity"] for k, f in got.items()} == {
        ("mint", (16,)): "low", ("burnToken", (24,)): "low", ("moveToken", (32,)): "low",
        ("credit", (40,)): "high", ("debitToken", (47,)): "high",
    }
    assert "added to `totalSupply` with checked arithmetic" in got[("mint", (16,))]["message"]
    assert "check at line 22" in got[("burnToken", (24,))]["message"]
    assert "check at line 30" in got[("moveToken", (32,))]["message"]


def test_send_only_a_privileged_caller_reaches_is_low():
    got = _final("audited_privileged_send_08.sol")
    helper = got[("arbitrary-send-eth", "_send", (35,))]
    assert helper["severity"] == "low" and "execute (onlyRoleOrOpenRole)" in helper["message"]
    assert got[("arbitrary-send-eth", "_pay", (44,))]["severity"] == "high"
