"""A spec's ``functions``: logic no template has, added to the contract as slots a model fills.

Names are Solidity identifiers and types come from a fixed list (checked by the spec model); the
description reaches the contract only as NatSpec through ``comment_text``.
"""

from __future__ import annotations

import re

from synth.solidity_text import comment_text

from .base import GeneratorUnavailable
from .solidity_edit import find_functions, match_brace

__all__ = ["CustomFunctionClash", "add_custom_functions", "custom_function_lines", "example_scenarios",
           "spec_scenarios"]

PLACEHOLDER = 'revert("ouro: this body is written by a model");'


class CustomFunctionClash(GeneratorUnavailable):
    """A custom function takes a name the kind's contract already uses (a spec problem: exit 2)."""


def custom_function_lines(fn) -> list[str]:
    params = ", ".join(f"{p.type} {p.name}" for p in fn.params)
    mut = "" if fn.mutability == "nonpayable" else f" {fn.mutability}"
    ret = f" returns ({', '.join(fn.returns)})" if fn.returns else ""
    doc = [f"/// {'@notice' if i == 0 else '        '} {ln}" for i, ln in enumerate(comment_text(fn.description))]
    return doc + [f"/// @custom:ouro-slot {fn.name}", f"function {fn.name}({params}) external{mut}{ret} {{",
                  f"    {PLACEHOLDER}", "}"]


def add_custom_functions(source: str, spec) -> str:
    """``source`` with each of ``spec.functions`` appended to contract ``spec.name``."""
    if not spec.functions:
        return source
    taken = {f.name for f in find_functions(source)}
    for i, fn in enumerate(spec.functions):
        if fn.name in taken:
            raise CustomFunctionClash(f"functions.{i}.name: {fn.name!r} is already a function of the "
                                      f"{spec.kind} contract; choose another name")
    decl = re.search(rf"^contract\s+{re.escape(spec.name)}\b[^{{]*\{{", source, re.M)
    if decl is None:
        raise CustomFunctionClash(f"no contract {spec.name} in the template output")
    close = match_brace(source, decl.end() - 1)
    lines = []
    for fn in spec.functions:
        lines += [""] + ["    " + ln for ln in custom_function_lines(fn)]
    return source[:close].rstrip("\n") + "\n" + "\n".join(lines) + "\n" + source[close:]


def example_scenarios(spec) -> list:
    """One scenario per custom function with examples: each call must return what the spec says."""
    from synth.scenarios import ExpectView, Scenario

    out = []
    for fn in spec.functions:
        if fn.examples:
            steps = [ExpectView(fn.signature(), list(ex.args), ex.returns[0] if len(ex.returns) == 1 else list(ex.returns))
                     for ex in fn.examples]
            out.append(Scenario(f"{fn.name}_examples", f"{fn.name} returns what the spec's examples say", steps))
    return out


def spec_scenarios(spec) -> list:
    """Every functional scenario of ``spec``: its kind's, then its custom functions' examples."""
    from synth.kinds import get_kind

    return get_kind(spec.kind).scenarios(spec) + example_scenarios(spec)
