"""Model backends behind one interface (``ModelClient.complete``)."""

from __future__ import annotations

from .base import Message, ModelClient, ModelError, ModelOutputError, parse_json_answer, validate
from .scripted import Defect, ScriptedModel

__all__ = ["Defect", "Message", "ModelClient", "ModelError", "ModelOutputError", "ScriptedModel",
           "parse_json_answer", "validate"]
