"""A self-contained HTML report from the findings contract: inline CSS, JS and SVG; nothing from the network.

Every string that comes from a result (file names, messages, evidence) goes through `html.escape`;
the page's script only moves existing nodes and sets attributes, so nothing it handles becomes markup.
"""

from __future__ import annotations

import json
from collections import Counter
from html import escape
from typing import Any

from .findings import SEVERITIES
from .report_svg import bar_chart
from .static.slither_categories import DASP10

__all__ = ["render_html"]

STATUSES = ("ok", "partial", "compile-error", "timeout", "error")
_COLUMNS = (  # key, header, numeric
    ("file", "file", False), ("status", "status", False), ("compiler", "compiler", False),
    ("high", "high", True), ("medium", "medium", True), ("low", "low", True),
    ("informational", "info", True), ("confirmed", "confirmed", True), ("total", "findings", True),
)


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def render_html(results: list[dict[str, Any]], title: str = "ouro verification report") -> str:
    from .report import tool_version

    findings = [f for r in results for f in r.get("findings") or []]
    by_status = Counter(r.get("status", "error") for r in results)
    by_sev = Counter(f.get("severity") for f in findings)
    by_cat = Counter(f.get("category") or "other" for f in findings)
    statuses = list(STATUSES) + sorted(s for s in by_status if s not in STATUSES)
    severities = list(SEVERITIES) + sorted(str(s) for s in by_sev if s not in SEVERITIES)
    categories = list(DASP10) + sorted(str(c) for c in by_cat if c not in DASP10)
    confirmed = sum(1 for f in findings if f.get("confirmed") is True)
    summary = (
        '<section id="summary"><h2>Summary</h2><div class="cards">'
        + _card("files", len(results), "files-total")
        + "".join(_card(s, by_status.get(s, 0), f"status-{s}" if by_status.get(s) else "status-none") for s in statuses)
        + "</div><div class=\"cards\">"
        + _card("findings", len(findings), "findings-total")
        + "".join(_card(s, by_sev.get(s, 0), f"sev-{s}") for s in severities)
        + _card("confirmed", confirmed, "confirmed")
        + "</div></section>"
    )
    charts = (
        '<section id="charts"><h2>Findings by category and severity</h2><div class="charts">'
        + bar_chart("chart-category", "Findings by DASP-10 category", [(c, by_cat.get(c, 0)) for c in categories], "cat")
        + bar_chart("chart-severity", "Findings by severity", [(s, by_sev.get(s, 0)) for s in severities], "sev")
        + "</div></section>"
    )
    body = summary + charts + _files_table(results) + _details(results)
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; '
        f'script-src \'unsafe-inline\'; img-src data:">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{_e(title)}</h1><p class=\"tool\">ouro {_e(tool_version())}</p></header>"
        f"<main>{body}</main><script>{_JS}</script></body></html>\n"
    )


def _card(label: str, n: int, css: str) -> str:
    return f'<div class="card {_e(css)}"><span class="n">{int(n)}</span><span class="label">{_e(label)}</span></div>'


def _row_counts(r: dict[str, Any]) -> dict[str, int]:
    fs = r.get("findings") or []
    counts = {s: sum(1 for f in fs if f.get("severity") == s) for s in SEVERITIES}
    return {**counts, "confirmed": sum(1 for f in fs if f.get("confirmed") is True), "total": len(fs)}


def _files_table(results: list[dict[str, Any]]) -> str:
    heads = "".join(
        f'<th data-key="{key}" data-type="{"num" if num else "text"}" tabindex="0" scope="col">{_e(label)}</th>'
        for key, label, num in _COLUMNS)
    rows = []
    for i, r in enumerate(results):
        c = _row_counts(r)
        name = _e(r.get("file"))
        link = f'<a href="#file-{i}">{name}</a>' if _has_details(r) else name
        status = _e(r.get("status"))
        cells = [f'<td class="file" data-v="{name}">{link}</td>',
                 f'<td class="status status-{status}">{status}</td>', f"<td>{_e(r.get('compiler'))}</td>"]
        cells += [f'<td class="num">{c[k]}</td>' for k in ("high", "medium", "low", "informational", "confirmed", "total")]
        rows.append(f'<tr data-index="{i}">{"".join(cells)}</tr>')
    return (
        '<section id="files"><h2>Files</h2>'
        '<p><label>filter files <input id="file-filter" type="search" placeholder="part of a file name"></label> '
        f'<span id="shown-count">{len(results)}</span> of {len(results)} shown; click a header to sort.</p>'
        f'<table id="files-table" class="sortable"><thead><tr>{heads}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )


def _has_details(r: dict[str, Any]) -> bool:
    return bool(r.get("findings") or r.get("error") or r.get("notes"))


def _details(results: list[dict[str, Any]]) -> str:
    out = ['<section id="findings"><h2>Findings</h2>']
    for i, r in enumerate(results):
        if not _has_details(r):
            continue
        out.append(f'<section class="file-detail" id="file-{i}"><h3>{_e(r.get("file"))} '
                   f'<span class="status status-{_e(r.get("status"))}">{_e(r.get("status"))}</span></h3>')
        if r.get("compiler"):
            out.append(f'<p class="compiler">{_e(r["compiler"])}</p>')
        if r.get("error"):
            out.append(f'<pre class="error">{_e(r["error"])}</pre>')
        out += [f'<p class="note">note: {_e(n)}</p>' for n in r.get("notes") or []]
        fs = sorted(r.get("findings") or [], key=lambda f: (_sev_rank(f.get("severity")), str(f.get("check"))))
        shown = [f for f in fs if f.get("severity") != "informational"]
        info = [f for f in fs if f.get("severity") == "informational"]
        out += [_finding(f) for f in shown]
        if info:
            out.append(f'<details class="informational"><summary>{len(info)} informational</summary>'
                       + "".join(_finding(f) for f in info) + "</details>")
        out.append("</section>")
    out.append("</section>")
    return "".join(out)


def _sev_rank(sev: Any) -> int:
    return SEVERITIES.index(sev) if sev in SEVERITIES else len(SEVERITIES)


_CONFIRMED = {True: ("confirmed", "confirmed"), False: ("not reproduced", "refuted"), None: ("static only", "static")}


def _finding(f: dict[str, Any]) -> str:
    where = ".".join(str(x) for x in (f.get("contract"), f.get("function")) if x)
    lines = ",".join(str(n) for n in f.get("lines") or [])
    conf_text, conf_css = _CONFIRMED.get(f.get("confirmed"), ("?", "static"))
    sev = _e(f.get("severity"))
    return (
        f'<details class="finding sev-{sev}" data-id="{_e(f.get("id"))}"><summary>'
        f'<span class="badge sev-{sev}">{sev}</span> <b>{_e(f.get("check"))}</b> '
        f'<span class="cat">{_e(f.get("category"))}</span> <span class="where">{_e(where)}</span>'
        f"{_lines_span(lines)} "
        f'<span class="conf {conf_css}">{conf_text}</span>{_triage_badge(f.get("triage"))}</summary>'
        f'<p class="message">{_e(f.get("message"))}</p>'
        f"{_triage_note(f.get('triage'))}"
        f'<p class="meta">id {_e(f.get("id"))} · source {_e(f.get("source"))} · confidence {_e(f.get("confidence"))}</p>'
        f"{_evidence(f.get('evidence'))}</details>"
    )


def _triage_badge(t: Any) -> str:
    return f' <span class="triage">triaged: {_e(t.get("status"))}</span>' if isinstance(t, dict) else ""


def _triage_note(t: Any) -> str:
    """The verdict of `ouro triage` on a finding shown with --show-triaged: status, reason, who, when."""
    if not isinstance(t, dict):
        return ""
    who = " · ".join(_e(t[k]) for k in ("by", "at") if t.get(k))
    return (f'<p class="triage-note"><b>triaged {_e(t.get("status"))}</b>: {_e(t.get("reason"))}'
            + (f' <span class="meta">({who})</span>' if who else "") + "</p>")


def _lines_span(lines: str) -> str:
    return f'<span class="lines">line {_e(lines)}</span>' if lines else ""


def _evidence(ev: Any) -> str:
    if not isinstance(ev, dict):
        return ""
    meta = " · ".join(f"{k} {_e(ev[k])}" for k in ("property", "engine", "seed", "contract", "solc", "evm") if ev.get(k) is not None)
    out = [f'<div class="evidence"><h4>Evidence</h4><p class="meta">{meta}</p>']
    if ev.get("detail"):
        out.append(f'<p class="detail">{_e(ev["detail"])}</p>')
    if ev.get("trace"):
        out.append('<h5>Transaction sequence</h5><ol class="trace">'
                   + "".join(f"<li><code>{_e(t)}</code></li>" for t in ev["trace"]) + "</ol>")
    actors = ev.get("actors") if isinstance(ev.get("actors"), dict) else {}
    if ev.get("balances_before") or ev.get("balances_after"):
        out.append(_balances("Balances in-process (wei)", ev.get("balances_before"), ev.get("balances_after"), actors))
    replay = ev.get("replay") if isinstance(ev.get("replay"), dict) else None
    if replay:
        ok = replay.get("reproduced")
        verdict = "reproduced" if ok else "NOT reproduced"
        out.append(f'<h5>Replay</h5><p class="replay {"reproduced" if ok else "not-reproduced"}">'
                   f"replayed on {_e(replay.get('chain'))}: {verdict}</p>")
        same = (replay.get("balances_before"), replay.get("balances_after")) == (ev.get("balances_before"), ev.get("balances_after"))
        if same and replay.get("balances_after"):
            out.append('<p class="meta">balances on the chain: as in-process, before and after</p>')
        if replay.get("tx_hashes"):
            out.append('<ol class="tx-hashes">' + "".join(f"<li><code>{_e(h)}</code></li>" for h in replay["tx_hashes"]) + "</ol>")
        if (replay.get("balances_before") or replay.get("balances_after")) and not same:
            out.append(_balances(f"Balances on {_e(replay.get('chain'))} (wei)", replay.get("balances_before"),
                                 replay.get("balances_after"), actors))
    out.append('<details class="raw"><summary>raw evidence (JSON)</summary><pre>'
               f"{_e(json.dumps(ev, indent=2, default=str))}</pre></details></div>")
    return "".join(out)


def _balances(title: str, before: Any, after: Any, actors: dict[str, Any]) -> str:
    before, after = before if isinstance(before, dict) else {}, after if isinstance(after, dict) else {}
    rows = []
    for name in list(dict.fromkeys([*before, *after])):
        b, a = before.get(name), after.get(name)
        try:
            delta = int(a) - int(b)
            change = f"{delta:+d}" if delta else "0"
        except (TypeError, ValueError):
            change = ""
        css = ' class="changed"' if change not in ("", "0") else ""
        rows.append(f'<tr{css}><td title="{_e(actors.get(name))}">{_e(name)}</td><td class="num">{_e(b)}</td>'
                    f'<td class="num">{_e(a)}</td><td class="num">{_e(change)}</td></tr>')
    return (f'<h5>{title}</h5><table class="balances"><thead><tr><th>account</th><th>before</th><th>after</th>'
            f"<th>change</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")


_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
header{background:#1d2430;color:#fff;padding:12px 24px}header h1{margin:0;font-size:20px}.tool{margin:0;opacity:.7}
main{padding:8px 24px 40px}h2{font-size:17px;margin:20px 0 8px}
.cards{display:flex;flex-wrap:wrap;gap:8px;margin-bottom:8px}
.card{background:#fff;border:1px solid #d8dce3;border-radius:6px;padding:6px 12px;min-width:84px}
.card .n{display:block;font-size:20px;font-weight:600}.card .label{color:#5b6474}
.charts{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}.chart{margin:0;background:#fff;border:1px solid #d8dce3;border-radius:6px;padding:8px}
.chart figcaption{font-weight:600;margin-bottom:4px}.bar-label,.bar-count{font-size:12px;fill:#1d2430}
.bar-rect{fill:#5872a8}.sev-high .bar-rect{fill:#c62828}.sev-medium .bar-rect{fill:#ef6c00}
.sev-low .bar-rect{fill:#f9a825}.sev-informational .bar-rect{fill:#78909c}
table{border-collapse:collapse;background:#fff}th,td{border:1px solid #d8dce3;padding:3px 8px;text-align:left}
#files-table th{cursor:pointer;user-select:none;background:#eef0f4;position:sticky;top:0}
#files-table th[aria-sort=ascending]::after{content:" \\25B2"}#files-table th[aria-sort=descending]::after{content:" \\25BC"}
td.num{text-align:right;font-variant-numeric:tabular-nums}td.file{word-break:break-all;max-width:520px}
.status-ok{color:#2e7d32}.status-compile-error,.status-error,.status-timeout{color:#c62828;font-weight:600}
.status-partial{color:#ef6c00;font-weight:600}
.file-detail{background:#fff;border:1px solid #d8dce3;border-radius:6px;padding:4px 12px 8px;margin:10px 0}
.file-detail h3{font-size:15px;word-break:break-all}pre{white-space:pre-wrap;word-break:break-all;background:#f3f4f6;padding:6px}
pre.error{background:#fdecea}.note{color:#8a5a00}
details.finding{border-left:4px solid #78909c;margin:6px 0;padding:2px 8px}details.finding.sev-high{border-color:#c62828}
details.finding.sev-medium{border-color:#ef6c00}details.finding.sev-low{border-color:#f9a825}
summary{cursor:pointer}.badge{display:inline-block;border-radius:3px;padding:0 6px;color:#fff;background:#78909c;font-size:12px}
.badge.sev-high{background:#c62828}.badge.sev-medium{background:#ef6c00}.badge.sev-low{background:#f9a825;color:#1d2430}
.cat,.where,.lines,.meta{color:#5b6474}.conf{font-size:12px;border:1px solid;border-radius:3px;padding:0 4px}
.triage{font-size:12px;border:1px solid #5b6474;border-radius:3px;padding:0 4px;margin-left:4px;color:#5b6474}
.triage-note{background:#f3f4f6;padding:4px 8px}.conf.confirmed{color:#c62828}.conf.refuted{color:#2e7d32}.conf.static{color:#5b6474}
.message{word-break:break-word}.evidence{background:#fafbfc;border:1px dashed #c5cad3;padding:4px 10px;margin:6px 0}
.evidence h4{margin:4px 0}.evidence h5{margin:8px 0 2px}.replay.reproduced{color:#c62828;font-weight:600}
tr.changed td{background:#fff4e0}code{font-size:12px}
"""

_JS = """
(function () {
  var root = document.documentElement;
  window.addEventListener('error', function (e) { root.setAttribute('data-ouro-js-error', String(e.message)); });
  var table = document.getElementById('files-table');
  var tbody = table.tBodies[0];
  var heads = table.tHead.rows[0].cells;
  var all = Array.prototype.slice.call(tbody.rows);
  function value(row, i, num) {
    var cell = row.cells[i], v = cell.getAttribute('data-v');
    if (v === null) { v = cell.textContent; }
    return num ? (parseFloat(v) || 0) : v.toLowerCase();
  }
  function sortBy(i, dir) {
    var num = heads[i].getAttribute('data-type') === 'num';
    var rows = Array.prototype.slice.call(tbody.rows);
    rows.sort(function (a, b) {
      var x = value(a, i, num), y = value(b, i, num);
      if (x < y) { return -dir; }
      if (x > y) { return dir; }
      return a.getAttribute('data-index') - b.getAttribute('data-index');
    });
    var frag = document.createDocumentFragment();
    rows.forEach(function (r) { frag.appendChild(r); });
    tbody.appendChild(frag);
    for (var j = 0; j < heads.length; j++) { heads[j].removeAttribute('aria-sort'); }
    heads[i].setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending');
    table.setAttribute('data-sorted', heads[i].getAttribute('data-key') + ',' + (dir > 0 ? 'asc' : 'desc'));
  }
  function toggle(i) {
    var cur = heads[i].getAttribute('aria-sort');
    var first = heads[i].getAttribute('data-type') === 'num' ? -1 : 1;
    sortBy(i, cur === 'ascending' ? -1 : cur === 'descending' ? 1 : first);
  }
  Array.prototype.forEach.call(heads, function (th, i) {
    th.addEventListener('click', function () { toggle(i); });
    th.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); toggle(i); } });
  });
  var filter = document.getElementById('file-filter'), shown = document.getElementById('shown-count');
  filter.addEventListener('input', function () {
    var q = filter.value.toLowerCase(), n = 0;
    all.forEach(function (r) {
      var hide = q !== '' && r.cells[0].textContent.toLowerCase().indexOf(q) < 0;
      r.hidden = hide; if (!hide) { n++; }
    });
    shown.textContent = String(n);
  });
  var m = /sort=([a-z]+),(asc|desc)/.exec(location.hash);
  if (m) {
    for (var k = 0; k < heads.length; k++) {
      if (heads[k].getAttribute('data-key') === m[1]) { sortBy(k, m[2] === 'asc' ? 1 : -1); }
    }
  }
  root.setAttribute('data-ouro-js', 'ok');
})();
"""
