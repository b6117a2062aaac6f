"""A failed ETH transfer is ignored.

Two shapes, both with the attacker's contract refusing ETH (standing in for any wallet whose
receive hook needs more than the 2300-gas stipend, or reverts):

- its own withdrawal: the call succeeds, its credit is gone, and it received nothing;
- a payment someone else's call owes it (a refund when outbid, a dethroned king's compensation,
  a lottery prize): that call succeeds, and in the same sequence replayed with the contract
  accepting ETH it receives R wei in that very step. Confirmed when, refusing, it got nothing,
  the R wei stayed in the contract, and no per-account getter books them for it (a contract
  that credits a failed send to a pull-payment balance is correct).
"""

from __future__ import annotations

from verify.dynamic.session import TEAM

from ._helpers import accepting_eth, attacker_refusing, fmt_eth
from .base import Property, RunContext


class UncheckedCall(Property):
    ARGUMENT = "ouro-unchecked-call"
    HELP = "A failed send/call is ignored while state changes as if it succeeded"
    CATEGORY = "unchecked-calls"
    COVERS = ("unchecked-send", "unchecked-lowlevel")

    def applies(self, target):
        return target.holds_eth_credits or target.accepts_eth

    def attack_enabled(self, ctx, step):
        return attacker_refusing([s for s, _ in ctx.steps])

    def seeds(self, h):
        """The refusing contract takes a position (pays in), honest users follow with more, the
        privileged side and the attacker call what settles and pays out."""
        from verify.dynamic.session import Step

        facts = h.target.env.facts if h.target.env is not None else None
        payable = [f for f in h.deposits if f.name != "<receive>"][:2] or h.deposits[:1]
        settle = [f for f in h.mutators if not f.payable][:4]
        out = []
        for p in payable:
            for v in h.amounts[:3]:
                for follow in (2 * v, 10 * v):
                    first = Step("attacker_contract", p.signature, h.args(p, "attacker_contract", v, 0), v,
                                 reject_eth=True)
                    base = [first] + [Step(a, p.signature, h.args(p, a, follow, 0), follow) for a in ("bob", "alice")]
                    out.append(base)
                    out.append(base + [Step("deployer", p.signature, h.args(p, "deployer", follow, 0), follow)])
                    for m in settle:
                        payout = [s for s in settle if facts and s.name in facts.eth_senders and s is not m][:2]
                        tail = [Step("attacker", x.signature, h.args(x, "attacker", v, 0)) for x in payout]
                        for who in ("deployer", "attacker"):
                            out.append(base + [Step("warp", seconds=h.wait),
                                               Step(who, m.signature, h.args(m, who, v, 2))] + tail)
        return out

    def check(self, ctx: RunContext, step, outcome):
        if not outcome.ok:
            return None
        return self._own_withdrawal(ctx, step, outcome) or self._owed_payment(ctx, step, outcome)

    def _own_withdrawal(self, ctx: RunContext, step, outcome):
        if not (step.actor == "attacker_contract" and step.reject_eth and step.value == 0):
            return None
        facts = ctx.session.target.env.facts if ctx.session.target.env is not None else None
        if facts is not None and step.function.split("(")[0] not in facts.eth_senders:
            return None  # the function sends no ETH: nothing it could have failed to send
        b, a = outcome.before, outcome.after
        if a.eth["target"] < b.eth["target"] + step.value:
            return None  # ETH did leave the contract: it went somewhere
        wei = [g for g in b.credits if g in ctx.units]  # only credits proven to count wei were "paid"
        lost = sum(v for g in wei for r, v in b.credits[g].items() if r in TEAM) - \
            sum(v for g in wei for r, v in a.credits.get(g, {}).items() if r in TEAM)
        total_lost = sum(sum(b.credits[g].values()) for g in wei) - sum(sum(a.credits.get(g, {}).values()) for g in wei)
        if total_lost <= 0:
            return None  # credit moved to another account (a transfer), nothing was paid out
        received = a.eth["attacker_contract"] - b.eth["attacker_contract"] + step.value
        if lost > 0 and received <= 0:
            return (f"attacker contract refused ETH during {step.function}; the call succeeded anyway and its "
                    f"credit fell by {fmt_eth(lost)} while it received nothing (the failed transfer was ignored)")
        return None

    def _owed_payment(self, ctx: RunContext, step, outcome):
        facts = ctx.session.target.env.facts if ctx.session.target.env is not None else None
        name = step.function.split("(")[0] if step.function else ""
        if step.actor == "warp" or not attacker_refusing([s for s, _ in ctx.steps]) or (facts is not None and name not in facts.eth_senders):
            return None
        variant = ctx.replay_variant(accepting_eth([s for s, _ in ctx.steps]), key=self.ARGUMENT)
        if variant is None:
            return None
        alt = variant[1][-1]
        if not alt.ok:
            return None
        owed = alt.after.eth["attacker_contract"] - alt.before.eth["attacker_contract"] + \
            (step.value if step.actor == "attacker_contract" else 0)
        got = outcome.after.eth["attacker_contract"] - outcome.before.eth["attacker_contract"] + \
            (step.value if step.actor == "attacker_contract" else 0)
        if owed <= 0 or got > 0:
            return None
        kept = (outcome.after.eth["target"] - outcome.before.eth["target"]) - \
            (alt.after.eth["target"] - alt.before.eth["target"])
        if kept < owed:
            return None  # the ETH went elsewhere (to someone else), not stuck
        for getter, per in outcome.after.credits.items():
            booked = per.get("attacker_contract", 0) - outcome.before.credits.get(getter, {}).get("attacker_contract", 0)
            alt_booked = alt.after.credits.get(getter, {}).get("attacker_contract", 0) - \
                alt.before.credits.get(getter, {}).get("attacker_contract", 0)
            if booked - alt_booked >= owed:
                return None  # the failed payment was booked as a pull credit
        self.losers = {"refusing_wallet_eth": owed}
        return (f"{step.actor}'s call {step.function} owed the attacker's contract {fmt_eth(owed)} (paid when it "
                f"accepts ETH); refusing, it got nothing, the call still succeeded and the {fmt_eth(owed)} stay in "
                f"the contract, booked to nobody (the failed transfer was ignored)")

