"""The model interface: chat messages in, text (or schema-valid JSON) out.

Every backend (scripted, transformers, OpenAI-compatible HTTP) implements one method,
``complete(messages, schema=None)``. Model output is data: Solidity that only ever runs inside
the EVM, or JSON validated against a schema. It is never executed as Python.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from typing import Any, ClassVar

__all__ = ["Message", "ModelClient", "ModelError", "ModelOutputError", "parse_json_answer", "validate"]

Message = dict[str, str]  # {"role": "system" | "user" | "assistant", "content": "..."}


class ModelError(RuntimeError):
    """The backend failed: unreachable, timed out, out of retries, no such model."""


class ModelOutputError(ModelError):
    """The model answered, but the answer is unusable (not JSON, or not valid for the schema)."""

    def __init__(self, message: str, answer: str = ""):
        super().__init__(message)
        self.answer = answer


def validate(value: Any, schema: dict) -> Any:
    """``value`` if it is valid for the JSON ``schema``; else ``ModelOutputError`` naming the field."""
    import jsonschema

    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(value), key=lambda e: list(e.path))
    if errors:
        e = errors[0]
        where = ".".join(str(p) for p in e.absolute_path) or "(top level)"
        raise ModelOutputError(f"model answer does not match the schema at {where}: {e.message}",
                               json.dumps(value)[:2000])
    return value


def parse_json_answer(text: str, schema: dict | None) -> Any:
    """The JSON value in ``text`` (bare, or in a ```json fence), validated against ``schema``."""
    body = text.strip()
    if body.startswith("```"):
        body = body.split("\n", 1)[1] if "\n" in body else ""
        body = body.rsplit("```", 1)[0]
    try:
        value = json.loads(body)
    except ValueError as exc:
        raise ModelOutputError(f"model answer is not JSON: {exc}", text[:2000]) from None
    return validate(value, schema) if schema is not None else value


class ModelClient(ABC):
    """One backend. ``complete`` returns text, or with ``schema`` a JSON value valid for it."""

    name: ClassVar[str]

    @abstractmethod
    def complete(self, messages: list[Message], schema: dict | None = None) -> Any: ...

    def describe(self) -> str:
        """What a report says produced an answer (backend and model)."""
        return self.name
