"""Inputs as block explorers publish them: Etherscan multi-file JSON (plain and ``{{...}}``),
standard-JSON inputs with remappings and settings, files without a pragma, odd pragmas.

The sample in tests/corpus/deployed_inputs/ is verified with ``ouro verify --static-only`` (real
compiler, real Slither) in one batch, so each compiler release loads once; no file may end as
``compile-error``. The compile-error rate is printed (``pytest -s``) and asserted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from verify.project.explorer import ExplorerInputError, is_explorer_json, load_explorer_json

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "corpus" / "deployed_inputs"
# inputs that may end as compile-error, with the reason (none today)
EXPECTED_COMPILE_ERRORS: dict[str, str] = {}


def _ouro(*args, cwd=ROOT, timeout=900):
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return subprocess.run(["ouro", *map(str, args)], capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=timeout)


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("deployed") / "report.json"
    proc = _ouro("verify", "--static-only", "--format", "json", "--output", out,
                 SAMPLE.relative_to(ROOT))
    assert out.is_file(), proc.stderr[-3000:]
    return json.loads(out.read_text())["results"]


def test_sample_is_big_enough():
    files = sorted(p.name for p in SAMPLE.iterdir() if p.suffix in (".sol", ".json"))
    assert len(files) >= 20
    assert sum(f.endswith(".json") for f in files) >= 5 and sum(f.startswith("nopragma") for f in files) >= 4


def test_no_deployed_input_ends_as_compile_error(sample_report):
    statuses = Counter(r["status"] for r in sample_report)
    errors = {r["file"]: r["error"] for r in sample_report if r["status"] == "compile-error"}
    inputs = {r["file"].split(":", 1)[0] for r in sample_report}
    rate = len({f.split(":", 1)[0] for f in errors}) / len(inputs)
    print(f"\ndeployed-style inputs: {len(inputs)} files, {len(sample_report)} rows, {dict(statuses)}; "
          f"compile-error rate {rate:.1%}")
    unexpected = {f: e for f, e in errors.items() if Path(f.split(":", 1)[0]).name not in EXPECTED_COMPILE_ERRORS}
    assert not unexpected, "\n\n".join(f"{f}: {e}" for f, e in unexpected.items())
    assert all(r["status"] in ("ok", "partial") for r in sample_report), [
        (r["file"], r["status"], r["error"]) for r in sample_report if r["status"] not in ("ok", "partial")]


def test_rows_name_the_release_and_the_json_unit(sample_report):
    by_name = {r["file"].split("deployed_inputs/", 1)[-1]: r for r in sample_report}
    # a file without a pragma: the 0.4 era after 0.8 could not parse it, said in a note
    wallet = by_name["nopragma_wallet.sol"]
    assert wallet["compiler"].startswith("solc 0.4.26")
    assert any("no pragma: compiled with solc 0.4.26 after 0.8.37 failed" in n for n in wallet["notes"])
    # a 0.5-style file without a pragma: 0.4.26 fails to parse it too, 0.5.17 works
    assert by_name["nopragma_v05_style.sol"]["compiler"].startswith("solc 0.5.17")
    # the pragma allows 0.5, the code is 0.4: retried on 0.4.26
    old = by_name["range_0422_060_old_syntax.sol"]
    assert old["compiler"].startswith("solc 0.4.26") and any("after 0.5.17 failed to parse" in n for n in old["notes"])
    assert by_name["caret_space_049.sol"]["compiler"].startswith("solc 0.4.26")
    assert by_name["range_nospace.sol"]["compiler"].startswith("solc 0.5.17")
    # explorer JSON: one row per own unit, the library units left out; the named release pinned
    assert "etherscan_token_openzeppelin.json:contracts/RewardToken.sol" in by_name
    assert not any("@openzeppelin" in k for k in by_name)
    assert by_name["metadata_flag_07.json:contracts/Flag.sol"]["compiler"].startswith("solc 0.7.6")
    assert by_name["standard_json_staking_remapped.json:src/Staking.sol"]["compiler"].startswith("solc 0.8.20")
    for key, row in by_name.items():
        text = json.dumps(row)
        assert "ouro-explorer" not in text, (key, text[:500])  # written folder named as the JSON


# -- explorer JSON reading (no compiler) --------------------------------------------------------------

def test_double_brace_and_settings(tmp_path):
    src = load_explorer_json(SAMPLE / "etherscan_vault_double_brace.json")
    assert src.units[0] == "contracts/SimpleVault.sol" and src.version is None
    assert src.settings["optimizer"] == {"enabled": True, "runs": 200} and "outputSelection" not in src.settings
    assert all(p.is_file() and src.folder in p.parents for p in src.files.values())
    assert f"@openzeppelin/={src.folder}/@openzeppelin/" in src.remappings
    again = load_explorer_json(SAMPLE / "etherscan_vault_double_brace.json")
    assert again.folder == src.folder  # reused per content hash


def test_remappings_point_inside_the_folder():
    src = load_explorer_json(SAMPLE / "standard_json_staking_remapped.json")
    assert f"@oz/={src.folder}/lib/oz-lite/contracts/" in src.remappings
    assert src.settings["evmVersion"] == "paris" and src.settings["optimizer"]["runs"] == 10000
    assert load_explorer_json(SAMPLE / "metadata_flag_07.json").version == "0.7.6"


def test_unit_names_never_leave_the_folder(tmp_path):
    j = tmp_path / "evil.json"
    j.write_text(json.dumps({"/etc/A.sol": {"content": "contract A {}"},
                             "../../../B.sol": {"content": "contract B {}"},
                             "x/../../C.sol": {"content": "contract C {}"}}))
    src = load_explorer_json(j)
    for p in src.files.values():
        assert src.folder in p.resolve().parents and p.is_file()
    assert sorted(os.path.relpath(p, src.folder) for p in src.files.values()) == ["B.sol", "C.sol", "etc/A.sol"]


def test_bad_inputs_name_file_and_field_or_line(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "A.sol": {"content": "contract A {}"},\n  oops\n}')
    with pytest.raises(ExplorerInputError, match=r"bad\.json:3:3: not valid JSON"):
        load_explorer_json(bad)
    urls = tmp_path / "urls.json"
    urls.write_text(json.dumps({"language": "Solidity", "sources": {"A.sol": {"urls": ["bzz-raw://00"]}}}))
    with pytest.raises(ExplorerInputError, match=r"urls\.json: field 'sources\.A\.sol' has only 'urls'"):
        load_explorer_json(urls)
    assert not is_explorer_json(tmp_path / "nothing.json")
    (tmp_path / "package.json").write_text('{"name": "x", "version": "1.0.0"}')
    assert not is_explorer_json(tmp_path / "package.json") and is_explorer_json(SAMPLE / "metadata_flag_07.json")


def test_unreadable_json_is_an_error_row(tmp_path):
    from verify.batch import discover
    from verify.batch.inputs import inspect_input

    bad = tmp_path / "Input.json"
    bad.write_text('{{"language": "Solidity", "sources": {"A.sol": {"urls": []}}}}')
    paths = discover([bad])
    assert paths == [bad]
    row = inspect_input(paths[0], "Input.json").problem
    assert row["status"] == "error" and "has only 'urls'" in row["error"]


def test_discover_expands_named_and_folder_json(tmp_path):
    from verify.batch.discover import discover, display_name

    (tmp_path / "package.json").write_text('{"name": "x"}')
    paths = discover([tmp_path, SAMPLE / "etherscan_ballot_multifile.json"])
    names = [display_name(p) for p in paths]
    assert len(names) == 2 and names[0].endswith("etherscan_ballot_multifile.json:Ballot.sol")
    assert names[1].endswith(":Owned.sol")
