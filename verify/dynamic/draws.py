"""ABI values and ETH amounts drawn from a ``random.Random``, for the property search.

The distributions are those of ``strategies.py`` (the hypothesis strategies the repair
differential still uses), drawn natively, without hypothesis: a third of the integers are edge
values (0, 1, the type's top, half of it, 1 ether, ...), a third are at most 10**21, a third span
the type (signed types: half edge values, half the whole range); integer ranges are drawn as hypothesis draws them (mostly 8- or 16-bit magnitudes,
sometimes 32, 64 or 128 bits, one time in eight uniform over the whole range). One integer in
three, and one ETH value in three, reuses a value seen earlier in the sequence.
"""

from __future__ import annotations

import random
import re
from functools import lru_cache

from .target import split_tuple

__all__ = ["ETH_VALUES", "KNOWN_SLOTS", "draw_eth", "draw_value", "integer_range"]

ETH_VALUES = [0, 1, 10**15, 10**17, 10**18, 2 * 10**18, 5 * 10**18]
KNOWN_SLOTS = 24  # a reused value is drawn by an index below this, modulo the values known

_ARRAY = re.compile(r"^(.*)\[(\d*)\]$")
_INT_SIZES = (8, 16, 32, 64, 128)
_INT_WEIGHTS = (4.0, 8.0, 1.0, 1.0, 0.5)
_STRINGS = ("", "ouro", "a" * 40)


def integer_range(rng: random.Random, lower: int, upper: int) -> int:
    """An integer in [lower, upper], centred on 0 as hypothesis' ``integers(lower, upper)``: a
    side of 0 (when the range spans it), then a magnitude that is usually small."""
    if lower == upper:
        return lower
    center = min(max(0, lower), upper)
    if center == upper:
        above = False
    elif center == lower:
        above = True
    else:
        above = rng.random() >= 0.5
    gap = upper - center if above else center - lower
    bits = gap.bit_length()
    if bits > 24 and rng.random() >= 0.125:
        bits = min(bits, rng.choices(_INT_SIZES, _INT_WEIGHTS)[0])
    probe = gap + 1
    while probe > gap:
        probe = rng.getrandbits(bits)
    return center + probe if above else center - probe


@lru_cache(maxsize=None)
def _int_kind(t: str) -> tuple[int, int, tuple[int, ...]] | None:
    """(lowest, highest, edge values) of an integer type, or None."""
    if t.startswith("uint"):
        bits = int(t[4:] or 256)
        top = 2**bits - 1
        return 0, top, tuple(sorted({v for v in (0, 1, 2, 3, 10, 100, 10**18, top, top - 1, 2 ** (bits - 1))
                                     if v <= top}))
    if t.startswith("int"):
        bits = int(t[3:] or 256)
        lo, hi = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
        return lo, hi, tuple(sorted({v for v in (0, 1, -1, lo, hi, 10**18, -(10**18)) if lo <= v <= hi}))
    return None


def _static(rng: random.Random, t: str, addresses: tuple[str, ...]):
    """A value of type ``t`` that does not depend on the sequence so far."""
    if t == "address":
        return addresses[rng.randrange(len(addresses))]
    kind = _int_kind(t) if "[" not in t and "(" not in t else None
    if kind is not None:
        lo, hi, edge = kind
        branch = rng.randrange(3 if lo == 0 else 2)  # signed types have no "at most 10**21" third
        if branch == 0:
            return edge[rng.randrange(len(edge))]
        if branch == 1 and lo == 0:
            return integer_range(rng, 0, min(hi, 10**21))
        return integer_range(rng, lo, hi)
    m = _ARRAY.match(t)
    if m:
        inner, size = m.group(1), m.group(2)
        n = int(size) if size else rng.randrange(4)
        return [_static(rng, inner, addresses) for _ in range(n)]
    if t.startswith("(") and t.endswith(")"):
        return [_static(rng, p, addresses) for p in split_tuple(t[1:-1])]
    if t == "bool":
        return rng.random() < 0.5
    if t == "string":
        return _STRINGS[rng.randrange(3)]
    if t == "bytes":
        return rng.randbytes(rng.randrange(69) if rng.random() < 0.5 else rng.randrange(5))
    if t.startswith("bytes"):
        n = int(t[5:])
        return b"\x00" * n if rng.random() < 0.5 else rng.randbytes(n)
    raise ValueError(f"unsupported ABI type {t}")


def draw_value(rng: random.Random, t: str, addresses: tuple[str, ...], known: list[int]):
    """One ABI value; integers sometimes reuse a value seen earlier in the sequence."""
    if known and "[" not in t and t.startswith(("uint", "int")) and rng.randrange(3) == 0:
        lo, hi, _ = _int_kind(t)
        candidates = [k for k in known if lo <= k <= hi]
        if candidates:
            return candidates[rng.randrange(KNOWN_SLOTS) % len(candidates)]
    return _static(rng, t, addresses)


def draw_eth(rng: random.Random, known: list[int]) -> int:
    """An ETH value: a round amount, or one seen before, or twice the biggest seen plus one (to outbid)."""
    amounts = [k for k in known if 0 < k <= 10**21]
    if amounts and rng.randrange(3) == 0:
        amounts.append(max(amounts) * 2 + 1)
        return amounts[rng.randrange(KNOWN_SLOTS) % len(amounts)]
    return ETH_VALUES[rng.randrange(len(ETH_VALUES))]
