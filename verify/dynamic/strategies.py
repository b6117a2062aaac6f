"""Hypothesis strategies for ABI values, biased towards values that matter on-chain."""

from __future__ import annotations

import re

from hypothesis import strategies as st

__all__ = ["for_type", "ETH_VALUES"]

ETH_VALUES = [0, 1, 10**15, 10**17, 10**18, 2 * 10**18, 5 * 10**18]
_ARRAY = re.compile(r"^(.*)\[(\d*)\]$")


def _uint(bits: int, known: list[int]):
    top = 2**bits - 1
    edge = [0, 1, 2, 3, 10, 100, 10**18, top, top - 1, 2 ** (bits - 1)]
    interesting = sorted({v for v in edge + known if 0 <= v <= top})
    return st.one_of(st.sampled_from(interesting), st.integers(0, min(top, 10**21)), st.integers(0, top))


def _int(bits: int, known: list[int]):
    lo, hi = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    interesting = sorted({v for v in [0, 1, -1, lo, hi, 10**18, -(10**18)] + known if lo <= v <= hi})
    return st.one_of(st.sampled_from(interesting), st.integers(lo, hi))


def for_type(t: str, addresses: list[str], known: list[int]):
    """A strategy for one ABI type. ``addresses`` are the ones the caller may pass."""
    m = _ARRAY.match(t)
    if m:
        inner, size = m.group(1), m.group(2)
        elem = for_type(inner, addresses, known)
        if size:
            n = int(size)
            return st.lists(elem, min_size=n, max_size=n)
        return st.lists(elem, max_size=3)
    if t.startswith("(") and t.endswith(")"):
        parts = _split_tuple(t[1:-1])
        return st.tuples(*(for_type(p, addresses, known) for p in parts)).map(list)
    if t == "address":
        return st.sampled_from(addresses)
    if t == "bool":
        return st.booleans()
    if t.startswith("uint"):
        return _uint(int(t[4:] or 256), known)
    if t.startswith("int"):
        return _int(int(t[3:] or 256), known)
    if t == "string":
        return st.sampled_from(["", "ouro", "a" * 40])
    if t == "bytes":
        return st.binary(max_size=68)
    if t.startswith("bytes"):
        n = int(t[5:])
        return st.one_of(st.just(b"\x00" * n), st.binary(min_size=n, max_size=n))
    raise ValueError(f"unsupported ABI type {t}")


def _split_tuple(body: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in body:
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        cur += ch
    if cur:
        parts.append(cur)
    return parts
