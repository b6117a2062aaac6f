"""Local Ethereum chains for ouro: Anvil (default) and Ganache, bound to 127.0.0.1.

Bottom layer of ouro: ``chains`` imports neither ``verify`` nor ``synth``.
"""

from ._chain import DEFAULT_MNEMONIC, ChainConfig, ChainError, ChainRestarted, LocalChain
from ._process import live_processes, stop_all
from ._registry import BACKENDS, get_backend, start_chain
from .anvil import AnvilChain
from .ganache import GanacheChain
from .node_tools import ToolchainMissing, node_bin, node_executable, node_modules_dir

__all__ = [
    "AnvilChain",
    "BACKENDS",
    "ChainConfig",
    "ChainError",
    "ChainRestarted",
    "DEFAULT_MNEMONIC",
    "GanacheChain",
    "LocalChain",
    "ToolchainMissing",
    "get_backend",
    "live_processes",
    "node_bin",
    "node_executable",
    "node_modules_dir",
    "start_chain",
    "stop_all",
]
