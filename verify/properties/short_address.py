"""Short address: calldata one byte short is padded by the EVM, and the amount moves 256-fold.

A holder (an exchange paying out) sends ``transfer(to, amount)`` to a recipient address that ends
in ``00``, through a client that drops that byte. Code compiled before solc 0.5.0 does not check
the calldata length: the EVM reads the missing byte as zero at the end, the address stays what
it was and the amount is shifted left by 8 bits. Confirmed when the call succeeds and the
sender's per-account balance fell by exactly ``amount * 256``. solc >= 0.5.0 and an
``onlyPayloadSize`` check both reject the short call.
"""

from __future__ import annotations

from .base import Property, RunContext

VANITY = "0x9a1b2c3d4e5f60718293a4b5c6d7e8f901234500"  # a recipient the attacker ground to end in 00


def _pairs(fn) -> list[int]:
    """Positions of address parameters followed by an integer one."""
    return [i for i, (a, b) in enumerate(zip(fn.types, fn.types[1:]))
            if a == "address" and b.startswith(("uint", "int")) and not b.endswith("]")]


class ShortAddress(Property):
    ARGUMENT = "ouro-short-calldata"
    HELP = "A call one byte short (recipient ending in 00) moves 256 times the amount"
    CATEGORY = "short-address"
    IMPACT = "low"  # as the static check: the client dropping the byte is at fault, the contract does not refuse
    COVERS = ("ouro-short-address",)

    def applies(self, target):
        return any(_pairs(f) for f in target.mutating)

    def attack_enabled(self, ctx, step):
        return step.short > 0

    def seeds(self, h):
        from verify.dynamic.session import Step

        out = []
        for fn in h.mutators:
            for i in _pairs(fn)[:1]:
                # the deployer (a premint), or alice after buying in (a sale token)
                for holder, prefix in (("deployer", []), ("alice", h.honest_deposit())):
                    for amount in (1000, 10**18):
                        args = h.args(fn, holder, amount, 1)
                        args[i] = VANITY
                        args[i + 1] = amount
                        out.append(prefix + [Step(holder, fn.signature, args, short=i + 1)])
        return out

    def check(self, ctx: RunContext, step, outcome):
        if not (step.short and outcome.ok):
            return None
        amount = step.args[step.short] if step.short < len(step.args) else None
        if not isinstance(amount, int) or amount <= 0:
            return None
        b, a = outcome.before, outcome.after
        for getter, per in b.credits.items():
            fell = per.get(step.actor, 0) - a.credits.get(getter, {}).get(step.actor, 0)
            if fell == amount * 256:
                self.losers = {f"{step.actor}_{getter}": fell - amount}
                return (f"{step.actor} called {step.function.split('(')[0]} for {amount} to an address ending in 00 "
                        f"with the calldata one byte short: the EVM padded it and {getter}({step.actor}) fell by "
                        f"{fell} = {amount} * 256")
        return None
