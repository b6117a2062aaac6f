"""`ouro verify --diff REF`: only findings in code changed since REF, in a real git repository."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from verify.diff_scope import DiffError, changed_code, scope_results

VULNERABLE = Path(__file__).resolve().parent / "fixtures" / "vulnerable"


def git(cwd, *args):
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false",
                    *args], cwd=cwd, check=True, capture_output=True)


def ouro(env, *args, cwd):
    return subprocess.run(["ouro", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300)


@pytest.fixture
def repo(tmp_path):
    for name in ("ReentrancyBank08.sol", "TxOriginWallet04.sol"):
        shutil.copy(VULNERABLE / name, tmp_path / name)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "base")
    return tmp_path


def test_only_findings_in_changed_code_are_reported(ouro_env, repo):
    bank = repo / "ReentrancyBank08.sol"
    bank.write_text(bank.read_text().replace(
        "balances[msg.sender] += msg.value;",
        'balances[msg.sender] += msg.value;\n        (bool sent, ) = msg.sender.call("");\n        require(sent);'))
    proc = ouro(ouro_env, "verify", ".", "--static-only", "--diff", "HEAD", "--format", "json", cwd=repo)
    assert proc.returncode == 0, proc.stderr  # the new low-level call is informational; withdraw is not in the diff
    assert "--diff HEAD: 1 of 2 file(s) changed" in proc.stderr
    (entry,) = json.loads(proc.stdout)["results"]  # the wallet did not change: not verified
    assert entry["file"] == "ReentrancyBank08.sol"
    assert {(f["check"], f["function"]) for f in entry["findings"]} == {("low-level-calls", "deposit")}
    assert any("outside the changes since HEAD are not shown (--diff)" in n for n in entry["notes"])

    # an edit to withdraw's flagged call: the high finding is in the diff, exit 1
    bank.write_text(bank.read_text().replace('msg.sender.call{value: amount}("")',
                                             'payable(msg.sender).call{value: amount}("")'))
    proc = ouro(ouro_env, "verify", ".", "--static-only", "--diff", "HEAD", "--format", "json", cwd=repo)
    assert proc.returncode == 1, proc.stderr
    checks = {f["check"] for f in json.loads(proc.stdout)["results"][0]["findings"]}
    assert "reentrancy-eth" in checks

    # committed: nothing changed since HEAD, an empty report and exit 0; since the base, the edits
    git(repo, "commit", "-q", "-am", "edit")
    proc = ouro(ouro_env, "verify", ".", "--static-only", "--diff", "HEAD", "--format", "sarif", cwd=repo)
    assert proc.returncode == 0 and json.loads(proc.stdout)["runs"][0]["results"] == []
    assert ouro(ouro_env, "verify", ".", "--static-only", "--diff", "HEAD~1", cwd=repo).returncode == 1


def test_a_new_file_counts_entirely(ouro_env, repo):
    shutil.copy(VULNERABLE / "UncheckedSend04.sol", repo / "New.sol")  # untracked
    proc = ouro(ouro_env, "verify", ".", "--static-only", "--diff", "HEAD", "--format", "json", cwd=repo)
    (entry,) = json.loads(proc.stdout)["results"]
    assert entry["file"] == "New.sol" and entry["findings"]
    assert not any("--diff" in n for n in entry["notes"])


def test_bad_ref_or_no_repository_is_a_clear_error(ouro_env, repo, tmp_path_factory):
    proc = ouro(ouro_env, "verify", ".", "--static-only", "--diff", "no-such-branch", cwd=repo)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "--diff no-such-branch: not a commit in the repository" in proc.stderr
    plain = tmp_path_factory.mktemp("plain")
    shutil.copy(VULNERABLE / "TxOriginWallet04.sol", plain)
    proc = ouro(ouro_env, "verify", ".", "--static-only", "--diff", "HEAD", cwd=plain)
    assert proc.returncode == 2 and "is not in a git repository" in proc.stderr and "Traceback" not in proc.stderr


def test_hunks_deletions_renames_and_odd_names(repo):
    lines = [f"line {i}" for i in range(1, 11)]
    (repo / "a b é.sol").write_text("\n".join(lines) + "\n")
    (repo / "gone.sol").write_text("x\n")
    (repo / "old.sol").write_text("\n".join(lines) + "\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "more")
    edited = lines[:]
    edited[2] = "line three"  # line 3 modified
    del edited[6]  # line 7 deleted: 6 and 7 (the old 8) border it
    edited.append("line 11")  # line 10 added at the end
    (repo / "a b é.sol").write_text("\n".join(edited) + "\n")
    (repo / "gone.sol").unlink()
    git(repo, "mv", "old.sol", "renamed.sol")
    (repo / "added.sol").write_text("new\n")
    git(repo, "add", "added.sol")

    changed = changed_code("HEAD", repo)
    assert changed.lines[(repo / "a b é.sol").resolve()] == {3, 6, 7, 10}
    assert changed.touches(repo / "a b é.sol", [1, 2, 7]) and not changed.touches(repo / "a b é.sol", [1, 2, 4, 5])
    assert changed.touches(repo / "added.sol", []) and not changed.touches_file(repo / "renamed.sol")
    assert not changed.touches_file(repo / "gone.sol") and not changed.touches_file(repo / "TxOriginWallet04.sol")

    results = [{"file": "a b é.sol", "findings": [{"lines": [3]}, {"lines": [4]}, {"lines": []}], "notes": []},
               {"file": str(repo / "TxOriginWallet04.sol"), "findings": [{"lines": [17]}], "notes": []}]
    kept, left = scope_results(results, changed, repo)
    assert left == 3 and [r["findings"] for r in kept] == [[{"lines": [3]}]]
    with pytest.raises(DiffError, match="not a commit"):
        changed_code("--output=x", repo)
