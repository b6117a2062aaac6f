"""The generator's self-improving strategy: the strategy file, the corpus and its split, evaluation
with cached verification, the learner and its history (see ``learn.py``)."""

from __future__ import annotations

from .model import DEFAULT_PATH, Example, PostRule, Rule, Strategy, StrategyError, load_strategy

__all__ = ["DEFAULT_PATH", "Example", "PostRule", "Rule", "Strategy", "StrategyError", "load_strategy"]
