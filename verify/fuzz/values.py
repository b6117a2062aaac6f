"""Random ABI values and their mutations, drawn from one ``random.Random`` (a seed gives the same
campaign): dictionary constants, small numbers, boundaries, random bits."""

from __future__ import annotations

import random
from typing import Any

from verify.dynamic.strategies import _split_tuple

from .dictionary import Dictionary

__all__ = ["draw", "mutate_value", "simpler"]


def _bits(t: str, prefix: str) -> int:
    rest = t[len(prefix):]
    return int(rest) if rest else 256


def _uint(rng: random.Random, bits: int, d: Dictionary) -> int:
    top = (1 << bits) - 1
    r = rng.random()
    if r < 0.2 and d.compared:
        return rng.choice(d.compared) & top
    if r < 0.35 and d.literals:
        return rng.choice(d.literals) & top
    if r < 0.5 and d.values:
        return rng.choice(d.values) & top
    if r < 0.65:
        return rng.randrange(0, 256) & top
    if r < 0.75:
        return rng.choice((0, 1, top, top - 1, 1 << (bits - 1)))
    if r < 0.88:
        return rng.getrandbits(rng.randint(1, bits))
    return rng.getrandbits(bits)


def draw(rng: random.Random, t: str, d: Dictionary, addresses: list[str], depth: int = 0) -> Any:
    if t.endswith("]"):
        inner, n = t[: t.rindex("[")], t[t.rindex("[") + 1: -1]
        size = int(n) if n else rng.choice((0, 1, 1, 2, 3))
        return [draw(rng, inner, d, addresses, depth + 1) for _ in range(size)]
    if t.startswith("("):
        return [draw(rng, it, d, addresses, depth + 1) for it in _split_tuple(t[1:-1])]
    if t.startswith("uint"):
        return _uint(rng, _bits(t, "uint"), d)
    if t.startswith("int"):
        bits = _bits(t, "int")
        v = _uint(rng, bits, d)
        if rng.random() < 0.3:
            v = -v
        lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
        return max(lo, min(hi, v))
    if t == "address":
        return rng.choice(addresses)
    if t == "bool":
        return rng.random() < 0.5
    if t.startswith("bytes") and t != "bytes":
        n = int(t[5:])
        if rng.random() < 0.4 and d.values:
            return (rng.choice(d.values) & ((1 << (8 * n)) - 1)).to_bytes(n, "big")
        return rng.getrandbits(8 * n).to_bytes(n, "big")
    if t in ("bytes", "string"):
        raw = bytes(rng.getrandbits(8) for _ in range(rng.choice((0, 1, 4, 32))))
        return raw.hex() if t == "string" else raw
    raise ValueError(f"unsupported ABI type {t}")


def mutate_value(rng: random.Random, t: str, v: Any, d: Dictionary, addresses: list[str]) -> Any:
    """A value near ``v`` (a flipped bit, +-1, a dictionary neighbour) or a fresh one."""
    if t.startswith(("uint", "int")) and not t.endswith("]") and isinstance(v, int):
        signed = t.startswith("int")
        bits = _bits(t, "int" if signed else "uint")
        r = rng.random()
        if r < 0.25:
            v = v + rng.choice((1, -1, 2, -2, 16, -16))
        elif r < 0.45:
            v = v ^ (1 << rng.randrange(bits))
        elif r < 0.6:
            v = v * rng.choice((2, 10)) if rng.random() < 0.5 else v // rng.choice((2, 10))
        else:
            return draw(rng, t, d, addresses)
        if signed:
            lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
            return max(lo, min(hi, v))
        return v % (1 << bits)
    return draw(rng, t, d, addresses)


def simpler(t: str, v: Any) -> list[Any]:
    """Candidates simpler than ``v``, simplest first (for shrinking)."""
    if isinstance(v, bool):
        return [False] if v else []
    if isinstance(v, int):
        if v == 0:
            return []
        out = [0, 1] if abs(v) > 1 else [0]
        half = v // 2
        while abs(half) > 1 and len(out) < 6:
            out.append(v - half)
            half //= 2
        return [x for x in dict.fromkeys(out) if x != v]
    if isinstance(v, list) and v and t.endswith("[]"):
        return [[], v[:1]] if len(v) > 1 else [[]]
    return []
