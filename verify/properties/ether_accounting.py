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
        a = outcome.after
        for getter, per in a.credits.items():
            if getter not in ctx.units:
                continue  # a count of NFTs or shares is not wei owed
            owed = sum(v for r, v in per.items() if r != "target")
            if owed > a.eth["target"] and sum(outcome.before.credits.get(getter, {}).values()) <= outcome.before.eth["target"]:
                return (f"after {step.actor} called {step.function}, the contract holds {fmt_eth(a.eth['target'])} "
                        f"but records {fmt_eth(owed)} of {getter} owed to users")
        return None
