"""Projects as their build systems see them (Foundry, Hardhat, Truffle, brownie, a plain folder):
detection, product/test/library roles, remappings and compiler settings, import resolution, and
verifying a project once per compiler-settings group."""

from .imports import MissingImport, resolve_closure
from .layouts import LAYOUTS, Layout, detect_project, find_project_root
from .model import Project, ProjectError, role_of
from .runner import ProjectRun, plan_project, verify_project

__all__ = ["LAYOUTS", "Layout", "MissingImport", "Project", "ProjectError", "ProjectRun", "detect_project",
           "find_project_root", "plan_project", "resolve_closure", "role_of", "verify_project"]
