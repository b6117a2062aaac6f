"""A persistent solc-js process: loading a soljson.js costs ~0.5 s, so keep it loaded.

One ``node solcjs_cli.js --ouro-server`` per Python process (per batch worker); requests are
JSON lines and are serialised by a lock. The node process holds up to three releases loaded.
"""

from __future__ import annotations

import atexit
import itertools
import json
import subprocess
import threading
from typing import Any

from chains.node_tools import node_executable

from .solcjs import CLI_JS, soljson_path, wrapper_js

__all__ = ["SolcJsServer", "SolcServerError", "shared_server"]


class SolcServerError(RuntimeError):
    """The solc-js server process failed (crashed, or answered garbage)."""


class SolcJsServer:
    def __init__(self) -> None:
        self._proc: subprocess.Popen | None = None
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.compiles = 0

    def _ensure(self) -> subprocess.Popen:
        if self._proc is None or self._proc.poll() is not None:
            self._proc = subprocess.Popen(
                [str(node_executable()), "--no-warnings", str(CLI_JS), "--ouro-server"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                bufsize=1,
            )
        return self._proc

    def request(self, version: str, input_json: dict | None, base_path: str | None = None,
                include_paths: list[str] | None = None) -> dict[str, Any]:
        req = {
            "id": next(self._ids),
            "soljson": str(soljson_path(version)),
            "wrapper": str(wrapper_js()),
            "input": input_json,
            "base_path": base_path,
            "include_paths": include_paths or [],
        }
        with self._lock:
            for attempt in (1, 2):  # one restart if the process died between requests
                proc = self._ensure()
                try:
                    assert proc.stdin and proc.stdout
                    proc.stdin.write(json.dumps(req) + "\n")
                    proc.stdin.flush()
                    line = proc.stdout.readline()
                except (BrokenPipeError, OSError):
                    line = ""
                if line:
                    break
                self.close()
                if attempt == 2:
                    raise SolcServerError(f"solc-js server died while compiling with {version}")
        try:
            resp = json.loads(line)
        except ValueError as exc:
            raise SolcServerError(f"solc-js server answered garbage: {line[:200]!r}") from exc
        if resp.get("id") != req["id"]:
            self.close()
            raise SolcServerError("solc-js server answered out of order")
        if "error" in resp:
            raise SolcServerError(f"solc-js {version}: {resp['error'].splitlines()[0]}")
        self.compiles += 1
        return resp

    def compile(self, version: str, input_json: dict, base_path: str | None = None,
                include_paths: list[str] | None = None) -> dict:
        return self.request(version, input_json, base_path, include_paths)["output"]

    def version_string(self, version: str) -> str:
        return self.request(version, None)["version"]

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            try:
                if proc.stdin:
                    proc.stdin.close()
                proc.wait(timeout=5)
            except Exception:  # noqa: BLE001
                proc.kill()
                proc.wait()


_SHARED: SolcJsServer | None = None
_SHARED_LOCK = threading.Lock()


def shared_server() -> SolcJsServer:
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = SolcJsServer()
            atexit.register(_SHARED.close)
        return _SHARED
