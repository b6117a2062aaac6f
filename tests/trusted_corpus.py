"""The trusted corpus: audited Solidity installed from npm (package.json), on which ouro's engine
must never confirm an exploit.

Files are used where npm puts them (``node_modules/...``); nothing third-party is copied into the
repository. An abstract contract (solmate's and OpenZeppelin's ERC20, ERC721, ERC1155, ERC4626,
Owned/Ownable) is made deployable by a thin wrapper in ``tests/corpus/trusted/`` that imports it
(relative path for solmate, the ``@openzeppelin/`` remapping ouro sets up) and adds only what a
deployment needs: a constructor, an owner-only mint, a holder's burn, the one abstract view.

What a verdict must satisfy on this corpus (tests/test_trusted_corpus.py):
- no finding is ``confirmed: true``;
- a ``confirmed: false`` finding's evidence shows that every flagged line ran with the attack on
  (``evidence.coverage.flagged`` is non-empty and within ``evidence.coverage.covered``, see
  verify/crosscheck.py and verify/dynamic/probe.py).

``cost`` (default 1) is a rough relative run time, so a pool starts the slow files first.
``dynamic: False`` marks a file that compiles and is analysed statically but that the engine cannot
deploy today; ``why`` says what stops it. ``SKIPPED`` lists what was asked for and is not here.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
WRAPPERS = "tests/corpus/trusted"

ENTRIES: list[dict[str, Any]] = [
    # ---- solmate 6.8.0 ---------------------------------------------------------------------
    {"file": "node_modules/solmate/src/tokens/WETH.sol", "package": "solmate", "contract": "WETH",
     "covers": "WETH deposit/withdraw over solmate ERC20; withdraw pays with SafeTransferLib.safeTransferETH "
               "(past false positive: ouro-reentrancy confirmed a re-entered deposit() buying WETH 1:1)"},
    {"file": f"{WRAPPERS}/SolmateToken.sol", "package": "solmate", "contract": "SolmateToken",
     "covers": "solmate ERC20 (transfer, transferFrom, approve, permit, _mint, _burn) and Owned "
               "(onlyOwner, transferOwnership)"},
    {"file": f"{WRAPPERS}/SolmateNFT.sol", "package": "solmate", "contract": "SolmateNFT",
     "covers": "solmate ERC721 (approve, setApprovalForAll, transferFrom, safeTransferFrom, _safeMint, _burn) "
               "and Owned"},
    {"file": f"{WRAPPERS}/Solmate1155.sol", "package": "solmate", "contract": "Solmate1155",
     "covers": "solmate ERC1155 (safeTransferFrom, safeBatchTransferFrom, setApprovalForAll, _mint, _burn) and Owned"},
    {"file": f"{WRAPPERS}/SolmateVault.sol", "package": "solmate", "contract": "SolmateVault",
     "covers": "solmate ERC4626 over a solmate ERC20 asset (deposit, mint, withdraw, redeem; SafeTransferLib "
               "safeTransfer/safeTransferFrom; FixedPointMathLib)"},
    # ---- OpenZeppelin Contracts 5.7.0 -------------------------------------------------------
    {"file": f"{WRAPPERS}/OZToken.sol", "package": "@openzeppelin/contracts", "contract": "OZToken",
     "covers": "OpenZeppelin ERC20 and Ownable"},
    {"file": f"{WRAPPERS}/OZNFT.sol", "package": "@openzeppelin/contracts", "contract": "OZNFT", "cost": 2,
     "covers": "OpenZeppelin ERC721 (_safeMint, _update with authorization) and Ownable"},
    {"file": f"{WRAPPERS}/OZVault.sol", "package": "@openzeppelin/contracts", "contract": "OZVault", "cost": 2,
     "covers": "OpenZeppelin ERC4626 (virtual shares and assets, SafeERC20) over an OpenZeppelin ERC20"},
    {"file": "node_modules/@openzeppelin/contracts/finance/VestingWallet.sol",
     "package": "@openzeppelin/contracts", "contract": "VestingWallet",
     "covers": "OpenZeppelin VestingWallet: receives ETH, release() pays the beneficiary (Address.sendValue)"},
    {"file": "node_modules/@openzeppelin/contracts/governance/TimelockController.sol",
     "package": "@openzeppelin/contracts", "contract": "TimelockController", "cost": 3,
     "covers": "OpenZeppelin TimelockController (AccessControl roles, schedule/execute/cancel, arbitrary call "
               "in _execute)"},
    # ---- Uniswap V2 (0.5.16 core, 0.6.6 periphery) -----------------------------------------
    {"file": "node_modules/@uniswap/v2-core/contracts/UniswapV2ERC20.sol", "package": "@uniswap/v2-core",
     "contract": "UniswapV2ERC20", "cost": 2, "covers": "Uniswap V2 LP token (SafeMath ERC20, permit)"},
    {"file": "node_modules/@uniswap/v2-core/contracts/UniswapV2Pair.sol", "package": "@uniswap/v2-core",
     "contract": "UniswapV2Pair", "cost": 3,
     "covers": "Uniswap V2 pair deployed on its own, as createPair would before initialize() (mint, burn, "
               "swap with the flash callback, skim, sync behind the lock modifier)"},
    {"file": "node_modules/@uniswap/v2-core/contracts/UniswapV2Factory.sol", "package": "@uniswap/v2-core",
     "contract": "UniswapV2Factory", "cost": 2, "covers": "Uniswap V2 factory (createPair by CREATE2, feeTo setters)"},
    {"file": "node_modules/@uniswap/v2-periphery/contracts/UniswapV2Router02.sol",
     "package": "@uniswap/v2-periphery", "contract": "UniswapV2Router02", "cost": 2,
     "covers": "Uniswap V2 router (solc 0.6.6; its @uniswap/ imports are found by the solc-js "
               "backend's node_modules lookup, ouro remaps only @openzeppelin/)"},
    # ---- Morpho Blue 1.0.0 (lending) --------------------------------------------------------
    {"file": "node_modules/@morpho-org/morpho-blue/src/Morpho.sol", "package": "@morpho-org/morpho-blue",
     "contract": "Morpho", "cost": 2,
     "covers": "Morpho Blue lending: markets, supply/withdraw/borrow/repay, collateral, liquidate, flash loans"},
]

SKIPPED: list[dict[str, str]] = [
    {"what": "OpenZeppelin PaymentSplitter", "why": "removed in OpenZeppelin Contracts 5.0; not in 5.7.0 "
     "(finance/ holds VestingWallet and VestingWalletCliff only)"},
    {"what": "solmate ReentrancyGuard", "why": "nothing in solmate's src/ outside its tests uses it, and a vault "
     "written here to use it would not be audited code; SafeTransferLib is covered through WETH and ERC4626"},
]


def package_version(package: str) -> str | None:
    try:
        return json.loads((NODE_MODULES / package / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


def dynamic_expected(entry: dict[str, Any]) -> bool:
    return entry.get("dynamic", True)


def _verify(args: tuple[str, int, int, bool]) -> dict[str, Any]:
    import time

    from verify.compile import Compiler
    from verify.pipeline import VerifyOptions, verify_file

    path, max_examples, seed, replay = args
    t0 = time.perf_counter()
    result = verify_file(ROOT / path, Compiler(install=False),
                         VerifyOptions(seed=seed, max_examples=max_examples, replay=replay))
    result["wall_seconds"] = round(time.perf_counter() - t0, 2)
    return result


def run(entries: list[dict[str, Any]] | None = None, jobs: int = 2, max_examples: int = 120, seed: int = 0,
        replay: bool = True) -> dict[str, dict]:
    """entry file -> verify_file result (engine on, not static-only), plus ``wall_seconds``."""
    entries = ENTRIES if entries is None else entries
    files = [e["file"] for e in sorted(entries, key=lambda e: -e.get("cost", 1))]  # the slow ones first
    work = [(f, max_examples, seed, replay) for f in files]
    if jobs <= 1:
        results = [_verify(w) for w in work]
    else:
        import multiprocessing

        ctx = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
        with ProcessPoolExecutor(jobs, mp_context=ctx) as pool:
            results = list(pool.map(_verify, work))
    return dict(zip(files, results))


def counts(result: dict[str, Any]) -> dict[str, int]:
    """Findings by confirmed state: {"true": n, "false": n, "null": n}."""
    out = {"true": 0, "false": 0, "null": 0}
    for f in result.get("findings", []):
        out[{True: "true", False: "false", None: "null"}[f["confirmed"]]] += 1
    return out


def problems(result: dict[str, Any]) -> list[str]:
    """What breaks the trusted-corpus rule in one file's result (empty: it holds)."""
    out = []
    for f in result.get("findings", []):
        where = f"{f['check']} {f.get('contract')}.{f.get('function')} lines {f['lines']}"
        ev = f.get("evidence") or {}
        if f["confirmed"] is True:
            out.append(f"confirmed: {where} by {ev.get('property')}: {f['message'][:300]}; "
                       f"sequence {ev.get('trace')}; replay {(ev.get('replay') or {}).get('reproduced')}")
        elif f["confirmed"] is False:
            cov = ev.get("coverage") or {}
            flagged, covered = set(cov.get("flagged") or []), set(cov.get("covered") or [])
            if not flagged or not flagged <= covered:
                out.append(f"refuted without the flagged lines running: {where}: flagged {sorted(flagged)}, "
                           f"covered {sorted(covered)}")
    return out
