"""The generator interface: a spec in, Solidity out. Backends are chosen by availability."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

__all__ = ["GeneratedSource", "Generator", "GeneratorUnavailable"]


class GeneratorUnavailable(RuntimeError):
    """The requested generator cannot run here (no model configured, missing package...)."""


@dataclass
class GeneratedSource:
    contract: str  # the contract name, also the file stem
    source: str
    generator: str


class Generator(ABC):
    NAME: ClassVar[str]
    PRIORITY: ClassVar[int] = 100  # lower wins when no generator is named

    def is_available(self) -> bool:
        return True

    @abstractmethod
    def generate(self, spec) -> GeneratedSource: ...
