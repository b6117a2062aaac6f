"""Which solc releases a file is compiled with, and retrying on others when the first cannot read it.

Deployed contracts were compiled with whatever release their author had; explorers publish them as
they were written. So:

* a file with pragmas is compiled with the newest release they allow; when that release rejects the
  file with parse-type errors only (``ParserError``, ``SyntaxError``, or an error that says the
  construct was removed or deprecated in a later release: ``throw``, ``var``, ``sha3``, ``constant``
  functions ...), the file is retried on the newest release of every other minor series the pragmas
  allow, newest first, then on the oldest release they allow (the one the author most likely had);
  a ``TypeError`` of a real bug is the file's result, no retry;
* a file without a pragma is compiled with ``DEFAULT_VERSION`` (the newest 0.8 release); when that
  fails, whatever the errors, it is retried on ``NO_PRAGMA_FALLBACKS``: 0.4.26 first (files without
  a pragma are mostly of the 0.4 era), then 0.5.17, 0.6.12 and 0.7.6 - the newest release of each
  series, all installed by ``make setup``.

At most ``MAX_ATTEMPTS`` compiles per file: each release is a solc-js load (and an npm install on
first use). A retry release that is not installed, when installing is off, is skipped and named in
the notes. A compile that worked after a retry carries a note naming the release that worked and
the ones that failed; when every attempt fails, the error shown is that of the attempt that got
furthest (past parsing if any did), and the message lists the releases tried.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .backends import NoCompilerError
from .versions import DEFAULT_VERSION, PragmaError, allowed_versions, collect_pragmas, known_versions

if TYPE_CHECKING:
    from .compiler import CompileResult, Compiler

__all__ = ["MAX_ATTEMPTS", "NO_PRAGMA_FALLBACKS", "PARSE_ERROR_TYPES", "candidate_versions", "compile_with_retries",
           "is_parse_failure"]

MAX_ATTEMPTS = 5
NO_PRAGMA_FALLBACKS = ("0.4.26", "0.5.17", "0.6.12", "0.7.6")
PARSE_ERROR_TYPES = frozenset({"ParserError", "SyntaxError", "ScannerError"})
# errors later releases give for constructs they removed or renamed (0.5: sha3, suicide, var,
# missing data locations, ...): the release is wrong for the file, the file is not wrong
_VERSION_MESSAGE = re.compile(
    r"deprecated|removed in|was removed|has been disallowed|is disallowed|no longer|version 0\.\d|since 0\.\d"
    r"|Data location must be|No visibility specified|only available|Use of the \"var\" keyword"
    r"|Explicit type conversion not allowed from \"u?int\d+\" to \"u?int\d+\"",  # 0.8: one step per conversion
    re.I,
)


# a missing import is a ParserError too, but no other release finds the file
_MISSING_SOURCE = re.compile(r"not found|import callback", re.I)


def _release_error(d) -> bool:
    if _MISSING_SOURCE.search(d.message):
        return False
    return d.type in PARSE_ERROR_TYPES or bool(_VERSION_MESSAGE.search(d.message))


def _stack_too_deep(exc, version: str) -> bool:
    """solc's "Stack too deep" codegen error, on a release whose IR pipeline can build the file (0.8.13+)."""
    v = tuple(int(x) for x in version.split("."))
    return v >= (0, 8, 13) and any("Stack too deep" in d.message for d in exc.diagnostics)


def is_parse_failure(diagnostics) -> bool:
    """True when every error says the release cannot read the file (not that the file is wrong)."""
    errors = [d for d in diagnostics if d.severity == "error"]
    return bool(errors) and all(_release_error(d) for d in errors)


def _parse_errors(diagnostics) -> int:
    return sum(1 for d in diagnostics if _release_error(d))


def _series(v: str) -> tuple[int, int]:
    major, minor, *_ = (int(x) for x in v.split("."))
    return major, minor


def candidate_versions(allowed: list[str] | None) -> list[str]:
    """The releases to try, in order. ``allowed`` (newest first) for a file with pragmas; None for
    a file without one."""
    if allowed is None:
        out = [DEFAULT_VERSION, *(v for v in NO_PRAGMA_FALLBACKS if v in known_versions())]
    else:
        out, seen_series = [], set()
        for v in allowed:  # newest of each allowed series, newest series first
            if _series(v) not in seen_series:
                seen_series.add(_series(v))
                out.append(v)
        if allowed and allowed[-1] not in out:
            out.append(allowed[-1])  # the oldest allowed release
    deduped = list(dict.fromkeys(out))
    return deduped[:MAX_ATTEMPTS]


def compile_with_retries(compiler: "Compiler", path: Path, text: str, version: str | None = None,
                         overrides: dict[str, Any] | None = None) -> "CompileResult":
    """Compile ``path`` (whose content is ``text``) as ``compiler.compile_file`` does; with
    ``version`` given exactly that release, else the releases of ``candidate_versions``."""
    from .compiler import CompileError, Diagnostic

    unit = str(path)
    sources = {unit: {"content": text}}

    def attempt(v: str):
        if overrides:
            return compiler._compile(sources, unit, v, overrides)
        return compiler._compile(sources, unit, v)

    if version is not None:
        return attempt(version)
    nm = compiler.node_modules()
    try:
        pragmas = collect_pragmas(path, [nm] if nm else [], compiler.remappings())
        allowed = allowed_versions(pragmas) if pragmas else None
        if allowed is not None and not allowed:
            from .versions import resolve_version

            resolve_version(pragmas, known_versions(), unit)  # raises with the conflict named
    except PragmaError as exc:
        raise CompileError(unit, None, [Diagnostic("error", "PragmaError", exc.reason, exc.file or unit,
                                                   exc.line, 1)]) from None
    candidates = candidate_versions(allowed)
    own = [p for p in pragmas if Path(p.file) == path]
    why = (f"pragma 'solidity {own[0].text}'" if own else "imports' pragmas") if pragmas else "no pragma"
    failed: list[tuple[str, CompileError]] = []
    skipped: list[str] = []
    for i, v in enumerate(candidates):
        try:
            try:
                result = attempt(v)
            except CompileError as exc:
                if not _stack_too_deep(exc, v):
                    raise
                via_ir = {**(overrides or {}), "optimizer": {"enabled": True, "runs": 200}, "viaIR": True}
                result = compiler._compile(sources, unit, v, via_ir)  # as the project's own build does
                result = dataclasses.replace(result, notes=[*result.notes, (
                    f"solc {v}: stack too deep without the IR pipeline; compiled with viaIR and the optimizer")])
        except CompileError as exc:
            failed.append((v, exc))
            missing = any(_MISSING_SOURCE.search(d.message) for d in exc.diagnostics)
            retry = not missing and (allowed is None or is_parse_failure(exc.diagnostics))
            if not retry:
                break
            continue
        except NoCompilerError:
            if i == 0:
                raise
            skipped.append(v)
            continue
        if not failed:
            return result
        tried = ", ".join(f"{fv} failed to {'parse' if is_parse_failure(e.diagnostics) else 'compile'}"
                          for fv, e in failed)
        note = f"{why}: compiled with solc {v} after {tried}"
        if skipped:
            note += f" (not installed, skipped: {', '.join(skipped)})"
        return dataclasses.replace(result, notes=[*result.notes, note])
    # every attempt failed: show the one that got furthest (fewest parse-type errors, earliest first)
    best_v, best = min(failed, key=lambda f: (_parse_errors(f[1].diagnostics) > 0, _parse_errors(f[1].diagnostics),
                                              failed.index(f)))
    if len(failed) > 1 or skipped:
        note = (f"{why}: tried solc {', '.join(v for v, _ in failed)}; none compiled it"
                + (f" (not installed, skipped: {', '.join(skipped)})" if skipped else "")
                + f"; the errors of solc {best_v} are shown")
        err = CompileError(best.file, best.version, best.diagnostics)
        err.args = (f"{err.args[0]}\n  {note}",)
        err.notes = [note]
        raise err from None
    raise best
