"""Repair: deterministic patchers and model-proposed diffs, each accepted only on evidence
(compiles, the exploit's property no longer fires, no new finding, honest behaviour unchanged)."""

from .engine import RepairOptions, repair_file
from .report import render_markdown, write_reports

__all__ = ["RepairOptions", "render_markdown", "repair_file", "write_reports"]
