"""When an analyser crashes on a file: the crash as one line, and the file's status.

The analysers of a file are Slither's parse/IR stage, each Slither detector, each ouro detector
(``verify/checks/static/``, run through Slither) and the property engine, per contract. Each runs
on its own: a crash is a ``Crash`` (a note naming the analyser, the exception type and message,
never a traceback) and the others go on. The file's status then says how much was analysed:

- ``ok``: every analyser ran;
- ``partial``: at least one analyser ran and at least one crashed; what was found stands;
- ``error``: nothing could be analysed (Slither built no model and the engine searched no contract).
"""

from __future__ import annotations

import re
import traceback
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

__all__ = ["Crash", "crash_from", "engine_crashes", "file_status", "one_line", "settle"]

_NOTE_LIMIT = 300


def one_line(text: Any, limit: int = _NOTE_LIMIT) -> str:
    """``text`` on one line (whitespace runs collapsed), cut at ``limit`` characters."""
    flat = " ".join(str(text if text is not None else "").split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


@dataclass
class Crash:
    analyser: str  # "slither", "slither detector reentrancy-eth", "ouro detector ouro-arithmetic", "property engine"
    exception: str  # the exception's type name
    message: str = ""  # str(exception) on one line; may be empty (a bare assert)
    where: str | None = None  # innermost frame, "file.py:LINE"
    scope: str | None = None  # the contract or function it crashed on
    outcome: str = ""  # what ouro did about it, e.g. "analysed again without the body of C.f"

    def note(self) -> str:
        text = f"{self.analyser} crashed" + (f" on {self.scope}" if self.scope else "") + f": {self.exception}"
        if self.message:
            text += f": {self.message}"
        if self.where:
            text += f" (at {self.where})"
        if self.outcome:
            text += f"; {self.outcome}"
        return one_line(text, 2 * _NOTE_LIMIT)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def crash_from(analyser: str, exc: BaseException, scope: str | None = None, outcome: str = "") -> Crash:
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else None
    return Crash(analyser=analyser, exception=type(exc).__name__, message=one_line(exc), where=where, scope=scope,
                 outcome=outcome)


# What the property engine (verify/dynamic/engine.py) reports when it crashed, as opposed to its
# other notes (a constructor it cannot satisfy, a node it restarted): "C: dynamic engine failed:
# Type: message" for one contract, "dynamic engine could not compile: ..." for the whole file.
_ENGINE_FAILED = re.compile(r"^(?P<scope>[^:]+): dynamic engine failed: (?P<rest>.*)$")
_ENGINE_NO_COMPILE = re.compile(r"^dynamic engine could not compile: (?P<rest>.*)$")
_TYPE_PREFIX = re.compile(r"^(?P<type>[A-Za-z_]\w*): ?(?P<msg>.*)$")  # "KeyError: 'x'"; not "a.sol:3: ..."


def engine_crashes(errors: list[str]) -> list[Crash]:
    """The crashes among the engine's error lines."""
    out = []
    for line in errors:
        text = one_line(line, 10_000)
        m = _ENGINE_FAILED.match(text)
        scope = m.group("scope") if m else None
        m = m or _ENGINE_NO_COMPILE.match(text)
        if not m:
            continue
        rest = m.group("rest")
        t = _TYPE_PREFIX.match(rest)
        exception, message = (t.group("type"), t.group("msg")) if t else ("Error", rest)
        out.append(Crash("property engine", exception, one_line(message), scope=scope))
    return out


def file_status(*, static_ran: bool, dynamic_ran: bool, crashes: list[Crash]) -> str:
    """``ok`` / ``partial`` / ``error`` for a file that compiled."""
    if not static_ran and not dynamic_ran:
        return "error"
    return "partial" if crashes else "ok"


def settle(entry: dict[str, Any], run, dynamic_crashes: list[Crash], dynamic_ran: bool) -> None:
    """Status, error, notes and crashes of a compiled file's entry, from the Slither run (``SlitherRun``)
    and the engine's crashes. ``dynamic_ran``: the engine searched at least one contract."""
    static_crashes = list(getattr(run, "crashes", []) or [])
    crashes = static_crashes + list(dynamic_crashes)
    status = file_status(static_ran=run.error is None, dynamic_ran=dynamic_ran, crashes=crashes)
    entry["status"] = status
    entry["error"] = run.error if status == "error" else None
    # the engine's own lines are already among the notes; Slither's crashes are added here
    entry["notes"] = [c.note() for c in static_crashes] + list(entry.get("notes") or [])
    if status == "error" and run.error:
        entry["notes"] = [n for n in entry["notes"] if n != run.error]
    entry["crashes"] = [c.to_dict() for c in crashes]
