"""Audited idioms: Slither findings whose pattern matches code that is correct by design.

Slither's detectors report a pattern; some patterns are also how audited code is written. When
the engine neither confirms nor refutes such a finding (``confirmed`` is not True), its severity
says what the evidence is: a pattern-only finding on a recognised idiom drops to ``low`` or
``informational`` and its message says why (``verify/crosscheck.py`` applies this).

Recognised (the flagged statement is read from the source file):
- ``weak-prng`` on a raw ``block.timestamp``/``now``/``block.number`` modulo a power of two of
  2**8 or more, with no hash on the line: ``uint32(block.timestamp % 2**32)`` truncates the clock
  to a narrower slot (Uniswap V2's oracle), it picks nothing -> informational;
- ``arbitrary-send-eth`` in an internal/private function that every public or external function
  of the file reaching it (directly or through other internal functions) guards with an
  ``only...`` modifier or a ``_checkRole``/``_checkOwner`` call: the ETH goes where a privileged
  caller says (OpenZeppelin's TimelockController ``_execute`` behind
  ``onlyRoleOrOpenRole(EXECUTOR_ROLE)``). Slither skips such a send in a protected function; it
  does not follow internal helpers -> low.

ouro's own detectors recognise their idioms on the IR and set the severity themselves
(``verify/checks/static/arithmetic.py``, ``weak_randomness.py``, ``time_manipulation.py``).
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["reassess"]

_POW2 = re.compile(
    r"\b(?:block\.timestamp|now|block\.number)\s*%\s*(?:(?P<base>\d+)\s*\*\*\s*(?P<exp>\d+)|(?P<lit>0x[0-9a-fA-F]+|\d+))")
_HASHES = re.compile(r"\b(?:keccak256|sha3|sha256|ripemd160|blockhash|block\.blockhash)\s*\(")
_FUNCTION = re.compile(r"\bfunction\s+(?P<name>\w+)\s*\((?P<params>[^)]*)\)(?P<header>[^{;]*)\{", re.S)
_GUARD_CALLS = re.compile(r"\b(?:_checkRole|_checkOwner|_onlyOwner|_requireOwner|_checkAuthorized)\s*\(")


@lru_cache(maxsize=32)
def _text(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read()
    except OSError:
        return ""


def _lines(path: str, lines: list[int]) -> str:
    text = _text(path).splitlines()
    return "\n".join(text[i - 1] for i in lines if 0 < i <= len(text))


def _strip_comments(code: str) -> str:
    code = re.sub(r"/\*.*?\*/", lambda m: " " * len(m.group(0)), code, flags=re.S)
    return re.sub(r"//[^\n]*", lambda m: " " * len(m.group(0)), code)


def _power_of_two(m: re.Match) -> int | None:
    try:
        if m.group("base"):
            n = int(m.group("base")) ** min(int(m.group("exp")), 512)
        else:
            n = int(m.group("lit"), 0)
    except ValueError:
        return None
    return n if n >= 2 ** 8 and n & (n - 1) == 0 else None


def _clock_truncation(path: str, lines: list[int]) -> str | None:
    code = _strip_comments(_lines(path, lines))
    if not code or _HASHES.search(code):
        return None
    found = [_power_of_two(m) for m in _POW2.finditer(code)]
    if found and all(found):
        bits = found[0].bit_length() - 1
        return (f"the block clock truncated to {bits} bits (x % 2**{bits}) is bookkeeping that fits a narrower "
                "slot, not a draw: nothing is chosen by it")
    return None


def _functions(path: str) -> list[dict]:
    """Each function of the file: name, header (visibility, modifiers) and body (comments blanked)."""
    code = _strip_comments(_text(path))
    out = []
    for m in _FUNCTION.finditer(code):
        depth, i = 1, m.end()
        while i < len(code) and depth:
            depth += {"{": 1, "}": -1}.get(code[i], 0)
            i += 1
        out.append({"name": m.group("name"), "header": m.group("header"), "body": code[m.end():i]})
    return out


def _privileged_only(path: str, function: str | None) -> str | None:
    """Why every public entry of the file reaching internal ``function`` is privileged, else None."""
    if not function:
        return None
    fns = _functions(path)
    own = [f for f in fns if f["name"] == function]
    if not own or not all(re.search(r"\b(?:internal|private)\b", f["header"]) for f in own):
        return None
    entries: dict[str, str] = {}
    seen, todo = {function}, [function]
    while todo:
        callee = todo.pop()
        call = re.compile(rf"\b{re.escape(callee)}\s*\(")
        for f in fns:
            if f["name"] == callee or not call.search(f["body"]):
                continue
            if re.search(r"\b(?:internal|private)\b", f["header"]):
                if f["name"] not in seen:
                    seen.add(f["name"])
                    todo.append(f["name"])
                continue
            guard = re.search(r"\b(only\w*)\s*(?:\(|\b)", f["header"])
            body_guard = _GUARD_CALLS.search(f["body"][:400])
            if not guard and not body_guard:
                return None
            entries[f["name"]] = guard.group(1) if guard else body_guard.group(0).rstrip("( ")
    if not entries:
        return None
    names = ", ".join(f"{n} ({g})" for n, g in sorted(entries.items()))
    return (f"only reachable through {names}: the ETH goes where a privileged caller says, which is "
            "what the function is for")


def reassess(f) -> tuple[str, str] | None:
    """(severity, reason) for a Slither finding that matches an audited idiom, else None."""
    if not f.file or not f.lines:
        return None
    if f.check == "weak-prng":
        why = _clock_truncation(f.file, f.lines)
        return ("informational", why) if why else None
    if f.check == "arbitrary-send-eth":
        why = _privileged_only(f.file, f.function)
        return ("low", why) if why else None
    return None
