"""One place that turns results into each output format (``ouro verify`` and ``ouro report``)."""

from __future__ import annotations

from typing import Any

__all__ = ["FORMATS", "render"]

FORMATS = ("table", "json", "sarif", "md", "html")


def render(results: list[dict[str, Any]], fmt: str) -> str:
    """Text of ``fmt`` (``table`` is printed by the caller; here it falls back to JSON)."""
    from verify.report import render_json, render_markdown, render_sarif

    if fmt == "html":
        from verify.report_html import render_html

        return render_html(results)
    return {"sarif": render_sarif, "md": render_markdown}.get(fmt, render_json)(results)
