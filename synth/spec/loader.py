"""Read a spec file (YAML or JSON) and validate it; errors name the field, the line, and the
nearest valid choice."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .model import spec_adapter

__all__ = ["SpecError", "load_spec", "parse_spec_text", "token_ref_problems", "validate_contract"]


class SpecError(Exception):
    """A spec that cannot be used; ``problems`` holds one ``file:line: field: message`` per issue."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def _line_map(text: str) -> dict[tuple, int]:
    """Path (keys and list indexes) -> 1-based line of that node in the YAML/JSON text."""
    lines: dict[tuple, int] = {}
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return lines

    def walk(node, path):
        if node is None:
            return
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                key = k.value
                lines[path + (key,)] = k.start_mark.line + 1
                lines[path + (key, "__value__")] = v.start_mark.line + 1
                walk(v, path + (key,))
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                lines[path + (i,)] = v.start_mark.line + 1
                walk(v, path + (i,))

    walk(root, ())
    return lines


def _line_for(lines: dict[tuple, int], loc: tuple) -> int | None:
    loc = tuple(loc)
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return lines.get(())


def _field_names(parent: tuple, data: Any) -> list[str]:
    """Valid keys under ``parent`` (for "did you mean"): top-level fields, options, parameters."""
    from synth.kinds import all_kinds

    from .model import SpecBase

    kind = all_kinds().get(data.get("kind")) if isinstance(data, dict) else None
    if parent == ():
        return list(SpecBase.model_fields) + ["kind", "options", "parameters"]
    if kind and parent == ("options",):
        return list(kind.Options.model_fields)
    if kind and parent == ("parameters",):
        return list(kind.Parameters.model_fields)
    return []


def _value_choices(loc: tuple, data: Any) -> list[str]:
    from synth.kinds import all_kinds

    kinds = all_kinds()
    if loc == ("kind",):
        return list(kinds)
    kind = kinds.get(data.get("kind")) if isinstance(data, dict) else None
    if kind and loc == ("access",):
        return list(kind.ACCESS)
    if loc == ("upgradeability",):
        return ["none", "uups", "transparent"]
    return []


def _suggest(word: Any, choices: list[str]) -> str:
    if not isinstance(word, str) or not choices:
        return ""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.5)
    return f"; did you mean {close[0]!r}?" if close else f"; valid: {', '.join(sorted(choices))}"


def parse_spec_text(text: str, source: str = "<spec>"):
    """Validate spec text; return the spec model or raise ``SpecError``."""
    try:
        data = json.loads(text) if source.endswith(".json") else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise SpecError([f"{source}:{exc.lineno}: not valid JSON: {exc.msg}"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise SpecError([f"{source}{line}: not valid YAML: {getattr(exc, 'problem', None) or exc}"]) from None
    if not isinstance(data, dict):
        raise SpecError([f"{source}:1: a spec is a mapping with at least 'kind' and 'name' "
                         f"(or, for a system, 'name' and 'contracts')"])
    lines = _line_map(text)
    if "contracts" in data:
        from .system import parse_system

        return parse_system(data, lines, source)
    spec = validate_contract(data, lines, source)
    problems = token_ref_problems(spec, data, lines, source, (), supplied=set())
    if problems:
        raise SpecError(problems)
    return spec


def _where(source: str, lines: dict[tuple, int], loc: tuple) -> str:
    line = _line_for(lines, loc)
    return f"{source}:{line}" if line else source


def token_ref_problems(spec, data: dict, lines: dict[tuple, int], source: str, prefix: tuple,
                       supplied: set[str]) -> list[str]:
    """A token option without its token: ``parameters.<key>`` must give the address (or, in a
    system, ``uses.<key>`` a contract of the system: the keys in ``supplied``)."""
    from synth.kinds import get_kind

    out = []
    for ref in get_kind(spec.kind).token_refs(spec):
        if ref.address is None and ref.key not in supplied:
            loc = prefix + ("options", ref.option)
            field = ".".join(str(x) for x in prefix + ("parameters", ref.key))
            other = (f", or `uses: {{{ref.key}: <a contract of the system>}}`" if prefix else "")
            out.append(f"{_where(source, lines, loc)}: {field}: required when options.{ref.option} is true: "
                       f"the address of the existing {ref.standard.upper()} token{other}")
    return out


def validate_contract(data: dict, lines: dict[tuple, int], source: str, prefix: tuple = ()):
    """One contract spec (a whole file, or an entry of a system's ``contracts``)."""
    try:
        return spec_adapter().validate_python(data)
    except ValidationError as exc:
        problems = []
        for e in exc.errors():
            loc = tuple(x for x in e["loc"] if not (isinstance(x, str) and x.endswith("Spec")))
            if loc and loc[0] in {k for k in _kind_tags()}:  # union branch name
                loc = loc[1:]
            full = prefix + loc
            field = ".".join(str(x) for x in full) or "(spec)"
            line = _line_for(lines, full)
            where = f"{source}:{line}" if line else source
            msg, kind = e["msg"], e["type"]
            if kind == "extra_forbidden":
                msg = f"unknown field {loc[-1]!r}" + _suggest(loc[-1], _field_names(loc[:-1], data))
            elif kind in ("union_tag_invalid", "union_tag_not_found"):
                got = data.get("kind")
                msg = ("missing 'kind'" if got is None else f"unknown kind {got!r}") + _suggest(
                    got, _value_choices(("kind",), data))
                field = ".".join(str(x) for x in prefix + ("kind",))
                line = _line_for(lines, prefix + ("kind",))
                where = f"{source}:{line}" if line else source
            elif kind == "literal_error":
                msg = msg.replace("Input should be", "must be") + _suggest(e.get("input"), _value_choices(loc, data))
            elif msg.startswith("Value error, "):
                msg = msg[len("Value error, "):]
            if kind == "value_error" and loc == ("invariants",):
                # point at the failing invariant's own line
                idx = _invariant_index(msg)
                if idx is not None:
                    line = _line_for(lines, prefix + ("invariants", idx)) or line
                    where = f"{source}:{line}" if line else source
                    field = ".".join(str(x) for x in prefix + ("invariants", idx))
                    msg = msg.split(": ", 1)[1]
            problems.append(f"{where}: {field}: {msg}")
        raise SpecError(problems) from None


def _invariant_index(msg: str) -> int | None:
    import re

    m = re.match(r"invariant (\d+):", msg)
    return int(m.group(1)) if m else None


def _kind_tags() -> list[str]:
    from synth.kinds import all_kinds

    return list(all_kinds())


def load_spec(path: str | Path):
    """Read and validate ``path``; ``SpecError`` names file, line and field for every problem."""
    p = Path(path)
    if not p.is_file():
        raise SpecError([f"{p}: no such spec file"])
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SpecError([f"{p}: not UTF-8 text (byte {exc.start})"]) from None
    if len(text) > 1_000_000:
        raise SpecError([f"{p}: a spec is at most 1 MB"])
    return parse_spec_text(text, str(p))


def invariant_line(path: str | Path, index: int, prefix: tuple = ()) -> int | None:
    """Line of ``invariants[index]`` in a spec file (for errors found after validation); a
    system entry's own invariants are under ``prefix`` = ``("contracts", i)``."""
    try:
        return _line_for(_line_map(Path(path).read_text(encoding="utf-8")), prefix + ("invariants", index))
    except OSError:
        return None
