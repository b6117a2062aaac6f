"""Shared fixtures. Everything here runs the real compiler, chain and Slither."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import psutil
import pytest

pytest_plugins = ["chains.pytest_plugin"]

# Brownie-style tests need brownie's own runner: tests/test_brownie_project.py runs them.
collect_ignore = ["brownie"]

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "solidity"
VENV_BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def compiler():
    from verify.compile import Compiler

    # install=False: the suite never downloads a compiler; `make setup` installs them.
    return Compiler(install=False)


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def ouro_env() -> dict[str, str]:
    """Environment for running the `ouro` console script in a subprocess."""
    env = dict(os.environ)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


_CHAIN_NAMES = ("anvil", "ganache", "node")


def _chain_children() -> list[psutil.Process]:
    out = []
    for p in psutil.Process().children(recursive=True):
        try:
            if p.name() in _CHAIN_NAMES and any(n in " ".join(p.cmdline()) for n in ("anvil", "ganache")):
                out.append(p)
        except psutil.NoSuchProcess:
            continue
    return out


def pytest_sessionfinish(session, exitstatus):
    """The suite must leave no chain process behind, passing or failing."""
    from chains import stop_all

    stop_all()
    leftovers = [p for p in _chain_children() if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    if leftovers:
        session.exitstatus = 1
        sys.stderr.write(f"\nERROR: chain processes left running: {[(p.pid, p.name()) for p in leftovers]}\n")
