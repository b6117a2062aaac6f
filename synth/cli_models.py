"""`ouro synth --describe TEXT --model BACKEND:VALUE`: a model writes the spec, then synthesis runs.

``attach_describe(synth)`` adds ``--describe``, ``--model`` and ``--model-option`` to the
existing ``ouro synth`` command (SPEC becomes optional) and wraps its callback: the model's spec
is validated by the spec loader, written to a temporary ``spec.yaml`` and handed to the normal
command, which copies it into the project. A missing or unusable model, or an answer that is not
a valid spec, is one ``error`` line and exit 2, with nothing written.
"""

from __future__ import annotations

import functools
import os
import sys
import tempfile
from pathlib import Path
from typing import NoReturn

import click
from rich.console import Console
from rich.markup import escape

__all__ = ["attach_describe"]

EXIT_BAD_INPUT = 2
_err = Console(stderr=True, highlight=False, soft_wrap=True)

MODEL_HELP = ("Model: writes the spec with --describe, and the functions the template leaves open: "
              "scripted:ANSWERS.json, transformers:PATH_OR_HUB_ID or openai:MODEL[@BASE_URL] "
              "(key from $OPENAI_API_KEY). Default for --describe: $OURO_MODEL.")


def _fail(message: str) -> NoReturn:
    _err.print(f"[red]error[/] {escape(message)}")
    sys.exit(EXIT_BAD_INPUT)


def _client(model: str | None, options: tuple[str, ...]):
    from synth.models import ModelError
    from synth.models.registry import build_model

    try:
        return build_model(model, options) if model else _fail("--model-option needs --model")
    except ModelError as exc:
        _fail(" ".join(str(exc).split()))


def _describe_to_spec(describe: str, model: str | None, options: tuple[str, ...]) -> str:
    """The YAML text of the validated spec the model wrote for ``describe``; exits 2 otherwise."""
    from synth.describe import DescribeError, spec_from_description
    from synth.models import ModelError
    from synth.models.registry import build_model

    model = model or os.environ.get("OURO_MODEL", "").strip() or None
    if not model:
        _fail("--describe needs a model: --model scripted:ANSWERS.json | transformers:PATH_OR_HUB_ID | "
              "openai:MODEL[@BASE_URL] (or set OURO_MODEL)")
    try:
        client = build_model(model, options)
        spec, text = spec_from_description(describe, client)
    except (ModelError, DescribeError) as exc:
        _fail(" ".join(str(exc).split()))
    _err.print(f"spec written by {escape(client.describe())}: {spec.kind} {escape(spec.name)}")
    return text


def attach_describe(command: click.Command) -> None:
    """Give ``ouro synth`` the ``--describe``/``--model``/``--model-option`` options."""
    spec_arg = next(p for p in command.params if p.name == "spec")
    spec_arg.required = False
    command.params += [
        click.Option(["--describe"], metavar="TEXT",
                     help="Instead of SPEC: describe the contract in words; --model writes the spec."),
        click.Option(["--model"], metavar="BACKEND:VALUE", help=MODEL_HELP),
        click.Option(["--model-option", "model_options"], multiple=True, metavar="KEY=VALUE",
                     help="Backend option, repeatable (e.g. device=cuda, max_new_tokens=256, timeout=60)."),
    ]
    command.help = (command.help or "") + (
        "\n\nWith --describe TEXT instead of SPEC, a model (--model) turns the text into a spec, which is "
        "validated like a spec file and saved in the project as spec.yaml.")
    original = command.callback

    @functools.wraps(original)
    def callback(describe: str | None, model: str | None, model_options: tuple[str, ...], **kwargs):
        if describe is None:
            if kwargs.get("spec") is None:
                _fail("give a SPEC file, or --describe TEXT with --model BACKEND:VALUE")
            if model or model_options:  # the model writes the functions the template leaves to it
                return original(**kwargs, model_client=_client(model, model_options))
            return original(**kwargs)
        if kwargs.get("spec") is not None:
            _fail("give either SPEC or --describe TEXT, not both")
        if kwargs.get("out") is not None:  # a bad --out is found before the model runs
            from synth.pipeline import check_out_dir
            from synth.spec import SpecError

            try:
                check_out_dir(kwargs["out"])
            except SpecError as exc:
                _fail(" ".join(str(exc).split()))
        text = _describe_to_spec(describe, model, model_options)
        with tempfile.TemporaryDirectory(prefix="ouro-describe-") as tmp:
            path = Path(tmp) / "spec.yaml"
            path.write_text(text, encoding="utf-8")
            try:
                return original(**dict(kwargs, spec=path))
            except SystemExit as exc:
                if exc.code == EXIT_BAD_INPUT:  # the spec file is gone with the temporary folder: show it
                    _err.print("the spec the model wrote (not saved):\n" + escape(text))
                raise

    command.callback = callback
