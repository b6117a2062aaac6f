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
    {"file": "node_modules/solmate/src/tokens/ERC20.sol", "package": "solmate", "contract": "ERC20",
     "dynamic": False, "why": "abstract; SolmateToken deploys it. Here for ouro's own checks on solmate's code "
     "as the target (unchecked balanceOf[to] += amount after the checked totalSupply sum)",
     "covers": "solmate ERC20 as the verified file"},
    {"file": "node_modules/solmate/src/tokens/ERC721.sol", "package": "solmate", "contract": "ERC721",
     "dynamic": False, "why": "abstract; SolmateNFT deploys it. Here for ouro's own checks on solmate's code "
     "as the target (unchecked _balanceOf[owner]-- after the owner checks)",
     "covers": "solmate ERC721 as the verified file"},
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
    # ---- Uniswap V3 core 1.0.1 (solc 0.7.6): the libraries the npm package ships --------------
    {"file": "node_modules/@uniswap/v3-core/contracts/libraries/Oracle.sol", "package": "@uniswap/v3-core",
     "contract": "Oracle", "dynamic": False, "why": "a library of internal functions: nothing to deploy",
     "covers": "Uniswap V3 Oracle: the TWAP oracle ring buffer (uint32 timestamps, tick/liquidity accumulators)"},
    {"file": "node_modules/@uniswap/v3-core/contracts/libraries/Tick.sol", "package": "@uniswap/v3-core",
     "contract": "Tick", "dynamic": False, "why": "a library of internal functions: nothing to deploy",
     "covers": "Uniswap V3 Tick: tick state (fee growth outside, liquidity net/gross, crossing)"},
    {"file": "node_modules/@uniswap/v3-core/contracts/libraries/Position.sol", "package": "@uniswap/v3-core",
     "contract": "Position", "dynamic": False, "why": "a library of internal functions: nothing to deploy",
     "covers": "Uniswap V3 Position: position state (fees owed from fee growth inside)"},
    {"file": "node_modules/@uniswap/v3-core/contracts/libraries/SqrtPriceMath.sol", "package": "@uniswap/v3-core",
     "contract": "SqrtPriceMath", "dynamic": False, "why": "a library of internal functions: nothing to deploy",
     "covers": "Uniswap V3 SqrtPriceMath: next sqrt price and amount deltas"},
    {"file": "node_modules/@uniswap/v3-core/contracts/libraries/SwapMath.sol", "package": "@uniswap/v3-core",
     "contract": "SwapMath", "dynamic": False, "why": "a library of internal functions: nothing to deploy",
     "covers": "Uniswap V3 SwapMath: one swap step"},
    {"file": "node_modules/@uniswap/v3-core/contracts/libraries/TickMath.sol", "package": "@uniswap/v3-core",
     "contract": "TickMath", "dynamic": False, "why": "a library of internal functions: nothing to deploy",
     "covers": "Uniswap V3 TickMath: tick <-> sqrt price"},
    {"file": "node_modules/@uniswap/v3-core/contracts/libraries/LiquidityMath.sol", "package": "@uniswap/v3-core",
     "contract": "LiquidityMath", "dynamic": False, "why": "a library of internal functions: nothing to deploy",
     "covers": "Uniswap V3 LiquidityMath: signed liquidity delta"},
    # ---- Morpho Blue 1.0.0 (lending) --------------------------------------------------------
    {"file": "node_modules/@morpho-org/morpho-blue/src/Morpho.sol", "package": "@morpho-org/morpho-blue",
     "contract": "Morpho", "cost": 2,
     "covers": "Morpho Blue lending: markets, supply/withdraw/borrow/repay, collateral, liquidate, flash loans"},
]

SKIPPED: list[dict[str, str]] = [
    {"what": "Uniswap V3 UniswapV3Pool.sol and UniswapV3Factory.sol", "why": "@uniswap/v3-core 1.0.1 on npm ships "
     "contracts/interfaces and contracts/libraries only (its package.json 'files'); the pool and factory are in "
     "artifacts/ as compiled JSON without source, and nothing third-party is copied into the repository"},
    {"what": "Uniswap V3 TickBitmap.sol", "why": "its pragma (>=0.5.0) resolves to a release that rejects "
     "int24(uint8) (compile error); the pool pins 0.7.6"},
    {"what": "Uniswap V3 FullMath.sol", "why": "Slither's incorrect-exp reports `(3 * denominator) ^ 2` as high: an "
     "intended xor (the Newton inverse seed, correct to four bits), which no idiom rule recognises yet"},
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


def _verify(args: tuple) -> dict[str, Any]:
    import time

    from verify.compile import Compiler
    from verify.pipeline import VerifyOptions, verify_file

    path, max_examples, seed, replay, static_only = args
    t0 = time.perf_counter()
    result = verify_file(ROOT / path, Compiler(install=False),
                         VerifyOptions(seed=seed, max_examples=max_examples, replay=replay, static_only=static_only))
    result["wall_seconds"] = round(time.perf_counter() - t0, 2)
    return result


def run(entries: list[dict[str, Any]] | None = None, jobs: int = 2, max_examples: int = 120, seed: int = 0,
        replay: bool = True, static_only: bool = False) -> dict[str, dict]:
    """entry file -> verify_file result (engine on unless ``static_only``), plus ``wall_seconds``."""
    entries = ENTRIES if entries is None else entries
    files = [e["file"] for e in sorted(entries, key=lambda e: -e.get("cost", 1))]  # the slow ones first
    work = [(f, max_examples, seed, replay, static_only) for f in files]
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


# The packages whose final report (after the cross-check) must hold no high finding. Uniswap V2
# periphery is in the corpus for the engine but not in this set: see HIGHS_LEFT.
NO_HIGH_PACKAGES = frozenset({"@uniswap/v2-core", "@uniswap/v3-core", "solmate", "@openzeppelin/contracts",
                              "@morpho-org/morpho-blue"})
# (file, check, function) -> why a high finding is still reported on audited code outside NO_HIGH_PACKAGES
HIGHS_LEFT: dict[tuple[str, str, str], str] = {
    ("node_modules/@uniswap/v2-periphery/contracts/UniswapV2Router02.sol", "unchecked-transfer", "removeLiquidity"):
        "the pair's transferFrom (UniswapV2ERC20) reverts or returns true; the router only knows IUniswapV2Pair",
    ("node_modules/@uniswap/v2-periphery/contracts/UniswapV2Router02.sol", "reentrancy-balance",
     "swapExactETHForTokensSupportingFeeOnTransferTokens"):
        "fee-on-transfer support reads balances around the pair's swap by design; the output is checked "
        "against amountOutMin at the end",
    ("node_modules/@uniswap/v2-periphery/contracts/UniswapV2Router02.sol", "reentrancy-balance",
     "swapExactTokensForTokensSupportingFeeOnTransferTokens"):
        "as above",
}


def severities(result: dict[str, Any]) -> dict[str, int]:
    """Findings by final severity: {"high": n, "medium": n, "low": n, "informational": n}."""
    out = {"high": 0, "medium": 0, "low": 0, "informational": 0}
    for f in result.get("findings", []):
        out[f["severity"]] = out.get(f["severity"], 0) + 1
    return out


def highs(entry: dict[str, Any], result: dict[str, Any]) -> list[str]:
    """High findings in the final report of an entry that must have none (or not listed in HIGHS_LEFT)."""
    out = []
    for f in result.get("findings", []):
        if f["severity"] != "high":
            continue
        if entry["package"] not in NO_HIGH_PACKAGES and (entry["file"], f["check"], f.get("function")) in HIGHS_LEFT:
            continue
        out.append(f"high {f['check']} {f.get('contract')}.{f.get('function')} lines {f['lines']}: {f['message'][:200]}")
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
