"""The HTML report in a real browser: headless Chromium (Debian `chromium`; .ci/run installs it)."""

from __future__ import annotations

import copy
import os
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from report_cases import Tags, verified

from verify.report_html import render_html
from verify.static.slither_categories import DASP10

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0"]


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail("headless Chromium is needed: apt-get install -y --no-install-recommends chromium "
                    "(.ci/run installs it)")
    profile = Path(os.path.join(tmp_path, f"profile-{len(list(tmp_path.glob('profile-*')))}"))
    profile.mkdir()
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=180)


def console_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines()
            if "CONSOLE" in line and ("Uncaught" in line or "Refused to" in line or ":ERROR:" in line)]


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """The report of a real run, plus 200 renamed copies of its entries: a batch-sized page."""
    results = verified()[0]["results"]
    many = list(results)
    for i in range(200):
        r = copy.deepcopy(results[i % len(results)])
        r["file"] = f"corpus/{i:03d}/{Path(r['file']).name}"
        many.append(r)
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(render_html(many), encoding="utf-8")
    return path, many


def png_pixels(data: bytes) -> tuple[int, int, bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        (length,), kind = struct.unpack(">I", data[pos:pos + 4]), data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    return width, height, zlib.decompress(idat)


def test_screenshot_is_a_real_picture(page, tmp_path):
    path, _ = page
    shot = tmp_path / "report.png"
    proc = chromium(tmp_path, "--window-size=1280,1600", f"--screenshot={shot}", path.as_uri())
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert console_errors(proc.stderr) == []
    width, height, raw = png_pixels(shot.read_bytes())
    assert (width, height) == (1280, 1600)
    # a blank or one-colour page compresses to almost nothing and has few distinct byte values
    assert shot.stat().st_size > 20_000 and len(set(raw)) > 64


def test_dom_after_scripts_has_charts_table_and_sorted_rows(page, tmp_path):
    path, results = page
    proc = chromium(tmp_path, "--dump-dom", path.as_uri() + "#sort=high,desc")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert console_errors(proc.stderr) == []
    dom = Tags(proc.stdout)
    html_attrs = dom.find("html")[0]
    assert html_attrs.get("data-ouro-js") == "ok" and "data-ouro-js-error" not in html_attrs
    # charts: one bar (a rect inside a g.bar) per DASP-10 category, one per severity
    svg_ids = [a.get("id") for t, a in dom.tags if t == "svg"]
    assert svg_ids == ["chart-category", "chart-severity"]
    bars = [a for t, a in dom.tags if t == "g" and "bar" in (a.get("class") or "").split()]
    labels = [a["data-label"] for a in bars]
    assert labels[:len(DASP10)] == list(DASP10) and labels[-4:] == ["high", "medium", "low", "informational"]
    assert sum(1 for t, _ in dom.tags if t == "rect") == len(bars)
    # the table, sorted by the script on load: high findings, most first
    table = dom.find("table", id="files-table")
    assert table and table[0].get("data-sorted") == "high,desc"
    assert dom.find("th", data_key="high")[0].get("aria-sort") == "descending"
    order = [int(a["data-index"]) for t, a in dom.tags if t == "tr" and "data-index" in a]
    assert sorted(order) == list(range(len(results)))
    highs = [sum(1 for f in results[i]["findings"] if f["severity"] == "high") for i in order]
    assert highs == sorted(highs, reverse=True) and highs[0] >= 1 and highs[-1] == 0
    # the file names that are HTML stayed text in a real browser
    assert not dom.find("img") and len(dom.find("script")) == 1
    assert "<img src=x onerror=alert(2)>.sol" in "".join(dom.text)
