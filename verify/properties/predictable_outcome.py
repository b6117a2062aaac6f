"""Bad randomness, confirmed by an attacker that only plays when it wins.

A game that decides its outcome from block data (hash, timestamp, prevrandao, number) in the
same transaction lets a contract compute the outcome first and play only winning blocks. The
attacker contract does exactly that (``OuroAttacker.attackIfProfit``: play, undo unless richer)
in ``Step.retry`` consecutive blocks. Confirmed when:

- the outcome depended on the block: it kept at least two plays and undid at least one in
  between (a time lock that opens once, or a payout that is always there, is not a draw);
- the team's value dominates its value before those blocks (see _value.py), and someone lost:
  the contract's funds or its backing of honest users' credits.

An outcome decided later (commit-reveal, an owner's draw in another transaction, an oracle)
cannot be computed in the playing transaction, so the attacker never keeps a play.
"""

from __future__ import annotations

from ._helpers import fmt_eth
from ._value import dominates, losses, team_value
from .base import Property, RunContext

PLAY_BLOCKS = 60  # blocks the attacker plays in; a 1-in-10 draw is won twice in 60 with p > 0.98
TOP_UP = 20 * 10**18  # what an honest player or the house puts in so prizes can be paid


class PredictableOutcome(Property):
    ARGUMENT = "ouro-predictable-outcome"
    HELP = "An outcome drawn from block data is computed in advance: the attacker plays only winning blocks"
    CATEGORY = "bad-randomness"
    COVERS = ("weak-prng", "ouro-weak-randomness")

    def applies(self, target):
        facts = target.env.facts if target.env is not None else None
        return bool(facts and facts.block_readers & facts.eth_senders)

    def attack_enabled(self, ctx, step):
        """Only plays that won at least once count: 60 losing blocks are bad luck, not a refutation."""
        if not (step.actor == "attacker_contract" and step.retry > 0 and ctx.steps and ctx.steps[-1][0] is step):
            return False
        return "W" in ctx.steps[-1][1].plays

    def seeds(self, h):
        from verify.dynamic.session import Step
        from verify.dynamic.target import RECEIVE

        facts = h.target.env.facts
        games = [f for f in h.target.mutating
                 if f.name != RECEIVE and f.name in facts.block_readers and f.name in facts.eth_senders]
        fund = [Step("alice", RECEIVE, [], TOP_UP)] if any(f.name == RECEIVE for f in h.target.mutating) else []
        out = []
        for g in games[:4]:
            values = [v for v in h.amounts if v <= 2 * 10**18] if g.payable else [0]
            for v in values[:5]:
                for variant in (0, 1, 2):
                    args = h.args(g, "attacker_contract", v, variant)
                    out.append(fund + [Step("attacker_contract", g.signature, args, v, retry=PLAY_BLOCKS)])
        return out

    def check(self, ctx: RunContext, step, outcome):
        if not (outcome.ok and step.retry and step.actor == "attacker_contract"):
            return None
        plays = outcome.plays.strip("-L")
        if plays.count("W") < 2 or "L" not in plays:
            return None  # not won, or won without the draw turning against it in between
        now, start = team_value(outcome.after, ctx.units), team_value(outcome.before, ctx.units)
        if not dominates(now, start):
            return None
        lost = losses(outcome.before, outcome.after, ctx.units)
        if not lost:
            return None
        self.losers = lost
        wins, undone = outcome.plays.count("W"), outcome.plays.count("L")
        return (f"attacker contract played {step.function.split('(')[0]} in {len(outcome.plays)} blocks and kept "
                f"only the {wins} it won (computing the outcome from block data in the same transaction; "
                f"{undone} losing plays undone): +{fmt_eth(now['eth'] - start['eth'])}; the contract now holds "
                f"{fmt_eth(outcome.after.eth['target'])}")
