"""Backend selection: by name, or the available backend with the best priority."""

from __future__ import annotations

from typing import Any

from ._chain import ChainError, LocalChain
from .anvil import AnvilChain
from .ganache import GanacheChain

__all__ = ["BACKENDS", "get_backend", "start_chain"]

BACKENDS: dict[str, type[LocalChain]] = {cls.name: cls for cls in (AnvilChain, GanacheChain)}


def get_backend(name: str | None = None) -> type[LocalChain]:
    """The backend class called ``name``, or the best available one when ``name`` is None."""
    if name is not None:
        try:
            cls = BACKENDS[name]
        except KeyError:
            raise ChainError(f"unknown chain backend {name!r}; choose one of {', '.join(BACKENDS)}") from None
        if not cls.is_available():
            raise ChainError(f"chain backend {name!r} is not installed; run `make setup` (npm ci)")
        return cls
    for cls in sorted(BACKENDS.values(), key=lambda c: c.priority):
        if cls.is_available():
            return cls
    raise ChainError("no chain backend is installed (anvil, ganache); run `make setup`")


def start_chain(name: str | None = None, **options: Any) -> LocalChain:
    """Start a chain; use it as a context manager to stop it: ``with start_chain() as c: ...``."""
    return get_backend(name)(**options).start()
