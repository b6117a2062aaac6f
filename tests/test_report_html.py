"""The self-contained HTML report, rendered from a real verification run."""

from __future__ import annotations

import copy
import re

import pytest
from report_cases import EVIL_NAMES, Tags, verified

from verify.report_html import render_html
from verify.static.slither_categories import DASP10


@pytest.fixture(scope="module")
def report():
    doc, _ = verified()
    return doc["results"], render_html(doc["results"])


def test_summary_counts_and_charts_match_the_results(report):
    results, page = report
    findings = [f for r in results for f in r["findings"]]
    tags = Tags(page)
    assert len(tags.find("svg", id="chart-category")) == 1 and len(tags.find("svg", id="chart-severity")) == 1
    cat_bars = {a["data-label"]: int(a["data-count"]) for t, a in tags.tags if t == "g" and "cat-" in (a.get("class") or "")}
    assert list(cat_bars)[:len(DASP10)] == list(DASP10)
    assert sum(cat_bars.values()) == len(findings)
    assert cat_bars["reentrancy"] == sum(1 for f in findings if f["category"] == "reentrancy") >= 1
    sev_bars = {a["data-label"]: int(a["data-count"]) for t, a in tags.tags if t == "g" and "sev-" in (a.get("class") or "")}
    assert sev_bars["high"] == sum(1 for f in findings if f["severity"] == "high") >= 2
    # summary cards: files by status, findings by severity
    card = lambda css: re.search(rf'class="card {css}"><span class="n">(\d+)<', page).group(1)  # noqa: E731
    assert card("files-total") == str(len(results)) == "5"
    assert card("status-ok") == "4" and card("status-compile-error") == "1"
    assert card("findings-total") == str(len(findings))


def test_table_has_one_row_per_file_and_sortable_headers(report):
    results, page = report
    tags = Tags(page)
    assert len(tags.find("table", id="files-table")) == 1
    assert len([a for t, a in tags.tags if t == "tr" and "data-index" in a]) == len(results)
    keys = [a["data-key"] for t, a in tags.tags if t == "th" and "data-key" in a]
    assert keys[:3] == ["file", "status", "compiler"] and "high" in keys
    assert "addEventListener('click'" in page  # the sort handler is inline, not fetched


def test_evidence_of_a_confirmed_finding_is_in_details(report):
    results, page = report
    bank = next(r for r in results if r["file"].endswith("ReentrancyBank04.sol"))
    reent = next(f for f in bank["findings"] if f["check"] == "reentrancy-eth")
    replay = reent["evidence"]["replay"]
    block = page[page.index(f'data-id="{reent["id"]}"'):]
    block = block[:block.index("</details>", block.index('class="raw"') + 1)]
    for line in reent["evidence"]["trace"]:
        assert f"<code>{line}</code>" in block
    for tx in replay["tx_hashes"]:
        assert f"<code>{tx}</code>" in block
    assert "replayed on anvil: reproduced" in block
    after = reent["evidence"]["balances_after"]["attacker_contract"]
    before = reent["evidence"]["balances_before"]["attacker_contract"]
    assert f'<td class="num">{before}</td><td class="num">{after}</td><td class="num">+{int(after) - int(before)}</td>' in block
    # the compile error is a row and its message is shown
    bad = next(r for r in results if r["status"] == "compile-error")
    assert "ParserError" in bad["error"] and "ParserError" in page


def test_user_controlled_strings_are_escaped(report):
    results, page = report
    evil = [r for r in results if any(n in r["file"] for n in EVIL_NAMES)]
    assert len(evil) == 2 and all(r["findings"] for r in evil)
    assert any(any("<img src=x" in f["message"] for f in r["findings"]) for r in evil)  # Slither quotes the path
    tags = Tags(page)
    assert len(tags.find("script")) == 1  # only the report's own script
    assert not tags.find("img") and not any("onerror" in a or "onload" in a for _, a in tags.tags)
    text = "".join(tags.text)
    for name in EVIL_NAMES:
        assert name in text  # shown to the reader as text
    assert "<!--" not in page and "alert(" not in "".join(tags.script_bodies)
    assert "&lt;script&gt;alert(1)&lt;!-- &amp; &quot;q&quot; &#x27;r&#x27;.sol" in page


def test_no_network_references(report):
    _, page = report
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page, re.I)
    assert "@import" not in page and "url(" not in page
    assert "default-src 'none'" in page  # the page could not load anything even if it tried


def test_hundreds_of_files(report):
    results, _ = report
    many = []
    for i in range(300):
        r = copy.deepcopy(results[i % len(results)])
        r["file"] = f"corpus/{i:03d}/{r['file'].rsplit('/', 1)[-1]}"
        many.append(r)
    page = render_html(many)
    tags = Tags(page)
    rows = [a for t, a in tags.tags if t == "tr" and "data-index" in a]
    assert [int(a["data-index"]) for a in rows] == list(range(300))
    assert len(tags.find("section", **{"class": "file-detail"})) == 300
    total = sum(len(r["findings"]) for r in many)
    assert sum(int(a["data-count"]) for t, a in tags.tags if t == "g" and "sev-" in (a.get("class") or "")) == total


def test_empty_batch_renders():
    page = render_html([])
    tags = Tags(page)
    assert tags.find("svg", id="chart-category") and tags.find("table", id="files-table")
    assert re.search(r'class="card files-total"><span class="n">0<', page)


def test_reports_are_written_with_the_usual_permissions(tmp_path):
    import os

    from verify.report import write_atomic

    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "r.json", "{}\n")
    finally:
        os.umask(old)
    assert (tmp_path / "r.json").stat().st_mode & 0o777 == 0o644  # not mkstemp's owner-only 0600
