"""Maze contracts for fuzzer benchmarks: deep state, nested input conditions, walls.

    .venv/bin/python benchmarks/maze_gen.py --seed 1 [--size 7] --out DIR [--variant assert|foundry|both]

A maze is a SIZE x SIZE grid; the contract stores the position (uint64 x, y) and starts at
(0, 0). moveNorth / moveSouth / moveEast / moveWest each take eight uint64 inputs. Every call
first probes the current cell: each of the cell's assertions sits behind nested conditions on the
inputs (comparisons with constants, equalities, modular and arithmetic relations between
inputs) and ends in `emit AssertionFailed("<id>");` then `assert(false);`, each on its own line.
Then the cell's gate (one shallow condition on one input) must hold, and the move must not run
into a wall; otherwise the call returns without moving. The walls form a random spanning-tree
maze with a few extra openings and a few cells sealed off, so deep cells need a long sequence of
right moves. Some conditions contradict an outer one (`p1 > A` around `p1 < A`): not every
assertion can be reached, and the generator says which can.

Output (`generate(seed, size)` returns the same as a dict of relative path -> text):
  Maze.sol                           the assertion variant (contract Maze, Panic 0x01 on a hit)
  foundry/src/Maze.sol               the Foundry variant: same logic and lines, but a hit is
                                     recorded (`hit[id] = true;`) instead of reverting
  foundry/test/MazeInvariants.t.sol  MazeInvariants: setUp deploys the maze, targetContracts
                                     returns it, one invariant_a<id>() per assertion
  maze.json                          per assertion: id, cell, lines, condition, feasible,
                                     reachable and, when reachable, a witness call sequence

Everything follows from (seed, size): the same arguments give the same bytes.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Maze", "build", "generate", "main"]

U64 = 2**64
NINPUTS = 8
START = (0, 0)
# direction name -> (dx, dy); north is y + 1
DIRS = {"North": (0, 1), "South": (0, -1), "East": (1, 0), "West": (-1, 0)}
OPPOSITE = {"North": "South", "South": "North", "East": "West", "West": "East"}
PRAGMA = "^0.8.19"


# -- conditions ---------------------------------------------------------------------------
# A condition is a tuple; holds() evaluates it on eight integers, render() writes Solidity.
#   ("gt", i, c)        p_i > c              ("lt", i, c)     p_i < c
#   ("eq", i, c)        p_i == c             ("ne", i, c)     p_i != c
#   ("mod", i, k, r)    p_i % k == r
#   ("peq", i, j)       p_i == p_j           ("plt", i, j)    p_i < p_j
#   ("padd", i, c, j)   uint256(p_i) + c == p_j
#   ("pmul", i, k, j)   uint256(p_i) * k == p_j
#   ("pxor", i, j, c)   p_i ^ p_j == c


def holds(cond: tuple, p: list[int]) -> bool:
    kind = cond[0]
    if kind == "gt":
        return p[cond[1]] > cond[2]
    if kind == "lt":
        return p[cond[1]] < cond[2]
    if kind == "eq":
        return p[cond[1]] == cond[2]
    if kind == "ne":
        return p[cond[1]] != cond[2]
    if kind == "mod":
        return p[cond[1]] % cond[2] == cond[3]
    if kind == "peq":
        return p[cond[1]] == p[cond[2]]
    if kind == "plt":
        return p[cond[1]] < p[cond[2]]
    if kind == "padd":
        return p[cond[1]] + cond[2] == p[cond[3]]
    if kind == "pmul":
        return p[cond[1]] * cond[2] == p[cond[3]]
    if kind == "pxor":
        return p[cond[1]] ^ p[cond[2]] == cond[3]
    raise ValueError(cond)


def _num(c: int) -> str:
    return str(c) if c < 1_000_000 else hex(c)


def render(cond: tuple) -> str:
    kind = cond[0]
    if kind in ("gt", "lt", "eq", "ne"):
        op = {"gt": ">", "lt": "<", "eq": "==", "ne": "!="}[kind]
        return f"p{cond[1]} {op} {_num(cond[2])}"
    if kind == "mod":
        return f"p{cond[1]} % {cond[2]} == {cond[3]}"
    if kind == "peq":
        return f"p{cond[1]} == p{cond[2]}"
    if kind == "plt":
        return f"p{cond[1]} < p{cond[2]}"
    if kind == "padd":
        return f"uint256(p{cond[1]}) + {_num(cond[2])} == p{cond[3]}"
    if kind == "pmul":
        return f"uint256(p{cond[1]}) * {cond[2]} == p{cond[3]}"
    if kind == "pxor":
        return f"p{cond[1]} ^ p{cond[2]} == {_num(cond[3])}"
    raise ValueError(cond)


def _value(rng: random.Random) -> int:
    """A uint64 of random magnitude (small numbers as likely as huge ones)."""
    bits = rng.choice((8, 16, 24, 32, 40, 48, 56, 64))
    return rng.getrandbits(bits)


@dataclass
class Assertion:
    id: int
    cell: tuple[int, int]
    conditions: list[tuple]          # outermost first, each its own nested `if`
    feasible: bool
    solution: dict[int, int]         # inputs the feasible conditions pin (index -> value)
    emit_line: int = 0
    assert_line: int = 0
    reachable: bool = False
    witness: list[dict] | None = None


@dataclass
class Cell:
    gate: tuple
    assertions: list[Assertion] = field(default_factory=list)


def _feasible_conditions(rng: random.Random, depth: int) -> tuple[list[tuple], dict[int, int]]:
    """`depth` nested conditions that a solution satisfies: each one fixes a fresh input."""
    order = rng.sample(range(NINPUTS), NINPUTS)
    sol: dict[int, int] = {}
    conds: list[tuple] = []
    for level in range(depth):
        i = order[level]
        bound = [j for j in sol]
        kinds = ["gt", "lt", "eq", "mod"] + (["peq", "plt", "padd", "pmul", "pxor"] if bound else [])
        kind = rng.choice(kinds)
        if kind == "gt":
            v = _value(rng) | 1
            c = rng.randrange(v)
            # the threshold sits near the value: most random inputs miss it
            c = max(c, v - max(1, v >> rng.choice((2, 4, 8))))
            sol[i] = v
            conds.append(("gt", i, c))
        elif kind == "lt":
            v = min(_value(rng), U64 - 2)
            c = v + 1 + rng.randrange(max(1, min(U64 - 1 - v, v >> 2 if v else 256)))
            sol[i] = v
            conds.append(("lt", i, min(c, U64 - 1)))
        elif kind == "eq":
            v = _value(rng)
            sol[i] = v
            conds.append(("eq", i, v))
        elif kind == "mod":
            k = rng.randrange(3, 40)
            r = rng.randrange(k)
            v = _value(rng)
            v = v - v % k + r
            if v >= U64:
                v -= k
            sol[i] = v
            conds.append(("mod", i, k, r))
        else:
            j = rng.choice(bound)
            if kind == "peq":
                sol[i] = sol[j]
                conds.append(("peq", i, j) if rng.random() < 0.5 else ("peq", j, i))
            elif kind == "plt":
                if sol[j] == U64 - 1:
                    sol[i] = rng.randrange(sol[j])
                    conds.append(("plt", i, j))
                else:
                    sol[i] = rng.randrange(sol[j] + 1, U64)
                    conds.append(("plt", j, i))
            elif kind == "padd":
                c = rng.randrange(1, 1 << rng.choice((4, 8, 16, 32)))
                if sol[j] + c < U64:
                    sol[i] = sol[j] + c
                    conds.append(("padd", j, c, i))
                else:
                    sol[i] = sol[j]
                    conds.append(("peq", i, j))
            elif kind == "pmul":
                k = rng.randrange(2, 10)
                if sol[j] * k < U64:
                    sol[i] = sol[j] * k
                    conds.append(("pmul", j, k, i))
                else:
                    sol[i] = sol[j]
                    conds.append(("peq", j, i))
            else:  # pxor
                c = _value(rng) or 1
                sol[i] = sol[j] ^ c
                conds.append(("pxor", j, i, c))
    return conds, sol


def _contradiction(rng: random.Random, conds: list[tuple]) -> tuple:
    """A condition that no input satisfies together with one of ``conds``."""
    cond = rng.choice(conds)
    kind = cond[0]
    if kind == "gt":
        return ("lt", cond[1], rng.randrange(1, cond[2] + 2))      # p > c and p < c' <= c + 1
    if kind == "lt":
        return ("gt", cond[1], rng.randrange(max(0, cond[2] - 1), U64 - 1))  # p < c and p > c' >= c - 1
    if kind == "eq":
        return ("ne", cond[1], cond[2]) if rng.random() < 0.3 else ("gt", cond[1], cond[2])
    if kind == "mod":
        k, r = cond[2], cond[3]
        return ("mod", cond[1], k, (r + 1 + rng.randrange(k - 1)) % k)
    if kind == "peq":
        return ("plt", cond[1], cond[2]) if rng.random() < 0.5 else ("plt", cond[2], cond[1])
    if kind == "plt":
        return ("plt", cond[2], cond[1]) if rng.random() < 0.5 else ("peq", cond[1], cond[2])
    if kind == "padd":
        return ("peq", cond[1], cond[3])                           # p_i + c == p_j with c >= 1
    if kind == "pmul":
        return ("plt", cond[3], cond[1])                           # k * p_i == p_j implies p_j >= p_i
    if kind == "pxor":
        return ("peq", cond[1], cond[2])                           # c != 0 or it would be p_i == p_j
    raise ValueError(cond)


def _gate(rng: random.Random) -> tuple:
    """One shallow condition to leave a cell (one comparison on one input; it passes a half to three
    quarters of uniformly random uint64 values)."""
    i = rng.randrange(NINPUTS)
    form = rng.choice(("gt", "lt", "mod"))
    if form == "gt":
        return ("gt", i, rng.randrange(U64 // 4, U64 // 2))
    if form == "lt":
        return ("lt", i, rng.randrange(U64 // 2, 3 * U64 // 4))
    return ("mod", i, rng.choice((2, 3)), 0) if rng.random() < 0.5 else ("ne", i, 0)


# -- the maze -----------------------------------------------------------------------------
@dataclass
class Maze:
    seed: int
    size: int
    open: set                      # frozenset({a, b}) for every passage between cells a and b
    cells: dict                    # (x, y) -> Cell
    sealed: list                   # cells walled in on every side
    assertions: list[Assertion]
    solidity: dict = field(default_factory=dict)

    def passable(self, cell, direction) -> bool:
        dx, dy = DIRS[direction]
        nxt = (cell[0] + dx, cell[1] + dy)
        return frozenset((cell, nxt)) in self.open

    def reachable_cells(self) -> dict:
        """cell -> shortest move list from START (gates can always be passed)."""
        paths = {START: []}
        queue = deque([START])
        while queue:
            c = queue.popleft()
            for d, (dx, dy) in DIRS.items():
                n = (c[0] + dx, c[1] + dy)
                if n not in paths and self.passable(c, d):
                    paths[n] = paths[c] + [d]
                    queue.append(n)
        return paths

    def metadata(self) -> dict:
        reach = [a.id for a in self.assertions if a.reachable]
        return {
            "seed": self.seed, "size": self.size, "start": list(START),
            "contract": "Maze", "files": {"assert": "Maze.sol", "foundry": "foundry/src/Maze.sol",
                                          "invariants": "foundry/test/MazeInvariants.t.sol"},
            "assertions": len(self.assertions), "ids": [a.id for a in self.assertions],
            "reachable_ids": reach, "reachable": len(reach),
            "feasible_ids": [a.id for a in self.assertions if a.feasible],
            "sealed_cells": [list(c) for c in self.sealed],
            "unreachable_cells": sorted([list(c) for c in self.cells if c not in self.reachable_cells()]),
            "by_id": {str(a.id): {"cell": list(a.cell), "emit_line": a.emit_line, "assert_line": a.assert_line,
                                  "condition": " && ".join(render(c) for c in a.conditions),
                                  "feasible": a.feasible, "reachable": a.reachable, "witness": a.witness}
                      for a in self.assertions},
        }


def _carve(rng: random.Random, size: int) -> set:
    """A random spanning tree of the grid (depth-first), then a few extra openings."""
    opened: set = set()
    seen = {START}
    stack = [START]
    while stack:
        c = stack[-1]
        nbrs = [(c[0] + dx, c[1] + dy) for dx, dy in DIRS.values()]
        nbrs = [n for n in nbrs if 0 <= n[0] < size and 0 <= n[1] < size and n not in seen]
        if not nbrs:
            stack.pop()
            continue
        n = rng.choice(nbrs)
        opened.add(frozenset((c, n)))
        seen.add(n)
        stack.append(n)
    walls = sorted((tuple(sorted(e)) for e in _all_edges(size) if frozenset(e) not in opened))
    for a, b in rng.sample(walls, len(walls) // 8):
        opened.add(frozenset((a, b)))
    return opened


def _all_edges(size: int):
    for x in range(size):
        for y in range(size):
            if x + 1 < size:
                yield ((x, y), (x + 1, y))
            if y + 1 < size:
                yield ((x, y), (x, y + 1))


def _vars(cond: tuple) -> tuple[int, ...]:
    if cond[0] in ("gt", "lt", "eq", "ne", "mod"):
        return (cond[1],)
    if cond[0] in ("peq", "plt", "pxor"):
        return (cond[1], cond[2])
    return (cond[1], cond[3])  # padd, pmul


def _break(rng: random.Random, cond: tuple, p: list[int], v: int) -> None:
    """Change input ``v`` (one of the condition's) so that the condition no longer holds."""
    kind = cond[0]
    if kind == "gt":
        p[v] = rng.randrange(0, cond[2] + 1)
    elif kind == "lt":
        p[v] = rng.randrange(cond[2], U64)
    elif kind == "eq":
        p[v] = (cond[2] + 1 + rng.randrange(1000)) % U64
    elif kind == "ne":
        p[v] = cond[2]
    elif kind == "mod":
        k, r = cond[2], cond[3]
        q = p[v] - p[v] % k + (r + 1) % k
        p[v] = q if q < U64 else q - k
    elif kind == "plt":
        other = cond[2] if v == cond[1] else cond[1]
        p[v] = p[other]
    else:  # a relation between two inputs: a fresh value almost never keeps it
        p[v] = _value(rng)


def _inputs(rng: random.Random, cell: Cell, pinned: dict[int, int], avoid: list[Assertion],
            need_gate: bool) -> list[int] | None:
    """Eight inputs: ``pinned`` fixed, the rest random, none of ``avoid`` firing, the gate if asked.

    Random inputs first; an assertion that would still fire gets one of its conditions broken
    through an input that is not pinned (the gate is checked again afterwards)."""
    fixed = set(pinned)
    for _ in range(500):
        p = [pinned[i] if i in pinned else _value(rng) for i in range(NINPUTS)]
        if need_gate and not holds(cell.gate, p):
            continue
        for a in avoid:
            if all(holds(c, p) for c in a.conditions):
                options = [(c, v) for c in a.conditions for v in _vars(c) if v not in fixed]
                if options:
                    c, v = rng.choice(options)
                    _break(rng, c, p, v)
        if need_gate and not holds(cell.gate, p):
            continue
        if any(all(holds(c, p) for c in a.conditions) for a in avoid):
            continue
        return p
    return None


def build(seed: int, size: int = 7) -> Maze:
    if size < 2 or size > 16:
        raise ValueError("size must be between 2 and 16")
    rng = random.Random(f"ouro-maze:{seed}:{size}")
    opened = _carve(rng, size)
    # seal a few dead ends other than the start: every passage into them closed
    degree = {(x, y): 0 for x in range(size) for y in range(size)}
    for e in opened:
        for c in e:
            degree[c] += 1
    dead = sorted(c for c, d in degree.items() if d == 1 and c != START)
    sealed = sorted(rng.sample(dead, min(len(dead), max(1, size // 3))))
    opened = {e for e in opened if not (e & set(sealed))}

    cells: dict = {}
    assertions: list[Assertion] = []
    next_id = 1
    for y in range(size):
        for x in range(size):
            cell = Cell(gate=_gate(rng))
            for _ in range(1 + (rng.random() < 0.35)):
                depth = rng.choices((1, 2, 3, 4), weights=(2, 4, 3, 1))[0]
                while True:
                    conds, sol = _feasible_conditions(rng, depth)
                    feasible = rng.random() >= 0.2
                    if not feasible:
                        bad = _contradiction(rng, conds)
                        conds.insert(rng.randrange(1, len(conds) + 1), bad)
                    assert not feasible or all(holds(c, [sol.get(i, 0) for i in range(NINPUTS)]) for c in conds)
                    a = Assertion(next_id, (x, y), conds, feasible, sol if feasible else {})
                    # an earlier assertion of the cell must not fire on every solution of this one
                    if not feasible or _inputs(rng, cell, sol, cell.assertions, False) is not None:
                        break
                cell.assertions.append(a)
                assertions.append(a)
                next_id += 1
            # the gate must leave a way out that fires none of the cell's assertions
            while _inputs(rng, cell, {}, cell.assertions, True) is None:
                cell.gate = _gate(rng)
            cells[(x, y)] = cell

    maze = Maze(seed, size, opened, cells, sealed, assertions)
    paths = maze.reachable_cells()
    for a in assertions:
        if a.feasible and a.cell in paths:
            a.reachable = True
            a.witness = _witness(rng, maze, a, paths[a.cell])
    maze.solidity = {"assert": _render(maze, "assert"), "foundry": _render(maze, "foundry")}
    _locate_lines(maze)
    return maze


def _witness(rng: random.Random, maze: Maze, target: Assertion, moves: list[str]) -> list[dict]:
    """Calls from START to ``target.cell`` (gates passed, no assertion fired), then one that fires it."""
    calls = []
    cell = START
    for d in moves:
        p = _inputs(rng, maze.cells[cell], {}, maze.cells[cell].assertions, True)
        if p is None:
            raise RuntimeError(f"maze {maze.seed}: no inputs leave cell {cell}")
        calls.append({"function": f"move{d}", "args": p})
        cell = (cell[0] + DIRS[d][0], cell[1] + DIRS[d][1])
    here = maze.cells[cell]
    earlier = here.assertions[:here.assertions.index(target)]
    p = _inputs(rng, here, target.solution, earlier, False)
    assert p is not None and all(holds(c, p) for c in target.conditions)
    calls.append({"function": f"move{rng.choice(list(DIRS))}", "args": p})
    return calls


# -- Solidity -----------------------------------------------------------------------------
def _render(maze: Maze, variant: str) -> str:
    n = maze.size
    walls = {}
    for d, (dx, dy) in DIRS.items():
        bits = 0
        for (x, y) in maze.cells:
            if not maze.passable((x, y), d):
                bits |= 1 << (y * n + x)
        walls[d] = bits
    params = ", ".join(f"uint64 p{i}" for i in range(NINPUTS))
    args = ", ".join(f"p{i}" for i in range(NINPUTS))
    out = [
        "// SPDX-License-Identifier: MIT",
        f"pragma solidity {PRAGMA};",
        "",
        f"/// Generated maze (seed {maze.seed}, {n}x{n}), "
        + ("assertion variant: a hit is a failed assert." if variant == "assert"
           else "Foundry variant: a hit is recorded in `hit`, nothing reverts."),
        "/// Each move probes the current cell's assertions, then needs the cell's gate and no wall.",
        "contract Maze {",
        "    event AssertionFailed(string id);",
        "",
        f"    uint256 internal constant SIZE = {n};",
    ]
    for d in DIRS:
        out.append(f"    uint256 internal constant WALL_{d.upper()} = {hex(walls[d])};")
    out += ["", f"    uint64 public x = {START[0]};", f"    uint64 public y = {START[1]};", "    uint256 public moves;"]
    # one line in both variants, so every assertion sits on the same line in both
    out.append("    mapping(uint256 => bool) public hit; uint256 public hits; // id -> hit, distinct hits"
               if variant == "foundry" else "    // (the Foundry variant records hits here; this one reverts instead)")
    out.append("")
    for d, (dx, dy) in DIRS.items():
        step = {"North": "y += 1;", "South": "y -= 1;", "East": "x += 1;", "West": "x -= 1;"}[d]
        out += [
            f"    function move{d}({params}) external {{",
            f"        if (!_probe({args})) return;",
            f"        if ((WALL_{d.upper()} >> (uint256(y) * SIZE + x)) & 1 == 1) return;",
            f"        {step}",
            "        moves += 1;",
            "    }",
            "",
        ]
    out += [f"    function _probe({params}) internal returns (bool) {{",
            "        uint256 c = uint256(y) * SIZE + x;"]
    first = True
    for (x, y), cell in sorted(maze.cells.items(), key=lambda kv: kv[0][1] * n + kv[0][0]):
        out.append(f"        {'if' if first else '} else if'} (c == {y * n + x}) {{")
        first = False
        for a in cell.assertions:
            pad = "            "
            for cond in a.conditions:
                out.append(f"{pad}if ({render(cond)}) {{")
                pad += "    "
            out.append(f'{pad}emit AssertionFailed("{a.id}");')
            if variant == "assert":
                out.append(f"{pad}assert(false);")
            else:
                out.append(f"{pad}if (!hit[{a.id}]) {{ hit[{a.id}] = true; hits += 1; }}")
            for _ in a.conditions:
                pad = pad[:-4]
                out.append(f"{pad}}}")
        out.append(f"            return {render(cell.gate)};")
    out += ["        }", "        return false;", "    }", "}", ""]
    return "\n".join(out)


def _render_invariants(maze: Maze) -> str:
    out = [
        "// SPDX-License-Identifier: MIT",
        f"pragma solidity {PRAGMA};",
        "",
        'import {Maze} from "../src/Maze.sol";',
        "",
        f"/// forge invariant tests for maze seed {maze.seed}: invariant_a<id> fails once assertion <id> was hit.",
        "contract MazeInvariants {",
        "    Maze maze;",
        "",
        "    function setUp() public {",
        "        maze = new Maze();",
        "    }",
        "",
        "    function targetContracts() public view returns (address[] memory t) {",
        "        t = new address[](1);",
        "        t[0] = address(maze);",
        "    }",
        "",
    ]
    for a in maze.assertions:
        out.append(f'    function invariant_a{a.id}() public view {{ require(!maze.hit({a.id}), "a{a.id}"); }}')
    out += ["}", ""]
    return "\n".join(out)


def _locate_lines(maze: Maze) -> None:
    """Line numbers of each emit and assert (the same in both variants)."""
    for variant in ("assert", "foundry"):
        lines = maze.solidity[variant].splitlines()
        for a in maze.assertions:
            emit = next(i + 1 for i, t in enumerate(lines) if t.strip() == f'emit AssertionFailed("{a.id}");')
            if variant == "assert":
                a.emit_line, a.assert_line = emit, emit + 1
                assert lines[emit].strip() == "assert(false);"
            else:
                assert (emit, emit + 1) == (a.emit_line, a.assert_line)


def generate(seed: int, size: int = 7, variant: str = "both") -> dict[str, str]:
    """Relative file name -> text for one maze (see the module docstring)."""
    maze = build(seed, size)
    files: dict[str, str] = {}
    if variant in ("assert", "both"):
        files["Maze.sol"] = maze.solidity["assert"]
    if variant in ("foundry", "both"):
        files["foundry/src/Maze.sol"] = maze.solidity["foundry"]
        files["foundry/test/MazeInvariants.t.sol"] = _render_invariants(maze)
    files["maze.json"] = json.dumps(maze.metadata(), indent=1) + "\n"
    return files


def write(seed: int, size: int, out: Path, variant: str = "both") -> dict:
    files = generate(seed, size, variant)
    for name, text in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return json.loads(files["maze.json"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--size", type=int, default=7)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--variant", choices=("assert", "foundry", "both"), default="both")
    a = ap.parse_args(argv)
    meta = write(a.seed, a.size, a.out, a.variant)
    print(f"maze seed {a.seed} ({a.size}x{a.size}): {meta['assertions']} assertions, "
          f"{meta['reachable']} reachable, {len(meta['feasible_ids'])} feasible, "
          f"sealed cells {meta['sealed_cells']} -> {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
