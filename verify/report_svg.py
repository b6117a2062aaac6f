"""Horizontal bar charts as inline SVG for the HTML report: drawn in Python, so they exist without JS."""

from __future__ import annotations

from html import escape

__all__ = ["bar_chart"]

_ROW, _LABEL_W, _BAR_W, _COUNT_W = 22, 150, 300, 48


def bar_chart(chart_id: str, title: str, counts: list[tuple[str, int]], css_prefix: str) -> str:
    """One `<g class="bar">` per (label, count), in the order given; a zero count draws no bar."""
    top = max((n for _, n in counts), default=0) or 1
    height = _ROW * len(counts) + 8
    width = _LABEL_W + _BAR_W + _COUNT_W
    rows = []
    for i, (label, n) in enumerate(counts):
        y = 4 + i * _ROW
        w = round(_BAR_W * n / top, 1)
        lab = escape(str(label))
        slug = escape("".join(c if c.isalnum() else "-" for c in str(label).lower()))
        rows.append(
            f'<g class="bar {css_prefix}-{slug}" data-label="{lab}" data-count="{int(n)}">'
            f"<title>{lab}: {int(n)}</title>"
            f'<text class="bar-label" x="{_LABEL_W - 6}" y="{y + 15}" text-anchor="end">{lab}</text>'
            f'<rect class="bar-rect" x="{_LABEL_W}" y="{y + 3}" width="{w}" height="{_ROW - 6}" rx="2"></rect>'
            f'<text class="bar-count" x="{_LABEL_W + w + 6}" y="{y + 15}">{int(n)}</text></g>'
        )
    return (
        f'<figure class="chart"><figcaption>{escape(title)}</figcaption>'
        f'<svg id="{escape(chart_id)}" class="bar-chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-label="{escape(title)}" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        + "".join(rows) + "</svg></figure>"
    )
