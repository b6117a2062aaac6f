"""Slither's Python API on real compiles of every compiler generation, with its real detectors."""

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
