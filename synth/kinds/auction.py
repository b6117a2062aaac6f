"""English auction for ETH (or ERC-20) bids on OpenZeppelin 5: pull refunds, optional anti-sniping, reserve, cancel.

By default the auctioned item is abstract: the contract records the winner (``winner()`` once the
auction has ended), which other contracts or off-chain processes can rely on. With
``erc721_lot`` it auctions the NFT ``token_id`` of the collection ``nft``: the seller deposits it
with ``depositLot()`` (bidding opens then), and after the end ``claimLot()`` hands it to the
winner, or back to the seller when nobody bid or the auction was cancelled. With ``erc20_bids``
bids are amounts of the ERC-20 ``bid_token`` pulled with ``SafeERC20`` (``bid(amount)``), and
refunds and proceeds are paid in it; fee-on-transfer tokens are rejected (``UnsupportedToken``). Outbid bidders are credited in
``pendingReturns`` and withdraw themselves; the seller (the admin, or whoever holds the seller role)
collects the winning bid once the auction has ended. Nothing is ever pushed to a bidder.
"""

from __future__ import annotations

from pydantic import model_validator

from synth.scenarios import Call, ExpectEth, ExpectToken, ExpectView, Scenario, Warp, access_scenarios
from synth.spec.types import Address, Bps, Duration, EthAmount

from ._access import OZ, Access
from ._render import assemble, natspec
from .base import Kind, KindOptions, KindParameters, TokenRef
from ._tokens import token_grid

E18 = 10**18
ZERO = "0x0000000000000000000000000000000000000000"
MOCK_SELLER_IDS = 3  # verification's mock ERC-721 gives the deployer ids 1..3


class AuctionOptions(KindOptions):
    anti_sniping: bool = False  # a bid in the last `extension` seconds pushes the end back
    reserve: bool = False  # bids below `reserve_price` are rejected
    cancellable: bool = False  # the admin may cancel the auction while nobody has bid
    erc721_lot: bool = False  # the lot is NFT `token_id` of `nft`, escrowed here and handed to the winner
    erc20_bids: bool = False  # bids, refunds and proceeds in the ERC-20 `bid_token` instead of ETH


class AuctionParameters(KindParameters):
    duration: Duration = 7 * 86400  # from deployment to the (initial) end
    reserve_price: EthAmount = E18 // 10  # lowest acceptable first bid, when options.reserve
    min_increment_bps: Bps = 500  # a new bid must beat the highest by this share (at least 1 wei)
    extension: Duration = 600  # anti-sniping window and extension, when options.anti_sniping
    nft: Address | None = None  # the ERC-721 collection of the lot, when options.erc721_lot
    token_id: int = 1  # the lot's id in `nft`
    bid_token: Address | None = None  # the ERC-20 bids are made in, when options.erc20_bids

    @model_validator(mode="after")
    def _sane(self):
        if self.duration == 0:
            raise ValueError("duration must be above 0")
        if self.extension == 0:
            raise ValueError("extension must be above 0")
        if self.reserve_price > 10**30:
            raise ValueError("reserve_price must be at most 10**12 ether")
        if not 0 <= self.token_id < 2**256:
            raise ValueError("token_id must be a uint256")
        return self


class Auction(Kind):
    NAME = "auction"
    HELP = ("English auction for ETH or ERC-20 bids with pull refunds for outbid bidders, of an abstract item or "
            "an escrowed ERC-721; optional anti-sniping, reserve price and cancellation.")
    Options = AuctionOptions
    Parameters = AuctionParameters

    def _roles(self, spec) -> tuple[str, ...]:
        return ("SELLER",) + (("CANCELLER",) if spec.options.cancellable else ())

    def render(self, spec) -> str:
        o, p = spec.options, spec.parameters
        lot, tok = o.erc721_lot, o.erc20_bids
        unit = "token units" if tok else "wei"
        acc = Access(spec.access, self._roles(spec))
        imports = [f'import {{ReentrancyGuard}} from "{OZ}/utils/ReentrancyGuard.sol";'] + acc.imports()
        if lot:
            imports.append(f'import {{IERC721}} from "{OZ}/token/ERC721/IERC721.sol";')
        if tok:
            imports += [f'import {{IERC20}} from "{OZ}/token/ERC20/IERC20.sol";',
                        f'import {{SafeERC20}} from "{OZ}/token/ERC20/utils/SafeERC20.sol";']
        bases = [acc.base(), "ReentrancyGuard"]

        body = ["using SafeERC20 for IERC20;", ""] if tok else []
        body += list(acc.declarations())
        body += [
            "/// @notice Time the auction lasts from deployment, in seconds.",
            f"uint256 public constant DURATION = {p.duration};",
            f"/// @notice A new bid must beat the highest bid by this many basis points (and by at least 1 {unit[:-1] if tok else 'wei'}).",
            f"uint256 public constant MIN_INCREMENT_BPS = {p.min_increment_bps};",
        ]
        if o.reserve:
            body += [f"/// @notice The lowest acceptable first bid, in {unit}.",
                     f"uint256 public constant RESERVE_PRICE = {p.reserve_price};"]
        if o.anti_sniping:
            body += ["/// @notice A bid less than this many seconds before the end moves the end to now + EXTENSION.",
                     f"uint256 public constant EXTENSION = {p.extension};"]
        if lot:
            body += ["/// @notice The id of the auctioned NFT in `nft`.", f"uint256 public constant TOKEN_ID = {p.token_id};"]
        body += [""]
        if lot:
            body += ["/// @notice The collection of the auctioned NFT.", "IERC721 public immutable nft;"]
        if tok:
            body += ["/// @notice The ERC-20 bids are made, refunded and paid out in.", "IERC20 public immutable bidToken;"]
        body += [
            "/// @notice Who receives the winning bid: the admin given at deployment.",
            "address payable public immutable seller;",
            "/// @notice When bidding stops (unix time).",
            ("uint256 public endTime;" if o.anti_sniping else "uint256 public immutable endTime;"),
            "/// @notice The current highest bidder (the winner once the auction has ended).",
            "address public highestBidder;",
            f"/// @notice The current highest bid, in {unit}.",
            "uint256 public highestBid;",
            f"/// @notice {'Tokens' if tok else 'ETH'} owed to outbid bidders, withdrawn with `withdraw`.",
            "mapping(address account => uint256) public pendingReturns;",
            "/// @notice Sum of all `pendingReturns`.",
            "uint256 public pendingReturnsTotal;",
            "/// @notice Whether the seller has collected the winning bid.",
            "bool public proceedsCollected;",
        ]
        if lot:
            body += ["/// @notice Whether the seller has deposited the NFT (bidding is open only then).",
                     "bool public lotDeposited;",
                     "/// @notice Whether the NFT has left the contract to the winner (or back to the seller).",
                     "bool public lotSettled;"]
        if o.cancellable:
            body += ["/// @notice Whether the admin cancelled the auction (possible only before the first bid).",
                     "bool public cancelled;"]
        body += [
            "",
            "event BidPlaced(address indexed bidder, uint256 amount, uint256 endTime);",
            "event Withdrawn(address indexed account, uint256 amount);",
            "event ProceedsCollected(address indexed seller, address indexed winner, uint256 amount);",
        ]
        if lot:
            body += ["event LotDeposited(address indexed seller, uint256 tokenId);",
                     "event LotSettled(address indexed to, uint256 tokenId);"]
        if o.cancellable:
            body.append("event AuctionCancelled();")
        body += [
            "",
            "error AuctionClosed();",
            "error AuctionNotEnded();",
            "error BidTooLow(uint256 minimum);",
            "error NothingToWithdraw();",
            "error NothingToCollect();",
            "error TransferFailed();",
            "error ZeroAddress();",
        ]
        if lot:
            body += ["error LotNotDeposited();", "error LotAlreadyDeposited();", "error LotAlreadySettled();",
                     "error NotSeller(address caller);"]
        if tok:
            body.append("error UnsupportedToken();")
        if o.cancellable:
            body += ["error AuctionIsCancelled();", "error BidsAlreadyPlaced();"]

        calls = [c for c in [acc.base_ctor_call()] if c]
        params = [acc.ctor_param()] + (["IERC721 nft_"] if lot else []) + (["IERC20 bidToken_"] if tok else [])
        zero = [f"{acc.admin_param} == address(0)"] + (["address(nft_) == address(0)"] if lot else []) \
            + (["address(bidToken_) == address(0)"] if tok else [])
        body += ["", f"constructor({', '.join(params)})"] + [f"    {c}" for c in calls] + ["{"]
        body += [f"    {ln}" for ln in acc.ctor_body()]
        body += [f"    if ({' || '.join(zero)}) {{",
                 "        revert ZeroAddress();",
                 "    }",
                 f"    seller = payable({acc.admin_param});", "    endTime = block.timestamp + DURATION;"]
        body += (["    nft = nft_;"] if lot else []) + (["    bidToken = bidToken_;"] if tok else []) + ["}"]

        # views
        first = "RESERVE_PRICE > 0 ? RESERVE_PRICE : 1" if o.reserve else "1"
        body += [
            "",
            f"/// @notice The lowest bid `bid` accepts now, in {unit}.",
            "function minimumBid() public view returns (uint256) {",
            "    if (highestBidder == address(0)) {",
            f"        return {first};",
            "    }",
            "    uint256 step = (highestBid * MIN_INCREMENT_BPS) / 10_000;",
            "    return highestBid + (step > 0 ? step : 1);",
            "}",
            "",
            "/// @notice Whether bidding has stopped (time is up" + (", or the auction was cancelled)."
                                                                   if o.cancellable else ")."),
            "function ended() public view returns (bool) {",
            ("    return cancelled || block.timestamp >= endTime;" if o.cancellable
             else "    return block.timestamp >= endTime;"),
            "}",
            "",
            "/// @notice The winning bidder once the auction has ended, otherwise the zero address.",
            "function winner() external view returns (address) {",
            ("    if (cancelled || block.timestamp < endTime) {" if o.cancellable
             else "    if (block.timestamp < endTime) {"),
            "        return address(0);",
            "    }",
            "    return highestBidder;",
            "}",
        ]
        if tok:
            body += ["", "/// @notice The contract's balance of the bid token.",
                     "function bidTokenBalance() external view returns (uint256) {",
                     "    return bidToken.balanceOf(address(this));", "}"]
        if lot:
            body += ["", "/// @notice Whether this contract holds the NFT now.",
                     "function lotHeld() external view returns (bool) {",
                     "    return nft.ownerOf(TOKEN_ID) == address(this);", "}",
                     "",
                     "/// @notice The seller escrows the NFT here (approve this contract first); bidding opens.",
                     "function depositLot() external nonReentrant {",
                     "    if (msg.sender != seller) {", "        revert NotSeller(msg.sender);", "    }",
                     "    if (lotDeposited) {", "        revert LotAlreadyDeposited();", "    }",
                     "    if (ended()) {", "        revert AuctionClosed();", "    }",
                     "    lotDeposited = true;",
                     "    emit LotDeposited(msg.sender, TOKEN_ID);",
                     "    nft.transferFrom(msg.sender, address(this), TOKEN_ID);",
                     "}"]

        # bid
        if tok:
            body += [
                "",
                "/// @notice Bid `amount` of the bid token, pulled from you (approve this contract first). The bid you",
                "///         beat is credited to its bidder for `withdraw`.",
                "/// @dev Fee-on-transfer tokens are rejected: unless `amount` arrives in full the bid reverts with",
                "///      UnsupportedToken(), so every booked bid is backed by tokens the contract holds.",
                "function bid(uint256 amount) external nonReentrant {",
            ]
            paid = "amount"
        else:
            body += [
                "",
                "/// @notice Bid `msg.value` wei. The bid you beat is credited to its bidder for `withdraw`.",
                "function bid() external payable nonReentrant {",
            ]
            paid = "msg.value"
        if lot:
            body += ["    if (!lotDeposited) {", "        revert LotNotDeposited();", "    }"]
        if o.cancellable:
            body += ["    if (cancelled) {", "        revert AuctionIsCancelled();", "    }"]
        body += [
            "    if (block.timestamp >= endTime) {",
            "        revert AuctionClosed();",
            "    }",
            "    uint256 minimum = minimumBid();",
            f"    if ({paid} < minimum) {{",
            "        revert BidTooLow(minimum);",
            "    }",
            "    address previous = highestBidder;",
            "    if (previous != address(0)) {",
            "        pendingReturns[previous] += highestBid;",
            "        pendingReturnsTotal += highestBid;",
            "    }",
            "    highestBidder = msg.sender;",
            f"    highestBid = {paid};",
        ]
        if o.anti_sniping:
            body += [
                "    if (endTime - block.timestamp < EXTENSION) {",
                "        endTime = block.timestamp + EXTENSION;",
                "    }",
            ]
        body.append(f"    emit BidPlaced(msg.sender, {paid}, endTime);")
        if tok:
            body += ["    uint256 before = bidToken.balanceOf(address(this));",
                     "    bidToken.safeTransferFrom(msg.sender, address(this), amount);",
                     "    if (bidToken.balanceOf(address(this)) - before != amount) {",
                     "        revert UnsupportedToken();",
                     "    }"]
        body.append("}")

        def pay(to: str) -> list[str]:
            if tok:
                return [f"    bidToken.safeTransfer({to}, amount);"]
            return [f'    (bool ok, ) = {to}.call{{value: amount}}("");',
                    "    if (!ok) {",
                    "        revert TransferFailed();",
                    "    }"]

        # withdraw (pull refunds)
        body += [
            "",
            f"/// @notice Withdraw the {'tokens' if tok else 'ETH'} of your bids that were outbid.",
            "/// @custom:ouro-slot withdraw",
            "function withdraw() external nonReentrant {",
            "    uint256 amount = pendingReturns[msg.sender];",
            "    if (amount == 0) {",
            "        revert NothingToWithdraw();",
            "    }",
            "    pendingReturns[msg.sender] = 0;",
            "    pendingReturnsTotal -= amount;",
            "    emit Withdrawn(msg.sender, amount);",
            *pay("payable(msg.sender)" if not tok else "msg.sender"),
            "}",
        ]

        # seller collects
        body += [
            "",
            "/// @notice Pay the winning bid to the seller once the auction has ended.",
            "/// @custom:ouro-slot collectProceeds",
            f"function collectProceeds() external {acc.guard('SELLER')} nonReentrant {{",
            "    if (block.timestamp < endTime) {",
            "        revert AuctionNotEnded();",
            "    }",
            "    if (proceedsCollected || highestBidder == address(0)) {",
            "        revert NothingToCollect();",
            "    }",
            "    proceedsCollected = true;",
            "    uint256 amount = highestBid;",
            "    emit ProceedsCollected(seller, highestBidder, amount);",
            *pay("seller"),
            "}",
        ]

        if lot:
            body += [
                "",
                "/// @notice Once the auction has ended, send the NFT to the winner, or back to the seller when",
                "///         nobody bid" + (" or the auction was cancelled" if o.cancellable else "")
                + "; anyone may call it, once.",
                "/// @custom:ouro-slot claimLot",
                "function claimLot() external nonReentrant {",
                "    if (!ended()) {",
                "        revert AuctionNotEnded();",
                "    }",
                "    if (!lotDeposited) {",
                "        revert LotNotDeposited();",
                "    }",
                "    if (lotSettled) {",
                "        revert LotAlreadySettled();",
                "    }",
                "    lotSettled = true;",
                "    address to = highestBidder != address(0) ? highestBidder : seller;",
                "    emit LotSettled(to, TOKEN_ID);",
                "    nft.safeTransferFrom(address(this), to, TOKEN_ID);",
                "}",
            ]

        if o.cancellable:
            body += [
                "",
                "/// @notice Cancel the auction; possible only while nobody has bid.",
                "/// @custom:ouro-slot cancel",
                f"function cancel() external {acc.guard('CANCELLER')} {{",
                "    if (cancelled || block.timestamp >= endTime) {",
                "        revert AuctionClosed();",
                "    }",
                "    if (highestBidder != address(0)) {",
                "        revert BidsAlreadyPlaced();",
                "    }",
                "    cancelled = true;",
                "    emit AuctionCancelled();",
                "}",
            ]

        features = []
        if o.reserve:
            features.append("a reserve price")
        if o.anti_sniping:
            features.append("anti-sniping extensions")
        if o.cancellable:
            features.append("cancellation before the first bid")
        default = ("English auction" + (" of an ERC-721 NFT" if lot else "")
                   + (" for ERC-20 bids" if tok else " for ETH bids")
                   + (f" with {', '.join(features)}." if features else "."))
        dev = ("Pull payments only: outbid bidders withdraw; the seller collects the winning bid "
               "after the end.")
        if lot:
            dev += (" The NFT is escrowed by depositLot() and leaves only through claimLot() (to the winner, or"
                    " back to the seller without a winner), with IERC721.safeTransferFrom: a winner that is a"
                    " contract must implement IERC721Receiver. The bidding window still runs from deployment.")
        if tok:
            dev += (" Bids are ERC-20 amounts moved with SafeERC20; fee-on-transfer tokens are rejected"
                    " (UnsupportedToken) because a bid must arrive in full.")
        doc = natspec(spec.name, spec.description or default, dev)
        return assemble(license=spec.license, imports=imports, doc=doc, name=spec.name, bases=bases, body=body)

    def constructor_args(self, spec) -> list:
        o = spec.options
        return ["@deployer"] + (["@ref:nft"] if o.erc721_lot else []) + (["@ref:bid_token"] if o.erc20_bids else [])

    def token_refs(self, spec) -> list[TokenRef]:
        o, p = spec.options, spec.parameters
        out = []
        if o.erc721_lot:
            out.append(TokenRef(key="nft", standard="erc721", option="erc721_lot", address=p.nft))
        if o.erc20_bids:
            out.append(TokenRef(key="bid_token", standard="erc20", option="erc20_bids", address=p.bid_token))
        return out

    def grid(self) -> list[dict]:
        return token_grid(super().grid(), {"erc721_lot": "nft", "erc20_bids": "bid_token"})

    def invariants(self, spec) -> list[str]:
        o = spec.options
        inv = ["pendingReturnsTotal() == sum(pendingReturns(a) for a in actors)"]
        if o.erc20_bids:
            inv += ["bidTokenBalance() >= pendingReturnsTotal()",
                    "proceedsCollected() or bidTokenBalance() >= pendingReturnsTotal() + highestBid()"]
        else:
            inv.append("balance(this) >= pendingReturnsTotal()")
        if o.erc721_lot:
            inv += ["lotHeld() == (lotDeposited() and not lotSettled())",
                    "lotDeposited() or highestBid() == 0",
                    "not lotSettled() or ended()"]
        return inv

    # -- scenarios -------------------------------------------------------------------------
    def _bids(self, spec) -> tuple[int, int]:
        o, p = spec.options, spec.parameters
        first = max(p.reserve_price, E18) if o.reserve else E18
        second = first + max(first * p.min_increment_bps // 10_000, 1)
        return first, second

    # privileged slots: slot name -> signature; each gets an access_<slot> scenario
    def scenarios(self, spec) -> list[Scenario]:
        out = self._scenarios(spec)
        return out + access_scenarios(out, {"collectProceeds": "collectProceeds()", "cancel": "cancel()"})

    def _scenarios(self, spec) -> list[Scenario]:
        o = spec.options
        out = self._bid_scenarios(spec)
        if o.erc721_lot and not 1 <= spec.parameters.token_id <= MOCK_SELLER_IDS:
            # verification's mock collection gives the deployer (the seller) ids 1-3 only: another id
            # cannot be escrowed there, so only what needs no lot is checked
            out = [Scenario("bids_wait_for_the_lot", "nobody bids before the seller escrows the NFT", [
                Call("alice", "bid(uint256)" if o.erc20_bids else "bid()", [E18] if o.erc20_bids else [],
                     value=0 if o.erc20_bids else E18, reverts=True),
                Call("attacker", "depositLot()", reverts=True)])]
            return out
        if o.erc721_lot:  # the seller escrows the NFT first: bidding opens then
            out = [Scenario(sc.name, sc.description, [Call("deployer", "depositLot()"), *sc.steps]) for sc in out]
            out += self._lot_scenarios(spec)
        if o.erc20_bids:
            out = [Scenario(sc.name, sc.description, _in_bid_token(sc.steps)) for sc in out]
            out += self._token_scenarios(spec)
        return out

    def _lot_scenarios(self, spec) -> list[Scenario]:
        o, p = spec.options, spec.parameters
        first, second = self._bids(spec)
        past_end = p.duration + (p.extension if o.anti_sniping else 0) + 3600
        out = [Scenario("bids_wait_for_the_lot", "nobody bids before the seller escrows the NFT", [
            Call("alice", "bid()", [], value=first, reverts=True),
            Call("attacker", "depositLot()", reverts=True),
            Call("deployer", "depositLot()"),
            ExpectView("lotHeld()", [], True),
            ExpectView("balanceOf(address)", ["@target"], 1, on="nft"),
            Call("deployer", "depositLot()", reverts=True),
            Call("deployer", "claimLot()", reverts=True)]),
            Scenario("lot_returns_to_seller_without_bids", "with no bid the seller gets the NFT back", [
                Call("deployer", "depositLot()"),
                ExpectView("balanceOf(address)", ["@deployer"], 2, on="nft"),
                Warp(past_end),
                Call("alice", "claimLot()"),
                ExpectView("balanceOf(address)", ["@deployer"], 3, on="nft"),
                ExpectView("lotHeld()", [], False),
                ExpectView("lotSettled()", [], True),
                Call("deployer", "claimLot()", reverts=True)])]
        if first + second <= 5_000 * E18:
            out.append(Scenario("winner_receives_lot", "after the end the NFT goes to the highest bidder", [
                Call("deployer", "depositLot()"),
                Call("alice", "bid()", [], value=first),
                Call("bob", "bid()", [], value=second),
                Call("bob", "claimLot()", reverts=True),
                Warp(past_end),
                Call("attacker", "claimLot()"),  # anyone may settle: the NFT still goes to the winner
                ExpectView("balanceOf(address)", ["@bob"], 4, on="nft"),
                ExpectView("balanceOf(address)", ["@target"], 0, on="nft"),
                ExpectView("balanceOf(address)", ["@attacker"], 3, on="nft"),
                Call("deployer", "claimLot()", reverts=True),
                Call("deployer", "collectProceeds()"),
                ExpectEth("deployer", second)]))
        if o.cancellable:
            out.append(Scenario("cancelled_lot_returns_to_seller", "a cancelled auction hands the NFT back", [
                Call("deployer", "depositLot()"),
                Call("deployer", "cancel()"),
                Call("alice", "claimLot()"),
                ExpectView("balanceOf(address)", ["@deployer"], 3, on="nft")]))
        return out

    def _token_scenarios(self, spec) -> list[Scenario]:
        o = spec.options
        first, second = self._bids(spec)
        pre = [Call("deployer", "depositLot()")] if o.erc721_lot else []
        return [Scenario("bid_pulls_exactly_the_amount", "a bid needs the bidder's approval and pulls the amount", [
            *pre,
            Call("alice", "approve(address,uint256)", ["@target", first - 1], on="bid_token"),
            Call("alice", "bid(uint256)", [first], reverts=True),
            ExpectView("highestBid()", [], 0),
            Call("alice", "approve(address,uint256)", ["@target", first], on="bid_token"),
            Call("alice", "bid(uint256)", [first]),
            ExpectToken("alice", "bid_token", -first),
            ExpectToken("target", "bid_token", first),
            ExpectView("bidTokenBalance()", [], first)])]

    def _bid_scenarios(self, spec) -> list[Scenario]:
        o, p = spec.options, spec.parameters
        first, second = self._bids(spec)
        past_end = p.duration + (p.extension if o.anti_sniping else 0) + 3600
        out = []
        if first + second <= 5_000 * E18:
            out.append(Scenario("outbid_bidder_withdraws", "bob outbids alice; alice pulls her refund", [
                Call("alice", "bid()", [], value=first),
                ExpectView("highestBidder()", [], "@alice"),
                Call("bob", "bid()", [], value=second - 1, reverts=True),
                Call("bob", "bid()", [], value=second),
                ExpectView("highestBidder()", [], "@bob"),
                ExpectView("pendingReturns(address)", ["@alice"], first),
                Call("attacker", "withdraw()", [], reverts=True),
                Call("alice", "withdraw()"),
                ExpectEth("alice", 0),
                ExpectView("pendingReturns(address)", ["@alice"], 0),
                Call("alice", "withdraw()", [], reverts=True)]))
            out.append(Scenario("seller_collects_after_end", "no bids after the end; the seller collects", [
                Call("alice", "bid()", [], value=first),
                Call("bob", "bid()", [], value=second),
                Call("deployer", "collectProceeds()", [], reverts=True),
                Warp(past_end),
                Call("alice", "bid()", [], value=second * 2, reverts=True),
                ExpectView("winner()", [], "@bob"),
                Call("attacker", "collectProceeds()", [], reverts=True),
                Call("deployer", "collectProceeds()"),
                ExpectEth("deployer", second),
                ExpectEth("bob", -second),
                Call("deployer", "collectProceeds()", [], reverts=True),
                Call("alice", "withdraw()"),
                ExpectEth("alice", 0)]))
        if o.reserve and p.reserve_price > 1:
            out.append(Scenario("reserve_enforced", "a first bid below the reserve price is rejected", [
                Call("alice", "bid()", [], value=p.reserve_price - 1, reverts=True),
                ExpectView("highestBidder()", [], ZERO)]))
        if o.anti_sniping and p.duration >= p.extension >= 120 and first + second <= 5_000 * E18:
            late = p.duration - p.extension // 2
            steps = [Warp(late), Call("alice", "bid()", [], value=first),
                      Warp(p.extension // 2 + 1),
                      ExpectView("ended()", [], False),
                      Call("bob", "bid()", [], value=second),
                      ExpectView("highestBidder()", [], "@bob")]
            out.append(Scenario("late_bid_extends_end", "a bid in the last minutes keeps the auction open", steps))
        if o.cancellable:
            out.append(Scenario("admin_cancels_before_bids", "only the admin cancels, and only before a bid", [
                Call("attacker", "cancel()", [], reverts=True),
                Call("deployer", "cancel()"),
                ExpectView("cancelled()", [], True),
                Call("alice", "bid()", [], value=first, reverts=True)]))
            if first <= 5_000 * E18:
                out.append(Scenario("no_cancel_after_bid", "a placed bid cannot be cancelled away", [
                    Call("alice", "bid()", [], value=first),
                    Call("deployer", "cancel()", [], reverts=True)]))
        return out


def _in_bid_token(steps: list) -> list:
    """An ETH-bid scenario with ERC-20 bids: ``bid()`` with a value becomes ``bid(amount)``, ETH
    balance changes become changes of the bid token."""
    out = []
    for a in steps:
        if isinstance(a, Call) and a.on is None and a.fn == "bid()":
            a = Call(a.actor, "bid(uint256)", [a.value], 0, a.reverts)
        elif isinstance(a, ExpectEth):
            a = ExpectToken(a.actor, "bid_token", a.delta)
        out.append(a)
    return out
