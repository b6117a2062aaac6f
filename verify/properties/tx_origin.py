"""tx.origin authentication: the owner, lured into calling the attacker's contract, lets it
act with the owner's authority."""

from __future__ import annotations

from dataclasses import replace

from ._helpers import fmt_eth
from .base import Property, RunContext


class TxOriginAuth(Property):
    ARGUMENT = "ouro-tx-origin"
    HELP = "Authorization by tx.origin: a contract the owner calls can act as the owner"
    CATEGORY = "access-control"
    COVERS = ("tx-origin", "ouro-tx-origin-modifier")

    def attack_enabled(self, ctx, step):
        return step.origin == "deployer" and step.actor == "attacker_contract"

    def check(self, ctx: RunContext, step, outcome):
        if not (outcome.ok and step.origin == "deployer" and step.actor == "attacker_contract"):
            return None
        b, a = outcome.before, outcome.after
        gained = a.team_eth() - b.team_eth()
        owner_changed = any(a.owners.get(k) != v for k, v in b.owners.items())
        destroyed = b.code_size > 0 and a.code_size == 0
        if gained <= 0 and not owner_changed and not destroyed:
            return None
        direct = [s for s, _ in ctx.steps[:-1]] + [replace(step, origin=None)]
        variant = ctx.replay_variant(direct, key=self.ARGUMENT)
        if variant is None or variant[1][-1].ok:
            return None
        effect = ("took " + fmt_eth(gained)) if gained > 0 else ("changed the owner" if owner_changed else "destroyed it")
        return (f"the deployer called the attacker's contract, which called {step.function} and {effect}; "
                f"the same call from the attacker's contract alone reverts: authorization uses tx.origin")
