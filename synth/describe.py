"""Free text -> spec: a model writes the spec, the spec's own loader decides whether it is one.

The model is asked for one JSON object constrained by the spec JSON Schema (``spec_schema``).
Its answer is data only: it is dumped to YAML and validated by the same pydantic loader as spec
files, so errors name the field. A spec that fails the loader goes back to the model once more
with the problems; after that, ``DescribeError`` carries one line. Nothing is executed.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from .models import Message, ModelClient, ModelError
from .spec import SpecError, parse_spec_text, spec_schema

__all__ = ["DescribeError", "SOURCE", "describe_messages", "spec_from_description"]

SOURCE = "spec from the model"  # how loader errors name the model's spec
MAX_DESCRIPTION = 4000


class DescribeError(Exception):
    """The model gave no usable spec; the message is one line."""


def _kinds_summary() -> str:
    from synth.kinds import all_kinds

    lines = []
    for name, kind in all_kinds().items():
        params = {n: "REQUIRED" if f.is_required() else f.get_default(call_default_factory=True)
                  for n, f in kind.Parameters.model_fields.items()}
        opts = {n: f.get_default(call_default_factory=True) for n, f in kind.Options.model_fields.items()}
        lines.append(f"- {name}: {kind.HELP} access: {'|'.join(kind.ACCESS)}; upgradeability: "
                     f"{'|'.join(kind.UPGRADEABILITY)}; options (defaults): {json.dumps(opts, default=str)}; "
                     f"parameters (defaults): {json.dumps(params, default=str)}")
    return "\n".join(lines)


def describe_messages(text: str) -> list[Message]:
    system = (
        "You write contract specs for ouro, a Solidity synthesiser. Answer with ONE JSON object and "
        "nothing else. Fields: kind (one of the kinds below), name (a Solidity contract name, "
        "CamelCase), description (one or two sentences), access, upgradeability, options (booleans), "
        "parameters, invariants (a list; leave it empty unless the request states a property; the "
        "kind's standard invariants are always checked). Use only the options and parameters the "
        "kind lists. Amounts may be written \"2 ether\", durations \"365 days\" or \"1 year\", "
        "fees \"2.5%\"; actors (deployer, alice, bob) are written as in the defaults.\n"
        "Kinds:\n" + _kinds_summary() + "\n"
        'Example: {"kind": "escrow", "name": "JobEscrow", "description": "Escrow for one job.", '
        '"access": "ownable", "options": {"disputes": true}, "parameters": {"price": "2 ether", '
        '"deadline": "14 days"}, "invariants": []}')
    return [{"role": "system", "content": system}, {"role": "user", "content": text}]


def _one_line(text: str, limit: int = 600) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def spec_from_description(text: str, client: ModelClient, attempts: int = 2) -> tuple[Any, str]:
    """(validated spec, its YAML text) for the free-text ``text``; ``DescribeError`` otherwise."""
    text = (text or "").strip()
    if not text:
        raise DescribeError("--describe: the description is empty")
    if len(text) > MAX_DESCRIPTION:
        raise DescribeError(f"--describe: the description is longer than {MAX_DESCRIPTION} characters")
    schema = spec_schema()
    messages = describe_messages(text)
    problem: SpecError | None = None
    for _ in range(max(1, attempts)):
        try:
            value = client.complete(messages, schema)
        except ModelError as exc:
            if problem is not None:  # the retry itself failed: the spec's problems are the news
                break
            msg = _one_line(exc)
            raise DescribeError(msg if msg.startswith((client.name, "POST ")) else f"{client.describe()}: {msg}") from None
        if not isinstance(value, dict):
            raise DescribeError(f"{client.describe()}: the answer is not a JSON object")
        body = yaml.safe_dump(value, sort_keys=False, allow_unicode=True, width=100)
        spec_text = f"# written by {_one_line(client.describe(), 200)} from a description (ouro synth --describe)\n{body}"
        try:
            return parse_spec_text(spec_text, SOURCE), spec_text
        except SpecError as exc:
            problem = exc
            messages = messages + [
                {"role": "assistant", "content": json.dumps(value)},
                {"role": "user", "content": "That spec is invalid: " + "; ".join(exc.problems)
                 + ". Answer again with the corrected JSON object only."}]
    assert problem is not None
    raise DescribeError(f"the model's spec is invalid: {_one_line('; '.join(problem.problems))}")
