"""Locate the Node.js toolchain ouro installs from npm (node_modules of the ouro checkout)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

__all__ = ["ToolchainMissing", "node_modules_dir", "node_bin", "node_executable"]

_REPO_ROOT = Path(__file__).resolve().parent.parent


class ToolchainMissing(RuntimeError):
    """A Node.js tool that ouro needs is not installed; the message says how to install it."""


def node_modules_dir(required: str = "solc") -> Path:
    """The node_modules folder holding ``required``.

    ``$OURO_NODE_MODULES`` (':'-separated) is authoritative when set; otherwise the ouro
    checkout's node_modules, then the working directory's and its parents'.
    """
    candidates: list[Path] = []
    env = os.environ.get("OURO_NODE_MODULES")
    if env:
        candidates.extend(Path(p) for p in env.split(os.pathsep) if p)
    else:
        candidates.append(_REPO_ROOT / "node_modules")
        cwd = Path.cwd().resolve()
        candidates.extend(p / "node_modules" for p in (cwd, *cwd.parents))
    for c in candidates:
        if (c / required).exists():
            return c.resolve()
    raise ToolchainMissing(
        f"npm package '{required}' not found in {', '.join(str(c) for c in candidates[:3])} ...; "
        "run `make setup` (or `npm ci`) in the ouro checkout, or set OURO_NODE_MODULES"
    )


def node_bin(name: str, package: str | None = None) -> Path:
    """Path of an executable installed by an npm package (``node_modules/.bin/<name>``)."""
    nm = node_modules_dir(package or name)
    exe = nm / ".bin" / name
    if not exe.exists():
        raise ToolchainMissing(f"{exe} is missing; run `make setup` (or `npm ci`)")
    return exe


def node_executable() -> Path:
    """The ``node`` interpreter."""
    found = shutil.which("node")
    if not found:
        raise ToolchainMissing("Node.js (`node`) is not on PATH; install Node.js 18 or newer")
    return Path(found)
