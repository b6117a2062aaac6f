"""The default generator: deterministic, offline templates composing OpenZeppelin Contracts 5.

It obeys the strategy's generator post-rules (``synth/strategy/default.yaml`` unless given), like
the model generator; the templates already satisfy the shipped ones, so their output is unchanged."""

from __future__ import annotations

from functools import lru_cache

from synth.kinds import get_kind

from .base import GeneratedSource, Generator, GeneratorUnavailable
from .solidity_edit import apply_post_rules

__all__ = ["TemplateGenerator"]


@lru_cache(maxsize=1)
def _default_post_rules() -> tuple:
    from synth.strategy.model import load_strategy

    return load_strategy().post_rules


class TemplateGenerator(Generator):
    NAME = "template"
    PRIORITY = 10

    def __init__(self, post_rules: tuple | None = None):
        self._post_rules = post_rules

    def generate(self, spec) -> GeneratedSource:
        if spec.functions:  # logic no template has: refuse rather than emit a reverting stub
            names = ", ".join(f.name for f in spec.functions)
            raise GeneratorUnavailable(f"the spec asks for functions no template has ({names}): "
                                       "a model writes them; give --model BACKEND:VALUE")
        rules = _default_post_rules() if self._post_rules is None else self._post_rules
        return GeneratedSource(spec.name, apply_post_rules(get_kind(spec.kind).render(spec), rules), self.NAME)
