"""Anvil and Ganache as real subprocesses: deploy, transact, snapshot/revert, restart, no orphans."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import psutil
import pytest

from chains import AnvilChain, ChainError, ChainRestarted, GanacheChain, get_backend
from verify.compile import Compiler


@pytest.fixture(scope="module")
def counter(fixtures_dir):
    # shanghai: the newest EVM Ganache runs
    return Compiler(install=False, evm_version="shanghai").compile_file(fixtures_dir / "Counter.sol").contract("Counter")


def deploy(chain, compiled):
    w3 = chain.web3
    tx = w3.eth.contract(abi=compiled.abi, bytecode=compiled.bytecode).constructor().transact({"from": chain.accounts[0]})
    addr = w3.eth.wait_for_transaction_receipt(tx).contractAddress
    return w3.eth.contract(address=addr, abi=compiled.abi)


@pytest.mark.parametrize("chain_fixture", ["anvil_chain", "ganache_chain"])
def test_deploy_snapshot_transact_revert(request, chain_fixture, counter):
    chain = request.getfixturevalue(chain_fixture)
    assert chain.rpc_url.startswith("http://127.0.0.1:")
    c = deploy(chain, counter)
    alice, bob = chain.accounts[1], chain.accounts[2]
    snap = chain.snapshot()
    c.functions.inc().transact({"from": alice})
    c.functions.inc().transact({"from": bob})
    assert c.functions.count().call() == 2
    assert c.functions.lastCaller().call() == bob
    chain.revert(snap)
    assert c.functions.count().call() == 0
    assert c.functions.lastCaller().call() == "0x" + "00" * 20
    with pytest.raises(ChainError):
        chain.revert(snap)  # a snapshot is consumed by its revert


@pytest.mark.parametrize("chain_fixture", ["anvil_chain", "ganache_chain"])
def test_time_travel_and_mining(request, chain_fixture):
    chain = request.getfixturevalue(chain_fixture)
    w3 = chain.web3
    start_block = chain.block_number()
    t0 = w3.eth.get_block("latest").timestamp
    chain.increase_time(3600)
    assert chain.block_number() == start_block + 1
    assert w3.eth.get_block("latest").timestamp >= t0 + 3600
    chain.mine(3)
    assert chain.block_number() == start_block + 4


def test_accounts_funded_and_keys_match(anvil_chain):
    w3 = anvil_chain.web3
    from eth_account import Account

    accounts = anvil_chain.accounts
    assert len(accounts) == 10
    assert w3.eth.get_balance(accounts[0]) >= 10_000 * 10**18 - 10**18
    assert [Account.from_key(k).address for k in anvil_chain.private_keys] == accounts


def test_anvil_fees_are_zero_so_eth_accounting_is_exact(chain):
    w3 = chain.web3
    a, b = chain.accounts[3], chain.accounts[4]
    before_a, before_b = w3.eth.get_balance(a), w3.eth.get_balance(b)
    w3.eth.wait_for_transaction_receipt(w3.eth.send_transaction({"from": a, "to": b, "value": 12345}))
    assert w3.eth.get_balance(a) == before_a - 12345
    assert w3.eth.get_balance(b) == before_b + 12345


def test_set_balance(request):
    for name in ("anvil_chain", "ganache_chain"):
        chain = request.getfixturevalue(name)
        who = chain.accounts[5]
        chain.set_balance(who, 7 * 10**18)
        assert chain.web3.eth.get_balance(who) == 7 * 10**18


def test_killed_node_is_detected_and_restarted(counter):
    with AnvilChain() as chain:
        c = deploy(chain, counter)
        c.functions.inc().transact({"from": chain.accounts[0]})
        seen = []
        chain.on_restart(lambda ch: seen.append(ch.rpc_url))
        old_pid, url = chain.pid, chain.rpc_url
        os.kill(old_pid, signal.SIGKILL)
        psutil.Process(old_pid).wait(timeout=10) if psutil.pid_exists(old_pid) else None
        with pytest.raises(ChainRestarted):
            chain.rpc("eth_blockNumber")
        assert chain.restarts == 1 and seen == [url]
        assert chain.pid != old_pid and chain.is_running() and not psutil.pid_exists(old_pid)
        assert chain.block_number() == 0  # fresh chain: state is gone, as ChainRestarted says
        c2 = deploy(chain, counter)  # and it works again
        c2.functions.inc().transact({"from": chain.accounts[0]})
        assert c2.functions.count().call() == 1
    assert not chain.is_running()


def test_ensure_alive_restarts_a_dead_ganache():
    with GanacheChain() as chain:
        os.kill(chain.pid, signal.SIGKILL)
        time.sleep(0.2)
        assert chain.ensure_alive() is True
        assert chain.block_number() == 0
        assert chain.ensure_alive() is False


def test_binds_loopback_only(anvil_chain, ganache_chain):
    for chain in (anvil_chain, ganache_chain):
        listening = [c for c in psutil.Process(chain.pid).connections(kind="inet") if c.status == "LISTEN"]
        assert listening and all(c.laddr.ip == "127.0.0.1" for c in listening)


def test_startup_failure_reports_the_log():
    chain = AnvilChain(extra_args=["--no-such-flag"], startup_timeout=10)
    with pytest.raises(ChainError) as exc:
        chain.start()
    assert "exited with code" in str(exc.value) and "no-such-flag" in str(exc.value)
    assert not chain.is_running()


def test_unknown_backend_is_a_clear_error():
    with pytest.raises(ChainError, match="choose one of anvil, ganache"):
        get_backend("hardhat")
    assert get_backend() is AnvilChain


SCRIPT = textwrap.dedent(
    """
    import os, signal, sys, time
    # Ctrl-C reaches a user's program with Python's KeyboardInterrupt handler in place. A program
    # started from a background job (CI runners, `cmd &`) inherits SIGINT as ignored, and Python
    # then installs no handler, so SIGINT would do nothing at all. chains must not change the
    # handlers of the program that imports it (a library does not take over Ctrl-C); the owner
    # sets the disposition it means to test, as a Ctrl-C'd program in a terminal has it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    from chains import {cls}
    chain = {cls}().start()
    print(chain.pid, flush=True)
    how = sys.argv[1]
    if how == "sigkill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif how == "exception":
        raise RuntimeError("test failure with a chain running")
    time.sleep(120)
    """
)


@pytest.mark.parametrize("cls", ["AnvilChain", "GanacheChain"])
@pytest.mark.parametrize("how", ["sigkill", "sigint", "sigterm", "exception"])
def test_no_orphan_when_the_owner_dies(tmp_path, cls, how):
    script = tmp_path / "owner.py"
    script.write_text(SCRIPT.format(cls=cls))
    proc = subprocess.Popen([sys.executable, str(script), how], stdout=subprocess.PIPE, text=True)
    try:
        child_pid = int(proc.stdout.readline())
        assert psutil.pid_exists(child_pid)
        if how == "sigint":
            proc.send_signal(signal.SIGINT)  # Ctrl-C
        elif how == "sigterm":
            proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:  # the owner did not die: do not leave it (and its node) behind
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            if psutil.Process(child_pid).status() == psutil.STATUS_ZOMBIE:
                break
        except psutil.NoSuchProcess:
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"{cls} pid {child_pid} survived its owner ({how})")


def test_pytest_fixture_cleans_up_after_a_failing_test(tmp_path):
    (tmp_path / "test_inner.py").write_text(textwrap.dedent(
        """
        pytest_plugins = ["chains.pytest_plugin"]

        def test_fails(chain):
            print("PID", chain.pid, flush=True)
            assert chain.block_number() == -1
        """
    ))
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:pytest-brownie", "-p", "no:cacheprovider",
                           "-s", str(tmp_path / "test_inner.py")], capture_output=True, text=True, cwd=tmp_path,
                          timeout=120)
    assert proc.returncode == 1, proc.stdout[-2000:]
    pid = int(proc.stdout.split("PID ")[1].split()[0])
    time.sleep(0.2)
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
