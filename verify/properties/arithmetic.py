"""Wrap-around: a balance, supply or counter jumps to an astronomically large value."""

from __future__ import annotations

import re

from .base import Property, RunContext

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


def _big_input(step) -> bool:
    vals = list(_ints(step.args)) + [step.value]
    if step.reenter:
        vals += list(_ints(step.reenter["args"]))
    return any(abs(v) >= SMALL for v in vals)


class ArithmeticWrap(Property):
    ARGUMENT = "ouro-arithmetic-wrap"
    HELP = "An integer over- or underflows: a per-account value or a counter wraps around"
    CATEGORY = "arithmetic"
    COVERS = ("ouro-arithmetic",)

    def check(self, ctx: RunContext, step, outcome):
        if not outcome.ok or _big_input(step):
            return None  # a huge value passed in is not a wrap-around
        b, a = outcome.before, outcome.after
        for getter, per in a.credits.items():
            for role, v in per.items():
                old = b.credits.get(getter, {}).get(role, 0)
                if v >= HUGE and old < SMALL:
                    return f"{step.actor} called {step.function}: {getter}({role}) wrapped from {old} to {v}"
                if old >= HUGE and v < SMALL and v < old:
                    return f"{step.actor} called {step.function}: {getter}({role}) wrapped from {old} to {v}"
        for name, v in a.scalars.items():
            if not AMOUNT_LIKE.search(name):
                continue  # seeds, hashes and packed values are legitimately huge
            old = b.scalars.get(name, 0)
            if v >= HUGE and old < SMALL:
                return f"{step.actor} called {step.function}: {name}() wrapped from {old} to {v}"
        return None
