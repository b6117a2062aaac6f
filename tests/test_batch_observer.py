"""The batch observer: one static message call answers a step's whole observation, exactly as one
call per view does (in the same EVM, and on a real node)."""

from dataclasses import asdict
from pathlib import Path

import pytest

from verify.compile import Compiler
from verify.dynamic.engine import anvil_args, targets_of
from verify.dynamic.executor import ChainExecutor, RevmExecutor
from verify.dynamic.observer import OBSERVER, observer_code
from verify.dynamic.session import Actors, Session, Step

FIX = Path(__file__).resolve().parent / "fixtures" / "dynamic"
ETH = 10**18


@pytest.fixture(scope="module")
def bank():
    build = Compiler(install=False, evm_version="shanghai").compile_file(FIX / "ObservedBank08.sol")
    (target,) = targets_of(build)
    return target


def _steps() -> list[Step]:
    alice = Actors.default().alice
    return [
        Step("alice", "deposit()", [], 3 * ETH),
        Step("attacker_contract", "deposit()", [], ETH, reject_eth=True),
        Step("bob", "deposit()", [], 2 * ETH),
        Step("warp", seconds=86_400),
        Step("alice", "withdraw(uint256)", [ETH]),
        Step("attacker_contract", "withdraw(uint256)", [ETH // 2],
             reenter={"function": "withdraw(uint256)", "args": [1], "value": 0, "depth": 2}),
        Step("attacker", "handOver(address)", [alice]),  # reverts: not the owner
        Step("deployer", "handOver(address)", [alice]),
    ]


def _both(session: Session, with_counters: bool):
    session._batched = False
    each = session.observe(with_counters)
    calls = session.ex.calls
    session._batched = True
    batch = session.observe(with_counters)
    assert session.ex.calls == calls + 1  # the whole observation in one message call
    return each, batch


def test_batch_equals_one_call_per_view_in_revm(bank):
    s = Session(bank, RevmExecutor(bank.evm.upper()))
    assert s._batched and s.ex.code(OBSERVER) and observer_code()
    # every kind of observation is asked: credits, owner, scalars, per-account numbers, struct fields
    assert [g.name for g in bank.credit_getters] == ["balanceOf"]
    assert [g.name for g in bank.owner_getters] == ["owner"]
    assert {g.name for g in bank.scalar_getters} >= {"totalDeposits", "withdrawals", "auditedTotal"}
    assert [g.name for g in bank.account_getters] == ["lockUntil"]
    assert {label for _, _, label, _ in bank.struct_fields} == {"holders.deposit", "holders.since"}
    seen = []
    for step in _steps():
        out = s.execute(step)
        for counters in (False, True):
            each, batch = _both(s, counters)
            a, b = asdict(each), asdict(batch)
            # revm reports its code padded for analysis; the observer asks EXTCODESIZE
            assert (a.pop("code_size") > 0) == (b.pop("code_size") > 0) and batch.code_size > 0
            assert a == b, step.describe()
        seen.append(out.ok)
    assert seen == [True, True, True, True, True, True, False, True]
    last = s.observe(True)
    assert "auditedTotal" not in last.scalars  # a reverting view is absent, as per call
    assert last.owners["owner"] == Actors.default().alice.lower()
    assert last.credits["holders.deposit"]["alice"] == 2 * ETH and last.scalars["holders.since(bob)"] > 0
    assert last.reentered >= 1  # the attacker's counters are part of the batch
    assert s.ex.batched_views > 0


def test_batch_in_revm_equals_one_call_per_view_on_anvil(bank, node_chain):
    revm = Session(bank, RevmExecutor(bank.evm.upper()))
    node = Session(bank, ChainExecutor(node_chain), plan=revm.plan)
    assert not node._batched and revm.address == node.address
    assert revm.observe(True) == node.observe(True)
    for step in _steps():
        a, b = revm.execute(step), node.execute(step)
        assert a.ok == b.ok, step.describe()
        assert a.after == b.after, step.describe()
        assert revm.observe(True) == node.observe(True)


@pytest.fixture
def node_chain():
    """A fresh Anvil under the engine's EVM rules and clock (the replay's)."""
    from chains import AnvilChain

    c = AnvilChain(extra_args=anvil_args("shanghai")).start()
    try:
        yield c
    finally:
        c.stop()
