"""Local Ethereum chains for ouro: Anvil (default) and Ganache, bound to 127.0.0.1.

Bottom layer of ouro: ``chains`` imports neither ``verify`` nor ``synth``. Names are loaded on
first use, so a caller that only needs ``chains.node_tools`` does not import web3.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "DEFAULT_MNEMONIC": ".defaults", "ChainConfig": "._chain", "ChainError": "._chain",
    "ChainRestarted": "._chain", "LocalChain": "._chain",
    "live_processes": "._process", "stop_all": "._process",
    "BACKENDS": "._registry", "get_backend": "._registry", "start_chain": "._registry",
    "AnvilChain": ".anvil", "GanacheChain": ".ganache",
    "ToolchainMissing": ".node_tools", "node_bin": ".node_tools", "node_executable": ".node_tools",
    "node_modules_dir": ".node_tools",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'chains' has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
