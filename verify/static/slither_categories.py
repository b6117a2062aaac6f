"""Every Slither 0.11.6 detector mapped to a DASP-10 category.

Severity comes from the detector's own IMPACT (OPTIMIZATION counts as informational); only the
category is ours. A detector missing here (a newer Slither) falls back to "other", and
tests/test_slither_categories.py fails so the table gets updated.
"""

from __future__ import annotations

__all__ = ["CATEGORIES", "DASP10", "category_of", "severity_of"]

DASP10 = (
    "reentrancy",
    "access-control",
    "arithmetic",
    "unchecked-calls",
    "denial-of-service",
    "bad-randomness",
    "front-running",
    "time-manipulation",
    "short-address",
    "other",
)

_BY_CATEGORY: dict[str, tuple[str, ...]] = {
    "reentrancy": (
        "reentrancy-eth", "reentrancy-no-eth", "reentrancy-benign", "reentrancy-events",
        "reentrancy-unlimited-gas", "reentrancy-balance", "out-of-order-retryable",
    ),
    "access-control": (
        "arbitrary-send-eth", "arbitrary-send-erc20", "arbitrary-send-erc20-permit", "suicidal",
        "controlled-delegatecall", "delegatecall-loop", "unprotected-upgrade", "tx-origin",
        "protected-vars", "backdoor", "events-access", "missing-zero-check", "controlled-array-length",
        "uninitialized-state", "storage-array", "shadowing-state",
        "msg-value-in-nonpayable", "msg-value-loop", "gelato-unprotected-randomness",
    ),
    "arithmetic": (
        "divide-before-multiply", "incorrect-exp", "incorrect-shift", "incorrect-unary",
        "tautology", "tautological-compare", "events-maths", "too-many-digits", "enum-conversion",
    ),
    "unchecked-calls": (
        "unchecked-lowlevel", "unchecked-send", "unchecked-transfer", "unused-return", "low-level-calls",
        "return-bomb", "pyth-unchecked-confidence", "pyth-unchecked-publishtime", "chronicle-unchecked-price",
    ),
    "denial-of-service": (
        "calls-loop", "costly-loop", "locked-ether", "incorrect-equality", "mapping-deletion",
        "cache-array-length",
    ),
    "bad-randomness": ("weak-prng",),
    "time-manipulation": ("timestamp",),
    "front-running": (),
    "short-address": (),
}

CATEGORIES: dict[str, str] = {check: cat for cat, checks in _BY_CATEGORY.items() for check in checks}

# Detectors whose findings are about code quality, compiler bugs or conventions: "other".
OTHER = (
    "abiencoderv2-array", "array-by-reference", "assembly", "assert-state-change", "boolean-cst",
    "boolean-equal", "chainlink-feed-registry", "constable-states", "constant-function-asm",
    "constant-function-state", "cyclomatic-complexity", "dead-code", "deprecated-standards",
    "domain-separator-collision", "encode-packed-collision", "erc20-indexed", "erc20-interface",
    "erc721-interface", "external-function", "function-init-state", "immutable-states",
    "incorrect-modifier", "incorrect-return", "incorrect-using-for", "missing-inheritance",
    "multiple-constructors", "name-reused", "naming-convention", "optimism-deprecation", "pragma",
    "public-mappings-nested", "pyth-deprecated-functions", "redundant-statements", "return-leave",
    "reused-constructor", "rtlo", "shadowing-abstract", "shadowing-builtin", "shadowing-local",
    "solc-version", "unimplemented-functions", "unindexed-event-address", "uninitialized-fptr-cst",
    "uninitialized-local", "uninitialized-storage", "unused-state", "var-read-using-this", "variable-scope", "void-cst",
    "write-after-write",
)
CATEGORIES.update({check: "other" for check in OTHER})


def category_of(check: str) -> str:
    return CATEGORIES.get(check, "other")


def severity_of(impact: str) -> str:
    s = impact.strip().lower()
    return {"optimization": "informational"}.get(s, s)
