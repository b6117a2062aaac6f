"""Token-aware staking, ERC-4626 and vesting: each token variant synthesises and passes the whole
verification (real compiler, Slither, property engine with the standard, fee-on-transfer and
returns-false mocks, scenarios); a seeded bug (a vesting wallet that grants the amount it asked
for instead of what arrived) is caught under the fee-on-transfer mock, and the vault over an
existing asset refuses that token with ``UnsupportedToken()``."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from synth.kinds import get_kind
from synth.kinds.base import TokenRef
from synth.spec import parse_spec_text

ROOT = Path(__file__).resolve().parent.parent
USDC = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"
DAI = "0x6B175474E89094C44Da98b954EedeAC495271d0F"
MAX_EXAMPLES = 24

SHARED_POOL = {"kind": "staking", "name": "SharedTokenPool", "access": "roles",
               "options": {"erc20_stake": True, "erc20_rewards": True, "pausable": True, "emergency_withdraw": True},
               "parameters": {"stake_token": USDC, "reward_token": USDC, "min_stake": "0.01 ether"}}
TWO_TOKEN_POOL = {"kind": "staking", "name": "TwoTokenPool", "access": "ownable",
                  "options": {"erc20_stake": True, "erc20_rewards": True},
                  "parameters": {"stake_token": USDC, "reward_token": DAI}}
ETH_FOR_TOKEN_POOL = {"kind": "staking", "name": "EthForTokenPool", "access": "managed",
                      "options": {"erc20_rewards": True, "emergency_withdraw": True},
                      "parameters": {"reward_token": DAI}}
TOKEN_VESTING = {"kind": "vesting", "name": "TokenGrant", "access": "roles",
                 "options": {"erc20": True, "revocable": True},
                 "parameters": {"token": USDC, "beneficiary": "@alice", "cliff": "1 year", "duration": "4 years"}}
VAULT = {"kind": "erc4626", "name": "UsdcVault", "access": "managed",
         "options": {"existing_asset": True, "fees": True, "deposit_cap": True, "pausable": True},
         "parameters": {"asset": USDC, "symbol": "vUSDC", "fee_bps": "0.3%", "cap": 500}}


def _spec(doc):
    return parse_spec_text(yaml.safe_dump(doc), f"{doc['name']}.yaml")


def _verify(spec, tmp_path: Path, source: str | None = None):
    """What `ouro synth` verifies (the standard mock, then the fee-on-transfer and returns-false
    variants), without the fuzzing pass and the project."""
    from synth.generators import GeneratedSource, select_generator
    from synth.pipeline import SynthOptions, verify_generated
    from verify.compile import Compiler

    generated = select_generator("template").generate(spec)
    if source is not None:
        generated = GeneratedSource(generated.contract, source, "seeded")
    sol = tmp_path / f"{generated.contract}.sol"
    sol.write_text(generated.source)
    opts = SynthOptions(max_examples=MAX_EXAMPLES, replay=False, fuzz_examples=0)
    return verify_generated(spec, sol, Compiler(evm_version="cancun", install=False), opts, generated)


def _problems(res) -> str:
    return "\n".join([res.error or ""] + [f"{f['check']} {f.get('function')}: {f['message'][:300]}"
                                          for f in res.blocking()]
                     + [f"scenario {s.name}: {s.message}" for s in res.scenarios if not s.passed])


# --------------------------------------------------------------------------- fast: the kinds' token plumbing
def test_token_refs_and_constructor_args():
    staking = get_kind("staking")
    shared = _spec(SHARED_POOL)
    assert staking.token_refs(shared) == [TokenRef("stake_token", "erc20", "erc20_stake", USDC),
                                          TokenRef("reward_token", "erc20", "erc20_rewards", USDC)]
    assert staking.constructor_args(shared) == ["@deployer", "@ref:stake_token", "@ref:reward_token"]
    mixed = _spec(ETH_FOR_TOKEN_POOL)
    assert staking.token_refs(mixed) == [TokenRef("reward_token", "erc20", "erc20_rewards", DAI)]
    assert staking.constructor_args(mixed) == ["@deployer", "@ref:reward_token"]
    vault = _spec(VAULT)
    assert get_kind("erc4626").token_refs(vault) == [TokenRef("asset", "erc20", "existing_asset", USDC)]
    assert get_kind("erc4626").constructor_args(vault) == ["@deployer", "@ref:asset"]
    vesting = _spec(TOKEN_VESTING)
    assert get_kind("vesting").token_refs(vesting) == [TokenRef("token", "erc20", "erc20", USDC)]
    assert get_kind("vesting").constructor_args(vesting) == ["@deployer", "@alice", "@ref:token"]
    for kind, doc in [("staking", SHARED_POOL), ("erc4626", VAULT), ("vesting", TOKEN_VESTING)]:
        eth = _spec({**doc, "options": {}, "parameters": {}})
        assert get_kind(kind).token_refs(eth) == [], kind  # the ETH defaults take no token
        assert "@ref:" not in str(get_kind(kind).constructor_args(eth))
        assert "IERC20 " not in get_kind(kind).render(eth).split("constructor(")[1].split(")")[0]
    # an option without its address is not the kind's error (a system supplies it)
    from synth.kinds.erc4626 import Erc4626Parameters
    from synth.kinds.staking import StakingParameters
    from synth.kinds.vesting import VestingParameters

    assert StakingParameters().stake_token is None and Erc4626Parameters().asset is None
    assert VestingParameters().token is None
    bare = shared.model_copy(update={"parameters": shared.parameters.model_copy(
        update={"stake_token": None, "reward_token": None})})
    assert [r.address for r in staking.token_refs(bare)] == [None, None]


def test_one_address_for_stake_and_reward_shares_one_mock():
    from synth.pipeline import deployment_for

    spec = _spec(SHARED_POOL)
    plan = deployment_for(spec, get_kind("staking").constructor_args(spec))
    assert [d.contract for d in plan.dependencies] == ["OuroToken"]
    assert plan.aliases == {"stake_token": 0, "reward_token": 0} and plan.fund_tokens
    two = _spec(TWO_TOKEN_POOL)
    plan = deployment_for(two, get_kind("staking").constructor_args(two), "fee-on-transfer")
    assert [d.contract for d in plan.dependencies] == ["OuroFeeToken", "OuroFeeToken"]


def test_grid_covers_every_token_combination_with_placeholders():
    from synth.grid import grid_specs

    for kind, keys in [("staking", {"erc20_stake": "stake_token", "erc20_rewards": "reward_token"}),
                       ("erc4626", {"existing_asset": "asset"}), ("vesting", {"erc20": "token"})]:
        docs = grid_specs([kind])
        combos = {tuple(sorted(d["options"].items())) + (d["access"],) for d in docs}
        assert len(combos) == len(docs) == 2 ** len(docs[0]["options"]) * len(get_kind(kind).ACCESS)
        assert not any(docs[-1]["options"][k] for k in keys)  # the last entry stays the richest ETH one
        assert all(docs[-1]["options"][k] for k in docs[-1]["options"] if k not in keys)
        for d in docs:
            on = {k for k in keys if d["options"][k]}
            assert set(d.get("parameters", {})) == {keys[k] for k in on}, d
            assert len(set(d.get("parameters", {}).values())) == len(on)  # distinct: one mock each
            spec = _spec(d)
            assert [r.key for r in get_kind(kind).token_refs(spec)] == [keys[k] for k in keys if k in on]
            src = get_kind(kind).render(spec)
            if on or kind != "erc4626":  # (the wrapped-ETH vault with fees moves its own asset with SafeERC20)
                assert ("using SafeERC20 for IERC20;" in src) == bool(on), d["name"]


def test_templates_say_how_they_treat_fee_on_transfer_tokens():
    pool = get_kind("staking").render(_spec(SHARED_POOL))
    assert "fee-on-transfer tokens are handled by booking the balance difference" in " ".join(
        ln.strip(" */") for ln in pool.splitlines())
    assert "sharedToken = address(stakeToken_) == address(rewardToken_);" in pool
    vault = get_kind("erc4626").render(_spec(VAULT))
    assert "error UnsupportedToken();" in vault and "revert UnsupportedToken();" in vault
    assert "contract UsdcVaultAsset" not in vault and "depositETH" not in vault
    assert "constructor(address initialAdmin, IERC20 asset_)" in vault
    vesting = get_kind("vesting").render(_spec(TOKEN_VESTING))
    assert "function fund(uint256 amount) external nonReentrant" in vesting
    assert "allocated += received;" in vesting and "call{value" not in vesting


# --------------------------------------------------------------------------- every token variant verifies
@pytest.mark.parametrize("doc", [SHARED_POOL, ETH_FOR_TOKEN_POOL, TOKEN_VESTING], ids=lambda d: d["name"])
def test_token_variant_synthesises_and_passes(doc, tmp_path):
    res = _verify(_spec(doc), tmp_path)
    assert res.passed, _problems(res)
    assert set(res.entry.get("token_variants", {})) == {"fee-on-transfer", "returns-false"}
    names = {s.name for s in res.scenarios}
    expected = {"SharedTokenPool": {"stake_and_withdraw", "stake_needs_an_allowance", "sole_staker_earns_the_period",
                                    "surplus_goes_to_treasury", "emergency_withdraw_forfeits_rewards"},
                "EthForTokenPool": {"stake_and_withdraw", "sole_staker_earns_the_period",
                                    "surplus_goes_to_treasury"},
                "TokenGrant": {"vests_after_cliff", "fund_pulls_the_token", "revoke_before_cliff_returns_all"}}
    assert expected[doc["name"]] <= names, names


def test_vault_over_an_existing_asset_passes(tmp_path):
    from synth.spec import load_spec

    spec = load_spec(ROOT / "examples" / "specs" / "erc4626_existing_asset.yaml")
    assert spec.options.existing_asset and spec.parameters.asset == USDC
    res = _verify(spec, tmp_path)
    assert res.passed, _problems(res)
    assert {"deposit_mints_shares", "deposit_needs_an_allowance", "redeem_returns_assets", "fees_go_to_admin",
            "pause_stops_deposits_not_withdrawals"} <= {s.name for s in res.scenarios}
    assert set(res.entry.get("token_variants", {})) == {"fee-on-transfer", "returns-false"}


# --------------------------------------------------------------------------- fee-on-transfer
def test_fee_on_transfer_vesting_bug_is_caught(tmp_path):
    spec = _spec({**TOKEN_VESTING, "options": {"erc20": True}, "parameters": {"token": USDC, "cliff": 0}})
    source = get_kind("vesting").render(spec)
    assert "    allocated += received;\n" in source
    bad = _verify(spec, tmp_path, source.replace("    allocated += received;\n", "    allocated += amount;\n"))
    violated = [f for f in bad.blocking() if f["source"] == "property"]
    assert violated and all("fee-on-transfer" in f["message"] for f in violated), _problems(bad)
    assert any("tokenBalance() >= allocated() - released()" in f["message"] for f in violated), _problems(bad)


def test_vault_rejects_a_fee_on_transfer_asset(tmp_path):
    """Deployed against the fee-on-transfer mock, a deposit reverts with UnsupportedToken(); the
    standard mock is accepted."""
    from eth_utils import function_signature_to_4byte_selector

    from synth.pipeline import deployment_for
    from verify.compile import Compiler
    from verify.dynamic.executor import RevmExecutor
    from verify.dynamic.session import Session, Step
    from verify.dynamic.engine import targets_of

    spec = _spec({**VAULT, "options": {"existing_asset": True}})
    sol = tmp_path / "UsdcVault.sol"
    sol.write_text(get_kind("erc4626").render(spec))
    target = next(t for t in targets_of(Compiler(evm_version="cancun", install=False).compile_file(sol))
                  if t.name == "UsdcVault")
    selector = "0x" + function_signature_to_4byte_selector("UnsupportedToken()").hex()
    for variant, ok in (("standard", True), ("fee-on-transfer", False)):
        plan = deployment_for(spec, get_kind("erc4626").constructor_args(spec), variant)
        session = Session(target, RevmExecutor(target.evm.upper()), plan)
        out = session.execute(Step("alice", "deposit(uint256,address)", [10**18, session.roles()["alice"]]))
        assert out.ok == ok, (variant, out.error)
        if not ok:
            assert selector in (out.error or ""), out.error
