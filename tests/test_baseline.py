"""`--baseline`: only findings a previous JSON report did not have."""

from __future__ import annotations

import json

import pytest
from report_cases import verified

from verify.baseline import BaselineError, filter_new, load_baseline
from verify.report import render_json, render_sarif


@pytest.fixture(scope="module")
def doc():
    return verified()[0]


def test_same_run_as_baseline_leaves_nothing_new(doc, tmp_path):
    results = doc["results"]
    base = tmp_path / "old.json"
    base.write_text(render_json(results))
    new = filter_new(results, load_baseline(base))
    assert [r["file"] for r in new] == [r["file"] for r in results]
    assert all(r["findings"] == [] for r in new)
    bank = next(r for r in new if r["file"].endswith("ReentrancyBank04.sol"))
    assert f"{len(results[0]['findings'])} finding(s) already in the baseline are not shown" in bank["notes"]
    assert results[0]["findings"]  # the input is not modified


def test_only_findings_missing_from_the_baseline_stay(doc, tmp_path):
    results = doc["results"]
    old = [r for r in results if not r["file"].endswith("TxOriginWallet04.sol")]
    base = tmp_path / "old.json"
    base.write_text(render_json(old))
    new = filter_new(results, str(base))  # a path works too
    kept = {f["id"] for r in new for f in r["findings"]}
    wallet = next(r for r in results if r["file"].endswith("TxOriginWallet04.sol"))
    assert kept == {f["id"] for f in wallet["findings"]} and kept
    assert any(f["check"] == "tx-origin" and f["confirmed"] for r in new for f in r["findings"])


@pytest.mark.parametrize("content, why", [
    ("not json at all", "not JSON"),
    ("[1, 2]", "the top level is a JSON list"),
    ('{"tool": {"name": "ouro"}}', "missing key 'results'"),
    ('{"tool": {"name": "other"}, "results": []}', '"tool" is not'),
    ('{"tool": {"name": "ouro"}, "results": [{"file": "a.sol", "findings": [{"check": "x"}]}]}',
     'results[0].findings[0] has no string "id"'),
])
def test_bad_baselines_are_named_in_the_error(tmp_path, content, why):
    path = tmp_path / "old report.json"
    path.write_text(content)
    with pytest.raises(BaselineError) as exc:
        filter_new([], path)
    assert isinstance(exc.value, ValueError)
    assert f"baseline {path}:" in str(exc.value) and why in str(exc.value)


def test_a_sarif_log_or_binary_or_missing_file_is_refused_clearly(doc, tmp_path):
    sarif = tmp_path / "old.sarif"
    sarif.write_text(render_sarif(doc["results"]))
    with pytest.raises(BaselineError, match=r"old\.sarif: .*SARIF log; pass the JSON report"):
        load_baseline(sarif)
    binary = tmp_path / "blob.bin"
    binary.write_bytes(bytes(range(256)))
    with pytest.raises(BaselineError, match=r"blob\.bin: not a text file"):
        load_baseline(binary)
    with pytest.raises(BaselineError, match=r"missing\.json: cannot be read"):
        load_baseline(tmp_path / "missing.json")
    with pytest.raises(BaselineError, match=r"^baseline prev: "):
        filter_new(doc["results"], json.loads(sarif.read_text()), name="prev")
