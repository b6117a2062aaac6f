"""Compile a Solidity file with the solc version its pragmas need, on the best backend.

Source unit names are absolute paths, so relative imports and diagnostics are unambiguous;
npm Solidity libraries (``@openzeppelin/...``) are remapped to the toolchain's node_modules.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chains.node_tools import ToolchainMissing, node_modules_dir

from .backends import CompilerBackend, select_backend
from .versions import PragmaError, collect_pragmas, find_pragmas, known_versions, resolve_version

__all__ = ["CompileError", "CompileResult", "CompiledContract", "Compiler", "Diagnostic"]

# npm packages that hold Solidity libraries: remapped as `<prefix>=<node_modules>/<prefix>`.
NPM_SOLIDITY_PREFIXES = ("@openzeppelin/",)

_CONTRACT_OUTPUT = [
    "abi",
    "evm.bytecode.object",
    "evm.bytecode.sourceMap",
    "evm.deployedBytecode.object",
    "evm.deployedBytecode.sourceMap",
    "evm.methodIdentifiers",
    "devdoc",
    "userdoc",
]


@dataclass(frozen=True)
class Diagnostic:
    severity: str  # "error" | "warning" | "info"
    type: str  # ParserError, TypeError, DeclarationError, Warning, ...
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        return f"{where}: {self.type}: {self.message}"


class CompileError(Exception):
    """The compiler rejected the file; ``diagnostics`` holds each error with file and line."""

    def __init__(self, file: str, version: str | None, diagnostics: list[Diagnostic]):
        self.file, self.version, self.diagnostics = file, version, diagnostics
        head = f"{file}: compilation failed" + (f" (solc {version})" if version else "")
        super().__init__(head + "\n" + "\n".join(f"  {d}" for d in diagnostics))


@dataclass
class CompiledContract:
    name: str
    source: str  # source unit (absolute path)
    abi: list[dict]
    bytecode: str
    deployed_bytecode: str
    method_identifiers: dict[str, str]
    source_map: str = ""
    deployed_source_map: str = ""

    @property
    def deployable(self) -> bool:
        return bool(self.bytecode)


@dataclass
class CompileResult:
    file: str
    version: str
    backend: str
    contracts: dict[str, CompiledContract]  # "unit:Name" -> contract
    warnings: list[Diagnostic] = field(default_factory=list)
    remappings: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)
    evm_version: str | None = None  # the EVM asked for; None: the compiler's default
    notes: list[str] = field(default_factory=list)  # e.g. the release retries that found a working solc

    def contract(self, name: str) -> CompiledContract:
        matches = [c for key, c in self.contracts.items() if c.name == name or key == name]
        if not matches:
            raise KeyError(f"no contract {name!r} in {self.file}; have {sorted(c.name for c in self.contracts.values())}")
        own = [c for c in matches if c.source == self.file]
        return (own or matches)[0]

    def own_contracts(self) -> list[CompiledContract]:
        """Contracts defined in the compiled file itself (not in its imports)."""
        return [c for c in self.contracts.values() if c.source == self.file]


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


class Compiler:
    """Resolves versions, obtains compilers and compiles; safe to share between threads."""

    def __init__(self, *, install: bool = True, remappings: list[str] | None = None,
                 optimize: bool = False, evm_version: str | None = None):
        self.install = install
        self.extra_remappings = list(remappings or [])
        self.optimize = optimize
        self.evm_version = evm_version
        self._lock = threading.Lock()
        # the last few successful compiles, so one pipeline that asks twice compiles once
        self._memo_lock = threading.Lock()
        self._memo: OrderedDict[str, tuple[CompileResult, dict[str, tuple[int, int]]]] = OrderedDict()

    # -- versions and backends ---------------------------------------------------------
    def node_modules(self) -> Path | None:
        try:
            return node_modules_dir("@openzeppelin/contracts")
        except ToolchainMissing:
            return None

    def remappings(self) -> list[str]:
        maps = list(self.extra_remappings)
        nm = self.node_modules()
        given = {m.split("=", 1)[0].split(":")[-1] for m in maps}
        if nm is not None:
            for prefix in NPM_SOLIDITY_PREFIXES:
                if prefix not in given and (nm / prefix).is_dir():
                    maps.append(f"{prefix}={nm / prefix}/")
        return maps

    def resolve_version(self, path: Path) -> str:
        nm = self.node_modules()
        return resolve_version(collect_pragmas(path, [nm] if nm else [], self.remappings()), known_versions(),
                               str(path))

    def backend_for(self, version: str) -> CompilerBackend:
        with self._lock:  # one install per version at a time within a process
            return select_backend(version, install=self.install)

    def executable(self, version: str) -> Path:
        """A native-CLI-compatible solc of ``version`` (for Slither, brownie, forge)."""
        return self.backend_for(version).executable(version)

    def warm_for(self, text: str, filename: str = "Contract.sol") -> None:
        """In a background thread, load the compiler ``text`` will need, so the first compile
        does not wait for it; anything that goes wrong here is left for that compile to report."""

        def load() -> None:
            try:
                version = resolve_version(find_pragmas(text, filename), known_versions(), filename)
                self.backend_for(version).warm(version)
            except Exception:  # noqa: BLE001 - the real compile reports it
                pass

        threading.Thread(target=load, name="ouro-compiler-warm", daemon=True).start()

    # -- compiling ---------------------------------------------------------------------
    # settings a caller wants in every compile_file (e.g. a block explorer's viaIR, libraries,
    # optimizer runs); None: the constructor's options alone
    compile_overrides: dict[str, Any] | None = None

    def compile_file(self, path: str | Path, version: str | None = None) -> CompileResult:
        p = Path(path).resolve()
        try:
            text = p.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise CompileError(str(p), None, [Diagnostic("error", "IOError", f"not UTF-8 text: {exc}", str(p))]) from None
        except OSError as exc:
            raise CompileError(str(p), None, [Diagnostic("error", "IOError", exc.strerror or str(exc), str(p))]) from None
        from .retry import compile_with_retries

        # the release the pragmas allow, retried on others when it cannot parse the file (see retry.py)
        return compile_with_retries(self, p, text, version, self.compile_overrides)

    def compile_source(self, text: str, filename: str = "Contract.sol", version: str | None = None) -> CompileResult:
        """Compile source text that is not on disk; imports resolve from the working directory."""
        unit = str(Path(filename).resolve())
        if version is None:
            try:
                version = resolve_version(find_pragmas(text, unit), known_versions(), unit)
            except PragmaError as exc:
                raise CompileError(unit, None, [Diagnostic("error", "PragmaError", exc.reason, unit, exc.line, 1)]) from None
        return self._compile({unit: {"content": text}}, unit, version)

    def compile_sources(self, sources: dict[str, dict], unit: str, version: str,
                        settings: dict[str, Any] | None = None) -> CompileResult:
        """Several source units in one compile (a project's settings group): ``sources`` maps
        absolute unit names to ``{"content": text}``; ``settings`` (optimizer, remappings,
        evmVersion, viaIR) replace the compiler's own; ``unit`` is the file the result is about."""
        return self._compile(sources, unit, version, settings)

    def _compile(self, sources: dict[str, dict], unit: str, version: str,
                 overrides: dict[str, Any] | None = None) -> CompileResult:
        backend = self.backend_for(version)
        settings: dict[str, Any] = {
            "optimizer": {"enabled": self.optimize, "runs": 200},
            "remappings": self.remappings(),
            "outputSelection": {"*": {"*": _CONTRACT_OUTPUT, "": ["ast"]}},
        }
        if self.evm_version:
            settings["evmVersion"] = self.evm_version
        settings.update(overrides or {})
        input_json = {"language": "Solidity", "sources": sources, "settings": settings}
        key = hashlib.sha256(json.dumps([version, backend.name, input_json], sort_keys=True).encode()).hexdigest()
        hit = self._remembered(key)
        if hit is not None:
            return hit
        output = backend.compile_standard(version, input_json, base_path="/")
        diagnostics = [self._diagnostic(e, sources) for e in output.get("errors", [])]
        errors = [d for d in diagnostics if d.severity == "error"]
        if errors:
            raise CompileError(unit, version, errors)
        contracts: dict[str, CompiledContract] = {}
        for src, by_name in (output.get("contracts") or {}).items():
            for name, c in by_name.items():
                evm = c.get("evm", {})
                contracts[f"{src}:{name}"] = CompiledContract(
                    name=name,
                    source=src,
                    abi=c.get("abi", []),
                    bytecode=evm.get("bytecode", {}).get("object", ""),
                    deployed_bytecode=evm.get("deployedBytecode", {}).get("object", ""),
                    method_identifiers=evm.get("methodIdentifiers", {}),
                    source_map=evm.get("bytecode", {}).get("sourceMap", ""),
                    deployed_source_map=evm.get("deployedBytecode", {}).get("sourceMap", ""),
                )
        result = CompileResult(
            file=unit,
            version=version,
            backend=backend.name,
            contracts=contracts,
            warnings=[d for d in diagnostics if d.severity != "error"],
            remappings=settings["remappings"],
            raw=output,
            evm_version=settings.get("evmVersion"),
        )
        self._remember(key, result, [s for s in (output.get("sources") or {}) if s not in sources])
        return result

    # -- memo: an import that changed on disk since (size or mtime) makes an entry stale ----
    _MEMO_SIZE = 4

    @staticmethod
    def _stamp(path: str) -> tuple[int, int]:
        try:
            st = Path(path).stat()
            return st.st_size, st.st_mtime_ns
        except OSError:
            return -1, -1

    def _remember(self, key: str, result: CompileResult, imported: list[str]) -> None:
        with self._memo_lock:
            self._memo[key] = (result, {p: self._stamp(p) for p in imported})
            while len(self._memo) > self._MEMO_SIZE:
                self._memo.popitem(last=False)

    def _remembered(self, key: str) -> CompileResult | None:
        with self._memo_lock:
            entry = self._memo.get(key)
            if entry is None:
                return None
            result, stamps = entry
            if any(self._stamp(p) != st for p, st in stamps.items()):
                del self._memo[key]
                return None
            self._memo.move_to_end(key)
            return result

    @staticmethod
    def _diagnostic(err: dict, sources: dict[str, dict]) -> Diagnostic:
        loc = err.get("sourceLocation") or {}
        file = loc.get("file")
        line = col = None
        if file is not None and loc.get("start", -1) >= 0:
            text = sources.get(file, {}).get("content")
            if text is None:
                try:
                    text = Path(file).read_text(encoding="utf-8", errors="replace")
                except OSError:
                    text = None
            if text is not None:
                line, col = _line_col(text, int(loc["start"]))
        message = err.get("message", "").strip()
        if file is None:  # very old compilers only give the formatted "file:line:col: ..." text
            formatted = err.get("formattedMessage", "")
            parts = formatted.split(":", 3)
            if len(parts) == 4 and parts[1].isdigit():
                file, line, col = parts[0], int(parts[1]), int(parts[2]) if parts[2].isdigit() else None
        return Diagnostic(
            severity=err.get("severity", "error"),
            type=err.get("type", "Error"),
            message=message,
            file=file,
            line=line,
            column=col,
        )
