"""Contract kinds: every module of this package that defines a ``Kind`` subclass is one."""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from .base import Kind, KindOptions, KindParameters

__all__ = ["Kind", "KindOptions", "KindParameters", "all_kinds", "get_kind"]


@lru_cache(maxsize=1)
def all_kinds() -> dict[str, Kind]:
    found: dict[str, Kind] = {}
    for mod in pkgutil.iter_modules(__path__):
        if mod.name.startswith("_") or mod.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{mod.name}")
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, Kind) and obj is not Kind and getattr(obj, "NAME", None):
                found[obj.NAME] = obj()
    return dict(sorted(found.items()))


def get_kind(name: str) -> Kind:
    return all_kinds()[name]
