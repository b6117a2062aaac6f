"""Pragma parsing and version resolution against the list of real solc releases."""

import pytest

from verify.compile.versions import (
    DEFAULT_VERSION,
    PragmaError,
    collect_pragmas,
    find_pragmas,
    known_versions,
    resolve_version,
)


def resolve(src: str) -> str:
    return resolve_version(find_pragmas(src, "t.sol"))


@pytest.mark.parametrize(
    "pragma, expected",
    [
        ("pragma solidity ^0.8.20;", "0.8.37"),
        ("pragma solidity 0.4.24;", "0.4.24"),
        ("pragma solidity =0.5.17;", "0.5.17"),
        ("pragma solidity >=0.4.22 <0.6.0;", "0.5.17"),
        ("pragma solidity >=0.4.22<0.6.0;", "0.5.17"),
        ("pragma solidity ^0.4.0;", "0.4.26"),
        ("pragma solidity ~0.6.2;", "0.6.12"),
        ("pragma solidity >0.7.0 <0.7.6;", "0.7.5"),
        ("pragma solidity ^0.5.0 || ^0.6.0;", "0.6.12"),
        ("pragma solidity 0.4.21 - 0.4.23;", "0.4.23"),
    ],
)
def test_resolves_to_newest_matching_release(pragma, expected):
    assert resolve(pragma) == expected


def test_no_pragma_uses_documented_default():
    assert resolve("contract A {}") == DEFAULT_VERSION == known_versions()[-1]


def test_commented_out_pragma_is_ignored():
    src = "// pragma solidity ^0.4.0;\n/* pragma solidity 0.5.1; */\npragma solidity 0.6.12;\n"
    assert [p.text for p in find_pragmas(src)] == ["0.6.12"]
    assert resolve(src) == "0.6.12"


def test_several_pragmas_intersect():
    src = "pragma solidity >=0.5.0;\npragma solidity <0.5.3;\n"
    assert resolve(src) == "0.5.2"


def test_unsatisfiable_pragma_names_line_and_lists_versions():
    with pytest.raises(PragmaError) as exc:
        resolve("// SPDX\n\npragma solidity ^0.9.0;\ncontract A {}")
    msg = str(exc.value)
    assert msg.startswith("t.sol:3: ")
    assert "^0.9.0" in msg
    assert "0.4.1-0.4.26" in msg and "0.8.0-0.8.37" in msg


def test_conflicting_pragmas_name_both():
    with pytest.raises(PragmaError) as exc:
        resolve("pragma solidity ^0.4.24;\npragma solidity ^0.8.0;\n")
    assert "conflicts" in str(exc.value) and "t.sol:1" in str(exc.value)


def test_garbage_pragma_is_a_clear_error():
    with pytest.raises(PragmaError) as exc:
        resolve("pragma solidity banana;")
    assert "cannot parse" in str(exc.value) and "t.sol:1" in str(exc.value)


def test_release_list_has_every_series_and_no_broken_040():
    vs = known_versions()
    assert "0.4.0" not in vs  # npm's 0.4.0 ships an HTML page instead of soljson.js
    for v in ("0.4.1", "0.4.11", "0.4.26", "0.5.17", "0.6.12", "0.7.6", "0.8.37"):
        assert v in vs


def test_pragmas_of_imports_are_included(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "L.sol").write_text("pragma solidity >=0.6.0 <0.6.9;\nlibrary L {}\n")
    main = tmp_path / "A.sol"
    main.write_text('pragma solidity ^0.6.0;\nimport "./lib/L.sol";\ncontract A {}\n')
    pragmas = collect_pragmas(main)
    assert sorted(p.text for p in pragmas) == [">=0.6.0 <0.6.9", "^0.6.0"]
    assert resolve_version(pragmas) == "0.6.8"
