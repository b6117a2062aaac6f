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
        e, message = _explain(errors[0])
        where = ".".join(str(p) for p in e.absolute_path) or "(top level)"
        raise ModelOutputError(f"model answer does not match the schema at {where}: {message}",
                               json.dumps(value)[:2000])
    return value


def _explain(error) -> tuple[Any, str]:
    """The error that matters inside a oneOf/anyOf, as (error, message).

    A tagged union (the spec's ``kind``) fails every branch; the branch that misses fewest tags
    (const/enum) holds the real problem. When every branch misses the same tag, the answer is
    "VALUE is not one of TAGS" at the tag; when every branch fails the same way, that way.
    """
    while error.context:
        branches: dict[Any, list] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        disc = (error.schema.get("discriminator") or {}).get("propertyName") if isinstance(error.schema, dict) else None
        if disc and isinstance(error.instance, dict):  # OpenAPI-style discriminator: the branch of that tag
            tag = tuple(error.absolute_path) + (disc,)
            closest = [b for b, errs in branches.items()
                       if not any(x.validator == "const" and tuple(x.absolute_path) == tag for x in errs)]
        else:
            misses = {b: sum(x.validator in ("const", "enum") for x in errs) for b, errs in branches.items()}
            closest = [b for b, n in misses.items() if n == min(misses.values())]
        if len(closest) == 1:
            error = max(branches[closest[0]], key=lambda x: len(x.absolute_path))
            continue
        tag_paths = set.intersection(*({tuple(x.absolute_path) for x in errs if x.validator == "const"}
                                       for errs in branches.values()))
        if tag_paths:
            path = min(tag_paths)
            tags = [x for errs in branches.values() for x in errs
                    if x.validator == "const" and tuple(x.absolute_path) == path]
            choices = ", ".join(json.dumps(t.validator_value) for t in tags)
            return tags[0], f"{json.dumps(tags[0].instance)} is not one of {choices}"
        shared = set.intersection(*({(tuple(x.absolute_path), x.message) for x in errs} for errs in branches.values()))
        if shared:  # every branch fails the same way, e.g. a missing tag
            first = min(shared)
            return next(x for x in error.context if (tuple(x.absolute_path), x.message) == first), first[1]
        break
    return error, error.message


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
