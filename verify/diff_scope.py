"""`ouro verify --diff REF`: only findings in code changed since a git ref (a pull request's base).

The changes are ``git diff --unified=0 REF`` against the working tree (committed, staged and
unstaged edits) plus untracked files that git does not ignore. A finding is in changed code when
any of its lines is on an added or modified line; a deletion marks the lines on either side of it
(removing a ``require`` changes the statements around it); a new file counts entirely.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["ChangedCode", "DiffError", "changed_code", "scope_results"]

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
_ESC = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", '"': '"', "\\": "\\"}


class DiffError(ValueError):
    """Not a git repository, an unknown ref, or git failed; the message says which."""


@dataclass
class ChangedCode:
    ref: str
    top: Path  # the repository's top folder
    lines: dict[Path, set[int]] = field(default_factory=dict)  # changed lines of modified files
    new: set[Path] = field(default_factory=set)  # files added since ref (or untracked): all of it

    def touches_file(self, path: str | Path) -> bool:
        p = Path(path).resolve()
        return p in self.new or bool(self.lines.get(p))

    def touches(self, path: str | Path, lines: list[int]) -> bool:
        p = Path(path).resolve()
        return p in self.new or bool(self.lines.get(p, set()) & set(lines))


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", "-c", "core.quotePath=false", *args], cwd=cwd, capture_output=True,
                              timeout=120)
    except FileNotFoundError:
        raise DiffError("--diff needs git, and git is not on PATH") from None
    except subprocess.TimeoutExpired:
        raise DiffError(f"--diff: git {' '.join(args[:2])} took more than 120 s") from None


def _unquote(name: str) -> str:
    """A path as git prints it in a diff header: C-quoted when it holds unusual characters."""
    if not (len(name) >= 2 and name[0] == name[-1] == '"'):
        return name
    raw, i, s = bytearray(), 0, name[1:-1]
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            n = s[i + 1]
            if n in "01234567" and re.fullmatch(r"[0-7]{3}", s[i + 1:i + 4] or ""):
                raw.append(int(s[i + 1:i + 4], 8))
                i += 4
                continue
            raw += _ESC.get(n, n).encode()
            i += 2
            continue
        raw += c.encode()
        i += 1
    return raw.decode("utf-8", errors="surrogateescape")


def changed_code(ref: str, cwd: str | Path | None = None) -> ChangedCode:
    """What changed since ``ref`` in the git repository holding ``cwd`` (default: the working directory)."""
    cwd = Path(cwd or os.getcwd()).resolve()
    top = _git(["rev-parse", "--show-toplevel"], cwd)
    if top.returncode != 0:
        raise DiffError(f"--diff {ref}: {cwd} is not in a git repository")
    root = Path(os.fsdecode(top.stdout.strip())).resolve()
    if ref.startswith("-") or _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root).returncode:
        raise DiffError(f"--diff {ref}: not a commit in the repository {root} "
                        "(a branch, tag or commit; in CI fetch the base branch first)")
    out = _git(["diff", "--unified=0", "--no-color", "--no-ext-diff", "--no-relative", "--no-textconv",
                "--src-prefix=a/", "--dst-prefix=b/", "-M", ref, "--"], root)
    if out.returncode != 0:
        raise DiffError(f"--diff {ref}: git diff failed: {out.stderr.decode(errors='replace').strip()}")
    changed = ChangedCode(ref=ref, top=root)
    current: Path | None = None
    added = False
    for raw in out.stdout.split(b"\n"):
        line = raw.decode("utf-8", errors="surrogateescape")
        if line.startswith("diff --git "):
            current, added = None, False
        elif line.startswith("new file mode"):
            added = True
        elif line.startswith("+++ "):
            name = _unquote(line[4:].rstrip("\t"))
            if name == "/dev/null":
                current = None  # deleted
                continue
            current = (root / name[2:]).resolve() if name.startswith("b/") else (root / name).resolve()
            if added:
                changed.new.add(current)
            else:
                changed.lines.setdefault(current, set())
        elif current is not None and not added and (m := _HUNK.match(line)):
            start, count = int(m.group(1)), int(m.group(2) if m.group(2) is not None else 1)
            marked = changed.lines[current]
            if count:
                marked.update(range(start, start + count))
            else:  # a deletion after line `start`: the lines either side of it
                marked.update((start, start + 1))
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], root)
    if untracked.returncode == 0:
        for name in untracked.stdout.split(b"\0"):
            if name:
                changed.new.add((root / os.fsdecode(name)).resolve())
    return changed


def _absolute(file: str, base: Path) -> Path:
    p = Path(file)
    return (p if p.is_absolute() else base / p).resolve()


def scope_results(results: list[dict[str, Any]], changed: ChangedCode, base: str | Path | None = None
                  ) -> tuple[list[dict[str, Any]], int]:
    """Copies of ``results`` keeping only the findings in changed code (an entry's ``file`` is
    relative to ``base``, default the working directory, or absolute); entries of files that did
    not change are dropped. Returns (results, how many findings were left out)."""
    base = Path(base or os.getcwd())
    out, left = [], 0
    for entry in results:
        path = _absolute(entry["file"], base)
        if not changed.touches_file(path):
            left += len(entry.get("findings") or [])
            continue
        findings = entry.get("findings") or []
        kept = [f for f in findings if changed.touches(path, [n for n in f.get("lines") or [] if isinstance(n, int)])]
        copy = {**entry, "findings": kept}
        if len(kept) < len(findings):
            copy["notes"] = [*(entry.get("notes") or []), f"{len(findings) - len(kept)} finding(s) outside the "
                             f"changes since {changed.ref} are not shown (--diff)"]
        left += len(findings) - len(kept)
        out.append(copy)
    return out, left
