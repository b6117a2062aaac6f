"""`ouro verify` on real project layouts (tests/project_layouts.py, built from the pinned npm
packages in a temporary folder): the build system's remappings and compiler settings, product code
only by default, project-relative paths, one compile per settings group, and missing imports that
name the import, the importing line and the fix."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from project_layouts import brownie_project, foundry_project, hardhat_project
from verify.project import detect_project, role_of


def ouro(env, *args, cwd):
    return subprocess.run(["ouro", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=900)


def _report(proc) -> dict[str, dict]:
    assert proc.returncode in (0, 1, 2), proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    doc = json.loads(proc.stdout)
    return {r["file"]: r for r in doc["results"]}


@pytest.fixture(scope="module")
def foundry(tmp_path_factory):
    return foundry_project(tmp_path_factory.mktemp("foundry"))


def test_foundry_project_product_code_with_remappings_one_compile(foundry, ouro_env, tmp_path):
    proc = ouro(ouro_env, "verify", str(foundry), "--format", "json", "--max-examples", "30", cwd=tmp_path)
    by_file = _report(proc)
    assert set(by_file) == {"src/ShareVault.sol", "src/legacy/LegacyBank.sol", "src/interfaces/IShareVault.sol"}
    for r in by_file.values():
        assert r["status"] == "ok", (r["file"], r["error"], r["notes"][:3])
        assert r["compiler"].startswith("solc 0.8.24 "), r["compiler"]  # foundry.toml's solc_version
    assert "1 compile(s)" in proc.stderr and "not analysed:" in proc.stderr, proc.stderr[-2000:]
    bank = by_file["src/legacy/LegacyBank.sol"]
    reent = [f for f in bank["findings"] if f["category"] == "reentrancy" and f["confirmed"]]
    assert reent and 14 in reent[0]["lines"], bank["findings"]  # the engine ran on the project compile
    assert by_file["src/ShareVault.sol"]["dynamic"]["properties"], by_file["src/ShareVault.sol"]
    for r in by_file.values():  # messages name files as the project does, not from where ouro ran
        for f in r["findings"]:
            assert str(foundry) not in f["message"] and "../" not in f["message"], f["message"]


def test_foundry_tests_and_mocks_on_request_and_a_missing_submodule_is_named(foundry, ouro_env, tmp_path):
    proc = ouro(ouro_env, "verify", ".", "--static-only", "--include-tests", "--format", "json", cwd=foundry)
    by_file = _report(proc)
    assert {"test/ShareVault.t.sol", "test/mocks/BrokenToken.sol", "script/Deploy.s.sol"} <= set(by_file)
    assert by_file["test/mocks/BrokenToken.sol"]["status"] == "ok"
    # forge-std's Test.sol needs ds-test, a submodule of forge-std that npm does not ship
    t = by_file["test/ShareVault.t.sol"]
    assert t["status"] == "compile-error"
    assert 'lib/forge-std/src/Test.sol:5: import "ds-test/test.sol" not found' in t["error"], t["error"]
    assert by_file["src/ShareVault.sol"]["status"] == "ok"  # one broken file does not take the others

    copy = tmp_path / "emptied"
    shutil.copytree(foundry, copy)
    shutil.rmtree(copy / "lib" / "solmate")
    (copy / "lib" / "solmate").mkdir()  # what a clone without `--recursive` has
    by_file = _report(ouro(ouro_env, "verify", str(copy), "--static-only", "--format", "json", cwd=tmp_path))
    vault = by_file["src/ShareVault.sol"]
    assert vault["status"] == "compile-error"
    assert 'src/ShareVault.sol:4: import "solmate/tokens/ERC20.sol" not found' in vault["error"], vault["error"]
    assert "lib/solmate is empty: an uninitialised git submodule" in vault["error"]
    assert "git submodule update --init --recursive" in vault["error"]
    assert by_file["src/legacy/LegacyBank.sol"]["status"] == "ok"


def test_hardhat_project_two_compiler_groups_and_node_modules(ouro_env, tmp_path):
    root = hardhat_project(tmp_path / "hh")
    proc = ouro(ouro_env, "verify", str(root), "--static-only", "--format", "json", cwd=tmp_path)
    by_file = _report(proc)
    assert set(by_file) == {"contracts/PairPriceReader.sol", "contracts/RewardToken.sol",
                            "contracts/legacy/LegacyLPToken.sol"}  # mocks/, test/, scripts/ left out
    for r in by_file.values():
        assert r["status"] == "ok", (r["file"], r["error"])
    assert by_file["contracts/legacy/LegacyLPToken.sol"]["compiler"].startswith("solc 0.5.16 ")
    assert by_file["contracts/RewardToken.sol"]["compiler"].startswith("solc 0.8.24 ")
    assert "2 compile(s)" in proc.stderr, proc.stderr[-2000:]

    shutil.rmtree(root / "node_modules" / "@uniswap")
    by_file = _report(ouro(ouro_env, "verify", str(root), "--static-only", "--format", "json", cwd=tmp_path))
    reader = by_file["contracts/PairPriceReader.sol"]
    assert reader["status"] == "compile-error"
    assert "contracts/PairPriceReader.sol:4" in reader["error"]
    assert "@uniswap/v2-core is declared in package.json but not installed; run `npm ci`" in reader["error"]
    assert by_file["contracts/RewardToken.sol"]["status"] == "ok"


def test_brownie_project_dependency_from_the_packages_folder(ouro_env, tmp_path):
    home = tmp_path / "home"
    root = brownie_project(tmp_path / "bp", home / ".brownie" / "packages")
    env = {**ouro_env, "HOME": str(home)}
    by_file = _report(ouro(env, "verify", str(root), "--static-only", "--format", "json", cwd=tmp_path))
    assert set(by_file) == {"contracts/RewardToken.sol", "contracts/LegacyBank.sol", "interfaces/IRewardToken.sol"}
    for r in by_file.values():
        assert r["status"] == "ok", (r["file"], r["error"])
        assert r["compiler"].startswith("solc 0.8.24 ")
    assert any(f["category"] == "reentrancy" for f in by_file["contracts/LegacyBank.sol"]["findings"])


def test_a_broken_build_file_is_an_error_naming_it(ouro_env, tmp_path):
    (tmp_path / "foundry.toml").write_text("[profile.default\nsrc = 'src'\n")
    (tmp_path / "src").mkdir()
    proc = ouro(ouro_env, "verify", str(tmp_path), "--static-only", cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "foundry.toml: not TOML" in proc.stderr, proc.stderr


def test_roles_and_layout_priority(tmp_path):
    assert role_of(Path("src/Vault.sol")) == "product"
    assert role_of(Path("test/Vault.t.sol")) == "test"
    assert role_of(Path("src/test/utils/weird-tokens/ReturnsFalse.sol")) == "test"
    assert role_of(Path("src/mocks/MockERC20.sol")) == "mock"
    assert role_of(Path("script/Deploy.s.sol")) == "script"
    assert role_of(Path("lib/solmate/src/tokens/ERC20.sol")) == "lib"
    (tmp_path / "brownie-config.yaml").write_text("{}\n")
    (tmp_path / "hardhat.config.ts").write_text("export default {solidity: '0.8.24'};\n")
    assert detect_project(tmp_path).kind == "hardhat"  # by priority
    (tmp_path / "foundry.toml").write_text("[profile.default]\n")
    p = detect_project(tmp_path)
    assert p.kind == "foundry" and p.sources == ["src"] and p.libs == ("lib",)


def test_a_missing_import_outside_a_project_names_the_line_and_the_fix(ouro_env, tmp_path):
    (tmp_path / "A.sol").write_text('pragma solidity ^0.8.0;\nimport "ds-test/test.sol";\ncontract A is DSTest {}\n')
    proc = ouro(ouro_env, "verify", "A.sol", "--static-only", "--format", "json", cwd=tmp_path)
    r = _report(proc)["A.sol"]
    assert r["status"] == "compile-error"
    assert 'A.sol:2: import "ds-test/test.sol" not found: no remapping covers "ds-test/"' in r["error"], r["error"]


def test_truffle_project_migrations_left_out(ouro_env, tmp_path):
    from project_layouts import REWARD_TOKEN, _copy_package

    root = tmp_path / "tr"
    _copy_package("@openzeppelin/contracts", root / "node_modules" / "@openzeppelin" / "contracts")
    (root / "contracts").mkdir(parents=True)
    (root / "migrations").mkdir()
    (root / "truffle-config.js").write_text(
        "module.exports = {\n  compilers: {\n    solc: {\n      version: \"0.8.24\",\n"
        "      settings: { optimizer: { enabled: true, runs: 999 } },\n    },\n  },\n};\n")
    (root / "contracts" / "RewardToken.sol").write_text(REWARD_TOKEN)
    (root / "contracts" / "Migrations.sol").write_text(
        "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\n\ncontract Migrations {\n"
        "    uint256 public last_completed_migration;\n}\n")
    (root / "migrations" / "1_deploy.js").write_text("module.exports = function () {};\n")
    assert detect_project(root).kind == "truffle"
    assert detect_project(root).optimizer and detect_project(root).optimizer_runs == 999
    by_file = _report(ouro(ouro_env, "verify", str(root), "--static-only", "--format", "json", cwd=tmp_path))
    assert by_file["contracts/RewardToken.sol"]["status"] == "ok"
    assert by_file["contracts/RewardToken.sol"]["compiler"].startswith("solc 0.8.24 ")
