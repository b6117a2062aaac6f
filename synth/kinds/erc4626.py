"""Tokenized vault (ERC-4626) on OpenZeppelin 5: over wrapped ETH it creates, or over an existing ERC-20.

The engine deploys a single contract, and a vault needs its underlying asset to exist. The file
therefore defines ``<Name>Asset``, a minimal WETH-style token (1 token per wei, ``deposit()`` /
``withdraw()``), and the vault's constructor deploys it with ``new``. Besides the standard ERC-4626
entry points (which take the asset with ``transferFrom``), the vault has ETH entry points:
``depositETH`` wraps the ETH sent and deposits it; ``withdrawETH`` / ``redeemETH`` burn the caller's
shares and pay the caller in ETH. Inflation attacks are mitigated by OpenZeppelin's virtual shares
(``_decimalsOffset``). Optional: ``fees`` (entry and exit fee in basis points, paid in the asset to
the admin), ``deposit_cap`` (most assets the vault holds) and ``pausable`` (stops deposits and
mints; withdrawals always work).

With ``existing_asset`` the vault is a plain OpenZeppelin 5 ``ERC4626`` over the ERC-20 given at
deployment (``parameters.asset``, e.g. USDC; the constructor takes ``IERC20 asset_``): no wrapped-ETH
asset and no ETH entry points; the cap counts whole assets in the asset's own decimals. Fee-on-transfer
assets are rejected: a deposit whose assets do not arrive in full reverts with ``UnsupportedToken()``
(share prices would otherwise count assets the vault never received). Fees, cap and pause work the
same on both.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from synth.scenarios import Call, ExpectEth, ExpectToken, ExpectView, Scenario, access_scenarios
from synth.solidity_text import string_literal
from synth.spec.types import Address, Bps, Symbol, Text, TokenAmount

from ._access import OZ, Access
from ._render import assemble, natspec
from .base import Kind, KindOptions, KindParameters, TokenRef
from ._tokens import token_grid

E18 = 10**18
SCENARIO_FUNDS = 5_000 * E18  # what a scenario may spend per actor (actors hold 10,000 ETH)


class Erc4626Options(KindOptions):
    existing_asset: bool = False  # a vault over the ERC-20 at parameters.asset instead of its own wrapped ETH
    fees: bool = False  # entry and exit fee of fee_bps, paid in the asset to the admin
    deposit_cap: bool = False  # the vault holds at most `cap` assets
    pausable: bool = False  # the admin may stop deposits and mints (never withdrawals)


class Erc4626Parameters(KindParameters):
    token_name: Text | None = None  # the share token's name; defaults to the contract name
    symbol: Symbol = "vETH"
    fee_bps: Bps = 50  # entry and exit fee, when options.fees
    cap: TokenAmount = 1_000  # whole assets (ETH, or units of 10**decimals of the asset), when options.deposit_cap
    asset: Address | None = None  # the underlying ERC-20, when options.existing_asset
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
    HELP = ("Tokenized vault (ERC-4626) over wrapped ETH with ETH deposit and withdrawal, or over an existing "
            "ERC-20; optional entry/exit fees, deposit cap and pause.")
    Options = Erc4626Options
    Parameters = Erc4626Parameters

    def _roles(self, spec) -> tuple[str, ...]:
        return ("PAUSER",) if spec.options.pausable else ()

    def token_refs(self, spec) -> list[TokenRef]:
        if not spec.options.existing_asset:
            return []
        return [TokenRef(key="asset", standard="erc20", option="existing_asset", address=spec.parameters.asset)]

    def constructor_args(self, spec) -> list:
        return ["@deployer", "@ref:asset"] if spec.options.existing_asset else ["@deployer"]

    def grid(self) -> list[dict]:
        # ETH entries first in their old order, then the token entries (each token parameter set to a
        # distinct placeholder), and last the richest ETH entry
        return token_grid(super().grid(), {"existing_asset": "asset"})

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
        if spec.options.existing_asset:
            return self._render_existing(spec)
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
            "/// @custom:ouro-slot redeemETH",
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
                     "/// @custom:ouro-slot pause",
                     f"function pause() external {acc.guard('PAUSER')} {{", "    _pause();", "}",
                     "", "/// @notice Resume deposits and mints.",
                     f"function unpause() external {acc.guard('PAUSER')} {{", "    _unpause();", "}"]
        body += self._max_overrides(o)
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
                 "/// @custom:ouro-slot withdraw",
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
                     "/// @custom:ouro-slot feeOnRaw",
                     "function _feeOnRaw(uint256 assets) private pure returns (uint256) {",
                     "    return assets.mulDiv(FEE_BPS, 10_000, Math.Rounding.Ceil);",
                     "}",
                     "",
                     "/// @dev The part of `assets` (which include the fee) that is the fee.",
                     "/// @custom:ouro-slot feeOnTotal",
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

    def _render_existing(self, spec) -> str:
        """The vault over an existing ERC-20 given at deployment."""
        o, p = spec.options, spec.parameters
        acc = Access(spec.access, self._roles(spec))
        imports = [f'import {{ERC20}} from "{OZ}/token/ERC20/ERC20.sol";',
                   f'import {{IERC20}} from "{OZ}/token/ERC20/IERC20.sol";',
                   f'import {{ERC4626}} from "{OZ}/token/ERC20/extensions/ERC4626.sol";',
                   f'import {{SafeERC20}} from "{OZ}/token/ERC20/utils/SafeERC20.sol";',
                   f'import {{ReentrancyGuard}} from "{OZ}/utils/ReentrancyGuard.sol";'] + acc.imports()
        if o.deposit_cap:
            imports.append(f'import {{IERC20Metadata}} from "{OZ}/token/ERC20/extensions/IERC20Metadata.sol";')
        if o.fees:
            imports.append(f'import {{Math}} from "{OZ}/utils/math/Math.sol";')
        bases = ["ERC4626", acc.base(), "ReentrancyGuard"]
        if o.pausable:
            imports.append(f'import {{Pausable}} from "{OZ}/utils/Pausable.sol";')
            bases.append("Pausable")

        body = (["using Math for uint256;"] if o.fees else []) + ["using SafeERC20 for IERC20;", ""]
        body += acc.declarations()
        if o.fees:
            body += ["/// @notice Entry and exit fee, in basis points of the assets.",
                     f"uint256 public constant FEE_BPS = {p.fee_bps};",
                     "/// @notice Who receives the fees (in the asset): the admin at deployment.",
                     "address public immutable feeRecipient;"]
        if o.deposit_cap:
            body += [f"/// @notice Most assets the vault accepts to hold, in asset units: {p.cap} whole assets.",
                     "uint256 public immutable DEPOSIT_CAP;"]
        body += [f"uint8 private constant DECIMALS_OFFSET = {p.decimals_offset};", "",
                 "error ZeroAsset();", "error UnsupportedToken();"]
        if o.deposit_cap:
            body.append("error UnsupportedDecimals(uint8 decimals);")
        if o.fees:
            body.append("error ZeroFeeRecipient();")

        share_name = string_literal(p.token_name or spec.name)
        calls = [f"ERC20({share_name}, {string_literal(p.symbol)})", "ERC4626(asset_)"]
        if acc.base_ctor_call():
            calls.append(acc.base_ctor_call())
        body += ["", f"constructor({acc.ctor_param()}, IERC20 asset_)"] + [f"    {c}" for c in calls] + ["{"]
        body += [f"    {ln}" for ln in acc.ctor_body()]
        body += ["    if (address(asset_) == address(0)) {", "        revert ZeroAsset();", "    }"]
        if o.fees:
            body += [f"    if ({acc.admin_param} == address(0)) {{", "        revert ZeroFeeRecipient();", "    }",
                     f"    feeRecipient = {acc.admin_param};"]
        if o.deposit_cap:
            body += ["    uint8 assetDecimals = 18; // what ERC4626 assumes for an asset without decimals()",
                     "    try IERC20Metadata(address(asset_)).decimals() returns (uint8 d) {",
                     "        assetDecimals = d;",
                     "    } catch {}",
                     "    if (assetDecimals > 36) {",
                     "        revert UnsupportedDecimals(assetDecimals);",
                     "    }",
                     f"    DEPOSIT_CAP = {p.cap} * 10 ** assetDecimals;"]
        body.append("}")
        if o.pausable:
            body += ["", "/// @notice Stop deposits and mints; withdrawals keep working.",
                     "/// @custom:ouro-slot pause",
                     f"function pause() external {acc.guard('PAUSER')} {{", "    _pause();", "}",
                     "", "/// @notice Resume deposits and mints.",
                     f"function unpause() external {acc.guard('PAUSER')} {{", "    _unpause();", "}"]
        body += self._max_overrides(o)
        if o.fees:
            body += self._fee_previews()
        body += ["",
                 "/// @dev Pulls the assets (SafeERC20: a token returning false reverts) and rejects a fee-on-transfer",
                 "/// asset: unless `assets` arrive in full the deposit reverts with UnsupportedToken().",
                 "function _deposit(address caller, address receiver, uint256 assets, uint256 shares)",
                 "    internal", "    override", "    nonReentrant", "{"]
        if o.pausable:
            body.append("    _requireNotPaused();")
        if o.deposit_cap:
            body += ["    uint256 maxAssets = maxDeposit(receiver);",
                     "    if (assets > maxAssets) {",
                     "        revert ERC4626ExceededMaxDeposit(receiver, assets, maxAssets);",
                     "    }"]
        body += ["    IERC20 token = IERC20(asset());",
                 "    uint256 before = token.balanceOf(address(this));",
                 "    super._deposit(caller, receiver, assets, shares);",
                 "    if (token.balanceOf(address(this)) - before != assets) {",
                 "        revert UnsupportedToken();",
                 "    }"]
        if o.fees:
            body += ["    uint256 fee = _feeOnTotal(assets);",
                     "    if (fee > 0) {", "        token.safeTransfer(feeRecipient, fee);", "    }"]
        body += ["}", "",
                 "/// @custom:ouro-slot withdraw",
                 "function _withdraw(address caller, address receiver, address holder, uint256 assets, uint256 shares)",
                 "    internal", "    override", "    nonReentrant", "{",
                 "    super._withdraw(caller, receiver, holder, assets, shares);"]
        if o.fees:
            body += ["    uint256 fee = _feeOnRaw(assets);",
                     "    if (fee > 0) {", "        IERC20(asset()).safeTransfer(feeRecipient, fee);", "    }"]
        body += ["}", "",
                 "/// @dev Virtual shares against the first-depositor inflation attack.",
                 "function _decimalsOffset() internal pure override returns (uint8) {",
                 "    return DECIMALS_OFFSET;",
                 "}"]
        if o.fees:
            body += self._fee_helpers()

        feats = []
        if o.fees:
            feats.append(f"a {p.fee_bps / 100:g}% entry and exit fee")
        if o.deposit_cap:
            feats.append(f"a cap of {p.cap} whole assets")
        if o.pausable:
            feats.append("pausable deposits")
        default = ("Vault over an existing ERC-20: deposit the asset, receive shares, redeem them for the asset"
                   + (f"; {', '.join(feats)}." if feats else "."))
        doc = natspec(
            spec.name, spec.description or default,
            "The asset is the ERC-20 given at deployment, moved with SafeERC20 (a token returning false reverts). "
            "Fee-on-transfer assets are rejected: a deposit that does not arrive in full reverts with "
            f"UnsupportedToken(). Rebasing assets are not supported. Virtual shares (offset {p.decimals_offset}) "
            "mitigate inflation attacks.")
        return assemble(license=spec.license, imports=imports, doc=doc, name=spec.name, bases=bases, body=body)

    @staticmethod
    def _max_overrides(o) -> list[str]:
        """maxDeposit/maxMint: what is left under the cap, and 0 while paused (EIP-4626: MUST return 0
        when deposits are disabled, even temporarily)."""
        out = []
        if o.deposit_cap:
            out += ["",
                    "/// @notice Most assets that can be deposited now: what is left under the cap"
                    + (" (none while paused)." if o.pausable else "."),
                    "function maxDeposit(address) public view override returns (uint256) {"]
            if o.pausable:
                out += ["    if (paused()) {", "        return 0;", "    }"]
            out += ["    uint256 held = totalAssets();",
                    "    return held < DEPOSIT_CAP ? DEPOSIT_CAP - held : 0;",
                    "}",
                    "",
                    "/// @notice Most shares that can be minted now: the shares of what is left under the cap.",
                    "function maxMint(address receiver) public view override returns (uint256) {",
                    "    return previewDeposit(maxDeposit(receiver));",
                    "}"]
        elif o.pausable:
            out += ["",
                    "/// @notice Most assets that can be deposited now: none while paused.",
                    "function maxDeposit(address receiver) public view override returns (uint256) {",
                    "    return paused() ? 0 : super.maxDeposit(receiver);",
                    "}",
                    "",
                    "/// @notice Most shares that can be minted now: none while paused.",
                    "function maxMint(address receiver) public view override returns (uint256) {",
                    "    return paused() ? 0 : super.maxMint(receiver);",
                    "}"]
        return out

    @staticmethod
    def _fee_previews() -> list[str]:
        return [
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

    @staticmethod
    def _fee_helpers() -> list[str]:
        return ["",
                "/// @dev The fee to add to `assets` that exclude it.",
                "/// @custom:ouro-slot feeOnRaw",
                "function _feeOnRaw(uint256 assets) private pure returns (uint256) {",
                "    return assets.mulDiv(FEE_BPS, 10_000, Math.Rounding.Ceil);",
                "}",
                "",
                "/// @dev The part of `assets` (which include the fee) that is the fee.",
                "/// @custom:ouro-slot feeOnTotal",
                "function _feeOnTotal(uint256 assets) private pure returns (uint256) {",
                "    return assets.mulDiv(FEE_BPS, FEE_BPS + 10_000, Math.Rounding.Ceil);",
                "}"]

    def invariants(self, spec) -> list[str]:
        if spec.options.existing_asset:
            # (no cap invariant: anyone may transfer the asset to the vault directly; the cap bounds deposits)
            return ["totalSupply() == sum(balanceOf(a) for a in actors)",
                    "convertToAssets(totalSupply()) <= totalAssets()"]
        inv = ["totalSupply() == sum(balanceOf(a) for a in actors)",
               "convertToAssets(totalSupply()) <= totalAssets()",
               "balance(asset()) >= totalAssets()"]
        if spec.options.deposit_cap:
            inv.append("totalAssets() <= DEPOSIT_CAP()")
        return inv

    # -- scenarios -------------------------------------------------------------------------
    # privileged slots: slot name -> signature; each gets an access_<slot> scenario
    def scenarios(self, spec) -> list[Scenario]:
        out = self._scenarios(spec)
        return out + access_scenarios(out, {"pause": "pause()"})

    def _scenarios(self, spec) -> list[Scenario]:
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
        if o.existing_asset:
            return self._scenarios_existing(spec, amount, net, shares, paid_out, on_total)

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
                ExpectView("maxDeposit(address)", ["@bob"], 0),
                ExpectView("maxMint(address)", ["@bob"], 0),
                Call("bob", "depositETH(address)", ["@bob"], value=amount, reverts=True),
                Call("alice", "redeemETH(uint256)", [shares]),
                ExpectEth("alice", paid_out - amount),
                Call("deployer", "unpause()"),
                Call("bob", "depositETH(address)", ["@bob"], value=amount),
                ExpectEth("bob", -amount)]))
        return out

    def _scenarios_existing(self, spec, amount: int, net: int, shares: int, paid_out: int, on_total) -> list[Scenario]:
        """The same stories over an existing ERC-20 ("asset"): every actor holds it and has approved the vault."""
        o, p = spec.options, spec.parameters
        cap = p.cap * E18  # the asset verification deploys has 18 decimals
        deposit = "deposit(uint256,address)"
        redeem = "redeem(uint256,address,address)"
        fee_in = on_total(amount)
        out = [Scenario("deposit_mints_shares", "assets deposited become shares at the virtual rate", [
            Call("alice", deposit, [amount, "@alice"]),
            ExpectView("balanceOf(address)", ["@alice"], shares),
            ExpectView("totalSupply()", [], shares),
            ExpectView("totalAssets()", [], net),
            ExpectView("asset()", [], "@ref:asset"),
            ExpectView("decimals()", [], 18 + p.decimals_offset),
            ExpectToken("alice", "asset", -amount),
            ExpectView("balanceOf(address)", ["@target"], net, on="asset"),
            Call("attacker", redeem, [1, "@attacker", "@alice"], reverts=True),
            Call("attacker", "withdraw(uint256,address,address)", [1, "@attacker", "@alice"], reverts=True)]),
            Scenario("deposit_needs_an_allowance", "without an allowance the vault takes nothing", [
                Call("bob", "approve(address,uint256)", ["@target", 0], on="asset"),
                Call("bob", deposit, [amount, "@bob"], reverts=True),
                ExpectView("balanceOf(address)", ["@bob"], 0),
                Call("bob", "approve(address,uint256)", ["@target", amount], on="asset"),
                Call("bob", deposit, [amount, "@bob"]),
                ExpectView("balanceOf(address)", ["@bob"], shares),
                ExpectToken("bob", "asset", -amount)]),
            Scenario("redeem_returns_assets", "redeeming every share pays the assets back, exit fee apart", [
                Call("alice", deposit, [amount, "@alice"]),
                Call("alice", redeem, [shares + 1, "@alice", "@alice"], reverts=True),
                Call("alice", redeem, [shares, "@alice", "@alice"]),
                ExpectToken("alice", "asset", paid_out - amount),
                ExpectView("totalSupply()", [], 0),
                ExpectView("balanceOf(address)", ["@alice"], 0),
                Call("alice", redeem, [1, "@alice", "@alice"], reverts=True)])]
        if o.fees:
            out.append(Scenario("fees_go_to_admin", "entry and exit fees are paid in the asset to the admin", [
                ExpectView("feeRecipient()", [], "@deployer"),
                ExpectView("previewDeposit(uint256)", [E18], (E18 - on_total(E18)) * off_of(p)),
                Call("alice", deposit, [amount, "@alice"]),
                ExpectToken("deployer", "asset", fee_in),
                Call("alice", redeem, [shares, "@alice", "@alice"]),
                ExpectToken("deployer", "asset", fee_in + net - paid_out),
                ExpectToken("alice", "asset", paid_out - amount)]))
        if o.deposit_cap and cap + 1 <= SCENARIO_FUNDS:
            steps = [Call("alice", deposit, [cap + 1, "@alice"], reverts=True),
                     Call("alice", deposit, [cap, "@alice"]),
                     ExpectView("totalAssets()", [], cap - on_total(cap))]
            if not o.fees:
                steps += [ExpectView("maxDeposit(address)", ["@bob"], 0),
                          Call("bob", deposit, [1, "@bob"], reverts=True)]
            out.append(Scenario("deposit_cap_enforced", "deposits beyond the cap revert", steps))
        if o.pausable:
            out.append(Scenario("pause_stops_deposits_not_withdrawals", "paused: no deposits; redeeming works", [
                Call("alice", deposit, [amount, "@alice"]),
                Call("attacker", "pause()", [], reverts=True),
                Call("deployer", "pause()"),
                ExpectView("maxDeposit(address)", ["@bob"], 0),
                ExpectView("maxMint(address)", ["@bob"], 0),
                Call("bob", deposit, [amount, "@bob"], reverts=True),
                Call("alice", redeem, [shares, "@alice", "@alice"]),
                ExpectToken("alice", "asset", paid_out - amount),
                Call("deployer", "unpause()"),
                Call("bob", deposit, [amount, "@bob"]),
                ExpectToken("bob", "asset", -amount)]))
        return out


def off_of(p) -> int:
    return 10**p.decimals_offset
