"""Real compiles across compiler generations, and the errors users see for bad input."""

import subprocess

import pytest

from verify.compile import CompileError, Compiler


@pytest.mark.parametrize(
    "name, version, contract",
    [
        ("v04_bank.sol", "0.4.24", "Bank04"),
        ("v05_wallet.sol", "0.5.17", "Wallet05"),
        ("v06_killable.sol", "0.6.12", "Killable06"),
        ("v07_lottery.sol", "0.7.6", "Lottery07"),
        ("v08_token.sol", "0.8.37", "Token08"),
    ],
)
def test_compiles_each_generation(compiler, fixtures_dir, name, version, contract):
    res = compiler.compile_file(fixtures_dir / name)
    assert res.version == version
    c = res.contract(contract)
    assert c.bytecode and len(c.bytecode) > 100
    assert c.deployed_bytecode
    assert any(item.get("type") == "function" for item in c.abi)


def test_openzeppelin_import_resolves_from_node_modules(compiler, fixtures_dir):
    res = compiler.compile_file(fixtures_dir / "v08_token.sol")
    sources = {c.source for c in res.contracts.values()}
    assert any(s.endswith("@openzeppelin/contracts/token/ERC20/ERC20.sol") for s in sources)
    assert res.contract("Token08").method_identifiers["mint(address,uint256)"] == "40c10f19"
    assert [c.name for c in res.own_contracts()] == ["Token08"]


def test_same_source_compiles_with_an_explicit_older_release(compiler, fixtures_dir):
    res = compiler.compile_file(fixtures_dir / "Counter.sol", version="0.8.20")
    assert res.version == "0.8.20"
    assert res.contract("Counter").method_identifiers["inc()"] == "371303c0"


def test_syntax_error_names_file_and_line(compiler, fixtures_dir):
    with pytest.raises(CompileError) as exc:
        compiler.compile_file(fixtures_dir / "bad_syntax.sol")
    (diag,) = exc.value.diagnostics
    assert diag.file.endswith("bad_syntax.sol")
    assert diag.line == 7 and diag.type == "ParserError"
    assert "bad_syntax.sol:7:" in str(exc.value)


def test_old_compiler_error_names_file_and_line(compiler, tmp_path):
    src = tmp_path / "Old.sol"
    src.write_text("pragma solidity 0.4.24;\ncontract A {\n  function f() { undefinedThing(); }\n}\n")
    with pytest.raises(CompileError) as exc:
        compiler.compile_file(src)
    diag = exc.value.diagnostics[0]
    assert (diag.file, diag.line, diag.type) == (str(src), 3, "DeclarationError")


def test_unsatisfiable_pragma_lists_available_versions(compiler, fixtures_dir):
    with pytest.raises(CompileError) as exc:
        compiler.compile_file(fixtures_dir / "bad_pragma.sol")
    msg = str(exc.value)
    assert "bad_pragma.sol:2:1" in msg
    assert "available versions: 0.4.1-0.4.26, 0.5.0-0.5.17, 0.6.0-0.6.12, 0.7.0-0.7.6, 0.8.0-0.8.37" in msg


def test_missing_import_is_a_compile_error(compiler, tmp_path):
    src = tmp_path / "Imp.sol"
    src.write_text('pragma solidity ^0.8.20;\nimport "./Nope.sol";\ncontract A {}\n')
    with pytest.raises(CompileError) as exc:
        compiler.compile_file(src)
    assert "Nope.sol" in str(exc.value) and exc.value.diagnostics[0].line == 2


def test_binary_file_is_a_clear_error(compiler, tmp_path):
    f = tmp_path / "blob.sol"
    f.write_bytes(b"\x00\xff\xfe\x00binary")
    with pytest.raises(CompileError) as exc:
        compiler.compile_file(f)
    assert "not UTF-8" in str(exc.value)


def test_cli_compile_reports_errors_without_traceback(ouro_env, fixtures_dir):
    proc = subprocess.run(
        ["ouro", "compile", str(fixtures_dir / "bad_syntax.sol"), str(fixtures_dir / "bad_pragma.sol"),
         str(fixtures_dir / "Counter.sol")],
        capture_output=True, text=True, env=ouro_env, timeout=300,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "bad_syntax.sol:7:9: ParserError" in proc.stderr
    assert "available versions:" in proc.stderr
    assert "ok " in proc.stdout and "Counter" in proc.stdout  # the good file still compiled


def test_persistent_server_reuses_loaded_compiler(fixtures_dir):
    from verify.compile.server import SolcJsServer

    server = SolcJsServer()
    try:
        c = Compiler(install=False)
        c_input = {"language": "Solidity", "sources": {"A.sol": {"content": (fixtures_dir / "Counter.sol").read_text()}},
                   "settings": {"outputSelection": {"*": {"*": ["abi"]}}}}
        for _ in range(5):
            out = server.compile("0.8.37", c_input)
            assert "Counter" in out["contracts"]["A.sol"]
        pid = server._proc.pid
        assert server.compiles == 5
        server._proc.kill()  # a crashed server is restarted on the next request
        server._proc.wait()
        out = server.compile("0.4.24", {"language": "Solidity", "sources": {"B.sol": {"content": "pragma solidity 0.4.24; contract B {}"}},
                                        "settings": {"outputSelection": {"*": {"*": ["abi"]}}}})
        assert "B" in out["contracts"]["B.sol"] and server._proc.pid != pid
        assert c.remappings()  # @openzeppelin/ remapped to node_modules
    finally:
        server.close()


def test_native_solc_is_preferred_when_present(tmp_path, monkeypatch):
    """A native binary in py-solc-x's folder wins over solc-js; the shim there does not count."""
    import shutil

    from verify.compile import NativeSolc, SolcJs, install_into_solcx, select_backend

    monkeypatch.setenv("SOLCX_BINARY_PATH", str(tmp_path))
    install_into_solcx("0.8.37")  # our shim: not native
    assert "0.8.37" not in NativeSolc().installed_versions()
    assert isinstance(select_backend("0.8.37", install=False), SolcJs)
    native = tmp_path / "solc-v0.7.6"
    shutil.copy("/bin/true", native)  # an ELF executable stands in for a native solc binary
    assert isinstance(select_backend("0.7.6", install=False), NativeSolc)
    assert select_backend("0.7.6", install=False).executable("0.7.6") == native


def test_a_repeated_compile_is_remembered_until_an_import_changes(tmp_path):
    lib = tmp_path / "Lib.sol"
    lib.write_text("// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\n"
                   "library Lib { function one() internal pure returns (uint) { return 1; } }\n")
    main = tmp_path / "Main.sol"
    main.write_text("// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\nimport './Lib.sol';\n"
                    "contract Main { function f() external pure returns (uint) { return Lib.one(); } }\n")
    compiler = Compiler()
    first = compiler.compile_file(main)
    assert compiler.compile_file(main) is first  # same input, imports unchanged: not compiled again
    lib.write_text("// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\n"
                   "library Lib { function one() internal pure returns (uint) { return 2 + 0; } }\n")
    again = compiler.compile_file(main)
    assert again is not first
    assert again.contract("Main").bytecode != first.contract("Main").bytecode
    lib.write_text("pragma solidity ^0.8.0;\nlibrary Lib {}\n")
    with pytest.raises(CompileError):  # a broken import is seen too, never served from memory
        compiler.compile_file(main)
