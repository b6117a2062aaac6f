"""Verification meets the tokens a real address may hold: after the standard mock, the engine
searches again with a fee-on-transfer token and one that returns false. The staking template
books what arrives and uses SafeERC20, so it passes all three; a pool seeded with either bug is
caught by the variant that needs it (real compiler, real engine, real Slither)."""

from __future__ import annotations

from pathlib import Path

import pytest

from synth.generators import select_generator
from synth.pipeline import SynthOptions, verify_generated
from synth.spec import parse_spec_text
from verify.compile import Compiler

SPEC = """kind: staking
name: TokPool
options:
  erc20_stake: true
  erc20_rewards: true
parameters:
  stake_token: "0x00000000000000000000000000000000000000A1"
  reward_token: "0x00000000000000000000000000000000000000A2"
"""

PULL = """uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        received = token.balanceOf(address(this)) - before;"""

SEEDED = {
    # books the amount asked for, not the amount that arrived
    "fee-on-transfer": (PULL, """token.safeTransferFrom(msg.sender, address(this), amount);
        received = amount;"""),
    # ignores the bool a non-reverting token answers with
    "returns-false": (PULL, """bool ok = token.transferFrom(msg.sender, address(this), amount);
        ok;
        received = amount;"""),
}


@pytest.fixture(scope="module")
def compiler():
    return Compiler(evm_version="cancun")


def _verify(tmp_path: Path, compiler, mutate=None):
    spec = parse_spec_text(SPEC, "pool.yaml")
    g = select_generator("template").generate(spec)
    src = g.source
    if mutate:
        assert mutate[0] in src, "the template no longer has the code this test seeds a bug into"
        src = src.replace(mutate[0], mutate[1])
    sol = tmp_path / f"{g.contract}.sol"
    sol.write_text(src)
    return verify_generated(spec, sol, compiler, SynthOptions(replay=False, max_examples=60, fuzz_examples=0), g)


def test_template_passes_with_standard_fee_and_false_tokens(tmp_path, compiler):
    res = _verify(tmp_path, compiler)
    assert res.passed, [f["message"][:200] for f in res.blocking()]
    variants = res.entry["token_variants"]
    assert set(variants) == {"fee-on-transfer", "returns-false"}
    for v in variants.values():
        assert v["calls"] > 1000 and v["violations"] == 0 and not v["errors"]


@pytest.mark.parametrize("variant", sorted(SEEDED))
def test_seeded_token_bug_is_caught_by_the_variant_it_needs(variant, tmp_path, compiler):
    res = _verify(tmp_path, compiler, SEEDED[variant])
    assert not res.passed
    assert res.entry["token_variants"][variant]["violations"] >= 1
    assert all(s.passed for s in res.scenarios), "the standard-token scenarios do not see the bug"
    if variant == "fee-on-transfer":
        standard = [f for f in res.entry["findings"] if f["source"] == "property"
                    and "token" not in f["message"].split(":")[0]]
        assert not standard, "the standard mock must not show a fee-on-transfer bug"
        caught = [f for f in res.blocking() if f["message"].startswith("with a fee-on-transfer token")]
        assert caught and caught[0]["function"] == "stake"


VAULT = Path(__file__).resolve().parent.parent / "examples" / "specs" / "erc4626_existing_asset.yaml"
# shares minted, the asset never pulled (and so no entry fee to forward)
FREE_DEPOSIT = [("""super._deposit(caller, receiver, assets, shares);
        if (token.balanceOf(address(this)) - before != assets) {
            revert UnsupportedToken();
        }
        uint256 fee = _feeOnTotal(assets);""", """before;
        _mint(receiver, shares);
        emit Deposit(caller, receiver, assets, shares);
        uint256 fee = 0;""")]


def _verify_vault(tmp_path: Path, compiler, mutate=None):
    spec = parse_spec_text(VAULT.read_text(), str(VAULT))
    g = select_generator("template").generate(spec)
    src = g.source
    for old, new in mutate or []:
        assert old in src, "the vault template no longer has the code this test seeds a bug into"
        src = src.replace(old, new)
    sol = tmp_path / f"{g.contract}.sol"
    sol.write_text(src)
    return verify_generated(spec, sol, compiler, SynthOptions(replay=False, max_examples=60, fuzz_examples=0), g)


def test_vault_deposits_paid_in_the_asset_are_not_free_mints(tmp_path, compiler):
    res = _verify_vault(tmp_path, compiler)
    assert not [f for f in res.blocking() if f["check"] == "ouro-access-control"], res.blocking()
    assert res.passed, [f["message"][:200] for f in res.blocking()]


def test_vault_minting_shares_without_taking_the_asset_is_a_free_mint(tmp_path, compiler):
    res = _verify_vault(tmp_path, compiler, FREE_DEPOSIT)
    free = [f for f in res.blocking() if f["check"] == "ouro-access-control" and "without paying" in f["message"]]
    assert free and free[0]["function"] in ("deposit", "mint"), [f["message"][:160] for f in res.blocking()]
