"""Candidate edits per failing check: rule texts (general, never about one spec) and hints."""

from __future__ import annotations

__all__ = ["CATALOGUE"]

_CEI = ("Update all state (balances, credits, totals) before any external call or ETH transfer: "
        "checks, then effects, then interactions.")

_SEND_CHECK = "Check the result of every send or low-level call and revert with the contract's error when it fails."
_SEND_HINT = "Never ignore the result of send or call; check the success flag and revert when it fails."
_ORIGIN = "Authenticate callers with msg.sender, never with tx.origin."
_ORIGIN_HINT = "Compare msg.sender, never tx.origin, when checking who may call."
_MATH = "Never wrap arithmetic on balances or totals in unchecked blocks; keep Solidity's overflow checks."
_MATH_HINT = "Do not put arithmetic that reaches state in an unchecked block."
_GAS = "Read each storage value once: cache it in a local variable and use the local afterwards."
_GAS_HINT = "Cache storage reads in local variables instead of reading the same state again."
_ACCESS_HINT = "A privileged function must begin with its access check: call the owner or role check first."


def _rule(text: str) -> dict[str, str]:
    return {"kind": "rule", "text": text}


def _hint(text: str) -> dict[str, str]:
    return {"kind": "hint", "text": text}


_CEI_HINT = _hint("Write all state before any external call.")

# Per check: rules first (judged on the validation first-pass rate), then repair hints (judged on
# the pass rate after a repair round). A privileged function's missing access check has no rule
# here: a verified example of a privileged body (taken from train) is what teaches it.
CATALOGUE: dict[str, list[dict[str, str]]] = {
    "reentrancy-eth": [_rule(_CEI), _CEI_HINT],
    "reentrancy-no-eth": [_rule(_CEI), _CEI_HINT],
    "reentrancy-benign": [_rule(_CEI), _CEI_HINT],
    "ouro-reentrancy": [_rule(_CEI), _CEI_HINT],
    "unchecked-lowlevel": [_rule(_SEND_CHECK), _hint(_SEND_HINT)],
    "unchecked-send": [_rule(_SEND_CHECK), _hint(_SEND_HINT)],
    "ouro-unchecked-call": [_rule(_SEND_CHECK), _hint(_SEND_HINT)],
    "tx-origin": [_rule(_ORIGIN), _hint(_ORIGIN_HINT)],
    "ouro-tx-origin": [_rule(_ORIGIN), _hint(_ORIGIN_HINT)],
    "ouro-arithmetic": [_rule(_MATH), _hint(_MATH_HINT)],
    "gas-above-reference": [_rule(_GAS), _hint(_GAS_HINT)],
    "ouro-privileged-call": [_hint(_ACCESS_HINT)],
    "arbitrary-send-eth": [_rule("Send ETH only to msg.sender or to an address the contract fixed, never to an "
                                 "address the caller chooses.")],
    "compile-error": [_rule("Use only the state variables, errors, events and helpers the skeleton declares; "
                            "do not invent identifiers.")],
    "model-output-invalid": [_rule("Answer with the body's statements only: no function header, no declarations "
                                   "outside the body, no Markdown.")],
    "scenario": [_rule("Keep the documented behaviour: revert on the same conditions as the NatSpec says and pay "
                       "exactly the amount owed.")],
}
