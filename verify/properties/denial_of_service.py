"""Denial of service: while the attacker's contract refuses ETH, an honest call reverts that
succeeds once the attacker accepts ETH."""

from __future__ import annotations

from verify.dynamic.session import HONEST

from ._helpers import accepting_eth, attacker_refusing
from .base import Property, RunContext


class DenialOfService(Property):
    ARGUMENT = "ouro-denial-of-service"
    HELP = "An actor can make a function revert for everyone else (e.g. by refusing ETH)"
    CATEGORY = "denial-of-service"
    COVERS = ("ouro-dos-push-payment", "calls-loop", "locked-ether")

    def applies(self, target):
        return target.accepts_eth  # refusing ETH only matters where ETH flows

    def attack_enabled(self, ctx, step):
        if step.actor not in HONEST:
            return False
        return attacker_refusing([s for s, _ in ctx.steps[:-1]])

    def seeds(self, h):
        """The refusing contract joins first (a small pledge, a bid, a claim), honest users join
        after it, time passes any deadline, and honest users call what pays everyone out."""
        from verify.dynamic.session import Step

        payable = [f for f in h.deposits if f.name != "<receive>"][:2] or h.deposits[:1]
        settle = [f for f in h.mutators if not f.payable][:5]
        out = []
        for p in payable:
            for v in h.amounts[:3]:
                first = Step("attacker_contract", p.signature, h.args(p, "attacker_contract", v, 0), v, reject_eth=True)
                crowd = h.honest_crowd(p)
                out.append([first] + crowd)
                for m in settle:
                    for who in ("alice", "deployer"):
                        for variant in (0, 2):
                            out.append([first] + crowd + [Step("warp", seconds=h.wait),
                                                          Step(who, m.signature, h.args(m, who, v, variant))])
        return out

    def check(self, ctx: RunContext, step, outcome):
        if outcome.ok or step.actor not in HONEST:
            return None
        team = {ctx.session.actors.attacker, ctx.session.actors.attacker_contract}
        if any(isinstance(a, str) and a in team for a in step.args):
            return None  # the honest actor chose to pay the attacker; that failing hurts only the attacker
        if not attacker_refusing([s for s, _ in ctx.steps]):
            return None
        variant = ctx.replay_variant(accepting_eth([s for s, _ in ctx.steps]), key=self.ARGUMENT)
        if variant is None:
            return None
        _, outs = variant
        if outs[-1].ok:
            return (f"{step.actor}'s call {step.function} reverts ({outcome.error}) because the attacker's contract "
                    f"refuses ETH; with the attacker accepting ETH the same call succeeds")
        return None
