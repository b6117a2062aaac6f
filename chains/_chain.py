"""The chain backend interface and the shared implementation for subprocess nodes.

A subclass supplies only ``name``, ``priority``, ``is_available()`` and ``command(port)``.
"""

from __future__ import annotations

import os
import tempfile
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, ClassVar

import requests
from eth_account import Account
from web3 import Web3
from web3.providers.rpc import HTTPProvider

from ._process import ManagedProcess, free_port, wait_until
from .defaults import DEFAULT_MNEMONIC

__all__ = ["ChainConfig", "ChainError", "ChainRestarted", "LocalChain", "DEFAULT_MNEMONIC"]

HOST = "127.0.0.1"  # never bind anything wider


class ChainError(RuntimeError):
    """The node failed to start, answer, or do what was asked."""


class ChainRestarted(ChainError):
    """The node had died and was restarted: every deployment and snapshot is gone."""


@dataclass
class ChainConfig:
    accounts: int = 10
    balance_eth: int = 10_000
    chain_id: int = 31337
    mnemonic: str = DEFAULT_MNEMONIC
    base_fee: int = 0  # wei; 0 keeps ETH accounting exact for property checks
    gas_price: int = 0
    gas_limit: int = 30_000_000
    block_time: int | None = None  # None: mine on every transaction
    port: int | None = None  # None: pick a free port
    startup_timeout: float = 60.0
    log_dir: Path | None = None
    extra_args: list[str] = field(default_factory=list)


class LocalChain(ABC):
    """A local Ethereum node in a subprocess, bound to 127.0.0.1."""

    name: ClassVar[str]
    priority: ClassVar[int]  # lower is preferred

    def __init__(self, config: ChainConfig | None = None, **overrides: Any):
        cfg = config or ChainConfig()
        for k, v in overrides.items():
            if not hasattr(cfg, k):
                raise TypeError(f"unknown chain option {k!r}")
            setattr(cfg, k, v)
        self.config = cfg
        self.port: int | None = None
        self.restarts = 0
        self._proc: ManagedProcess | None = None
        self._web3: Web3 | None = None
        self._lock = threading.RLock()
        self._on_restart: list[Callable[["LocalChain"], None]] = []
        log_dir = cfg.log_dir or Path(tempfile.gettempdir()) / "ouro-chains"
        self.log_dir = Path(log_dir)

    # -- what a backend supplies -------------------------------------------------------
    @classmethod
    @abstractmethod
    def is_available(cls) -> bool:
        """True when this backend's executable is installed."""

    @abstractmethod
    def command(self, port: int) -> list[str]:
        """The argv that starts the node on ``HOST:port``."""

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> "LocalChain":
        with self._lock:
            if self._proc is not None and self._proc.alive():
                return self
            last_error = None
            for _attempt in range(3):  # a free port can be taken between pick and bind
                port = self.port or self.config.port or free_port(HOST)
                log_path = self.log_dir / f"{self.name}-{os.getpid()}-{port}.log"
                proc = ManagedProcess(self.command(port), log_path)
                proc.start()
                self._proc, self.port = proc, port
                try:
                    self._wait_ready()
                    return self
                except ChainError as exc:
                    last_error = exc
                    proc.stop()
                    self._proc = None
                    if self.config.port is None:
                        self.port = None
            raise last_error  # type: ignore[misc]

    def _wait_ready(self) -> None:
        proc = self._proc
        assert proc is not None

        def ready() -> bool:
            if not proc.alive():
                return True
            try:
                return self._raw_rpc("eth_chainId", [], timeout=1.0) is not None
            except (requests.RequestException, ChainError):
                return False

        ok = wait_until(ready, self.config.startup_timeout, interval=0.05)
        if not proc.alive():
            raise ChainError(
                f"{self.name} exited with code {proc.returncode()} during start-up; "
                f"log {proc.log_path}:\n{proc.log_tail()}"
            )
        if not ok:
            raise ChainError(
                f"{self.name} did not answer on {self.rpc_url} within {self.config.startup_timeout}s; "
                f"log {proc.log_path}:\n{proc.log_tail()}"
            )

    def stop(self) -> None:
        with self._lock:
            if self._proc is not None:
                self._proc.stop()
                self._proc = None

    def restart(self) -> None:
        with self._lock:
            self.stop()
            self.start()
            self.restarts += 1
            for hook in list(self._on_restart):
                hook(self)

    def on_restart(self, hook: Callable[["LocalChain"], None]) -> None:
        """Call ``hook(chain)`` after every automatic or manual restart."""
        self._on_restart.append(hook)

    def is_running(self) -> bool:
        return self._proc is not None and self._proc.alive()

    def ensure_alive(self) -> bool:
        """Restart the node if it died. Returns True when a restart happened."""
        with self._lock:
            if self.is_running():
                return False
            self.restart()
            return True

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    @property
    def log_path(self) -> Path | None:
        return self._proc.log_path if self._proc else None

    def __enter__(self) -> "LocalChain":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- RPC ---------------------------------------------------------------------------
    @property
    def rpc_url(self) -> str:
        if self.port is None:
            raise ChainError(f"{self.name} is not started")
        return f"http://{HOST}:{self.port}"

    @property
    def web3(self) -> Web3:
        if self._web3 is None or self._web3.provider.endpoint_uri != self.rpc_url:
            self._web3 = Web3(HTTPProvider(self.rpc_url, request_kwargs={"timeout": 60}))
            if self.zero_fees:
                # Legacy transactions at gas price 0: balances move only by the values sent.
                self._web3.eth.set_gas_price_strategy(lambda _w3, _tx: 0)
        return self._web3

    @property
    def zero_fees(self) -> bool:
        """True when transactions from ``web3`` cost no gas (base fee and gas price 0)."""
        return self.config.base_fee == 0 and self.config.gas_price == 0

    def _raw_rpc(self, method: str, params: list, timeout: float = 60.0) -> Any:
        resp = requests.post(
            self.rpc_url,
            json={"jsonrpc": "2.0", "id": 1, "method": method, "params": params},
            timeout=timeout,
        )
        body = resp.json()
        if "error" in body:
            raise ChainError(f"{self.name} {method}: {body['error'].get('message', body['error'])}")
        return body.get("result")

    def rpc(self, method: str, params: list | None = None) -> Any:
        """One JSON-RPC call. If the node has died it is restarted and ChainRestarted raised."""
        try:
            return self._raw_rpc(method, params or [])
        except requests.RequestException as exc:
            if self.ensure_alive():
                raise ChainRestarted(
                    f"{self.name} had died (log {self.log_path}); restarted on {self.rpc_url}, state lost"
                ) from exc
            raise ChainError(f"{self.name} {method} failed: {exc}") from exc

    # -- accounts and state control ----------------------------------------------------
    @property
    def accounts(self) -> list[str]:
        return [Web3.to_checksum_address(a) for a in self.rpc("eth_accounts")]

    @property
    def private_keys(self) -> list[str]:
        Account.enable_unaudited_hdwallet_features()
        return [
            Account.from_mnemonic(self.config.mnemonic, account_path=f"m/44'/60'/0'/0/{i}").key.hex()
            for i in range(self.config.accounts)
        ]

    def snapshot(self) -> str:
        return self.rpc("evm_snapshot")

    def revert(self, snapshot_id: str) -> bool:
        ok = self.rpc("evm_revert", [snapshot_id])
        if not ok:
            raise ChainError(f"{self.name}: snapshot {snapshot_id} is unknown (already reverted?)")
        return True

    def mine(self, blocks: int = 1) -> None:
        for _ in range(blocks):
            self.rpc("evm_mine")

    def increase_time(self, seconds: int) -> None:
        self.rpc("evm_increaseTime", [int(seconds)])
        self.rpc("evm_mine")

    def set_balance(self, address: str, wei: int) -> None:
        self.rpc(self.set_balance_method, [address, hex(wei)])

    set_balance_method: ClassVar[str] = "anvil_setBalance"

    def set_code(self, address: str, code: bytes) -> None:
        """Place runtime code at an address (as a fork would find it there)."""
        self.rpc(self.set_code_method, [address, "0x" + bytes(code).hex()])

    set_code_method: ClassVar[str] = "anvil_setCode"

    def block_number(self) -> int:
        return int(self.rpc("eth_blockNumber"), 16)

    def __repr__(self) -> str:
        state = f"{self.rpc_url} pid={self.pid}" if self.is_running() else "stopped"
        return f"<{type(self).__name__} {state}>"
