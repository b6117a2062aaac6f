"""A model-backed generator: the template skeleton with designated function bodies written by a model.

The kinds mark functions with ``/// @custom:ouro-slot NAME`` (the ETH payout functions). For each
slot the generator opens the template's function (body removed, ``nonReentrant`` dropped: the
body's safety becomes the model's job, unless a post-rule puts the guard back), asks the model for
the body with a prompt built from the strategy, checks the answer is statements only (no pragma,
import or contract-level construct, braces balanced), fills it in, applies the strategy's post-rules
and compiles. Every try is an ``Attempt``; a bad answer is a failed attempt, never a crash. Model
output is Solidity text only; it is never executed as Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from synth.kinds import get_kind

from .base import GeneratedSource, Generator, GeneratorUnavailable
from .custom_functions import CustomFunctionClash, add_custom_functions
from .solidity_edit import BodyError, apply_post_rules, check_statements, fill_slot, find_slots, open_slot

__all__ = ["Attempt", "GenerationFailed", "ModelGenerator", "build_messages", "spec_document"]


class GenerationFailed(RuntimeError):
    def __init__(self, attempt: "Attempt"):
        super().__init__(f"model generator failed: {attempt.status}: {attempt.error}")
        self.attempt = attempt


@dataclass
class Attempt:
    """One generation try of one spec: ``status`` ok | model-error | model-output-invalid | compile-error."""

    spec: str
    round: int = 1
    status: str = "ok"
    error: str = ""
    source: str = ""
    answers: dict[str, str] = field(default_factory=dict)  # slot -> raw model text

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def spec_document(spec) -> dict[str, Any]:
    return spec.model_dump(mode="json")


def build_messages(strategy, spec, skeleton: str, slot: str, header: str,
                   feedback: list[tuple[str, str]] | None = None) -> list[dict[str, str]]:
    """The prompt for one slot: system = instruction + rules; user = spec, skeleton, examples, task.
    ``feedback`` holds (previous answer, what was wrong) pairs for repair rounds."""
    system = strategy.instruction.strip()
    if strategy.rules:
        system += "\n\nRules:\n" + "\n".join(f"- {r.text.strip()}" for r in strategy.rules)
    kind = spec.kind
    ex = [e for e in strategy.examples if e.kind == kind and e.slot == slot] or list(strategy.examples)
    user = [f"Contract: {spec.name}", f"Kind: {kind}", f"Slot: {slot}",
            "Spec:", "```yaml", yaml.safe_dump(spec_document(spec), sort_keys=False).rstrip(), "```",
            "Contract skeleton (the slot's body is a comment):", "```solidity", skeleton.rstrip(), "```"]
    for e in ex[:3]:
        user += [f"A verified body of the `{e.slot}` slot of a {e.kind} contract:",
                 "```solidity", e.body.rstrip(), "```"]
    access = _access_line(skeleton, slot)
    if access:
        user.append(access)
    user.append(f"Write the body of `{header.strip()}`.")
    msgs = [{"role": "system", "content": system}, {"role": "user", "content": "\n".join(user)}]
    for answer, problem in feedback or []:
        msgs.append({"role": "assistant", "content": answer})
        msgs.append({"role": "user", "content": problem})
    return msgs


_PRIVILEGED = re.compile(r"^[ \t]*// ouro-slot (\w+): write this body; privileged \(only (.*?)\): begin with (.*)$", re.M)


def _access_line(skeleton: str, slot: str) -> str:
    """The prompt's access line for a privileged slot (read from its placeholder), or ""."""
    for m in _PRIVILEGED.finditer(skeleton):
        if m.group(1) == slot:
            return f"Access: only {m.group(2)} may call it; begin the body with {m.group(3).strip()}"
    return ""


class ModelGenerator(Generator):
    NAME = "model"
    PRIORITY = 50

    def __init__(self, client=None, strategy=None, compiler=None, compile_check: bool = True):
        self.client = client
        self.strategy = strategy
        self.compiler = compiler
        self.compile_check = compile_check
        self.attempts: list[Attempt] = []

    def is_available(self) -> bool:
        return self.client is not None

    def _strategy(self):
        if self.strategy is None:
            from synth.strategy.model import load_strategy

            self.strategy = load_strategy()
        return self.strategy

    def generate(self, spec) -> GeneratedSource:
        if self.client is None:
            raise GeneratorUnavailable("the model generator needs a model client")
        a = self.attempt(spec)
        if not a.ok:
            raise GenerationFailed(a)
        return GeneratedSource(spec.name, a.source, self.NAME)

    def skeleton(self, spec) -> tuple[str, list[tuple[str, str]]]:
        """The template with every slot opened (access modifiers and ``nonReentrant`` dropped; a
        privileged slot's placeholder names the access statements to begin with), and (slot, header)
        of each slot."""
        src = add_custom_functions(get_kind(spec.kind).render(spec), spec)
        slots = []
        for s in sorted(find_slots(src), key=lambda s: -s.function.start):
            src = open_slot(src, s)
        for s in find_slots(src):
            slots.append((s.name, s.function.header))
        return src, slots

    def attempt(self, spec, feedback: dict[str, list[tuple[str, str]]] | None = None, round: int = 1) -> Attempt:
        """One try (never raises): the source when every slot got valid statements that compile."""
        from synth.models import ModelError

        strategy = self._strategy()
        a = Attempt(spec=spec.name, round=round)
        try:
            skeleton, slots = self.skeleton(spec)
            src = skeleton
            for name, header in slots:
                msgs = build_messages(strategy, spec, skeleton, name, header, (feedback or {}).get(name))
                try:
                    raw = self.client.complete(msgs)
                except ModelError as exc:
                    a.status, a.error = "model-error", str(exc)[:500]
                    break
                a.answers[name] = raw if isinstance(raw, str) else repr(raw)
                try:
                    body = check_statements(raw)
                except BodyError as exc:
                    a.status, a.error = "model-output-invalid", f"slot {name}: {exc}"
                    break
                src = fill_slot(src, name, body)
            if a.ok:
                src = apply_post_rules(src, strategy.post_rules)
                a.source = src
                if self.compile_check and slots:
                    self._compile(a)
        except CustomFunctionClash:
            raise
        except Exception as exc:  # noqa: BLE001 - a generator bug on odd output is a failed attempt
            a.status, a.error = "model-output-invalid", f"{type(exc).__name__}: {exc}"[:500]
        self.attempts.append(a)
        return a

    def _compile(self, a: Attempt) -> None:
        import tempfile
        from pathlib import Path

        from verify.compile import CompileError, Compiler

        if self.compiler is None:
            self.compiler = Compiler(evm_version="cancun")
        with tempfile.TemporaryDirectory(prefix="ouro-model-") as tmp:
            sol = Path(tmp) / f"{_safe(a.spec)}.sol"
            sol.write_text(a.source, encoding="utf-8")
            try:
                self.compiler.compile_file(sol)
            except CompileError as exc:
                a.status, a.error = "compile-error", str(exc)[:1000]


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name) or "Contract"
