"""Register a brownie development network that runs on ouro's Anvil (base fee 0, gas price 0).

Brownie only launches Anvil for a network whose ``cmd`` starts with ``anvil``, looked up on
PATH; ``link_anvil_into_venv`` puts the npm-installed binary next to the venv's python so
``brownie test --network ouro-anvil`` works from an activated venv. When an Anvil already
listens on the network's port (e.g. one started by ``chains.AnvilChain(port=...)``),
brownie attaches to it instead of launching its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from ._chain import DEFAULT_MNEMONIC, HOST
from .anvil import anvil_executable

__all__ = ["NETWORK_ID", "DEFAULT_PORT", "brownie_network", "register_brownie_network", "link_anvil_into_venv"]

NETWORK_ID = "ouro-anvil"
DEFAULT_PORT = 8546


def _config_path() -> Path:
    base = Path(os.environ.get("BROWNIE_DATA_FOLDER", Path.home() / ".brownie"))
    return base / "network-config.yaml"


def _wanted(port: int) -> dict:
    return {
        "cmd": "anvil",
        "host": f"http://{HOST}",
        "cmd_settings": {
            "port": port,
            "accounts": 10,
            "chain_id": 31337,
            "mnemonic": DEFAULT_MNEMONIC,
            "base_fee": 0,
            "gas_price": 0,
            "gas_limit": 30_000_000,
        },
    }


def brownie_network(network_id: str = NETWORK_ID) -> dict | None:
    """The network's entry in brownie's network-config.yaml, or None."""
    try:
        cfg = yaml.safe_load(_config_path().read_text()) or {}
    except (OSError, yaml.YAMLError):
        return None
    for net in cfg.get("development", []) or []:
        if net.get("id") == network_id:
            return net
    return None


def _brownie_cli() -> list[str]:
    exe = Path(sys.executable).with_name("brownie")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "brownie"]


def register_brownie_network(port: int = DEFAULT_PORT, network_id: str = NETWORK_ID) -> bool:
    """Add or update the network; returns True when brownie's config was changed."""
    want = _wanted(port)
    have = brownie_network(network_id)
    if have is not None and have.get("cmd") == want["cmd"] and have.get("host") == want["host"] and all(
        str((have.get("cmd_settings") or {}).get(k)) == str(v) for k, v in want["cmd_settings"].items()
    ):
        return False
    pairs = [f"cmd={want['cmd']}", f"host={want['host']}"] + [
        f"{k}={v}" for k, v in want["cmd_settings"].items()
    ]
    if have is None:
        argv = _brownie_cli() + ["networks", "add", "development", network_id] + pairs
    else:
        argv = _brownie_cli() + ["networks", "modify", network_id] + pairs
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0 or brownie_network(network_id) is None:
        raise RuntimeError(f"brownie networks failed: {(proc.stdout + proc.stderr).strip()[-800:]}")
    return True


def link_anvil_into_venv() -> Path | None:
    """Symlink the npm Anvil into the running venv's bin/ so brownie's `anvil` resolves."""
    if sys.prefix == sys.base_prefix:
        return None
    link = Path(sys.prefix) / "bin" / "anvil"
    target = anvil_executable()
    if link.is_symlink() and Path(os.readlink(link)) == target:
        return link
    if link.exists() and not link.is_symlink():
        return None  # someone installed a real anvil there; leave it
    tmp = link.with_name("anvil.ouro-tmp")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(target)
    os.replace(tmp, link)
    return link
