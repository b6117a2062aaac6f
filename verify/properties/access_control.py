"""A non-privileged actor (the attacker team, never handed any role) takes over, destroys,
upgrades, mints, or walks away with other people's ETH."""

from __future__ import annotations

from ._helpers import fmt_eth, honest_credit, is_team_step
from .base import Property, RunContext


class AccessControl(Property):
    ARGUMENT = "ouro-access-control"
    HELP = "A non-privileged account changes an owner/admin, self-destructs, upgrades, mints or takes others' funds"
    CATEGORY = "access-control"
    COVERS = ("suicidal", "arbitrary-send-eth", "unprotected-upgrade", "protected-vars", "controlled-delegatecall",
              "arbitrary-send-erc20", "backdoor", "uninitialized-storage")

    def attack_enabled(self, ctx, step):
        return is_team_step(step)

    def seeds(self, h):
        """Honest users fund the contract; then (after any deadline, or at once) the attacker calls
        one unguarded function, or two in a row (initialise itself, then withdraw or destroy)."""
        from verify.dynamic.session import Step

        calls = [f for f in h.mutators if not f.payable][:8]
        fund = h.honest_crowd()
        waits = ([], [Step("warp", seconds=h.wait)])
        out = [fund + w + [Step("attacker", m.signature, h.args(m, "attacker", h.amounts[0], variant))]
               for w in waits for m in calls for variant in (0, 3, 2)]
        for d in h.deposits[:2]:  # pay in (join, deposit), then act: a write that landed on a role
            for v in h.amounts[:2]:
                pay = Step("attacker", d.signature, h.args(d, "attacker", v, 0), v)
                out += [fund + [pay, Step("attacker", n.signature, h.args(n, "attacker", h.pot(), 0))] for n in calls]
        for w in waits:
            for m in calls:
                for variant in (3, 0):
                    first = Step("attacker", m.signature, h.args(m, "attacker", h.amounts[0], variant))
                    out += [fund + w + [first, Step("attacker", n.signature, h.args(n, "attacker", h.pot(), 0))]
                            for n in calls if n is not m]
        return out

    def start(self, ctx: RunContext) -> None:
        ctx.__dict__["_team_tokens"] = _team_tokens(ctx)

    def check(self, ctx: RunContext, step, outcome):
        tokens_before = ctx.__dict__.get("_team_tokens")
        tokens_now = ctx.__dict__["_team_tokens"] = _team_tokens(ctx)
        if not outcome.ok or not is_team_step(step):
            return None
        b, a = outcome.before, outcome.after
        fn = step.function
        if b.code_size > 0 and a.code_size == 0:
            return f"attacker called {fn} and destroyed the contract (code erased, {fmt_eth(b.eth['target'])} sent away)"
        for name, old in b.owners.items():
            new = a.owners.get(name)
            if new != old:
                return f"attacker called {fn} and changed {name}() from {old} to {new}"
        if b.code_size > 0 and a.code_size == 0:
            return f"attacker called {fn} and destroyed the contract (code erased, {fmt_eth(b.eth['target'])} sent away)"
        if a.implementation != b.implementation:
            return f"attacker called {fn} and changed the EIP-1967 implementation slot"
        minted = a.scalars.get("totalSupply", 0) - b.scalars.get("totalSupply", 0)
        chosen = {x for x in step.args if isinstance(x, int) and not isinstance(x, bool)}
        paid_tokens = tokens_before is not None and tokens_now is not None and tokens_now < tokens_before
        if step.value == 0 and not paid_tokens and 0 < minted < 2**200 and (minted in chosen or minted >= 10**18):
            # the attacker chose the amount (a fixed free claim per address is a design, not a hole)
            return f"attacker called {fn} without paying and minted {minted} token units of its choosing"
        if outcome.after.reentered:
            return None  # the re-entrancy property judges re-entrant drains
        gained = a.team_eth() - b.team_eth()
        paid_in = sum(s.value for s, _ in ctx.steps if s.actor in ("attacker", "attacker_contract"))
        took = b.eth["target"] - a.eth["target"]
        owed = b.team_claims()  # the team cashing in what the contract says it is owed (any unit: credits, shares)
        if gained > 0 and took > 0 and paid_in == 0 and owed == 0 and not ctx.session.target.is_erc20:
            return (f"attacker called {fn} and took {fmt_eth(min(gained, took))} out of the contract "
                    f"without ever paying anything in")
        for getter in a.credits:
            if getter not in ctx.units:
                continue  # only credits proven to count wei are compared with the contract's ETH
            owed = honest_credit(a, getter)
            if gained > 0 and owed > a.eth["target"] and honest_credit(b, getter) <= b.eth["target"]:
                return (f"attacker called {fn}, took {fmt_eth(gained)}, and left the contract holding "
                        f"{fmt_eth(a.eth['target'])} against {fmt_eth(owed)} of honest users' {getter}")
        return None


def _team_tokens(ctx: RunContext) -> int | None:
    """What the attacker team holds of the tokens the deployment was given (a caller's plan with
    token dependencies, see Session.refs): a mint paid in such a token is not free. None when the
    deployment names no tokens (no extra calls then)."""
    from verify.dynamic.session import token_balance

    s = ctx.session
    refs = getattr(s, "refs", None)
    if not refs:
        return None
    roles = s.roles()
    return sum(token_balance(s.ex, token, roles[who]) for token in sorted(set(refs.values()))
               for who in ("attacker", "attacker_contract") if who in roles)
