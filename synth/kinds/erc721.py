"""ERC-721 collection on OpenZeppelin 5: mintable, burnable, pausable, enumerable, per-token URIs, royalties.

Token ids count up from 0 (``totalMinted()`` is the next id). Minting is ``safeMint`` by the
minter role and, with a ``mint_price``, a payable public ``mint()`` anyone may call paying exactly
that price; the admin withdraws the proceeds (``mintProceeds``, not any ETH forced into the
contract) to the treasury, the admin given at deployment.
``max_supply`` caps the number of tokens ever minted (0: no cap).
"""

from __future__ import annotations

from pydantic import Field, model_validator

from synth.scenarios import Call, ExpectEth, ExpectView, Scenario
from synth.solidity_text import string_literal
from synth.spec.types import Bps, EthAmount, Symbol, Text, Uri

from ._access import OZ, Access
from ._render import assemble, natspec
from .base import Kind, KindOptions, KindParameters

E18 = 10**18
SCENARIO_FUNDS = 5_000 * E18  # what a scenario may spend per actor (actors hold 10,000 ETH)


class Erc721Options(KindOptions):
    mintable: bool = False  # the minter role mints for free with safeMint
    burnable: bool = False  # holders (and approved operators) burn tokens
    pausable: bool = False  # the pauser stops transfers, mints and burns
    enumerable: bool = False  # ERC721Enumerable: totalSupply, tokenByIndex, tokenOfOwnerByIndex
    uri_storage: bool = False  # ERC721URIStorage: a URI per token, set at mint or by the URI setter
    royalties: bool = False  # ERC-2981 default royalty paid to the admin


class Erc721Parameters(KindParameters):
    token_name: Text | None = None  # defaults to the contract name
    symbol: Symbol = "NFT"
    base_uri: Uri | None = None  # prefix of every token URI (e.g. "ipfs://<cid>/"); none: empty
    max_supply: int = Field(0, ge=0, le=10**12)  # most tokens ever minted; 0 = unlimited
    mint_price: EthAmount = 0  # > 0: anyone may mint() paying exactly this; 0: only the minter mints
    royalty_bps: Bps = 500  # royalty in basis points, when options.royalties

    @model_validator(mode="after")
    def _sane(self):
        if self.mint_price > 10**30:
            raise ValueError("mint_price must be at most 10**12 ether")
        return self


class Erc721(Kind):
    NAME = "erc721"
    PROVIDES = ("erc721",)
    HELP = ("Non-fungible token collection (ERC-721) with optional mint, paid public mint, burn, pause, "
            "enumeration, per-token URIs, supply cap and ERC-2981 royalties.")
    Options = Erc721Options
    Parameters = Erc721Parameters

    def _roles(self, spec) -> tuple[str, ...]:
        o, p = spec.options, spec.parameters
        return tuple(r for r, on in (("MINTER", o.mintable), ("PAUSER", o.pausable), ("URI_SETTER", o.uri_storage),
                                     ("TREASURER", p.mint_price > 0)) if on)

    def render(self, spec) -> str:
        o, p = spec.options, spec.parameters
        acc = Access(spec.access, self._roles(spec))
        paid = p.mint_price > 0
        imports = [f'import {{ERC721}} from "{OZ}/token/ERC721/ERC721.sol";'] + acc.imports()
        bases = ["ERC721"]
        update_bases = ["ERC721"]  # _update
        iface_bases = ["ERC721"]  # supportsInterface
        if o.enumerable:
            imports.append(f'import {{ERC721Enumerable}} from "{OZ}/token/ERC721/extensions/ERC721Enumerable.sol";')
            bases.append("ERC721Enumerable")
            update_bases.append("ERC721Enumerable")
            iface_bases.append("ERC721Enumerable")
        if o.uri_storage:
            imports.append(f'import {{ERC721URIStorage}} from "{OZ}/token/ERC721/extensions/ERC721URIStorage.sol";')
            bases.append("ERC721URIStorage")
            iface_bases.append("ERC721URIStorage")
        if o.pausable:
            imports.append(f'import {{ERC721Pausable}} from "{OZ}/token/ERC721/extensions/ERC721Pausable.sol";')
            bases.append("ERC721Pausable")
            update_bases.append("ERC721Pausable")
        if o.royalties:
            imports.append(f'import {{ERC721Royalty}} from "{OZ}/token/ERC721/extensions/ERC721Royalty.sol";')
            bases.append("ERC721Royalty")
            iface_bases.append("ERC721Royalty")
        bases.append(acc.base())
        if spec.access == "roles":
            iface_bases.append("AccessControl")
        if o.burnable:
            imports.append(f'import {{ERC721Burnable}} from "{OZ}/token/ERC721/extensions/ERC721Burnable.sol";')
            bases.append("ERC721Burnable")
        if paid:
            imports.append(f'import {{ReentrancyGuard}} from "{OZ}/utils/ReentrancyGuard.sol";')
            bases.append("ReentrancyGuard")

        body = list(acc.declarations())
        if body:
            body.append("")
        if p.max_supply:
            body += ["/// @notice Most tokens that can ever be minted.",
                     f"uint256 public constant MAX_SUPPLY = {p.max_supply};"]
        if paid:
            body += ["/// @notice Price in wei of one public mint.",
                     f"uint256 public constant MINT_PRICE = {p.mint_price};",
                     "/// @notice Where withdrawn mint proceeds go: the admin given at deployment.",
                     "address payable public immutable treasury;",
                     "/// @notice Mint proceeds in wei not yet withdrawn.",
                     "uint256 public mintProceeds;"]
        body += ["", "uint256 private _nextTokenId;"]
        if paid:
            body += ["", "event Purchased(address indexed buyer, uint256 indexed tokenId, uint256 price);",
                     "event Withdrawn(address indexed to, uint256 amount);"]
        errors = []
        if p.max_supply:
            errors.append("error MaxSupplyReached();")
        if paid:
            errors += ["error WrongPayment(uint256 expected);", "error NothingToWithdraw();",
                       "error TransferFailed();", "error ZeroAddress();"]
        if errors:
            body += [""] + errors

        token_name = string_literal(p.token_name or spec.name)
        calls = [f"ERC721({token_name}, {string_literal(p.symbol)})"]
        if acc.base_ctor_call():
            calls.append(acc.base_ctor_call())
        body += ["", f"constructor({acc.ctor_param()})"] + [f"    {c}" for c in calls] + ["{"]
        if paid:
            body += [f"    if ({acc.admin_param} == address(0)) {{", "        revert ZeroAddress();", "    }",
                     f"    treasury = payable({acc.admin_param});"]
        body += [f"    {ln}" for ln in acc.ctor_body()]
        if o.royalties:
            body.append(f"    _setDefaultRoyalty({acc.admin_param}, {p.royalty_bps});")
        body.append("}")

        if p.base_uri:
            body += ["", "function _baseURI() internal pure override returns (string memory) {",
                     f"    return {string_literal(p.base_uri)};", "}"]
        body += ["", "/// @notice How many tokens were ever minted (burnt ones included); the next id.",
                 "function totalMinted() public view returns (uint256) {", "    return _nextTokenId;", "}"]
        body += ["", "/// @dev The next token id; reverts once the supply cap is reached.",
                 "function _takeNextId() private returns (uint256 tokenId) {", "    tokenId = _nextTokenId;"]
        if p.max_supply:
            body += ["    if (tokenId >= MAX_SUPPLY) {", "        revert MaxSupplyReached();", "    }"]
        body += ["    _nextTokenId = tokenId + 1;", "}"]

        if o.pausable:
            body += ["", "/// @notice Stop all transfers, mints and burns.",
                     f"function pause() public {acc.guard('PAUSER')} {{", "    _pause();", "}",
                     "", "/// @notice Resume transfers.",
                     f"function unpause() public {acc.guard('PAUSER')} {{", "    _unpause();", "}"]
        if o.mintable:
            if o.uri_storage:
                body += ["", "/// @notice Mint the next token to `to` with its own URI; returns its id.",
                         f"function safeMint(address to, string memory uri) public {acc.guard('MINTER')} "
                         "returns (uint256) {",
                         "    uint256 tokenId = _takeNextId();",
                         "    _setTokenURI(tokenId, uri);",
                         "    _safeMint(to, tokenId);",
                         "    return tokenId;", "}"]
            else:
                body += ["", "/// @notice Mint the next token to `to`; returns its id.",
                         f"function safeMint(address to) public {acc.guard('MINTER')} returns (uint256) {{",
                         "    uint256 tokenId = _takeNextId();",
                         "    _safeMint(to, tokenId);",
                         "    return tokenId;", "}"]
        if o.uri_storage:
            body += ["", "/// @notice Set the URI of the existing token `tokenId`.",
                     f"function setTokenURI(uint256 tokenId, string memory uri) public {acc.guard('URI_SETTER')} {{",
                     "    _requireOwned(tokenId);", "    _setTokenURI(tokenId, uri);", "}"]
        if paid:
            body += ["", "/// @notice Mint the next token to yourself, paying exactly `MINT_PRICE`; returns its id.",
                     "function mint() public payable nonReentrant returns (uint256) {",
                     "    if (msg.value != MINT_PRICE) {", "        revert WrongPayment(MINT_PRICE);", "    }",
                     "    mintProceeds += msg.value;",
                     "    uint256 tokenId = _takeNextId();",
                     "    emit Purchased(msg.sender, tokenId, msg.value);",
                     "    _safeMint(msg.sender, tokenId);",
                     "    return tokenId;", "}",
                     "", "/// @notice Send the mint proceeds collected so far to `treasury`.",
                     f"function withdraw() public {acc.guard('TREASURER')} nonReentrant {{",
                     "    uint256 amount = mintProceeds;",
                     "    if (amount == 0) {", "        revert NothingToWithdraw();", "    }",
                     "    mintProceeds = 0;",
                     "    emit Withdrawn(treasury, amount);",
                     '    (bool ok, ) = treasury.call{value: amount}("");',
                     "    if (!ok) {", "        revert TransferFailed();", "    }", "}"]

        overrides = []
        if len(update_bases) > 1:
            overrides += ["", "function _update(address to, uint256 tokenId, address auth)",
                          f"    internal override({', '.join(update_bases)})", "    returns (address)", "{",
                          "    return super._update(to, tokenId, auth);", "}"]
        if o.enumerable:
            overrides += ["", "function _increaseBalance(address account, uint128 value)",
                          "    internal override(ERC721, ERC721Enumerable)", "{",
                          "    super._increaseBalance(account, value);", "}"]
        if o.uri_storage:
            overrides += ["", "function tokenURI(uint256 tokenId)",
                          "    public view override(ERC721, ERC721URIStorage)", "    returns (string memory)", "{",
                          "    return super.tokenURI(tokenId);", "}"]
        if len(iface_bases) > 1:
            overrides += ["", "function supportsInterface(bytes4 interfaceId)",
                          f"    public view override({', '.join(iface_bases)})", "    returns (bool)", "{",
                          "    return super.supportsInterface(interfaceId);", "}"]
        if overrides:
            body += ["", "// The following functions are overrides required by Solidity."] + overrides

        features = []
        if paid:
            features.append(f"a public mint at {p.mint_price} wei")
        if p.max_supply:
            features.append(f"at most {p.max_supply} tokens")
        if o.royalties:
            features.append(f"{p.royalty_bps} bps royalties")
        default = f"ERC-721 collection {p.symbol}" + (f" with {', '.join(features)}." if features else ".")
        notice = "Token ids count up from 0."
        if paid:
            notice += " Mint proceeds are withdrawn to the treasury by the admin."
        doc = natspec(spec.name, spec.description or default, notice)
        return assemble(license=spec.license, imports=imports, doc=doc, name=spec.name, bases=bases, body=body)

    def invariants(self, spec) -> list[str]:
        o, p = spec.options, spec.parameters
        inv = []
        if o.enumerable:
            inv.append("sum(balanceOf(a) for a in actors) == totalSupply()")
            inv.append("totalSupply() <= totalMinted()")
            if not o.burnable:
                inv.append("totalSupply() == totalMinted()")
        if p.max_supply:
            inv.append("totalMinted() <= MAX_SUPPLY()")
        if p.mint_price:
            inv.append("balance(this) >= mintProceeds()")
            inv.append("mintProceeds() <= totalMinted() * MINT_PRICE()")
        if not o.mintable and not p.mint_price:
            inv.append("totalMinted() == 0")
        return inv

    # -- scenarios -------------------------------------------------------------------------
    def scenarios(self, spec) -> list[Scenario]:
        o, p = spec.options, spec.parameters
        paid = p.mint_price > 0
        price = p.mint_price
        can_pay = paid and 3 * price <= SCENARIO_FUNDS
        name = p.token_name or spec.name
        out = [Scenario("metadata", "name, symbol and an empty collection at deployment", [
            ExpectView("name()", [], name), ExpectView("symbol()", [], p.symbol),
            ExpectView("totalMinted()", [], 0), ExpectView("balanceOf(address)", ["@alice"], 0)])]

        def mint_to(who: str, reverts: bool = False, actor: str = "deployer") -> Call | None:
            """A mint of the next token to `who`: by the minter if there is one, else paid by `who`."""
            if o.mintable:
                args = [f"@{who}", f"ipfs://token-{who}"] if o.uri_storage else [f"@{who}"]
                sig = "safeMint(address,string)" if o.uri_storage else "safeMint(address)"
                return Call(actor, sig, args, reverts=reverts)
            if can_pay:
                return Call(who, "mint()", [], value=price, reverts=reverts)
            return None

        if o.mintable:
            sig = "safeMint(address,string)" if o.uri_storage else "safeMint(address)"
            extra = ["ipfs://x"] if o.uri_storage else []
            steps = [mint_to("alice"),
                     ExpectView("ownerOf(uint256)", [0], "@alice"),
                     ExpectView("balanceOf(address)", ["@alice"], 1),
                     ExpectView("totalMinted()", [], 1),
                     Call("attacker", sig, ["@attacker", *extra], reverts=True),
                     Call("alice", sig, ["@alice", *extra], reverts=True),
                     ExpectView("totalMinted()", [], 1)]
            if o.enumerable:
                steps += [ExpectView("totalSupply()", [], 1),
                          ExpectView("tokenOfOwnerByIndex(address,uint256)", ["@alice", 0], 0)]
            if o.uri_storage:
                base = p.base_uri or ""
                steps += [ExpectView("tokenURI(uint256)", [0], base + "ipfs://token-alice"),
                          Call("attacker", "setTokenURI(uint256,string)", [0, "evil"], reverts=True),
                          Call("deployer", "setTokenURI(uint256,string)", [0, "new"]),
                          ExpectView("tokenURI(uint256)", [0], base + "new"),
                          Call("deployer", "setTokenURI(uint256,string)", [7, "none"], reverts=True)]
            elif p.base_uri:
                steps.append(ExpectView("tokenURI(uint256)", [0], p.base_uri + "0"))
            out.append(Scenario("only_minter_mints", "the admin mints to alice; nobody else can", steps))

        first = mint_to("alice")
        if first is not None:
            out.append(Scenario("transfer_moves_token", "the holder transfers; nobody else can", [
                first,
                Call("bob", "transferFrom(address,address,uint256)", ["@alice", "@bob", 0], reverts=True),
                Call("attacker", "transferFrom(address,address,uint256)", ["@alice", "@attacker", 0], reverts=True),
                Call("alice", "transferFrom(address,address,uint256)", ["@alice", "@bob", 0]),
                ExpectView("ownerOf(uint256)", [0], "@bob"),
                ExpectView("balanceOf(address)", ["@alice"], 0),
                ExpectView("balanceOf(address)", ["@bob"], 1)]))

            if o.burnable:
                steps = [first,
                         Call("bob", "burn(uint256)", [0], reverts=True),
                         Call("alice", "burn(uint256)", [0]),
                         ExpectView("balanceOf(address)", ["@alice"], 0),
                         Call("alice", "burn(uint256)", [0], reverts=True),
                         ExpectView("totalMinted()", [], 1)]
                if o.enumerable:
                    steps.append(ExpectView("totalSupply()", [], 0))
                out.append(Scenario("holder_burns", "a holder burns its own token; others cannot", steps))

            if o.pausable:
                steps = [first,
                         Call("attacker", "pause()", [], reverts=True),
                         Call("deployer", "pause()"),
                         Call("alice", "transferFrom(address,address,uint256)", ["@alice", "@bob", 0], reverts=True),
                         mint_to("bob", reverts=True),
                         Call("attacker", "unpause()", [], reverts=True),
                         Call("deployer", "unpause()"),
                         Call("alice", "transferFrom(address,address,uint256)", ["@alice", "@bob", 0]),
                         ExpectView("ownerOf(uint256)", [0], "@bob")]
                out.append(Scenario("pause_stops_transfers", "paused tokens neither move nor mint; unpause restores",
                                    steps))

            if p.max_supply and p.max_supply <= 3:
                steps = [mint_to("alice") for _ in range(p.max_supply)]
                steps += [mint_to("bob", reverts=True), ExpectView("totalMinted()", [], p.max_supply)]
                out.append(Scenario("supply_cap_enforced", "no mint beyond the maximum supply", steps))

        if can_pay:
            steps = [Call("alice", "mint()", [], value=price - 1, reverts=True),
                     Call("alice", "mint()", [], value=price + 1, reverts=True),
                     Call("alice", "mint()", [], value=0, reverts=True),
                     ExpectView("totalMinted()", [], 0),
                     Call("alice", "mint()", [], value=price),
                     ExpectView("ownerOf(uint256)", [0], "@alice"),
                     ExpectEth("alice", -price),
                     ExpectEth("target", price)]
            if p.max_supply != 1:
                steps += [Call("bob", "mint()", [], value=price),
                          ExpectView("ownerOf(uint256)", [1], "@bob"),
                          ExpectEth("target", 2 * price)]
            out.append(Scenario("paid_mint_exact_price", "anyone mints paying exactly the price", steps))
            out.append(Scenario("withdraw_moves_eth", "only the admin withdraws, to the treasury", [
                Call("deployer", "withdraw()", [], reverts=True),
                Call("alice", "mint()", [], value=price),
                Call("attacker", "withdraw()", [], reverts=True),
                Call("alice", "withdraw()", [], reverts=True),
                Call("deployer", "withdraw()"),
                ExpectEth("deployer", price),
                ExpectEth("alice", -price),
                ExpectEth("target", 0),
                Call("deployer", "withdraw()", [], reverts=True)]))
        if o.royalties:
            out.append(Scenario("royalty_info", "ERC-2981 is advertised", [
                ExpectView("supportsInterface(bytes4)", [bytes.fromhex("2a55205a")], True),
                ExpectView("supportsInterface(bytes4)", [bytes.fromhex("80ac58cd")], True)]))
        return out
