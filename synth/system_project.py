"""The output of a system spec: one project with every contract, or the failure report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from verify.report import tool_version, write_atomic

from .generators.custom_functions import spec_scenarios
from .kinds import get_kind
from .project_model import ProjectContract, ProjectMock, ProjectModel

__all__ = ["system_document", "system_markdown", "system_model", "write_system_failure", "write_system_project"]


def system_model(system, result) -> ProjectModel:
    """The project model: contracts in deployment order, refs by the spec's ``uses``, a mock for
    every token given by address (tests deploy it; the deploy script uses the address)."""
    contracts, mocks = [], {}
    for e in system.entries:
        res = result.members[e.spec.name]
        kind = get_kind(e.spec.kind)
        refs = dict(e.uses)
        for r in kind.token_refs(e.spec):
            if r.key in refs:
                continue
            key = next((m.name for m in mocks.values() if r.address and m.address == r.address), None)
            if key is None:
                key = r.key if r.key not in mocks else f"{e.spec.name}_{r.key}"
                mocks[key] = ProjectMock(key, "OuroNFT" if r.standard == "erc721" else "OuroToken", r.standard,
                                         r.address)
            refs[r.key] = key
        params = {k: v for k, v in e.spec.parameters.model_dump().items()
                  if isinstance(v, int) and not isinstance(v, bool)}
        own = [t for t in res.invariants if t not in system.invariants]
        contracts.append(ProjectContract(
            e.spec.name, res.generated.source, res.abi, res.constructor_args, refs, kind.proxy(e.spec),
            spec_scenarios(e.spec), own, params, e.owner, e.spec.kind))
    return ProjectModel(system.name, contracts, list(mocks.values()), list(system.invariants))


def system_document(system, result) -> dict[str, Any]:
    from .project import report_document

    members = {n: report_document(r.spec, r) for n, r in result.members.items()}
    return {
        "tool": {"name": "ouro", "version": tool_version()},
        "system": {"name": system.name, "passed": result.passed, "seconds": round(result.seconds, 2),
                   "error": result.error, "deployment_order": system.names, "check": result.check,
                   "contracts": {n: d["synthesis"] for n, d in members.items()}},
        "results": [r for d in members.values() for r in d["results"]],
    }


def system_markdown(system, result) -> str:
    from .project import _markdown

    lines = [f"# ouro system report: {system.name}", "",
             f"- verdict: **{'PASSED' if result.passed else 'FAILED'}**",
             f"- contracts, in deployment order: {', '.join(system.names)}",
             f"- time: {result.seconds:.1f} s", ""]
    if result.error:
        lines += ["```", result.error, "```", ""]
    chk = result.check or {}
    if chk:
        lines += ["## System check (the whole system deployed as the deploy script does)", ""]
        if chk.get("error"):
            lines += [f"- {chk['error']}"]
        for w in chk.get("wiring", []):
            lines.append(f"- `{w['call']}`: {'ok' if w['ok'] else 'FAILED ' + str(w.get('error') or '')}")
        for inv in chk.get("invariants", []):
            verdict = {True: "holds", False: "VIOLATED", None: "not judged (a view reverted)"}[inv["holds"]]
            lines.append(f"- `{inv['text']}`: {verdict} after deployment")
        lines.append("")
    for name in system.names:
        res = result.members.get(name)
        if res is None:
            lines += [f"## {name}", "", "(not verified: an earlier contract failed)", ""]
            continue
        body = _markdown(res.spec, res).split("\n", 1)[1]
        lines += [f"## {name} ({res.spec.kind})", body]
    return "\n".join(lines) + "\n"


def write_system_project(out: Path, system, result, spec_path: Path, framework: str = "both") -> None:
    from .project import _relocate, _src_dir, write_project_model

    out = Path(out).absolute()
    for res in result.members.values():  # the reports name each contract at its final place
        old = res.entry.get("file", "")
        if old:
            new = str(out / _src_dir(framework) / f"{res.generated.contract}.sol")
            res.entry = _relocate(res.entry, str(Path(old).resolve()), new)
            res.entry["file"] = new
    write_project_model(out, system_model(system, result), system_document(system, result),
                        system_markdown(system, result), Path(spec_path).read_text(encoding="utf-8"), framework)


def write_system_failure(out: Path, system, result) -> None:
    from .project import MARKER

    out.mkdir(parents=True, exist_ok=True)
    if not (out / MARKER).exists():
        write_atomic(out / MARKER, json.dumps({"ouro": tool_version(), "failed": True}) + "\n")
    write_atomic(out / "report.json", json.dumps(system_document(system, result), indent=2, default=str) + "\n")
    write_atomic(out / "report.md", system_markdown(system, result))
