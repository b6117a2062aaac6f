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
  does not follow internal helpers -> low;
- ``arbitrary-send-eth`` in a public/external function whose header carries an ``only...`` guard
  modifier (``relay(...) onlyGovernance``, ``onlyOwner``, ``onlyRole(...)``; not the state filters
  ``onlyWhen...``/``onlyIf...``/``onlyValid...``/``onlyDuring...``): the caller is privileged -> low;
- ``arbitrary-send-eth`` in an internal function of a governance contract (the file's contract is,
  or inherits, a ``Governor``/``Timelock`` base and the file guards functions with
  ``onlyGovernance`` or a role modifier), when some public entry reaching it is unguarded: the
  entry is a proposal's ``execute``, which checks the proposal's state; the targets and values are
  the ones the vote chose. ouro does not prove the state machine, so this only drops to medium
  (Governor ``_executeOperations``, GovernorTimelockAccess ``_executeOperations``);
- ``incorrect-exp`` (``^`` read as a power): the typo shape is a literal base 2 or 10 on the left
  (``2 ^ 256``, ``10 ^ 18``) and stays high; an xor of a computed value with a constant
  (``(3 * denominator) ^ 2``, the Newton seed of FullMath/Math.mulDiv) or an ``xor(...)`` in inline
  assembly (solmate MerkleProofLib, OpenZeppelin Base64) is meant as xor -> informational;
- ``msg-value-in-nonpayable`` where every ``msg.value`` of the function is compared to zero by a
  condition that reverts (``if (msg.value > 0) revert ...``, ``require(msg.value == 0)``): a guard
  that keeps ETH out (ERC1967Utils ``_checkNonPayable``) -> informational; and where the function
  itself never reads it, only a modifier that the file also puts on other functions forwards it as
  a call argument (AccountERC7579Hooked ``withHook`` reports ``msg.value`` to the hook): it is 0 here,
  which is what it reports -> informational;
- ``shadowing-state`` where the shadowed base variable is declared ``private``: the derived
  contract cannot name it, so no read or write can reach the wrong one; each contract uses its own
  slot (OpenZeppelin ``Governor._name`` vs ``EIP712._name``, ``NoncesKeyed._nonces`` vs
  ``Nonces._nonces``) -> informational;
- ``incorrect-return`` where the halting function is a proxy's ``_fallback``/``_delegate`` (the
  contract, or the file holding the halting function, delegatecalls): the assembly ``return`` hands
  the implementation's return data back to the caller, which is what a proxy does -> informational.

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
# an ``only...`` modifier naming who may call; not the state/context filters (onlyWhenNotPaused,
# onlyInitializing, onlyProxy, onlyEOA, ...), which anyone passes
_ONLY = re.compile(r"\b(only(?!When|If|Valid|During|After|Before|Not|Initializ|Proxy|Delegate|EOA|Once|Unlocked|Locked)"
                   r"\w*)\s*(?:\(|\b)")
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
            guard = _ONLY.search(f["header"])
            body_guard = _GUARD_CALLS.search(f["body"][:400])
            if not guard and not body_guard:
                return None
            entries[f["name"]] = guard.group(1) if guard else body_guard.group(0).rstrip("( ")
    if not entries:
        return None
    names = ", ".join(f"{n} ({g})" for n, g in sorted(entries.items()))
    return (f"only reachable through {names}: the ETH goes where a privileged caller says, which is "
            "what the function is for")


def _guarded_entry(path: str, function: str | None) -> str | None:
    """Why a public/external ``function`` is privileged (an ``only...`` modifier), else None."""
    own = [f for f in _functions(path) if f["name"] == function]
    if not own or not all(re.search(r"\b(?:public|external)\b", f["header"]) for f in own):
        return None
    guards = [_ONLY.search(f["header"]) for f in own]
    if not all(guards):
        return None
    return (f"{function} is guarded by {guards[0].group(1)}: the ETH goes where a privileged caller says, "
            "which is what the function is for")


_GOVERNANCE_BASE = re.compile(r"\b(?:abstract\s+)?contract\s+\w+\s+is\s+[^{]*\b\w*(?:Governor|Timelock)\w*\b[^{]*\{"
                              r"|\b(?:abstract\s+)?contract\s+\w*(?:Governor|Timelock)\w*\b")
_GOVERNANCE_GUARD = re.compile(r"\bonly(?:Governance|Role\w*|Executor|Timelock|Self)\b")


def _governance_execution(path: str, function: str | None) -> str | None:
    """An internal send in a Governor/Timelock-like contract whose file guards other functions with
    onlyGovernance or a role modifier: the targets are what the governance process voted."""
    own = [f for f in _functions(path) if f["name"] == function]
    if not own or not all(re.search(r"\b(?:internal|private)\b", f["header"]) for f in own):
        return None
    code = _strip_comments(_text(path))
    if not _GOVERNANCE_BASE.search(code) or not _GOVERNANCE_GUARD.search(code):
        return None
    return ("value sent only to targets the contract's own governance process chose (a proposal's "
            "execution, its state checked by the public entry; ouro does not prove that state machine)")


_TYPO_EXP = re.compile(r"(?<![\w.])(?:2|10)\s*\^\s*[\w(]")


def _intended_xor(path: str, lines: list[int]) -> str | None:
    code = _strip_comments(_lines(path, lines))
    if not code or _TYPO_EXP.search(code):
        return None  # 2 ^ 256, 10 ^ 18: the typo shape, stays high
    if re.search(r"\bxor\s*\(", code):
        return ("an xor(...) in inline assembly: assembly has no ^ operator to mistake for a power, the xor "
                "is what the code means")
    if "^" in code:
        return ("the left operand of ^ is a computed value, not a literal base 2 or 10: a bitwise xor with "
                "a constant (such as the Newton seed (3 * d) ^ 2), not a mistyped power")
    return None


_MSG_VALUE = re.compile(r"\bmsg\.value\b")
# a condition that, when it holds, means ETH was sent (the revert then keeps ETH out)
_SENT = re.compile(r"^\s*\(*\s*(?:msg\.value\s*(?:>|!=)\s*0|0\s*(?:<|!=)\s*msg\.value)\s*\)*\s*$")
# a condition that holds when no ETH was sent (a require of it keeps ETH out)
_NOT_SENT = re.compile(r"^\s*\(*\s*(?:msg\.value\s*==\s*0|0\s*==\s*msg\.value)\s*\)*\s*$")
_REVERT_IF = re.compile(r"\bif\s*\(([^{};]*?)\)\s*(?:\{\s*)?revert\b")
_REQUIRE = re.compile(r"\brequire\s*\(([^(){};,]*)[,)]")


def _external_argument(body: str, at: int) -> bool:
    """Whether the text at ``at`` is an argument of a member call (``hook.preCheck(..., msg.value)``)."""
    depth = 0
    for i in range(at - 1, -1, -1):
        c = body[i]
        if c == ")":
            depth += 1
        elif c == "(":
            if depth == 0:
                return bool(re.search(r"\.\s*\w+\s*$", body[:i]))
            depth -= 1
        elif c in ";{}" and depth == 0:
            return False
    return False


def _modifiers(path: str) -> dict[str, str]:
    code = _strip_comments(_text(path))
    out = {}
    for m in re.finditer(r"\bmodifier\s+(\w+)\s*(?:\([^)]*\))?[^{;]*\{", code):
        depth, i = 1, m.end()
        while i < len(code) and depth:
            depth += {"{": 1, "}": -1}.get(code[i], 0)
            i += 1
        out[m.group(1)] = code[m.end():i]
    return out


def _value_guard(path: str, function: str | None) -> str | None:
    own = [f for f in _functions(path) if f["name"] == function]
    if not own:
        return None
    bodies = [f["body"] for f in own]
    uses = sum(len(_MSG_VALUE.findall(b)) for b in bodies)
    if uses:
        # if (msg.value > 0) revert / require(msg.value == 0): guards; if (msg.value == 0) revert and
        # require(msg.value > 0) demand ETH, which a non-payable function never gets: not guards
        guards = sum(1 for b in bodies for m in _REVERT_IF.finditer(b) if _SENT.match(m.group(1)))
        guards += sum(1 for b in bodies for m in _REQUIRE.finditer(b) if _NOT_SENT.match(m.group(1)))
        if guards == uses:
            return ("msg.value is only compared to 0 to revert: a non-payable guard keeping ETH out, it "
                    "works the same whether or not a payable function reaches it")
        return None
    mods = _modifiers(path)
    used = [m for m in mods if re.search(rf"\b{re.escape(m)}\b", own[0]["header"]) and _MSG_VALUE.search(mods[m])]
    if not used:
        return None
    for name in used:
        body = mods[name]
        if not all(re.match(r"\s*[,)]", body[m.end():]) and re.search(r"[(,]\s*$", body[:m.start()])
                   and _external_argument(body, m.start()) for m in _MSG_VALUE.finditer(body)):
            return None  # compared, computed with, sent or handed to an internal function: not a report
        if re.search(r"\bvalue\s*:\s*msg\.value\b", body):
            return None
        users = [f for f in _functions(path) if re.search(rf"\b{re.escape(name)}\b", f["header"])]
        if len(users) < 2:
            return None
    return (f"msg.value is read only by modifier {', '.join(used)}, shared with other functions, which forwards "
            "it as a call argument: here it is 0, which is what it reports")


def _message_path(f, rel: str) -> str:
    """An absolute path for a path Slither printed relative to where it ran (the finding's own file
    gives the prefix)."""
    if rel.startswith("/"):
        return rel
    mine = re.search(r"\(([^()#]+)#\d", f.message or "")
    if mine and f.file.endswith(mine.group(1)):
        return f.file[: len(f.file) - len(mine.group(1))] + rel
    return rel


def _private_shadowed(f) -> str | None:
    m = re.search(r"shadows:\s*-\s*([\w.]+)\s*\(([^()#]+)#(\d+)", f.message or "")
    if not m:
        return None
    path = _message_path(f, m.group(2))
    line = _strip_comments(_lines(path, [int(m.group(3))]))
    name = m.group(1).split(".")[-1]
    if not re.search(rf"\bprivate\b[^;=]*\b{re.escape(name)}\b", line):
        return None
    return (f"the shadowed {m.group(1)} is private: the derived contract cannot name it, so each contract "
            "reads and writes its own variable and no access reaches the wrong one")


def _proxy_return(f) -> str | None:
    m = re.search(r"calls\s+([\w.]+)\(\)\s*\(([^()#]+)#", f.message or "")
    dispatch = ("_fallback", "_delegate", "fallback", "receive")
    # the flagged function is itself the proxy's dispatch path; a function that calls _fallback
    # and then goes on (its code after the call never runs) stays high
    if f.function not in dispatch:
        return None
    files = [f.file] + ([_message_path(f, m.group(2))] if m else [])
    if not any(re.search(r"\bdelegatecall\s*\(", _strip_comments(_text(p))) for p in files):
        return None
    return ("a proxy's fallback path: the assembly return hands the implementation's delegatecall result "
            "back to the caller, halting on purpose")


def reassess(f) -> tuple[str, str] | None:
    """(severity, reason) for a Slither finding that matches an audited idiom, else None."""
    if not f.file or not f.lines:
        return None
    if f.check == "weak-prng":
        why = _clock_truncation(f.file, f.lines)
        return ("informational", why) if why else None
    if f.check == "arbitrary-send-eth":
        why = _privileged_only(f.file, f.function) or _guarded_entry(f.file, f.function)
        if why:
            return "low", why
        why = _governance_execution(f.file, f.function)
        return ("medium", why) if why else None
    if f.check == "incorrect-exp":
        why = _intended_xor(f.file, f.lines)
        return ("informational", why) if why else None
    if f.check == "msg-value-in-nonpayable":
        why = _value_guard(f.file, f.function)
        return ("informational", why) if why else None
    if f.check == "shadowing-state":
        why = _private_shadowed(f)
        return ("informational", why) if why else None
    if f.check == "incorrect-return":
        why = _proxy_return(f)
        return ("informational", why) if why else None
    return None
