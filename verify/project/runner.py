"""`ouro verify PROJECT_DIR`: compile as the framework would, once per compiler-settings group,
run Slither once per compile, and analyse each product file once (the property engine on its own
contracts, findings located in it). A group that does not compile falls back to one compile per
file, so one broken file does not take the others' results with it."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import semantic_version

from verify.compile import CompileError, Compiler, NoCompilerError
from verify.compile.versions import PragmaError, find_pragmas, known_versions, resolve_version

from .imports import SourceClosure, closure_of, resolve_closure
from .model import Project

__all__ = ["ProjectRun", "plan_project", "verify_project"]


@dataclass
class ProjectRun:
    project: Project
    files: list[Path]
    excluded: dict[str, int] = field(default_factory=dict)  # role -> files left out
    groups: dict[str, list[Path]] = field(default_factory=dict)  # solc release -> files
    compiles: int = 0
    results: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> str:
        p = self.project
        head = f"{p.kind} project" + (f" ({p.config_file})" if p.config_file else "")
        groups = ", ".join(f"solc {v}: {len(fs)} file(s)" for v, fs in sorted(self.groups.items()))
        left = ", ".join(f"{n} {role}" for role, n in sorted(self.excluded.items()) if n)
        return (f"{head}: {len(self.files)} file(s) in {self.compiles} compile(s)"
                + (f" [{groups}]" if groups else "")
                + (f"; not analysed: {left} file(s) (--include-tests, --include-libs)" if left else ""))


def _entry(project: Project, p: Path) -> dict[str, Any]:
    from verify.pipeline import new_entry

    e = new_entry(p)
    e["file"] = project.display(p)
    return e


def _version_for(p: Path, closure: SourceClosure, project: Project) -> str:
    needed = closure_of(p, closure, project)
    pragmas = [pr for key in sorted(needed) for pr in find_pragmas(closure.sources[key], project.display(Path(key)))]
    if project.solc_version:
        pool = [project.solc_version]
    else:
        configured = [v for v in project.solc_versions if _satisfies(v, pragmas)]
        pool = configured[:1] if configured else list(known_versions())
    return resolve_version(pragmas, pool, project.display(p))


def _satisfies(version: str, pragmas) -> bool:
    try:
        v = semantic_version.Version(version)
        return all(v in pr.spec() for pr in pragmas)
    except (ValueError, PragmaError):
        return False


def plan_project(project: Project, include_tests: bool = False, include_libs: bool = False) -> ProjectRun:
    files = project.files(include_tests, include_libs)
    run = ProjectRun(project, files)
    every = project.files(True, True)
    for f in every:
        if f not in set(files):
            role = project.role(f)
            run.excluded[role] = run.excluded.get(role, 0) + 1
    return run


def _settings(project: Project, closure: SourceClosure, evm: str | None) -> dict[str, Any]:
    s = project.settings()
    if evm and not project.evm_version:
        s["evmVersion"] = evm
    s["remappings"] = [f"{k}={v}" for k, v in sorted(closure.remappings.items())]
    return s


def verify_project(run: ProjectRun, compiler: Compiler, opts=None,
                   on_result: Callable[[dict[str, Any]], None] | None = None,
                   timeout: float | None = None) -> list[dict[str, Any]]:
    """Verify ``run.files``; results in file order, each also passed to ``on_result``."""
    from verify.batch.deadline import FileTimeout, time_limit
    from verify.dynamic.engine import engine_evm
    from verify.pipeline import VerifyOptions, analyse_compiled
    from verify.static.slither_runner import run_slither

    opts = opts or VerifyOptions()
    project = run.project
    closure = resolve_closure(run.files, project)
    done: dict[Path, dict[str, Any]] = {}

    def finish(p: Path, entry: dict[str, Any]) -> None:
        done[p] = entry
        if on_result:
            on_result(entry)

    broken: dict[str, list] = defaultdict(list)
    for m in closure.missing:
        broken[m.importer].append(m)
    groups: dict[str, list[Path]] = defaultdict(list)
    for p in run.files:
        entry = _entry(project, p)
        needed = closure_of(p, closure, project)
        missing = [m for key in sorted(needed) for m in broken.get(project.display(Path(key)), [])]
        if missing:
            entry.update(status="compile-error", error=f"{entry['file']}: an import cannot be found\n"
                         + "\n".join(f"  {m}" for m in missing))
            finish(p, entry)
            continue
        try:
            version = _version_for(p, closure, project)
        except PragmaError as exc:
            entry.update(status="compile-error", error=str(exc))
            finish(p, entry)
            continue
        groups[version].append(p)
    run.groups = {v: list(fs) for v, fs in groups.items()}

    for version, files in sorted(groups.items(), key=lambda kv: semantic_version.Version(kv[0])):
        evm = None if opts.static_only else engine_evm(version, opts.chain)
        units = sorted({k for p in files for k in closure_of(p, closure, project)})
        sources = {k: {"content": closure.sources[k]} for k in units}
        settings = _settings(project, closure, evm)
        try:
            run.compiles += 1
            shared = compiler.compile_sources(sources, str(files[0]), version, settings)
            per_file = {p: shared for p in files}
        except (CompileError, NoCompilerError) as exc:
            if isinstance(exc, NoCompilerError) or len(files) == 1:
                for p in files:
                    entry = _entry(project, p)
                    _failed(entry, exc, project)
                    finish(p, entry)
                continue
            per_file = {}
            for p in files:  # the group failed: each file on its own, so the others still verify
                own = {k: sources[k] for k in sorted(closure_of(p, closure, project))}
                try:
                    run.compiles += 1
                    per_file[p] = compiler.compile_sources(own, str(p), version, settings)
                except CompileError as one:
                    entry = _entry(project, p)
                    _failed(entry, one, project)
                    finish(p, entry)
        slither_runs: dict[int, Any] = {}
        engine_builds: dict[int, Any] = {}
        for p in files:
            if p not in per_file:
                continue
            compiled = per_file[p]
            entry = _entry(project, p)
            entry["compiler"] = f"solc {compiled.version} ({compiled.backend})"
            key = id(compiled)
            if key not in slither_runs:  # one Slither run per compile, shared by its files
                slither_runs[key] = run_slither(p, compiler, version=version, compiled=compiled)
            build = compiled
            if not opts.static_only and compiled.evm_version != engine_evm(version, opts.chain):
                if key not in engine_builds:  # the project pins another EVM: the engine's own build
                    try:
                        engine_builds[key] = compiler.compile_sources(
                            {k: {"content": closure.sources[k]} for k in units if k in (compiled.raw.get("sources") or {})},
                            str(p), version, {**settings, "evmVersion": engine_evm(version, opts.chain)})
                    except CompileError:
                        engine_builds[key] = compiled
                build = engine_builds[key]
            view = dataclasses.replace(build, file=str(p))
            static = slither_runs[key]
            try:
                with time_limit(timeout):
                    analyse_compiled(entry, p, view, lambda s=static: s, opts)
            except FileTimeout:
                entry.update(status="timeout", findings=[],
                             error=f"{entry['file']}: verification did not finish within {timeout:g} s (--timeout)")
            _relative_texts(entry, project)
            finish(p, entry)
    run.results = [done[p] for p in run.files if p in done]
    return run.results


def _failed(entry: dict[str, Any], exc: Exception, project: Project) -> None:
    if isinstance(exc, CompileError):
        diags = "\n".join(f"  {_relative(str(d), project)}" for d in exc.diagnostics)
        entry.update(status="compile-error", compiler=exc.version and f"solc {exc.version}",
                     error=f"{entry['file']}: compilation failed" + (f" (solc {exc.version})" if exc.version else "")
                     + ("\n" + diags if diags else ""))
    else:
        entry.update(status="error", error=str(exc))


def _relative(text: str, project: Project) -> str:
    root = str(project.root).rstrip("/") + "/"
    return text.replace(root, "")


def _relative_texts(entry: dict[str, Any], project: Project) -> None:
    """Messages and notes name files project-relative, wherever ouro ran from."""
    import os

    prefixes = [str(project.root).rstrip("/") + "/"]
    rel = os.path.relpath(project.root)
    if rel != ".":
        prefixes.append(rel.rstrip("/") + "/")

    def fix(text):
        if not isinstance(text, str):
            return text
        for pre in prefixes:
            text = text.replace(pre, "")
        return text

    for f in entry.get("findings") or []:
        f["message"] = fix(f.get("message"))
    entry["notes"] = [fix(n) for n in entry.get("notes") or []]
