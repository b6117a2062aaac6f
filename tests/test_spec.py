"""Spec loading, validation errors with file:line:field, the invariant parser, and escaping."""

from __future__ import annotations

import json
import subprocess

import pytest

from synth.kinds import all_kinds, get_kind
from synth.solidity_text import comment_text, string_literal
from synth.spec import InvariantSyntaxError, SpecError, load_spec, parse_invariant, spec_schema
from synth.spec.invariants import Call, Compare, Name, OnlyChanges, SumOver


def _write(tmp_path, text, name="spec.yaml"):
    p = tmp_path / name
    p.write_text(text)
    return p


def _problems(tmp_path, text, name="spec.yaml") -> list[str]:
    with pytest.raises(SpecError) as exc:
        load_spec(_write(tmp_path, text, name))
    return exc.value.problems


def test_valid_spec_fills_defaults_and_parses_units(tmp_path):
    s = load_spec(_write(tmp_path, "kind: erc20\nname: Tok\noptions: {capped: true}\n"
                                   "parameters: {cap: '2_000_000', premint: 1e3}\n"))
    assert s.kind == "erc20" and s.access == "ownable" and s.upgradeability == "none"
    assert s.options.capped and not s.options.mintable
    assert s.parameters.cap == 2_000_000 and s.parameters.premint == 1000


@pytest.mark.parametrize("text, expected", [
    ("kind: erc2O\nname: X\n", "spec.yaml:1: kind: unknown kind 'erc2O'; did you mean 'erc20'?"),
    ("name: X\n", "kind: missing 'kind'"),
    ("kind: erc20\nname: X\noptions:\n  mintabel: true\n",
     "spec.yaml:4: options.mintabel: unknown field 'mintabel'; did you mean 'mintable'?"),
    ("kind: erc20\nname: X\nparameters:\n  premint: lots\n",
     "spec.yaml:4: parameters.premint: expected a whole number of tokens, got 'lots'"),
    ("kind: erc20\nname: X\noptions:\n  mintable: maybe\n", "spec.yaml:4: options.mintable:"),
    ("kind: erc20\nname: X\naccess: rolez\n", "spec.yaml:3: access: must be 'ownable', 'roles' or 'managed'; "
                                             "did you mean 'roles'?"),
    ("kind: erc20\nname: X\nsymbol: T\n", "spec.yaml:3: symbol: unknown field 'symbol'"),
    ("kind: erc20\nname: X\ninvariants:\n  - totalSupply() > 0\n  - totalSupply( <= 3\n",
     "spec.yaml:5: invariants.1: expected a number, name or '(', found '<=' at column 14"),
    ('kind: erc20\nname: "*/ function kill() public {}"\n', "spec.yaml:2: name: must be a Solidity identifier"),
    ("kind: erc20\nname: contract\n", "spec.yaml:2: name: 'contract' is a Solidity keyword"),
    ("kind: erc20\nname: X\nupgradeability: uupz\n", "upgradeability: must be"),
    ("kind: [\n", "spec.yaml:2: not valid YAML"),
    ("- a\n- b\n", "spec.yaml:1: a spec is a mapping"),
])
def test_bad_specs_name_line_field_and_suggestion(tmp_path, text, expected):
    problems = _problems(tmp_path, text)
    assert any(expected in p for p in problems), problems


def test_json_specs_are_read_with_lines(tmp_path):
    problems = _problems(tmp_path, '{\n "kind": "erc20",\n "name": "X",\n "options": {"pausible": true}\n}\n',
                         "spec.json")
    assert problems == ["%s:4: options.pausible: unknown field 'pausible'; did you mean 'pausable'?"
                        % (tmp_path / "spec.json")]


def test_every_problem_is_reported_at_once(tmp_path):
    problems = _problems(tmp_path, "kind: erc20\nname: 1abc\noptions:\n  minty: true\nparameters:\n  cap: -5\n")
    fields = [p.split(": ")[1] for p in problems]
    assert fields == ["name", "options.minty", "parameters.cap"], problems


def test_missing_and_binary_files(tmp_path):
    with pytest.raises(SpecError, match="no such spec file"):
        load_spec(tmp_path / "nope.yaml")
    p = tmp_path / "bin.yaml"
    p.write_bytes(b"\xff\xfe\x00kind")
    with pytest.raises(SpecError, match="not UTF-8"):
        load_spec(p)


def test_invariant_ast():
    ast = parse_invariant("totalSupply() == sum(balanceOf(a) for a in actors)")
    assert ast == Compare("==", Call("totalSupply", ()), SumOver(Call("balanceOf", (Name("a"),)), "a", "actors"))
    assert parse_invariant("only(owner) changes fee") == OnlyChanges("owner", Name("fee"))
    assert parse_invariant("balance(this) >= 1 ether").right.value == 10**18
    with pytest.raises(InvariantSyntaxError, match="column 3"):
        parse_invariant("a # b")
    with pytest.raises(InvariantSyntaxError, match="unexpected"):
        parse_invariant("a == b c")
    # Python that would run if this were eval'd is just a syntax error here
    with pytest.raises(InvariantSyntaxError):
        parse_invariant("__import__('os').system('true')")


def test_user_text_cannot_escape_strings_or_comments():
    lit = string_literal('a"b\\c\n*/ } function kill() { selfdestruct(payable(msg.sender)); } /*é')
    assert lit.startswith('"') and lit.endswith('"')
    inner = lit[1:-1]
    assert '"' not in inner.replace('\\"', "") and "\n" not in inner
    lines = comment_text("nice token */ function kill() public {} /* @notice x\u2028y")
    assert all("*/" not in ln and "/*" not in ln and "@" not in ln for ln in lines)


def test_malicious_description_and_token_name_stay_inside(tmp_path):
    s = load_spec(_write(tmp_path, 'kind: erc20\nname: Tok\ndescription: "x */ contract Evil {} /*"\n'
                                   'parameters: {token_name: "T\\" ); function kill() public {} //"}\n'))
    src = get_kind("erc20").render(s)
    body = src.split("contract Tok", 1)[1]
    assert "contract Evil" not in src.split("*/", 1)[1]  # the comment is not closed by user text
    assert "function kill" not in body.replace('function kill() public {} //"', "")


def test_schema_covers_every_kind_and_is_exported_by_the_cli(ouro_env):
    schema = spec_schema()
    text = json.dumps(schema)
    for name in all_kinds():
        assert f'"const": "{name}"' in text or f'"{name}"' in text
    out = subprocess.run(["ouro", "spec", "schema"], env=ouro_env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and json.loads(out.stdout)["title"] == "ouro contract spec"


def test_every_example_spec_is_valid():
    from pathlib import Path

    specs = sorted((Path(__file__).resolve().parent.parent / "examples" / "specs").glob("*.yaml"))
    assert specs
    for p in specs:
        load_spec(p)
