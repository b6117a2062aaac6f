"""Escrow for one deal between a buyer, a seller and an arbiter, in ETH or an ERC-20, on OpenZeppelin 5.

The buyer deposits exactly the price (ETH, or with ``options.erc20`` the ERC-20 at
``parameters.token``, pulled with ``SafeERC20`` after the buyer's approval); confirming credits the seller (pull payment); either
party may raise a dispute the arbiter settles with any split; after a deadline an unconfirmed
deposit goes back to the buyer; the seller may always cancel and refund. Every payout is a
credit withdrawn with ``withdraw()`` (checks-effects-interactions, ``nonReentrant``, checked
transfer), so nobody can block anybody else's money by refusing ETH. A fee-on-transfer token is
rejected: a deposit that does not arrive in full reverts with ``EscrowUnsupportedToken()``.

Access: the arbiter is the ``Ownable2Step`` owner (it can hand the role over in two steps, never
to the buyer or seller, and never renounce it, so a dispute can always be settled). That is the
only access mode this kind offers: buyer and seller are fixed roles of the deal.
"""

from __future__ import annotations

from pydantic import model_validator

from synth.scenarios import Call, ExpectEth, ExpectToken, ExpectView, Scenario, Warp, access_scenarios
from synth.spec.types import Address, Bps, Duration, EthAmount

from ._access import OZ
from ._render import assemble, natspec
from ._tokens import token_grid
from .base import Kind, KindOptions, KindParameters, TokenRef

BPS = 10_000
MAX_PRICE = 10**30  # wei; keeps every split product far from overflow


class EscrowOptions(KindOptions):
    disputes: bool = True  # buyer or seller may freeze the deal; the arbiter settles it
    deadline_refund: bool = True  # after `deadline` the buyer may reclaim an unconfirmed deposit
    arbiter_fee: bool = False  # the arbiter earns `fee_bps` of the price when the deal settles for the seller
    erc20: bool = False  # the price is paid in the ERC-20 at `parameters.token` instead of ETH


class EscrowParameters(KindParameters):
    price: EthAmount = 10**18  # exactly what the buyer deposits (wei, or token units when options.erc20)
    deadline: Duration = 30 * 86400  # seconds after the deposit before the buyer may reclaim it
    fee_bps: Bps = 100  # the arbiter's fee, used when options.arbiter_fee
    token: Address | None = None  # the ERC-20 the price is paid in, when options.erc20

    @model_validator(mode="after")
    def _sane(self):
        if self.price == 0 or self.price > MAX_PRICE:
            raise ValueError(f"price must be above 0 and at most {MAX_PRICE} wei")
        if self.deadline == 0:
            raise ValueError("deadline must be above 0 seconds")
        if self.fee_bps >= BPS:
            raise ValueError("fee_bps must be below 100%: the seller must receive something")
        return self


def _fee(spec) -> int:
    return spec.parameters.price * spec.parameters.fee_bps // BPS if spec.options.arbiter_fee else 0


class Escrow(Kind):
    NAME = "escrow"
    HELP = ("Escrow for one deal in ETH or an ERC-20: the buyer deposits the price, confirms to pay the seller "
            "(pull payment); optional disputes settled by the arbiter, deadline refund and arbiter fee.")
    Options = EscrowOptions
    Parameters = EscrowParameters
    ACCESS = ("ownable",)  # the arbiter is the (two-step) owner; buyer and seller are fixed

    def render(self, spec) -> str:
        o, p = spec.options, spec.parameters
        fee = _fee(spec)
        imports = [f'import {{Ownable}} from "{OZ}/access/Ownable.sol";',
                   f'import {{Ownable2Step}} from "{OZ}/access/Ownable2Step.sol";',
                   f'import {{ReentrancyGuard}} from "{OZ}/utils/ReentrancyGuard.sol";',
                   f'import {{Address}} from "{OZ}/utils/Address.sol";']
        unit = "token units" if o.erc20 else "wei"
        b: list[str] = []
        if o.erc20:
            imports += [f'import {{IERC20}} from "{OZ}/token/ERC20/IERC20.sol";',
                        f'import {{SafeERC20}} from "{OZ}/token/ERC20/utils/SafeERC20.sol";']
            b += ["using SafeERC20 for IERC20;", ""]
        b += [
            "/// @notice Where the deal stands.",
            "enum State {",
            "    AwaitingPayment,",
            "    Funded,",
        ]
        if o.disputes:
            b.append("    Disputed,")
        b += ["    Closed", "}", "",
              f"/// @notice The exact amount the buyer deposits, in {unit}.",
              f"uint256 public constant PRICE = {p.price};"]
        if o.deadline_refund:
            b += ["/// @notice Seconds after the deposit before the buyer may reclaim an unconfirmed deposit.",
                  f"uint256 public constant REFUND_DELAY = {p.deadline};"]
        if o.arbiter_fee:
            b += [f"/// @notice The arbiter's fee in wei ({p.fee_bps} basis points of the price), paid when the "
                  "seller is paid.",
                  f"uint256 public constant FEE = {fee};"]
        if o.erc20:
            b += ["", "/// @notice The ERC-20 the price is paid in.", "IERC20 public immutable token;"]
        b += ["", "/// @notice The party that pays.", "address public immutable buyer;",
              "/// @notice The party that delivers and gets paid.", "address public immutable seller;", "",
              "/// @notice Where the deal stands.", "State public state;",
              "/// @notice When the buyer deposited (0 before).", "uint256 public fundedAt;",
              "/// @notice What the buyer deposited: 0 or PRICE.", "uint256 public deposited;",
              "/// @notice Credits not yet withdrawn, summed over every account.", "uint256 public totalClaimable;",
              "/// @notice Everything withdrawn so far.", "uint256 public totalPaid;",
              "/// @notice What each account may withdraw.", "mapping(address account => uint256) public claimable;",
              "",
              "event Deposited(address indexed buyer, uint256 amount);",
              "event Confirmed(address indexed buyer);",
              "event Cancelled(address indexed seller);",
              "event Credited(address indexed account, uint256 amount);",
              "event Withdrawn(address indexed account, uint256 amount);"]
        if o.disputes:
            b += ["event Disputed(address indexed by);",
                  "event Resolved(address indexed arbiter, uint256 buyerShareBps);"]
        if o.deadline_refund:
            b.append("event Refunded(address indexed buyer);")
        b += ["",
              "error EscrowZeroAddress();",
              "error EscrowRolesNotDistinct();",
              "error EscrowUnauthorized(address caller);",
              "error EscrowWrongState(State state);",
              "error EscrowWrongAmount(uint256 sent, uint256 price);",
              "error EscrowNothingToWithdraw();",
              "error EscrowArbiterRequired();"]
        if o.erc20:
            b.append("error EscrowUnsupportedToken();")
        if o.disputes:
            b.append("error EscrowBadShare(uint256 buyerShareBps);")
        if o.deadline_refund:
            b.append("error EscrowTooEarly(uint256 refundableAt);")
        b += ["",
              "/// @param buyer_ The party that deposits the price.",
              "/// @param seller_ The party that is paid when the buyer confirms.",
              "/// @param arbiter_ The owner: settles disputes; cannot be the buyer or the seller."]
        if o.erc20:
            b += ["/// @param token_ The ERC-20 the price is paid in.",
                  "constructor(address buyer_, address seller_, address arbiter_, IERC20 token_) Ownable(arbiter_) {",
                  "    if (buyer_ == address(0) || seller_ == address(0) || address(token_) == address(0)) {",
                  "        revert EscrowZeroAddress();",
                  "    }"]
        else:
            b += ["constructor(address buyer_, address seller_, address arbiter_) Ownable(arbiter_) {",
                  "    if (buyer_ == address(0) || seller_ == address(0)) revert EscrowZeroAddress();"]
        b += ["    if (buyer_ == seller_ || buyer_ == arbiter_ || seller_ == arbiter_) revert EscrowRolesNotDistinct();",
              "    buyer = buyer_;",
              "    seller = seller_;"]
        if o.erc20:
            b.append("    token = token_;")
        b += ["}",
              "",
              "modifier onlyBuyer() {",
              "    if (msg.sender != buyer) revert EscrowUnauthorized(msg.sender);",
              "    _;",
              "}",
              "",
              "modifier inState(State expected) {",
              "    if (state != expected) revert EscrowWrongState(state);",
              "    _;",
              "}",
              ""]
        if o.erc20:
            b += ["/// @notice The buyer deposits exactly PRICE tokens, pulled from the buyer (approve this contract first).",
                  "/// @dev Fee-on-transfer tokens are rejected: unless PRICE arrives in full the deposit reverts",
                  "///      with EscrowUnsupportedToken(), so the books never count tokens the contract lacks.",
                  "function deposit() external onlyBuyer inState(State.AwaitingPayment) nonReentrant {",
                  "    state = State.Funded;",
                  "    fundedAt = block.timestamp;",
                  "    deposited = PRICE;",
                  "    emit Deposited(msg.sender, PRICE);",
                  "    uint256 before = token.balanceOf(address(this));",
                  "    token.safeTransferFrom(msg.sender, address(this), PRICE);",
                  "    if (token.balanceOf(address(this)) - before != PRICE) revert EscrowUnsupportedToken();",
                  "}"]
        else:
            b += ["/// @notice The buyer deposits exactly PRICE.",
                  "function deposit() external payable onlyBuyer inState(State.AwaitingPayment) {",
                  "    if (msg.value != PRICE) revert EscrowWrongAmount(msg.value, PRICE);",
                  "    state = State.Funded;",
                  "    fundedAt = block.timestamp;",
                  "    deposited = msg.value;",
                  "    emit Deposited(msg.sender, msg.value);",
                  "}"]
        b += ["",
              "/// @notice The buyer accepts the delivery: the seller is credited the price"
              + (" less the arbiter's fee." if o.arbiter_fee else "."),
              "/// @custom:ouro-slot confirm",
              "function confirm() external onlyBuyer inState(State.Funded) {",
              "    state = State.Closed;",
              "    emit Confirmed(msg.sender);"]
        if o.arbiter_fee:
            b += ["    _credit(seller, PRICE - FEE);", "    _credit(owner(), FEE);"]
        else:
            b.append("    _credit(seller, PRICE);")
        b += ["}", "",
              "/// @notice The seller gives up the deal: the buyer is credited the whole deposit.",
              "function cancel() external {",
              "    if (msg.sender != seller) revert EscrowUnauthorized(msg.sender);",
              "    if (state != State.Funded" + (" && state != State.Disputed" if o.disputes else "")
              + ") revert EscrowWrongState(state);",
              "    state = State.Closed;",
              "    emit Cancelled(msg.sender);",
              "    _credit(buyer, PRICE);",
              "}"]
        if o.disputes:
            b += ["",
                  "/// @notice The buyer or the seller freezes a funded deal until the arbiter settles it.",
                  "function dispute() external inState(State.Funded) {",
                  "    if (msg.sender != buyer && msg.sender != seller) revert EscrowUnauthorized(msg.sender);",
                  "    state = State.Disputed;",
                  "    emit Disputed(msg.sender);",
                  "}",
                  "",
                  "/// @notice The arbiter settles a dispute: the buyer is credited `buyerShareBps` of the price"
                  + (" after the fee" if o.arbiter_fee else "") + ", the seller the rest.",
                  "/// @param buyerShareBps The buyer's share in basis points (10000 = full refund).",
                  "/// @custom:ouro-slot resolve",
                  "function resolve(uint256 buyerShareBps) external onlyOwner inState(State.Disputed) {",
                  f"    if (buyerShareBps > {BPS}) revert EscrowBadShare(buyerShareBps);",
                  "    state = State.Closed;",
                  "    emit Resolved(msg.sender, buyerShareBps);",
                  "    uint256 net = PRICE" + (" - FEE" if o.arbiter_fee else "") + ";",
                  f"    uint256 toBuyer = (net * buyerShareBps) / {BPS};",
                  "    _credit(buyer, toBuyer);",
                  "    _credit(seller, net - toBuyer);"]
            if o.arbiter_fee:
                b.append("    _credit(owner(), FEE);")
            b.append("}")
        if o.deadline_refund:
            b += ["",
                  "/// @notice After REFUND_DELAY without confirmation (and no dispute), the buyer reclaims the deposit.",
                  "function refund() external onlyBuyer inState(State.Funded) {",
                  "    uint256 at = fundedAt + REFUND_DELAY;",
                  "    if (block.timestamp < at) revert EscrowTooEarly(at);",
                  "    state = State.Closed;",
                  "    emit Refunded(msg.sender);",
                  "    _credit(buyer, PRICE);",
                  "}",
                  "",
                  "/// @notice When the buyer may reclaim the deposit (0 while nothing is deposited).",
                  "function refundableAt() external view returns (uint256) {",
                  "    return state == State.AwaitingPayment ? 0 : fundedAt + REFUND_DELAY;",
                  "}"]
        b += ["",
              "/// @notice Pay out the caller's credit (pull payment).",
              "/// @custom:ouro-slot withdraw",
              "function withdraw() external nonReentrant {",
              "    uint256 amount = claimable[msg.sender];",
              "    if (amount == 0) revert EscrowNothingToWithdraw();",
              "    claimable[msg.sender] = 0;",
              "    totalClaimable -= amount;",
              "    totalPaid += amount;",
              "    emit Withdrawn(msg.sender, amount);",
              ("    token.safeTransfer(msg.sender, amount);" if o.erc20
               else "    Address.sendValue(payable(msg.sender), amount);"),
              "}",
              ""]
        if o.erc20:
            b += ["/// @notice The contract's balance of the token (what backs held() + totalClaimable()).",
                  "function tokenBalance() external view returns (uint256) {",
                  "    return token.balanceOf(address(this));",
                  "}",
                  ""]
        b += [f"/// @notice {'Tokens' if o.erc20 else 'ETH'} still held for the deal (deposited and not yet "
              "credited to anyone).",
              "function held() public view returns (uint256) {",
              "    return (state == State.Funded" + (" || state == State.Disputed" if o.disputes else "")
              + ") ? deposited : 0;",
              "}",
              "",
              "/// @notice The arbiter (the owner).",
              "function arbiter() external view returns (address) {",
              "    return owner();",
              "}",
              "",
              "/// @notice Start handing the arbiter role to `newOwner`, who must accept it; never the buyer or seller.",
              "function transferOwnership(address newOwner) public override onlyOwner {",
              "    if (newOwner == buyer || newOwner == seller || newOwner == address(this)) {",
              "        revert EscrowRolesNotDistinct();",
              "    }",
              "    super.transferOwnership(newOwner);",
              "}",
              "",
              "/// @notice Disabled: a deal always has an arbiter.",
              "function renounceOwnership() public pure override {",
              "    revert EscrowArbiterRequired();",
              "}",
              "",
              "function _credit(address account, uint256 amount) private {",
              "    if (amount == 0) return;",
              "    claimable[account] += amount;",
              "    totalClaimable += amount;",
              "    emit Credited(account, amount);",
              "}"]
        desc = spec.description or ("Escrow of one deal between a buyer, a seller and an arbiter"
                                    + (", paid in an ERC-20." if o.erc20 else "."))
        dev = "Pull payments: every payout is a credit withdrawn with withdraw()."
        if o.erc20:
            dev += (" The price is an ERC-20 moved with SafeERC20; fee-on-transfer tokens are rejected"
                    " (EscrowUnsupportedToken) because a deposit must arrive in full.")
        doc = natspec(spec.name, desc, dev)
        return assemble(license=spec.license, imports=imports, doc=doc, name=spec.name,
                        bases=["Ownable2Step", "ReentrancyGuard"], body=b)

    def constructor_args(self, spec) -> list:
        args = ["@alice", "@bob", "@deployer"]  # buyer, seller, arbiter
        return args + ["@ref:token"] if spec.options.erc20 else args

    def token_refs(self, spec) -> list[TokenRef]:
        if not spec.options.erc20:
            return []
        return [TokenRef(key="token", standard="erc20", option="erc20", address=spec.parameters.token)]

    def grid(self) -> list[dict]:
        return token_grid(super().grid(), {"erc20": "token"})

    def invariants(self, spec) -> list[str]:
        held_by = "tokenBalance()" if spec.options.erc20 else "balance(this)"
        return ["held() + totalClaimable() + totalPaid() == deposited()",
                f"{held_by} >= held() + totalClaimable()",
                "deposited() == 0 or deposited() == price",
                "claimable(attacker) == 0"]

    # privileged slots: slot name -> signature; each gets an access_<slot> scenario
    def scenarios(self, spec) -> list[Scenario]:
        out = self._scenarios(spec)
        return out + access_scenarios(out, {"confirm": "confirm()", "resolve": "resolve(uint256)"})

    def _scenarios(self, spec) -> list[Scenario]:
        o, p = spec.options, spec.parameters
        price, fee = p.price, _fee(spec)
        happy = [Call("bob", "deposit()", value=price, reverts=True),
                 Call("alice", "deposit()", value=price + 1, reverts=True),
                 Call("alice", "deposit()", value=price),
                 ExpectView("held()", [], price),
                 Call("attacker", "confirm()", reverts=True),
                 Call("bob", "confirm()", reverts=True),
                 Call("alice", "confirm()"),
                 ExpectView("claimable(address)", ["@bob"], price - fee),
                 Call("attacker", "withdraw()", reverts=True),
                 Call("bob", "withdraw()"),
                 ExpectEth("bob", price - fee), ExpectEth("alice", -price), ExpectEth("target", fee)]
        if fee:
            happy += [Call("deployer", "withdraw()"), ExpectEth("deployer", fee), ExpectEth("target", 0)]
        out = [Scenario("buyer_confirms_seller_withdraws", "the buyer pays, confirms, and the seller withdraws", happy),
               Scenario("seller_cancels_refunds_buyer", "the seller cancels and the buyer gets everything back", [
                   Call("alice", "deposit()", value=price),
                   Call("alice", "cancel()", reverts=True),
                   Call("bob", "cancel()"),
                   Call("alice", "confirm()", reverts=True),
                   Call("alice", "withdraw()"),
                   ExpectEth("alice", 0), ExpectEth("target", 0)])]
        if o.disputes:
            net = price - fee
            to_buyer = net * 2500 // BPS
            steps = [Call("alice", "deposit()", value=price),
                     Call("attacker", "dispute()", reverts=True),
                     Call("bob", "dispute()"),
                     Call("alice", "confirm()", reverts=True),
                     Call("attacker", "resolve(uint256)", [0], reverts=True),
                     Call("bob", "resolve(uint256)", [0], reverts=True),
                     Call("deployer", "resolve(uint256)", [BPS + 1], reverts=True),
                     Call("deployer", "resolve(uint256)", [2500]),
                     ExpectView("claimable(address)", ["@alice"], to_buyer),
                     ExpectView("claimable(address)", ["@bob"], net - to_buyer),
                     ExpectView("held()", [], 0)]
            if to_buyer:
                steps += [Call("alice", "withdraw()"), ExpectEth("alice", to_buyer - price)]
            if net - to_buyer:
                steps += [Call("bob", "withdraw()"), ExpectEth("bob", net - to_buyer)]
            if fee:
                steps += [Call("deployer", "withdraw()"), ExpectEth("deployer", fee)]
            steps.append(ExpectEth("target", 0))
            out.append(Scenario("arbiter_settles_dispute", "a dispute freezes the deal; only the arbiter splits it",
                                steps))
        if o.deadline_refund:
            steps = [Call("alice", "deposit()", value=price)]
            if p.deadline > 60:
                steps.append(Call("alice", "refund()", reverts=True))
            steps += [Warp(p.deadline), Call("bob", "refund()", reverts=True), Call("alice", "refund()"),
                      Call("alice", "confirm()", reverts=True),
                      Call("alice", "withdraw()"), ExpectEth("alice", 0), ExpectEth("target", 0)]
            out.append(Scenario("buyer_reclaims_after_deadline", "an unconfirmed deposit returns after the deadline",
                                steps))
        if o.erc20:
            out = [Scenario(sc.name, sc.description, _in_token(sc.steps, price)) for sc in out]
            out.append(Scenario("short_deposit_rejected", "a deposit needs the buyer's full approval and balance", [
                Call("alice", "approve(address,uint256)", ["@target", price - 1], on="token"),
                Call("alice", "deposit()", reverts=True),
                ExpectView("deposited()", [], 0),
                Call("alice", "approve(address,uint256)", ["@target", price], on="token"),
                Call("alice", "deposit()"),
                ExpectToken("alice", "token", -price), ExpectToken("target", "token", price),
                ExpectView("tokenBalance()", [], price)]))
        out.append(Scenario("arbiter_cannot_leave", "the arbiter cannot renounce nor hand over to a party", [
            Call("deployer", "renounceOwnership()", reverts=True),
            Call("deployer", "transferOwnership(address)", ["@alice"], reverts=True),
            Call("attacker", "transferOwnership(address)", ["@attacker"], reverts=True),
            ExpectView("arbiter()", [], "@deployer")]))
        return out




def _in_token(steps: list, price: int) -> list:
    """An ETH scenario of the escrow, paid in the token: no ETH value (a wrong ETH amount has no
    token counterpart: the deposit pulls exactly the price), balances in the token."""
    out = []
    for a in steps:
        if isinstance(a, Call) and a.on is None and a.value:
            if a.value != price:
                continue
            a = Call(a.actor, a.fn, a.args, 0, a.reverts)
        elif isinstance(a, ExpectEth):
            a = ExpectToken(a.actor, "token", a.delta)
        out.append(a)
    return out
