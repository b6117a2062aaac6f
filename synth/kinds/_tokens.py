"""What the token-aware kinds share: the grid of their token options."""

from __future__ import annotations

__all__ = ["placeholder", "token_grid"]


def placeholder(i: int) -> str:
    """The ``i``-th grid placeholder address: ``0x...A1``, ``0x...A2``..."""
    return f"0x{0xA1 + i:040X}"


def token_grid(entries: list[dict], params: dict[str, str]) -> list[dict]:
    """The option grid with token options: an entry whose token option is on gets a placeholder address
    for its parameter (a distinct one per parameter: references with one address share one mock
    token in verification). Entries with every token option off come first in their old order, then
    the token entries, and the last entry stays the all-options-on entry of the last access mode
    without tokens (what callers sample as the richest ETH composition)."""
    eth, tok = [], []
    for e in entries:
        on = [k for k in params if e["options"].get(k)]
        if on:
            tok.append({**e, "parameters": {params[k]: placeholder(list(params).index(k)) for k in on}})
        else:
            eth.append(e)
    return eth[:-1] + tok + eth[-1:]
