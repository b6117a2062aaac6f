"""Compiler backends, one class per way of running solc, chosen by availability and priority.

- ``NativeSolc`` (priority 0): a native binary on PATH, in solc-select's or py-solc-x's folder.
- ``SolcJs`` (priority 10): the npm release of that exact version, fetched on demand.

Each backend answers ``has(version)``, ``can_install``, ``install(version)``,
``executable(version)`` (a native-CLI-compatible ``solc`` for Slither/brownie/forge) and
``compile_standard(version, input)``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from abc import ABC, abstractmethod
from functools import lru_cache
from pathlib import Path
from typing import ClassVar

from chains.node_tools import ToolchainMissing, node_executable

from . import solcjs
from .server import shared_server

__all__ = ["CompilerBackend", "NativeSolc", "SolcJs", "BACKENDS", "NoCompilerError", "select_backend"]


class NoCompilerError(RuntimeError):
    """No backend has, or can install, the requested solc version."""


class CompilerBackend(ABC):
    name: ClassVar[str]
    priority: ClassVar[int]
    can_install: ClassVar[bool] = False

    @abstractmethod
    def installed_versions(self) -> set[str]: ...

    def has(self, version: str) -> bool:
        return version in self.installed_versions()

    def is_usable(self) -> bool:
        return True

    def install(self, version: str) -> None:
        raise NoCompilerError(f"{self.name} cannot install solc {version}")

    @abstractmethod
    def executable(self, version: str) -> Path: ...

    @abstractmethod
    def compile_standard(self, version: str, input_json: dict, base_path: str | None = None,
                         include_paths: list[str] | None = None) -> dict: ...

    def warm(self, version: str) -> None:
        """Load ``version`` ahead of the first compile (where loading costs time)."""


_VERSION_RE = re.compile(r"Version:\s*(\d+\.\d+\.\d+)")


@lru_cache(maxsize=256)
def _native_version(path: str, mtime: float) -> str | None:
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    m = _VERSION_RE.search(out)
    return m.group(1) if m else None


def _is_native_binary(path: Path) -> bool:
    """An ELF/Mach-O solc, not a script (our shim, solc-select's Python proxy)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4)
    except OSError:
        return False
    return head in (b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe")


class NativeSolc(CompilerBackend):
    name = "native"
    priority = 0

    def _candidates(self) -> dict[str, Path]:
        found: dict[str, Path] = {}
        home = Path.home()
        dirs: list[tuple[Path, str]] = []
        sel = Path(os.environ.get("VIRTUAL_ENV", "")) / ".solc-select" / "artifacts"
        for art in (home / ".solc-select" / "artifacts", sel):
            if art.is_dir():
                dirs += [(p / p.name, p.name.removeprefix("solc-")) for p in art.iterdir() if p.is_dir()]
        solcx = solcjs.solcx_dir()
        if solcx.is_dir():
            dirs += [(p, p.name.removeprefix("solc-v")) for p in solcx.iterdir() if p.name.startswith("solc-v")]
        for path, ver in dirs:
            if path.is_file() and _is_native_binary(path):
                found.setdefault(ver, path)
        on_path = shutil.which("solc")
        if on_path and _is_native_binary(Path(on_path)):
            ver = _native_version(on_path, Path(on_path).stat().st_mtime)
            if ver:
                found.setdefault(ver, Path(on_path))
        return found

    def installed_versions(self) -> set[str]:
        return set(self._candidates())

    def executable(self, version: str) -> Path:
        try:
            return self._candidates()[version]
        except KeyError:
            raise NoCompilerError(f"no native solc {version}") from None

    def compile_standard(self, version, input_json, base_path=None, include_paths=None):
        argv = [str(self.executable(version)), "--standard-json", "--allow-paths", "/"]
        major_minor_patch = tuple(int(x) for x in version.split("."))
        if base_path and major_minor_patch >= (0, 8, 8):
            argv += ["--base-path", base_path]
            for inc in include_paths or []:
                argv += ["--include-path", inc]
        proc = subprocess.run(argv, input=json.dumps(input_json), capture_output=True, text=True,
                              cwd=base_path or None)
        try:
            return json.loads(proc.stdout)
        except ValueError:
            raise NoCompilerError(f"native solc {version} failed: {proc.stderr.strip()[:500]}") from None


class SolcJs(CompilerBackend):
    name = "solc-js"
    priority = 10
    can_install = True

    def is_usable(self) -> bool:
        try:
            node_executable()
            solcjs.wrapper_js()
            return True
        except ToolchainMissing:
            return False

    def installed_versions(self) -> set[str]:
        found = set()
        root = solcjs.cache_dir() / "solcjs"
        if root.is_dir():
            found |= {p.name for p in root.iterdir() if (p / "soljson.js").is_file()}
        bundled = solcjs.bundled_version()
        if bundled:
            found.add(bundled)
        return found

    def install(self, version: str) -> None:
        solcjs.install_soljson(version)
        solcjs.write_shim(version)

    def executable(self, version: str) -> Path:
        return solcjs.write_shim(version)

    def compile_standard(self, version, input_json, base_path=None, include_paths=None):
        return shared_server().compile(version, input_json, base_path, include_paths)

    def warm(self, version: str) -> None:
        shared_server().version_string(version)  # starts node and loads that soljson


BACKENDS: list[CompilerBackend] = sorted([NativeSolc(), SolcJs()], key=lambda b: b.priority)


def select_backend(version: str, install: bool = True) -> CompilerBackend:
    """The best backend that has ``version``; else install it with the best installing backend."""
    usable = [b for b in BACKENDS if b.is_usable()]
    for b in usable:
        if b.has(version):
            return b
    if install:
        errors = []
        for b in usable:
            if b.can_install:
                try:
                    b.install(version)
                    return b
                except Exception as exc:  # noqa: BLE001 - reported below with the others
                    errors.append(f"{b.name}: {exc}")
        raise NoCompilerError(f"cannot obtain solc {version}: " + "; ".join(errors or ["no installer usable"]))
    raise NoCompilerError(f"solc {version} is not installed (run `ouro compilers install {version}`)")
