"""English auction for ETH bids on OpenZeppelin 5: pull refunds, optional anti-sniping, reserve, cancel.

The auctioned item is abstract: the contract records the winner (``winner()`` once the auction has
ended), which other contracts or off-chain processes can rely on. Outbid bidders are credited in
``pendingReturns`` and withdraw themselves; the seller (the admin, or whoever holds the seller role)
collects the winning bid once the auction has ended. Nothing is ever pushed to a bidder.
"""

from __future__ import annotations

from pydantic import model_validator

from synth.scenarios import Call, ExpectEth, ExpectView, Scenario, Warp
from synth.spec.types import Bps, Duration, EthAmount

from ._access import OZ, Access
from ._render import assemble, natspec
from .base import Kind, KindOptions, KindParameters

E18 = 10**18
ZERO = "0x0000000000000000000000000000000000000000"


class AuctionOptions(KindOptions):
    anti_sniping: bool = False  # a bid in the last `extension` seconds pushes the end back
    reserve: bool = False  # bids below `reserve_price` are rejected
    cancellable: bool = False  # the admin may cancel the auction while nobody has bid


class AuctionParameters(KindParameters):
    duration: Duration = 7 * 86400  # from deployment to the (initial) end
    reserve_price: EthAmount = E18 // 10  # lowest acceptable first bid, when options.reserve
    min_increment_bps: Bps = 500  # a new bid must beat the highest by this share (at least 1 wei)
    extension: Duration = 600  # anti-sniping window and extension, when options.anti_sniping

    @model_validator(mode="after")
    def _sane(self):
        if self.duration == 0:
            raise ValueError("duration must be above 0")
        if self.extension == 0:
            raise ValueError("extension must be above 0")
        if self.reserve_price > 10**30:
            raise ValueError("reserve_price must be at most 10**12 ether")
        return self


class Auction(Kind):
    NAME = "auction"
    HELP = ("English auction for ETH bids with pull refunds for outbid bidders; optional anti-sniping, "
            "reserve price and cancellation.")
    Options = AuctionOptions
    Parameters = AuctionParameters

    def _roles(self, spec) -> tuple[str, ...]:
        return ("SELLER",) + (("CANCELLER",) if spec.options.cancellable else ())

    def render(self, spec) -> str:
        o, p = spec.options, spec.parameters
        acc = Access(spec.access, self._roles(spec))
        imports = [f'import {{ReentrancyGuard}} from "{OZ}/utils/ReentrancyGuard.sol";'] + acc.imports()
        bases = [acc.base(), "ReentrancyGuard"]

        body = list(acc.declarations())
        body += [
            "/// @notice Time the auction lasts from deployment, in seconds.",
            f"uint256 public constant DURATION = {p.duration};",
            "/// @notice A new bid must beat the highest bid by this many basis points (and by at least 1 wei).",
            f"uint256 public constant MIN_INCREMENT_BPS = {p.min_increment_bps};",
        ]
        if o.reserve:
            body += ["/// @notice The lowest acceptable first bid, in wei.",
                     f"uint256 public constant RESERVE_PRICE = {p.reserve_price};"]
        if o.anti_sniping:
            body += ["/// @notice A bid less than this many seconds before the end moves the end to now + EXTENSION.",
                     f"uint256 public constant EXTENSION = {p.extension};"]
        body += [
            "",
            "/// @notice Who receives the winning bid: the admin given at deployment.",
            "address payable public immutable seller;",
            "/// @notice When bidding stops (unix time).",
            ("uint256 public endTime;" if o.anti_sniping else "uint256 public immutable endTime;"),
            "/// @notice The current highest bidder (the winner once the auction has ended).",
            "address public highestBidder;",
            "/// @notice The current highest bid, in wei.",
            "uint256 public highestBid;",
            "/// @notice ETH owed to outbid bidders, withdrawn with `withdraw`.",
            "mapping(address account => uint256) public pendingReturns;",
            "/// @notice Sum of all `pendingReturns`.",
            "uint256 public pendingReturnsTotal;",
            "/// @notice Whether the seller has collected the winning bid.",
            "bool public proceedsCollected;",
        ]
        if o.cancellable:
            body += ["/// @notice Whether the admin cancelled the auction (possible only before the first bid).",
                     "bool public cancelled;"]
        body += [
            "",
            "event BidPlaced(address indexed bidder, uint256 amount, uint256 endTime);",
            "event Withdrawn(address indexed account, uint256 amount);",
            "event ProceedsCollected(address indexed seller, address indexed winner, uint256 amount);",
        ]
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
        if o.cancellable:
            body += ["error AuctionIsCancelled();", "error BidsAlreadyPlaced();"]

        calls = [c for c in [acc.base_ctor_call()] if c]
        body += ["", f"constructor({acc.ctor_param()})"] + [f"    {c}" for c in calls] + ["{"]
        body += [f"    {ln}" for ln in acc.ctor_body()]
        body += [f"    if ({acc.admin_param} == address(0)) {{",
                 "        revert ZeroAddress();",
                 "    }",
                 f"    seller = payable({acc.admin_param});", "    endTime = block.timestamp + DURATION;", "}"]

        # views
        first = "RESERVE_PRICE > 0 ? RESERVE_PRICE : 1" if o.reserve else "1"
        body += [
            "",
            "/// @notice The lowest bid `bid` accepts now, in wei.",
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

        # bid
        body += [
            "",
            "/// @notice Bid `msg.value` wei. The bid you beat is credited to its bidder for `withdraw`.",
            "function bid() external payable nonReentrant {",
        ]
        if o.cancellable:
            body += ["    if (cancelled) {", "        revert AuctionIsCancelled();", "    }"]
        body += [
            "    if (block.timestamp >= endTime) {",
            "        revert AuctionClosed();",
            "    }",
            "    uint256 minimum = minimumBid();",
            "    if (msg.value < minimum) {",
            "        revert BidTooLow(minimum);",
            "    }",
            "    address previous = highestBidder;",
            "    if (previous != address(0)) {",
            "        pendingReturns[previous] += highestBid;",
            "        pendingReturnsTotal += highestBid;",
            "    }",
            "    highestBidder = msg.sender;",
            "    highestBid = msg.value;",
        ]
        if o.anti_sniping:
            body += [
                "    if (endTime - block.timestamp < EXTENSION) {",
                "        endTime = block.timestamp + EXTENSION;",
                "    }",
            ]
        body += ["    emit BidPlaced(msg.sender, msg.value, endTime);", "}"]

        # withdraw (pull refunds)
        body += [
            "",
            "/// @notice Withdraw the ETH of your bids that were outbid.",
            "/// @custom:ouro-slot withdraw",
            "function withdraw() external nonReentrant {",
            "    uint256 amount = pendingReturns[msg.sender];",
            "    if (amount == 0) {",
            "        revert NothingToWithdraw();",
            "    }",
            "    pendingReturns[msg.sender] = 0;",
            "    pendingReturnsTotal -= amount;",
            "    emit Withdrawn(msg.sender, amount);",
            '    (bool ok, ) = payable(msg.sender).call{value: amount}("");',
            "    if (!ok) {",
            "        revert TransferFailed();",
            "    }",
            "}",
        ]

        # seller collects
        body += [
            "",
            "/// @notice Pay the winning bid to the seller once the auction has ended.",
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
            '    (bool ok, ) = seller.call{value: amount}("");',
            "    if (!ok) {",
            "        revert TransferFailed();",
            "    }",
            "}",
        ]

        if o.cancellable:
            body += [
                "",
                "/// @notice Cancel the auction; possible only while nobody has bid.",
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
        default = "English auction for ETH bids" + (f" with {', '.join(features)}." if features else ".")
        doc = natspec(spec.name, spec.description or default,
                      "Pull payments only: outbid bidders withdraw; the seller collects the winning bid "
                      "after the end.")
        return assemble(license=spec.license, imports=imports, doc=doc, name=spec.name, bases=bases, body=body)

    def invariants(self, spec) -> list[str]:
        return [
            "pendingReturnsTotal() == sum(pendingReturns(a) for a in actors)",
            "balance(this) >= pendingReturnsTotal()",
        ]

    # -- scenarios -------------------------------------------------------------------------
    def _bids(self, spec) -> tuple[int, int]:
        o, p = spec.options, spec.parameters
        first = max(p.reserve_price, E18) if o.reserve else E18
        second = first + max(first * p.min_increment_bps // 10_000, 1)
        return first, second

    def scenarios(self, spec) -> list[Scenario]:
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
