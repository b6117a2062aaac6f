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


# -- lenient pragmas: as solc of each era read them --------------------------------------------------

@pytest.mark.parametrize(
    "pragma, expected",
    [
        ("pragma solidity ^ 0.4 .9;", "0.4.26"),  # the scanner split '0.4' and '.9'
        ("pragma solidity ^0.4 .9;", "0.4.26"),
        ("pragma solidity >= 0.4.22 < 0.6.0;", "0.5.17"),
        ("pragma solidity 0.4.24;", "0.4.24"),
        ("pragma solidity =0.5.1;", "0.5.1"),
        ("pragma solidity = 0.5.1;", "0.5.1"),
        ("pragma solidity >0.4.99<0.6;", "0.5.17"),
        ("pragma solidity >0.4.99 <0.6.0;", "0.5.17"),
        ("pragma solidity ~0.4;", "0.4.26"),
        ("pragma solidity 0.4.x;", "0.4.26"),
        ("pragma solidity 0.5;", "0.5.17"),
        ("pragma solidity ^0.6;", "0.6.12"),
        ("pragma solidity *;", DEFAULT_VERSION),
        ("pragma solidity ^0.4.24||^0.5.0;", "0.5.17"),
        ("pragma solidity ^0.4.24 || >= 0.6.0 < 0.7;", "0.6.12"),
        ("pragma solidity 0.4.21-0.4.23;", "0.4.23"),
        ("pragma solidity >=0.5.0<=0.5.3;", "0.5.3"),
    ],
)
def test_lenient_pragmas(pragma, expected):
    assert resolve(pragma) == expected


@pytest.mark.parametrize("text", ["^", ">=0.4.0 <", "|| ^0.5.0", "^0.5.0 ||", ">= ^0.5.0", "0.4.1 -", "v0.5"])
def test_broken_pragmas_stay_clear_errors(text):
    with pytest.raises(PragmaError) as exc:
        resolve(f"pragma solidity {text};")
    assert "cannot parse" in str(exc.value) and "t.sol:1" in str(exc.value)


def test_normalized_text_is_npm_semver():
    from verify.compile.versions import _normalize

    assert _normalize("^ 0.4 .9") == "^0.4.9"
    assert _normalize(">= 0.4.22 < 0.6.0") == ">=0.4.22 <0.6.0"
    assert _normalize(">0.4.99<0.6") == ">0.4.99 <0.6"
    assert _normalize("=0.5.1") == "0.5.1"
    assert _normalize("^0.5.0||^0.6.0") == "^0.5.0 || ^0.6.0"


def test_allowed_versions_newest_first():
    from verify.compile.versions import allowed_versions

    got = allowed_versions(find_pragmas("pragma solidity >=0.4.22 <0.6.0;", "t.sol"))
    assert got[0] == "0.5.17" and got[-1] == "0.4.22" and "0.4.26" in got


# -- which releases a file is tried on ----------------------------------------------------------

def test_candidates_without_pragma_are_bounded_and_start_with_the_default():
    from verify.compile.retry import MAX_ATTEMPTS, candidate_versions

    got = candidate_versions(None)
    assert got == [DEFAULT_VERSION, "0.4.26", "0.5.17", "0.6.12", "0.7.6"] and len(got) <= MAX_ATTEMPTS


def test_candidates_of_a_range_newest_of_each_series_then_the_oldest():
    from verify.compile.retry import candidate_versions
    from verify.compile.versions import allowed_versions

    allowed = allowed_versions(find_pragmas("pragma solidity >=0.4.22 <0.6.0;", "t.sol"))
    assert candidate_versions(allowed) == ["0.5.17", "0.4.26", "0.4.22"]
    assert candidate_versions(allowed_versions(find_pragmas("pragma solidity 0.4.24;"))) == ["0.4.24"]


def test_parse_failure_is_not_a_type_error_of_a_real_bug():
    from verify.compile import Diagnostic
    from verify.compile.retry import is_parse_failure

    parse = Diagnostic("error", "ParserError", "Expected ';' but got 'throw'")
    removed = Diagnostic("error", "TypeError", '"sha3" has been deprecated in favour of "keccak256"')
    bug = Diagnostic("error", "TypeError", "Member \"foo\" not found or not visible after argument-dependent lookup")
    missing = Diagnostic("error", "ParserError", 'Source "x.sol" not found: File not found.')
    assert is_parse_failure([parse]) and is_parse_failure([parse, removed])
    assert not is_parse_failure([parse, bug]) and not is_parse_failure([missing])


def test_imports_followed_through_remappings(tmp_path):
    (tmp_path / "dep").mkdir()
    (tmp_path / "dep" / "L.sol").write_text("pragma solidity >=0.6.0 <0.6.5;\nlibrary L {}\n")
    main = tmp_path / "A.sol"
    main.write_text('pragma solidity ^0.6.0;\nimport "lib/L.sol";\ncontract A {}\n')
    pragmas = collect_pragmas(main, remappings=[f"lib/={tmp_path / 'dep'}/"])
    assert resolve_version(pragmas) == "0.6.4"
