"""Generated ERC-20, ERC-721 and ERC-4626 contracts against the EIP conformance checks of
tests/conformance, on a real Anvil node, driven with raw calldata through web3.

Every contract is synthesised from a spec with the template generator, compiled with solc and
deployed from Anvil's unlocked accounts. One test per (contract, check); each check runs on a
snapshot of the deployed contract. The negative controls edit the generated source (a small text
replacement) so that it breaks one clause, and require the matching check to fail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest

from synth.kinds import get_kind
from synth.spec import parse_spec_text
from tests.conformance import Chain, CheckResult, run_one
from tests.conformance import erc20 as c20
from tests.conformance import erc721 as c721
from tests.conformance import erc4626 as c4626

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "examples" / "specs"
HERE = ROOT / "tests" / "conformance"
E18 = 10**18


def _has_existing_asset() -> bool:
    from synth.kinds.erc4626 import Erc4626Options

    return "existing_asset" in Erc4626Options.model_fields


def _spec_text(name: str, edits: dict[str, str] | None = None) -> str:
    text = (SPECS / name).read_text()
    for old, new in (edits or {}).items():
        assert old in text, f"{name}: {old!r} not found"
        text = text.replace(old, new)
    return text


# fees off, cap and pause kept: pure ERC-4626 semantics for the previews
NO_FEES = {"fees: true": "fees: false", "name: EthYieldVault": "name: EthNoFeeVault"}
EXISTING_ASSET_SPEC = """\
kind: erc4626
name: MockAssetVault
access: ownable
options:
  existing_asset: true
parameters:
  symbol: vMOCK
  asset: "0x00000000000000000000000000000000000000A5"
"""
# fees, a cap below what an actor holds (so it can be exceeded) and pause, over the mock asset
EXISTING_ASSET_FEE_SPEC = """\
kind: erc4626
name: MockAssetFeeVault
access: managed
options:
  existing_asset: true
  fees: true
  deposit_cap: true
  pausable: true
parameters:
  symbol: vfMOCK
  fee_bps: 0.3%
  cap: 500
  asset: "0x00000000000000000000000000000000000000A5"
"""


# -- building and deploying -----------------------------------------------------------------
@dataclass
class Built:
    spec: Any
    abi: list[dict]
    bytecode: str
    ctor_args: list[Any]
    source: str


class Env:
    def __init__(self, w3, tmp: Path):
        from verify.compile import Compiler

        self.chain = Chain(w3)
        self.w3 = w3
        self.accounts = list(w3.eth.accounts)
        self.deployer, self.alice, self.bob, self.carol, self.dave = self.accounts[:5]
        self.compiler = Compiler(install=False, evm_version="cancun")
        self.tmp = tmp
        self._built: dict[str, Built] = {}
        self._helpers: dict[str, str] = {}

    def actor(self, ref: str) -> str:
        names = {"deployer": self.deployer, "alice": self.alice, "bob": self.bob, "attacker": self.dave}
        return names[ref[1:]]

    def build(self, spec_text: str, mutate: Callable[[str], str] | None = None, tag: str = "") -> Built:
        key = spec_text + tag
        if key in self._built:
            return self._built[key]
        spec = parse_spec_text(spec_text)
        kind = get_kind(spec.kind)
        src = kind.render(spec)
        if mutate is not None:
            mutated = mutate(src)
            assert mutated != src, "the mutation changed nothing"
            src = mutated
        d = self.tmp / f"{spec.name}{tag}"
        d.mkdir(parents=True, exist_ok=True)
        path = d / f"{spec.name}.sol"
        path.write_text(src)
        res = self.compiler.compile_file(path)
        c = res.contract(spec.name)
        b = Built(spec, c.abi, c.bytecode, kind.constructor_args(spec), src)
        self._built[key] = b
        return b

    def deploy(self, b: Built, refs: dict[str, str] | None = None) -> str:
        ctor = next((e for e in b.abi if e["type"] == "constructor"), {"inputs": []})
        types = [i["type"] for i in ctor["inputs"]]

        def resolve(v):
            if isinstance(v, str) and v.startswith("@ref:"):
                return refs[v[5:]]
            if isinstance(v, str) and v.startswith("@"):
                return self.actor(v)
            if isinstance(v, list):
                return [resolve(x) for x in v]
            return v

        return self.chain.deploy(self.deployer, b.bytecode, types, [resolve(a) for a in b.ctor_args])

    def helper(self, file: str, name: str, types: list[str] = (), args: list = ()) -> str:
        """Deploy a helper contract of tests/conformance (once per module)."""
        key = f"{file}:{name}:{args}"
        if key not in self._helpers:
            res = self.compiler.compile_file(HERE / file)
            self._helpers[key] = self.chain.deploy(self.deployer, res.contract(name).bytecode, list(types), list(args))
        return self._helpers[key]

    def fresh_helper(self, file: str, name: str) -> str:
        res = self.compiler.compile_file(HERE / file)
        return self.chain.deploy(self.deployer, res.contract(name).bytecode)


@pytest.fixture(scope="module")
def env(anvil_chain, tmp_path_factory):
    e = Env(anvil_chain.web3, tmp_path_factory.mktemp("conformance"))
    yield e


RESULTS: list[tuple[str, CheckResult]] = []


@pytest.fixture(scope="module", autouse=True)
def _summary():
    yield
    if not RESULTS:
        return
    table: dict[str, dict[str, int]] = {}
    for subject, r in RESULTS:
        row = table.setdefault(f"{r.check.standard} {subject}", {"pass": 0, "fail": 0, "n/a": 0})
        row[r.status] += 1
    print("\nconformance summary (checks per contract):")
    for k, row in table.items():
        print(f"  {k:40s} pass {row['pass']:3d}  fail {row['fail']:3d}  n/a {row['n/a']:3d}")


# Non-conformance found in the generated code, reported and expected to fail until the kind is
# fixed (where the check passes, the test passes: nothing to update then).
# check name -> why a generated contract is known not to conform (the test then xfails); empty:
# every check must pass (paused vaults' maxDeposit/maxMint now answer 0, as EIP-4626 requires)
KNOWN_NONCONFORMANCE: dict[str, str] = {}


def _record_and_assert(subject_name: str, result: CheckResult) -> None:
    RESULTS.append((subject_name, result))
    if result.status == "n/a":
        pytest.skip(f"not applicable: {result.detail}")
    known = KNOWN_NONCONFORMANCE.get(result.check.name)
    if known and result.status == "fail":
        pytest.xfail(f"known non-conformance: {known} ({result.detail})")
    assert result.status == "pass", f"{result.check.id} ({result.check.clause}): {result.detail}"


# -- ERC-20 subjects ------------------------------------------------------------------------
_subjects: dict[str, Any] = {}


def _subject(env: Env, name: str, make: Callable[[Env], Any]):
    if name not in _subjects:
        _subjects[name] = make(env)
    return _subjects[name]


def make_govtoken(env: Env, mutate=None, tag="") -> c20.Erc20Subject:
    b = env.build(_spec_text("erc20.yaml"), mutate, tag)
    token = env.deploy(b)  # premints 1000 GOV to the admin (the deployer)
    return c20.Erc20Subject(env.chain, token, env.deployer, [env.alice, env.bob, env.carol],
                            [env.deployer, env.alice, env.bob, env.carol], amount=E18)


def make_mock_asset(env: Env) -> c20.Erc20Subject:
    token = env.fresh_helper("MockAsset.sol", "MockAsset")
    env.chain.send(env.deployer, token, "mint(address,uint256)", [env.alice, 100 * E18])
    return c20.Erc20Subject(env.chain, token, env.alice, [env.bob, env.carol, env.dave],
                            [env.alice, env.bob, env.carol, env.dave], amount=E18)


ERC20_SUBJECTS: dict[str, Callable[[Env], Any]] = {
    "GovToken": make_govtoken,
    "MockAsset(reference)": make_mock_asset,
}


@pytest.mark.parametrize("check", c20.CHECKS, ids=lambda c: c.name)
@pytest.mark.parametrize("subject_name", ["GovToken", "MockAsset(reference)", "EthYieldVaultAsset(WETH)"])
def test_erc20(env, subject_name, check):
    s = _subject(env, subject_name, ERC20_SUBJECTS[subject_name])
    _record_and_assert(subject_name, run_one(env.chain, check, s))


# -- ERC-721 subjects -----------------------------------------------------------------------
def _receivers(env: Env) -> dict[str, str]:
    return {"good": env.fresh_helper("Receivers.sol", "GoodReceiver"),
            "none": env.helper("Receivers.sol", "NonReceiver"),
            "wrong": env.helper("Receivers.sol", "WrongReceiver"),
            "refusing": env.helper("Receivers.sol", "RefusingReceiver")}


def make_pixelpals(env: Env, mutate=None, tag="") -> c721.Erc721Subject:
    b = env.build(_spec_text("erc721.yaml"), mutate, tag)
    token = env.deploy(b)
    # the admin holds MINTER_ROLE: safeMint(to) is how this collection creates tokens
    mint = lambda to: env.chain.send(env.deployer, token, "safeMint(address)", [to])  # noqa: E731
    return c721.Erc721Subject(env.chain, token, env.alice, [env.bob, env.carol, env.dave], mint, _receivers(env))


ERC721_SUBJECTS: dict[str, Callable[[Env], Any]] = {"PixelPals": make_pixelpals}


@pytest.mark.parametrize("check", c721.CHECKS, ids=lambda c: c.name)
@pytest.mark.parametrize("subject_name", list(ERC721_SUBJECTS))
def test_erc721(env, subject_name, check):
    s = _subject(env, subject_name, ERC721_SUBJECTS[subject_name])
    _record_and_assert(subject_name, run_one(env.chain, check, s))


# -- ERC-4626 subjects ----------------------------------------------------------------------
VAULT_FUNDS = 1_000 * E18  # per actor: above the example's 500 ETH cap, so the cap can be exceeded
MOCK_FUNDS = 2_000_000 * E18  # the mock asset is minted at will: above a 1,000,000-asset cap


def _vault_actors(env: Env) -> list[str]:
    # the deployer is the admin (and the fee recipient): it takes no part, so balances stay exact
    return [env.alice, env.bob, env.carol, env.dave]


def _approve_all(env: Env, asset: str, vault: str, actors: list[str]) -> None:
    for a in actors:
        tx = env.chain.send(a, asset, "approve(address,uint256)", [vault, 2**256 - 1], returns=("bool",))
        assert not tx.reverted


def _pauser(env: Env, b: Built, vault: str):
    """The spec's `pausable` option: the admin (the deployer) stops deposits with pause()."""
    if not b.spec.options.model_dump().get("pausable"):
        return None
    return lambda: env.chain.send(env.deployer, vault, "pause()")


def make_weth_vault(env: Env, spec_text: str, charges_fees: bool, mutate=None, tag="") -> c4626.Erc4626Subject:
    """A vault over its own wrapped-ETH asset: actors wrap ETH with the asset's deposit()."""
    b = env.build(spec_text, mutate, tag)
    vault = env.deploy(b)
    asset = env.chain.call(vault, "asset()", returns=("address",))
    actors = _vault_actors(env)
    for a in actors:
        assert not env.chain.send(a, asset, "deposit()", [], value=VAULT_FUNDS).reverted
    _approve_all(env, asset, vault, actors)
    return c4626.Erc4626Subject(env.chain, vault, actors, VAULT_FUNDS, amount=10 * E18, charges_fees=charges_fees,
                                pause=_pauser(env, b, vault))


def make_mock_vault(env: Env, spec_text: str, mutate=None, tag="") -> c4626.Erc4626Subject:
    """A vault over a plain ERC-20 (tests/conformance/MockAsset.sol), given to its constructor."""
    b = env.build(spec_text, mutate, tag)
    assert "@ref:asset" in b.ctor_args, f"the existing-asset vault takes no asset: {b.ctor_args}"
    asset = env.fresh_helper("MockAsset.sol", "MockAsset")
    vault = env.deploy(b, refs={"asset": asset})
    assert env.chain.call(vault, "asset()", returns=("address",)) == asset
    actors = _vault_actors(env)
    for a in actors:
        assert not env.chain.send(env.deployer, asset, "mint(address,uint256)", [a, MOCK_FUNDS]).reverted
    _approve_all(env, asset, vault, actors)
    fees = bool(parse_spec_text(spec_text).options.model_dump().get("fees"))
    return c4626.Erc4626Subject(env.chain, vault, actors, MOCK_FUNDS, amount=10 * E18, charges_fees=fees,
                                pause=_pauser(env, b, vault))


def _existing_asset_specs() -> dict[str, str]:
    """The plain vault, and fees + cap + pause: the example spec where it exists, else our own."""
    out = {"MockAssetVault": EXISTING_ASSET_SPEC}
    example = SPECS / "erc4626_existing_asset.yaml"
    if example.exists():
        out["erc4626_existing_asset.yaml"] = example.read_text()
    else:
        out["MockAssetFeeVault(fees)"] = EXISTING_ASSET_FEE_SPEC
    return out


ERC4626_SUBJECTS: dict[str, Callable[[Env], Any]] = {
    "EthYieldVault(fees)": lambda env: make_weth_vault(env, _spec_text("erc4626.yaml"), True),
    "EthNoFeeVault": lambda env: make_weth_vault(env, _spec_text("erc4626.yaml", NO_FEES), False),
}
MOCK_VAULTS = list(_existing_asset_specs())
NO_EXISTING_ASSET = ("the erc4626 kind has no `existing_asset` option yet: a vault over a plain mock "
                     "ERC-20 cannot be generated")


@pytest.mark.parametrize("check", c4626.CHECKS, ids=lambda c: c.name)
@pytest.mark.parametrize("subject_name", list(ERC4626_SUBJECTS))
def test_erc4626(env, subject_name, check):
    s = _subject(env, subject_name, ERC4626_SUBJECTS[subject_name])
    _record_and_assert(subject_name, run_one(env.chain, check, s))


@pytest.mark.parametrize("check", c4626.CHECKS, ids=lambda c: c.name)
@pytest.mark.parametrize("subject_name", MOCK_VAULTS)
def test_erc4626_over_mock_asset(env, subject_name, check):
    if not _has_existing_asset():
        pytest.skip(NO_EXISTING_ASSET)
    text = _existing_asset_specs()[subject_name]
    s = _subject(env, subject_name, lambda e: make_mock_vault(e, text))
    _record_and_assert(subject_name, run_one(env.chain, check, s))


def _share_token(env: Env, vault_subject: str) -> c20.Erc20Subject:
    """The shares of a fresh deployment of the vault as an ERC-20: actor 0 deposits and so holds
    shares; the others hold none."""
    v = ERC4626_SUBJECTS[vault_subject](env)
    holder = v.actors[0]
    assert not env.chain.send(holder, v.vault, "deposit(uint256,address)", [100 * E18, holder]).reverted
    return c20.Erc20Subject(env.chain, v.vault, holder, v.actors[1:], v.actors + [env.deployer], amount=E18)


SHARE_TOKENS = ["EthYieldVault(fees)", "EthNoFeeVault"]


@pytest.mark.parametrize("check", c20.CHECKS, ids=lambda c: c.name)
@pytest.mark.parametrize("vault_subject", SHARE_TOKENS)
def test_erc20_vault_shares(env, vault_subject, check):
    s = _subject(env, f"{vault_subject} shares", lambda e: _share_token(e, vault_subject))
    _record_and_assert(f"{vault_subject} shares", run_one(env.chain, check, s))


def make_weth_asset(env: Env) -> c20.Erc20Subject:
    """The wrapped-ETH asset the example vault generates alongside itself, as an ERC-20."""
    v = make_weth_vault(env, _spec_text("erc4626.yaml"), True)
    asset = env.chain.call(v.vault, "asset()", returns=("address",))
    return c20.Erc20Subject(env.chain, asset, v.actors[0], v.actors[1:], v.actors, amount=E18)


ERC20_SUBJECTS["EthYieldVaultAsset(WETH)"] = make_weth_asset


# -- negative controls: mutated generated sources must fail the matching checks ---------------
def _inject(contract: str, code: str, imports: str = "") -> Callable[[str], str]:
    """Add ``code`` at the top of ``contract``'s body (and ``imports`` after the pragma)."""

    def mutate(src: str) -> str:
        out, n = re.subn(rf"(\ncontract {contract} is [^{{]*\{{\n)", lambda m: m.group(1) + code + "\n", src, count=1)
        assert n == 1, f"contract {contract} not found"
        if imports:
            out = re.sub(r"(pragma solidity [^;]*;\n)", lambda m: m.group(1) + imports + "\n", out, count=1)
        return out

    return mutate


def _replace(old: str, new: str) -> Callable[[str], str]:
    def mutate(src: str) -> str:
        assert src.count(old) == 1, f"{old!r} occurs {src.count(old)} times"
        return src.replace(old, new)

    return mutate


MATH = 'import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";'

MUTANTS: dict[str, tuple[list, Callable[[Env], Any], set[str]]] = {
    "GovToken/transferFrom-ignores-allowance": (c20.CHECKS, lambda env: make_govtoken(env, _inject(
        "GovToken",
        "    function transferFrom(address from, address to, uint256 value) public override returns (bool) {\n"
        "        _transfer(from, to, value);\n"
        "        return true;\n"
        "    }\n"), "-m-allowance"),
        {"transfer_from_without_allowance_fails", "transfer_from_over_allowance_fails",
         "transfer_from_moves_and_consumes_allowance"}),
    "GovToken/approve-adds": (c20.CHECKS, lambda env: make_govtoken(env, _inject(
        "GovToken",
        "    function approve(address spender, uint256 value) public override returns (bool) {\n"
        "        _approve(msg.sender, spender, allowance(msg.sender, spender) + value);\n"
        "        return true;\n"
        "    }\n"), "-m-approve"),
        {"approve_overwrites"}),
    "PixelPals/anyone-authorized": (c721.CHECKS, lambda env: make_pixelpals(env, _inject(
        "PixelPals",
        "    function _isAuthorized(address, address spender, uint256) internal view override returns (bool) {\n"
        "        return spender != address(0);\n"
        "    }\n"), "-m-auth"),
        {"transfer_from_by_stranger_throws", "safe_transfer_authorization"}),
    "PixelPals/supports-ffffffff": (c721.CHECKS, lambda env: make_pixelpals(env, _replace(
        "return super.supportsInterface(interfaceId);",
        "return interfaceId == 0xffffffff || super.supportsInterface(interfaceId);"), "-m-165"),
        {"rejects_ffffffff_interface"}),
    "EthNoFeeVault/previewMint-rounds-down": (c4626.CHECKS, lambda env: make_weth_vault(env, _spec_text(
        "erc4626.yaml", NO_FEES), False, _inject(
        "EthNoFeeVault",
        "function previewMint(uint256 shares) public view override returns (uint256) {\n"
        "    return _convertToAssets(shares, Math.Rounding.Floor);\n"
        "}\n", MATH), "-m-mint"),
        {"rounding_mint_up", "rounding_mint_vs_deposit"}),
    "EthNoFeeVault/previewRedeem-rounds-up": (c4626.CHECKS, lambda env: make_weth_vault(env, _spec_text(
        "erc4626.yaml", NO_FEES), False, _inject(
        "EthNoFeeVault",
        "function previewRedeem(uint256 shares) public view override returns (uint256) {\n"
        "    return _convertToAssets(shares, Math.Rounding.Ceil);\n"
        "}\n", MATH), "-m-redeem"),
        {"previews_no_better_than_convert"}),
    "EthYieldVault/previewDeposit-without-fee": (c4626.CHECKS, lambda env: make_weth_vault(env, _spec_text(
        "erc4626.yaml"), True, _replace(
        "return super.previewDeposit(assets - _feeOnTotal(assets));",
        "return super.previewDeposit(assets);"), "-m-fee"),
        {"previews_show_fees"}),
}


@pytest.mark.parametrize("mutant", list(MUTANTS))
def test_negative_control(env, mutant):
    checks, make, expected = MUTANTS[mutant]
    s = make(env)
    # only the checks the mutation targets (every check on every mutant would double the run time)
    results = [run_one(env.chain, c, s) for c in checks if c.name in expected]
    assert len(results) == len(expected), "a targeted check is not in the list"
    failed = {r.check.name for r in results if r.status == "fail"}
    for r in results:
        RESULTS.append((f"MUTANT {mutant}", r))
    assert failed == expected, f"{mutant}: expected {sorted(expected)} to fail, failed {sorted(failed)}"
