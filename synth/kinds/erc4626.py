"""Tokenized vault (ERC-4626) on OpenZeppelin 5 whose asset is wrapped ETH, so one deployment is usable.

The engine deploys a single contract, and a vault needs its underlying asset to exist. The file
therefore defines ``<Name>Asset``, a minimal WETH-style token (1 token per wei, ``deposit()`` /
``withdraw()``), and the vault's constructor deploys it with ``new``. Besides the standard ERC-4626
entry points (which take the asset with ``transferFrom``), the vault has ETH entry points:
``depositETH`` wraps the ETH sent and deposits it; ``withdrawETH`` / ``redeemETH`` burn the caller's
shares and pay the caller in ETH. Inflation attacks are mitigated by OpenZeppelin's virtual shares
(``_decimalsOffset``). Optional: ``fees`` (entry and exit fee in basis points, paid in the asset to
the admin), ``deposit_cap`` (most assets the vault holds) and ``pausable`` (stops deposits and
mints; withdrawals always work).
"""

from __future__ import annotations

from pydantic import Field, model_validator

from synth.scenarios import Call, ExpectEth, ExpectView, Scenario
from synth.solidity_text import string_literal
from synth.spec.types import Bps, Symbol, Text, TokenAmount

from ._access import OZ, Access
from ._render import assemble, natspec
from .base import Kind, KindOptions, KindParameters

E18 = 10**18
SCENARIO_FUNDS = 5_000 * E18  # what a scenario may spend per actor (actors hold 10,000 ETH)


class Erc4626Options(KindOptions):
    fees: bool = False  # entry and exit fee of fee_bps, paid in the asset to the admin
    deposit_cap: bool = False  # the vault holds at most `cap` assets
    pausable: bool = False  # the admin may stop deposits and mints (never withdrawals)


class Erc4626Parameters(KindParameters):
    token_name: Text | None = None  # the share token's name; defaults to the contract name
    symbol: Symbol = "vETH"
    fee_bps: Bps = 50  # entry and exit fee, when options.fees
    cap: TokenAmount = 1_000  # whole assets (ETH), when options.deposit_cap
    decimals_offset: int = Field(3, ge=0, le=12)  # virtual shares: 10**offset per asset unit

    @model_validator(mode="after")
    def _sane(self):
        if self.fee_bps > 1000:
            raise ValueError("fee_bps must be at most 1000 (10%)")
        if self.cap == 0 or self.cap > 10**12:
            raise ValueError("cap must be between 1 and 10**12 whole assets")
        return self


class Erc4626(Kind):
    NAME = "erc4626"
    PROVIDES = ("erc20",)
    HELP = ("Tokenized vault (ERC-4626) over wrapped ETH, with ETH deposit and withdrawal; optional entry/exit "
            "fees, deposit cap and pause.")
    Options = Erc4626Options
    Parameters = Erc4626Parameters

    def _roles(self, spec) -> tuple[str, ...]:
        return ("PAUSER",) if spec.options.pausable else ()

    def _asset(self, spec) -> str:
        return f"{spec.name}Asset"

    def _asset_contract(self, spec) -> list[str]:
        a = self._asset(spec)
        return [
            "/**",
            f" * @title {a}",
            " * @notice The vault's underlying asset: ETH wrapped one to one as an ERC-20, like WETH.",
            " * @custom:generated ouro (template generator)",
            " */",
            f"contract {a} is ERC20, ReentrancyGuard {{",
            "    event Deposit(address indexed account, uint256 amount);",
            "    event Withdrawal(address indexed account, uint256 amount);",
            "",
            "    error InsufficientBalance(uint256 balance);",
            "    error TransferFailed();",
            "",
            '    constructor() ERC20("Wrapped Ether", "WETH") {}',
            "",
            "    /// @notice Wrap the ETH sent: mint as many tokens to the caller.",
            "    function deposit() external payable nonReentrant {",
            "        _mint(msg.sender, msg.value);",
            "        emit Deposit(msg.sender, msg.value);",
            "    }",
            "",
            "    /// @notice Unwrap `amount`: burn the caller's tokens and send the caller as much ETH.",
            "    function withdraw(uint256 amount) external nonReentrant {",
            "        uint256 held = balanceOf(msg.sender);",
            "        if (amount > held) {",
            "            revert InsufficientBalance(held);",
            "        }",
            "        _burn(msg.sender, amount);",
            "        emit Withdrawal(msg.sender, amount);",
            '        (bool ok, ) = payable(msg.sender).call{value: amount}("");',
            "        if (!ok) {",
            "            revert TransferFailed();",
            "        }",
            "    }",
            "}",
            "",
        ]

    def render(self, spec) -> str:
        o, p = spec.options, spec.parameters
        acc = Access(spec.access, self._roles(spec))
        asset = self._asset(spec)
        imports = [f'import {{ERC20}} from "{OZ}/token/ERC20/ERC20.sol";',
                   f'import {{IERC20}} from "{OZ}/token/ERC20/IERC20.sol";',
                   f'import {{ERC4626}} from "{OZ}/token/ERC20/extensions/ERC4626.sol";',
                   f'import {{ReentrancyGuard}} from "{OZ}/utils/ReentrancyGuard.sol";'] + acc.imports()
        if o.fees:
            imports += [f'import {{SafeERC20}} from "{OZ}/token/ERC20/utils/SafeERC20.sol";',
                        f'import {{Math}} from "{OZ}/utils/math/Math.sol";']
        bases = ["ERC4626", acc.base(), "ReentrancyGuard"]
        if o.pausable:
            imports.append(f'import {{Pausable}} from "{OZ}/utils/Pausable.sol";')
            bases.append("Pausable")

        body = []
        if o.fees:
            body += ["using Math for uint256;", "using SafeERC20 for IERC20;", ""]
        body += acc.declarations()
        if o.fees:
            body += ["/// @notice Entry and exit fee, in basis points of the assets.",
                     f"uint256 public constant FEE_BPS = {p.fee_bps};",
                     "/// @notice Who receives the fees (in the asset): the admin at deployment.",
                     "address public immutable feeRecipient;"]
        if o.deposit_cap:
            body += ["/// @notice Most assets the vault accepts to hold, in asset units (18 decimals).",
                     f"uint256 public constant DEPOSIT_CAP = {p.cap} * 10 ** 18;"]
        body += [f"uint8 private constant DECIMALS_OFFSET = {p.decimals_offset};", "",
                 "error TransferFailed();", "error EtherNotAccepted();"]
        if o.fees:
            body.append("error ZeroFeeRecipient();")

        share_name = string_literal(p.token_name or spec.name)
        calls = [f"ERC20({share_name}, {string_literal(p.symbol)})", f"ERC4626(IERC20(address(new {asset}())))"]
        if acc.base_ctor_call():
            calls.append(acc.base_ctor_call())
        body += ["", f"constructor({acc.ctor_param()})"] + [f"    {c}" for c in calls] + ["{"]
        body += [f"    {ln}" for ln in acc.ctor_body()]
        if o.fees:
            body += [f"    if ({acc.admin_param} == address(0)) {{", "        revert ZeroFeeRecipient();", "    }",
                     f"    feeRecipient = {acc.admin_param};"]
        body.append("}")

        body += [
            "",
            "/// @notice Accepts ETH only from the asset, when it unwraps for a withdrawal.",
            "receive() external payable {",
            "    if (msg.sender != asset()) {",
            "        revert EtherNotAccepted();",
            "    }",
            "}",
            "",
            "/// @notice Wrap the ETH sent and deposit it for `receiver`; returns the shares minted.",
            "function depositETH(address receiver) external payable nonReentrant returns (uint256 shares) {",
        ]
        if o.pausable:
            body.append("    _requireNotPaused();")
        body += [
            "    uint256 maxAssets = maxDeposit(receiver);",
            "    if (msg.value > maxAssets) {",
            "        revert ERC4626ExceededMaxDeposit(receiver, msg.value, maxAssets);",
            "    }",
            "    shares = previewDeposit(msg.value);",
            "    _mint(receiver, shares);",
            "    emit Deposit(msg.sender, receiver, msg.value, shares);",
            f"    {asset}(asset()).deposit{{value: msg.value}}();",
        ]
        if o.fees:
            body += ["    uint256 fee = _feeOnTotal(msg.value);",
                     "    if (fee > 0) {", "        IERC20(asset()).safeTransfer(feeRecipient, fee);", "    }"]
        body += [
            "}",
            "",
            "/// @notice Burn the shares worth `assets` and send the caller `assets` in ETH; returns the shares.",
            "function withdrawETH(uint256 assets) external nonReentrant returns (uint256 shares) {",
            "    uint256 maxAssets = maxWithdraw(msg.sender);",
            "    if (assets > maxAssets) {",
            "        revert ERC4626ExceededMaxWithdraw(msg.sender, assets, maxAssets);",
            "    }",
            "    shares = previewWithdraw(assets);",
            "    _withdrawETH(assets, shares);",
            "}",
            "",
            "/// @notice Burn `shares` of the caller and send the caller their worth in ETH; returns the ETH sent.",
            "function redeemETH(uint256 shares) external nonReentrant returns (uint256 assets) {",
            "    uint256 maxShares = maxRedeem(msg.sender);",
            "    if (shares > maxShares) {",
            "        revert ERC4626ExceededMaxRedeem(msg.sender, shares, maxShares);",
            "    }",
            "    assets = previewRedeem(shares);",
            "    _withdrawETH(assets, shares);",
            "}",
        ]
        if o.pausable:
            body += ["", "/// @notice Stop deposits and mints; withdrawals keep working.",
                     f"function pause() external {acc.guard('PAUSER')} {{", "    _pause();", "}",
                     "", "/// @notice Resume deposits and mints.",
                     f"function unpause() external {acc.guard('PAUSER')} {{", "    _unpause();", "}"]
        if o.deposit_cap:
            body += [
                "",
                "/// @notice Most assets that can be deposited now: what is left under the cap.",
                "function maxDeposit(address) public view override returns (uint256) {",
                "    uint256 held = totalAssets();",
                "    return held < DEPOSIT_CAP ? DEPOSIT_CAP - held : 0;",
                "}",
                "",
                "/// @notice Most shares that can be minted now: the shares of what is left under the cap.",
                "function maxMint(address receiver) public view override returns (uint256) {",
                "    return previewDeposit(maxDeposit(receiver));",
                "}",
            ]
        if o.fees:
            body += [
                "",
                "/// @dev Shares for `assets` after the entry fee.",
                "function previewDeposit(uint256 assets) public view override returns (uint256) {",
                "    return super.previewDeposit(assets - _feeOnTotal(assets));",
                "}",
                "",
                "/// @dev Assets, entry fee included, to mint `shares`.",
                "function previewMint(uint256 shares) public view override returns (uint256) {",
                "    uint256 assets = super.previewMint(shares);",
                "    return assets + _feeOnRaw(assets);",
                "}",
                "",
                "/// @dev Shares to burn to withdraw `assets`, exit fee included.",
                "function previewWithdraw(uint256 assets) public view override returns (uint256) {",
                "    return super.previewWithdraw(assets + _feeOnRaw(assets));",
                "}",
                "",
                "/// @dev Assets paid for `shares` after the exit fee.",
                "function previewRedeem(uint256 shares) public view override returns (uint256) {",
                "    uint256 assets = super.previewRedeem(shares);",
                "    return assets - _feeOnTotal(assets);",
                "}",
            ]
        # internal overrides
        body += ["",
                 "function _deposit(address caller, address receiver, uint256 assets, uint256 shares)",
                 "    internal", "    override", "    nonReentrant", "{"]
        if o.pausable:
            body.append("    _requireNotPaused();")
        if o.deposit_cap:
            body += ["    uint256 maxAssets = maxDeposit(receiver);",
                     "    if (assets > maxAssets) {",
                     "        revert ERC4626ExceededMaxDeposit(receiver, assets, maxAssets);",
                     "    }"]
        body.append("    super._deposit(caller, receiver, assets, shares);")
        if o.fees:
            body += ["    uint256 fee = _feeOnTotal(assets);",
                     "    if (fee > 0) {", "        IERC20(asset()).safeTransfer(feeRecipient, fee);", "    }"]
        body += ["}", "",
                 "function _withdraw(address caller, address receiver, address holder, uint256 assets, uint256 shares)",
                 "    internal", "    override", "    nonReentrant", "{",
                 "    super._withdraw(caller, receiver, holder, assets, shares);"]
        if o.fees:
            body += ["    uint256 fee = _feeOnRaw(assets);",
                     "    if (fee > 0) {", "        IERC20(asset()).safeTransfer(feeRecipient, fee);", "    }"]
        body += ["}", "",
                 "function _withdrawETH(uint256 assets, uint256 shares) private {",
                 "    _burn(msg.sender, shares);",
                 "    emit Withdraw(msg.sender, msg.sender, msg.sender, assets, shares);"]
        if o.fees:
            body += ["    uint256 fee = _feeOnRaw(assets);",
                     "    if (fee > 0) {", "        IERC20(asset()).safeTransfer(feeRecipient, fee);", "    }"]
        body += [f"    {asset}(asset()).withdraw(assets);",
                 "    _send(msg.sender, assets);",
                 "}",
                 "",
                 "function _send(address to, uint256 amount) private {",
                 '    (bool ok, ) = payable(to).call{value: amount}("");',
                 "    if (!ok) {",
                 "        revert TransferFailed();",
                 "    }",
                 "}",
                 "",
                 "/// @dev Virtual shares against the first-depositor inflation attack.",
                 "function _decimalsOffset() internal pure override returns (uint8) {",
                 "    return DECIMALS_OFFSET;",
                 "}"]
        if o.fees:
            body += ["",
                     "/// @dev The fee to add to `assets` that exclude it.",
                     "function _feeOnRaw(uint256 assets) private pure returns (uint256) {",
                     "    return assets.mulDiv(FEE_BPS, 10_000, Math.Rounding.Ceil);",
                     "}",
                     "",
                     "/// @dev The part of `assets` (which include the fee) that is the fee.",
                     "function _feeOnTotal(uint256 assets) private pure returns (uint256) {",
                     "    return assets.mulDiv(FEE_BPS, FEE_BPS + 10_000, Math.Rounding.Ceil);",
                     "}"]

        feats = []
        if o.fees:
            feats.append(f"a {p.fee_bps / 100:g}% entry and exit fee")
        if o.deposit_cap:
            feats.append(f"a cap of {p.cap} ETH")
        if o.pausable:
            feats.append("pausable deposits")
        default = ("Vault over wrapped ETH: deposit ETH or the asset, receive shares, redeem them for ETH"
                   + (f"; {', '.join(feats)}." if feats else "."))
        doc = self._asset_contract(spec) + natspec(
            spec.name, spec.description or default,
            f"The asset is {asset}, deployed by the constructor; virtual shares (offset "
            f"{p.decimals_offset}) mitigate inflation attacks.")
        return assemble(license=spec.license, imports=imports, doc=doc, name=spec.name, bases=bases, body=body)

    def invariants(self, spec) -> list[str]:
        inv = ["totalSupply() == sum(balanceOf(a) for a in actors)",
               "convertToAssets(totalSupply()) <= totalAssets()",
               "balance(asset()) >= totalAssets()"]
        if spec.options.deposit_cap:
            inv.append("totalAssets() <= DEPOSIT_CAP()")
        return inv

    # -- scenarios -------------------------------------------------------------------------
    def scenarios(self, spec) -> list[Scenario]:
        o, p = spec.options, spec.parameters
        bps = p.fee_bps if o.fees else 0
        off = 10**p.decimals_offset
        cap = p.cap * E18

        def on_total(x: int) -> int:
            return -(-x * bps // (bps + 10_000))

        amount = min(10 * E18, cap) if o.deposit_cap else 10 * E18
        net = amount - on_total(amount)
        shares = net * off  # first deposit into an empty vault
        paid_out = net - on_total(net)  # redeeming everything: the gross is exactly `net`

        out = [Scenario("deposit_eth_mints_shares", "ETH deposited becomes assets and shares at the virtual rate", [
            Call("alice", "depositETH(address)", ["@alice"], value=amount),
            ExpectView("balanceOf(address)", ["@alice"], shares),
            ExpectView("totalSupply()", [], shares),
            ExpectView("totalAssets()", [], net),
            ExpectView("decimals()", [], 18 + p.decimals_offset),
            ExpectEth("alice", -amount),
            Call("bob", "deposit(uint256,address)", [E18, "@bob"], reverts=True),  # holds no asset
            Call("attacker", "redeemETH(uint256)", [1], reverts=True),
            Call("attacker", "redeem(uint256,address,address)", [1, "@attacker", "@alice"], reverts=True)]),
            Scenario("redeem_eth_returns_assets", "redeeming every share pays the ETH back, exit fee apart", [
                Call("alice", "depositETH(address)", ["@alice"], value=amount),
                Call("alice", "redeemETH(uint256)", [shares + 1], reverts=True),
                Call("alice", "redeemETH(uint256)", [shares]),
                ExpectEth("alice", paid_out - amount),
                ExpectView("totalSupply()", [], 0),
                ExpectView("balanceOf(address)", ["@alice"], 0),
                Call("alice", "redeemETH(uint256)", [1], reverts=True)])]
        if o.fees:
            out.append(Scenario("fees_go_to_admin", "the fee recipient is the admin", [
                ExpectView("feeRecipient()", [], "@deployer"),
                ExpectView("previewDeposit(uint256)", [E18], (E18 - on_total(E18)) * off)]))
        if o.deposit_cap and cap + 1 <= SCENARIO_FUNDS:
            steps = [Call("alice", "depositETH(address)", ["@alice"], value=cap + 1, reverts=True),
                     Call("alice", "depositETH(address)", ["@alice"], value=cap),
                     ExpectView("totalAssets()", [], cap - on_total(cap))]
            if not o.fees:
                steps += [ExpectView("maxDeposit(address)", ["@bob"], 0),
                          Call("bob", "depositETH(address)", ["@bob"], value=1, reverts=True)]
            out.append(Scenario("deposit_cap_enforced", "deposits beyond the cap revert", steps))
        if o.pausable:
            out.append(Scenario("pause_stops_deposits_not_withdrawals", "paused: no deposits; redeeming works", [
                Call("alice", "depositETH(address)", ["@alice"], value=amount),
                Call("attacker", "pause()", [], reverts=True),
                Call("deployer", "pause()"),
                Call("bob", "depositETH(address)", ["@bob"], value=amount, reverts=True),
                Call("alice", "redeemETH(uint256)", [shares]),
                ExpectEth("alice", paid_out - amount),
                Call("deployer", "unpause()"),
                Call("bob", "depositETH(address)", ["@bob"], value=amount),
                ExpectEth("bob", -amount)]))
        return out
