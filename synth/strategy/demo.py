"""A scripted reference model for demos and tests (``--model demo``): it answers every slot with
the template's own body, but with a habit: it pays before it updates balances (the external call
moved first), unless its prompt carries a rule about updating state before external calls.
``gas_defect`` adds a second habit, triggered by prompts that talk about saving gas."""

from __future__ import annotations

import re


__all__ = ["cei_cured", "demo_model", "pay_first", "reference_answer"]

_SEND = re.compile(r"\.call\{\s*value|\bsendValue\(|\b_send\(|\.transfer\(")
_EFFECT = re.compile(r"^(?!(uint\d*|int\d*|address|bool|bytes\d*|string|emit|if|return|revert|require)\b)"
                     r"[A-Za-z_][\w.]*(\[[^\]]*\])*\s*(=|\+=|-=)(?!=)|^_withdraw\(|^_burn\(")


def _user_text(messages) -> str:
    return "\n".join(m["content"] for m in messages if m.get("role") == "user")


def reference_answer(messages) -> str:
    """The template's body of the slot the prompt asks for (read from the prompt's spec block)."""
    from synth.generators.solidity_edit import find_slots
    from synth.kinds import get_kind
    from synth.spec import parse_spec_text

    text = next(m["content"] for m in messages if m.get("role") == "user")
    slot = re.search(r"^Slot: (\w+)$", text, re.M).group(1)
    doc = re.search(r"^Spec:\n```yaml\n(.*?)\n```", text, re.M | re.S).group(1)
    spec = parse_spec_text(doc, "spec.yaml")
    src = get_kind(spec.kind).render(spec)
    s = next(s for s in find_slots(src) if s.name == slot)
    return s.body(src).strip("\n")


def _statements(body: str) -> list[str]:
    """Top-level statements of a body (multi-line blocks kept whole)."""
    out, cur, depth = [], [], 0
    for ln in body.splitlines():
        if not ln.strip():
            continue
        cur.append(ln)
        depth += ln.count("{") - ln.count("}")
        if depth == 0 and (ln.rstrip().endswith(";") or ln.rstrip().endswith("}")):
            out.append("\n".join(cur))
            cur = []
    if cur:
        out.append("\n".join(cur))
    return out


def pay_first(body: str, messages=None) -> str:
    """``body`` with its ETH transfer (and the check of its result) moved before the first state write."""
    st = _statements(body)
    send = next((i for i, s in enumerate(st) if _SEND.search(s)), None)
    effect = next((i for i, s in enumerate(st) if _EFFECT.search(s.strip())), None)
    if send is None or effect is None or effect > send:
        return body
    group = [send]
    if send + 1 < len(st) and re.match(r"\s*if \(!ok\)", st[send + 1]):
        group.append(send + 1)
    moved = [st[i] for i in group]
    rest = [s for i, s in enumerate(st) if i not in group]
    return "\n".join(rest[:effect] + moved + rest[effect:])


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
