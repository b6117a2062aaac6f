"""Hypothesis strategies for ABI values, biased towards values that matter on-chain.

Strategies are built once per (type, address set) and cached: building hypothesis strategies
costs more than drawing from them. Values seen earlier in the sequence (amounts, balances) are
reached through a drawn index into a list the caller passes, so the strategy itself never changes.
"""

from __future__ import annotations

import re
from functools import lru_cache

from hypothesis import strategies as st

from .draws import ETH_VALUES, KNOWN_SLOTS
from .target import split_tuple as _split_tuple

__all__ = ["ETH_VALUES", "draw_eth", "draw_value"]

_ARRAY = re.compile(r"^(.*)\[(\d*)\]$")
_USE_KNOWN = st.sampled_from([False, False, True])  # one draw in three reuses a value seen before
_KNOWN_INDEX = st.integers(0, KNOWN_SLOTS - 1)


@lru_cache(maxsize=None)
def _static(t: str, addresses: tuple[str, ...]):
    """The part of a type's strategy that does not depend on the sequence so far."""
    m = _ARRAY.match(t)
    if m:
        inner, size = m.group(1), m.group(2)
        elem = _static(inner, addresses)
        return st.lists(elem, min_size=int(size), max_size=int(size)) if size else st.lists(elem, max_size=3)
    if t.startswith("(") and t.endswith(")"):
        return st.tuples(*(_static(p, addresses) for p in _split_tuple(t[1:-1]))).map(list)
    if t == "address":
        return st.sampled_from(addresses)
    if t == "bool":
        return st.booleans()
    if t.startswith("uint"):
        bits = int(t[4:] or 256)
        top = 2**bits - 1
        edge = sorted({v for v in (0, 1, 2, 3, 10, 100, 10**18, top, top - 1, 2 ** (bits - 1)) if v <= top})
        return st.one_of(st.sampled_from(edge), st.integers(0, min(top, 10**21)), st.integers(0, top))
    if t.startswith("int"):
        bits = int(t[3:] or 256)
        lo, hi = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
        edge = sorted({v for v in (0, 1, -1, lo, hi, 10**18, -(10**18)) if lo <= v <= hi})
        return st.one_of(st.sampled_from(edge), st.integers(lo, hi))
    if t == "string":
        return st.sampled_from(["", "ouro", "a" * 40])
    if t == "bytes":
        return st.binary(max_size=68)
    if t.startswith("bytes"):
        n = int(t[5:])
        return st.one_of(st.just(b"\x00" * n), st.binary(min_size=n, max_size=n))
    raise ValueError(f"unsupported ABI type {t}")


def draw_value(data, t: str, addresses: tuple[str, ...], known: list[int], label: str):
    """One ABI value; integers sometimes reuse a value seen earlier in the sequence."""
    if known and t.startswith(("uint", "int")) and "[" not in t and data.draw(_USE_KNOWN, label=f"{label} reuse"):
        bits = int(re.sub(r"^u?int", "", t) or 256)
        lo, hi = (0, 2**bits) if t.startswith("uint") else (-(2 ** (bits - 1)), 2 ** (bits - 1))
        candidates = [k for k in known if lo <= k < hi]
        if candidates:
            return candidates[data.draw(_KNOWN_INDEX, label=f"{label} index") % len(candidates)]
    return data.draw(_static(t, addresses), label=label)


_ETH = st.sampled_from(ETH_VALUES)


def draw_eth(data, known: list[int]) -> int:
    """An ETH value: a round amount, or one seen before, or twice the biggest seen plus one (to outbid)."""
    amounts = [k for k in known if 0 < k <= 10**21]
    if amounts and data.draw(_USE_KNOWN, label="value reuse"):
        amounts.append(max(amounts) * 2 + 1)
        return amounts[data.draw(_KNOWN_INDEX, label="value index") % len(amounts)]
    return data.draw(_ETH, label="value")
