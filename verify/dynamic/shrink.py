"""Delta debugging of a violating sequence: the shortest, simplest sequence on which the same
property still fires.

Every trial re-runs a candidate sequence from the deployment (``run``, which stops at the step
where the property fires, so a candidate can also come back shorter). A reduction is kept only
when the same property fires. First whole steps go: chunks of half the sequence, then smaller
chunks, down to single steps. Then each step's caller is simplified (the deployer first, the
order of the old state machine's choices), alone or dropping one earlier step the new caller
does not need (a role handed to the old one). Then each step is simplified: no re-entry (or a
shallower one with simpler arguments), ETH accepted, called directly rather than through the
deployer, a smaller ETH value, a shorter wait, and every argument simplified by type (integers
to 0, else bisected towards the smallest magnitude that still fires and rounded; booleans to
false, bytes and strings emptied, arrays shortened and their elements simplified). Functions
and addresses are kept. The passes repeat while one of them changed something, within a budget
of runs. Whether a simpler caller still counts is the property's to say: a team-only attack
stops firing when an honest account makes the call.
"""

from __future__ import annotations

import json
from dataclasses import replace
from math import isqrt
from typing import Any, Callable

from .sequence import PropertyViolation
from .session import Step

__all__ = ["MAX_RUNS", "shrink"]

MAX_RUNS = 300  # trial sequences per violation
INT_ROUNDS = 24  # bisection steps per integer
ROUND_TRIES = 3  # rounder numbers tried after the bisection
WARPS = (60, 3600, 86400, 7 * 86400, 31 * 86400, 366 * 86400)
CALLERS = ("deployer", "alice", "bob", "attacker", "attacker_contract")  # simplest first

Run = Callable[[list[Step]], "PropertyViolation | None"]


class _Budget(Exception):
    """The run budget is spent: keep what was reached."""


class _Shrinker:
    def __init__(self, v: PropertyViolation, run: Run, target, max_runs: int):
        self.best, self.run, self.target, self.left = v, run, target, max_runs
        self.tried: set[str] = set()

    def attempt(self, steps: list[Step]) -> bool:
        """Run a candidate; keep it (and return True) when the same property fires."""
        if not steps:
            return False
        key = json.dumps([s.to_json() for s in steps], sort_keys=True, default=str)
        if key in self.tried:
            return False  # a candidate that fired was kept when it was first tried
        if self.left <= 0:
            raise _Budget
        self.left -= 1
        self.tried.add(key)
        got = self.run(steps)
        if got is None:
            return False
        self.best = got
        return True

    # -- whole steps ---------------------------------------------------------------------
    def remove_steps(self) -> bool:
        changed = False
        n = max(1, len(self.best.steps) // 2)
        while n >= 1:
            i = 0
            while i < len(self.best.steps):
                steps = self.best.steps
                if self.attempt(steps[:i] + steps[i + n:]):
                    changed = True
                else:
                    i += n
            n //= 2
        return changed

    # -- who calls ---------------------------------------------------------------------------
    def simplify_callers(self) -> bool:
        """Each step by a simpler caller (the deployer first), alone or together with one earlier
        step the new caller does not need (a role handed to the old caller)."""
        changed = False
        i = 0
        while i < len(self.best.steps):
            s = self.best.steps[i]
            for a in CALLERS[:CALLERS.index(s.actor)] if s.actor in CALLERS else ():
                steps = self.best.steps
                moved = steps[:i] + [_called_by(s, a)] + steps[i + 1:]
                if self.attempt(moved) or any(self.attempt(moved[:j] + moved[j + 1:]) for j in range(i)):
                    changed = True
                    break
            i += 1
        return changed

    # -- one step at a time ----------------------------------------------------------------
    def simplify_steps(self) -> bool:
        changed = False
        i = 0
        while i < len(self.best.steps):
            changed |= self._simplify(i)
            i += 1
        return changed

    def _simplify(self, i: int) -> bool:
        """Simplify step ``i``; a kept candidate may end the sequence earlier (then step ``i`` is
        gone and every further candidate is refused without a run)."""

        def cur() -> Step | None:
            return self.best.steps[i] if i < len(self.best.steps) else None

        def put(**fields) -> bool:
            s = cur()
            if s is None:
                return False
            steps = self.best.steps
            return self.attempt(steps[:i] + [replace(s, **fields)] + steps[i + 1:])

        def put_reentry(key: str, value) -> bool:
            s = cur()
            return s is not None and s.reenter is not None and put(reenter={**s.reenter, key: value})

        s = cur()
        if s.actor == "warp":
            return any(w < s.seconds and put(seconds=w) for w in WARPS)
        changed = False
        if s.reenter is not None:
            changed |= put(reenter=None)
            s = cur()
            if s is not None and s.reenter is not None:
                if s.reenter["depth"] > 1:
                    changed |= put_reentry("depth", 1)
                changed |= self._simplify_value("uint256", s.reenter["value"], lambda v: put_reentry("value", v))
                fn = self._function(s.reenter["function"])
                if fn is not None:
                    changed |= self._simplify_args(
                        fn.types, lambda: (cur().reenter or {}).get("args", []) if cur() else [],
                        lambda args: put_reentry("args", args))
        s = cur()
        if s is not None and s.reject_eth:
            changed |= put(reject_eth=False)
        s = cur()
        if s is not None and s.origin:
            changed |= put(origin=None)
        s = cur()
        if s is None:
            return changed
        changed |= self._simplify_value("uint256", s.value, lambda v: put(value=v))
        fn = self._function(s.function)
        if fn is not None:
            changed |= self._simplify_args(fn.types, lambda: cur().args if cur() else [],
                                           lambda args: put(args=args))
        return changed

    def _function(self, signature: str | None):
        try:
            return self.target.function(signature) if signature else None
        except KeyError:
            return None

    def _simplify_args(self, types: list[str], args: Callable[[], list], accept: Callable[[list], bool]) -> bool:
        changed = False
        for j, t in enumerate(types):
            a = args()
            if j >= len(a):
                break
            changed |= self._simplify_value(t, a[j], lambda v, j=j: accept(args()[:j] + [v] + args()[j + 1:]))
        return changed

    def _simplify_value(self, t: str, v: Any, accept: Callable[[Any], bool]) -> bool:
        """Simplify one value of ABI type ``t``; ``accept(candidate)`` runs it and keeps it when
        the property still fires."""
        if t.endswith("]"):
            return self._simplify_array(t, v, accept)
        if t.startswith("(") or t == "address":
            return False
        if t.startswith(("uint", "int")):
            return self._simplify_int(v, accept) if isinstance(v, int) and not isinstance(v, bool) else False
        if t == "bool":
            return bool(v) and accept(False)
        if t == "string":
            return v != "" and accept("")
        if t == "bytes":
            return v != b"" and accept(b"")
        if t.startswith("bytes"):
            zero = b"\x00" * int(t[5:])
            return v != zero and accept(zero)
        return False

    def _simplify_int(self, v: int, accept: Callable[[int], bool]) -> bool:
        """0, else the smallest magnitude that still fires by bisection (geometric while the bounds
        are far apart, then arithmetic), then the roundest number between the bounds."""
        if v == 0:
            return False
        if accept(0):
            return True
        sign, lo, hi = (1 if v > 0 else -1), 0, abs(v)  # |value| lo did not fire, hi does
        for _ in range(INT_ROUNDS):
            if hi - lo <= 1:
                break
            mid = max(lo + 1, isqrt(max(lo, 1) * hi)) if hi > 4 * max(lo, 1) else (lo + hi) // 2
            if accept(sign * mid):
                hi = mid
            else:
                lo = mid
        misses = 0
        for d in range(len(str(hi)), 0, -1):  # 10**18 rather than 1000000000000000123
            unit = 10**d
            c = (lo // unit + 1) * unit
            if c >= hi:
                continue
            if accept(sign * c):
                hi = c
                break
            misses += 1
            if misses == ROUND_TRIES:
                break
        return hi != abs(v)

    def _simplify_array(self, t: str, v: Any, accept: Callable[[list], bool]) -> bool:
        if not isinstance(v, list):
            return False
        inner, size = t[: t.rindex("[")], t[t.rindex("[") + 1:-1]
        changed = False
        cur = list(v)

        def keep(trial: list) -> bool:
            nonlocal cur
            if accept(trial):
                cur = trial
                return True
            return False

        if not size:  # a dynamic array may lose elements
            if cur and keep([]):
                return True
            j = 0
            while j < len(cur):
                if keep(cur[:j] + cur[j + 1:]):
                    changed = True
                else:
                    j += 1
        for j in range(len(cur)):
            changed |= self._simplify_value(inner, cur[j], lambda x, j=j: keep(cur[:j] + [x] + cur[j + 1:]))
        return changed


def _called_by(step: Step, actor: str) -> Step:
    """``step`` sent by ``actor``; leaving the attacker contract drops what only it can do."""
    if step.actor == "attacker_contract" and actor != "attacker_contract":
        return replace(step, actor=actor, reenter=None, reject_eth=False, origin=None, retry=0)
    return replace(step, actor=actor)


def shrink(v: PropertyViolation, run: Run, target, max_runs: int = MAX_RUNS) -> PropertyViolation:
    """The smallest violation of ``v.prop`` found by removing and simplifying steps of ``v``;
    ``run(steps)`` re-runs a sequence from the deployment of ``target`` and returns ``v.prop``'s
    violation or None."""
    s = _Shrinker(v, run, target, max_runs)
    try:
        while s.remove_steps() | s.simplify_callers() | s.simplify_steps():
            pass
    except _Budget:
        pass
    final = run(s.best.steps)  # the property's state (who lost) describes the sequence reported
    return final or s.best
