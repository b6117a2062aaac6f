"""Model backends behind one interface (``ModelClient.complete``).

``scripted`` replays given answers; ``transformers`` runs a local causal LM; ``openai`` talks to
any OpenAI-compatible server. ``build_model("BACKEND:VALUE")`` (``registry.py``) picks one.
"""

from __future__ import annotations

from .base import Message, ModelClient, ModelError, ModelOutputError, parse_json_answer, validate
from .openai_http import OpenAICompatibleModel
from .registry import build_model
from .scripted import Defect, ScriptedModel
from .transformers_backend import TransformersModel

__all__ = ["Defect", "Message", "ModelClient", "ModelError", "ModelOutputError", "OpenAICompatibleModel",
           "ScriptedModel", "TransformersModel", "build_model", "parse_json_answer", "validate"]
