"""Anvil (Foundry) backend: the default chain."""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

from ._chain import HOST, LocalChain
from .node_tools import ToolchainMissing, node_bin, node_modules_dir

__all__ = ["AnvilChain", "anvil_executable", "foundry_executable"]


def foundry_executable(tool: str) -> Path:
    """A Foundry binary (anvil, forge): ``$OURO_<TOOL>``, else the npm platform package."""
    env = os.environ.get(f"OURO_{tool.upper()}")
    if env:
        return Path(env)
    arch = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(
        platform.machine().lower(), platform.machine().lower()
    )
    osname = "linux" if sys.platform.startswith("linux") else sys.platform
    nm = node_modules_dir(f"@foundry-rs/{tool}")
    native = nm / "@foundry-rs" / f"{tool}-{osname}-{arch}" / "bin" / tool
    # The platform binary directly: the npm launcher would add a node process in between.
    return native if native.exists() else node_bin(tool, f"@foundry-rs/{tool}")


def anvil_executable() -> Path:
    return foundry_executable("anvil")


class AnvilChain(LocalChain):
    name = "anvil"
    priority = 0

    @classmethod
    def is_available(cls) -> bool:
        try:
            return anvil_executable().exists()
        except ToolchainMissing:
            return False

    def command(self, port: int) -> list[str]:
        c = self.config
        argv = [
            str(anvil_executable()),
            "--host", HOST,
            "--port", str(port),
            "--accounts", str(c.accounts),
            "--balance", str(c.balance_eth),
            "--chain-id", str(c.chain_id),
            "--mnemonic", c.mnemonic,
            "--block-base-fee-per-gas", str(c.base_fee),
            "--gas-price", str(c.gas_price),
            "--gas-limit", str(c.gas_limit),
        ]
        if c.block_time:
            argv += ["--block-time", str(c.block_time)]
        return argv + list(c.extra_args)
