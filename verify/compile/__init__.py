"""Solidity compilation for every compiler version, offline: native solc first, else solc-js."""

from .backends import BACKENDS, CompilerBackend, NativeSolc, NoCompilerError, SolcJs, select_backend
from .compiler import CompileError, CompiledContract, CompileResult, Compiler, Diagnostic
from .solcjs import SolcJsInstallError, install_into_solcx, shim_path, write_shim
from .versions import DEFAULT_VERSION, Pragma, PragmaError, find_pragmas, known_versions, resolve_version

__all__ = [
    "BACKENDS",
    "CompileError",
    "CompileResult",
    "CompiledContract",
    "Compiler",
    "CompilerBackend",
    "DEFAULT_VERSION",
    "Diagnostic",
    "NativeSolc",
    "NoCompilerError",
    "Pragma",
    "PragmaError",
    "SolcJs",
    "SolcJsInstallError",
    "find_pragmas",
    "install_into_solcx",
    "known_versions",
    "resolve_version",
    "select_backend",
    "shim_path",
    "write_shim",
]
