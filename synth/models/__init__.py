"""Model backends behind one interface (``ModelClient.complete``).

``scripted`` replays given answers (``habits`` gives it a population of scripted mistakes);
``transformers`` runs a local causal LM; ``openai`` talks to any OpenAI-compatible server. ``build_model("BACKEND:VALUE")`` (``registry.py``) picks one.
"""

from __future__ import annotations

from .base import Message, ModelClient, ModelError, ModelOutputError, parse_json_answer, validate
from .habits import ALL_HABITS, HABIT_CATALOGUE, Habit, habit_model
from .openai_http import OpenAICompatibleModel
from .registry import build_model
from .scripted import Defect, ScriptedModel
from .transformers_backend import TransformersModel

__all__ = ["ALL_HABITS", "HABIT_CATALOGUE", "Defect", "Habit", "Message", "ModelClient", "ModelError",
           "ModelOutputError", "OpenAICompatibleModel", "ScriptedModel", "TransformersModel", "build_model",
           "habit_model", "parse_json_answer", "validate"]
