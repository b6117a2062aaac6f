"""Which source lines a transaction executed: an EVM trace mapped through solc's source maps.

A node's ``debug_traceCall`` gives the instructions a transaction executes (struct logs: pc,
opcode, depth, stack); ``parse_struct_logs`` follows CALL/DELEGATECALL/STATICCALL frames by depth
to know whose code each instruction belongs to. ``SourceMapper`` turns a contract's runtime pc
into the 1-based line of the source range solc attributes it to (the range's first line), in the
file under verification. (The in-process EVM's own EIP-3155 tracer costs about 1.5 ms per
instruction, too slow to use; Anvil traces thousands of instructions in milliseconds.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["SourceMapper", "Trace", "parse_struct_logs"]

_CALLS = {"CALL", "CALLCODE", "DELEGATECALL", "STATICCALL"}  # the callee is stack[-2]
_CREATES = {"CREATE", "CREATE2"}


@dataclass
class Trace:
    """What one traced transaction executed."""

    steps: list[tuple[str | None, int]] = field(default_factory=list)  # (code address, lowercase; pc)
    # (code address, pc) of EXTCODESIZE checks that found no code, in order
    empty_code_checks: list[tuple[str | None, int]] = field(default_factory=list)
    reverted_at: tuple[str | None, int] | None = None  # the outermost REVERT/INVALID, if any

    def pcs_by_address(self) -> dict[str, set[int]]:
        out: dict[str, set[int]] = {}
        for addr, pc in self.steps:
            if addr:
                out.setdefault(addr, set()).add(pc)
        return out


def _addr(word: str) -> str:
    v = int(word, 16)
    return "0x" + (v & (2**160 - 1)).to_bytes(20, "big").hex()


def parse_struct_logs(logs: list[dict], entry: str) -> Trace:
    """The frames and pcs of one traced call to ``entry`` (the address called at depth 1)."""
    trace = Trace()
    frames: list[str | None] = [entry.lower()]
    pending: str | None = None
    check = None
    for log in logs:
        pc, op, depth, stack = log.get("pc", 0), log.get("op", ""), log.get("depth", 1), log.get("stack") or []
        if check is not None:
            if stack and int(stack[-1], 16) == 0:
                trace.empty_code_checks.append(check)
            check = None
        if depth > len(frames):
            frames.extend([pending] * (depth - len(frames)))
        elif depth < len(frames):
            del frames[depth:]
        addr = frames[depth - 1]
        trace.steps.append((addr, pc))
        if op in _CALLS:
            pending = _addr(stack[-2]) if len(stack) >= 2 else None
        elif op in _CREATES:
            pending = None
        elif op == "EXTCODESIZE":
            check = (addr, pc)
        elif op in ("REVERT", "INVALID") and depth <= 2 and trace.reverted_at is None:
            trace.reverted_at = (addr, pc)
    return trace


def _instruction_offsets(code: bytes) -> list[int]:
    """The pc of each instruction, in order (PUSHn skips its immediate bytes)."""
    out, i = [], 0
    while i < len(code):
        out.append(i)
        op = code[i]
        i += 1 + (op - 0x5F if 0x60 <= op <= 0x7F else 0)
    return out


class SourceMapper:
    """pc -> source line of ``file_id``, for one contract's runtime code."""

    def __init__(self, runtime_hex: str, source_map: str, file_id: int, text: str):
        code = bytes.fromhex(runtime_hex[2:] if runtime_hex.startswith("0x") else runtime_hex.split("__")[0]) \
            if "__" not in runtime_hex else b""
        offsets = _instruction_offsets(code)
        data = text.encode("utf-8", errors="replace")  # source map offsets count bytes
        line_starts = [0] + [i + 1 for i, ch in enumerate(data) if ch == 0x0A]
        self.lines: dict[int, int] = {}
        self.ranges: dict[int, tuple[int, int]] = {}
        s = ln = f = -1
        for idx, entry in enumerate(source_map.split(";") if source_map else []):
            if idx >= len(offsets):
                break
            parts = entry.split(":")
            if len(parts) > 0 and parts[0] != "":
                s = int(parts[0])
            if len(parts) > 1 and parts[1] != "":
                ln = int(parts[1])
            if len(parts) > 2 and parts[2] != "":
                f = int(parts[2])
            if f == file_id and s >= 0:
                self.lines[offsets[idx]] = _line_of(line_starts, s)
                self.ranges[offsets[idx]] = (s, ln)
        self.data = data

    def executable_lines(self) -> set[int]:
        return set(self.lines.values())

    def line(self, pc: int) -> int | None:
        return self.lines.get(pc)

    def snippet(self, pc: int, limit: int = 80) -> str | None:
        r = self.ranges.get(pc)
        if r is None:
            return None
        text = " ".join(self.data[r[0]: r[0] + r[1]].decode("utf-8", errors="replace").split())
        return text[:limit]


def _line_of(starts: list[int], offset: int) -> int:
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo + 1
