"""Safe placement of user text in generated Solidity.

Spec strings reach the source in three places only: identifiers (validated, never escaped),
string literals (escaped to printable ASCII with ``\\xNN`` / ``\\uNNNN`` escapes), and NatSpec
comments (``*/`` and every control character are neutralised, so a comment cannot be closed
early). Every template goes through these helpers; nothing else interpolates spec text.
"""

from __future__ import annotations

import re

__all__ = ["IDENTIFIER", "SOLIDITY_RESERVED", "comment_text", "string_literal"]

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
# Keywords and reserved words that cannot name a contract, plus global names worth not shadowing.
SOLIDITY_RESERVED = frozenset("""
abstract after alias anonymous apply as assembly auto bool break byte bytes calldata case catch constant
constructor continue contract copyof default define delete do else emit enum error event external fallback
false final for function global hex if immutable implements import in indexed inline interface internal is
let library macro mapping match memory modifier mutable new null of override partial payable pragma private
promise public pure receive reference relocatable return returns revert sealed sizeof static storage string
struct super supports switch this throw true try type typedef typeof unchecked unicode using var view virtual
while address uint int fixed ufixed block msg tx abi now selfdestruct suicide gasleft keccak256 sha256
ecrecover addmod mulmod require assert transient layout at
""".split())


def string_literal(text: str) -> str:
    """A double-quoted Solidity string literal holding ``text`` exactly (as UTF-8)."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif 0x20 <= code < 0x7F:
            out.append(ch)
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:  # outside the BMP: its UTF-8 bytes as \xNN escapes
            out.extend(f"\\x{b:02x}" for b in ch.encode("utf-8"))
    out.append('"')
    return "".join(out)


def comment_text(text: str, width: int = 96) -> list[str]:
    """Lines safe inside a ``/** ... */`` NatSpec block: no ``*/``, no ``@`` tags, no control chars."""
    clean = "".join(ch if (ch.isprintable() and ch not in "\u2028\u2029") else " " for ch in text)
    clean = clean.replace("*/", "* /").replace("/*", "/ *").replace("@", "(at)")
    words, lines, cur = clean.split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    if cur:
        lines.append(cur)
    return lines
