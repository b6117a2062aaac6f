"""The maze generator of benchmarks/fuzz_mazes.py: both variants compile, the labels hold.

A reachable assertion's witness (the generator's own call sequence) is run in pyrevm: every move
succeeds, the last call fails with Panic 0x01 in the assertion variant and records exactly that
hit in the Foundry variant. That proves the "reachable" labels without any fuzzer.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from eth_abi import decode, encode
from eth_utils import keccak

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import maze_gen  # noqa: E402

SEED = 3
SENDER = "0x" + "11" * 20
MOVES = ("moveNorth", "moveSouth", "moveEast", "moveWest")
SELECTOR = {m: keccak(text=f"{m}({','.join(['uint64'] * 8)})")[:4] for m in MOVES}


@pytest.fixture(scope="module")
def maze(tmp_path_factory):
    out = tmp_path_factory.mktemp("maze")
    files = maze_gen.generate(SEED, 7)
    for name, text in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text)
    return out, files, json.loads(files["maze.json"])


def test_deterministic_and_labelled(maze):
    _, files, meta = maze
    assert maze_gen.generate(SEED, 7) == files
    assert maze_gen.generate(SEED + 1, 7) != files
    ids = meta["ids"]
    assert len(ids) == len(set(ids)) == meta["assertions"] > 0
    assert 0 < meta["reachable"] < meta["assertions"]          # some assertions cannot be reached
    assert set(meta["reachable_ids"]) <= set(meta["feasible_ids"]) <= set(ids)
    for variant in ("Maze.sol", "foundry/src/Maze.sol"):
        lines = files[variant].splitlines()
        emits = [int(m) for m in re.findall(r'emit AssertionFailed\("(\d+)"\);', files[variant])]
        assert emits == ids
        for i in ids:
            entry = meta["by_id"][str(i)]
            assert lines[entry["emit_line"] - 1].strip() == f'emit AssertionFailed("{i}");'
            hit = lines[entry["assert_line"] - 1].strip()
            if variant == "Maze.sol":
                assert hit == "assert(false);"
            else:
                assert hit.startswith(f"if (!hit[{i}]) {{ hit[{i}] = true;")
    assert files["Maze.sol"].count("assert(false);") == len(ids)
    invariants = [int(m) for m in re.findall(r"function invariant_a(\d+)\(\)", files["foundry/test/MazeInvariants.t.sol"])]
    assert invariants == ids


def test_both_variants_compile(maze, compiler):
    out, _, meta = maze
    assertion = compiler.compile_file(out / "Maze.sol")
    assert [c.name for c in assertion.own_contracts()] == ["Maze"]
    foundry = compiler.compile_file(out / "foundry" / "test" / "MazeInvariants.t.sol")
    names = {c.name for c in foundry.contracts.values()}
    assert names == {"Maze", "MazeInvariants"}
    abi = foundry.contract("MazeInvariants").abi
    assert sorted(int(f["name"][11:]) for f in abi if f.get("name", "").startswith("invariant_a")) == sorted(meta["ids"])


def _deploy(path: Path):
    from verify.compile import Compiler
    from verify.dynamic.executor import RevmExecutor

    built = Compiler(install=False, evm_version="cancun").compile_file(path).contract("Maze")
    ex = RevmExecutor("CANCUN")
    ex.fund(SENDER, 10**18)
    address, error = ex.deploy(SENDER, bytes.fromhex(built.bytecode))
    assert address, error
    return ex, address


def _view(ex, address, signature, *args):
    types = re.search(r"\((.*)\)", signature).group(1)
    data = keccak(text=signature)[:4] + (encode(types.split(","), args) if args else b"")
    return decode(["uint256"], ex.static(address, data))[0]


def test_witness_hits_panic_0x01(maze):
    out, _, meta = maze
    by_id = meta["by_id"]
    # the deepest reachable assertion: its witness needs the longest sequence of right moves
    target = max(meta["reachable_ids"], key=lambda i: (len(by_id[str(i)]["witness"]), i))
    witness = by_id[str(target)]["witness"]
    assert len(witness) > 5
    ex, maze_address = _deploy(out / "Maze.sol")
    for call in witness[:-1]:
        result = ex.call(SENDER, maze_address, SELECTOR[call["function"]] + encode(["uint64"] * 8, call["args"]))
        assert result.ok, result.error
    assert [_view(ex, maze_address, "x()"), _view(ex, maze_address, "y()")] == by_id[str(target)]["cell"]
    assert _view(ex, maze_address, "moves()") == len(witness) - 1
    last = witness[-1]
    result = ex.call(SENDER, maze_address, SELECTOR[last["function"]] + encode(["uint64"] * 8, last["args"]))
    assert not result.ok and result.error.startswith("panic 0x01"), result.error

    # the same calls on the Foundry variant record that one hit and nothing else
    ex, recorder = _deploy(out / "foundry" / "src" / "Maze.sol")
    for call in witness:
        result = ex.call(SENDER, recorder, SELECTOR[call["function"]] + encode(["uint64"] * 8, call["args"]))
        assert result.ok, result.error
    assert _view(ex, recorder, "hit(uint256)", target) == 1
    assert _view(ex, recorder, "hits()") == 1


def test_every_witness_replays(maze):
    """Every reachable id's witness ends in Panic 0x01 on a fresh deployment (revm, milliseconds)."""
    out, _, meta = maze
    ex, address = _deploy(out / "Maze.sol")
    base = ex.evm.snapshot()
    for i in meta["reachable_ids"]:
        ex.evm.revert(base)
        base = ex.evm.snapshot()
        witness = meta["by_id"][str(i)]["witness"]
        results = [ex.call(SENDER, address, SELECTOR[c["function"]] + encode(["uint64"] * 8, c["args"]))
                   for c in witness]
        assert all(r.ok for r in results[:-1]), (i, [r.error for r in results])
        assert not results[-1].ok and results[-1].error.startswith("panic 0x01"), (i, results[-1].error)
    for i in set(meta["ids"]) - set(meta["reachable_ids"]):
        entry = meta["by_id"][str(i)]
        assert entry["witness"] is None
        assert not entry["feasible"] or entry["cell"] in meta["unreachable_cells"]
