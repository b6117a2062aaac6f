"""solc-js releases in a per-user cache, and the native-CLI-compatible shim for each.

Layout of the cache (``$OURO_CACHE``, else ``$XDG_CACHE_HOME/ouro``, else ``~/.cache/ouro``)::

    solcjs/<version>/soljson.js     one release, fetched with `npm pack solc@<version>`
    bin/<checkout>/solc-<version>   shim: behaves like a native solc of that version

The newest release needs no download: it is the ``solc`` package in node_modules.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shlex
import shutil
import subprocess
import tarfile
import tempfile
from contextlib import contextmanager
from pathlib import Path

from chains.node_tools import ToolchainMissing, node_executable, node_modules_dir

__all__ = [
    "SHIM_MARKER",
    "SolcJsInstallError",
    "bundled_version",
    "cache_dir",
    "install_soljson",
    "is_shim",
    "shim_path",
    "soljson_path",
    "write_shim",
    "install_into_solcx",
    "CLI_JS",
]

SHIM_MARKER = "# ouro-solcjs-shim"
CLI_JS = Path(__file__).resolve().parent / "solcjs_cli.js"


class SolcJsInstallError(RuntimeError):
    """A solc-js release could not be fetched from npm or is broken."""


def cache_dir() -> Path:
    base = os.environ.get("OURO_CACHE")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "ouro"


def bundled_version() -> str | None:
    """Version of the ``solc`` npm package in node_modules (its soljson.js needs no download)."""
    try:
        pkg = node_modules_dir("solc") / "solc" / "package.json"
        return json.loads(pkg.read_text())["version"]
    except (ToolchainMissing, OSError, KeyError, ValueError):
        return None


def wrapper_js() -> Path:
    return node_modules_dir("solc") / "solc" / "wrapper.js"


def soljson_path(version: str) -> Path:
    if version == bundled_version():
        return node_modules_dir("solc") / "solc" / "soljson.js"
    return cache_dir() / "solcjs" / version / "soljson.js"


def is_installed(version: str) -> bool:
    return soljson_path(version).is_file()


@contextmanager
def _locked(name: str):
    lock_dir = cache_dir() / "locks"
    lock_dir.mkdir(parents=True, exist_ok=True)
    with open(lock_dir / f"{name}.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def install_soljson(version: str) -> Path:
    """Fetch one solc-js release from the npm registry into the cache (idempotent, atomic)."""
    target = soljson_path(version)
    if target.is_file():
        return target
    npm = shutil.which("npm")
    if not npm:
        raise SolcJsInstallError("npm is not on PATH: cannot fetch solc-js " + version)
    with _locked(f"solcjs-{version}"):
        if target.is_file():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
            proc = subprocess.run(
                [npm, "pack", f"solc@{version}", "--pack-destination", tmp, "--json", "--silent"],
                capture_output=True,
                text=True,
                timeout=300,
            )
            if proc.returncode != 0:
                raise SolcJsInstallError(
                    f"`npm pack solc@{version}` failed: {(proc.stderr or proc.stdout).strip()[-500:]}"
                )
            tgz = next(Path(tmp).glob("*.tgz"), None)
            if tgz is None:
                raise SolcJsInstallError(f"`npm pack solc@{version}` produced no tarball")
            with tarfile.open(tgz) as tf:
                try:
                    member = tf.getmember("package/soljson.js")
                except KeyError:
                    raise SolcJsInstallError(f"solc@{version} on npm ships no soljson.js") from None
                data = tf.extractfile(member).read()  # type: ignore[union-attr]
            head = data[:200].lstrip().lower()
            if len(data) < 100_000 or head.startswith(b"<!doctype") or head.startswith(b"<html"):
                raise SolcJsInstallError(f"solc@{version} on npm ships a broken soljson.js ({len(data)} bytes)")
            part = target.with_suffix(".js.part")
            part.write_bytes(data)
            os.replace(part, target)
    return target


def shim_path(version: str) -> Path:
    # One shim folder per ouro checkout: a shim holds absolute paths into that checkout.
    tag = hashlib.sha256(str(CLI_JS).encode()).hexdigest()[:10]
    return cache_dir() / "bin" / tag / f"solc-{version}"


def _shim_text(version: str) -> str:
    env = {
        "OURO_SOLC_VERSION": version,
        "OURO_SOLJSON": str(soljson_path(version)),
        "OURO_SOLC_WRAPPER": str(wrapper_js()),
        "OURO_NODE_MODULES": str(node_modules_dir("solc")),
    }
    exports = "\n".join(f"export {k}={shlex.quote(v)}" for k, v in env.items())
    return (
        "#!/bin/sh\n"
        f"{SHIM_MARKER} {version}\n"
        "# Behaves like a native `solc` of this version: --version, --standard-json, --combined-json.\n"
        f"{exports}\n"
        f"exec {shlex.quote(str(node_executable()))} --no-warnings "
        f"{shlex.quote(str(CLI_JS))} \"$@\"\n"
    )


def write_shim(version: str) -> Path:
    """Write (or refresh) the shim executable for an installed release."""
    if not is_installed(version):
        install_soljson(version)
    path = shim_path(version)
    text = _shim_text(version)
    if path.is_file() and path.read_text() == text:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    part.write_text(text)
    part.chmod(0o755)
    os.replace(part, path)
    return path


def is_shim(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return SHIM_MARKER.encode() in fh.read(256)
    except OSError:
        return False


def solcx_dir() -> Path:
    env = os.environ.get("SOLCX_BINARY_PATH")
    return Path(env) if env else Path.home() / ".solcx"


def install_into_solcx(version: str, directory: Path | None = None) -> Path | None:
    """Copy the shim to ``~/.solcx/solc-v<version>`` so py-solc-x and brownie count it installed.

    A native binary already there is left alone (and is preferred anyway). Returns the path
    written, or None when a native binary is there.
    """
    dest = Path(directory or solcx_dir()) / f"solc-v{version}"
    if dest.exists() and not is_shim(dest):
        return None
    src = write_shim(version)
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.exists() and dest.read_bytes() == src.read_bytes():
        return dest
    part = dest.with_name(dest.name + ".part")
    shutil.copyfile(src, part)
    part.chmod(0o755)
    os.replace(part, dest)
    return dest
