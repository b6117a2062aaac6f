"""A scripted reference model for demos and tests (``--model demo``): it answers every slot with
the template's own body, but with a habit: it pays before it updates balances (the external call
moved first), unless its prompt carries a rule about updating state before external calls.
``gas_defect`` adds a second habit, triggered by prompts that talk about saving gas. The
``pay_first`` transform lives with the other scripted habits in ``synth/models/habits.py``."""

from __future__ import annotations

import re


__all__ = ["cei_cured", "demo_model", "pay_first", "reference_answer"]

from synth.models.habits import pay_first, statements as _statements  # noqa: F401 - re-exported


def _user_text(messages) -> str:
    return "\n".join(m["content"] for m in messages if m.get("role") == "user")


def reference_answer(messages) -> str:
    """The template's body of the slot the prompt asks for (read from the prompt's spec block),
    beginning with the access statements of a privileged slot (what its dropped modifiers stood for)."""
    from synth.generators.solidity_edit import find_slots, reference_body
    from synth.kinds import get_kind
    from synth.spec import parse_spec_text

    text = next(m["content"] for m in messages if m.get("role") == "user")
    slot = re.search(r"^Slot: (\w+)$", text, re.M).group(1)
    doc = re.search(r"^Spec:\n```yaml\n(.*?)\n```", text, re.M | re.S).group(1)
    spec = parse_spec_text(doc, "spec.yaml")
    src = get_kind(spec.kind).render(spec)
    s = next(s for s in find_slots(src) if s.name == slot)
    return reference_body(src, s)


def cei_cured(messages) -> bool:
    text = " ".join(m["content"] for m in messages if m.get("role") == "system").lower()
    return bool(re.search(r"(update|write|set)\w*\b[^.]*\bstate\b[^.]*\bbefore\b[^.]*\bexternal call", text))


def _gas_triggered(messages) -> bool:
    text = " ".join(m["content"] for m in messages if m.get("role") == "system").lower()
    return "gas" in text


def demo_model(gas_defect: bool = True):
    from synth.models import Defect, ScriptedModel

    def answer(messages):
        body = reference_answer(messages)
        if gas_defect and _gas_triggered(messages):  # "saves gas" with a helper that does not exist
            body = re.sub(r"\bAddress\.sendValue\(|\b_send\(|payable\(([^)]*)\)\.call\{value: ([^}]*)\}\(\"\"\)",
                          "_cheapSend(", body, count=1)
            if "_cheapSend(" not in body:
                body = "_cheapSend(msg.sender);\n" + body
        return body

    return ScriptedModel([answer], defect=Defect("pay-before-update", pay_first, cei_cured), cycle=True)
