"""One class per build system: ``detect(root)`` says whether the folder is one of its projects and
``load(root)`` reads its configuration into a ``Project``. ``detect_project`` tries them by
priority (Foundry, Hardhat, Truffle, brownie) and falls back to a plain folder.

Adding a build system: a subclass with ``name``, ``priority``, ``markers`` and ``load``, listed in
``LAYOUTS``.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import ClassVar

import yaml

from .model import Project, ProjectError

__all__ = ["LAYOUTS", "Layout", "detect_project", "find_project_root"]


def _rel_dir(root: Path, value, field: str, config: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ProjectError(f"{config}: {field} must be a folder name, got {value!r}")
    return Path(os.path.normpath(value.strip())).as_posix()


def _absolute_remapping(entry: str, root: Path) -> str:
    """``[context:]prefix=target`` with a relative target made absolute (solc resolves targets
    against the base path, which a framework sets to the project root)."""
    head, _, target = entry.partition("=")
    if not target:
        return entry
    t = target if os.path.isabs(target) else str(root / target)
    if target.endswith("/") and not t.endswith("/"):
        t += "/"
    return f"{head}={t}"


def _remapping_lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#") and "=" in ln]


def _node_modules_dirs(root: Path) -> list[Path]:
    out, cur = [], root
    while True:
        if (cur / "node_modules").is_dir():
            out.append(cur / "node_modules")
        if cur.parent == cur:
            return out
        cur = cur.parent


class Layout:
    name: ClassVar[str]
    priority: ClassVar[int]
    markers: ClassVar[tuple[str, ...]]

    @classmethod
    def detect(cls, root: Path) -> bool:
        return any(any(root.glob(m)) for m in cls.markers)

    @classmethod
    def load(cls, root: Path) -> Project:
        raise NotImplementedError


class Foundry(Layout):
    name, priority, markers = "foundry", 10, ("foundry.toml",)

    @classmethod
    def load(cls, root: Path) -> Project:
        cfg_path = root / "foundry.toml"
        try:
            doc = tomllib.loads(cfg_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise ProjectError(f"foundry.toml: cannot be read: {exc}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ProjectError(f"foundry.toml: not TOML: {exc}") from None
        profiles = doc.get("profile") or {}
        name = os.environ.get("FOUNDRY_PROFILE", "default")
        prof = {**(profiles.get("default") or {}), **(profiles.get(name) or {})}
        where = f"foundry.toml [profile.{name}]"
        src = _rel_dir(root, prof.get("src", "src"), "src", where)
        test = _rel_dir(root, prof.get("test", "test"), "test", where)
        script = _rel_dir(root, prof.get("script", "script"), "script", where)
        libs = prof.get("libs", ["lib"])
        if not isinstance(libs, list):
            raise ProjectError(f"{where}: libs must be a list of folders, got {libs!r}")
        libs = tuple(_rel_dir(root, d, "libs", where) for d in libs)
        remaps = prof.get("remappings", [])
        if not isinstance(remaps, list) or not all(isinstance(r, str) for r in remaps):
            raise ProjectError(f"{where}: remappings must be a list of strings")
        if (root / "remappings.txt").is_file():
            remaps = remaps + _remapping_lines((root / "remappings.txt").read_text(encoding="utf-8"))
        given = {r.split("=", 1)[0].split(":")[-1] for r in remaps}
        auto = []
        for lib in libs:  # forge's auto-detected remappings: lib/<name>/src/ or lib/<name>/
            base = root / lib
            for d in sorted(base.iterdir()) if base.is_dir() else []:
                if not d.is_dir():
                    continue
                nested = [n for n in sorted((d / "lib").iterdir()) if n.is_dir()] if (d / "lib").is_dir() else []
                for lib_dir in [d, *nested]:  # a library's own submodules (forge-std/lib/ds-test) too
                    target = lib_dir / "src" if (lib_dir / "src").is_dir() else lib_dir
                    if f"{lib_dir.name}/" not in given:
                        given.add(f"{lib_dir.name}/")
                        auto.append(f"{lib_dir.name}/={(Path(lib) / target.relative_to(base)).as_posix()}/")
        version = prof.get("solc_version", prof.get("solc"))
        if version is not None and not (isinstance(version, str) and re.fullmatch(r"\d+\.\d+\.\d+", version)):
            raise ProjectError(f"{where}: solc_version must be a release like \"0.8.20\" "
                               "(a path to a solc binary is not supported), got {version!r}")
        evm = prof.get("evm_version")
        return Project(
            kind=cls.name, root=root, sources=[src], libs=libs, tests=(test,), scripts=(script,),
            remappings=[_absolute_remapping(r, root) for r in (*remaps, *auto)],
            package_dirs=_node_modules_dirs(root), solc_version=version,
            optimizer=bool(prof.get("optimizer", False)), optimizer_runs=int(prof.get("optimizer_runs", 200)),
            evm_version=str(evm) if evm else None, via_ir=bool(prof.get("via_ir", False)),
            config_file="foundry.toml")


_JS_VERSION = re.compile(r"""version\s*:\s*["'](\d+\.\d+\.\d+)["']""")
_JS_SOLIDITY = re.compile(r"""solidity\s*:\s*["'](\d+\.\d+\.\d+)["']""")
_JS_OPT = re.compile(r"""optimizer\s*:\s*\{[^}]*enabled\s*:\s*(true|false)(?:[^}]*runs\s*:\s*(\d+))?""", re.S)
_JS_SOURCES = re.compile(r"""sources\s*:\s*["']([^"']+)["']""")
_JS_EVM = re.compile(r"""evmVersion\s*:\s*["'](\w+)["']""")
_JS_VIA_IR = re.compile(r"""viaIR\s*:\s*true""")


class _NodeLayout(Layout):
    """Hardhat and Truffle: a JavaScript config (read for the values that are literals, as a user
    would write them), sources under ``contracts/``, packages from node_modules."""
    default_sources: ClassVar[str] = "contracts"

    @classmethod
    def load(cls, root: Path) -> Project:
        cfg = next((p for m in cls.markers for p in sorted(root.glob(m))), None)
        text = cfg.read_text(encoding="utf-8", errors="replace") if cfg else ""
        text = re.sub(r"//[^\n]*|/\*.*?\*/", "", text, flags=re.S)
        versions = list(dict.fromkeys(_JS_VERSION.findall(text) + _JS_SOLIDITY.findall(text)))
        opt = _JS_OPT.search(text)
        src = _JS_SOURCES.search(text)
        evm = _JS_EVM.search(text)
        sources = Path(os.path.normpath(src.group(1))).as_posix() if src else cls.default_sources
        return Project(
            kind=cls.name, root=root, sources=[sources], libs=(), tests=("test",),
            scripts=("scripts", "migrations", "deploy"), package_dirs=_node_modules_dirs(root),
            solc_version=versions[0] if len(versions) == 1 else None, solc_versions=versions,
            optimizer=bool(opt and opt.group(1) == "true"), optimizer_runs=int(opt.group(2)) if opt and opt.group(2) else 200,
            evm_version=evm.group(1) if evm else None, via_ir=bool(_JS_VIA_IR.search(text)),
            config_file=cfg.name if cfg else None)


class Hardhat(_NodeLayout):
    name, priority, markers = "hardhat", 20, ("hardhat.config.js", "hardhat.config.ts", "hardhat.config.cjs",
                                              "hardhat.config.mjs")


class Truffle(_NodeLayout):
    name, priority, markers = "truffle", 30, ("truffle-config.js", "truffle.js", "truffle-config.cjs")


def brownie_packages_dir() -> Path:
    return Path.home() / ".brownie" / "packages"


class Brownie(Layout):
    name, priority, markers = "brownie", 40, ("brownie-config.yaml", "brownie-config.yml")

    @classmethod
    def load(cls, root: Path) -> Project:
        cfg = next(p for m in cls.markers for p in sorted(root.glob(m)))
        try:
            doc = yaml.safe_load(cfg.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise ProjectError(f"{cfg.name}:{mark.line + 1 if mark else '?'}: not YAML: "
                               f"{getattr(exc, 'problem', exc)}") from None
        if not isinstance(doc, dict):
            raise ProjectError(f"{cfg.name}: the top level must be a mapping")
        solc = ((doc.get("compiler") or {}).get("solc") or {}) if isinstance(doc.get("compiler"), dict) else {}
        packages = brownie_packages_dir()
        remaps = solc.get("remappings") or []
        if isinstance(remaps, str):
            remaps = [remaps]
        out = []
        for r in remaps:  # brownie: "@openzeppelin=OpenZeppelin/openzeppelin-contracts@4.0.0" (a package id)
            prefix, _, target = str(r).partition("=")
            if not target:
                raise ProjectError(f"{cfg.name}: compiler.solc.remappings entry {r!r} has no '='")
            base = packages / target if (packages / target).exists() or "@" in target else root / target
            out.append(f"{prefix.rstrip('/')}/={str(base).rstrip('/')}/")
        deps = doc.get("dependencies") or []
        given = {r.split("=", 1)[0] for r in out}
        for dep in deps if isinstance(deps, list) else []:  # a dependency imports as its own id
            dep = str(dep)
            if f"{dep}/" not in given:
                out.append(f"{dep}/={packages / dep}/")
        opt = solc.get("optimizer") or {}
        version = solc.get("version")
        proj = (doc.get("project_structure") or {}) if isinstance(doc.get("project_structure"), dict) else {}
        return Project(
            kind=cls.name, root=root, sources=[proj.get("contracts", "contracts"), proj.get("interfaces", "interfaces")],
            libs=(), tests=(proj.get("tests", "tests"),), scripts=(proj.get("scripts", "scripts"),),
            remappings=out, package_dirs=[packages], solc_version=str(version) if version else None,
            optimizer=bool(opt.get("enabled", False)), optimizer_runs=int(opt.get("runs", 200) or 200),
            evm_version=solc.get("evm_version") if solc.get("evm_version") not in (None, "null") else None,
            config_file=cfg.name)


class Plain(Layout):
    name, priority, markers = "plain", 100, ()

    @classmethod
    def detect(cls, root: Path) -> bool:
        return True

    @classmethod
    def load(cls, root: Path) -> Project:
        return Project(kind=cls.name, root=root, sources=["."], libs=(), package_dirs=_node_modules_dirs(root))


LAYOUTS: list[type[Layout]] = sorted([Foundry, Hardhat, Truffle, Brownie, Plain], key=lambda c: c.priority)


def detect_project(folder: Path) -> Project:
    """The project in ``folder``: the first layout by priority whose markers are there."""
    root = Path(folder).resolve()
    for layout in LAYOUTS:
        if layout.detect(root):
            return layout.load(root)
    raise AssertionError("the plain layout always applies")


def find_project_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding a build-system file."""
    cur = Path(start).resolve()
    if cur.is_file():
        cur = cur.parent
    while True:
        if any(layout.detect(cur) for layout in LAYOUTS if layout is not Plain):
            return cur
        if cur.parent == cur:
            return None
        cur = cur.parent
