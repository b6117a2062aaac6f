"""A scripted model client: a real ``ModelClient`` that replays given answers.

For tests and demos where no model can run. Answers are strings, JSON values, or functions of
the messages (a deterministic "model" that reads its prompt). A ``Defect`` makes the client err
the same way every time, unless the prompt carries an instruction that the defect yields to,
which is how a strategy rule can be shown to fix a model's habit.
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

    def __init__(self, answers: Iterable[Answer], *, defect: Defect | None = None, cycle: bool = False):
        self.answers = list(answers)
        self.defect = defect
        self.cycle = cycle
        self.calls: list[list[Message]] = []  # every prompt received, for tests and reports

    def complete(self, messages: list[Message], schema: dict | None = None) -> Any:
        i = len(self.calls)
        self.calls.append([dict(m) for m in messages])
        if not self.answers or (i >= len(self.answers) and not self.cycle):
            raise ModelError(f"scripted model has no answer left (call {i + 1}, {len(self.answers)} scripted)")
        answer = self.answers[i % len(self.answers)]
        if callable(answer):
            answer = answer(messages)
        if self.defect is not None and not self.defect.cured(messages):
            answer = self.defect.corrupt(answer, messages)
        if schema is None:
            return answer if isinstance(answer, str) else json.dumps(answer)
        text = answer if isinstance(answer, str) else json.dumps(answer)
        return parse_json_answer(text, schema)

    def describe(self) -> str:
        return f"scripted ({len(self.answers)} answers{', defect ' + self.defect.name if self.defect else ''})"
