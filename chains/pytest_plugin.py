"""pytest fixtures for ouro chains. Enable with ``pytest_plugins = ["chains.pytest_plugin"]``.

- ``anvil_chain`` / ``ganache_chain``: one node per test session, stopped at the end.
- ``chain``: the session's Anvil, with a snapshot taken before each test and reverted after,
  so tests never see each other's state. A node that died is restarted first.
"""

from __future__ import annotations

import pytest

from ._chain import LocalChain
from .anvil import AnvilChain
from .ganache import GanacheChain


def _session_chain(cls: type[LocalChain]):
    if not cls.is_available():
        pytest.fail(f"{cls.name} is not installed; run `make setup`")
    chain = cls().start()
    try:
        yield chain
    finally:
        chain.stop()


@pytest.fixture(scope="session")
def anvil_chain():
    yield from _session_chain(AnvilChain)


@pytest.fixture(scope="session")
def ganache_chain():
    yield from _session_chain(GanacheChain)


@pytest.fixture
def chain(anvil_chain: LocalChain):
    anvil_chain.ensure_alive()
    snap = anvil_chain.snapshot()
    yield anvil_chain
    if anvil_chain.is_running():
        try:
            anvil_chain.revert(snap)
        except Exception:  # noqa: BLE001 - a test that restarted the node invalidated the snapshot
            pass
