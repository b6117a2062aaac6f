"""Shared pieces of every template: the file header, NatSpec, and contract assembly."""

from __future__ import annotations

from synth.solidity_text import comment_text

__all__ = ["PRAGMA", "assemble", "natspec"]

PRAGMA = "pragma solidity ^0.8.24;"


def natspec(title: str, description: str, notice: str = "", indent: str = "") -> list[str]:
    """A ``/** ... */`` block; every user text passes through ``comment_text``."""
    lines = [f"{indent}/**", f"{indent} * @title {' '.join(comment_text(title))}"]
    for tag, text in (("@notice", description), ("@dev", notice)):
        for i, ln in enumerate(comment_text(text) if text else []):
            lines.append(f"{indent} * {tag if i == 0 else ' ' * len(tag)} {ln}")
    lines.append(f"{indent} * @custom:generated ouro (template generator)")
    lines.append(f"{indent} */")
    return lines


def assemble(*, license: str, imports: list[str], doc: list[str], name: str, bases: list[str], body: list[str]) -> str:
    """The whole file: SPDX, pragma, sorted unique imports, NatSpec, contract with ``body`` lines."""
    seen, imps = set(), []
    for i in imports:
        if i not in seen:
            seen.add(i)
            imps.append(i)
    head = [f"// SPDX-License-Identifier: {license}", PRAGMA, ""] + imps + [""] + doc
    decl = f"contract {name}" + (f" is {', '.join(bases)}" if bases else "") + " {"
    out = head + [decl]
    for ln in body:
        out.append(("    " + ln) if ln else "")
    out.append("}")
    return "\n".join(out) + "\n"
