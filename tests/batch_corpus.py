"""A batch corpus built from small templates: mixed compiler series (0.4 to 0.8, exact pins and
ranges that resolve to the releases the Makefile installs), flattened multi-contract files, the
vulnerable and safe fixtures, and one of each bad input."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"

# series -> pragmas (each resolves to an installed release: 0.4.24/0.4.26, 0.5.17, 0.6.12, 0.7.6, 0.8.20/0.8.37)
PRAGMAS = {
    "04": ["0.4.24", "^0.4.24", ">=0.4.22 <0.5.0"],
    "05": ["^0.5.0", "0.5.17", ">=0.5.0 <0.6.0"],
    "06": ["^0.6.0", "0.6.12", ">=0.6.2 <0.7.0"],
    "07": ["^0.7.0", "0.7.6"],
    "08": ["^0.8.0", "0.8.20", ">=0.8.0 <0.9.0"],
}

_BANK = """pragma solidity {pragma};

contract Bank{n} {{
    mapping(address => uint256) public balances;
    address public owner;

    constructor(){ctor} {{ owner = msg.sender; }}

    function deposit() public payable {{ balances[msg.sender] += msg.value; }}

    function withdraw(uint256 amount) public {{
        require(balances[msg.sender] >= amount);
        {sender}.transfer(amount);
        balances[msg.sender] -= amount;
    }}
}}
"""

_TOKEN = """pragma solidity {pragma};

contract Token{n} {{
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;
    uint256 public totalSupply;

    constructor(){ctor} {{ totalSupply = {supply}; balanceOf[msg.sender] = totalSupply; }}

    function transfer(address to, uint256 value) public returns (bool) {{
        require(balanceOf[msg.sender] >= value);
        balanceOf[msg.sender] -= value;
        balanceOf[to] += value;
        return true;
    }}

    function approve(address spender, uint256 value) public returns (bool) {{
        allowance[msg.sender][spender] = value;
        return true;
    }}

    function transferFrom(address from, address to, uint256 value) public returns (bool) {{
        require(balanceOf[from] >= value && allowance[from][msg.sender] >= value);
        allowance[from][msg.sender] -= value;
        balanceOf[from] -= value;
        balanceOf[to] += value;
        return true;
    }}
}}
"""

# A flattened file: a library and two contracts, one using the other.
_FLAT = """pragma solidity {pragma};

library Math{n} {{
    function add(uint256 a, uint256 b) internal pure returns (uint256) {{
        uint256 c = a + b;
        require(c >= a);
        return c;
    }}
}}

contract Counter{n} {{
    uint256 public count;
    function bump(uint256 by) public {{ count = Math{n}.add(count, by); }}
}}

contract Registry{n} {{
    address public admin;
    mapping(uint256 => address) public counters;
    constructor(){ctor} {{ admin = msg.sender; }}
    function register(uint256 id, address c) public {{
        require(msg.sender == admin);
        counters[id] = c;
    }}
}}
"""


def _fill(template: str, series: str, pragma: str, n: int) -> str:
    old_ctor = series in ("04", "05", "06")
    return template.format(pragma=pragma, n=n, ctor=" public" if old_ctor else "",
                           sender="payable(msg.sender)" if series == "08" else "msg.sender",
                           supply=1000 + n)


# series -> how many files of each template (0.4 goes through crytic-compile: slower, fewer of them)
_COUNTS = {"04": 1, "05": 7, "06": 7, "07": 7, "08": 13}


def good_files(dest: Path) -> list[Path]:
    out, n = [], 0
    for series, per_template in _COUNTS.items():
        for template, kind in ((_BANK, "bank"), (_TOKEN, "token"), (_FLAT, "flat")):
            for i in range(per_template):
                n += 1
                pragma = PRAGMAS[series][i % len(PRAGMAS[series])]
                p = dest / f"v{series}" / f"{kind}_{n:03d}.sol"
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_text(_fill(template, series, pragma, n))
                out.append(p)
    return out


def fixture_files(dest: Path) -> list[Path]:
    out = []
    for group in ("vulnerable", "safe"):
        for f in sorted((FIXTURES / group).glob("*.sol")):
            target = dest / group / f.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(f, target)
            out.append(target)
    return out


# name -> (expected status, words the message must contain)
BAD_INPUTS = {
    "bad/empty.sol": ("error", "empty file"),
    "bad/blank.sol": ("error", "empty file"),
    "bad/binary.sol": ("error", "binary file"),
    "bad/latin1.sol": ("error", "not UTF-8"),
    "bad/huge.sol": ("error", "too large"),
    "bad/truncated.sol": ("compile-error", "ParserError"),
    "bad/prose.sol": ("compile-error", "ParserError"),
    "bad/unknown_name.sol": ("compile-error", "DeclarationError"),
    "bad/future_pragma.sol": ("compile-error", "PragmaError"),
    "bad/ancient_pragma.sol": ("compile-error", "PragmaError"),
}


def bad_files(dest: Path) -> list[Path]:
    d = dest / "bad"
    d.mkdir(parents=True, exist_ok=True)
    (d / "empty.sol").write_bytes(b"")
    (d / "blank.sol").write_text("\n   \n\t\n")
    (d / "binary.sol").write_bytes(b"\x7fELF\x02\x01\x01\x00" + os.urandom(4096))
    (d / "latin1.sol").write_bytes("pragma solidity 0.8.20;\n// caf\xe9\ncontract L {}\n".encode("latin-1"))
    body = _fill(_BANK, "08", "0.8.20", 999)
    (d / "huge.sol").write_text(body + ("// padding " + "x" * 100 + "\n") * 10_000)  # ~1.1 MB
    (d / "truncated.sol").write_text(_fill(_BANK, "06", "0.6.12", 998)[:200])
    (d / "prose.sol").write_text("pragma solidity ^0.8.0;\nThis is a memo about the audit, not a contract.\n")
    (d / "unknown_name.sol").write_text("pragma solidity 0.7.6;\ncontract U { function f() public { g(); } }\n")
    (d / "future_pragma.sol").write_text("pragma solidity >=0.9.0;\ncontract F {}\n")
    (d / "ancient_pragma.sol").write_text("pragma solidity ^0.3.0;\ncontract A {}\n")
    return [dest / name for name in BAD_INPUTS]


def endless_search_file(dest: Path, contracts: int = 300) -> Path:
    """A file whose dynamic search runs for minutes: many deployable contracts, each searched."""
    parts = ["pragma solidity 0.8.20;\n"]
    for i in range(contracts):
        parts.append(f"""
contract Ledger{i} {{
    mapping(address => uint256) public credit;
    uint256 public total;
    function deposit() external payable {{ credit[msg.sender] += msg.value; total += msg.value; }}
    function note(uint256 a, uint256 b) external {{ if (a > b) {{ total = total + 0; }} }}
    function withdraw(uint256 amount) external {{
        require(credit[msg.sender] >= amount, "low");
        credit[msg.sender] -= amount;
        total -= amount;
        payable(msg.sender).transfer(amount);
    }}
}}
""")
    p = dest / "EndlessSearch.sol"
    p.write_text("".join(parts))
    return p


def build_corpus(dest: Path) -> list[Path]:
    return good_files(dest) + fixture_files(dest) + bad_files(dest)
