"""Generator backends behind one interface; ``select_generator`` picks by name or availability."""

from __future__ import annotations

from .base import GeneratedSource, Generator, GeneratorUnavailable
from .model import ModelGenerator
from .template import TemplateGenerator

__all__ = ["GeneratedSource", "Generator", "GeneratorUnavailable", "ModelGenerator", "TemplateGenerator", "generators",
           "select_generator"]


def generators(model=None) -> dict[str, Generator]:
    """Every backend; the model one is available only with a model client (``model``)."""
    found = [TemplateGenerator(), ModelGenerator(client=model)]
    return {g.NAME: g for g in sorted(found, key=lambda g: g.PRIORITY)}


def select_generator(name: str | None = None, model=None) -> Generator:
    gens = generators(model)
    if name is None and model is not None:  # a model given: it is what the user asked to use
        name = "model"
    if name is None:
        for g in gens.values():
            if g.is_available():
                return g
        raise GeneratorUnavailable("no generator is available")
    if name not in gens:
        raise GeneratorUnavailable(f"unknown generator {name!r}; available: {', '.join(gens)}")
    g = gens[name]
    if not g.is_available():
        raise GeneratorUnavailable(f"generator {name!r} is not available here")
    return g
