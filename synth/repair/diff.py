"""Unified diffs: made for reports, applied for model-proposed patches. Applying is strict about
content (every context and removed line must match, whitespace at line ends aside) and lenient
about position (a hunk may sit some lines away from where its header says)."""

from __future__ import annotations

import difflib
import re

__all__ = ["DiffError", "apply_unified_diff", "extract_diff", "unified_diff"]

HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


class DiffError(ValueError):
    """The text is not a unified diff, or it does not apply."""


def unified_diff(before: str, after: str, name: str) -> str:
    return "".join(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                        f"a/{name}", f"b/{name}"))


def extract_diff(answer: str) -> str:
    """The diff inside a model answer (bare, or in a ```diff / ```patch fence)."""
    fence = re.search(r"```(?:diff|patch|udiff)?[^\n]*\n(.*?)```", answer, re.S)
    body = fence.group(1) if fence else answer
    start = re.search(r"^(--- |@@ )", body, re.M)
    if not start:
        raise DiffError("the answer holds no unified diff (no '---' header or '@@' hunk)")
    return body[start.start():]


def apply_unified_diff(text: str, diff: str) -> str:
    lines = text.splitlines(keepends=True)
    hunks = _parse(diff)
    if not hunks:
        raise DiffError("the diff has no hunks")
    out, pos = [], 0  # pos: next unread line of ``lines``
    for n, (old_start, old, new) in enumerate(hunks, 1):
        at = _locate(lines, old, max(old_start - 1, 0), pos)
        if at is None:
            raise DiffError(f"hunk {n} (at line {old_start}) does not match the file")
        out.extend(lines[pos:at])
        out.extend(new)
        pos = at + len(old)
    out.extend(lines[pos:])
    return "".join(out)


def _parse(diff: str) -> list[tuple[int, list[str], list[str]]]:
    hunks, cur = [], None
    for raw in diff.splitlines(keepends=True):
        if raw.startswith(("--- ", "+++ ")) and cur is None:
            continue
        m = HUNK.match(raw)
        if m:
            cur = (int(m.group(1)), [], [])
            hunks.append(cur)
            continue
        if cur is None:
            if raw.strip() and not raw.startswith(("diff ", "index ", "--- ", "+++ ")):
                raise DiffError(f"unexpected line before the first hunk: {raw.strip()[:80]!r}")
            continue
        line = raw if raw.endswith("\n") else raw + "\n"
        if raw.startswith("\\"):
            continue  # "\ No newline at end of file"
        if raw.startswith("+"):
            cur[2].append(line[1:])
        elif raw.startswith("-"):
            if raw.startswith("--- "):
                cur = None
                continue
            cur[1].append(line[1:])
        elif raw.startswith(" ") or raw in ("\n", "\r\n"):
            body = line[1:] if raw.startswith(" ") else "\n"
            cur[1].append(body)
            cur[2].append(body)
        else:
            raise DiffError(f"malformed hunk line: {raw.strip()[:80]!r}")
    return hunks


def _same(a: list[str], b: list[str]) -> bool:
    return len(a) == len(b) and all(x.rstrip() == y.rstrip() for x, y in zip(a, b))


def _locate(lines: list[str], old: list[str], hint: int, floor: int) -> int | None:
    if not old:
        return max(hint, floor)
    for delta in range(0, len(lines) + 1):
        for at in (hint + delta, hint - delta):
            if floor <= at <= len(lines) - len(old) and _same(lines[at:at + len(old)], old):
                return at
    return None
