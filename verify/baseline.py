"""`--baseline OLD.json`: keep only the findings a previous `ouro verify --format json` run did not have."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["BaselineError", "baseline_ids", "filter_new", "load_baseline"]


class BaselineError(ValueError):
    """The baseline is not a findings document of `ouro verify --format json`; the message names it."""


def load_baseline(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BaselineError(f"baseline {path}: cannot be read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise BaselineError(f"baseline {path}: not a text file; expected the JSON of `ouro verify --format json`") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"baseline {path}: not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); "
                            "expected the output of `ouro verify --format json`") from None
    baseline_ids(doc, name=str(path))
    return doc


def baseline_ids(doc: Any, name: str = "<baseline>") -> set[str]:
    """The finding ids of a baseline document, checking its shape on the way."""
    def bad(why: str) -> BaselineError:
        return BaselineError(f"baseline {name}: not an `ouro verify --format json` document: {why}")

    if not isinstance(doc, dict):
        raise bad(f"the top level is a JSON {type(doc).__name__}, not an object with \"tool\" and \"results\"")
    if doc.get("version") == "2.1.0" and "runs" in doc:
        raise bad("this is a SARIF log; pass the JSON report (--format json) instead")
    for key in ("tool", "results"):
        if key not in doc:
            raise bad(f"missing key {key!r}")
    if not isinstance(doc["tool"], dict) or doc["tool"].get("name") != "ouro":
        raise bad("\"tool\" is not {\"name\": \"ouro\", ...}")
    if not isinstance(doc["results"], list):
        raise bad("\"results\" is not a list")
    ids: set[str] = set()
    for i, entry in enumerate(doc["results"]):
        if not isinstance(entry, dict) or "file" not in entry or not isinstance(entry.get("findings"), list):
            raise bad(f"results[{i}] has no \"file\" and \"findings\" list")
        for j, f in enumerate(entry["findings"]):
            if not isinstance(f, dict) or not isinstance(f.get("id"), str):
                raise bad(f"results[{i}].findings[{j}] has no string \"id\"")
            ids.add(f["id"])
    return ids


def filter_new(results: list[dict[str, Any]], baseline_doc: dict[str, Any] | str | Path,
               name: str | None = None) -> list[dict[str, Any]]:
    """Copies of `results` whose findings are only those with an id not in the baseline.

    `baseline_doc` is the parsed document or a path to it; `name` is what errors call it (default:
    the path, or "<baseline>"). An entry that lost findings gets a note saying how many are known.
    """
    if isinstance(baseline_doc, (str, Path)):
        name = name or str(baseline_doc)
        baseline_doc = load_baseline(baseline_doc)
    known = baseline_ids(baseline_doc, name=name or "<baseline>")
    out = []
    for entry in results:
        findings = entry.get("findings") or []
        new = [f for f in findings if f.get("id") not in known]
        copy = {**entry, "findings": new}
        hidden = len(findings) - len(new)
        if hidden:
            copy["notes"] = [*(entry.get("notes") or []), f"{hidden} finding(s) already in the baseline are not shown"]
        out.append(copy)
    return out
