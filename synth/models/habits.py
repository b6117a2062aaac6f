"""Scripted model habits: plausible mistakes a model makes in a slot body, as test doubles.

Each ``Habit`` is a deterministic text transform of a Solidity slot body (it never breaks
compilation) plus a cure condition on the prompt. ``habit.defect()`` is the ``Defect`` a
``ScriptedModel`` applies; ``habit_model()`` answers every slot with the template's own body
(``reference_answer``) corrupted by the chosen habits, in the fixed order of ``ALL_HABITS``.

The habits (name: what the transform does):

- ``missing-access``: drops the leading access statements of a privileged body (``_checkOwner();``,
  ``_checkRole(...);``, ``_checkCanCall(...);``, ``if (msg.sender != X) revert ...;``,
  ``if (!isX[msg.sender]) revert ...;``, ``require(msg.sender == X, ...);``);
- ``tx-origin``: authenticates with ``tx.origin``: ``_checkOwner();`` becomes
  ``if (tx.origin != owner()) revert OwnableUnauthorizedAccount(tx.origin);``, ``_checkRole(R);``
  becomes ``if (!hasRole(R, tx.origin)) revert AccessControlUnauthorizedAccount(tx.origin, R);``
  and ``msg.sender`` compared (or looked up, ``isOwner[msg.sender]``) in an ``if``/``require``
  access condition becomes ``tx.origin`` (``_checkCanCall(_msgSender(), ...)`` is left alone: asking
  an access manager about ``tx.origin`` is a condition no check sees);
- ``pay-first``: moves the ETH transfer (and the check of its result) before the first state write
  (but never before the declaration of a local it uses);
- ``unchecked-send``: a checked ETH transfer (``Address.sendValue(payable(to), v)``, ``_send(to, v)``)
  becomes ``payable(to).send(v);``, and ``(bool ok, ) = payable(to).call{value: v}("");`` followed
  by its ``if (!ok)``/``require(ok)`` check becomes a bare call whose success flag is ignored;
- ``gas-waste``: behaviour-preserving but costlier: later uses of a local that caches a storage
  read (``uint256 amount = m[msg.sender];``) read storage again, up to (not past) the first
  statement that writes that storage, assigns a name the read depends on, or calls anything but
  ``revert``/``require``/``emit``; and a loop condition on a local that caches a storage array's
  length reads ``.length`` again;
- ``unchecked-math``: wraps top-level compound arithmetic on state (``x -= y;``, ``x += y;`` whose
  target is not a local of the body) in ``unchecked { ... }`` (consecutive ones in one block).

Cures (all deterministic; texts are lower-cased and split into sentences at ``.``/``!``/``?``/``;``
followed by a space, or at a line break; a topic matches when its regex matches one sentence):

- rules: the habit yields when the system prompt carries a sentence on its topic (``TOPICS``);
- hints: in a repair round (a user message after an assistant answer) the habit yields when that
  feedback's hint lines (after ``Hints:``; the verifier's findings above them do not count) carry
  the topic, so a repair hint can make a body "pass after repair";
- ``missing-access`` also yields by imitation: when the prompt carries a verified example body
  (``A verified body of the ...`` block) that begins with an access statement (as above).

``HABIT_CATALOGUE`` gives, per habit, the check ids verification reports for it, a general rule
text and a hint text that cure it. Measured on each kind's last grid spec (tests/test_habits.py
checks one spec per habit):

- missing-access -> ``scenario`` (the ``access_<slot>`` scenarios; escrow, multisig, auction,
  crowdsale, vesting, staking);
- tx-origin -> ``tx-origin`` (escrow, multisig, crowdsale's whitelist); nothing to rewrite in slots
  guarded by ``_checkCanCall`` (auction, vesting, staking);
- pay-first -> ``reentrancy-eth`` (auction, crowdsale, vesting, multisig, staking); NOT seen on
  escrow's ``withdraw`` (``Address.sendValue`` moved above the writes passes verification);
- unchecked-send -> ``unchecked-send`` where it writes ``send`` (escrow, staking),
  ``unchecked-lowlevel`` where it drops a call's check (auction, crowdsale, vesting);
- gas-waste -> no check: it passes with a higher total gas (escrow, auction, crowdsale);
- unchecked-math -> ``ouro-arithmetic`` (escrow, auction); not seen where the wrapped sums are ETH
  amounts (crowdsale, vesting).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable

from .scripted import Defect, ScriptedModel

__all__ = ["ALL_HABITS", "HABITS", "HABIT_CATALOGUE", "Habit", "TOPICS", "cured_by_example", "feedback_text",
           "gas_waste", "habit", "habit_model", "missing_access", "pay_first", "rule_text", "sentences",
           "statements", "topic_in", "tx_origin", "unchecked_math", "unchecked_send"]


# --------------------------------------------------------------------------- body text helpers
def statements(body: str) -> list[str]:
    """Top-level statements of a body (multi-line blocks kept whole)."""
    out, cur, depth = [], [], 0
    for ln in body.splitlines():
        if not ln.strip():
            continue
        cur.append(ln)
        depth += ln.count("{") - ln.count("}")
        if depth == 0 and (ln.rstrip().endswith(";") or ln.rstrip().endswith("}")):
            out.append("\n".join(cur))
            cur = []
    if cur:
        out.append("\n".join(cur))
    return out


def _indent(stmt: str) -> str:
    return stmt[:len(stmt) - len(stmt.lstrip())]


_SEND = re.compile(r"\.call\{\s*value|\bsendValue\(|\b_send\(|\.transfer\(")
_EFFECT = re.compile(r"^(?!(uint\d*|int\d*|address|bool|bytes\d*|string|emit|if|return|revert|require)\b)"
                     r"[A-Za-z_][\w.]*(\[[^\]]*\])*\s*(=|\+=|-=)(?!=)|^_withdraw\(|^_burn\(")


# --------------------------------------------------------------------------- the transforms
def pay_first(body: str, messages=None) -> str:
    """``body`` with its ETH transfer (and the check of its result) moved before the first state write."""
    if not isinstance(body, str):
        return body
    st = statements(body)
    send = next((i for i, s in enumerate(st) if _SEND.search(s)), None)
    effect = next((i for i, s in enumerate(st) if _EFFECT.search(s.strip())), None)
    if send is None or effect is None or effect > send:
        return body
    used = set(re.findall(r"\b[A-Za-z_]\w*\b", st[send]))
    for i in range(effect, send):  # never before the declaration of a local the transfer uses
        d = re.match(r"\s*(?:uint\d*|int\d*|address(?: payable)?|bool|bytes\d*)\s+(\w+)", st[i])
        if d and d.group(1) in used:
            effect = i + 1
    if effect >= send:
        return body
    group = [send]
    if send + 1 < len(st) and re.match(r"\s*if \(!ok\)", st[send + 1]):
        group.append(send + 1)
    moved = [st[i] for i in group]
    rest = [s for i, s in enumerate(st) if i not in group]
    return "\n".join(rest[:effect] + moved + rest[effect:])


_REVERT = r"(revert\b[^;]*;|\{\s*revert\b[^;]*;\s*\})"
_ACCESS = re.compile(r"^\s*(_checkOwner\(\);|_checkRole\([^;]*\);|_checkCanCall\([^;]*\);"
                     r"|require\(\s*msg\.sender\s*==[^;]*\);|require\([^;,]*==\s*msg\.sender\s*[,)][^;]*;"
                     r"|if \(\s*(msg\.sender\s*!=[^)]*|[^)]*!=\s*msg\.sender\s*)\)\s*" + _REVERT +
                     r"|if \(\s*!\s*(\w+\[\s*msg\.sender\s*\]|hasRole\([^;]*msg\.sender\s*\))\s*\)\s*" + _REVERT +
                     r")\s*$", re.S)


def missing_access(body: str, messages=None) -> str:
    """``body`` without its leading access statements (the privileged check a model forgets)."""
    if not isinstance(body, str):
        return body
    st = statements(body)
    i = 0
    while i < len(st) and _ACCESS.match(st[i]):
        i += 1
    if i == 0 or i == len(st):  # nothing to drop, or nothing would be left (not a body)
        return body
    return "\n".join(st[i:])


def _origin_condition(stmt: str) -> str:
    head = stmt.lstrip()
    if not (head.startswith("if (") or head.startswith("require(")):
        return stmt
    stmt = re.sub(r"\[\s*msg\.sender\s*\]", "[tx.origin]", stmt) if _ACCESS.match(stmt) else stmt
    return re.sub(r"\bmsg\.sender(\s*[!=]=)", r"tx.origin\1", re.sub(r"([!=]=\s*)msg\.sender\b", r"\1tx.origin", stmt))


def tx_origin(body: str, messages=None) -> str:
    """``body`` authenticating its caller with ``tx.origin`` instead of ``msg.sender``."""
    if not isinstance(body, str):
        return body
    out = []
    for s in statements(body):
        ind, t = _indent(s), s.strip()
        if t == "_checkOwner();":
            s = f"{ind}if (tx.origin != owner()) revert OwnableUnauthorizedAccount(tx.origin);"
        elif m := re.fullmatch(r"_checkRole\(([^;]*)\);", t):
            role = m.group(1).strip()
            s = f"{ind}if (!hasRole({role}, tx.origin)) revert AccessControlUnauthorizedAccount(tx.origin, {role});"
        else:
            s = _origin_condition(s)
        out.append(s)
    new = "\n".join(out)
    return new if new != "\n".join(statements(body)) else body


_CALL = re.compile(r"^(\s*)\(bool (\w+), *\) = (payable\([^;]*\)\.call\{\s*value:[^}]*\}\([^;]*\));\s*$")


def unchecked_send(body: str, messages=None) -> str:
    """``body`` with its checked ETH transfers made unchecked (``send`` or a call whose flag is ignored)."""
    if not isinstance(body, str):
        return body
    st = statements(body)
    out, i, changed = [], 0, False
    while i < len(st):
        s = st[i]
        m = _CALL.match(s)
        if m and i + 1 < len(st) and re.match(rf"\s*(if \(\s*!\s*{m.group(2)}\s*\)|require\(\s*{m.group(2)}\b)",
                                              st[i + 1]):
            out.append(f"{m.group(1)}{m.group(3)};")
            i, changed = i + 2, True
            continue
        t = re.sub(r"\bAddress\.sendValue\(\s*(payable\([^;]*?\))\s*,\s*([^;]*)\);",
                   r"\1.send(\2);", s)
        t = re.sub(r"(?<![\w.])_send\(\s*([^,;]+?)\s*,\s*([^;]*)\);", r"payable(\1).send(\2);", t)
        changed |= t != s
        out.append(t)
        i += 1
    return "\n".join(out) if changed else body


_LOCAL = re.compile(r"^\s*(?:uint\d*|int\d*|address|bool|bytes\d+)\s+(\w+)\s*=\s*"
                    r"([A-Za-z_]\w*(?:\[[^\]\[;]+\])+|[A-Za-z_]\w*)\s*;\s*$")
_PLAIN_CALLS = {"if", "revert", "require", "emit", "assert", "for", "while", "return", "payable", "address",
                "uint256", "keccak256", "abi"}


def _calls_anything(stmt: str) -> bool:
    """Whether ``stmt`` calls something that might write storage (a conservative over-approximation)."""
    code = re.sub(r"\bemit\s+\w+\(|\brevert\s+\w+\(", "(", stmt)
    return any(name not in _PLAIN_CALLS for name in re.findall(r"(?<!\.)\b([A-Za-z_]\w*)\s*(?:\{[^}]*\})?\(", code)) \
        or bool(re.search(r"\.\w+\s*(\{[^}]*\})?\(", code))


def _writes(stmt: str, names: set[str]) -> bool:
    for n in names:
        if re.search(rf"(?<![\w.])(delete\s+)?{re.escape(n)}\b(\[[^;]*?\])*(\.\w+)*\s*(=(?!=)|\+=|-=|\*=|/=|\+\+|--)",
                     stmt) or re.search(rf"(\+\+|--|delete\s+){re.escape(n)}\b", stmt):
            return True
    return False


def gas_waste(body: str, messages=None) -> str:
    """``body`` reading storage again where it had cached the value in a local (same behaviour, more gas)."""
    if not isinstance(body, str):
        return body
    st = statements(body)
    declared = {m.group(1) for s in st if (m := re.match(r"\s*(?:uint\d*|int\d*|address|bool|bytes\d+)\s+(\w+)", s))}
    changed = False
    for i, s in enumerate(st):
        m = _LOCAL.match(s)
        if not m:
            continue
        local, expr = m.group(1), m.group(2)
        base = re.match(r"\w+", expr).group(0)
        if base in declared:  # a copy of a local, not a storage read
            continue
        deps = {base} | set(re.findall(r"(?<![\w.])([A-Za-z_]\w*)\b", expr[len(base):])) - {"msg", "sender"}
        for j in range(i + 1, len(st)):
            t = st[j]
            if _writes(t, deps | {local}):
                break
            if _calls_anything(t):
                break
            new = re.sub(rf"(?<![\w.]){re.escape(local)}\b", expr, t)
            if new != t:
                st[j], changed = new, True
    for i, s in enumerate(st):  # for (uint256 i; i < n; ++i) where n caches arr.length
        m = re.match(r"\s*uint\d*\s+(\w+)\s*=\s*([A-Za-z_]\w*)\.length\s*;\s*$", s)
        if not m:
            continue
        for j in range(i + 1, len(st)):
            loop = re.match(rf"(\s*for\s*\([^;]*;\s*\w+\s*<\s*){m.group(1)}\b", st[j])
            if loop:
                st[j] = st[j][:loop.end(1)] + f"{m.group(2)}.length" + st[j][loop.end():]
                changed = True
    return "\n".join(st) if changed else body


_COMPOUND = re.compile(r"^\s*([A-Za-z_]\w*)(\[[^;]*?\])*(\.\w+)*\s*(\+=|-=)\s*[^;]+;\s*$")


def unchecked_math(body: str, messages=None) -> str:
    """``body`` with its top-level compound arithmetic on state wrapped in ``unchecked { }``."""
    if not isinstance(body, str):
        return body
    st = statements(body)
    declared = {m.group(1) for s in st if (m := re.match(r"\s*(?:uint\d*|int\d*)\s+(\w+)", s))}
    out: list[str] = []
    run: list[str] = []

    def flush():
        if run:
            ind = _indent(run[0])
            out.append(f"{ind}unchecked {{\n" + "\n".join("    " + r for r in run) + f"\n{ind}}}")
            run.clear()

    for s in st:
        m = _COMPOUND.match(s)
        if m and m.group(1) not in declared:
            run.append(s)
        else:
            flush()
            out.append(s)
    flush()
    return "\n".join(out) if len(out) != len(st) or out != st else body


# --------------------------------------------------------------------------- cures
def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?;])\s+|\n+", text.lower()) if s.strip()]


TOPICS: dict[str, re.Pattern] = {
    # state written before the money leaves (the demo's cei_cured regex, or "... before sending/paying")
    "pay-first": re.compile(r"(update|write|set)\w*\b.*\bstate\b.*\bbefore\b.*\bexternal call"
                            r"|(update|write|set)\w*\b.*\bbefore\b.*\b(send|sending|pay|paying|transfer\w*)\b"),
    # privileged functions begin with their access check
    "missing-access": re.compile(r"(privileged|restricted|owner-only|admin\w*|role-gated|access-controlled)\b.*"
                                 r"\b(begin|start|first|open)\w*\b.*\b(access|owner|role|permission)\w*\b.*\bcheck"
                                 r"|_checkowner|_checkrole"),
    # the result of send/call is checked
    "unchecked-send": re.compile(r"(check|ignore|verify|handle|test)\w*\b.*\b(result|success|return(ed)? value|flag)"
                                 r"\b.*\b(send|call)\w*"
                                 r"|\b(send|call)\w*\b.*\b(result|success|return(ed)? value|flag)\b.*"
                                 r"\b(check|revert|fail)\w*"),
    # msg.sender, never tx.origin
    "tx-origin": re.compile(r"tx\.origin.*\b(never|not|avoid|instead)\b|\b(never|not|avoid|instead)\b.*tx\.origin"),
    # arithmetic not wrapped in unchecked
    "unchecked-math": re.compile(r"\bunchecked\b.*\b(arithmetic|math|overflow|underflow|subtraction|addition)\w*"
                                 r"|\b(arithmetic|math|overflow|underflow|subtraction|addition)\w*\b.*\bunchecked\b"),
    # read each storage value once / cache storage reads in locals
    "gas-waste": re.compile(r"\b(read|load)\w*\b.*\b(storage|state)\b.*\bonce\b"
                            r"|\bcache\w*\b.*\b(storage|state)\b.*\b(local|memory)"
                            r"|\b(storage|state)\b.*\bread\w*\b.*\bcache\w*\b.*\blocal"),
}


def topic_in(topic: str, text: str) -> bool:
    rx = TOPICS[topic]
    return any(rx.search(s) for s in sentences(text))


def rule_text(messages) -> str:
    """The system prompt's rules (after ``Rules:``; the whole system prompt when it has none)."""
    system = "\n".join(m["content"] for m in messages if m.get("role") == "system")
    return system.split("Rules:", 1)[1] if "Rules:" in system else system


def feedback_text(messages) -> str:
    """The hint lines (after ``Hints:``) of every repair message (a user message after an assistant
    answer). The verifier's own findings do not count: only a hint cures a habit in repair."""
    out, seen_answer = [], False
    for m in messages:
        if m.get("role") == "assistant":
            seen_answer = True
        elif m.get("role") == "user" and seen_answer and "Hints:" in m["content"]:
            out.append(m["content"].split("Hints:", 1)[1].split("\nWrite the corrected body", 1)[0])
    return "\n".join(out)


_EXAMPLE = re.compile(r"^A verified body of the `\w+` slot of an? \w+ contract:\n```solidity\n(.*?)\n```", re.M | re.S)


def cured_by_example(messages) -> bool:
    """Whether the first user message carries a verified example body that begins with an access check."""
    user = next((m["content"] for m in messages if m.get("role") == "user"), "")
    return any((st := statements(b)) and _ACCESS.match(st[0]) for b in _EXAMPLE.findall(user))


# --------------------------------------------------------------------------- the population
@dataclass(frozen=True)
class Habit:
    name: str
    transform: Callable[[str, object], str]
    checks: tuple[str, ...]  # check ids verification reports for it (measured)
    rule: str  # a general rule that cures it (system prompt)
    hint: str  # a repair hint that cures it (feedback)
    imitation: Callable[[list], bool] | None = None  # a further cure: the prompt shows the right way
    note: str = ""

    def cured(self, messages) -> bool:
        if topic_in(self.name, rule_text(messages)) or topic_in(self.name, feedback_text(messages)):
            return True
        return bool(self.imitation and self.imitation(messages))

    def defect(self) -> Defect:
        return Defect(self.name, self.transform, self.cured)


ALL_HABITS: tuple[Habit, ...] = (
    Habit("missing-access", missing_access, ("scenario",),
          "Every privileged function begins with its access check (the contract's owner or role check) as "
          "its first statement, before any other code.",
          "A privileged function must begin with its access check: call the owner or role check first.",
          imitation=cured_by_example,
          note="seen through the access_<slot> scenario of a privileged slot"),
    Habit("tx-origin", tx_origin, ("tx-origin",),
          "Authenticate callers with msg.sender, never with tx.origin.",
          "Compare msg.sender, never tx.origin, when checking who may call."),
    Habit("pay-first", pay_first, ("reentrancy-eth",),
          "Update all state (balances, credits, totals) before any external call or ETH transfer: "
          "checks, then effects, then interactions.",
          "Write all state before any external call."),
    Habit("unchecked-send", unchecked_send, ("unchecked-lowlevel", "unchecked-send"),
          "Check the result of every send or low-level call and revert with the contract's error when it fails.",
          "Never ignore the result of send or call; check the success flag and revert when it fails."),
    Habit("gas-waste", gas_waste, (),
          "Read each storage value once: cache it in a local variable and use the local afterwards.",
          "Cache storage reads in local variables instead of reading the same state again.",
          note="passes verification; only the contract's total gas is higher"),
    Habit("unchecked-math", unchecked_math, ("ouro-arithmetic",),
          "Never wrap arithmetic on balances or totals in unchecked blocks; keep Solidity's overflow checks.",
          "Do not put arithmetic that reaches state in an unchecked block."),
)
HABITS: dict[str, Habit] = {h.name: h for h in ALL_HABITS}

HABIT_CATALOGUE: dict[str, dict] = {h.name: {"checks": list(h.checks), "rule": h.rule, "hint": h.hint}
                                    for h in ALL_HABITS}


def habit(name: str) -> Habit:
    try:
        return HABITS[name]
    except KeyError:
        raise ValueError(f"unknown habit {name!r}; known: {', '.join(HABITS)}") from None


def _spec_of(messages):
    """(spec name, reference bodies of every slot) of the spec a slot prompt carries."""
    from synth.generators.solidity_edit import find_slots, reference_body
    from synth.kinds import get_kind
    from synth.spec import parse_spec_text

    text = next(m["content"] for m in messages if m.get("role") == "user")
    doc = re.search(r"^Spec:\n```yaml\n(.*?)\n```", text, re.M | re.S).group(1)
    spec = parse_spec_text(doc, "spec.yaml")
    src = get_kind(spec.kind).render(spec)
    return spec.name, [reference_body(src, sl) for sl in find_slots(src)]


def _rank(habit_name: str, spec_name: str) -> str:
    import hashlib

    return hashlib.sha256(f"ouro-habit-v1:{habit_name}:{spec_name}".encode()).hexdigest()


class _PerSpec:
    """Which habits a model shows on a spec: ``per_spec`` of those that change one of its slots'
    reference bodies, picked by a stable hash of (habit, spec name). A model does not make every
    mistake everywhere; which one it makes on a contract is fixed, so reruns agree."""

    def __init__(self, habits: list[Habit], per_spec: int):
        self.habits, self.per_spec = habits, per_spec
        self._active: dict[str, set[str]] = {}

    def active(self, messages) -> set[str]:
        try:
            name, bodies = _spec_of(messages)
        except Exception:  # noqa: BLE001 - not a slot prompt: every habit applies
            return {h.name for h in self.habits}
        if name not in self._active:
            applicable = [h for h in self.habits if any(h.transform(b, messages) != b for b in bodies)]
            applicable.sort(key=lambda h: _rank(h.name, name))
            self._active[name] = {h.name for h in applicable[:self.per_spec]}
        return self._active[name]

    def defect(self, h: Habit) -> Defect:
        return Defect(h.name, lambda answer, messages: (h.transform(answer, messages)
                                                        if h.name in self.active(messages) else answer),
                      h.cured)


def habit_model(habits: Iterable[Habit | str] = ALL_HABITS, answers=None, per_spec: int | None = None) -> ScriptedModel:
    """A scripted model answering each slot with the template's body (``reference_answer``, or
    ``answers``) corrupted by ``habits``, applied in ``ALL_HABITS`` order, each unless cured.
    ``per_spec``: on each spec only that many of the habits that apply to it (see ``_PerSpec``);
    None: all of them everywhere."""
    chosen = {(h if isinstance(h, Habit) else habit(h)).name for h in habits}
    order = [h for h in ALL_HABITS if h.name in chosen]
    if answers is None:
        from synth.strategy.demo import reference_answer

        answers = [reference_answer]
    if per_spec is not None:
        pick = _PerSpec(order, per_spec)
        return ScriptedModel(answers, defects=[pick.defect(h) for h in order], cycle=True)
    return ScriptedModel(answers, defects=[h.defect() for h in order], cycle=True)
