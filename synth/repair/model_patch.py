"""Model-proposed patches: the finding, its evidence and the numbered source go to a
``ModelClient``; the answer must be a unified diff. Anything else (no diff, a diff that does not
apply, text that is not Solidity) is a failed attempt with its reason, never an exception."""

from __future__ import annotations

import json
from typing import Any

from .diff import DiffError, apply_unified_diff, extract_diff

__all__ = ["SYSTEM", "build_messages", "propose"]

SYSTEM = ("You repair Solidity smart contracts. Answer with ONE unified diff against the file shown "
          "(---/+++ headers and @@ hunks), in a ```diff fence, and nothing else. Keep every public "
          "function and its behaviour for honest users; change only what the finding needs. Do not "
          "change the pragma.")


def _evidence(f: dict[str, Any]) -> dict[str, Any]:
    ev = f.get("evidence") or {}
    keep = {k: ev[k] for k in ("property", "trace", "detail", "balances_before", "balances_after") if k in ev}
    return keep


def build_messages(name: str, text: str, findings: list[dict[str, Any]], feedback: str | None = None
                   ) -> list[dict[str, str]]:
    numbered = "".join(f"{i:4d}| {ln}" for i, ln in enumerate(text.splitlines(keepends=True), 1))
    items = [{"check": f["check"], "category": f.get("category"), "severity": f.get("severity"),
              "contract": f.get("contract"), "function": f.get("function"), "lines": f.get("lines"),
              "message": f.get("message"), "evidence": _evidence(f)} for f in findings]
    user = (f"File `{name}`:\n```solidity\n{numbered}```\n\nFindings to repair (JSON):\n"
            f"```json\n{json.dumps(items, indent=2)}\n```\n")
    if feedback:
        user += f"\nYour previous patch was rejected: {feedback}\n"
    user += "\nThe line numbers and '| ' are not part of the file. Answer with the unified diff."
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def propose(model, name: str, text: str, findings: list[dict[str, Any]], feedback: str | None = None
            ) -> tuple[str | None, str | None, str]:
    """(patched text, None, answer) or (None, reason, answer)."""
    try:
        answer = model.complete(build_messages(name, text, findings, feedback))
    except Exception as exc:  # noqa: BLE001 - any backend failure is a failed attempt
        return None, f"model failed: {type(exc).__name__}: {exc}", ""
    answer = answer if isinstance(answer, str) else json.dumps(answer)
    try:
        patched = apply_unified_diff(text, extract_diff(answer))
    except DiffError as exc:
        return None, f"unusable diff: {exc}", answer
    if patched == text:
        return None, "the diff changes nothing", answer
    if "pragma solidity" not in patched or "contract" not in patched:
        return None, "the patched text is not a Solidity contract", answer
    return patched, None, answer
