"""Audited npm packages the project pins get no high finding (`ouro verify --static-only`, real
Slither and compiler): every product file of solmate, Uniswap V2/V3 core and Morpho Blue, and the
OpenZeppelin files whose audited idioms were reported high before (verify/static/idioms.py,
verify/checks/static/arithmetic.py). ``benchmarks/trusted_packages.py`` runs every OpenZeppelin file.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
FOLDERS = ["solmate/src", "@uniswap/v2-core/contracts", "@uniswap/v3-core/contracts", "@morpho-org/morpho-blue/src"]
OPENZEPPELIN = [
    "governance/Governor.sol",
    "governance/extensions/GovernorTimelockAccess.sol",
    "proxy/ERC1967/ERC1967Utils.sol",
    "proxy/transparent/TransparentUpgradeableProxy.sol",
    "account/extensions/draft-AccountERC7579Hooked.sol",
    "access/manager/AccessManager.sol",
    "token/ERC1155/extensions/ERC1155Supply.sol",
    "token/ERC6909/extensions/ERC6909TokenSupply.sol",
    "token/ERC721/ERC721.sol",
    "utils/Base64.sol",
    "utils/math/Math.sol",
    "utils/NoncesKeyed.sol",
    "utils/cryptography/signers/MultiSignerERC7913Weighted.sol",
]


@pytest.fixture(scope="module")
def report():
    paths = [NODE_MODULES / f for f in FOLDERS] + [NODE_MODULES / "@openzeppelin/contracts" / f for f in OPENZEPPELIN]
    missing = [str(p) for p in paths if not p.exists()]
    assert not missing, f"not installed (run `npm ci`): {missing}"
    proc = subprocess.run([str(ROOT / ".venv" / "bin" / "ouro"), "verify", *map(str, paths), "--static-only",
                           "--format", "json", "--jobs", "2"], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert proc.stdout.strip(), f"no report (exit {proc.returncode}): {proc.stderr[-2000:]}"
    return json.loads(proc.stdout)["results"]


def test_every_file_compiles_and_is_analysed(report):
    assert len(report) > len(OPENZEPPELIN) + len(FOLDERS)
    bad = [(r["file"], r["status"], (r["error"] or "")[:200]) for r in report if r["status"] not in ("ok", "partial")]
    assert not bad, bad


def test_no_finding_is_high(report):
    highs = [f"{r['file'].split('node_modules/')[-1]}:{(f['lines'] or ['?'])[0]} {f['check']} ({f['function']})"
             for r in report for f in r["findings"] if f["severity"] == "high"]
    assert not highs, "\n".join(highs)
