"""The repository's brownie project (contracts/ + tests/brownie/) runs under `brownie test` on ouro's Anvil."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from chains import AnvilChain
from chains.brownie_network import NETWORK_ID, brownie_network
from verify.compile import install_into_solcx

ROOT = Path(__file__).resolve().parent.parent


def test_brownie_hypothesis_test_runs_on_ouro_anvil(tmp_path, monkeypatch):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "contracts", project / "contracts")
    shutil.copytree(ROOT / "tests" / "brownie", project / "tests" / "brownie")
    shutil.copy(ROOT / "brownie-config.yaml", project / "brownie-config.yaml")

    # A private HOME: brownie's network config and py-solc-x's compiler folder stay untouched.
    home, solcx = tmp_path / "home", tmp_path / "solcx"
    home.mkdir()
    monkeypatch.setenv("SOLCX_BINARY_PATH", str(solcx))
    assert install_into_solcx("0.8.20") == solcx / "solc-v0.8.20"
    bindir = Path(sys.executable).parent
    env = dict(os.environ, HOME=str(home), SOLCX_BINARY_PATH=str(solcx),
               PATH=f"{bindir}{os.pathsep}{os.environ['PATH']}")

    with AnvilChain() as chain:
        reg = subprocess.run([str(bindir / "ouro"), "chains", "brownie-network", "--port", str(chain.port)],
                             env=env, capture_output=True, text=True, timeout=300)
        assert reg.returncode == 0, reg.stdout + reg.stderr
        monkeypatch.setenv("HOME", str(home))
        net = brownie_network(NETWORK_ID)
        assert net["cmd_settings"]["base_fee"] == 0 and net["cmd_settings"]["gas_price"] == 0
        assert net["cmd_settings"]["port"] == chain.port

        proc = subprocess.run([str(bindir / "brownie"), "test", "--network", NETWORK_ID], cwd=project, env=env,
                              capture_output=True, text=True, timeout=600)
        out = proc.stdout + proc.stderr
        assert proc.returncode == 0, out[-3000:]
        assert "Solc version: 0.8.20" in out
        assert f"Attached to local RPC client listening at '127.0.0.1:{chain.port}'" in out
        assert "1 passed" in out
        assert chain.is_running()  # brownie attached; it did not kill our node
        assert "Contract created" in chain.log_path.read_text()  # the deploys hit this very Anvil
