"""Minimal failing sequences by delta debugging, in pyrevm: drop chunks of transactions, then
simplify what is left (delays, values, senders, arguments toward zero), keeping a change only
when the same failure (the same cheap key) still happens at the last transaction."""

from __future__ import annotations

from .campaign import Campaign
from .model import Failure, Tx
from .values import simpler

__all__ = ["shrink"]


def _reproduces(camp: Campaign, f: Failure, seq: list[Tx]) -> bool:
    if not seq and f.check != "property-failure":
        return False
    saved = camp.failures, camp.active, camp.checks, camp.stats.failures
    camp.failures, camp.active, camp.checks = {}, [], []
    if f.prop is not None and f.prop.get("style") == "check":
        camp.checks = [c for c in camp.harness.spec.checks if c.ARGUMENT == f.prop["signature"]]
    elif f.prop is not None:
        camp.active = [p for p in camp.harness.properties if p.signature == f.prop["signature"]
                       and p.address == f.prop["address"]]
    try:
        if not seq:
            camp.executor.restore_base()
            camp._check_properties([])
        else:
            camp.run(seq, learn=False)
        got = camp.failures.get(f.key)
        return got is not None and len(got.sequence) == len(seq)
    finally:
        camp.failures, camp.active, camp.checks, camp.stats.failures = saved


def shrink(camp: Campaign, f: Failure, budget: int = 400) -> Failure:
    """Passes of deletion then simplification, until one changes nothing (a simpler argument
    often lets earlier transactions go) or the budget of runs is spent."""
    seq, spent = list(f.sequence), 0
    for _ in range(4):
        before = [t.to_json() for t in seq]
        seq, used = _pass(camp, f, seq, budget - spent)
        spent += used
        if spent >= budget or [t.to_json() for t in seq] == before:
            break
    return Failure(f.check, f.name, f.contract, f.key, seq, f.reason, f.prop)


def _pass(camp: Campaign, f: Failure, seq: list[Tx], budget: int) -> tuple[list[Tx], int]:
    runs = 0

    def ok(candidate: list[Tx]) -> bool:
        nonlocal runs
        runs += 1
        return _reproduces(camp, f, candidate)

    # 1. fewer transactions (the failing one stays last)
    chunk = max(1, len(seq) // 2)
    while chunk >= 1 and runs < budget:
        i, changed = 0, False
        while i < len(seq) - 1 and runs < budget:
            cand = seq[:i] + seq[i + chunk:] if i + chunk < len(seq) else None
            if cand is not None and ok(cand):
                seq, changed = cand, True
            else:
                i += chunk
        if not changed:
            chunk //= 2
    if f.check == "property-failure" and runs < budget and ok([]):
        seq = []
    # 2. simpler transactions
    first = camp.harness.senders[0] if camp.harness.senders else None
    for i in range(len(seq)):
        for field_change in ("delay", "value", "sender"):
            if runs >= budget:
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
            if ok(cand):
                seq = cand
        fn = camp.functions.get(seq[i].function)
        if fn is None:
            continue
        for j, t in enumerate(fn.types):
            for v in simpler(t, seq[i].args[j]):
                if runs >= budget:
                    break
                args = list(seq[i].args)
                args[j] = v
                try:
                    cand_tx = camp._retype(seq[i], args)
                except (ValueError, OverflowError, TypeError):
                    continue
                cand = seq[:i] + [cand_tx] + seq[i + 1:]
                if ok(cand):
                    seq = cand
                    break
    return seq, runs
