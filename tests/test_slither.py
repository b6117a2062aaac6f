"""Slither's Python API on real compiles of every compiler generation, with its real detectors."""

from pathlib import Path

import pytest

from verify.static.slither_categories import CATEGORIES, DASP10
from verify.static.slither_runner import all_detector_classes, run_slither


@pytest.mark.parametrize(
    "name, version, check, contract, function, lines",
    [
        ("v04_bank.sol", "0.4.24", "reentrancy-eth", "Bank04", "withdraw", [13, 14]),
        ("v05_wallet.sol", "0.5.17", "tx-origin", "Wallet05", "transferTo", [14]),
        ("v06_killable.sol", "0.6.12", "suicidal", "Killable06", "kill", [11, 12, 13]),
        ("v07_lottery.sol", "0.7.6", "weak-prng", "Lottery07", "draw", [8]),
        ("v08_token.sol", "0.8.37", "unchecked-transfer", "Token08", "sweep", [15]),
    ],
)
def test_slither_api_finds_the_planted_flaw(compiler, fixtures_dir, name, version, check, contract, function, lines):
    from verify.report import finding_from_slither

    run = run_slither(fixtures_dir / name, compiler)
    assert run.error is None
    assert run.version == version
    assert run.detectors_run >= len(all_detector_classes()) > 90
    assert contract in run.contracts
    hits = [finding_from_slither(r).to_dict() for r in run.results if r["check"] == check]
    assert hits, f"{check} not reported; got {run.by_check()}"
    f = hits[0]
    assert (f["contract"], f["function"], f["lines"]) == (contract, function, lines)
    assert f["severity"] in ("high", "medium")


def test_openzeppelin_contracts_are_analysed_too(compiler, fixtures_dir):
    run = run_slither(fixtures_dir / "v08_token.sol", compiler)
    assert {"ERC20", "IERC20", "Token08"} <= set(run.contracts)


def test_uncompilable_file_is_an_error_not_an_exception(compiler, fixtures_dir):
    run = run_slither(fixtures_dir / "bad_pragma.sol", compiler)
    assert run.results == [] and "^0.9.0" in run.error


def test_every_detector_has_a_dasp10_category():
    missing = [c.ARGUMENT for c in all_detector_classes() if c.ARGUMENT not in CATEGORIES]
    assert missing == []
    assert set(CATEGORIES.values()) <= set(DASP10)


def test_slither_in_a_child_process_reports_what_it_reports_in_process(compiler, fixtures_dir):
    from verify.static.background import start_slither

    path = fixtures_dir / "v04_bank.sol"
    here = run_slither(path, compiler)
    pending = start_slither(path, compiler)
    assert pending._proc is not None  # really forked on this (multi-core Linux) machine
    there = pending.result()
    key = lambda run: sorted((r["check"], r["first_markdown_element"]) for r in run.results)  # noqa: E731
    assert there.error is None and key(there) == key(here) and key(here)


@pytest.mark.parametrize("name", ["v04_bank.sol", "v05_wallet.sol", "v06_killable.sol", "v07_lottery.sol",
                                  "v08_token.sol"])
def test_slither_on_ouros_compile_matches_slither_compiling_itself(compiler, fixtures_dir, name):
    from verify.static import precompiled

    path = fixtures_dir / name
    compiled = compiler.compile_file(path)
    assert precompiled.supports(compiled.version, compiled.raw)
    own = run_slither(path, compiler, version=compiled.version, compiled=compiled)
    theirs = run_slither(path, compiler, version=compiled.version)  # crytic-compile runs solc itself
    key = lambda run: sorted((r["check"], r["first_markdown_element"]) for r in run.results)  # noqa: E731
    assert own.error is None and key(own) == key(theirs) and key(own)


def test_a_compile_without_the_compact_ast_goes_through_crytic_compile():
    from verify.static import precompiled

    assert not precompiled.supports("0.4.11")  # its standard JSON carries only the legacy AST
    legacy = {"sources": {"A.sol": {"legacyAST": {"name": "SourceUnit"}}}}
    assert not precompiled.supports("0.4.24", legacy)
    assert precompiled.supports("0.4.24", {"sources": {"A.sol": {"ast": {"nodeType": "SourceUnit"}}}})


# -- analysers that crash -----------------------------------------------------------------------------
# tests/fixtures/crash/ holds files Slither 0.11.6 really crashes on; each test first shows the crash
# with Slither alone, so a Slither release that fixes it makes the fixture fail loudly, not pass silently.

CRASH = Path(__file__).resolve().parent / "fixtures" / "crash"


def _slither_alone(compiler, path):
    from slither import Slither

    return Slither(str(path), solc=str(compiler.executable(compiler.resolve_version(path))), disallow_partial=False)


def test_an_ir_crash_skips_that_function_and_the_rest_is_analysed(compiler):
    from verify.report import finding_from_slither

    path = CRASH / "TupleCallBank04.sol"
    with pytest.raises(AssertionError):  # Slither alone: nothing at all
        _slither_alone(compiler, path)
    compiled = compiler.compile_file(path)
    run = run_slither(path, compiler, version=compiled.version, compiled=compiled)
    assert run.error is None and run.skipped == ["TupleCallBank04.withdraw"]
    [crash] = run.crashes
    assert (crash.analyser, crash.exception, crash.scope) == ("slither", "AssertionError", "TupleCallBank04.withdraw")
    assert crash.where == "expression_to_slithir.py:213" and "without the body of TupleCallBank04.withdraw" in crash.note()
    assert "\n" not in crash.note() and "Traceback" not in crash.note()
    assert run.detectors_run >= len(all_detector_classes()) > 90  # every detector ran on the rest
    found = [finding_from_slither(r) for r in run.results]
    # ouro's own detector still sees the unchecked subtraction in transfer (lines 15 and 16)
    assert sorted(f.lines[0] for f in found if f.check == "ouro-arithmetic" and f.function == "transfer") == [15, 16]
    # withdraw's body was not analysed, so "the contract never sends ether" would be a false claim
    assert not [f for f in found if f.check == "locked-ether"]


def test_a_folding_crash_in_a_function_body_skips_that_body(compiler):
    from slither.visitors.expression.constants_folding import NotConstant

    from verify.report import finding_from_slither

    path = CRASH / "FoldedLengthLottery04.sol"
    with pytest.raises(NotConstant):
        _slither_alone(compiler, path)
    run = run_slither(path, compiler)  # through crytic-compile: the same AST, the same recovery
    assert run.error is None and run.skipped == ["FoldedLengthLottery04.recentCount"]
    assert [(c.analyser, c.exception) for c in run.crashes] == [("slither", "NotConstant")]
    found = {(f.check, f.function) for f in map(finding_from_slither, run.results)}
    assert {("weak-prng", "draw"), ("ouro-weak-randomness", "draw")} <= found


def test_a_folding_crash_outside_functions_leaves_nothing_to_analyse(compiler):
    path = CRASH / "FoldedLengthRegistry04.sol"
    compiled = compiler.compile_file(path)
    run = run_slither(path, compiler, version=compiled.version, compiled=compiled)
    assert run.results == [] and run.skipped == ["FoldedLengthRegistry04"]
    [crash] = run.crashes
    assert (crash.exception, crash.scope) == ("NotConstant", "FoldedLengthRegistry04")
    assert run.error == crash.note() and "no static analysis" in run.error


def test_several_crashes_in_one_file_each_cost_only_what_they_must(compiler):
    from verify.report import finding_from_slither

    path = CRASH / "CascadePools04.sol"
    run = run_slither(path, compiler)
    assert run.error is None
    outcome = {c.scope: (c.exception, c.outcome) for c in run.crashes}
    assert outcome == {
        "Ledger04": ("NotConstant", "analysed again without contract Ledger04"),
        "Pool04.window": ("NotConstant", "analysed again without the body of Pool04.window"),
        "Pool04.payout": ("AssertionError", "analysed again without contract Pool04 (nor ClaimPool04, derived from it)"),
    }
    assert run.contracts == ["Guard04"] and sorted(run.skipped) == ["ClaimPool04", "Ledger04", "Pool04", "Pool04.window"]
    found = {(f.check, f.contract, f.function) for f in map(finding_from_slither, run.results)}
    assert ("tx-origin", "Guard04", "close") in found
    assert not {c for _check, c, _f in found} - {"Guard04", None}


def _crashing(base, argument):
    from slither.detectors.abstract_detector import DetectorClassification

    def _detect(self):
        raise KeyError(f"{self.ARGUMENT} looked up a node that is not there")

    return type(f"Crashing_{argument.replace('-', '_')}", (base,), {
        "ARGUMENT": argument, "HELP": "always crashes", "IMPACT": DetectorClassification.HIGH,
        "CONFIDENCE": DetectorClassification.HIGH, "WIKI": "-", "WIKI_TITLE": "-", "WIKI_DESCRIPTION": "-",
        "WIKI_EXPLOIT_SCENARIO": "-", "WIKI_RECOMMENDATION": "-", "CATEGORY": "other", "_detect": _detect})


def _half_crashing():
    from verify.checks.static import OuroDetector
    from verify.checks.static._common import tolerant

    class _Half(_crashing(OuroDetector, "ouro-half")):
        def _detect(self):
            out = []
            for c in self.compilation_unit.contracts_derived:
                for f in c.functions_declared:
                    if tolerant(self, f, lambda f=f: 1 // (f.name != "withdraw")):
                        out.append(self.generate_result([f, " reached\n"]))
            return out

    return _Half


_HalfCrashing = _half_crashing()


def test_a_detector_that_crashes_is_a_note_and_the_others_report(compiler, fixtures_dir):
    """A buggy detector plugin, Slither's or ouro's, run by real Slither beside the real detectors."""
    from slither.detectors.abstract_detector import AbstractDetector

    from verify.checks.static import OuroDetector
    from verify.static.slither_runner import default_detectors

    real = default_detectors()
    chosen = [_crashing(AbstractDetector, "plugin-boom"), *real, _crashing(OuroDetector, "ouro-boom"), _HalfCrashing]
    run = run_slither(fixtures_dir / "v04_bank.sol", compiler, detectors=chosen)
    assert run.error is None and run.detectors_run == len(real) + 1  # the half-crashing one ran
    assert [(c.analyser, c.exception) for c in run.crashes] == [
        ("slither detector plugin-boom", "KeyError"), ("ouro detector ouro-boom", "KeyError"),
        ("ouro detector ouro-half", "ZeroDivisionError")]
    assert run.crashes[0].note().startswith("slither detector plugin-boom crashed: KeyError: ")
    # a unit that crashed inside ouro's tolerant(): the crash names the detector and the function
    assert run.crashes[2].scope == "Bank04.withdraw()" and "detector reported the rest" in run.crashes[2].note()
    assert [r["check"] for r in run.results].count("ouro-half") == 1  # deposit() was still reported
    assert "reentrancy-eth" in run.by_check()  # everything else reported as without the crashes
    alone = run_slither(fixtures_dir / "v04_bank.sol", compiler).by_check()
    assert {k: v for k, v in run.by_check().items() if k != "ouro-half"} == alone


def test_crashes_come_back_from_the_child_process_too(compiler):
    from verify.static.background import start_slither

    path = CRASH / "TupleCallBank04.sol"
    here, pending = run_slither(path, compiler), start_slither(path, compiler)
    assert pending._proc is not None
    there = pending.result()
    assert there.crashes == here.crashes and there.skipped == here.skipped and there.by_check() == here.by_check()
