"""Candidate edits per failing check: rule texts (general, never about one spec) and hints."""

from __future__ import annotations

__all__ = ["CATALOGUE"]

_CEI = ("Update all state (balances, credits, totals) before any external call or ETH transfer: "
        "checks, then effects, then interactions.")

CATALOGUE: dict[str, list[dict[str, str]]] = {
    "reentrancy-eth": [{"kind": "rule", "text": _CEI}],
    "reentrancy-no-eth": [{"kind": "rule", "text": _CEI}],
    "reentrancy-benign": [{"kind": "rule", "text": _CEI}],
    "ouro-reentrancy": [{"kind": "rule", "text": _CEI}],
    "unchecked-lowlevel": [{"kind": "rule", "text": "Check the success flag of every low-level call and revert "
                                                    "with the contract's error when it is false."}],
    "unchecked-send": [{"kind": "rule", "text": "Never ignore the result of send or call; revert when it fails."}],
    "arbitrary-send-eth": [{"kind": "rule", "text": "Send ETH only to msg.sender or to an address the contract "
                                                    "fixed, never to an address the caller chooses."}],
    "compile-error": [{"kind": "rule", "text": "Use only the state variables, errors, events and helpers the "
                                               "skeleton declares; do not invent identifiers."}],
    "model-output-invalid": [{"kind": "rule", "text": "Answer with the body's statements only: no function "
                                                      "header, no declarations outside the body, no Markdown."}],
    "scenario": [{"kind": "rule", "text": "Keep the documented behaviour: revert on the same conditions as the "
                                          "NatSpec says and pay exactly the amount owed."}],
}
