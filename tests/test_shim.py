"""The per-version solc executable behaves like native solc for Slither, py-solc-x, brownie and forge."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from chains.anvil import foundry_executable
from verify.compile import SolcJs, install_into_solcx
from verify.compile.solcjs import install_soljson, is_shim, shim_path, write_shim


@pytest.fixture(scope="module")
def shim_0424():
    return SolcJs().executable("0.4.24")


@pytest.fixture(scope="module")
def shim_0837():
    return SolcJs().executable("0.8.37")


def test_version_output_matches_native_format(shim_0424):
    out = subprocess.run([str(shim_0424), "--version"], capture_output=True, text=True, check=True).stdout
    assert out.startswith("solc, the solidity compiler commandline interface\nVersion: 0.4.24+commit.")
    import solcx.wrapper

    assert re.search(solcx.wrapper.VERSION_REGEX, out)


def test_standard_json_from_stdin(shim_0837, fixtures_dir):
    req = {"language": "Solidity",
           "sources": {"C.sol": {"content": (fixtures_dir / "Counter.sol").read_text()}},
           "settings": {"outputSelection": {"*": {"*": ["evm.methodIdentifiers"]}}}}
    out = subprocess.run([str(shim_0837), "--standard-json"], input=json.dumps(req), capture_output=True,
                         text=True, check=True).stdout
    assert json.loads(out)["contracts"]["C.sol"]["Counter"]["evm"]["methodIdentifiers"]["inc()"] == "371303c0"


def test_combined_json_like_native_solc(shim_0424, fixtures_dir):
    proc = subprocess.run(
        [str(shim_0424), "--combined-json", "abi,ast,bin,bin-runtime,srcmap,srcmap-runtime,hashes,compact-format",
         "v04_bank.sol", "--allow-paths", "."],
        cwd=fixtures_dir, capture_output=True, text=True, check=True,
    )
    data = json.loads(proc.stdout)
    c = data["contracts"]["v04_bank.sol:Bank04"]
    assert isinstance(c["abi"], str)  # solc < 0.8 emits the ABI as a JSON string
    assert json.loads(c["abi"])[0]["type"] in ("function", "constructor", "fallback")
    assert c["hashes"]["withdraw()"] == "3ccfd60b"
    assert data["sources"]["v04_bank.sol"]["AST"]["nodeType"] == "SourceUnit"  # compact AST
    assert data["version"].startswith("0.4.24+commit")


def test_combined_json_compile_error_exits_nonzero(shim_0837, fixtures_dir):
    proc = subprocess.run([str(shim_0837), "--combined-json", "abi", "bad_syntax.sol"], cwd=fixtures_dir,
                          capture_output=True, text=True)
    assert proc.returncode == 1 and "bad_syntax.sol:7:9" in proc.stderr and proc.stdout == ""


def test_remapping_argument(shim_0837, tmp_path):
    (tmp_path / "vendored" / "lib").mkdir(parents=True)
    (tmp_path / "vendored" / "lib" / "Math.sol").write_text("pragma solidity ^0.8.0; library M { }\n")
    (tmp_path / "A.sol").write_text('pragma solidity ^0.8.0; import "mylib/Math.sol"; contract A {}\n')
    proc = subprocess.run([str(shim_0837), "mylib/=vendored/lib/", "--combined-json", "abi", "A.sol"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "vendored/lib/Math.sol:M" in json.loads(proc.stdout)["contracts"]


def test_unknown_option_is_rejected(shim_0837):
    proc = subprocess.run([str(shim_0837), "--frobnicate"], capture_output=True, text=True)
    assert proc.returncode == 1 and "unrecognised option --frobnicate" in proc.stderr


def test_slither_cli_runs_on_the_shim(shim_0424, fixtures_dir, tmp_path):
    slither = Path(sys.executable).with_name("slither")
    out = tmp_path / "slither.json"
    subprocess.run([str(slither), str(fixtures_dir / "v04_bank.sol"), "--solc", str(shim_0424),
                    "--json", str(out), "--detect", "reentrancy-eth"], capture_output=True, text=True, timeout=300)
    results = json.loads(out.read_text())["results"]["detectors"]
    assert [r["check"] for r in results] == ["reentrancy-eth"]


def test_py_solc_x_compile_standard(shim_0837, fixtures_dir):
    import solcx
    import solcx.wrapper

    out = solcx.compile_standard(
        {"language": "Solidity", "sources": {"C.sol": {"content": (fixtures_dir / "Counter.sol").read_text()}},
         "settings": {"outputSelection": {"*": {"*": ["abi"]}}}},
        solc_binary=shim_0837,
    )
    assert "Counter" in out["contracts"]["C.sol"]
    assert str(solcx.wrapper.get_solc_version(shim_0837)) == "0.8.37"


def test_registered_for_py_solc_x_and_brownie(tmp_path, monkeypatch):
    monkeypatch.setenv("SOLCX_BINARY_PATH", str(tmp_path))
    dest = install_into_solcx("0.8.20")
    assert dest == tmp_path / "solc-v0.8.20" and is_shim(dest)
    import solcx
    import solcx.wrapper

    assert "0.8.20" in [str(v) for v in solcx.get_installed_solc_versions()]


def test_native_binary_in_solcx_folder_is_left_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("SOLCX_BINARY_PATH", str(tmp_path))
    native = tmp_path / "solc-v0.8.20"
    native.write_bytes(b"\x7fELF-pretend-native")
    assert install_into_solcx("0.8.20") is None
    assert native.read_bytes() == b"\x7fELF-pretend-native"


def test_forge_builds_with_the_shim(tmp_path, fixtures_dir):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "Counter.sol").write_text((fixtures_dir / "Counter.sol").read_text())
    (tmp_path / "foundry.toml").write_text('[profile.default]\nsrc = "src"\nout = "out"\nlibs = []\n')
    shim = SolcJs().executable("0.8.20")
    proc = subprocess.run([str(foundry_executable("forge")), "build", "--use", str(shim), "--offline"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    artifact = json.loads((tmp_path / "out" / "Counter.sol" / "Counter.json").read_text())
    assert artifact["methodIdentifiers"]["inc()"] == "371303c0"


def test_install_from_npm_cache_into_fresh_cache(tmp_path, monkeypatch):
    """The on-demand installer, run offline against npm's cache (filled by `make setup`)."""
    monkeypatch.setenv("OURO_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("npm_config_offline", "true")
    path = install_soljson("0.4.24")
    assert path.stat().st_size > 1_000_000 and path.parent.name == "0.4.24"
    shim = write_shim("0.4.24")
    assert shim == shim_path("0.4.24") and os.access(shim, os.X_OK)
    out = subprocess.run([str(shim), "--version"], capture_output=True, text=True, check=True).stdout
    assert "0.4.24+commit" in out
