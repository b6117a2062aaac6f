"""Validate-and-retry for schema answers, shared by the backends that generate free text.

The model's text is parsed as JSON and validated against the schema; when it is not usable,
the answer and the error go back to the model as one more turn and it tries again, up to
``attempts`` times in all. The last error is raised as ``ModelOutputError``.
"""

from __future__ import annotations

from typing import Any, Callable

from .base import Message, ModelOutputError, parse_json_answer

__all__ = ["complete_with_schema", "retry_message"]


def retry_message(error: ModelOutputError) -> str:
    """The user turn that tells the model what was wrong with its last answer."""
    return (f"That answer cannot be used: {error}. Answer again with one JSON value only, "
            "valid for the schema, and no other text.")


def complete_with_schema(generate: Callable[[list[Message]], str], messages: list[Message],
                         schema: dict, attempts: int, who: str) -> Any:
    """``generate(messages)`` until its text parses and validates; ``ModelOutputError`` after ``attempts``."""
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    turns = [dict(m) for m in messages]
    last: ModelOutputError | None = None
    for _ in range(attempts):
        text = generate(turns)
        try:
            return parse_json_answer(text, schema)
        except ModelOutputError as exc:
            last = exc
            turns += [{"role": "assistant", "content": text}, {"role": "user", "content": retry_message(exc)}]
    assert last is not None
    raise ModelOutputError(f"{who} gave no usable answer in {attempts} attempt{'s' if attempts != 1 else ''}; "
                           f"last: {last}", last.answer)
