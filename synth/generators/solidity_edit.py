"""Small, exact edits of generated Solidity: find functions and ``@custom:ouro-slot`` slots, open a
slot's body, check that model-written statements stay inside a body, and apply generator post-rules.

Nothing here parses Solidity fully; it scans braces while skipping string literals and comments,
which is enough for the templates' own output and safe for model text (anything it cannot scan
cleanly is rejected, never guessed at).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["ACCESS_MODIFIERS", "BodyError", "Function", "Slot", "apply_post_rules", "check_statements", "fill_slot",
           "find_functions", "match_brace", "find_slots", "open_slot", "placeholder_comment", "post_rule_violations",
           "reference_body",
           "SLOT_TAG"]

SLOT_TAG = "@custom:ouro-slot"
_SLOT_RE = re.compile(r"^[ \t]*///[ \t]*@custom:ouro-slot[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]*$", re.M)
_FUNC_RE = re.compile(r"\bfunction\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(")
_SENDS_ETH = re.compile(r"\.call\{\s*value\s*:|\.transfer\(|\.send\(|\bsendValue\(")
# what statements written into a function body may not contain: file- or contract-level constructs
_FORBIDDEN = re.compile(r"\b(pragma|import|contract|interface|library|abstract|function|modifier|constructor|"
                        r"event|error|struct|enum|using|fallback|receive|selfdestruct|delegatecall|assembly|"
                        r"callcode|suicide)\b")
MAX_BODY_CHARS = 4000


class BodyError(ValueError):
    """Model text that is not a plain sequence of statements (the message says why)."""


def _scan(text: str, start: int = 0):
    """Yield (index, char) of code characters, skipping strings and comments; BodyError if unterminated."""
    i, n = start, len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                if text[j] == "\\":
                    j += 1
                if j < n and text[j] == "\n":
                    raise BodyError("string literal runs past the end of a line")
                j += 1
            if j >= n:
                raise BodyError("unterminated string literal")
            i = j + 1
            continue
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            if j < 0:
                raise BodyError("unterminated /* comment")
            i = j + 2
            continue
        yield i, c
        i += 1


def match_brace(text: str, open_at: int) -> int:
    """Index of the ``}`` closing the ``{`` at ``open_at``."""
    depth = 0
    for i, c in _scan(text, open_at):
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
    raise BodyError("unbalanced braces")


@dataclass
class Function:
    name: str
    start: int  # index of "function"
    header_end: int  # index of the body's "{" (or of ";" when there is no body)
    body_end: int  # index of the closing "}" (== header_end without a body)
    header: str

    @property
    def has_body(self) -> bool:
        return self.body_end > self.header_end

    def visibility(self) -> str:
        for v in ("external", "public", "internal", "private"):
            if re.search(rf"\b{v}\b", self.header):
                return v
        return "public"

    def is_mutating(self) -> bool:
        return not re.search(r"\b(view|pure)\b", self.header)


def find_functions(source: str) -> list[Function]:
    out = []
    code = {i for i, _ in _scan(source)}  # code positions only (not in comments or strings)
    for m in _FUNC_RE.finditer(source):
        if m.start() not in code:
            continue
        depth, j = 0, m.end() - 1
        for j, c in _scan(source, m.end() - 1):
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
            elif depth == 0 and c in "{;":
                break
        if source[j] == "{":
            end = match_brace(source, j)
        else:
            end = j
        out.append(Function(m.group(1), m.start(), j, end, source[m.start():j]))
    return out


# OpenZeppelin access modifiers and the exact statement each stands for (OpenZeppelin 5 internals):
# name -> (statement with {arg} for the modifier's argument, who may call)
ACCESS_MODIFIERS: dict[str, tuple[str, str]] = {
    "onlyOwner": ("_checkOwner();", "the owner"),
    "onlyRole": ("_checkRole({arg});", "holders of {arg}"),
}
# AccessManaged's ``restricted`` stays in the header: as a statement, its call to the manager
# (``consumeScheduledOp``) is an external call before the body's writes, with no guard left.
_MOD_USE = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\b(?:\s*\(([^()]*)\))?")
_MOD_DEF = re.compile(r"\bmodifier\s+([A-Za-z_][A-Za-z0-9_]*)\s*(?:\(([^()]*)\))?\s*\{")


def _local_modifiers(source: str) -> dict[str, tuple[list[str], str]]:
    """Access modifiers the contract defines itself (``modifier onlyX(...) { checks; _; }``, nothing
    after ``_;``): name -> (parameter names, the checks before ``_;`` on one line)."""
    code = {i for i, _ in _scan(source)}
    out = {}
    for m in _MOD_DEF.finditer(source):
        if m.start() not in code or not m.group(1).startswith("only"):
            continue
        try:
            end = match_brace(source, m.end() - 1)
        except BodyError:
            continue
        inner = source[m.end():end].strip()
        if not inner.endswith("_;"):
            continue
        pre = " ".join(inner[:-2].split())
        if not pre or "_;" in pre or "//" in pre or "/*" in pre:
            continue
        params = [p.split()[-1] for p in (m.group(2) or "").split(",") if p.strip()]
        out[m.group(1)] = (params, pre)
    return out


def _who(name: str) -> str:
    words = re.sub(r"(?<!^)([A-Z])", r" \1", name[4:]).lower().strip() or "privileged callers"
    return f"the {words}"


def access_modifiers(source: str, header: str) -> list[tuple[str, str, str]]:
    """The access modifiers in a function ``header``: (modifier text as written, the statement it
    stands for, who may call). Modifiers the contract defines itself win over OpenZeppelin's."""
    local = _local_modifiers(source)
    m = re.search(r"\)", header)  # modifiers follow the parameter list
    depth, start = 0, None
    for i, c in enumerate(header):
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                start = i + 1
                break
    if m is None or start is None:
        return []
    out = []
    for u in _MOD_USE.finditer(header, start):
        name, arg = u.group(1), (u.group(2) or "").strip()
        if name in local:
            params, pre = local[name]
            args = [a.strip() for a in arg.split(",")] if arg else []
            if len(args) != len(params):
                continue
            stmt = pre
            for p, a in zip(params, args):
                stmt = re.sub(rf"\b{re.escape(p)}\b", a, stmt)
            who = "an owner" if name == "onlyOwner" else _who(name)
            out.append((u.group(0), stmt, who))
        elif name in ACCESS_MODIFIERS:
            stmt, who = ACCESS_MODIFIERS[name]
            if ("{arg}" in stmt) != bool(arg):
                continue
            out.append((u.group(0), stmt.format(arg=arg), who.format(arg=arg)))
    return out


@dataclass
class Slot:
    name: str
    function: Function
    access: tuple[str, ...] = ()  # the statements the function's access modifiers stand for
    who: tuple[str, ...] = ()  # who each access statement lets call

    @property
    def privileged(self) -> bool:
        return bool(self.access)

    def body(self, source: str) -> str:
        return source[self.function.header_end + 1:self.function.body_end]


def find_slots(source: str) -> list[Slot]:
    """Every function marked ``/// @custom:ouro-slot NAME`` (the tag right above, in its NatSpec)."""
    funcs = find_functions(source)
    out = []
    for m in _SLOT_RE.finditer(source):
        nxt = next((f for f in funcs if f.start > m.end()), None)
        if nxt is None:
            continue
        between = source[m.end():nxt.start]
        if any(ln.strip() and not ln.strip().startswith("///") for ln in between.splitlines()):
            continue
        acc = access_modifiers(source, nxt.header)
        out.append(Slot(m.group(1), nxt, tuple(a[1] for a in acc), tuple(a[2] for a in acc)))
    return out


def reference_body(source: str, slot: Slot) -> str:
    """The template's own answer for ``slot``: its access statements (what the modifiers ``open_slot``
    drops stand for), then the template body."""
    body = slot.body(source).strip("\n")
    if not slot.access:
        return body
    first = next((ln for ln in body.splitlines() if ln.strip()), "")
    ind = first[:len(first) - len(first.lstrip())]
    return "\n".join(ind + a for a in slot.access) + ("\n" + body if body.strip() else "")


def placeholder_comment(slot: Slot) -> str:
    """The one-line comment an opened slot's body holds (newlines never survive into it)."""
    text = f"// ouro-slot {slot.name}: write this body"
    if slot.access:
        text += f"; privileged (only {' and '.join(slot.who)}): begin with {' '.join(slot.access)}"
    return " ".join(text.split())


def _indent_of(source: str, idx: int) -> str:
    line_start = source.rfind("\n", 0, idx) + 1
    return re.match(r"[ \t]*", source[line_start:]).group(0)


def open_slot(source: str, slot: Slot, *, drop_modifiers: tuple[str, ...] = ("nonReentrant",),
              drop_access: bool = True, placeholder: str | None = None) -> str:
    """``source`` with the slot's body replaced by ``placeholder`` (a comment by default) and the
    given modifiers removed from its header: the body's safety becomes the writer's job. With
    ``drop_access`` the access modifiers go too (``onlyOwner``, ``onlyRole(X)``, ``restricted``, a
    contract's own ``onlyX``): the body must begin with the statements they stand for
    (``slot.access``, which the default placeholder names)."""
    f = slot.function
    header = f.header
    for mod in drop_modifiers:
        header = re.sub(rf"\s+\b{re.escape(mod)}\b(?!\s*\()", "", header)
    if drop_access:
        for text, _, _ in access_modifiers(source, f.header):
            header = re.sub(rf"\s+{re.escape(text)}(?![A-Za-z0-9_(])", "", header, count=1)
    ind = _indent_of(source, f.start)
    text = placeholder if placeholder is not None else placeholder_comment(slot)
    text = " ".join(str(text).split())
    if not text.startswith("//"):
        text = "// " + text
    return source[:f.start] + header.rstrip() + " {\n" + ind + "    " + text + "\n" + ind + source[f.body_end:]


def fill_slot(source: str, name: str, statements: str) -> str:
    """``source`` (an opened skeleton) with slot ``name``'s body set to ``statements``."""
    slot = next(s for s in find_slots(source) if s.name == name)
    f = slot.function
    ind = _indent_of(source, f.start) + "    "
    lines = [ln.rstrip() for ln in statements.rstrip().strip("\n").splitlines()]
    base = min((len(ln) - len(ln.lstrip()) for ln in lines if ln.strip()), default=0)
    body = "\n".join((ind + ln[base:]) if ln.strip() else "" for ln in lines)
    return source[:f.header_end + 1] + "\n" + body + "\n" + _indent_of(source, f.start) + source[f.body_end:]


def strip_fences(text: str) -> str:
    body = text.strip()
    m = re.match(r"^```[A-Za-z]*\n(.*?)\n?```\s*$", body, re.S)
    return m.group(1) if m else body


def check_statements(text: str) -> str:
    """Model text as function-body statements, or ``BodyError``: no file/contract-level constructs,
    braces balanced and never closing the body early, strings and comments terminated."""
    if not isinstance(text, str):
        raise BodyError(f"expected text, got {type(text).__name__}")
    body = strip_fences(text)
    if not body.strip():
        raise BodyError("empty body")
    if len(body) > MAX_BODY_CHARS:
        raise BodyError(f"body longer than {MAX_BODY_CHARS} characters")
    if "\x00" in body or any(ord(c) < 32 and c not in "\n\t\r" for c in body):
        raise BodyError("control characters in the body")
    depth, code = 0, []
    for _, c in _scan(body):
        code.append(c)
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                raise BodyError("a '}' closes the function body early")
    if depth != 0:
        raise BodyError("unbalanced braces")
    m = _FORBIDDEN.search("".join(code))
    if m:
        raise BodyError(f"'{m.group(1)}' is not allowed in a function body written by the model")
    if not re.search(r"[;}]\s*$", body.strip()):
        raise BodyError("the body does not end with a statement")
    return body


# --------------------------------------------------------------------------- post-rules
def _eth_senders(source: str, funcs: list[Function]) -> set[str]:
    """Names of functions whose body sends ETH, directly or through an internal/private helper."""
    sends = {f.name for f in funcs if f.has_body and _SENDS_ETH.search(source[f.header_end:f.body_end])}
    helpers = {f.name for f in funcs if f.name in sends and f.visibility() in ("internal", "private")}
    for f in funcs:
        if f.has_body and any(re.search(rf"\b{h}\s*\(", source[f.header_end:f.body_end]) for h in helpers):
            sends.add(f.name)
    return sends


def _guard_targets(source: str) -> list[Function]:
    funcs = find_functions(source)
    senders = _eth_senders(source, funcs)
    return [f for f in funcs if f.name in senders and f.visibility() in ("external", "public") and f.is_mutating()]


def post_rule_violations(source: str, post_rules) -> list[str]:
    """What ``source`` breaks of the (machine-readable) post-rules, one line each."""
    out = []
    for r in post_rules:
        if r.when == "sends-eth" and r.require == "nonReentrant":
            for f in _guard_targets(source):
                if not re.search(r"\bnonReentrant\b", f.header):
                    out.append(f"{r.id}: {f.name} sends ETH without nonReentrant")
    return out


def apply_post_rules(source: str, post_rules, oz: str = "@openzeppelin/contracts") -> str:
    """``source`` made to obey the post-rules (unchanged when it already does)."""
    for r in post_rules:
        if r.when == "sends-eth" and r.require == "nonReentrant":
            for f in sorted(_guard_targets(source), key=lambda f: -f.start):
                if re.search(r"\bnonReentrant\b", f.header):
                    continue
                m = re.search(r"\b(external|public)\b(\s+payable\b)?", f.header)
                head = f.header[:m.end()] + " nonReentrant" + f.header[m.end():]
                source = source[:f.start] + head + source[f.header_end:]
            if _guard_targets(source) and not re.search(r"\bReentrancyGuard\b", source):
                source = _add_base(source, "ReentrancyGuard",
                                   f'import {{ReentrancyGuard}} from "{oz}/utils/ReentrancyGuard.sol";')
    return source


def _add_base(source: str, base: str, import_line: str) -> str:
    lines = source.split("\n")
    last_import = max((i for i, ln in enumerate(lines) if ln.startswith("import ")), default=None)
    if last_import is None:
        pragma = next(i for i, ln in enumerate(lines) if ln.startswith("pragma "))
        lines[pragma + 1:pragma + 1] = ["", import_line]
    else:
        lines.insert(last_import + 1, import_line)
    for i, ln in enumerate(lines):
        m = re.match(r"^contract\s+\w+(\s+is\s+(.*))?\s*\{\s*$", ln)
        if m:
            lines[i] = ln.rstrip()[:-1].rstrip() + (", " if m.group(1) else " is ") + base + " {"
            break
    return "\n".join(lines)
