"""A project as its build system sees it: root, where product code lives, what is test/script/mock/
library code, the remappings and the compiler settings the framework would use."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Project", "ProjectError", "ROLES", "role_of"]

ROLES = ("product", "test", "script", "mock", "lib")
_TEST_DIRS = {"test", "tests", "testing", "echidna", "fuzz", "invariant", "invariants", "certora", "halmos"}
_SCRIPT_DIRS = {"script", "scripts", "migrations", "deploy", "deployments"}
_MOCK_DIRS = {"mock", "mocks", "testhelpers", "test-helpers", "weird-tokens"}
_SKIP_DIRS = {"node_modules", ".git", ".venv", "__pycache__", "out", "cache", "artifacts", "build", "cache_forge",
              "crytic-export", "typechain", "typechain-types", "coverage"}


class ProjectError(ValueError):
    """A build-system file that cannot be read; the message names the file and the field."""


def role_of(rel: Path, libs: tuple[str, ...] = ("lib",), tests: tuple[str, ...] = (), scripts: tuple[str, ...] = ()
            ) -> str:
    """What a project-relative ``.sol`` path is: ``lib`` under a library folder, ``test`` (a test
    folder or ``*.t.sol``), ``script`` (``*.s.sol`` or a script folder), ``mock`` (a mocks folder or
    ``Mock*.sol``), else ``product``."""
    parts = rel.parts
    posix = rel.as_posix()
    if any(posix == d or posix.startswith(d.rstrip("/") + "/") for d in libs):
        return "lib"
    if any(posix.startswith(d.rstrip("/") + "/") for d in tests) or rel.name.endswith(".t.sol"):
        return "test"
    if any(posix.startswith(d.rstrip("/") + "/") for d in scripts) or rel.name.endswith(".s.sol"):
        return "script"
    dirs = [p.lower() for p in parts[:-1]]
    if any(d in _TEST_DIRS for d in dirs):
        return "test"
    if any(d in _SCRIPT_DIRS for d in dirs):
        return "script"
    if any(d in _MOCK_DIRS for d in dirs) or rel.name.startswith(("Mock", "mock")):
        return "mock"
    return "product"


@dataclass
class Project:
    kind: str  # foundry | hardhat | truffle | brownie | plain
    root: Path  # absolute
    sources: list[str]  # project-relative folders holding the code the framework builds ("." for all)
    libs: tuple[str, ...] = ("lib",)  # project-relative library folders (Foundry libs, brownie packages)
    tests: tuple[str, ...] = ()  # project-relative test folders the config names
    scripts: tuple[str, ...] = ()
    remappings: list[str] = field(default_factory=list)  # "[context:]prefix=target", targets absolute
    package_dirs: list[Path] = field(default_factory=list)  # node_modules folders imports may come from
    solc_version: str | None = None  # a pinned release (foundry.toml solc_version, a brownie/hardhat pin)
    solc_versions: list[str] = field(default_factory=list)  # releases the config lists (Hardhat compilers)
    optimizer: bool = False
    optimizer_runs: int = 200
    evm_version: str | None = None
    via_ir: bool = False
    config_file: str | None = None  # project-relative, for messages
    notes: list[str] = field(default_factory=list)

    def rel(self, path: Path) -> Path:
        return Path(os.path.relpath(Path(path).resolve(), self.root))

    def display(self, path: Path) -> str:
        """A report's name for a file: project-relative, else as given."""
        rel = self.rel(path)
        return str(path) if rel.parts[:1] == ("..",) else rel.as_posix()

    def role(self, path: Path) -> str:
        return role_of(self.rel(path), self.libs, self.tests, self.scripts)

    def files(self, include_tests: bool = False, include_libs: bool = False) -> list[Path]:
        """The ``.sol`` files to analyse, sorted: product code, plus tests/scripts/mocks and
        library code when asked for."""
        wanted = {"product"} | ({"test", "script", "mock"} if include_tests else set()) | (
            {"lib"} if include_libs else set())
        found: list[Path] = []
        seen: set[Path] = set()
        folders = [self.root / s for s in self.sources]
        if include_tests:
            folders += [self.root / t for t in (*self.tests, *self.scripts)]
        if include_libs:
            folders += [self.root / d for d in self.libs]
        for folder in folders:
            if folder.is_file() and folder.suffix == ".sol":
                candidates = [folder]
            elif folder.is_dir():
                candidates = []
                for dirpath, dirs, names in os.walk(folder):
                    dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
                    candidates += [Path(dirpath) / n for n in sorted(names) if n.endswith(".sol")]
            else:
                continue
            for p in candidates:
                p = p.resolve()
                if p not in seen and self.role(p) in wanted:
                    seen.add(p)
                    found.append(p)
        return sorted(found, key=lambda p: self.display(p))

    def settings(self) -> dict:
        """The standard-JSON settings the framework compiles with (remappings added by the build)."""
        s: dict = {"optimizer": {"enabled": self.optimizer, "runs": self.optimizer_runs}}
        if self.evm_version:
            s["evmVersion"] = self.evm_version
        if self.via_ir:
            s["viaIR"] = True
        return s
