"""A failed ETH transfer is ignored: the attacker's contract refuses the ETH, the call still
succeeds, and its credit is gone anyway."""

from __future__ import annotations

from ._helpers import fmt_eth, team_credit
from .base import Property, RunContext


class UncheckedCall(Property):
    ARGUMENT = "ouro-unchecked-call"
    HELP = "A failed send/call is ignored while state changes as if it succeeded"
    CATEGORY = "unchecked-calls"
    COVERS = ("unchecked-send", "unchecked-lowlevel")

    def applies(self, target):
        return target.holds_eth_credits or target.accepts_eth

    def attack_enabled(self, ctx, step):
        return step.actor == "attacker_contract" and step.reject_eth

    def check(self, ctx: RunContext, step, outcome):
        if not (outcome.ok and step.actor == "attacker_contract" and step.reject_eth and step.value == 0):
            return None
        b, a = outcome.before, outcome.after
        if a.eth["target"] < b.eth["target"] + step.value:
            return None  # ETH did leave the contract: it went somewhere
        lost = team_credit(b) - team_credit(a)
        total_lost = sum(sum(p.values()) for p in b.credits.values()) - sum(sum(p.values()) for p in a.credits.values())
        if total_lost <= 0:
            return None  # credit moved to another account (a transfer), nothing was paid out
        received = a.eth["attacker_contract"] - b.eth["attacker_contract"] + step.value
        if lost > 0 and received <= 0:
            return (f"attacker contract refused ETH during {step.function}; the call succeeded anyway and its "
                    f"credit fell by {fmt_eth(lost)} while it received nothing (the failed transfer was ignored)")
        return None
