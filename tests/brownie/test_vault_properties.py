"""Brownie-style property tests for contracts/Vault.sol (run with `brownie test`, not pytest)."""

import brownie
import pytest
from brownie.test import given, strategy


@pytest.fixture(scope="module")
def vault(Vault, accounts):
    return Vault.deploy({"from": accounts[0]})


@pytest.fixture(autouse=True)
def isolation(fn_isolation):
    pass


@given(amount=strategy("uint256", max_value=10**18), withdraw=strategy("uint256", max_value=10**18))
def test_withdraw_never_exceeds_deposit(vault, accounts, amount, withdraw):
    user = accounts[1]
    before = user.balance()
    vault.deposit({"from": user, "value": amount})
    if withdraw > amount:
        with brownie.reverts("insufficient balance"):
            vault.withdraw(withdraw, {"from": user})
        assert vault.balanceOf(user) == amount
    else:
        vault.withdraw(withdraw, {"from": user})
        assert vault.balanceOf(user) == amount - withdraw
    # base fee and gas price are 0 on the ouro-anvil network: balances are exact
    assert user.balance() == before - vault.balanceOf(user)
    assert vault.balance() == vault.totalDeposits()
