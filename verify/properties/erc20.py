"""ERC-20 invariants, when the ABI is an ERC-20: balances never exceed the supply, and a
successful transfer moves exactly the amount from sender to recipient.

A transfer that returns ``false`` is a refusal, which ERC-20 allows (the classic StandardToken
answers false on a short balance): nothing must move then, and nothing is reported."""

from __future__ import annotations

from .base import Property, RunContext


class Erc20Invariants(Property):
    ARGUMENT = "ouro-erc20"
    HELP = "ERC-20: sum of balances <= totalSupply; transfer moves exactly the amount"
    CATEGORY = "other"
    COVERS = ("erc20-interface",)

    def applies(self, target):
        return target.is_erc20

    def check(self, ctx: RunContext, step, outcome):
        if not outcome.ok:
            return None
        a, b = outcome.after, outcome.before
        bal, supply = a.credits.get("balanceOf", {}), a.scalars.get("totalSupply")
        if supply is not None and sum(bal.values()) > supply:
            return f"after {step.function}: balances of the actors sum to {sum(bal.values())} > totalSupply {supply}"
        if step.function == "transfer(address,uint256)" and step.origin is None:
            to, amount = step.args
            roles = {v: k for k, v in ctx.session.roles().items()}
            sender, recipient = step.actor, roles.get(to)
            if recipient is None or recipient == sender or sender not in bal:
                return None
            sent = b.credits["balanceOf"].get(sender, 0) - bal.get(sender, 0)
            got = bal.get(recipient, 0) - b.credits["balanceOf"].get(recipient, 0)
            refused = len(outcome.output) >= 32 and int.from_bytes(outcome.output[:32], "big") == 0
            if refused:
                if sent or got:
                    return (f"transfer({recipient}, {amount}) by {sender} returned false but moved tokens: "
                            f"sender lost {sent}, recipient got {got}")
                return None
            if sent != amount or got != amount:
                return f"transfer({recipient}, {amount}) by {sender}: sender lost {sent}, recipient got {got}"
        return None
