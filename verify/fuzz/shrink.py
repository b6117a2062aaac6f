"""Minimal failing sequences by delta debugging, in pyrevm: drop chunks of transactions, then
simplify what is left (delays, values, senders, arguments toward zero), keeping a change only
when the same failure (the same cheap key) still happens first at the last transaction.

A try changes the sequence from some position on; the state before it is kept in a journal
snapshot, so each try runs only the transactions from that position (a failure twenty moves deep
is not replayed from the start for every argument tried)."""

from __future__ import annotations

from .campaign import Campaign
from .model import Failure, Tx
from .values import simpler

__all__ = ["shrink"]


class _Judge:
    """Runs tries of one failure; ``prefix`` mode keeps the state after ``seq[:n]``."""

    def __init__(self, camp: Campaign, f: Failure):
        self.camp, self.f, self.runs = camp, f, 0
        self.props = [p for p in camp.harness.properties if f.prop is not None and f.prop.get("style") != "check"
                      and p.signature == f.prop["signature"] and p.address == f.prop["address"]]
        self.checks = [c for c in camp.harness.spec.checks if f.prop is not None and f.prop.get("style") == "check"
                       and c.ARGUMENT == f.prop["signature"]]
        # Python-side checks carry state from step to step: those tries run whole sequences
        self.snapshots = not self.checks
        self.n, self.clock, self.snap = 0, None, None

    def _arm(self) -> None:
        camp = self.camp
        camp.failures, camp.active, camp.checks = {}, list(self.props), list(self.checks)

    def reset(self) -> None:
        """Back to the deployed world, prefix empty."""
        self._arm()
        self.clock = self.camp._start()
        self.n = 0
        self.snap = self.camp.evm.snapshot() if self.snapshots else None

    def advance(self, seq: list[Tx], i: int) -> None:
        """The kept state becomes the one after ``seq[:i]`` (``seq[:self.n]`` is unchanged)."""
        if not self.snapshots or i <= self.n:
            return
        evm = self.camp.evm
        evm.revert(self.snap)
        self._arm()
        for k in range(self.n, i):
            self.camp._step(seq[k], seq, k, self.clock)
        self.n = i
        self.snap = evm.snapshot()

    def ok(self, seq: list[Tx], start: int) -> bool:
        """Whether ``seq`` fails first at its last transaction; ``seq[:start]`` equals the kept prefix."""
        self.runs += 1
        camp = self.camp
        if not seq:
            if self.f.check != "property-failure":
                return False
            self._arm()
            camp.executor.restore_base()
            camp._check_properties([])
            got = camp.failures.get(self.f.key)
            self.reset()
            return got is not None
        if self.snapshots:
            self.advance(seq, min(start, len(seq) - 1))
            camp.evm.revert(self.snap)
            self.snap = camp.evm.snapshot()
            self._arm()
            clock = list(self.clock)
            for k in range(self.n, len(seq)):
                camp._step(seq[k], seq, k, clock)
        else:
            self._arm()
            camp.run(seq, learn=False)
        got = camp.failures.get(self.f.key)
        return got is not None and len(got.sequence) == len(seq)


def shrink(camp: Campaign, f: Failure, budget: int = 250) -> Failure:
    """Passes of deletion then simplification, until one changes nothing (a simpler argument
    often lets earlier transactions go) or the budget of tries is spent."""
    saved = camp.failures, camp.active, camp.checks, camp.stats.failures
    judge = _Judge(camp, f)
    seq = list(f.sequence)
    try:
        for _ in range(4):
            before = [t.to_json() for t in seq]
            seq = _pass(camp, judge, seq, budget)
            if judge.runs >= budget or [t.to_json() for t in seq] == before:
                break
    finally:
        camp.failures, camp.active, camp.checks, camp.stats.failures = saved
        camp.executor.restore_base()
    return Failure(f.check, f.name, f.contract, f.key, seq, f.reason, f.prop)


def _pass(camp: Campaign, judge: _Judge, seq: list[Tx], budget: int) -> list[Tx]:
    f = judge.f
    # 1. fewer transactions (the failing one stays last)
    chunk = max(1, len(seq) // 2)
    while chunk >= 1 and judge.runs < budget:
        judge.reset()
        i, changed = 0, False
        while i < len(seq) - 1 and judge.runs < budget:
            cand = seq[:i] + seq[i + chunk:] if i + chunk < len(seq) else None
            if cand is not None and judge.ok(cand, i):
                seq, changed = cand, True
            else:
                i += chunk
        if not changed:
            chunk //= 2
    if f.check == "property-failure" and judge.runs < budget and judge.ok([], 0):
        return []
    # 2. simpler transactions
    first = camp.harness.senders[0] if camp.harness.senders else None
    judge.reset()
    for i in range(len(seq)):
        for field_change in ("delay", "value", "sender"):
            if judge.runs >= budget:
                break
            tx = seq[i]
            if field_change == "delay" and tx.delay:
                cand_tx = Tx(tx.sender, tx.to, tx.function, tx.args, tx.data, tx.value, 0)
            elif field_change == "value" and tx.value:
                cand_tx = Tx(tx.sender, tx.to, tx.function, tx.args, tx.data, 0, tx.delay)
            elif field_change == "sender" and first and tx.sender != first:
                cand_tx = Tx(first, tx.to, tx.function, tx.args, tx.data, tx.value, tx.delay)
            else:
                continue
            cand = seq[:i] + [cand_tx] + seq[i + 1:]
            if judge.ok(cand, i):
                seq = cand
        fn = camp.functions.get(seq[i].function)
        if fn is None:
            continue
        for j, t in enumerate(fn.types):
            for v in simpler(t, seq[i].args[j]):
                if judge.runs >= budget:
                    break
                args = list(seq[i].args)
                args[j] = v
                try:
                    cand_tx = camp._retype(seq[i], args)
                except (ValueError, OverflowError, TypeError):
                    continue
                cand = seq[:i] + [cand_tx] + seq[i + 1:]
                if judge.ok(cand, i):
                    seq = cand
                    break
    return seq
