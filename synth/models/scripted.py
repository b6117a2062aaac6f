"""A scripted model client: a real ``ModelClient`` that replays given answers.

For tests and demos where no model can run. Answers are strings, JSON values, or functions of
the messages (a deterministic "model" that reads its prompt). A ``Defect`` makes the client err
the same way every time, unless the prompt carries an instruction that the defect yields to,
which is how a strategy rule can be shown to fix a model's habit. Several defects (``defects=``,
after ``defect=`` when both are given) apply in their given order, each checking its own cure;
``fired`` records (call index, defect name) for every defect that changed an answer, so a report
can attribute a failure to a habit (``habits.py`` holds a population of them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from .base import Message, ModelClient, ModelError, parse_json_answer

__all__ = ["Defect", "ScriptedModel"]

Answer = str | dict | list | Callable[[list[Message]], Any]


@dataclass(frozen=True)
class Defect:
    """A deterministic flaw: ``corrupt`` rewrites each answer unless ``cured(messages)``."""

    name: str
    corrupt: Callable[[Any, list[Message]], Any]
    cured: Callable[[list[Message]], bool] = lambda messages: False


class ScriptedModel(ModelClient):
    name = "scripted"

    def __init__(self, answers: Iterable[Answer], *, defect: Defect | None = None,
                 defects: Iterable[Defect] = (), cycle: bool = False):
        self.answers = list(answers)
        self.defects: list[Defect] = ([defect] if defect is not None else []) + list(defects)
        self.cycle = cycle
        self.calls: list[list[Message]] = []  # every prompt received, for tests and reports
        self.fired: list[tuple[int, str]] = []  # (call index, defect name) of each defect that changed an answer

    @property
    def defect(self) -> Defect | None:
        """The first defect (the single-defect API)."""
        return self.defects[0] if self.defects else None

    def complete(self, messages: list[Message], schema: dict | None = None) -> Any:
        i = len(self.calls)
        self.calls.append([dict(m) for m in messages])
        if not self.answers or (i >= len(self.answers) and not self.cycle):
            raise ModelError(f"scripted model has no answer left (call {i + 1}, {len(self.answers)} scripted)")
        answer = self.answers[i % len(self.answers)]
        if callable(answer):
            answer = answer(messages)
        for d in self.defects:
            if not d.cured(messages):
                before, answer = answer, d.corrupt(answer, messages)
                if answer != before:
                    self.fired.append((i, d.name))
        if schema is None:
            return answer if isinstance(answer, str) else json.dumps(answer)
        text = answer if isinstance(answer, str) else json.dumps(answer)
        return parse_json_answer(text, schema)

    def describe(self) -> str:
        names = ", ".join(d.name for d in self.defects)
        return f"scripted ({len(self.answers)} answers{(', defect ' if len(self.defects) == 1 else ', defects ') + names if names else ''})"
