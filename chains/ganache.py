"""Ganache backend: the alternative chain, run with the machine's Node.js."""

from __future__ import annotations

from ._chain import HOST, LocalChain
from .node_tools import ToolchainMissing, node_executable, node_modules_dir

__all__ = ["GanacheChain"]


class GanacheChain(LocalChain):
    name = "ganache"
    priority = 10
    set_balance_method = "evm_setAccountBalance"
    set_code_method = "evm_setAccountCode"
    max_evm = "shanghai"
    zero_fees = False  # no base-fee flag: gas is always charged

    @classmethod
    def is_available(cls) -> bool:
        try:
            node_executable()
            return (node_modules_dir("ganache") / "ganache" / "dist" / "node" / "cli.js").exists()
        except ToolchainMissing:
            return False

    def command(self, port: int) -> list[str]:
        c = self.config
        cli = node_modules_dir("ganache") / "ganache" / "dist" / "node" / "cli.js"
        argv = [
            str(node_executable()),
            str(cli),
            "--server.host", HOST,
            "--server.port", str(port),
            "--wallet.totalAccounts", str(c.accounts),
            "--wallet.defaultBalance", str(c.balance_eth),
            "--wallet.mnemonic", c.mnemonic,
            "--chain.chainId", str(c.chain_id),
            "--chain.networkId", str(c.chain_id),
            "--miner.defaultGasPrice", str(c.gas_price),
            "--miner.blockGasLimit", str(c.gas_limit),
            "--logging.quiet",
        ]
        # Ganache has no base-fee flag and its newest hardfork is shanghai: gas is charged,
        # and contracts must be compiled for evm_version <= shanghai (see GanacheChain.max_evm).
        if c.block_time:
            argv += ["--miner.blockTime", str(c.block_time)]
        return argv + list(c.extra_args)
