"""A local causal language model through Hugging Face transformers (torch), on CPU by default.

The model is a local folder or a hub id (``AutoTokenizer`` + ``AutoModelForCausalLM``), loaded
on first use. The prompt is the tokenizer's chat template when it has one, else a plain
``role: content`` transcript. Decoding is greedy unless ``temperature`` > 0, so the same prompt
gives the same answer; ``seed`` fixes sampling. torch and transformers are imported lazily.
"""

from __future__ import annotations

import importlib.util
import os
from typing import Any

from .base import Message, ModelClient, ModelError
from .structured import complete_with_schema

__all__ = ["TransformersModel"]


class TransformersModel(ModelClient):
    name = "transformers"

    def __init__(self, model: str, *, device: str = "cpu", max_new_tokens: int = 512, seed: int = 0,
                 temperature: float = 0.0, attempts: int = 3, local_files_only: bool = False):
        if not model:
            raise ModelError("transformers: give a local model folder or a hub id")
        self.model_id = model
        self.device = device
        self.max_new_tokens = max_new_tokens
        self.seed = seed
        self.temperature = temperature
        self.attempts = attempts
        self.local_files_only = local_files_only
        self._tokenizer: Any = None
        self._model: Any = None

    @classmethod
    def is_available(cls) -> bool:
        return all(importlib.util.find_spec(m) is not None for m in ("torch", "transformers"))

    def describe(self) -> str:
        return f"transformers {self.model_id} ({self.device})"

    # ------------------------------------------------------------------ loading
    def load(self) -> tuple[Any, Any]:
        """The tokenizer and model, loaded once; ``ModelError`` when they cannot be."""
        if self._model is None:
            if not self.is_available():
                raise ModelError("transformers backend needs the torch and transformers packages")
            looks_local = self.model_id.startswith(("/", "./", "../", "~")) or os.path.exists(self.model_id)
            if looks_local and not os.path.isdir(os.path.expanduser(self.model_id)):
                raise ModelError(f"transformers: no model folder at {self.model_id}")
            from transformers import AutoModelForCausalLM, AutoTokenizer

            try:
                where = os.path.expanduser(self.model_id) if looks_local else self.model_id
                tok = AutoTokenizer.from_pretrained(where, local_files_only=self.local_files_only)
                model = AutoModelForCausalLM.from_pretrained(where, local_files_only=self.local_files_only)
                model.to(self.device)
            except Exception as exc:  # noqa: BLE001 - any loading failure of a third-party model is one line
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                raise ModelError(f"transformers: cannot load {self.model_id!r}: {first}") from None
            model.eval()
            self._tokenizer, self._model = tok, model
        return self._tokenizer, self._model

    # ------------------------------------------------------------------ prompting
    def render_prompt(self, messages: list[Message]) -> str:
        """The text the model continues: chat template with a generation prompt, or a transcript."""
        tok, _ = self.load()
        if getattr(tok, "chat_template", None):
            return tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        lines = [f"{m['role']}: {m['content']}" for m in messages]
        return "\n".join(lines) + "\nassistant:"

    def encode_prompt(self, messages: list[Message]) -> list[int]:
        tok, _ = self.load()
        # a chat template writes its own special tokens; a transcript gets the tokenizer's defaults
        special = not getattr(tok, "chat_template", None)
        return tok(self.render_prompt(messages), add_special_tokens=special)["input_ids"]

    def generate(self, messages: list[Message]) -> str:
        """One answer to ``messages`` as text (new tokens only, special tokens dropped)."""
        import torch

        tok, model = self.load()
        ids = torch.tensor([self.encode_prompt(messages)], device=self.device)
        eos = tok.eos_token_id
        pad = tok.pad_token_id if tok.pad_token_id is not None else eos
        kwargs: dict[str, Any] = {"max_new_tokens": self.max_new_tokens, "pad_token_id": pad}
        if eos is not None:
            kwargs["eos_token_id"] = eos
        if self.temperature > 0:
            kwargs.update(do_sample=True, temperature=self.temperature)
        else:
            kwargs.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        torch.manual_seed(self.seed)
        try:
            with torch.no_grad():
                out = model.generate(ids, attention_mask=torch.ones_like(ids), **kwargs)
        except (RuntimeError, ValueError, IndexError) as exc:
            raise ModelError(f"transformers: generation failed with {self.model_id!r}: "
                             f"{str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}") from None
        return tok.decode(out[0, ids.shape[1]:], skip_special_tokens=True).strip()

    def complete(self, messages: list[Message], schema: dict | None = None) -> Any:
        if schema is None:
            return self.generate(messages)
        return complete_with_schema(self.generate, messages, schema, self.attempts, self.describe())
