"""One registry of every check ouro runs, with its declared metadata.

Three kinds, each discovered, so adding a check is adding one file:
- Slither's built-in detectors (category from ``verify/static/slither_categories.py``);
- ouro's static detectors: ``OuroDetector`` subclasses in ``verify/checks/static/``;
- dynamic properties: ``Property`` subclasses in ``verify/properties/``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import dataclass
from functools import lru_cache

from verify.static.slither_categories import DASP10, category_of, severity_of

__all__ = ["CheckInfo", "DASP10", "all_checks", "ouro_detectors", "slither_detectors", "properties"]


@dataclass(frozen=True)
class CheckInfo:
    name: str
    help: str
    category: str
    impact: str
    confidence: str
    needs: tuple[str, ...]  # "compiler", "chain"
    kind: str  # "slither" | "ouro-static" | "property"
    cls: type


def _subclasses_in(package: str, base: type) -> list[type]:
    pkg = importlib.import_module(package)
    found = []
    for mod in pkgutil.iter_modules(pkg.__path__):
        module = importlib.import_module(f"{package}.{mod.name}")
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, base) and obj is not base and obj.__module__ == module.__name__ \
                    and not inspect.isabstract(obj) and getattr(obj, "ARGUMENT", None):
                found.append(obj)
    return sorted(found, key=lambda c: c.ARGUMENT)


@lru_cache(maxsize=1)
def ouro_detectors() -> tuple[type, ...]:
    from verify.checks.static import OuroDetector

    return tuple(_subclasses_in("verify.checks.static", OuroDetector))


@lru_cache(maxsize=1)
def slither_detectors() -> tuple[type, ...]:
    from verify.static.slither_runner import all_detector_classes

    return tuple(sorted(all_detector_classes(), key=lambda c: c.ARGUMENT))


@lru_cache(maxsize=1)
def properties() -> tuple[type, ...]:
    from verify.properties.base import Property

    return tuple(_subclasses_in("verify.properties", Property))


def all_checks() -> list[CheckInfo]:
    out = []
    for cls in slither_detectors():
        out.append(CheckInfo(cls.ARGUMENT, cls.HELP, category_of(cls.ARGUMENT), severity_of(cls.IMPACT.name),
                             cls.CONFIDENCE.name.lower(), ("compiler",), "slither", cls))
    for cls in ouro_detectors():
        out.append(CheckInfo(cls.ARGUMENT, cls.HELP, cls.CATEGORY, severity_of(cls.IMPACT.name),
                             cls.CONFIDENCE.name.lower(), tuple(cls.NEEDS), "ouro-static", cls))
    for cls in properties():
        out.append(CheckInfo(cls.ARGUMENT, cls.HELP, cls.CATEGORY, cls.IMPACT, cls.CONFIDENCE,
                             tuple(cls.NEEDS), "property", cls))
    return out
