"""Hand Slither the compile ouro already did, instead of letting crytic-compile compile again.

A crytic-compile platform whose ``compile`` parses ouro's standard-JSON output (ASTs and
contracts), so Slither analyses exactly the bytes the engine tested and the file is compiled
once. Used from solc 0.4.13 on, whenever every source carries the compact AST crytic-compile reads
(findings identical to crytic-compile's own compile on the 0.4 fixtures); older releases, whose
standard JSON has only the legacy AST, go through crytic-compile's own solc platform.
"""

from __future__ import annotations

from typing import Any

from crytic_compile.compilation_unit import CompilationUnit
from crytic_compile.compiler.compiler import CompilerVersion
from crytic_compile.platform.abstract_platform import AbstractPlatform
from crytic_compile.platform.solc_standard_json import parse_standard_json_output
from crytic_compile.platform.types import Type

__all__ = ["PrecompiledPlatform", "supports"]


def supports(version: str, output: dict[str, Any] | None = None) -> bool:
    """Whether Slither can read this compile's output (``output``: also check its ASTs)."""
    if tuple(int(x) for x in version.split(".")) < (0, 4, 13):
        return False
    sources = (output or {}).get("sources") or {}
    return output is None or bool(sources) and all("nodeType" in (s.get("ast") or {}) for s in sources.values())


class PrecompiledPlatform(AbstractPlatform):
    NAME = "ouro-precompiled"
    PROJECT_URL = "https://docs.soliditylang.org/en/latest/using-the-compiler.html#output-description"
    TYPE = Type.SOLC_STANDARD_JSON

    def __init__(self, target: str, output: dict[str, Any], version: str, optimized: bool = False):
        super().__init__(target)
        self._output, self._version, self._optimized = output, version, optimized

    def compile(self, crytic_compile, **kwargs: Any) -> None:
        unit = CompilationUnit(crytic_compile, "ouro")
        unit.compiler_version = CompilerVersion(compiler="solc", version=self._version, optimized=self._optimized)
        parse_standard_json_output(self._output, unit)

    def clean(self, **kwargs: Any) -> None:
        pass

    @staticmethod
    def is_supported(target: str, **kwargs: Any) -> bool:
        return False  # never auto-detected: constructed explicitly with an output

    def is_dependency(self, path: str) -> bool:
        return False  # as crytic-compile's plain solc platform

    def _guessed_tests(self) -> list[str]:
        return []
