"""ABI encoding for the engine's hot path: static types and plain ``bytes`` without eth_abi's
generic machinery; anything else falls back to eth_abi."""

from __future__ import annotations

from eth_abi import encode as _slow_encode

__all__ = ["encode"]


def _word(t: str, v) -> bytes | None:
    if t.startswith("uint"):
        return int(v).to_bytes(32, "big")
    if t.startswith("int"):
        return int(v).to_bytes(32, "big", signed=True)
    if t == "address":
        return bytes.fromhex(v[2:] if isinstance(v, str) else v.hex()).rjust(32, b"\0")
    if t == "bool":
        return (1 if v else 0).to_bytes(32, "big")
    if t.startswith("bytes") and t != "bytes" and "[" not in t:
        return bytes(v).ljust(32, b"\0")
    return None


def encode(types: list[str], args: list) -> bytes:
    if any(("[" in t or "(" in t or t == "string") for t in types):
        return _slow_encode(types, args)
    head, tail = [], b""
    offset = 32 * len(types)
    for t, v in zip(types, args):
        if t == "bytes":
            data = bytes(v)
            head.append((offset + len(tail)).to_bytes(32, "big"))
            tail += len(data).to_bytes(32, "big") + data.ljust((len(data) + 31) // 32 * 32, b"\0")
            continue
        w = _word(t, v)
        if w is None:
            return _slow_encode(types, args)
        head.append(w)
    return b"".join(head) + tail
