"""Real project layouts built at test time in a temporary folder from the npm packages the project
pins (package.json): a Foundry project with forge-std and solmate under lib/ and remappings.txt,
a Hardhat project with its own node_modules (@openzeppelin/contracts, @uniswap/v2-core), and a
brownie project whose dependency sits in brownie's packages folder. Product contracts are written
in the style of deployed ones; each layout also has the tests, scripts and mocks its framework
would hold, which ouro must leave out by default."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"


def _pin(package: str) -> str:
    return json.loads((ROOT / "package.json").read_text())["dependencies"][package]


def _copy_package(package: str, dest: Path) -> None:
    src = NODE_MODULES / package
    version = json.loads((src / "package.json").read_text())["version"]
    assert version == _pin(package), (package, version, _pin(package))
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("artifacts", "*.json.map"))


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


VAULT = """// SPDX-License-Identifier: AGPL-3.0-only
pragma solidity ^0.8.20;

import {ERC20} from "solmate/tokens/ERC20.sol";
import {SafeTransferLib} from "solmate/utils/SafeTransferLib.sol";
import {Owned} from "solmate/auth/Owned.sol";
import {console2} from "forge-std/console2.sol";

/// @notice Deposits of one ERC-20 for shares, 1:1; the owner may pause deposits.
contract ShareVault is Owned {
    using SafeTransferLib for ERC20;

    ERC20 public immutable asset;
    bool public paused;
    uint256 public totalShares;
    mapping(address => uint256) public sharesOf;

    constructor(ERC20 _asset) Owned(msg.sender) {
        asset = _asset;
    }

    function setPaused(bool p) external onlyOwner {
        paused = p;
    }

    function deposit(uint256 amount) external {
        require(!paused, "PAUSED");
        asset.safeTransferFrom(msg.sender, address(this), amount);
        sharesOf[msg.sender] += amount;
        totalShares += amount;
    }

    function withdraw(uint256 amount) external {
        sharesOf[msg.sender] -= amount;
        totalShares -= amount;
        asset.safeTransfer(msg.sender, amount);
        console2.log("withdrawn", amount);
    }
}
"""

LEGACY_BANK = """// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @notice Pays out before it books the withdrawal (the classic reentrancy).
contract LegacyBank {
    mapping(address => uint256) public balances;

    function deposit() external payable {
        balances[msg.sender] += msg.value;
    }

    function withdraw() external {
        uint256 amount = balances[msg.sender];
        (bool ok, ) = msg.sender.call{value: amount}("");
        require(ok, "send failed");
        balances[msg.sender] = 0;
    }
}
"""


def foundry_project(root: Path) -> Path:
    """``root`` as a Foundry project; solmate and forge-std are "submodules" under lib/."""
    _copy_package("solmate", root / "lib" / "solmate")
    (root / "lib" / "forge-std").mkdir(parents=True)
    _copy_package("forge-std", root / "lib" / "forge-std" / "src")
    _write(root, {
        "foundry.toml": '[profile.default]\nsrc = "src"\nout = "out"\nlibs = ["lib"]\nsolc_version = "0.8.24"\n'
                        'optimizer = true\noptimizer_runs = 20000\nevm_version = "cancun"\n',
        "remappings.txt": "solmate/=lib/solmate/src/\nforge-std/=lib/forge-std/src/\n",
        "src/ShareVault.sol": VAULT,
        "src/legacy/LegacyBank.sol": LEGACY_BANK,
        "src/interfaces/IShareVault.sol": "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.20;\n\n"
                                          "interface IShareVault {\n    function deposit(uint256 amount) external;\n"
                                          "    function withdraw(uint256 amount) external;\n}\n",
        "test/ShareVault.t.sol": '// SPDX-License-Identifier: MIT\npragma solidity ^0.8.20;\n\n'
                                 'import {Test} from "forge-std/Test.sol";\nimport {ShareVault} from "../src/ShareVault.sol";\n\n'
                                 'contract ShareVaultTest is Test {\n    function testNothing() public {}\n}\n',
        "test/mocks/BrokenToken.sol": "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.20;\n\n"
                                      "contract BrokenToken {\n    function transfer(address, uint256) external {}\n}\n",
        "script/Deploy.s.sol": '// SPDX-License-Identifier: MIT\npragma solidity ^0.8.20;\n\n'
                               'import {ShareVault} from "../src/ShareVault.sol";\n\ncontract Deploy {\n'
                               '    function run() external {}\n}\n',
    })
    return root


ORACLE = """// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {IUniswapV2Pair} from "@uniswap/v2-core/contracts/interfaces/IUniswapV2Pair.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @notice Reads a Uniswap V2 pair's cumulative price; the owner picks the pair.
contract PairPriceReader is Ownable {
    IUniswapV2Pair public pair;
    uint256 public lastCumulative;
    uint32 public lastTimestamp;

    constructor(IUniswapV2Pair _pair) Ownable(msg.sender) {
        pair = _pair;
    }

    function setPair(IUniswapV2Pair _pair) external onlyOwner {
        pair = _pair;
    }

    function snapshot() external {
        (, , uint32 ts) = pair.getReserves();
        lastCumulative = pair.price0CumulativeLast();
        lastTimestamp = ts;
    }
}
"""

REWARD_TOKEN = """// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

contract RewardToken is ERC20, Ownable {
    constructor() ERC20("Reward", "RWD") Ownable(msg.sender) {}

    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }
}
"""

LP_TOKEN = """pragma solidity =0.5.16;

import "@uniswap/v2-core/contracts/UniswapV2ERC20.sol";

// The pair's LP token on its own, as the old 0.5 deployment of this project had it.
contract LegacyLPToken is UniswapV2ERC20 {
    constructor() public {
        _mint(msg.sender, 10**24);
    }
}
"""


def hardhat_project(root: Path) -> Path:
    """``root`` as a Hardhat project with two compilers (0.8.24 and 0.5.16) and its own node_modules."""
    _copy_package("@openzeppelin/contracts", root / "node_modules" / "@openzeppelin" / "contracts")
    _copy_package("@uniswap/v2-core", root / "node_modules" / "@uniswap" / "v2-core")
    _write(root, {
        "package.json": json.dumps({"name": "pair-reader", "private": True, "devDependencies": {
            "hardhat": "^2.22.0", "@openzeppelin/contracts": _pin("@openzeppelin/contracts"),
            "@uniswap/v2-core": _pin("@uniswap/v2-core")}}, indent=2),
        "hardhat.config.js": 'require("@nomicfoundation/hardhat-toolbox");\n\n'
                             '/** @type import("hardhat/config").HardhatUserConfig */\nmodule.exports = {\n'
                             '  solidity: {\n    compilers: [\n'
                             '      { version: "0.8.24", settings: { optimizer: { enabled: true, runs: 200 } } },\n'
                             '      { version: "0.5.16" },\n    ],\n  },\n};\n',
        "contracts/PairPriceReader.sol": ORACLE,
        "contracts/RewardToken.sol": REWARD_TOKEN,
        "contracts/legacy/LegacyLPToken.sol": LP_TOKEN,
        "contracts/mocks/MockPair.sol": "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.20;\n\n"
                                        "contract MockPair {\n    function getReserves() external view returns "
                                        "(uint112, uint112, uint32) { return (1, 1, uint32(block.timestamp)); }\n}\n",
        "test/Reader.test.js": "describe('reader', () => {});\n",
        "scripts/deploy.js": "async function main() {}\nmain();\n",
    })
    return root


def brownie_project(root: Path, packages: Path) -> Path:
    """``root`` as a brownie project; its OpenZeppelin dependency is installed in ``packages`` (what
    ``brownie pm install`` fills), remapped as brownie-config.yaml says."""
    dep = "OpenZeppelin/openzeppelin-contracts@" + _pin("@openzeppelin/contracts")
    _copy_package("@openzeppelin/contracts", packages / dep / "contracts")
    _write(root, {
        "brownie-config.yaml": f"dependencies:\n  - {dep}\ncompiler:\n  solc:\n    version: 0.8.24\n"
                               f"    remappings:\n      - \"@openzeppelin={dep}\"\n",
        "contracts/RewardToken.sol": REWARD_TOKEN,
        "contracts/LegacyBank.sol": LEGACY_BANK,
        "interfaces/IRewardToken.sol": "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.20;\n\n"
                                       "interface IRewardToken {\n    function mint(address to, uint256 amount) external;\n}\n",
        "tests/test_token.py": "def test_nothing():\n    pass\n",
        "scripts/deploy.py": "def main():\n    pass\n",
    })
    return root
