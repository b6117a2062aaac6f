"""The strategy history as one self-contained HTML page: a small inline SVG chart of the
first-pass rate per version and split (no script, no network), the versions and every candidate
the learner judged (type, origin, check, provenance, deltas, decision and reason)."""

from __future__ import annotations

from html import escape
from typing import Any

__all__ = ["first_pass_chart", "history_html"]

COLOURS = {"train": "#1f77b4", "validation": "#ff7f0e", "test": "#2ca02c"}


def _series(metrics: list[dict[str, Any]]) -> dict[str, list[tuple[int, float]]]:
    """split -> [(version, first pass)] of the first-pass evaluations (one round), by version."""
    out: dict[str, dict[int, float]] = {}
    for m in metrics:
        if (m.get("max_rounds") or 1) == 1:
            out.setdefault(m["split"], {})[m["version"]] = m["first_pass"]
    return {s: sorted(v.items()) for s, v in out.items()}


def first_pass_chart(metrics: list[dict[str, Any]], width: int = 480, height: int = 200) -> str:
    """An inline SVG: first-pass rate (0..1) per version, one line per split."""
    series = _series(metrics)
    versions = sorted({v for pts in series.values() for v, _ in pts})
    left, right, top, bottom = 40, 90, 12, 28
    w, h = width - left - right, height - top - bottom
    if not versions:
        return '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="30"><text x="4" y="20">no metrics</text></svg>'
    xs = {v: left + (w * i / max(1, len(versions) - 1) if len(versions) > 1 else w / 2) for i, v in enumerate(versions)}

    def y(rate: float) -> float:
        return top + h * (1 - rate)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="first-pass rate per version and split" font-family="sans-serif" font-size="11">']
    for r in (0, 0.5, 1):
        parts.append(f'<line x1="{left}" y1="{y(r):.1f}" x2="{left + w}" y2="{y(r):.1f}" stroke="#ddd"/>'
                     f'<text x="{left - 6}" y="{y(r) + 4:.1f}" text-anchor="end">{r:.1f}</text>')
    for v in versions:
        parts.append(f'<text x="{xs[v]:.1f}" y="{height - 10}" text-anchor="middle">v{v}</text>')
    for i, (split, pts) in enumerate(sorted(series.items(), key=lambda kv: list(COLOURS).index(kv[0])
                                            if kv[0] in COLOURS else 9)):
        colour = COLOURS.get(split, "#555")
        coords = " ".join(f"{xs[v]:.1f},{y(r):.1f}" for v, r in pts)
        if len(pts) > 1:
            parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{coords}"/>')
        for v, r in pts:
            parts.append(f'<circle cx="{xs[v]:.1f}" cy="{y(r):.1f}" r="3" fill="{colour}">'
                         f'<title>{escape(split)} v{v}: {r:.2f}</title></circle>')
        parts.append(f'<rect x="{left + w + 12}" y="{top + 16 * i}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{left + w + 26}" y="{top + 16 * i + 9}">{escape(split)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _delta(d: dict[str, Any]) -> str:
    if not d:
        return "-"
    label = "after repair" if d.get("measure") == "after_repair" else "first pass"
    text = f"validation {label} {d['before']:.2f} → {d['after']:.2f}"
    if d.get("measure") != "after_repair" and d.get("after_repair"):
        text += f"; after repair {d['after_repair'][0]:.2f} → {d['after_repair'][1]:.2f}"
    if d.get("gas"):
        text += f"; gas {d['gas']['change']:+.1%}"
    return text


def history_html(store, title: str = "ouro strategy history") -> str:
    cur = store.current()
    rows = []
    for v in store.versions():
        mark = " (current)" if cur and v["version"] == cur.version else ""
        rows.append(f"<tr><td>v{v['version']}{mark}</td><td>{v['parent'] or '-'}</td><td>{escape(v['status'])}</td>"
                    f"<td><code>{escape(v['hash'])}</code></td><td>{escape(v['note'] or '')}</td></tr>")
    cands = []
    for c in store.candidates():
        kinds = ", ".join(c["kinds"]) or "-"
        cands.append(f"<tr><td>{'v' + str(c['version']) if c['version'] else '-'}</td><td>v{c['parent']}</td>"
                     f"<td>{escape(c['type'])}</td><td>{escape(c['origin'])}</td><td>{escape(c['check'])}</td>"
                     f"<td>{len(c['provenance'])} on {escape(kinds)}</td>"
                     f"<td>{'accepted' if c['accepted'] else 'rejected'}</td><td>{escape(_delta(c['deltas']))}</td>"
                     f"<td>{escape(c['reason'])}</td><td><code>{escape(c['text'][:160])}</code></td></tr>")
    metrics = []
    for m in store.metrics():
        gas = "-" if m.get("gas") is None else f"{m['gas']:.0f}"
        metrics.append(f"<tr><td>v{m['version']}</td><td>{escape(m['split'])}</td><td>{m['n']}</td>"
                       f"<td>{m['first_pass']:.2f}</td><td>{(m.get('after_repair') or 0):.2f}</td>"
                       f"<td>{m['max_rounds']}</td><td>{gas}</td></tr>")
    style = ("body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;margin:.5em 0 1.5em}"
             "td,th{border:1px solid #ccc;padding:2px 6px;font-size:13px;vertical-align:top}th{background:#f4f4f4}")
    return (f"<!doctype html><html><head><meta charset=\"utf-8\"><title>{escape(title)}</title>"
            f"<style>{style}</style></head><body><h1>{escape(title)}</h1>"
            f"<h2>First-pass rate per version</h2>{first_pass_chart(store.metrics())}"
            "<h2>Versions</h2><table><tr><th>version</th><th>parent</th><th>status</th><th>hash</th><th>note</th></tr>"
            + "".join(rows) + "</table><h2>Candidates</h2><table><tr><th>version</th><th>on</th><th>type</th>"
            "<th>origin</th><th>check</th><th>provenance (train failures)</th><th>decision</th><th>deltas</th>"
            "<th>reason</th><th>text</th></tr>" + "".join(cands) + "</table><h2>Metrics</h2><table><tr><th>version"
            "</th><th>split</th><th>n</th><th>first pass</th><th>after repair</th><th>rounds</th><th>median gas</th>"
            "</tr>" + "".join(metrics) + "</table></body></html>\n")
