"""Build a model client from a user string (``--model``) and ``KEY=VALUE`` options.

    scripted:ANSWERS.json          a JSON list of answers, replayed in order (demos, tests)
    transformers:PATH_OR_HUB_ID    a local causal LM (torch, CPU unless device=...)
    openai:MODEL[@BASE_URL]        an OpenAI-compatible server (default https://api.openai.com/v1)

Every problem is a ``ModelError`` with a one-line message.
"""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path
from typing import Any, Callable

from .base import ModelClient, ModelError
from .openai_http import DEFAULT_BASE_URL, OpenAICompatibleModel
from .scripted import ScriptedModel
from .transformers_backend import TransformersModel

__all__ = ["BACKENDS", "build_model", "parse_options"]

USAGE = "scripted:ANSWERS.json, transformers:PATH_OR_HUB_ID or openai:MODEL[@BASE_URL]"


def _scripted(value: str, **options: Any) -> ScriptedModel:
    p = Path(value)
    if not value or not p.is_file():
        raise ModelError(f"--model scripted:{value}: no such answers file")
    try:
        answers = json.loads(p.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ModelError(f"--model scripted:{value}: not a JSON file ({exc})") from None
    if not isinstance(answers, list) or not answers:
        raise ModelError(f"--model scripted:{value}: must hold a non-empty JSON list of answers")
    return ScriptedModel(answers, **options)


def _openai(value: str, **options: Any) -> OpenAICompatibleModel:
    m = re.fullmatch(r"(.+?)@([A-Za-z][A-Za-z0-9+.-]*://.*)", value)
    model, base = (m.group(1), m.group(2)) if m else (value, DEFAULT_BASE_URL)
    return OpenAICompatibleModel(model, base, **options)


BACKENDS: dict[str, tuple[type[ModelClient], Callable[..., ModelClient]]] = {
    ScriptedModel.name: (ScriptedModel, _scripted),
    TransformersModel.name: (TransformersModel, TransformersModel),
    OpenAICompatibleModel.name: (OpenAICompatibleModel, _openai),
}


def _option_types(cls: type[ModelClient]) -> dict[str, Any]:
    """Keyword-only constructor options of a backend and their defaults (for typing KEY=VALUE)."""
    sig = inspect.signature(cls.__init__)
    return {n: p.default for n, p in sig.parameters.items() if p.kind is inspect.Parameter.KEYWORD_ONLY
            and n not in ("defect",)}


def _coerce(key: str, text: str, default: Any) -> Any:
    try:
        if isinstance(default, bool):
            if text.lower() in ("1", "true", "yes", "on"):
                return True
            if text.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError("expected true or false")
        if isinstance(default, int) or (default is None and re.fullmatch(r"-?\d+", text)):
            return int(text)
        if isinstance(default, float):
            return float(text)
    except ValueError as exc:
        raise ModelError(f"--model-option {key}={text}: {exc}") from None
    return text


def parse_options(backend: str, pairs: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """``["device=cuda", "max_new_tokens=256"]`` -> typed keyword arguments of ``backend``."""
    cls = BACKENDS[backend][0]
    allowed = _option_types(cls)
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ModelError(f"--model-option {pair!r}: expected KEY=VALUE")
        if key not in allowed:
            raise ModelError(f"--model-option {key}: not an option of the {backend} backend; "
                             f"options: {', '.join(sorted(allowed)) or '-'}")
        out[key] = _coerce(key, text.strip(), allowed[key])
    return out


def build_model(text: str, options: list[str] | tuple[str, ...] = ()) -> ModelClient:
    """The client ``text`` names (``BACKEND:VALUE``); ``ModelError`` for anything unusable."""
    backend, sep, value = (text or "").partition(":")
    backend = backend.strip().lower()
    if not sep or backend not in BACKENDS:
        what = f"unknown backend {backend!r}" if sep else f"{text!r} names no backend"
        raise ModelError(f"--model: {what}; use {USAGE}")
    if not value.strip():
        raise ModelError(f"--model {backend}: nothing after '{backend}:'; use {USAGE}")
    kwargs = parse_options(backend, options)
    try:
        return BACKENDS[backend][1](value.strip(), **kwargs)
    except TypeError as exc:  # pragma: no cover - options are checked above
        raise ModelError(f"--model {backend}: {exc}") from None
