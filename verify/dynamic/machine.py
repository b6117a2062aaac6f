"""The hypothesis state machine built from a contract's ABI.

Each rule draws one transaction: an actor (three honest EOAs, the attacker EOA, or the attacker
contract, optionally invoked by the deployer), a mutating function, arguments per ABI type
(addresses drawn from the actors and the target; numbers biased to amounts already seen),
an ETH value for payable functions, and for the attacker contract a re-entry call and whether
it refuses ETH. After every step each active property judges the step. A violation raises
``PropertyViolation`` carrying the steps, so hypothesis shrinks it to a minimal sequence.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, Verbosity, settings as Settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule, run_state_machine_as_test

from verify.properties._value import learn_units
from verify.properties.base import Property, RunContext

from .session import HONEST, Session, Step
from .strategies import draw_eth, draw_value

__all__ = ["PropertyViolation", "build_machine", "run_machine"]

ACTOR_WEIGHTS = ["deployer", "deployer", "alice", "bob", "attacker", "attacker_contract", "attacker_contract",
                 "attacker_contract"]
WARPS = [60, 3600, 86400, 7 * 86400, 31 * 86400, 366 * 86400]
WARP_CHOICE = st.sampled_from(WARPS)
DEPTHS = st.integers(1, 3)
# (re-enter?, refuse ETH?, invoked by) for a call through the attacker contract
ATTACK_MODES = st.sampled_from([(False, False, None), (True, False, None), (True, False, None), (False, True, None),
                                (True, True, None), (False, True, None), (False, False, "deployer"),
                                (True, False, "deployer")])
ROLE_LIKE = re.compile(r"(own|admin|role|grant|auth|operator|minter|manag|guard|allow|approv|whitelist|regist|"
                       r"member|control|delegat|upgrade|init|set|add|govern|pause|signer|keeper|config)", re.I)


class PropertyViolation(AssertionError):
    def __init__(self, prop: Property, message: str, steps: list[Step], outcomes: list):
        super().__init__(f"{prop.ARGUMENT}: {message}")
        self.prop, self.message, self.steps, self.outcomes = prop, message, steps, outcomes


def _known_values(ctx: RunContext) -> list[int]:
    vals = {0, 1}
    for s, o in ctx.steps[-8:]:
        if s.value:
            vals.add(s.value)
        for a in s.args:
            if isinstance(a, int) and not isinstance(a, bool):
                vals.add(a)
        for per in o.after.credits.values():
            vals.update(v for v in per.values() if v)
    return sorted(vals)[:24]


def build_machine(target, session_factory, properties: list[Property], fresh_factory, recorder=None,
                  units: set[str] | None = None):
    """A RuleBasedStateMachine class bound to one target and the active properties."""

    functions = target.mutating
    choices = function_choice = None
    if functions:
        # one draw picks who calls what (a warp is one of the choices, about 1 in 16)
        # An honest admin renouncing its role would end every later privileged path of the
        # sequence; the attacker team still tries renounce* (it may hold a role it should not).
        pairs = [(a, f) for a in ACTOR_WEIGHTS for f in functions
                 if not (a in HONEST and f.name.lower().startswith("renounce"))] or [
                     (a, f) for a in ACTOR_WEIGHTS for f in functions]
        choices = st.sampled_from(pairs + [("warp", None)] * max(1, len(pairs) // 15))
        function_choice = st.sampled_from(functions)

    class ContractMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.session: Session = session_factory()
            self.ctx = RunContext(self.session, self.session.observe(), fresh_session=fresh_factory,
                                  units=units if units is not None else set())
            for prop in properties:
                prop.start(self.ctx)
            target = self.session.target
            self.functions = target.mutating
            roles = self.session.roles()
            self.honest_addresses = tuple([roles[r] for r in HONEST] + [roles["target"]])
            self.all_addresses = tuple(roles.values())

            self.choices, self.function_choice = choices, function_choice

        def _draw_call(self, data, actor: str, fn=None):
            fn = fn or data.draw(self.function_choice, label="function")
            known = _known_values(self.ctx)
            # Honest actors never hand the attacker team a role; they may pay it, send it tokens, etc.
            addrs = self.honest_addresses if actor in HONEST and ROLE_LIKE.search(fn.name) else self.all_addresses
            args = [draw_value(data, t, addrs, known, f"arg{i}") for i, t in enumerate(fn.types)]
            value = draw_eth(data, known) if fn.payable else 0
            return fn, args, value

        @rule(data=st.data())
        def transact(self, data):
            if not self.functions:
                return
            actor, fn = data.draw(self.choices, label="actor, function")
            if actor == "warp":
                self._run(Step("warp", seconds=data.draw(WARP_CHOICE, label="seconds")))
                return
            fn, args, value = self._draw_call(data, actor, fn)
            step = Step(actor, fn.signature, args, value)
            if actor == "attacker_contract":
                reenter, step.reject_eth, step.origin = data.draw(ATTACK_MODES, label="attack mode")
                if reenter:
                    rfn, rargs, rvalue = self._draw_call(data, actor)
                    depth = data.draw(DEPTHS, label="depth")
                    step.reenter = {"function": rfn.signature, "args": rargs, "value": rvalue, "depth": depth}
            self._run(step)

        def _run(self, step: Step):
            outcome = self.session.execute(step)
            self.ctx.steps.append((step, outcome))
            learn_units(self.ctx.units, step, outcome, self.session.roles())
            if recorder is not None:
                recorder.record(self.ctx, step, outcome, properties)
            # every property judges the step before one is raised: the recorder counted the step
            # as run with each one's attack, and a verdict must stand behind that
            hits = [(prop, msg) for prop in properties if (msg := prop.check(self.ctx, step, outcome))]
            if hits:
                prop, msg = hits[0]
                raise PropertyViolation(prop, msg, [s for s, _ in self.ctx.steps], [o for _, o in self.ctx.steps])

    return ContractMachine


def run_machine(machine_cls, *, max_examples: int, steps: int, seed: int | None) -> PropertyViolation | None:
    """Run the search; return the shrunk violation, or None when every example passed."""
    import hypothesis.core as hcore

    settings = Settings(max_examples=max_examples, stateful_step_count=steps, deadline=None, database=None,
                        suppress_health_check=list(HealthCheck), report_multiple_bugs=False,
                        print_blob=False, verbosity=Verbosity.quiet)
    previous = hcore.global_force_seed
    hcore.global_force_seed = seed  # what `pytest --hypothesis-seed` sets: the run is reproducible
    try:
        run_state_machine_as_test(machine_cls, settings=settings)
    except PropertyViolation as v:
        return v
    finally:
        hcore.global_force_seed = previous
    return None
