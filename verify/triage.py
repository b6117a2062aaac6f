"""Triage: an auditor's verdict on a finding, kept in the audited repository.

``ouro triage ID --status false-positive|accepted|fixed --reason TEXT`` records the verdict in
``.ouro/triage.json`` at the project root: the nearest folder at or above the working directory
(or ``--project DIR``) holding ``.git``, ``foundry.toml``, ``hardhat.config.*``,
``truffle-config.js`` or ``brownie-config.yaml``; the working directory itself when none does.
Findings are keyed by their fingerprint (the finding ``id``, verify/findings.py), so a verdict
survives edits that do not touch the flagged code. Later ``ouro verify`` runs hide triaged findings
and count them in the notes; ``--show-triaged`` keeps them, each with a ``triage`` object.

The file is JSON, indented, one block per finding sorted by fingerprint (a new verdict is one
added block in a diff)::

    {
      "version": 1,
      "findings": {
        "76125cbab9833878": {
          "status": "false-positive",
          "reason": "the callee is our own vault",
          "check": "reentrancy-eth", "contract": "Bank", "function": "withdraw", "file": "src/Bank.sol",
          "by": "Ada <ada@example.org>", "at": "2024-05-01T12:00:00Z"
        }
      }
    }
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .findings import FINGERPRINT_RE

__all__ = ["STATUSES", "TRIAGE_FILE", "TriageError", "apply_triage", "find_root", "load_triage", "record",
           "remove", "triage_path", "who"]

STATUSES = ("false-positive", "accepted", "fixed")
TRIAGE_FILE = Path(".ouro") / "triage.json"
VERSION = 1
_MARKERS = (".git", "foundry.toml", "truffle-config.js", "brownie-config.yaml")
_FIELDS = ("status", "reason", "check", "contract", "function", "file", "by", "at")  # the order written


class TriageError(ValueError):
    """A bad triage file or request; the message names the file and the line or field."""


def find_root(start: str | Path | None = None) -> Path:
    """The project root of ``start`` (default: the working directory): the nearest folder at or
    above it holding a repository or build-system marker, else ``start`` itself."""
    here = Path(start or os.getcwd()).resolve()
    if here.is_file():
        here = here.parent
    for d in (here, *here.parents):
        if any((d / m).exists() for m in _MARKERS) or any(d.glob("hardhat.config.*")):
            return d
    return here


def triage_path(root: str | Path) -> Path:
    return Path(root) / TRIAGE_FILE


def _line_of(text: str, needle: str, start: int = 0) -> tuple[int, int]:
    """(1-based line, offset) of ``needle`` in ``text`` from ``start``; (0, start) when absent."""
    at = text.find(needle, start)
    return (text.count("\n", 0, at) + 1, at) if at >= 0 else (0, start)


def load_triage(path: str | Path) -> dict[str, dict[str, Any]]:
    """The verdicts in ``path`` by fingerprint; {} when the file does not exist."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise TriageError(f"triage file {path}: cannot be read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise TriageError(f"triage file {path}: not UTF-8 text") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TriageError(f"triage file {path}: line {exc.lineno}, column {exc.colno}: not JSON ({exc.msg})") from None

    def bad(why: str, fp: str | None = None, key: str | None = None) -> TriageError:
        line, at = _line_of(text, f'"{fp}"') if fp else (0, 0)
        if key and line:
            line = _line_of(text, f'"{key}"', at)[0] or line
        where = f"line {line}: " if line else ""
        field = f'findings["{fp}"]' + (f".{key}" if key else "") + ": " if fp else ""
        return TriageError(f"triage file {path}: {where}{field}{why}")

    if not isinstance(doc, dict) or not isinstance(doc.get("findings"), dict):
        raise bad('expected an object {"version": 1, "findings": {FINGERPRINT: {...}}}')
    if doc.get("version", VERSION) != VERSION:
        raise bad(f"version {doc.get('version')!r} is not {VERSION}")
    out: dict[str, dict[str, Any]] = {}
    for fp, t in doc["findings"].items():
        if not FINGERPRINT_RE.fullmatch(fp):
            raise bad("the key is not a finding fingerprint (16 hex digits, the `id` of a report)", fp)
        if not isinstance(t, dict):
            raise bad(f"expected an object, not a JSON {type(t).__name__}", fp)
        if t.get("status") not in STATUSES:
            raise bad(f"{t.get('status')!r} is not one of {', '.join(STATUSES)}", fp, "status")
        if not isinstance(t.get("reason"), str) or not t["reason"].strip():
            raise bad("a reason (a non-empty string) is required", fp, "reason")
        for key in _FIELDS[2:]:
            if t.get(key) is not None and not isinstance(t[key], str):
                raise bad(f"expected a string or null, not a JSON {type(t[key]).__name__}", fp, key)
        out[fp] = t
    return out


def _dump(findings: dict[str, dict[str, Any]]) -> str:
    ordered = {fp: {**{k: findings[fp].get(k) for k in _FIELDS},
                    **{k: v for k, v in findings[fp].items() if k not in _FIELDS}}
               for fp in sorted(findings)}
    return json.dumps({"version": VERSION, "findings": ordered}, indent=2, ensure_ascii=False) + "\n"


class _Locked:
    """An exclusive lock on the triage file's folder while it is read, changed and replaced."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(path.parent, os.O_RDONLY)

    def __enter__(self):
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)


def who(root: str | Path | None = None) -> str:
    """Who triages: the git identity of ``root`` ("Name <email>"), else the login name."""
    def git(key: str) -> str:
        try:
            out = subprocess.run(["git", "config", key], cwd=root or None, capture_output=True, text=True,
                                 timeout=10)
            return out.stdout.strip() if out.returncode == 0 else ""
        except (OSError, subprocess.SubprocessError):
            return ""
    name, email = git("user.name"), git("user.email")
    if name or email:
        return f"{name} <{email}>".strip() if email else name
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name: say so
        return "unknown"


def record(path: str | Path, fp: str, status: str, reason: str, by: str,
           finding: dict[str, Any] | None = None, file: str | None = None) -> dict[str, Any]:
    """Write the verdict for fingerprint ``fp`` (replacing an earlier one) atomically; returns it.
    ``finding`` (a report's finding) fills in check, contract and function for the reader."""
    from .report import write_atomic

    path = Path(path)
    if not FINGERPRINT_RE.fullmatch(fp):
        raise TriageError(f"{fp!r} is not a finding id (16 hex digits, the `id` of `ouro verify --format json`)")
    if status not in STATUSES:
        raise TriageError(f"status {status!r} is not one of {', '.join(STATUSES)}")
    if not reason or not reason.strip():
        raise TriageError("a reason is required (--reason TEXT)")
    finding = finding or {}
    with _Locked(path):
        findings = load_triage(path)
        old = findings.get(fp) or {}
        entry = {"status": status, "reason": reason.strip(),
                 **{k: finding.get(k, old.get(k)) for k in ("check", "contract", "function")},
                 "file": file or old.get("file"), "by": by,
                 "at": datetime.now(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")}
        findings[fp] = entry
        write_atomic(path, _dump(findings))
    return entry


def remove(path: str | Path, fp: str) -> bool:
    """Drop the verdict for ``fp``; False when there was none."""
    from .report import write_atomic

    path = Path(path)
    with _Locked(path):
        findings = load_triage(path)
        if fp not in findings:
            return False
        del findings[fp]
        write_atomic(path, _dump(findings))
    return True


def apply_triage(results: list[dict[str, Any]], triage: dict[str, dict[str, Any]], show: bool = False
                 ) -> tuple[list[dict[str, Any]], int]:
    """Copies of ``results`` without the triaged findings (each entry that lost some says how many
    in its notes), or with ``show`` all of them, the triaged ones carrying
    ``"triage": {"status", "reason", "by", "at"}``. Returns (results, how many are triaged)."""
    out, total = [], 0
    for entry in results:
        kept, n = [], 0
        for f in entry.get("findings") or []:
            t = triage.get(f.get("id"))
            if t is None:
                kept.append(f)
                continue
            n += 1
            if show:
                kept.append({**f, "triage": {k: t.get(k) for k in ("status", "reason", "by", "at")}})
        copy = {**entry, "findings": kept}
        if n and not show:
            copy["notes"] = [*(entry.get("notes") or []),
                             f"{n} triaged finding(s) hidden (--show-triaged shows them)"]
        total += n
        out.append(copy)
    return out, total
