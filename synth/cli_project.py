"""`ouro verify` on a project (Foundry, Hardhat, Truffle, brownie): which arguments name one, and
the run (one compile per settings group, product code by default, project-relative paths)."""

from __future__ import annotations

from pathlib import Path

from verify.project import Project, ProjectError, detect_project, find_project_root, plan_project, role_of

__all__ = ["filter_plain_folders", "project_for", "run_project"]


def project_for(args: list[Path]) -> tuple[Project, list[Path]] | None:
    """The project every argument lies in, with the arguments as absolute paths; None when they are
    plain files and folders. A folder holding a build-system file is that project; a path below a
    Foundry, Hardhat or Truffle project belongs to it. ProjectError when its config is unreadable."""
    if not args:
        return None
    roots = set()
    for a in args:
        a = Path(a).resolve()
        if not a.exists():
            return None
        root = None
        if a.is_dir():
            probe = detect_project(a)
            if probe.kind != "plain":
                root = a
        if root is None:
            found = find_project_root(a)
            if found is not None and detect_project(found).kind in ("foundry", "hardhat", "truffle"):
                root = found
        if root is None:
            return None
        roots.add(root)
    if len(roots) != 1:
        return None
    root = roots.pop()
    return detect_project(root), [Path(a).resolve() for a in args]


def run_project(project: Project, args: list[Path], include_tests: bool, include_libs: bool, compiler, opts,
                timeout, on_result=None):
    """The ProjectRun over the files below ``args`` (the whole project when an argument is its root)."""
    from verify.project import verify_project

    run = plan_project(project, include_tests, include_libs)
    if not any(a == project.root for a in args):
        keep = [f for f in run.files if any(f == a or a in f.parents for a in args)]
        run.files = keep
    verify_project(run, compiler, opts, on_result=on_result, timeout=timeout)
    return run


def filter_plain_folders(args: list[Path], paths: list[Path], include_tests: bool, include_libs: bool
                         ) -> tuple[list[Path], dict[str, int]]:
    """Below a plain folder argument, tests, scripts, mocks and ``lib/`` are left out unless asked
    for; files named on their own always stay. Returns the paths kept and the count left out per role."""
    folders = [Path(a).resolve() for a in args if Path(a).is_dir()]
    kept, left = [], {}
    for p in paths:
        under = next((f for f in folders if f in p.parents), None)
        if under is None:
            kept.append(p)
            continue
        role = role_of(p.relative_to(under))
        if role == "product" or (role in ("test", "script", "mock") and include_tests) or (
                role == "lib" and include_libs):
            kept.append(p)
        else:
            left[role] = left.get(role, 0) + 1
    return kept, left


__all__ += ["ProjectError"]
