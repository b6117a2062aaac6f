"""Ether accounting: the contract must always hold at least what it owes its users.

Only credits proven to count wei (``RunContext.units``, see _value.py) are compared with the
contract's ETH balance."""

from __future__ import annotations

from verify.dynamic.session import HONEST

from ._helpers import fmt_eth
from .base import Property, RunContext


class EtherAccounting(Property):
    ARGUMENT = "ouro-ether-accounting"
    HELP = "Contract ETH balance falls below the sum of the credits it records for its users"
    CATEGORY = "other"

    def applies(self, target):
        return target.holds_eth_credits

    def check(self, ctx: RunContext, step, outcome):
        if not outcome.ok or step.actor not in HONEST:
            return None  # attacker-driven insolvency is judged by access-control / re-entrancy
        a, b = outcome.after, outcome.before
        for getter, per in a.credits.items():
            if getter not in ctx.units:
                continue  # a count of NFTs or shares is not wei owed
            # an account this very call paid at least its recorded credit, with the record left as it
            # was, holds a stale entry (a refund list never cleared), not a claim on the contract
            paid = {r for r, v in per.items() if r != "target" and v > 0
                    and v <= b.credits.get(getter, {}).get(r, 0)
                    and a.eth.get(r, 0) - b.eth.get(r, 0) + (step.value if r == step.actor else 0) >= v}
            owed = sum(v for r, v in per.items() if r != "target" and r not in paid)
            if owed > a.eth["target"] and sum(outcome.before.credits.get(getter, {}).values()) <= outcome.before.eth["target"]:
                return (f"after {step.actor} called {step.function}, the contract holds {fmt_eth(a.eth['target'])} "
                        f"but records {fmt_eth(owed)} of {getter} owed to users")
        return None
