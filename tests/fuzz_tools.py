"""Running the tests `ouro fuzz` exports: forge test on the Foundry project, brownie test on
the brownie tests (a fresh Anvil of ours, brownie attached to it, a private HOME)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from chains import AnvilChain
from chains.anvil import foundry_executable
from verify.compile import SolcJs


def forge_test(project: Path) -> subprocess.CompletedProcess:
    shim = SolcJs().executable("0.8.37")
    return subprocess.run([str(foundry_executable("forge")), "test", "--use", str(shim), "--offline"], cwd=project,
                          capture_output=True, text=True, timeout=600)


def brownie_test(project: Path) -> subprocess.CompletedProcess:
    bindir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="ouro-home-") as home:
        env = dict(os.environ, HOME=home, PATH=f"{bindir}{os.pathsep}{os.environ['PATH']}")
        with AnvilChain() as chain:
            reg = subprocess.run([str(bindir / "ouro"), "chains", "brownie-network", "--port", str(chain.port)],
                                 env=env, capture_output=True, text=True, timeout=300)
            assert reg.returncode == 0, reg.stdout + reg.stderr
            return subprocess.run([str(bindir / "brownie"), "test", "--network", "ouro-anvil"], cwd=project, env=env,
                                  capture_output=True, text=True, timeout=600)
