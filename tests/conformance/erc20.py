"""EIP-20 (token standard) conformance checks, from https://eips.ethereum.org/EIPS/eip-20.

Methods (EIP-20 "Methods"): name/symbol/decimals are OPTIONAL, ``totalSupply()``,
``balanceOf(address)``, ``transfer(address,uint256) returns (bool)``,
``transferFrom(address,address,uint256) returns (bool)``, ``approve(address,uint256) returns (bool)``,
``allowance(address,address)``. Events: ``Transfer(address indexed _from, address indexed _to,
uint256 _value)``, ``Approval(address indexed _owner, address indexed _spender, uint256 _value)``.

"Throws" in the EIP is read as: the call reverts, or it returns ``false`` and changes nothing
(the EIP's own note: callers MUST handle ``false`` from returns (bool success)).
"""

from __future__ import annotations

from dataclasses import dataclass

from eth_abi import decode
from eth_utils import keccak, to_checksum_address

from . import MAX_UINT, Chain, NotApplicable, Tx, registry

CHECKS, check = registry("erc20")

TRANSFER = "Transfer(address,address,uint256)"
TRANSFER_IX = (True, True, False)
APPROVAL = "Approval(address,address,uint256)"
APPROVAL_IX = (True, True, False)


@dataclass
class Erc20Subject:
    """A deployed token and who holds it.

    ``holder`` holds at least ``4 * amount``; ``others`` are at least three further distinct
    accounts; ``accounts`` is every address that holds any of the supply (for the supply sum).
    """

    chain: Chain
    token: str
    holder: str
    others: list[str]
    accounts: list[str]
    amount: int = 10**18


# -- helpers --------------------------------------------------------------------------------
def balance(s: Erc20Subject, who: str) -> int:
    return s.chain.call(s.token, "balanceOf(address)", [who])


def allowance(s: Erc20Subject, owner: str, spender: str) -> int:
    return s.chain.call(s.token, "allowance(address,address)", [owner, spender])


def supply(s: Erc20Subject) -> int:
    return s.chain.call(s.token, "totalSupply()")


def transfer(s: Erc20Subject, sender: str, to: str, value: int) -> Tx:
    return s.chain.send(sender, s.token, "transfer(address,uint256)", [to, value], returns=("bool",))


def transfer_from(s: Erc20Subject, spender: str, frm: str, to: str, value: int) -> Tx:
    return s.chain.send(spender, s.token, "transferFrom(address,address,uint256)", [frm, to, value],
                        returns=("bool",))


def approve(s: Erc20Subject, owner: str, spender: str, value: int) -> Tx:
    return s.chain.send(owner, s.token, "approve(address,uint256)", [spender, value], returns=("bool",))


def succeeded(tx: Tx, what: str) -> None:
    """The EIP's methods return ``bool success``: a success returns ``true``."""
    assert not tx.reverted, f"{what} reverted"
    assert tx.raw_return, f"{what} returned no data (EIP-20: returns (bool success))"
    assert tx.returned is True, f"{what} returned {tx.returned!r}, not true"


def failed(s: Erc20Subject, tx: Tx, watched: list[str], before: dict, what: str) -> None:
    """``tx`` threw: it reverted, or returned false with balances unchanged and no Transfer."""
    if tx.reverted:
        return
    assert tx.returned is False, f"{what} succeeded (returned {tx.returned!r}); it must throw"
    after = {w: balance(s, w) for w in watched}
    assert after == before, f"{what} returned false but moved balances: {before} -> {after}"
    assert not tx.events(s.token, TRANSFER, TRANSFER_IX), f"{what} returned false but emitted Transfer"


def fresh_address(tag: str) -> str:
    return to_checksum_address(keccak(text=f"erc20-conformance:{tag}")[-20:])


def _optional_view(s: Erc20Subject, sig: str) -> bytes:
    ok, raw = s.chain.try_call(s.token, sig)
    if not ok or not raw:
        raise NotApplicable(f"{sig} is not implemented (OPTIONAL)")
    return raw


# -- optional metadata ----------------------------------------------------------------------
@check("name - OPTIONAL: function name() public view returns (string)")
def name_returns_string(s):
    raw = _optional_view(s, "name()")
    (v,) = decode(["string"], raw)
    assert isinstance(v, str)


@check("symbol - OPTIONAL: function symbol() public view returns (string)")
def symbol_returns_string(s):
    raw = _optional_view(s, "symbol()")
    (v,) = decode(["string"], raw)
    assert isinstance(v, str)


@check("decimals - OPTIONAL: function decimals() public view returns (uint8)")
def decimals_returns_uint8(s):
    raw = _optional_view(s, "decimals()")
    assert len(raw) == 32, f"decimals() returned {len(raw)} bytes, not one ABI word"
    (v,) = decode(["uint256"], raw)
    assert v < 256, f"decimals() returned {v}, which is not a uint8"


# -- supply and balances --------------------------------------------------------------------
@check("totalSupply: returns the total token supply (the sum of every balance)")
def total_supply_is_sum_of_balances(s):
    held = sum(balance(s, a) for a in dict.fromkeys(s.accounts))
    assert supply(s) == held, f"totalSupply() {supply(s)} != sum of balances {held}"


@check("balanceOf: returns the account balance of another account (0 for one never credited)")
def balance_of_fresh_account_is_zero(s):
    assert balance(s, fresh_address("nobody")) == 0


# -- transfer -------------------------------------------------------------------------------
@check("transfer: transfers _value amount of tokens to address _to")
def transfer_moves_exact_amount(s):
    a, b = s.holder, s.others[0]
    ba, bb, ts = balance(s, a), balance(s, b), supply(s)
    succeeded(transfer(s, a, b, s.amount), "transfer")
    assert balance(s, a) == ba - s.amount, "sender's balance did not drop by exactly _value"
    assert balance(s, b) == bb + s.amount, "recipient's balance did not rise by exactly _value"
    assert supply(s) == ts, "a transfer changed totalSupply()"


@check("transfer: MUST fire the Transfer event")
def transfer_emits_transfer(s):
    tx = transfer(s, s.holder, s.others[0], s.amount)
    succeeded(tx, "transfer")
    evs = tx.events(s.token, TRANSFER, TRANSFER_IX)
    assert evs == [(s.holder, s.others[0], s.amount)], f"Transfer events {evs}"


@check("transfer: SHOULD throw if the caller's account balance does not have enough tokens")
def transfer_over_balance_fails(s):
    a, b = s.holder, s.others[0]
    before = {a: balance(s, a), b: balance(s, b)}
    failed(s, transfer(s, a, b, before[a] + 1), [a, b], before, "transfer of balance + 1")
    c = s.others[1]
    before = {c: balance(s, c), b: balance(s, b)}
    if before[c] == 0:
        failed(s, transfer(s, c, b, 1), [c, b], before, "transfer from an empty account")


@check("transfer: transfers of 0 values MUST be treated as normal transfers and fire the Transfer event")
def zero_value_transfer_is_normal(s):
    a, b = s.holder, s.others[0]
    ba, bb = balance(s, a), balance(s, b)
    tx = transfer(s, a, b, 0)
    succeeded(tx, "transfer of 0")
    assert tx.events(s.token, TRANSFER, TRANSFER_IX) == [(a, b, 0)], "no Transfer(_from, _to, 0)"
    assert (balance(s, a), balance(s, b)) == (ba, bb)


# -- approve and allowance ------------------------------------------------------------------
@check("approve: allows _spender to withdraw from your account up to _value; allowance returns it")
def approve_sets_allowance(s):
    o, sp = s.holder, s.others[1]
    succeeded(approve(s, o, sp, 3 * s.amount), "approve")
    assert allowance(s, o, sp) == 3 * s.amount


@check("approve: MUST trigger on any successful call to approve - Approval(_owner, _spender, _value)")
def approve_emits_approval(s):
    o, sp = s.holder, s.others[1]
    tx = approve(s, o, sp, 3 * s.amount)
    succeeded(tx, "approve")
    evs = tx.events(s.token, APPROVAL, APPROVAL_IX)
    assert evs == [(o, sp, 3 * s.amount)], f"Approval events {evs}"


@check("approve: if called again it overwrites the current allowance with _value")
def approve_overwrites(s):
    o, sp = s.holder, s.others[1]
    succeeded(approve(s, o, sp, 5 * s.amount), "approve")
    succeeded(approve(s, o, sp, 2), "second approve")
    assert allowance(s, o, sp) == 2, "the second approve did not overwrite the allowance"
    succeeded(approve(s, o, sp, 0), "approve of 0")
    assert allowance(s, o, sp) == 0


# -- transferFrom ---------------------------------------------------------------------------
@check("transferFrom: transfers _value from _from to _to; the allowance is what the spender may withdraw")
def transfer_from_moves_and_consumes_allowance(s):
    o, sp, to = s.holder, s.others[1], s.others[2]
    succeeded(approve(s, o, sp, 3 * s.amount), "approve")
    bo, bsp, bto = balance(s, o), balance(s, sp), balance(s, to)
    succeeded(transfer_from(s, sp, o, to, s.amount), "transferFrom")
    assert balance(s, o) == bo - s.amount, "_from's balance did not drop by exactly _value"
    assert balance(s, to) == bto + s.amount, "_to's balance did not rise by exactly _value"
    assert balance(s, sp) == bsp, "the spender's own balance changed"
    left = allowance(s, o, sp)
    assert left == 2 * s.amount, f"allowance after spending {s.amount} of {3 * s.amount}: {left}"
    succeeded(transfer_from(s, sp, o, to, 2 * s.amount), "transferFrom of the rest")
    assert allowance(s, o, sp) == 0
    before = {o: balance(s, o), to: balance(s, to)}
    failed(s, transfer_from(s, sp, o, to, 1), [o, to], before, "transferFrom once the allowance is spent")


@check("transferFrom: MUST fire the Transfer event (from _from, not from the spender)")
def transfer_from_emits_transfer(s):
    o, sp, to = s.holder, s.others[1], s.others[2]
    succeeded(approve(s, o, sp, s.amount), "approve")
    tx = transfer_from(s, sp, o, to, s.amount)
    succeeded(tx, "transferFrom")
    evs = tx.events(s.token, TRANSFER, TRANSFER_IX)
    assert evs == [(o, to, s.amount)], f"Transfer events {evs}"


@check("transferFrom: SHOULD throw unless the _from account has deliberately authorized the sender")
def transfer_from_without_allowance_fails(s):
    o, sp, to = s.holder, s.others[1], s.others[2]
    assert allowance(s, o, sp) == 0, "precondition: no allowance"
    before = {o: balance(s, o), to: balance(s, to)}
    failed(s, transfer_from(s, sp, o, to, s.amount), [o, to], before, "transferFrom without allowance")


@check("transferFrom: the spender may withdraw up to the allowance, not more")
def transfer_from_over_allowance_fails(s):
    o, sp, to = s.holder, s.others[1], s.others[2]
    succeeded(approve(s, o, sp, s.amount), "approve")
    before = {o: balance(s, o), to: balance(s, to)}
    failed(s, transfer_from(s, sp, o, to, s.amount + 1), [o, to], before, "transferFrom of allowance + 1")
    assert allowance(s, o, sp) == s.amount, "a failed transferFrom changed the allowance"


@check("transferFrom: throws when _from's balance does not have enough tokens, whatever the allowance")
def transfer_from_over_balance_fails(s):
    o, sp, to = s.holder, s.others[1], s.others[2]
    bal = balance(s, o)
    succeeded(approve(s, o, sp, bal + 10), "approve")
    before = {o: bal, to: balance(s, to)}
    failed(s, transfer_from(s, sp, o, to, bal + 1), [o, to], before, "transferFrom of balance + 1")


@check("transferFrom: transfers of 0 values MUST be treated as normal transfers and fire the Transfer event")
def zero_value_transfer_from_is_normal(s):
    o, sp, to = s.holder, s.others[1], s.others[2]
    succeeded(approve(s, o, sp, s.amount), "approve")
    tx = transfer_from(s, sp, o, to, 0)
    succeeded(tx, "transferFrom of 0")
    assert tx.events(s.token, TRANSFER, TRANSFER_IX) == [(o, to, 0)], "no Transfer(_from, _to, 0)"
    assert allowance(s, o, sp) == s.amount, "a transferFrom of 0 changed the allowance"


@check("allowance of 2^256-1: spent like any other (decreases) or treated as infinite (unchanged)")
def max_allowance_consistent(s):
    o, sp, to = s.holder, s.others[1], s.others[2]
    succeeded(approve(s, o, sp, MAX_UINT), "approve of 2^256-1")
    bo = balance(s, o)
    succeeded(transfer_from(s, sp, o, to, s.amount), "transferFrom under the maximal allowance")
    assert balance(s, o) == bo - s.amount
    left = allowance(s, o, sp)
    assert left in (MAX_UINT, MAX_UINT - s.amount), f"allowance became {left}"
