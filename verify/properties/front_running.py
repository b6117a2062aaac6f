"""Front-running (transaction-order dependence), confirmed by placing a transaction first.

An honest user's purchase (a payable call) is pending; someone who sees it gets a transaction
mined before it (a higher gas price, or the operator's own block slot). The engine replays the
sequence with one transaction inserted before the victim's: a setter of the target (a price, a
rate, a reward) called by the attacker or by the operator (the deployer), or the attacker copying
the victim's own call. Confirmed when the victim's call still succeeds and the victim ends worse
off than without the inserted transaction (no asset higher, one lower: fewer tokens or credits
for the same ETH, or less ETH back), or, for a copy, the attacker gains what the victim lost.
"""

from __future__ import annotations

from dataclasses import replace

from verify.dynamic.session import HONEST

from ._value import dominates
from .base import Property, RunContext

MAX_SETTERS = 3


def _holdings(obs, role: str) -> dict[str, int]:
    out = {"eth": obs.eth.get(role, 0)}
    for g, per in obs.credits.items():
        out[g] = per.get(role, 0)
    return out


class FrontRunning(Property):
    ARGUMENT = "ouro-front-running"
    HELP = "A transaction placed before a pending honest one (a price change, a copied call) leaves the victim worse off"
    CATEGORY = "front-running"
    COVERS = ("ouro-front-running", "ouro-tod-amount", "ouro-tod-receiver")

    def applies(self, target):
        return any(f.payable for f in target.mutating)

    def attack_enabled(self, ctx, step):
        return step.actor in HONEST and step.value > 0

    def seeds(self, h):
        from verify.dynamic.session import Step
        from verify.dynamic.target import RECEIVE

        out = []
        for p in [f for f in h.deposits if f.name != RECEIVE][:3]:
            for v in h.amounts[:3]:
                out.append([Step("bob", p.signature, h.args(p, "bob", v, 0), v)])
                out.append(h.honest_crowd(p)[:1] + [Step("bob", p.signature, h.args(p, "bob", v, 0), v)])
        return out

    def _setters(self, ctx: RunContext, victim_fn: str):
        facts = ctx.session.target.env.facts if ctx.session.target.env is not None else None
        sends = facts.eth_senders if facts else set()
        return [f for f in ctx.session.target.mutating
                if not f.payable and f.signature != victim_fn and f.name not in sends
                and any(t.startswith("uint") and not t.endswith("]") for t in f.types)][:MAX_SETTERS]

    def check(self, ctx: RunContext, step, outcome):
        if not (outcome.ok and step.actor in HONEST and step.value > 0 and step.actor != "deployer"):
            return None
        victim = step.actor
        prefix = [s for s, _ in ctx.steps[:-1]]
        before = _holdings(outcome.after, victim)
        inserted = []
        for f in self._setters(ctx, step.function):
            for who in ("attacker", "deployer"):
                if len(_setter_args(ctx, f, who)) != len(f.types):
                    continue
                for bump in (10, 100):
                    args = [a * bump if isinstance(a, int) and not isinstance(a, bool) and a > 0 else a
                            for a in _setter_args(ctx, f, who)]
                    inserted.append(replace(step, actor=who, function=f.signature, args=args, value=0,
                                            reenter=None, reject_eth=False, origin=None))
        roles = ctx.session.roles()
        copy_args = [roles["attacker"] if a == roles.get(victim) else a for a in step.args]
        inserted.append(replace(step, actor="attacker", args=copy_args))
        for front in inserted:
            # the victim's transaction stays in its block, right after the inserted one: the order
            # changes, not the block data (a draw on the block's hash or time is not front-running)
            variant = ctx.replay_variant(prefix + [front, replace(step, inline=True)], key=self.ARGUMENT)
            if variant is None:
                return None
            outs = variant[1]
            if not (outs[-2].ok and outs[-1].ok):
                continue
            after = _holdings(outs[-1].after, victim)
            if not dominates(before, after):
                continue  # the victim is not worse off
            who = "the operator (deployer)" if front.actor == "deployer" else "the attacker"
            lost = {k: before[k] - after.get(k, 0) for k in before if before[k] > after.get(k, 0)}
            self.losers = {f"{victim}_{k}": v for k, v in lost.items()}
            what = ", ".join(f"{v} {'wei' if k == 'eth' else k}" for k, v in lost.items())
            return (f"{victim}'s pending {step.function.split('(')[0]} (value {step.value}) was front-run: "
                    f"{who} got {front.describe().split(': ', 1)[1]} mined first; {victim}'s call still succeeded "
                    f"and left {victim} with {what} less than in the order submitted")
        return None


def _setter_args(ctx: RunContext, fn, who: str) -> list:
    """Plain arguments for a setter: numbers 1 ether, addresses the caller's own."""
    me = ctx.session.roles()[who]
    out = []
    for t in fn.types:
        if t == "address":
            out.append(me)
        elif t.startswith(("uint", "int")) and not t.endswith("]"):
            out.append(10**16)
        elif t == "bool":
            out.append(True)
        else:
            return []
    return out
