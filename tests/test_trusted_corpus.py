"""Audited code installed from npm (tests/trusted_corpus.py): with the engine on, ouro confirms no
exploit, and a finding it refutes (``confirmed: false``) carries coverage showing that every flagged
line ran with the attack on.

The corpus runs once per module (two worker processes, a small search budget); each test reads its
file's result. ``benchmarks/trusted_corpus.py`` runs the same corpus with the engine's default budget.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trusted_corpus import (
    ENTRIES,
    NO_HIGH_PACKAGES,
    NODE_MODULES,
    ROOT,
    WRAPPERS,
    dynamic_expected,
    highs,
    package_version,
    problems,
    run,
)

MAX_EXAMPLES = 20
# entry file -> reason, for a confirmation on trusted code that has been diagnosed and awaits an
# engine fix: its test is xfail(strict=True), so the fix shows as an unexpected pass. Empty today.
KNOWN_FALSE_POSITIVES: dict[str, str] = {}

IDS = [Path(e["file"]).stem for e in ENTRIES]


@pytest.fixture(scope="module")
def results():
    missing = [e["file"] for e in ENTRIES if not (ROOT / e["file"]).is_file()]
    assert not missing, f"not installed (run `npm ci`): {missing}"
    return run(ENTRIES, jobs=2, max_examples=MAX_EXAMPLES, seed=0)


def _cases(marked: bool) -> list:
    out = []
    for e, i in zip(ENTRIES, IDS):
        why = KNOWN_FALSE_POSITIVES.get(e["file"]) if marked else None
        out.append(pytest.param(e, id=i, marks=[pytest.mark.xfail(strict=True, reason=why)] if why else []))
    return out


def test_corpus_is_audited_npm_code_plus_thin_wrappers():
    pins = json.loads((ROOT / "package.json").read_text())["dependencies"]
    packages = {e["package"] for e in ENTRIES}
    assert packages >= NO_HIGH_PACKAGES
    for p in packages:
        assert p in pins and package_version(p) == pins[p], (p, pins.get(p), package_version(p))
    for e in ENTRIES:
        assert e["file"].startswith(("node_modules/", f"{WRAPPERS}/")), e["file"]
        if e["file"].startswith(WRAPPERS):
            text = (ROOT / e["file"]).read_text()
            assert "import" in text and len(text.splitlines()) < 40, f"{e['file']} is not a thin wrapper"
        if not dynamic_expected(e):
            assert e.get("why"), e["file"]
    assert (NODE_MODULES / "solmate" / "src" / "tokens" / "WETH.sol").is_file()


@pytest.mark.parametrize("entry", _cases(marked=True))
def test_no_exploit_confirmed_and_refutations_show_their_coverage(results, entry):
    r = results[entry["file"]]
    assert r["status"] == "ok", (r["status"], r["error"], r["notes"][:3])
    bad = problems(r)
    assert not bad, "\n".join(bad)
    for f in r["findings"]:
        assert f["confirmed"] is not True, f
        if f["confirmed"] is False:
            cov = f["evidence"]["coverage"]
            assert cov["reached"] and cov["flagged"] and set(cov["flagged"]) <= set(cov["covered"]), f


@pytest.mark.parametrize("entry", [p for p in _cases(marked=False) if dynamic_expected(p.values[0])])
def test_engine_ran_on_the_contract(results, entry):
    r = results[entry["file"]]
    props = (r.get("dynamic") or {}).get("properties") or {}
    assert props.get(entry["contract"]), (props, r["notes"][:3])
    assert r["dynamic"]["calls"] > 0


def test_past_false_positives_are_exercised(results):
    """The properties that once confirmed exploits on this code ran on it: re-entrancy on WETH
    (a re-entered deposit() buying WETH 1:1 was taken for profit) and the ERC-20 property on every
    token and vault share."""
    ran = {e["contract"]: set(((results[e["file"]].get("dynamic") or {}).get("properties") or {})
                              .get(e["contract"], [])) for e in ENTRIES if dynamic_expected(e)}
    assert {"ouro-reentrancy", "ouro-erc20"} <= ran["WETH"]
    for token in ("SolmateToken", "OZToken", "UniswapV2ERC20", "SolmateVault", "OZVault"):
        assert "ouro-erc20" in ran[token], (token, ran[token])


@pytest.mark.parametrize("entry", _cases(marked=False))
def test_no_high_finding_in_the_final_report(results, entry):
    """Audited code: after the cross-check no finding is high (idioms lowered with their reason,
    refutations lowered by coverage); the few highs left outside NO_HIGH_PACKAGES are listed
    with why in HIGHS_LEFT."""
    bad = highs(entry, results[entry["file"]])
    assert not bad, "\n".join(bad)
