"""Import resolution as the frameworks do it, before solc sees anything: relative paths, the
project's remappings (longest prefix, with contexts), paths from the project root, then the
node_modules folders. Every source a file needs is read here, so the compile gets all of them as
content and a missing one is reported with the import, the importing ``file:line`` and the likely
fix (an uninitialised submodule, a missing npm dependency, or a missing remapping)."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from verify.compile.versions import find_imports_at

from .model import Project

__all__ = ["MissingImport", "SourceClosure", "resolve_closure"]



@dataclass(frozen=True)
class MissingImport:
    importer: str  # project-relative
    line: int
    path: str  # the import as written
    fix: str

    def __str__(self) -> str:
        return f"{self.importer}:{self.line}: import \"{self.path}\" not found: {self.fix}"


@dataclass
class SourceClosure:
    sources: dict[str, str] = field(default_factory=dict)  # absolute path -> text
    remappings: dict[str, str] = field(default_factory=dict)  # import string -> absolute file
    missing: list[MissingImport] = field(default_factory=list)
    edges: dict[str, list[str]] = field(default_factory=dict)  # absolute path -> the files it imports


_imports = find_imports_at


def _parsed_remappings(project: Project) -> list[tuple[str, str, str]]:
    out = []
    for r in project.remappings:
        head, _, target = r.partition("=")
        context, _, prefix = head.rpartition(":")
        out.append((context, prefix, target))
    return out


def _package_of(imp: str) -> str:
    parts = imp.split("/")
    return "/".join(parts[:2]) if imp.startswith("@") and len(parts) > 1 else parts[0]


class _Resolver:
    def __init__(self, project: Project):
        self.project = project
        self.remaps = _parsed_remappings(project)
        self.root = project.root

    def candidates(self, imp: str, importer: Path) -> list[Path]:
        if imp.startswith("."):
            return [Path(os.path.normpath(importer.parent / imp))]
        rel_importer = self.project.display(importer)
        best = None
        for context, prefix, target in self.remaps:
            if context and not (rel_importer.startswith(context) or str(importer).startswith(context)):
                continue
            if imp.startswith(prefix) and (best is None or (len(context), len(prefix)) > (len(best[0]), len(best[1]))):
                best = (context, prefix, target)
        out = []
        if best is not None:
            out.append(Path(os.path.normpath(best[2] + imp[len(best[1]):])))
        out.append(Path(os.path.normpath(self.root / imp)))
        out += [Path(os.path.normpath(nm / imp)) for nm in self.project.package_dirs]
        return out

    def fix_for(self, imp: str, tried: list[Path]) -> str:
        pkg = _package_of(imp)
        first = imp.split("/")[0]
        for lib in self.project.libs:
            for name in {first, pkg.split("/")[-1], first.lstrip("@")}:
                d = self.root / lib / name
                if d.is_dir() and not any(d.iterdir()):
                    return (f"{lib}/{name} is empty: an uninitialised git submodule; run "
                            "`git submodule update --init --recursive`")
        remapped = tried[0] if tried and not imp.startswith(".") else None
        if remapped is not None:
            for lib in self.project.libs:
                base = (self.root / lib).resolve()
                try:
                    top = remapped.relative_to(base).parts[0]
                except (ValueError, IndexError):
                    continue
                d = base / top
                if not d.exists():
                    return (f"{lib}/{top} does not exist: a git submodule that is not checked out; run "
                            "`git submodule update --init --recursive` (or add it with `forge install`)")
                if d.is_dir() and not any(d.iterdir()):
                    return (f"{lib}/{top} is empty: an uninitialised git submodule; run "
                            "`git submodule update --init --recursive`")
        if imp.startswith("."):
            return f"no file {self.project.display(tried[0])}"
        declared = self._declared_packages()
        if pkg in declared:
            return f"the npm dependency {pkg} is declared in package.json but not installed; run `npm ci`"
        if imp.startswith("@") or self.project.kind in ("hardhat", "truffle"):
            return f"a missing npm dependency: run `npm install {pkg}`, or add a remapping for \"{first}/\""
        if self.project.kind == "plain":
            return (f"no remapping covers \"{first}/\": verify the project folder (the one with foundry.toml, "
                    f"hardhat.config.* or brownie-config.yaml), or add `{first}/=<folder>/` to its remappings")
        where = "remappings.txt" if self.project.kind == "foundry" else "compiler.solc.remappings in brownie-config.yaml"
        return f"no remapping covers \"{first}/\": add `{first}/=<folder>/` to {where}"

    def _declared_packages(self) -> set[str]:
        try:
            doc = json.loads((self.root / "package.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return set()
        return {*(doc.get("dependencies") or {}), *(doc.get("devDependencies") or {})}


def resolve_closure(files: list[Path], project: Project) -> SourceClosure:
    """Every source ``files`` need, read; the remappings that make solc find each non-relative
    import at the file resolved here; and the imports that were not found."""
    res = _Resolver(project)
    out = SourceClosure()
    stack = [Path(f).resolve() for f in files]
    while stack:
        p = stack.pop()
        key = str(p)
        if key in out.sources:
            continue
        try:
            text = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        out.sources[key] = text
        out.edges[key] = []
        for imp, line in _imports(text):
            tried = res.candidates(imp, p)
            hit = next((c for c in tried if c.is_file()), None)
            if hit is None:
                out.missing.append(MissingImport(project.display(p), line, imp, res.fix_for(imp, tried)))
                continue
            hit = hit.resolve()
            if not imp.startswith("."):
                prev = out.remappings.setdefault(imp, str(hit))
                if prev != str(hit):  # two contexts resolve it differently: name the importer
                    out.remappings[f"{p}:{imp}"] = str(hit)
            out.edges[key].append(str(hit))
            stack.append(hit)
    return out


def closure_of(file: Path, closure: SourceClosure, project: Project | None = None) -> set[str]:
    """The absolute paths ``file`` needs (itself included), within an already resolved closure."""
    seen: set[str] = set()
    stack = [str(Path(file).resolve())]
    while stack:
        key = stack.pop()
        if key in seen or key not in closure.sources:
            continue
        seen.add(key)
        stack.extend(closure.edges.get(key, []))
    return seen


_NOT_FOUND = re.compile(r'Source "([^"]+)" not found')


def missing_import_hints(diagnostics, file: Path) -> list[str]:
    """For a compile of one file outside project mode: each "Source ... not found" diagnostic as
    the import, the importing ``file:line`` and the likely fix."""
    from .layouts import detect_project, find_project_root

    root = find_project_root(file) or Path(file).resolve().parent
    project = detect_project(root)
    res = _Resolver(project)
    out = []
    for d in diagnostics:
        m = _NOT_FOUND.search(getattr(d, "message", "") or "")
        if not m or not d.file:
            continue
        imp = m.group(1)
        tried = res.candidates(imp, Path(d.file))
        out.append(str(MissingImport(project.display(Path(d.file)), d.line or 0, imp, res.fix_for(imp, tried))))
    return out
