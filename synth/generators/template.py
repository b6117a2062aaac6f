"""The default generator: deterministic, offline templates composing OpenZeppelin Contracts 5."""

from __future__ import annotations

from synth.kinds import get_kind

from .base import GeneratedSource, Generator

__all__ = ["TemplateGenerator"]


class TemplateGenerator(Generator):
    NAME = "template"
    PRIORITY = 10

    def generate(self, spec) -> GeneratedSource:
        return GeneratedSource(spec.name, get_kind(spec.kind).render(spec), self.NAME)
