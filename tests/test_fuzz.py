"""`ouro fuzz` on real compiles, pyrevm campaigns and Anvil replays: assertion mode, property
functions, Foundry invariant contracts, shrinking, exports that forge and brownie run, campaigns
(corpus, workers, seed, Ctrl-C) and the messages for what cannot be fuzzed."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fuzz_tools import brownie_test, forge_test
from verify.compile import Compiler
from verify.fuzz import FuzzOptions, fuzz_file

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "tests" / "fixtures" / "fuzz"
OURO = str(Path(sys.executable).parent / "ouro")


def _fuzz(path, **kw):
    return fuzz_file(path, Compiler(install=False), FuzzOptions(**kw))


def _line_of(path: Path, marker: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if marker in line)


def test_assertion_and_property_found_shrunk_replayed_and_exported(tmp_path):
    src = FIX / "LotteryEscrow.sol"
    entry = _fuzz(src, max_examples=8000, seed=1, export=tmp_path / "exp")
    assert entry["status"] == "ok", entry
    by_check = {f["check"]: f for f in entry["findings"]}
    assert set(by_check) == {"assertion-failure", "property-failure"}, entry["findings"]
    asserted = by_check["assertion-failure"]
    assert asserted["lines"] == [_line_of(src, "ouro-fuzz-fixture: assertion")]
    assert asserted["function"] == "refund" and asserted["contract"] == "LotteryEscrow"
    prop = by_check["property-failure"]
    assert prop["function"] == "echidna_pot_matches_tickets"  # echidna_never_drawn_early holds
    for f in entry["findings"]:
        ev = f["evidence"]
        assert f["confirmed"] is True and ev["replay"]["reproduced"] is True
        assert len(ev["steps"]) == len(ev["replay"]["tx_hashes"]) > 0
    # shrunk: one purchase and one refund break the books
    assert [s["function"].split("(")[0] for s in prop["evidence"]["steps"]] == ["buy", "refund"]
    assert len(asserted["evidence"]["steps"]) <= 5  # two rounds, a purchase, the refund

    forge = forge_test(tmp_path / "exp" / "foundry")
    out = forge.stdout + forge.stderr
    assert forge.returncode != 0 and "0 passed; 1 failed" in out, out[-3000:]
    assert "panic: assertion failed (0x01)" in out
    assert "property echidna_pot_matches_tickets__ fails" in out or "echidna_pot_matches_tickets" in out

    brownie = brownie_test(tmp_path / "exp" / "brownie")
    out = brownie.stdout + brownie.stderr
    assert brownie.returncode != 0 and "2 failed" in out, out[-3000:]
    assert "assertion on line" in out and "returned false" in out


def test_foundry_invariant_contract(tmp_path):
    src = FIX / "StakingPoolInvariants.t.sol"
    entry = _fuzz(src, max_examples=3000, seed=0, export=tmp_path / "exp")
    assert entry["status"] == "ok", entry
    [f] = entry["findings"]  # invariant_total_covers_operator holds
    assert f["check"] == "property-failure" and f["function"] == "invariant_solvent"
    assert f["lines"] == [_line_of(src, "function invariant_solvent")]
    assert "pool owes more than it holds" in f["message"]
    assert [s["function"] for s in f["evidence"]["steps"]] == ["stake()", "emergencyExit()"]
    assert f["confirmed"] is True
    forge = forge_test(tmp_path / "exp" / "foundry")
    out = forge.stdout + forge.stderr
    assert forge.returncode != 0 and "pool owes more than it holds" in out, out[-3000:]
    brownie = brownie_test(tmp_path / "exp" / "brownie")
    out = brownie.stdout + brownie.stderr
    assert brownie.returncode != 0 and "1 failed" in out and "invariant_solvent" in out, out[-3000:]


def _maze_generator():
    spec = importlib.util.spec_from_file_location("maze_gen", ROOT / "benchmarks" / "maze_gen.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["maze_gen"] = mod
    spec.loader.exec_module(mod)
    return mod


def test_maze_cell_assertions_replay_and_export(tmp_path):
    files = _maze_generator().generate(3, 4)
    maze = tmp_path / "Maze.sol"
    maze.write_text(files["Maze.sol"])
    entry = _fuzz(maze, max_examples=6000, seed=2, export=tmp_path / "exp")
    hits = [f for f in entry["findings"] if f["check"] == "assertion-failure"]
    assert len(hits) >= 2, entry
    text = maze.read_text().splitlines()
    for f in hits:
        assert f["confirmed"] is True
        assert "assert(false)" in text[f["lines"][0] - 1]
    assert len({f["lines"][0] for f in hits}) == len(hits)  # distinct asserts, one finding each
    forge = forge_test(tmp_path / "exp" / "foundry")
    out = forge.stdout + forge.stderr
    assert forge.returncode != 0 and f"{len(hits)} failed" in out and "passed; 0 failed" not in out, out[-3000:]
    brownie = brownie_test(tmp_path / "exp" / "brownie")
    out = brownie.stdout + brownie.stderr
    assert brownie.returncode != 0 and f"{len(hits)} failed" in out, out[-3000:]


def test_seed_gives_the_same_campaign():
    a = _fuzz(FIX / "LotteryEscrow.sol", max_examples=1500, seed=7, replay=False)
    b = _fuzz(FIX / "LotteryEscrow.sol", max_examples=1500, seed=7, replay=False)
    assert a["fuzz"]["campaigns"][0]["transactions"] == b["fuzz"]["campaigns"][0]["transactions"]
    assert [f["evidence"]["steps"] for f in a["findings"]] == [f["evidence"]["steps"] for f in b["findings"]]


def test_corpus_is_kept_across_runs_and_shared_by_workers(tmp_path):
    corpus = tmp_path / "corpus"
    first = _fuzz(FIX / "LotteryEscrow.sol", max_examples=3000, seed=1, corpus=corpus, workers=2, replay=False)
    files = list((corpus / "LotteryEscrow").glob("*.json"))
    assert files and len(files) >= first["fuzz"]["campaigns"][0]["corpus"] // 2
    assert first["fuzz"]["workers"] == 2 and first["findings"]
    again = _fuzz(FIX / "LotteryEscrow.sol", max_examples=1, seed=5, corpus=corpus, replay=False)
    # one new sequence, yet the paths of the kept corpus are known from the start
    assert again["fuzz"]["campaigns"][0]["coverage"] >= 0.9 * first["fuzz"]["campaigns"][0]["coverage"] / 2


def _cli(*args, **kw):
    return subprocess.run([OURO, "fuzz", *map(str, args)], capture_output=True, text=True, timeout=600, **kw)


def test_nothing_to_fuzz_says_so_and_exits_zero():
    proc = _cli(FIX / "NoChecks.sol")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "nothing to fuzz" in proc.stdout and "no assertion" in proc.stdout


def test_property_with_arguments_names_the_function():
    proc = _cli(FIX / "PropertyWithArgs.sol", "--max-examples", "10")
    assert proc.returncode == 2
    assert "Bank.echidna_balance_below(uint256) takes arguments" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


def test_reverting_setup_names_setup():
    proc = _cli(FIX / "RevertingSetUp.t.sol", "--max-examples", "10")
    assert proc.returncode == 2
    assert "VaultInvariants.setUp() reverted: reverted: cap" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


def test_ctrl_c_stops_cleanly_and_writes_what_was_found(tmp_path):
    out = tmp_path / "report.json"
    proc = subprocess.Popen([OURO, "fuzz", str(FIX / "LotteryEscrow.sol"), "--time-limit", "600", "--max-examples",
                             "100000000", "--format", "json", "--output", str(out)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    time.sleep(8)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr[-2000:]
    doc = json.loads(out.read_text())
    [r] = doc["results"]
    assert r["fuzz"]["interrupted"] is True and r["findings"], r
    assert "interrupted" in stderr


def test_spec_invariants_are_fuzzed_when_synthesis_passes_them():
    from synth.invariant_checks import compile_invariants
    from synth.spec import parse_invariant

    src = FIX / "LotteryEscrow.sol"
    abi = Compiler(install=False).compile_file(src).contract("LotteryEscrow").abi
    texts = ["pot() == tickets() * 10000000000000000", "round() <= 1000000"]
    props = compile_invariants([(t, parse_invariant(t)) for t in texts], abi, {})
    entry = _fuzz(src, max_examples=3000, seed=1, checks={"LotteryEscrow": props}, only="LotteryEscrow")
    spec = [f for f in entry["findings"] if (f["evidence"] or {}).get("check")]
    assert [f["evidence"]["check"] for f in spec] == [props[0].ARGUMENT]  # the round bound holds
    assert spec[0]["confirmed"] is True and texts[0] in spec[0]["message"]
