"""EIP-4626 (tokenized vault) conformance checks, from https://eips.ethereum.org/EIPS/eip-4626.

Events: ``Deposit(address indexed sender, address indexed owner, uint256 assets, uint256 shares)``
(``sender`` the caller, ``owner`` who received the shares) and ``Withdraw(address indexed sender,
address indexed receiver, address indexed owner, uint256 assets, uint256 shares)``.

Rounding ("Security Considerations"): shares issued for assets provided and assets paid for shares
returned round down; shares a user must supply for given assets and assets a user must provide for
given shares round up, in favour of the vault. ``convertTo*`` round down and exclude fees;
``preview*`` include fees. The checks run at two exchange rates: the first deposit's, and an
inflated one after assets were donated to the vault (a plain EIP-20 transfer to it), where exact
values are fractional and a wrong rounding direction shows.

An exact value is *provably fractional* when ``convertToAssets(K * s) != K * convertToAssets(s)``
(a floor of an integer is linear): then rounding up must give at least ``floor + 1``.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable

from . import MAX_UINT, Chain, NotApplicable, Tx, registry

CHECKS, check = registry("erc4626")

DEPOSIT = "Deposit(address,address,uint256,uint256)"
DEPOSIT_IX = (True, True, False, False)
WITHDRAW = "Withdraw(address,address,address,uint256,uint256)"
WITHDRAW_IX = (True, True, True, False, False)
K = 1_000_003  # the multiplier of the fractionality test


@dataclass
class Erc4626Subject:
    """A deployed vault. ``actors`` (at least four distinct accounts) each hold ``funds`` of the
    asset and have approved the vault for all of it; ``amount`` is a typical deposit (at most
    ``funds / 20``). ``charges_fees``: the vault is meant to charge entry/exit fees (then the
    previews must show them)."""

    chain: Chain
    vault: str
    actors: list[str]
    funds: int
    amount: int = 10**18
    charges_fees: bool = False
    pause: Callable[[], Tx] | None = None  # stops deposits, if the vault can (however it does it)
    samples: list[int] = field(default_factory=lambda: [1, 1001, 10**6 + 7, 10**18 + 1])
    _asset: str | None = field(default=None, repr=False)


# -- helpers --------------------------------------------------------------------------------
def v(s, sig, *args, returns=("uint256",), sender=None):
    return s.chain.call(s.vault, sig, list(args), returns=returns, sender=sender)


def asset(s) -> str:
    if s._asset is None:
        s._asset = v(s, "asset()", returns=("address",))
    return s._asset


def abal(s, who) -> int:
    return s.chain.call(asset(s), "balanceOf(address)", [who])


def sbal(s, who) -> int:
    return v(s, "balanceOf(address)", who)


def deposit(s, caller, assets, receiver) -> Tx:
    return s.chain.send(caller, s.vault, "deposit(uint256,address)", [assets, receiver], returns=("uint256",))


def mint(s, caller, shares, receiver) -> Tx:
    return s.chain.send(caller, s.vault, "mint(uint256,address)", [shares, receiver], returns=("uint256",))


def withdraw(s, caller, assets, receiver, owner) -> Tx:
    return s.chain.send(caller, s.vault, "withdraw(uint256,address,address)", [assets, receiver, owner],
                        returns=("uint256",))


def redeem(s, caller, shares, receiver, owner) -> Tx:
    return s.chain.send(caller, s.vault, "redeem(uint256,address,address)", [shares, receiver, owner],
                        returns=("uint256",))


def ok(tx: Tx, what: str) -> Tx:
    assert not tx.reverted, f"{what} reverted"
    return tx


def approve_shares(s, owner, spender, shares) -> None:
    tx = s.chain.send(owner, s.vault, "approve(address,uint256)", [spender, shares], returns=("bool",))
    assert not tx.reverted and tx.returned is True, "approve of shares failed"


def seeded(s) -> None:
    """The first rate: actor 0 deposits ``amount`` (actor 0 holds shares from here on)."""
    ok(deposit(s, s.actors[0], s.amount, s.actors[0]), "the seeding deposit")


def inflated(s) -> None:
    """An inflated rate: a tiny first deposit, then a donation of assets a million times larger."""
    seed = 10**6
    ok(deposit(s, s.actors[0], seed, s.actors[0]), "the seeding deposit")
    donor = s.actors[3]
    tx = s.chain.send(donor, asset(s), "transfer(address,uint256)", [s.vault, seed * 10**6 + 12_345], returns=("bool",))
    assert not tx.reverted, "the donation (an EIP-20 transfer to the vault) failed"


RATES = {"first-deposit": seeded, "inflated": inflated}


@contextmanager
def state(s, setup):
    snap = s.chain.snapshot()
    try:
        setup(s)
        yield
    finally:
        try:
            s.chain.revert(snap)
        except RuntimeError:  # a failed check's own snapshot was reverted first
            pass


def at_each_rate(s):
    """Run the body of a ``for`` loop once per exchange rate, each on its own snapshot."""
    for name, setup in RATES.items():
        with state(s, setup):
            yield name


def fractional_assets(s, shares) -> bool:
    a = v(s, "convertToAssets(uint256)", shares)
    return v(s, "convertToAssets(uint256)", shares * K) != a * K


def fractional_shares(s, assets) -> bool:
    sh = v(s, "convertToShares(uint256)", assets)
    return v(s, "convertToShares(uint256)", assets * K) != sh * K


# -- asset and accounting views -------------------------------------------------------------
@check("asset: the underlying token used for the Vault; MUST be an EIP-20 token contract; MUST NOT revert")
def asset_is_erc20(s):
    a = asset(s)
    assert s.chain.has_code(a), f"asset() {a} has no code"
    s.chain.call(a, "totalSupply()")
    s.chain.call(a, "balanceOf(address)", [s.vault])


@check("All EIP-4626 tokenized Vaults MUST implement EIP-20 to represent shares")
def shares_are_erc20(s):
    seeded(s)
    total = v(s, "totalSupply()")
    assert total == sum(sbal(s, a) for a in s.actors) and total > 0


@check("totalAssets: total amount of the underlying asset managed by the Vault; MUST NOT revert")
def total_assets_tracks_deposits(s):
    t0 = v(s, "totalAssets()")
    ok(deposit(s, s.actors[1], s.amount, s.actors[1]), "deposit")
    t1 = v(s, "totalAssets()")
    assert t0 < t1 <= t0 + s.amount, f"totalAssets went {t0} -> {t1} on a deposit of {s.amount}"
    ok(redeem(s, s.actors[1], sbal(s, s.actors[1]), s.actors[1], s.actors[1]), "redeem")
    assert v(s, "totalAssets()") < t1


@check("convertToShares/convertToAssets: MUST NOT show any variations depending on the caller")
def convert_independent_of_caller(s):
    for _ in at_each_rate(s):
        for x in s.samples:
            callers = (s.actors[0], s.actors[2])  # a holder and a non-holder
            sh = {v(s, "convertToShares(uint256)", x, sender=a) for a in callers}
            at = {v(s, "convertToAssets(uint256)", x, sender=a) for a in callers}
            assert len(sh) == 1 and len(at) == 1, f"convert* of {x} depends on the caller: {sh}, {at}"


@check("convertToShares/convertToAssets: MUST round down towards 0 (a round trip never gains)")
def convert_rounds_down(s):
    for rate in at_each_rate(s):
        for x in s.samples:
            back = v(s, "convertToAssets(uint256)", v(s, "convertToShares(uint256)", x))
            assert back <= x, f"[{rate}] convertToAssets(convertToShares({x})) = {back} > {x}"
            back = v(s, "convertToShares(uint256)", v(s, "convertToAssets(uint256)", x))
            assert back <= x, f"[{rate}] convertToShares(convertToAssets({x})) = {back} > {x}"


@check("preview* MUST be inclusive of fees, convertTo* MUST NOT: no preview is better for the user than convertTo*")
def previews_no_better_than_convert(s):
    for rate in at_each_rate(s):
        for x in s.samples:
            cs, ca = v(s, "convertToShares(uint256)", x), v(s, "convertToAssets(uint256)", x)
            assert v(s, "previewDeposit(uint256)", x) <= cs, f"[{rate}] previewDeposit({x}) > convertToShares"
            assert v(s, "previewRedeem(uint256)", x) <= ca, f"[{rate}] previewRedeem({x}) > convertToAssets"
            assert v(s, "previewMint(uint256)", x) >= ca, f"[{rate}] previewMint({x}) < convertToAssets"
            assert v(s, "previewWithdraw(uint256)", x) >= cs, f"[{rate}] previewWithdraw({x}) < convertToShares"


@check("preview* MUST be inclusive of deposit/withdrawal fees (a vault that charges fees shows them)")
def previews_show_fees(s):
    if not s.charges_fees:
        raise NotApplicable("the vault charges no fees")
    seeded(s)
    a = s.amount
    assert v(s, "previewDeposit(uint256)", a) < v(s, "convertToShares(uint256)", a), "previewDeposit has no fee"
    sh = v(s, "convertToShares(uint256)", a)
    assert v(s, "previewRedeem(uint256)", sh) < v(s, "convertToAssets(uint256)", sh), "previewRedeem has no fee"
    assert v(s, "previewMint(uint256)", sh) > v(s, "convertToAssets(uint256)", sh), "previewMint has no fee"
    assert v(s, "previewWithdraw(uint256)", a) > sh, "previewWithdraw has no fee"


# -- limits ---------------------------------------------------------------------------------
@check("maxWithdraw/maxRedeem: the most that could be withdrawn/redeemed for owner without a revert - "
       "0 for an owner without shares")
def max_zero_without_shares(s):
    for rate in at_each_rate(s):
        nobody = s.actors[2]
        assert sbal(s, nobody) == 0
        assert v(s, "maxWithdraw(address)", nobody) == 0, f"[{rate}] maxWithdraw of a non-holder"
        assert v(s, "maxRedeem(address)", nobody) == 0, f"[{rate}] maxRedeem of a non-holder"
        holder = s.actors[0]
        assert v(s, "maxRedeem(address)", holder) <= sbal(s, holder), f"[{rate}] maxRedeem above the balance"


@check("maxDeposit: MUST NOT be higher than the actual maximum that would be accepted (deposit of more reverts); "
       "deposit of maxDeposit does not revert")
def max_deposit_respected(s):
    who = s.actors[1]
    m = v(s, "maxDeposit(address)", who)
    if m >= s.funds:
        ok(deposit(s, who, s.funds, who), "deposit of everything held, under an unbounded maxDeposit")
        raise NotApplicable(f"maxDeposit {m} is above what an actor holds: no limit to exceed")
    assert deposit(s, who, m + 1, who).reverted, f"deposit of maxDeposit + 1 ({m + 1}) succeeded"
    if m:
        ok(deposit(s, who, m, who), "deposit of maxDeposit")
        left = v(s, "maxDeposit(address)", who)
        assert deposit(s, who, left + 1, who).reverted, "deposit above the new maxDeposit succeeded"


@check("maxMint: MUST NOT be higher than the actual maximum that would be accepted (mint of more reverts); "
       "mint of maxMint does not revert")
def max_mint_respected(s):
    who = s.actors[1]
    m = v(s, "maxMint(address)", who)
    affordable = v(s, "previewDeposit(uint256)", s.funds)
    if m >= affordable:
        raise NotApplicable(f"maxMint {m} is above what an actor can pay for: no limit to exceed")
    assert mint(s, who, m + 1, who).reverted, f"mint of maxMint + 1 ({m + 1}) succeeded"
    if m:
        ok(mint(s, who, m, who), "mint of maxMint")


@check("maxWithdraw: withdraw of maxWithdraw(owner) does not revert; more reverts")
def max_withdraw_respected(s):
    for rate in at_each_rate(s):
        snap = s.chain.snapshot()
        o = s.actors[0]
        m = v(s, "maxWithdraw(address)", o)
        assert m > 0, f"[{rate}] maxWithdraw of a holder is 0"
        assert withdraw(s, o, m + 1, o, o).reverted, f"[{rate}] withdraw of maxWithdraw + 1 succeeded"
        ok(withdraw(s, o, m, o, o), f"[{rate}] withdraw of maxWithdraw")
        s.chain.revert(snap)


@check("maxRedeem: redeem of maxRedeem(owner) does not revert; more reverts")
def max_redeem_respected(s):
    for rate in at_each_rate(s):
        snap = s.chain.snapshot()
        o = s.actors[0]
        m = v(s, "maxRedeem(address)", o)
        assert m > 0, f"[{rate}] maxRedeem of a holder is 0"
        assert redeem(s, o, m + 1, o, o).reverted, f"[{rate}] redeem of maxRedeem + 1 succeeded"
        ok(redeem(s, o, m, o, o), f"[{rate}] redeem of maxRedeem")
        s.chain.revert(snap)


@check("maxDeposit/maxMint: if deposits are entirely disabled (even temporarily) MUST return 0 - "
       "what they return is depositable/mintable without a revert")
def max_zero_when_deposits_disabled(s):
    if s.pause is None:
        raise NotApplicable("the vault has no way to stop deposits")
    seeded(s)
    ok(s.pause(), "stopping deposits")
    who = s.actors[1]
    md, mm = v(s, "maxDeposit(address)", who), v(s, "maxMint(address)", who)
    if md:
        a = min(md, s.amount)
        assert not deposit(s, who, a, who).reverted, \
            f"deposits are stopped, yet maxDeposit is {md} (deposit({a}) reverts)"
    if mm:
        sh = min(mm, v(s, "convertToShares(uint256)", s.amount))
        assert not mint(s, who, sh, who).reverted, f"mints are stopped, yet maxMint is {mm} (mint({sh}) reverts)"


@check("deposit/mint: MUST revert if all of assets cannot be deposited (e.g. the user not approving enough)")
def deposit_without_approval_reverts(s):
    who, a = s.actors[1], s.amount
    tx = s.chain.send(who, asset(s), "approve(address,uint256)", [s.vault, a - 1], returns=("bool",))
    assert not tx.reverted
    assert deposit(s, who, a, who).reverted, "deposit above the asset allowance succeeded"
    sh = v(s, "previewDeposit(uint256)", a)
    assert mint(s, who, sh + 1, who).reverted, "mint costing more than the asset allowance succeeded"
    assert sbal(s, who) == 0


# -- previews against the real thing ----------------------------------------------------------
@check("previewDeposit: no more than the shares deposit mints in the same transaction; deposit moves exactly "
       "assets from the caller and mints the returned shares to receiver")
def preview_deposit_le_deposit(s):
    caller, receiver = s.actors[1], s.actors[2]
    for rate in at_each_rate(s):
        for a in (s.amount, 12_345):
            snap = s.chain.snapshot()
            p = v(s, "previewDeposit(uint256)", a)
            a0, r0, c0 = abal(s, caller), sbal(s, receiver), sbal(s, caller)
            tx = deposit(s, caller, a, receiver)
            if tx.reverted and p == 0:  # too small to mint a share: EIP-4626 lets deposit refuse it
                s.chain.revert(snap)
                continue
            ok(tx, f"[{rate}] deposit({a})")
            got = sbal(s, receiver) - r0
            assert abal(s, caller) == a0 - a, f"[{rate}] deposit({a}) did not take exactly {a} assets"
            assert sbal(s, caller) == c0, f"[{rate}] the caller's shares changed"
            assert tx.returned == got, f"[{rate}] deposit returned {tx.returned}, minted {got}"
            assert p <= got, f"[{rate}] previewDeposit({a}) = {p} > {got} shares minted"
            s.chain.revert(snap)


@check("previewMint: no fewer than the assets mint takes in the same transaction; mint mints exactly shares "
       "to receiver and returns the assets taken")
def preview_mint_ge_mint(s):
    caller, receiver = s.actors[1], s.actors[2]
    for rate in at_each_rate(s):
        for sh in (v(s, "previewDeposit(uint256)", s.amount), 12_345, 1):
            snap = s.chain.snapshot()
            p = v(s, "previewMint(uint256)", sh)
            a0, r0 = abal(s, caller), sbal(s, receiver)
            tx = ok(mint(s, caller, sh, receiver), f"[{rate}] mint({sh})")
            paid = a0 - abal(s, caller)
            assert sbal(s, receiver) - r0 == sh, f"[{rate}] mint({sh}) did not mint exactly {sh} shares"
            assert tx.returned == paid, f"[{rate}] mint returned {tx.returned}, took {paid}"
            assert p >= paid, f"[{rate}] previewMint({sh}) = {p} < {paid} assets taken"
            s.chain.revert(snap)


@check("previewWithdraw: no fewer than the shares withdraw burns in the same transaction; withdraw sends "
       "exactly assets to receiver and returns the shares burned")
def preview_withdraw_ge_withdraw(s):
    owner, receiver = s.actors[0], s.actors[2]
    for rate in at_each_rate(s):
        most = v(s, "maxWithdraw(address)", owner)
        for a in (most // 2, 12_345, 1):
            if not 0 < a <= most:
                continue
            snap = s.chain.snapshot()
            p = v(s, "previewWithdraw(uint256)", a)
            s0, r0 = sbal(s, owner), abal(s, receiver)
            tx = ok(withdraw(s, owner, a, receiver, owner), f"[{rate}] withdraw({a})")
            burned = s0 - sbal(s, owner)
            assert abal(s, receiver) - r0 == a, f"[{rate}] withdraw({a}) did not send exactly {a} assets"
            assert tx.returned == burned, f"[{rate}] withdraw returned {tx.returned}, burned {burned}"
            assert p >= burned, f"[{rate}] previewWithdraw({a}) = {p} < {burned} shares burned"
            s.chain.revert(snap)


@check("previewRedeem: no more than the assets redeem sends in the same transaction; redeem burns exactly "
       "shares from owner and returns the assets sent")
def preview_redeem_le_redeem(s):
    owner, receiver = s.actors[0], s.actors[2]
    for rate in at_each_rate(s):
        held = sbal(s, owner)
        for sh in (held // 2, 12_345, 1):
            if not 0 < sh <= held:
                continue
            snap = s.chain.snapshot()
            p = v(s, "previewRedeem(uint256)", sh)
            s0, r0 = sbal(s, owner), abal(s, receiver)
            tx = ok(redeem(s, owner, sh, receiver, owner), f"[{rate}] redeem({sh})")
            got = abal(s, receiver) - r0
            assert s0 - sbal(s, owner) == sh, f"[{rate}] redeem({sh}) did not burn exactly {sh} shares"
            assert tx.returned == got, f"[{rate}] redeem returned {tx.returned}, sent {got}"
            assert p <= got, f"[{rate}] previewRedeem({sh}) = {p} > {got} assets sent"
            s.chain.revert(snap)


# -- events ---------------------------------------------------------------------------------
@check("deposit: MUST emit the Deposit event (sender = caller, owner = receiver, assets, shares)")
def deposit_emits_deposit(s):
    caller, receiver = s.actors[1], s.actors[2]
    seeded(s)
    tx = ok(deposit(s, caller, s.amount, receiver), "deposit")
    evs = tx.events(s.vault, DEPOSIT, DEPOSIT_IX)
    assert evs == [(caller, receiver, s.amount, sbal(s, receiver))], f"Deposit events {evs}"


@check("mint: MUST emit the Deposit event (sender = caller, owner = receiver, assets, shares)")
def mint_emits_deposit(s):
    caller, receiver = s.actors[1], s.actors[2]
    seeded(s)
    a0 = abal(s, caller)
    tx = ok(mint(s, caller, s.amount, receiver), "mint")
    evs = tx.events(s.vault, DEPOSIT, DEPOSIT_IX)
    assert evs == [(caller, receiver, a0 - abal(s, caller), s.amount)], f"Deposit events {evs}"


@check("withdraw: MUST emit the Withdraw event (sender = caller, receiver, owner, assets, shares)")
def withdraw_emits_withdraw(s):
    owner, spender, receiver = s.actors[0], s.actors[1], s.actors[2]
    seeded(s)
    approve_shares(s, owner, spender, MAX_UINT)
    s0 = sbal(s, owner)
    a = s.amount // 3
    tx = ok(withdraw(s, spender, a, receiver, owner), "withdraw by an approved spender")
    evs = tx.events(s.vault, WITHDRAW, WITHDRAW_IX)
    assert evs == [(spender, receiver, owner, a, s0 - sbal(s, owner))], f"Withdraw events {evs}"


@check("redeem: MUST emit the Withdraw event (sender = caller, receiver, owner, assets, shares)")
def redeem_emits_withdraw(s):
    owner, spender, receiver = s.actors[0], s.actors[1], s.actors[2]
    seeded(s)
    approve_shares(s, owner, spender, MAX_UINT)
    sh = sbal(s, owner) // 3
    r0 = abal(s, receiver)
    tx = ok(redeem(s, spender, sh, receiver, owner), "redeem by an approved spender")
    evs = tx.events(s.vault, WITHDRAW, WITHDRAW_IX)
    assert evs == [(spender, receiver, owner, abal(s, receiver) - r0, sh)], f"Withdraw events {evs}"


# -- withdrawing for someone else -----------------------------------------------------------
@check("withdraw: MUST support a flow where msg.sender has EIP-20 approval over the shares of owner "
       "(the allowance is spent); otherwise it reverts")
def withdraw_by_approved_spender(s):
    owner, spender, receiver = s.actors[0], s.actors[1], s.actors[2]
    seeded(s)
    a = s.amount // 4
    assert withdraw(s, spender, a, receiver, owner).reverted, "withdraw by a spender without allowance succeeded"
    need = v(s, "previewWithdraw(uint256)", a)
    approve_shares(s, owner, spender, need - 1)
    assert withdraw(s, spender, a, receiver, owner).reverted, "withdraw above the share allowance succeeded"
    approve_shares(s, owner, spender, need + 5)
    s0, sp0, r0 = sbal(s, owner), sbal(s, spender), abal(s, receiver)
    ok(withdraw(s, spender, a, receiver, owner), "withdraw within the share allowance")
    burned = s0 - sbal(s, owner)
    assert abal(s, receiver) - r0 == a and sbal(s, spender) == sp0
    left = v(s, "allowance(address,address)", owner, spender)
    assert left == need + 5 - burned, f"allowance {need + 5} -> {left} after burning {burned} shares"


@check("redeem: MUST support a flow where msg.sender has EIP-20 approval over the shares of owner "
       "(the allowance is spent); otherwise it reverts")
def redeem_by_approved_spender(s):
    owner, spender, receiver = s.actors[0], s.actors[1], s.actors[2]
    seeded(s)
    sh = sbal(s, owner) // 4
    assert redeem(s, spender, sh, receiver, owner).reverted, "redeem by a spender without allowance succeeded"
    approve_shares(s, owner, spender, sh - 1)
    assert redeem(s, spender, sh, receiver, owner).reverted, "redeem above the share allowance succeeded"
    approve_shares(s, owner, spender, sh + 5)
    s0, r0 = sbal(s, owner), abal(s, receiver)
    tx = ok(redeem(s, spender, sh, receiver, owner), "redeem within the share allowance")
    assert s0 - sbal(s, owner) == sh and abal(s, receiver) - r0 == tx.returned
    left = v(s, "allowance(address,address)", owner, spender)
    assert left == 5, f"allowance {sh + 5} -> {left} after redeeming {sh} shares"


# -- rounding in favour of the vault ----------------------------------------------------------
@check("rounding: assets a user must provide for given shares round up - previewMint(s) exceeds "
       "convertToAssets(s) where the exact value is fractional")
def rounding_mint_up(s):
    seen = 0
    for rate in at_each_rate(s):
        for sh in s.samples:
            if fractional_assets(s, sh):
                seen += 1
                pm, ca = v(s, "previewMint(uint256)", sh), v(s, "convertToAssets(uint256)", sh)
                assert pm >= ca + 1, f"[{rate}] previewMint({sh}) = {pm} rounds down (convertToAssets {ca})"
    if not seen:
        raise NotApplicable("no sampled share amount has a fractional asset value")


@check("rounding: shares a user must supply for given assets round up - previewWithdraw(a) exceeds "
       "convertToShares(a) where the exact value is fractional")
def rounding_withdraw_up(s):
    seen = 0
    for rate in at_each_rate(s):
        for a in s.samples:
            if fractional_shares(s, a):
                seen += 1
                pw, cs = v(s, "previewWithdraw(uint256)", a), v(s, "convertToShares(uint256)", a)
                assert pw >= cs + 1, f"[{rate}] previewWithdraw({a}) = {pw} rounds down (convertToShares {cs})"
    if not seen:
        raise NotApplicable("no sampled asset amount has a fractional share value")


@check("rounding: mint is never cheaper than deposit - the assets previewMint(s) asks buy at least s shares "
       "by deposit; the shares previewWithdraw(a) burns redeem for at least a")
def rounding_mint_vs_deposit(s):
    for rate in at_each_rate(s):
        for x in s.samples:
            pm = v(s, "previewMint(uint256)", x)
            got = v(s, "previewDeposit(uint256)", pm)
            assert got >= x, f"[{rate}] previewMint({x}) = {pm} assets, which deposit turns into {got} < {x} shares"
            pw = v(s, "previewWithdraw(uint256)", x)
            back = v(s, "previewRedeem(uint256)", pw)
            assert back >= x, f"[{rate}] previewWithdraw({x}) = {pw} shares, which redeem for {back} < {x} assets"


@check("rounding: no round trip profits - deposit then redeem, mint then redeem, deposit then withdraw "
       "return at most what was paid")
def round_trips_do_not_profit(s):
    u = s.actors[1]
    for rate in at_each_rate(s):
        for x in (1001, s.amount):
            snap = s.chain.snapshot()
            a0 = abal(s, u)
            zero = v(s, "previewDeposit(uint256)", x) == 0  # a deposit that mints nothing may be refused
            tx = deposit(s, u, x, u)
            if not (tx.reverted and zero):
                ok(tx, f"[{rate}] deposit({x})")
            if not tx.reverted and tx.returned:
                ok(redeem(s, u, tx.returned, u, u), f"[{rate}] redeem")
            assert abal(s, u) <= a0, f"[{rate}] deposit({x}) then redeem gained {abal(s, u) - a0}"
            s.chain.revert(snap)
            snap = s.chain.snapshot()
            sh = min(x, v(s, "previewDeposit(uint256)", s.amount))  # shares the actor can pay for
            tx = ok(mint(s, u, sh, u), f"[{rate}] mint({sh})")
            ok(redeem(s, u, sh, u, u), f"[{rate}] redeem({sh})")
            assert abal(s, u) <= a0, f"[{rate}] mint({sh}) then redeem gained {abal(s, u) - a0}"
            s.chain.revert(snap)
            snap = s.chain.snapshot()
            tx = deposit(s, u, x, u)
            if not (tx.reverted and zero):
                ok(tx, f"[{rate}] deposit({x})")
            m = v(s, "maxWithdraw(address)", u)
            if m:
                ok(withdraw(s, u, m, u, u), f"[{rate}] withdraw(maxWithdraw)")
            assert abal(s, u) <= a0 and m <= x, f"[{rate}] deposit({x}) then withdraw gained"
            s.chain.revert(snap)
