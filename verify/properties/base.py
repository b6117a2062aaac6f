"""The property interface: one class per property, discovered from this package.

A property looks at each executed step (the observation before and after it) and returns a
violation message, or None. Differential properties replay the sequence so far in a fresh
in-process EVM with one thing changed (no re-entry, a different caller, ETH accepted) and
compare: that is what turns "the attacker gained" into "the attacker gained *because of* X".
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, ClassVar

if TYPE_CHECKING:
    from verify.dynamic.session import Observation, Session, Step, StepOutcome
    from verify.dynamic.target import Target

__all__ = ["Property", "RunContext"]


@dataclass
class RunContext:
    """What a property may look at: the live session, the steps so far, and a way to replay."""

    session: "Session"
    initial: "Observation"
    steps: list[tuple["Step", "StepOutcome"]] = field(default_factory=list)
    fresh_session: Callable[[], "Session"] | None = None
    replays: dict[str, int] = field(default_factory=dict)  # differential replays per property this example
    max_replays: int = 6  # per property and example, to bound the cost
    # per-account getters proven to count wei (learned during the search, shared by its examples)
    units: set[str] = field(default_factory=set)

    def replay_variant(self, steps: list["Step"], key: str = "") -> tuple["Session", list["StepOutcome"]] | None:
        """Run ``steps`` on a fresh deployment; None when ``key``'s replay budget is spent."""
        if self.fresh_session is None or self.replays.get(key, 0) >= self.max_replays:
            return None
        self.replays[key] = self.replays.get(key, 0) + 1
        s = self.fresh_session()
        return s, s.replay(steps)


class Property(ABC):
    ARGUMENT: ClassVar[str]
    HELP: ClassVar[str]
    CATEGORY: ClassVar[str]
    IMPACT: ClassVar[str] = "high"
    CONFIDENCE: ClassVar[str] = "high"
    NEEDS: ClassVar[tuple[str, ...]] = ("compiler", "chain")
    losers: dict[str, int] | None = None  # who lost (set with a violation, shown in its evidence)
    # static checks (Slither's or ouro's) whose findings this property confirms or refutes
    COVERS: ClassVar[tuple[str, ...]] = ()

    def applies(self, target: "Target") -> bool:
        return True

    def attack_enabled(self, ctx: RunContext, step: "Step") -> bool:
        """Whether ``step`` (the last of ``ctx.steps``) exercises this property's attack: only
        flagged code that ran in such a step counts towards refuting a static finding."""
        return True

    def seeds(self, hints) -> list[list["Step"]]:
        """Directed sequences that reach this property's attack (``verify/dynamic/seeds.py``):
        tried before the random search, judged the same way."""
        return []

    def start(self, ctx: RunContext) -> None:
        """Called once per sequence, before its first step (e.g. to record initial values)."""

    @abstractmethod
    def check(self, ctx: RunContext, step: "Step", outcome: "StepOutcome") -> str | None:
        """A violation message for this step, or None."""
