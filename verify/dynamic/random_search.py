"""The random property search: sequences of drawn transactions, every step judged, violations shrunk.

Each example restores the deployment and runs ``steps`` transactions. Each transaction is one
draw of who calls what (three honest EOAs, the attacker EOA, or the attacker contract, optionally
invoked by the deployer; about one draw in sixteen lets time pass instead), then its arguments
(``draws.py``: addresses from the actors and the target, numbers biased to edge values and to
amounts already seen), an ETH value for payable functions, and for the attacker contract whether
it re-enters (with a second drawn call, 1 to 3 deep) and whether it refuses ETH. Honest actors
never pass the attacker team to a function whose name sounds like a role, and never renounce one.

After every step each active property judges it (``sequence.judge``). A property that fires is
dropped from the active set while the example goes on for the others; when the example ends,
each violation is shrunk (``shrink.py``) from the deployment. The draws come from one
``random.Random(seed)``: the same seed gives the same sequences and the same counterexamples.
"""

from __future__ import annotations

import random
import re

from verify.properties.base import Property

from .draws import draw_eth, draw_value
from .sequence import UNFIT, PropertyViolation, judge, run_sequence, start
from .session import HONEST, Step
from .shrink import shrink

__all__ = ["TransactionDraws", "run_search"]

ACTOR_WEIGHTS = ("deployer", "deployer", "alice", "bob", "attacker", "attacker_contract", "attacker_contract",
                 "attacker_contract")
WARPS = (60, 3600, 86400, 7 * 86400, 31 * 86400, 366 * 86400)
# (re-enter?, refuse ETH?, invoked by) for a call through the attacker contract
ATTACK_MODES = ((False, False, None), (True, False, None), (True, False, None), (False, True, None),
                (True, True, None), (False, True, None), (False, False, "deployer"), (True, False, "deployer"))
ROLE_LIKE = re.compile(r"(own|admin|role|grant|auth|operator|minter|manag|guard|allow|approv|whitelist|regist|"
                       r"member|control|delegat|upgrade|init|set|add|govern|pause|signer|keeper|config)", re.I)
KNOWN_STEPS, KNOWN_MAX = 8, 24


def step_values(step: Step, outcome) -> set[int]:
    """The numbers one step shows: its ETH value, its integer arguments, the credits after it."""
    vals = set()
    if step.value:
        vals.add(step.value)
    for a in step.args:
        if isinstance(a, int) and not isinstance(a, bool):
            vals.add(a)
    for per in outcome.after.credits.values():
        vals.update(v for v in per.values() if v)
    return vals


def known_values(recent: list[set[int]]) -> list[int]:
    """Numbers worth reusing: 0, 1, and those of the last few steps (``step_values`` each)."""
    return sorted({0, 1}.union(*recent[-KNOWN_STEPS:]))[:KNOWN_MAX]


class TransactionDraws:
    """Draws one step at a time for a target, from the roles of its session."""

    def __init__(self, target, roles: dict[str, str]):
        self.functions = list(target.mutating)
        # An honest admin renouncing its role would end every later privileged path of the
        # sequence; the attacker team still tries renounce* (it may hold a role it should not).
        pairs = [(a, f) for a in ACTOR_WEIGHTS for f in self.functions
                 if not (a in HONEST and f.name.lower().startswith("renounce"))] or [
                     (a, f) for a in ACTOR_WEIGHTS for f in self.functions]
        self.choices = pairs + [("warp", None)] * max(1, len(pairs) // 15)
        self.honest_addresses = tuple([roles[r] for r in HONEST] + [roles["target"]])
        self.all_addresses = tuple(roles.values())
        self._role_like = {f.signature: bool(ROLE_LIKE.search(f.name)) for f in self.functions}

    def _call(self, rng: random.Random, actor: str, fn, known: list[int]):
        # Honest actors never hand the attacker team a role; they may pay it, send it tokens, etc.
        addrs = self.honest_addresses if actor in HONEST and self._role_like[fn.signature] else self.all_addresses
        args = [draw_value(rng, t, addrs, known) for t in fn.types]
        value = draw_eth(rng, known) if fn.payable else 0
        return args, value

    def draw(self, rng: random.Random, recent: list[set[int]]) -> Step:
        """One step; ``recent`` holds ``step_values`` of the steps so far."""
        actor, fn = self.choices[rng.randrange(len(self.choices))]
        if actor == "warp":
            return Step("warp", seconds=WARPS[rng.randrange(len(WARPS))])
        known = known_values(recent)
        args, value = self._call(rng, actor, fn, known)
        step = Step(actor, fn.signature, args, value)
        if actor == "attacker_contract":
            reenter, step.reject_eth, step.origin = ATTACK_MODES[rng.randrange(len(ATTACK_MODES))]
            if reenter:
                rfn = self.functions[rng.randrange(len(self.functions))]
                rargs, rvalue = self._call(rng, actor, rfn, known)
                step.reenter = {"function": rfn.signature, "args": rargs, "value": rvalue,
                                "depth": 1 + rng.randrange(3)}
        return step


def run_search(search, properties: list[Property], *, max_examples: int, steps: int, seed: int,
               recorder=None, units: set[str] | None = None) -> list[PropertyViolation]:
    """``max_examples`` random sequences of ``steps`` transactions; the shrunk violations, at most
    one per property, in the order found."""
    units = search.units if units is None else units
    target = search.target
    if not target.mutating:
        return []
    rng = random.Random(seed)
    draws: TransactionDraws | None = None
    active = list(properties)
    found: list[PropertyViolation] = []
    for _ in range(max_examples):
        if not active:
            break
        ctx = start(search, active, units)
        draws = draws or TransactionDraws(target, ctx.session.roles())
        fired: list[PropertyViolation] = []
        recent: list[set[int]] = []
        for _ in range(steps):
            step = draws.draw(rng, recent)
            try:
                outcome = ctx.session.execute(step)
            except UNFIT:
                break  # a drawn value the ABI encoder refuses: the example ends there
            recent.append(step_values(step, outcome))
            hits = judge(ctx, step, outcome, active, recorder)
            if hits:
                fired += [PropertyViolation.at(ctx, p, m) for p, m in hits]
                active = [p for p in active if all(p is not q for q, _ in hits)]
                if not active:
                    break
        for v in fired:
            found.append(_shrunk(search, v, units))
    return found


def _shrunk(search, v: PropertyViolation, units: set[str]) -> PropertyViolation:
    def run(seq: list[Step]) -> PropertyViolation | None:
        got = run_sequence(search, seq, [v.prop], units)
        return got[0] if got else None

    return shrink(v, run, search.target)
