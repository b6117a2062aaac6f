"""`ouro doctor`: every component ouro needs, whether it is there, and how to fix it."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from importlib import metadata

from chains import AnvilChain, GanacheChain, ToolchainMissing, node_executable, node_modules_dir
from chains.anvil import anvil_executable
from chains.brownie_network import NETWORK_ID, brownie_network

from .compile import BACKENDS
from .compile.solcjs import cache_dir, is_shim, solcx_dir

__all__ = ["Check", "run_checks"]

SETUP_HINT = "make setup"


@dataclass
class Check:
    component: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True


def _python_deps() -> list[Check]:
    checks = []
    try:
        requires = metadata.requires("ouro-contracts") or []
    except metadata.PackageNotFoundError:
        return [Check("python: ouro-contracts", False, "not installed", "pip install -e . (or make setup)")]
    for req in requires:
        if "extra ==" in req:
            continue
        m = re.match(r"([A-Za-z0-9_.\-]+)==([^;\s]+)", req)
        if not m:
            continue
        name, pinned = m.groups()
        try:
            have = metadata.version(name)
        except metadata.PackageNotFoundError:
            checks.append(Check(f"python: {name}", False, "missing", SETUP_HINT))
            continue
        ok = have.split("+")[0] == pinned
        checks.append(Check(f"python: {name}", ok, have if ok else f"{have} (pinned {pinned})", SETUP_HINT))
    return checks


def _cmd_version(argv: list[str]) -> str | None:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    text = (out.stdout or out.stderr).strip().splitlines()
    return text[0] if out.returncode == 0 and text else None


def _npm_package(name: str) -> Check:
    try:
        pkg = json.loads((node_modules_dir(name) / name / "package.json").read_text())
        return Check(f"npm: {name}", True, pkg.get("version", "?"))
    except (ToolchainMissing, OSError, ValueError):
        return Check(f"npm: {name}", False, "missing", "npm ci (or make setup)")


def run_checks() -> list[Check]:
    checks = _python_deps()
    try:
        node = node_executable()
        checks.append(Check("node", True, f"{_cmd_version([str(node), '--version'])} ({node})"))
    except ToolchainMissing as exc:
        checks.append(Check("node", False, str(exc), "install Node.js 18+"))
    for name in ("solc", "@openzeppelin/contracts", "@foundry-rs/anvil", "@foundry-rs/forge", "ganache"):
        checks.append(_npm_package(name))
    for backend in BACKENDS:
        versions = sorted(backend.installed_versions(), key=lambda v: tuple(int(x) for x in v.split(".")))
        usable = backend.is_usable()
        detail = ", ".join(versions) if versions else "no versions installed"
        if backend.name == "solc-js":
            detail += f" (cache {cache_dir()})"
            checks.append(Check("solc backend: solc-js", usable and bool(versions), detail,
                                "ouro compilers install 0.8.37"))
        else:
            checks.append(Check("solc backend: native", True, detail or "none (solc-js is used)",
                                "optional: a native solc on PATH or via solc-select is faster", required=False))
    if AnvilChain.is_available():
        checks.append(Check("anvil", True, _cmd_version([str(anvil_executable()), "--version"]) or "?"))
    else:
        checks.append(Check("anvil", False, "missing", "npm ci (or make setup)"))
    checks.append(Check("ganache", GanacheChain.is_available(),
                        "installed" if GanacheChain.is_available() else "missing", "npm ci (or make setup)",
                        required=False))
    net = brownie_network(NETWORK_ID)
    if net:
        s = net.get("cmd_settings", {})
        checks.append(Check(f"brownie network {NETWORK_ID}", True,
                            f"port {s.get('port')}, base_fee {s.get('base_fee')}, gas_price {s.get('gas_price')}"))
    else:
        checks.append(Check(f"brownie network {NETWORK_ID}", False, "not registered",
                            "ouro chains brownie-network", required=False))
    solcx = solcx_dir()
    shims = sorted(p.name.removeprefix("solc-v") for p in solcx.glob("solc-v*") if is_shim(p)) if solcx.is_dir() else []
    checks.append(Check("py-solc-x / brownie compilers", bool(shims),
                        ", ".join(shims) or "none registered",
                        "ouro compilers install --solcx VERSION", required=False))
    return checks


def is_healthy(checks: list[Check]) -> bool:
    return all(c.ok for c in checks if c.required)
