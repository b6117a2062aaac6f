"""Running and judging transaction sequences: what the seeds, the random search and the shrinker share.

A sequence always starts from the deployment (the search's base snapshot), with a fresh
``RunContext`` whose properties were started on the initial observation. After each step the
getters proven to count wei are learned (``RunContext.units``), the recorder (when given) counts
the step, and every property judges it: a violation of one never hides another's verdict.
"""

from __future__ import annotations

from verify.properties._value import learn_units
from verify.properties.base import Property, RunContext

from .session import Step, StepOutcome

__all__ = ["PropertyViolation", "judge", "run_sequence", "start"]

# what executing a drawn or seeded step raises when it does not fit the ABI (encoding)
UNFIT = (KeyError, ValueError, TypeError, OverflowError)


class PropertyViolation(AssertionError):
    def __init__(self, prop: Property, message: str, steps: list[Step], outcomes: list):
        super().__init__(f"{prop.ARGUMENT}: {message}")
        self.prop, self.message, self.steps, self.outcomes = prop, message, steps, outcomes

    @classmethod
    def at(cls, ctx: RunContext, prop: Property, message: str) -> "PropertyViolation":
        """The violation of ``prop`` at the last step of ``ctx``: the sequence up to there."""
        return cls(prop, message, [s for s, _ in ctx.steps], [o for _, o in ctx.steps])


def start(search, properties: list[Property], units: set[str]) -> RunContext:
    """A context on the deployment restored, every property started on it."""
    session = search.session()
    ctx = RunContext(session, session.observe(), fresh_session=search.fresh, units=units)
    for p in properties:
        p.start(ctx)
    return ctx


def judge(ctx: RunContext, step: Step, outcome: StepOutcome, properties: list[Property],
          recorder=None) -> list[tuple[Property, str]]:
    """Append an executed step to the context and let every property judge it."""
    ctx.steps.append((step, outcome))
    learn_units(ctx.units, step, outcome, ctx.session.roles())
    if recorder is not None:
        recorder.record(ctx, step, outcome, properties)
    return [(p, m) for p in properties if (m := p.check(ctx, step, outcome))]


def run_sequence(search, steps: list[Step], properties: list[Property], units: set[str],
                 recorder=None) -> list[PropertyViolation] | None:
    """Run ``steps`` from the deployment until a step violates a property: that step's
    violations (one per property), or None when none fired or a step did not fit the ABI."""
    ctx = start(search, properties, units)
    for step in steps:
        try:
            outcome = ctx.session.execute(step)
        except UNFIT:
            return None
        hits = judge(ctx, step, outcome, properties, recorder)
        if hits:
            return [PropertyViolation.at(ctx, p, m) for p, m in hits]
    return None
