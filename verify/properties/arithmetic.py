"""Wrap-around: a value moves exactly as an overflowing addition or underflowing subtraction
of an argument would, or a balance/supply/counter jumps to an astronomically large value."""

from __future__ import annotations

import re

from .base import Property, RunContext

MOD = 2**256
HUGE, SMALL = 2**200, 2**128
AMOUNT_LIKE = re.compile(r"(total|supply|count|balance|deposit|reserve|debt|stake|shares|amount|pool)", re.I)


def _ints(v):
    if isinstance(v, bool):
        return
    if isinstance(v, int):
        yield v
    elif isinstance(v, (list, tuple)):
        for x in v:
            yield from _ints(x)


def _inputs(step) -> list[int]:
    vals = list(_ints(step.args)) + ([step.value] if step.value else [])
    if step.reenter:
        vals += list(_ints(step.reenter["args"]))
    return [v for v in vals if v > 0]


def _wrapped(old: int, new: int, inputs: list[int]) -> str | None:
    if {new - old, old - new} & set(inputs):
        return None  # exactly what an unwrapped addition or subtraction of an input gives
    small_step = abs(new - old) < 2**64
    for a in inputs:
        if small_step and a >= 2**255:
            continue  # a counter moving by a few while someone passed ~2**256: coincidence, not a wrap
        if old + a >= MOD and new == (old + a) % MOD:
            return f"overflowed: {old} + {a} wrapped to {new}"
        if a > old and new == (old - a) % MOD:
            return f"underflowed: {old} - {a} wrapped to {new}"
    if new == MOD - 1:
        return None  # type(uint256).max is the usual "no limit" value (e.g. ERC-4626 maxDeposit)
    if new >= HUGE and old < SMALL and not any(a >= SMALL for a in inputs):
        return f"jumped from {old} to {new}"
    return None


class ArithmeticWrap(Property):
    ARGUMENT = "ouro-arithmetic-wrap"
    HELP = "An integer over- or underflows: a per-account value or a counter wraps around"
    CATEGORY = "arithmetic"
    COVERS = ("ouro-arithmetic",)

    def check(self, ctx: RunContext, step, outcome):
        if not outcome.ok or step.actor == "warp":
            return None
        b, a = outcome.before, outcome.after
        inputs = _inputs(step)
        for getter, per in a.credits.items():
            for role, v in per.items():
                old = b.credits.get(getter, {}).get(role, 0)
                if v != old and (how := _wrapped(old, v, inputs)):
                    return f"{step.actor} called {step.function}: {getter}({role}) {how}"
        for name, v in a.scalars.items():
            old = b.scalars.get(name, 0)
            if v == old:
                continue
            how = _wrapped(old, v, inputs)
            if how and (AMOUNT_LIKE.search(name) or not how.startswith("jumped")):
                return f"{step.actor} called {step.function}: {name} {how}"
        return None
