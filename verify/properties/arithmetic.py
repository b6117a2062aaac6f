"""Wrap-around: a value moves exactly as an overflowing addition or underflowing subtraction
of an argument would, or a balance/supply/counter jumps to an astronomically large value."""

from __future__ import annotations

import re

from verify.dynamic.seeds import ints_in

from .base import Property, RunContext

MOD = 2**256
HUGE, SMALL = 2**200, 2**128
AMOUNT_LIKE = re.compile(r"(total|supply|count|balance|deposit|reserve|debt|stake|shares|amount|pool)", re.I)


def _inputs(step) -> list[int]:
    vals = list(ints_in(step.args)) + ([step.value] if step.value else [])
    if step.reenter:
        vals += list(ints_in(step.reenter["args"]))
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


def _product_wrap(step, outcome, constants: set[int]) -> str | None:
    """The payer was credited ``n`` units (an argument) for ETH equal to ``n * C`` wrapped, ``C`` a
    constant of the code: a price check (``msg.value == n * PRICE``) passed on an overflowed product."""
    if not step.value:
        return None
    b, a = outcome.before, outcome.after
    rises = {v - b.credits.get(g, {}).get(step.actor, 0) for g, per in a.credits.items()
             for r, v in per.items() if r == step.actor}
    for n in ints_in(step.args):
        if n not in rises:
            continue  # what was bought is not what was asked for: the product played no part
        for c in constants:
            if c > 1 and n * c >= MOD and (n * c) % MOD == step.value:
                return f"paid {step.value} wei for {n} units at {c} each: the product {n} * {c} wrapped to the payment"
    return None


def _team_args(h, fn, amount: int) -> list:
    """Arguments with every address list the attacker's two accounts and every number ``amount``."""
    me, other = h.roles["attacker"], h.roles["attacker_contract"]
    out = []
    for p, t in zip(fn.inputs, fn.types):
        if t == "address[]":
            out.append([me, other])
        elif t.startswith("uint") and not t.endswith("]"):
            bits = int(t[4:] or 256)
            out.append(amount if amount < 2**bits else 2 ** (bits - 1))
        else:
            out.append(h.args(fn, "attacker", amount)[len(out)])
    return out


class ArithmeticWrap(Property):
    ARGUMENT = "ouro-arithmetic-wrap"
    HELP = "An integer over- or underflows: a per-account value or a counter wraps around"
    CATEGORY = "arithmetic"
    COVERS = ("ouro-arithmetic",)

    def seeds(self, h):
        """Numbers chosen to wrap: n * C just past 2**256 for every constant C (paying the wrapped
        product), and 2**255 to two of the attacker's own accounts at once (a batch transfer)."""
        from verify.dynamic.session import Step

        facts = h.target.env.facts if h.target.env is not None else None
        constants = sorted({c for c in (facts.amounts | facts.compared_with_value if facts else set()) if c > 1})[:6]
        out = []
        for fn in h.mutators:
            uints = [t for t in fn.types if t.startswith("uint") and not t.endswith("]")]
            if fn.payable and uints:
                for c in constants:
                    n = MOD // c + 1
                    args = _team_args(h, fn, n)
                    out.append(h.honest_crowd() + [Step("attacker", fn.signature, args, (n * c) % MOD)])
            if "address[]" in fn.types and uints:
                for amount in (2**255, MOD // 3 + 1):
                    out.append([Step("attacker", fn.signature, _team_args(h, fn, amount))])
            elif uints and not fn.payable:
                # after its own deposit, the attacker adds the largest number to what it holds
                # (a lock time, a counter): an unchecked sum wraps to just below the old value
                top = Step("attacker", fn.signature, _team_args(h, fn, MOD - 1))
                out.append([top, Step("attacker", fn.signature, _team_args(h, fn, 1))])
                for d in h.deposits[:2]:
                    v = h.amounts[0]
                    pay = Step("attacker", d.signature, h.args(d, "attacker", v, 0), v)
                    out.append([pay, top])
        return out

    def check(self, ctx: RunContext, step, outcome):
        if not outcome.ok or step.actor == "warp":
            return None
        b, a = outcome.before, outcome.after
        facts = ctx.session.target.env.facts if ctx.session.target.env is not None else None
        if facts is not None and (how := _product_wrap(step, outcome, facts.amounts | facts.compared_with_value)):
            return f"{step.actor} called {step.function}: {how}"
        inputs = _inputs(step)
        supply = a.scalars.get("totalSupply")
        if supply is not None and "balanceOf" in a.credits and any(x >= SMALL for x in inputs):
            held = sum(v for r, v in a.credits["balanceOf"].items())
            if held > supply >= b.scalars.get("totalSupply", 0) and held > sum(b.credits.get("balanceOf", {}).values()):
                return (f"{step.actor} called {step.function} with {max(inputs)}: the balances of "
                        f"{len(a.credits['balanceOf'])} accounts now sum to {held}, more than the total supply "
                        f"{supply} (an amount wrapped)")
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
