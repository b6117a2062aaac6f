"""ERC-20 token on OpenZeppelin 5: mintable, burnable, pausable, capped, permit, votes, flash-mint, premint."""

from __future__ import annotations

from pydantic import model_validator

from synth.scenarios import Call, ExpectView, Scenario
from synth.solidity_text import string_literal
from synth.spec.types import Symbol, Text, TokenAmount

from ._access import OZ, OZU, Access
from ._render import assemble, natspec
from .base import Kind, KindOptions, KindParameters

E18 = 10**18


class Erc20Options(KindOptions):
    mintable: bool = False
    burnable: bool = False
    pausable: bool = False
    capped: bool = False
    permit: bool = False
    votes: bool = False
    flash_mint: bool = False


class Erc20Parameters(KindParameters):
    token_name: Text | None = None  # defaults to the contract name
    symbol: Symbol = "TKN"
    premint: TokenAmount = 1_000_000  # whole tokens minted to the admin at deployment
    cap: TokenAmount = 10_000_000  # whole tokens; used when options.capped

    @model_validator(mode="after")
    def _premint_fits(self):
        if self.cap == 0:
            raise ValueError("cap must be above 0")
        return self


class Erc20(Kind):
    NAME = "erc20"
    PROVIDES = ("erc20",)
    HELP = "Fungible token (ERC-20) with optional mint, burn, pause, cap, permit, votes and flash mint."
    Options = Erc20Options
    Parameters = Erc20Parameters
    UPGRADEABILITY = ("none", "uups", "transparent")

    def proxy(self, spec) -> dict[str, str] | None:
        if spec.upgradeability == "none":
            return None
        return {"kind": spec.upgradeability, "proxy_contract": f"{spec.name}Proxy",
                "initializer": "initialize(address)"}

    def render(self, spec) -> str:
        if spec.upgradeability != "none":
            return self._render_upgradeable(spec)
        o, p = spec.options, spec.parameters
        roles = tuple(r for r, on in (("MINTER", o.mintable), ("PAUSER", o.pausable)) if on)
        acc = Access(spec.access, roles)
        imports = [f'import {{ERC20}} from "{OZ}/token/ERC20/ERC20.sol";'] + acc.imports()
        bases = ["ERC20"]
        update_bases = ["ERC20"]
        if o.burnable:
            imports.append(f'import {{ERC20Burnable}} from "{OZ}/token/ERC20/extensions/ERC20Burnable.sol";')
            bases.append("ERC20Burnable")
        if o.pausable:
            imports.append(f'import {{ERC20Pausable}} from "{OZ}/token/ERC20/extensions/ERC20Pausable.sol";')
            bases.append("ERC20Pausable")
            update_bases.append("ERC20Pausable")
        if o.capped:
            imports.append(f'import {{ERC20Capped}} from "{OZ}/token/ERC20/extensions/ERC20Capped.sol";')
            bases.append("ERC20Capped")
            update_bases.append("ERC20Capped")
        bases.append(acc.base())
        if o.permit:
            imports.append(f'import {{ERC20Permit}} from "{OZ}/token/ERC20/extensions/ERC20Permit.sol";')
            bases.append("ERC20Permit")
        if o.votes:
            imports.append(f'import {{ERC20Votes}} from "{OZ}/token/ERC20/extensions/ERC20Votes.sol";')
            if not o.permit:
                imports.append(f'import {{EIP712}} from "{OZ}/utils/cryptography/EIP712.sol";')
                bases.append("EIP712")
            bases.append("ERC20Votes")
            update_bases.append("ERC20Votes")
        if o.flash_mint:
            imports.append(f'import {{ERC20FlashMint}} from "{OZ}/token/ERC20/extensions/ERC20FlashMint.sol";')
            bases.append("ERC20FlashMint")
        if o.permit and o.votes:
            imports.append(f'import {{Nonces}} from "{OZ}/utils/Nonces.sol";')

        token_name = string_literal(p.token_name or spec.name)
        calls = [f"ERC20({token_name}, {string_literal(p.symbol)})"]
        if o.capped:
            calls.append(f"ERC20Capped({p.cap} * 10 ** 18)")
        if acc.base_ctor_call():
            calls.append(acc.base_ctor_call())
        if o.permit:
            calls.append(f"ERC20Permit({token_name})")
        elif o.votes:
            calls.append(f'EIP712({token_name}, "1")')
        body = acc.declarations()
        if body:
            body.append("")
        body.append(f"constructor({acc.ctor_param()})")
        body += [f"    {c}" for c in calls]
        body.append("{")
        body += [f"    {ln}" for ln in acc.ctor_body()]
        if p.premint:
            body.append(f"    _mint({acc.admin_param}, {p.premint} * 10 ** decimals());")
        body.append("}")
        if o.pausable:
            body += ["", "/// @notice Stop all transfers, mints and burns.",
                     f"function pause() public {acc.guard('PAUSER')} {{", "    _pause();", "}",
                     "", "/// @notice Resume transfers.",
                     f"function unpause() public {acc.guard('PAUSER')} {{", "    _unpause();", "}"]
        if o.mintable:
            body += ["", "/// @notice Create `amount` tokens for `to`.",
                     f"function mint(address to, uint256 amount) public {acc.guard('MINTER')} {{",
                     "    _mint(to, amount);", "}"]
        if len(update_bases) > 1:
            body += ["", "// The following functions are overrides required by Solidity.", "",
                     "function _update(address from, address to, uint256 value)",
                     f"    internal override({', '.join(update_bases)})", "{",
                     "    super._update(from, to, value);", "}"]
        if o.permit and o.votes:
            body += ["", "function nonces(address owner)", "    public view override(ERC20Permit, Nonces)",
                     "    returns (uint256)", "{", "    return super.nonces(owner);", "}"]
        doc = natspec(spec.name, spec.description or f"ERC-20 token {p.symbol}.")
        return assemble(license=spec.license, imports=imports, doc=doc, name=spec.name, bases=bases, body=body)

    def _render_upgradeable(self, spec) -> str:
        """The same token as an upgradeable implementation plus its named proxy (UUPS or transparent)."""
        o, p = spec.options, spec.parameters
        roles = tuple(r for r, on in (("MINTER", o.mintable), ("PAUSER", o.pausable), ("UPGRADER", spec.upgradeability == "uups")) if on)
        acc = Access(spec.access, roles)
        imports = [f'import {{Initializable}} from "{OZU}/proxy/utils/Initializable.sol";',
                   f'import {{ERC20Upgradeable}} from "{OZU}/token/ERC20/ERC20Upgradeable.sol";'] + acc.imports_upgradeable()
        bases, update_bases = ["Initializable", "ERC20Upgradeable"], ["ERC20Upgradeable"]
        token_name = string_literal(p.token_name or spec.name)
        init = [f"__ERC20_init({token_name}, {string_literal(p.symbol)});"]

        def ext(name: str, args: str = "", update: bool = False):
            imports.append(f'import {{{name}Upgradeable}} from "{OZU}/token/ERC20/extensions/{name}Upgradeable.sol";')
            bases.append(f"{name}Upgradeable")
            init.append(f"__{name}_init({args});")
            if update:
                update_bases.append(f"{name}Upgradeable")

        if o.burnable:
            ext("ERC20Burnable")
        if o.pausable:
            ext("ERC20Pausable", update=True)
        if o.capped:
            ext("ERC20Capped", f"{p.cap} * 10 ** 18", update=True)
        bases.append(acc.base_upgradeable())
        init.append(acc.init_call())
        if o.permit:
            ext("ERC20Permit", token_name)
        if o.votes:
            if not o.permit:
                imports.append(f'import {{EIP712Upgradeable}} from "{OZU}/utils/cryptography/EIP712Upgradeable.sol";')
                bases.append("EIP712Upgradeable")
                init.append(f'__EIP712_init({token_name}, "1");')
            ext("ERC20Votes", update=True)
        if o.flash_mint:
            ext("ERC20FlashMint")
        if o.permit and o.votes:
            imports.append(f'import {{NoncesUpgradeable}} from "{OZU}/utils/NoncesUpgradeable.sol";')
        uups = spec.upgradeability == "uups"
        if uups:
            imports.append(f'import {{UUPSUpgradeable}} from "{OZU}/proxy/utils/UUPSUpgradeable.sol";')
            imports.append(f'import {{ERC1967Proxy}} from "{OZ}/proxy/ERC1967/ERC1967Proxy.sol";')
            bases.append("UUPSUpgradeable")
        else:
            imports.append(f'import {{TransparentUpgradeableProxy}} from '
                           f'"{OZ}/proxy/transparent/TransparentUpgradeableProxy.sol";')
        body = acc.declarations()
        if body:
            body.append("")
        body += ["/// @custom:oz-upgrades-unsafe-allow constructor", "constructor() {", "    _disableInitializers();",
                 "}", "", "/// @notice Set up the token behind its proxy; callable once.",
                 f"function initialize({acc.ctor_param()}) public initializer {{"]
        body += [f"    {ln}" for ln in init + acc.ctor_body()]
        if p.premint:
            body.append(f"    _mint({acc.admin_param}, {p.premint} * 10 ** decimals());")
        body.append("}")
        if o.pausable:
            body += ["", f"function pause() public {acc.guard('PAUSER')} {{", "    _pause();", "}", "",
                     f"function unpause() public {acc.guard('PAUSER')} {{", "    _unpause();", "}"]
        if o.mintable:
            body += ["", f"function mint(address to, uint256 amount) public {acc.guard('MINTER')} {{",
                     "    _mint(to, amount);", "}"]
        if uups:
            body += ["", "/// @dev Only the admin may upgrade the implementation.",
                     "function _authorizeUpgrade(address newImplementation)",
                     f"    internal override {acc.guard('UPGRADER')}", "{}"]
        if len(update_bases) > 1:
            body += ["", "function _update(address from, address to, uint256 value)",
                     f"    internal override({', '.join(update_bases)})", "{",
                     "    super._update(from, to, value);", "}"]
        if o.permit and o.votes:
            body += ["", "function nonces(address owner)",
                     "    public view override(ERC20PermitUpgradeable, NoncesUpgradeable)", "    returns (uint256)",
                     "{", "    return super.nonces(owner);", "}"]
        doc = natspec(spec.name, spec.description or f"ERC-20 token {p.symbol}.",
                      f"Upgradeable ({spec.upgradeability}); deploy behind {spec.name}Proxy.")
        src = assemble(license=spec.license, imports=imports, doc=doc, name=spec.name, bases=bases, body=body)
        if uups:
            proxy = [f"/// @notice The ERC-1967 proxy of {spec.name}: deploy with (implementation, initialize calldata).",
                     f"contract {spec.name}Proxy is ERC1967Proxy {{",
                     "    constructor(address implementation, bytes memory data) ERC1967Proxy(implementation, data) {}",
                     "}"]
        else:
            proxy = [f"/// @notice The transparent proxy of {spec.name}: deploy with (implementation, admin, initialize calldata).",
                     f"contract {spec.name}Proxy is TransparentUpgradeableProxy {{",
                     "    constructor(address implementation, address admin, bytes memory data)",
                     "        TransparentUpgradeableProxy(implementation, admin, data) {}", "}"]
        return src + "\n" + "\n".join(proxy) + "\n"

    def invariants(self, spec) -> list[str]:
        inv = ["totalSupply() == sum(balanceOf(a) for a in actors)"]
        if spec.options.capped:
            inv.append("totalSupply() <= cap()")
        if not spec.options.mintable and not spec.options.flash_mint:
            inv.append(f"totalSupply() <= {spec.parameters.premint * E18}")
        return inv

    def scenarios(self, spec) -> list[Scenario]:
        o, p = spec.options, spec.parameters
        pre = p.premint * E18
        out = [Scenario("premint_to_admin", "the premint goes to the admin", [
            ExpectView("totalSupply()", [], pre), ExpectView("balanceOf(address)", ["@deployer"], pre)])]
        if pre:
            out.append(Scenario("transfer_moves_balance", "a transfer moves exactly the amount", [
                Call("deployer", "transfer(address,uint256)", ["@alice", 5 * E18]),
                ExpectView("balanceOf(address)", ["@alice"], 5 * E18),
                ExpectView("balanceOf(address)", ["@deployer"], pre - 5 * E18),
                Call("alice", "transfer(address,uint256)", ["@bob", 6 * E18], reverts=True)]))
        if o.mintable:
            steps = [Call("deployer", "mint(address,uint256)", ["@alice", 7 * E18]),
                     ExpectView("balanceOf(address)", ["@alice"], 7 * E18),
                     ExpectView("totalSupply()", [], pre + 7 * E18),
                     Call("attacker", "mint(address,uint256)", ["@attacker", 1], reverts=True)]
            if o.capped:
                steps.append(Call("deployer", "mint(address,uint256)", ["@alice", p.cap * E18], reverts=True))
            out.append(Scenario("only_minter_mints", "the admin mints; nobody else can", steps))
        if o.burnable and pre:
            out.append(Scenario("holder_burns", "a holder burns its own tokens", [
                Call("deployer", "burn(uint256)", [3 * E18]),
                ExpectView("totalSupply()", [], pre - 3 * E18),
                Call("alice", "burn(uint256)", [1], reverts=True)]))
        if o.pausable and pre:
            out.append(Scenario("pause_stops_transfers", "paused tokens do not move; unpause restores", [
                Call("attacker", "pause()", [], reverts=True),
                Call("deployer", "pause()"),
                Call("deployer", "transfer(address,uint256)", ["@alice", 1], reverts=True),
                Call("deployer", "unpause()"),
                Call("deployer", "transfer(address,uint256)", ["@alice", 1]),
                ExpectView("balanceOf(address)", ["@alice"], 1)]))
        return out
