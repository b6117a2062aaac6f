"""Finding ids are stable fingerprints: unrelated edits keep them, editing the flagged code changes them."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from verify.findings import Finding, assign_fingerprints, flagged_code, strip_comments

VULNERABLE = Path(__file__).resolve().parent / "fixtures" / "vulnerable"


def ouro(env, *args, cwd):
    return subprocess.run(["ouro", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300)


def verify_json(env, cwd, name="ReentrancyBank08.sol", *extra):
    proc = ouro(env, "verify", name, "--static-only", "--format", "json", *extra, cwd=cwd)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)["results"][0], proc


def by_check(entry):
    return {(f["check"], f["function"]): f for f in entry["findings"]}


def test_comments_and_whitespace_do_not_count_strings_do():
    text = 'a = "http://x"; // note\n/* two\nlines */ b  =  1; /* x */ c\nd = \'it\\\'s\' // y\n'
    assert strip_comments(text).count("\n") == text.count("\n")  # line numbers stay
    assert flagged_code(text, [1, 2, 3, 4]) == "a=\"http://x\";b=1;cd='it\\'s'"
    assert flagged_code(text, [3]) == "b=1;c" and flagged_code(text, [99]) == ""


def test_the_same_code_twice_is_numbered_and_the_same_lines_twice_is_one_finding(tmp_path):
    src = tmp_path / "T.sol"
    src.write_text("contract T {\n function f() public {\n  x.call(\"\");\n  x.call(\"\");\n }\n}\n")

    def f(lines):
        return Finding("low-level-calls", "other", "informational", "high", "slither", "", file=str(src),
                       contract="T", function="f", lines=lines)

    a, b, again = assign_fingerprints([f([4]), f([3]), f([3])])
    assert (a.occurrence, b.occurrence, again.occurrence) == (1, 0, 0)
    assert b.id == again.id != a.id
    moved = tmp_path / "sub" / "T.sol"  # another folder, same name: same ids
    moved.parent.mkdir()
    moved.write_text("// moved\n" + src.read_text())
    one, two = assign_fingerprints([Finding("low-level-calls", "other", "informational", "high", "slither", "",
                                            file=str(moved), contract="T", function="f", lines=n) for n in ([4], [5])])
    assert (one.id, two.id) == (b.id, a.id)


def test_ids_survive_unrelated_edits_and_the_baseline_sees_nothing_new(ouro_env, tmp_path):
    bank = tmp_path / "ReentrancyBank08.sol"
    shutil.copy(VULNERABLE / "ReentrancyBank08.sol", bank)
    before, _ = verify_json(ouro_env, tmp_path)
    (tmp_path / "old.json").write_text(json.dumps({"tool": {"name": "ouro"}, "results": [before]}))
    old = by_check(before)
    assert ("reentrancy-eth", "withdraw") in old

    text = bank.read_text()
    text = "// SPDX-License-Identifier: MIT\n\n/* an audit note,\n   over lines */\n" + text.split("\n", 1)[1]
    text = text.replace("balances[msg.sender] += msg.value;",
                        "require(msg.value > 0, \"empty\"); // another function changes\n"
                        "        balances[msg.sender] += msg.value;")
    text = text.replace('(bool ok, ) = msg.sender.call{value: amount}("");',
                        '(bool ok, )  =  msg.sender.call{value: amount}(""); // reformatted, commented')
    bank.write_text(text)
    after, _ = verify_json(ouro_env, tmp_path)
    new = by_check(after)
    assert new.keys() == old.keys()
    for key, f in new.items():
        assert f["id"] == old[key]["id"], key
    assert new[("reentrancy-eth", "withdraw")]["lines"] != old[("reentrancy-eth", "withdraw")]["lines"]  # moved

    proc = ouro(ouro_env, "verify", bank.name, "--static-only", "--baseline", "old.json", "--format", "json",
                cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr  # the high finding is known: nothing fails
    entry = json.loads(proc.stdout)["results"][0]
    assert entry["findings"] == []
    assert f"{len(old)} finding(s) already in the baseline are not shown" in entry["notes"]

    # the flagged statement itself changes: a new id, a new finding for the baseline
    bank.write_text(text.replace("msg.sender.call{value: amount}", "payable(msg.sender).call{value: amount}"))
    changed, proc = verify_json(ouro_env, tmp_path, bank.name, "--baseline", "old.json")
    ids = {f["check"]: f["id"] for f in changed["findings"]}
    assert "reentrancy-eth" in ids and ids["reentrancy-eth"] != old[("reentrancy-eth", "withdraw")]["id"]
    assert proc.returncode == 1
