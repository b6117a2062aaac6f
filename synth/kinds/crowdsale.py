"""Token sale on OpenZeppelin 5: the contract is an ERC-20 that mints itself to buyers at a fixed rate,
or (``existing_token``) it sells an existing ERC-20 (``parameters.token``) from its own balance.

The sale runs in a window measured from deployment, up to a hard cap in ETH. Optional: a soft goal
with refunds (``refundable``: tokens stay in escrow in the contract until the sale succeeds; if the
goal is missed buyers pull their ETH back and the escrowed tokens are burnt), an admin-managed
whitelist, and an explicit ``finalize`` step after closing (callable by anyone, so buyers never
depend on the admin to get a refund). The admin withdraws the raised ETH only after a successful close.

Selling an existing token: the sale is funded by transferring tokens to it (or with ``fund``); a
purchase the sale's unreserved balance cannot cover reverts with ``InsufficientTokens``; after
the sale (finalized, if finalizable) the admin recovers the unsold tokens with ``recoverUnsold``.
With refunds, bought tokens stay reserved in the contract until claimed; a refund releases them.
"""

from __future__ import annotations

from pydantic import model_validator

from synth.scenarios import Call, ExpectEth, ExpectToken, ExpectView, Scenario, Warp, access_scenarios
from synth.solidity_text import string_literal
from synth.spec.types import Address, Duration, EthAmount, Symbol, Text, TokenAmount

from ._access import OZ, Access
from ._render import assemble, natspec
from .base import Kind, KindOptions, KindParameters, TokenRef
from ._tokens import token_grid

E18 = 10**18
SCENARIO_FUNDS = 5_000 * E18  # what a scenario may spend per actor (actors hold 10,000 ETH)
SCENARIO_TOKENS = 10**24  # what the deployer holds of a mock token to fund the sale with


class CrowdsaleOptions(KindOptions):
    refundable: bool = False  # soft goal; below it after closing, buyers get their ETH back
    whitelist: bool = False  # only addresses the admin approves may buy
    finalizable: bool = False  # after closing, someone calls finalize() before funds or tokens move
    existing_token: bool = False  # sell the ERC-20 at `parameters.token` from the sale's balance (no minting)


class CrowdsaleParameters(KindParameters):
    token_name: Text | None = None  # defaults to the contract name (the minted token's name)
    token: Address | None = None  # the ERC-20 sold, when options.existing_token
    symbol: Symbol = "SALE"
    rate: TokenAmount = 1_000  # whole tokens per ETH (token units per wei; 18 decimals)
    cap: EthAmount = 100 * E18  # hard cap on ETH raised
    goal: EthAmount = 10 * E18  # soft goal, when options.refundable
    opening_delay: Duration = 86400  # from deployment to the opening of the sale
    duration: Duration = 30 * 86400  # from opening to closing

    @model_validator(mode="after")
    def _sane(self):
        if not 1 <= self.rate <= 10**9:
            raise ValueError("rate must be between 1 and 10**9 tokens per ETH")
        if self.cap == 0 or self.cap > 10**30:
            raise ValueError("cap must be above 0 and at most 10**12 ether")
        if self.goal == 0 or self.goal > self.cap:
            raise ValueError("goal must be above 0 and at most the cap")
        if self.duration < 600:
            raise ValueError("duration must be at least 10 minutes")
        return self


class Crowdsale(Kind):
    NAME = "crowdsale"
    HELP = ("Token sale: an ERC-20 sold for ETH at a fixed rate in a time window with a hard cap; optional "
            "refunds below a soft goal, whitelist and finalization.")
    Options = CrowdsaleOptions
    Parameters = CrowdsaleParameters

    def _roles(self, spec) -> tuple[str, ...]:
        return ("TREASURER",) + (("WHITELISTER",) if spec.options.whitelist else ())

    def render(self, spec) -> str:
        o, p = spec.options, spec.parameters
        acc = Access(spec.access, self._roles(spec))
        ex = o.existing_token
        if ex:
            imports = [f'import {{IERC20}} from "{OZ}/token/ERC20/IERC20.sol";',
                       f'import {{SafeERC20}} from "{OZ}/token/ERC20/utils/SafeERC20.sol";',
                       f'import {{ReentrancyGuard}} from "{OZ}/utils/ReentrancyGuard.sol";'] + acc.imports()
            bases = [acc.base(), "ReentrancyGuard"]
            body = ["using SafeERC20 for IERC20;", ""] + list(acc.declarations())
        else:
            imports = [f'import {{ERC20}} from "{OZ}/token/ERC20/ERC20.sol";',
                       f'import {{ReentrancyGuard}} from "{OZ}/utils/ReentrancyGuard.sol";'] + acc.imports()
            bases = ["ERC20", acc.base(), "ReentrancyGuard"]
            body = list(acc.declarations())
        body += [
            ("/// @notice Token units per wei paid (whole tokens per ETH for a token of 18 decimals)." if ex else
             "/// @notice Token units per wei paid (whole tokens per ETH; the token has 18 decimals)."),
            f"uint256 public constant RATE = {p.rate};",
            "/// @notice Most ETH the sale accepts, in wei; the sale closes when it is reached.",
            f"uint256 public constant CAP = {p.cap};",
        ]
        if o.refundable:
            body += ["/// @notice ETH, in wei, the sale must raise to succeed; below it buyers are refunded.",
                     f"uint256 public constant GOAL = {p.goal};"]
        if ex:
            body += ["", "/// @notice The ERC-20 sold; the sale holds it and hands it out.", "IERC20 public immutable token;",
                     "/// @notice Token units sold and not refunded (handed out, or reserved for their buyers).",
                     "uint256 public tokensSold;"]
        body += [
            "",
            "/// @notice Where the raised ETH goes: the admin given at deployment.",
            "address payable public immutable wallet;",
            "/// @notice When buying opens (unix time).",
            "uint256 public immutable openingTime;",
            "/// @notice When buying closes (unix time), unless the cap is reached first.",
            "uint256 public immutable closingTime;",
            "/// @notice ETH raised so far, in wei.",
            "uint256 public weiRaised;",
            "/// @notice ETH the admin has withdrawn, in wei.",
            "uint256 public weiWithdrawn;",
            "/// @notice ETH each buyer paid, in wei.",
            "mapping(address account => uint256) public contributions;",
        ]
        if o.refundable:
            body += [
                "/// @notice ETH refunded to buyers after a failed sale, in wei.",
                "uint256 public weiRefunded;",
                "/// @notice Tokens bought and held in escrow by this contract until the sale succeeds.",
                "mapping(address account => uint256) public tokensOwed;",
            ]
            if ex:
                body += ["/// @notice Sum of all `tokensOwed`: the part of the sale's balance reserved for buyers.",
                         "uint256 public tokensOwedTotal;"]
        if o.whitelist:
            body += ["/// @notice Addresses allowed to buy.", "mapping(address account => bool) public whitelisted;"]
        if o.finalizable:
            body += ["/// @notice Whether the sale was finalized after closing.", "bool public finalized;"]
        body += [
            "",
            "event TokensPurchased(address indexed buyer, uint256 value, uint256 amount);",
            "event FundsWithdrawn(address indexed to, uint256 amount);",
        ]
        if o.refundable:
            body += ["event TokensClaimed(address indexed buyer, uint256 amount);",
                     "event Refunded(address indexed buyer, uint256 amount);"]
        if o.whitelist:
            body.append("event WhitelistUpdated(address indexed account, bool allowed);")
        if o.finalizable:
            body.append("event Finalized(uint256 weiRaised, bool successful);")
        if ex:
            body += ["event SaleFunded(address indexed from, uint256 amount);",
                     "event UnsoldRecovered(address indexed to, uint256 amount);"]
        body += [
            "",
            "error SaleNotOpen();",
            "error SaleNotClosed();",
            "error ZeroPurchase();",
            "error CapExceeded(uint256 remaining);",
            "error SaleNotSuccessful();",
            "error NothingToWithdraw();",
            "error TransferFailed();",
            "error ZeroAddress();",
        ]
        if o.refundable:
            body += ["error GoalReached();", "error NothingToClaim();"]
        if o.whitelist:
            body.append("error NotWhitelisted(address account);")
        if o.finalizable:
            body += ["error NotFinalized();", "error AlreadyFinalized();"]
        if ex:
            body += ["error InsufficientTokens(uint256 available, uint256 needed);"]

        if ex:
            calls = [c for c in [acc.base_ctor_call()] if c]
            body += ["", f"constructor({acc.ctor_param()}, IERC20 token_)"] + [f"    {c}" for c in calls] + ["{"]
        else:
            token_name = string_literal(p.token_name or spec.name)
            calls = [f"ERC20({token_name}, {string_literal(p.symbol)})"]
            if acc.base_ctor_call():
                calls.append(acc.base_ctor_call())
            body += ["", f"constructor({acc.ctor_param()})"] + [f"    {c}" for c in calls] + ["{"]
        body += [f"    {ln}" for ln in acc.ctor_body()]
        zero = f"{acc.admin_param} == address(0)" + (" || address(token_) == address(0)" if ex else "")
        body += [f"    if ({zero}) {{",
                 "        revert ZeroAddress();",
                 "    }",
                 *(["    token = token_;"] if ex else []),
                 f"    wallet = payable({acc.admin_param});",
                 f"    openingTime = block.timestamp + {p.opening_delay};",
                 f"    closingTime = openingTime + {p.duration};", "}"]

        # views
        body += [
            "",
            "/// @notice Whether tokens can be bought now.",
            "function isOpen() public view returns (bool) {",
            "    return block.timestamp >= openingTime && block.timestamp < closingTime && weiRaised < CAP;",
            "}",
            "",
            "/// @notice Whether the sale is over: its time is up or the cap is reached.",
            "function hasClosed() public view returns (bool) {",
            "    return block.timestamp >= closingTime || weiRaised >= CAP;",
            "}",
        ]
        if ex:
            reserved = "tokensOwedTotal" if o.refundable else "0"
            body += ["", "/// @notice The sale's balance of the token.",
                     "function tokenBalance() public view returns (uint256) {",
                     "    return token.balanceOf(address(this));", "}",
                     "", "/// @notice Tokens the sale can still sell: its balance less what is reserved for buyers.",
                     "function tokensAvailable() public view returns (uint256) {",
                     "    uint256 balance = tokenBalance();",
                     f"    return balance > {reserved} ? balance - {reserved} : 0;" if o.refundable
                     else "    return balance;", "}"]
        if o.refundable:
            body += ["", "/// @notice Whether the soft goal is reached.",
                     "function goalReached() public view returns (bool) {", "    return weiRaised >= GOAL;", "}"]
        success = ["hasClosed()"]
        if o.finalizable:
            success = ["finalized"]
        if o.refundable:
            success.append("goalReached()")
        body += ["", "/// @notice Whether the sale is over and succeeded, so the admin may withdraw the ETH.",
                 "function successful() public view returns (bool) {",
                 f"    return {' && '.join(success)};", "}"]

        # buy
        body += ["", "/// @notice Buy `msg.value * RATE` token units with `msg.value` wei.",
                 "/// @custom:ouro-slot buyTokens",
                 "function buyTokens() external payable nonReentrant {",
                 "    if (!isOpen()) {", "        revert SaleNotOpen();", "    }"]
        if o.whitelist:
            body += ["    if (!whitelisted[msg.sender]) {", "        revert NotWhitelisted(msg.sender);", "    }"]
        body += [
            "    if (msg.value == 0) {",
            "        revert ZeroPurchase();",
            "    }",
            "    if (msg.value > CAP - weiRaised) {",
            "        revert CapExceeded(CAP - weiRaised);",
            "    }",
            "    uint256 amount = msg.value * RATE;",
        ]
        if ex:
            body += ["    uint256 available = tokensAvailable();",
                     "    if (amount > available) {",
                     "        revert InsufficientTokens(available, amount);",
                     "    }"]
        body += [
            "    weiRaised += msg.value;",
            "    contributions[msg.sender] += msg.value;",
        ]
        if ex:
            body.append("    tokensSold += amount;")
            if o.refundable:
                body += ["    tokensOwed[msg.sender] += amount;", "    tokensOwedTotal += amount;",
                         "    emit TokensPurchased(msg.sender, msg.value, amount);", "}"]
            else:
                body += ["    emit TokensPurchased(msg.sender, msg.value, amount);",
                         "    token.safeTransfer(msg.sender, amount);", "}"]
        else:
            if o.refundable:
                body += ["    tokensOwed[msg.sender] += amount;", "    _mint(address(this), amount);"]
            else:
                body.append("    _mint(msg.sender, amount);")
            body += ["    emit TokensPurchased(msg.sender, msg.value, amount);", "}"]
        if ex:
            closed = "finalized" if o.finalizable else "hasClosed()"
            body += ["",
                     "/// @notice Fund the sale with `amount` tokens pulled from the caller (approve this contract",
                     "///         first); a plain transfer to the sale funds it as well.",
                     "/// @dev Books nothing: what the sale can sell is its balance, so a fee-on-transfer token",
                     "///      only funds the sale with what actually arrives.",
                     "function fund(uint256 amount) external nonReentrant {",
                     "    uint256 before = tokenBalance();",
                     "    token.safeTransferFrom(msg.sender, address(this), amount);",
                     "    emit SaleFunded(msg.sender, tokenBalance() - before);",
                     "}",
                     "",
                     "/// @notice Send the tokens nobody bought (the balance not reserved for buyers) to `wallet`",
                     "///         once the sale is over" + (" and finalized" if o.finalizable else "")
                     + "; with nothing unsold it does nothing.",
                     f"function recoverUnsold() external {acc.guard('TREASURER')} nonReentrant {{",
                     f"    if (!{closed}) {{",
                     f"        revert {'NotFinalized' if o.finalizable else 'SaleNotClosed'}();",
                     "    }",
                     "    uint256 amount = tokensAvailable();",
                     "    if (amount > 0) {",
                     "        emit UnsoldRecovered(wallet, amount);",
                     "        token.safeTransfer(wallet, amount);",
                     "    }",
                     "}"]

        if o.whitelist:
            body += ["", "/// @notice Allow or forbid `account` to buy.",
                     f"function setWhitelisted(address account, bool allowed) external {acc.guard('WHITELISTER')} {{",
                     "    whitelisted[account] = allowed;", "    emit WhitelistUpdated(account, allowed);", "}"]

        if o.finalizable:
            body += ["", "/// @notice Fix the outcome once the sale has closed; anyone may call it, once.",
                     "function finalize() external {",
                     "    if (finalized) {", "        revert AlreadyFinalized();", "    }",
                     "    if (!hasClosed()) {", "        revert SaleNotClosed();", "    }",
                     "    finalized = true;",
                     f"    emit Finalized(weiRaised, {'goalReached()' if o.refundable else 'true'});", "}"]

        # admin withdraws
        body += [
            "",
            "/// @notice Send the raised ETH to `wallet` after a successful close.",
            "/// @custom:ouro-slot withdrawFunds",
            f"function withdrawFunds() external {acc.guard('TREASURER')} nonReentrant {{",
            "    if (!successful()) {",
            "        revert SaleNotSuccessful();",
            "    }",
            "    uint256 amount = weiRaised - weiWithdrawn;",
            "    if (amount == 0) {",
            "        revert NothingToWithdraw();",
            "    }",
            "    weiWithdrawn += amount;",
            "    emit FundsWithdrawn(wallet, amount);",
            '    (bool ok, ) = wallet.call{value: amount}("");',
            "    if (!ok) {",
            "        revert TransferFailed();",
            "    }",
            "}",
        ]

        if o.refundable:
            closed = "finalized" if o.finalizable else "hasClosed()"
            body += [
                "",
                "/// @notice Receive your escrowed tokens after a successful sale.",
                "function claimTokens() external nonReentrant {",
                "    if (!successful()) {",
                "        revert SaleNotSuccessful();",
                "    }",
                "    uint256 amount = tokensOwed[msg.sender];",
                "    if (amount == 0) {",
                "        revert NothingToClaim();",
                "    }",
                "    tokensOwed[msg.sender] = 0;",
                *(["    tokensOwedTotal -= amount;", "    emit TokensClaimed(msg.sender, amount);",
                   "    token.safeTransfer(msg.sender, amount);"] if ex else
                  ["    _transfer(address(this), msg.sender, amount);", "    emit TokensClaimed(msg.sender, amount);"]),
                "}",
                "",
                ("/// @notice Get your ETH back when the sale closed below its goal; your reserved tokens return "
                 "to the unsold stock." if ex else
                 "/// @notice Get your ETH back when the sale closed below its goal; your escrowed tokens are burnt."),
                "/// @custom:ouro-slot claimRefund",
                "function claimRefund() external nonReentrant {",
                f"    if (!{closed}) {{",
                f"        revert {'NotFinalized' if o.finalizable else 'SaleNotClosed'}();",
                "    }",
                "    if (goalReached()) {",
                "        revert GoalReached();",
                "    }",
                "    uint256 amount = contributions[msg.sender];",
                "    if (amount == 0) {",
                "        revert NothingToClaim();",
                "    }",
                "    uint256 tokens = tokensOwed[msg.sender];",
                "    contributions[msg.sender] = 0;",
                "    tokensOwed[msg.sender] = 0;",
                "    weiRefunded += amount;",
                *(["    tokensOwedTotal -= tokens;", "    tokensSold -= tokens;"] if ex else
                  ["    _burn(address(this), tokens);"]),
                "    emit Refunded(msg.sender, amount);",
                '    (bool ok, ) = payable(msg.sender).call{value: amount}("");',
                "    if (!ok) {",
                "        revert TransferFailed();",
                "    }",
                "}",
            ]

        features = []
        if o.refundable:
            features.append("refunds below a soft goal")
        if o.whitelist:
            features.append("a whitelist")
        if o.finalizable:
            features.append("finalization")
        what = "an existing ERC-20 token" if ex else f"the {p.symbol} token"
        default = (f"Sale of {what} for ETH at {p.rate} tokens per ETH"
                   + (f", with {', '.join(features)}." if features else "."))
        dev = "Hard cap in ETH; buyers pull refunds; the admin withdraws only after a successful close."
        if ex:
            dev += (" Sells the ERC-20 `token` from its own balance with SafeERC20; the admin recovers unsold tokens"
                    " after the sale. Fee-on-transfer tokens are handled: the sale books nothing on funding and"
                    " sells only its measured balance (buyers receive what the token delivers).")
        doc = natspec(spec.name, spec.description or default, dev)
        return assemble(license=spec.license, imports=imports, doc=doc, name=spec.name, bases=bases, body=body)

    def constructor_args(self, spec) -> list:
        return ["@deployer", "@ref:token"] if spec.options.existing_token else ["@deployer"]

    def token_refs(self, spec) -> list[TokenRef]:
        if not spec.options.existing_token:
            return []
        return [TokenRef(key="token", standard="erc20", option="existing_token", address=spec.parameters.token)]

    def grid(self) -> list[dict]:
        return token_grid(super().grid(), {"existing_token": "token"})

    def invariants(self, spec) -> list[str]:
        if spec.options.existing_token:
            inv = ["weiRaised() <= CAP()"]
            if spec.options.refundable:
                inv += ["tokensSold() == (weiRaised() - weiRefunded()) * RATE()",
                        "tokenBalance() >= tokensOwedTotal()",
                        "tokensOwedTotal() <= tokensSold()",
                        "balance(this) >= weiRaised() - weiRefunded() - weiWithdrawn()",
                        "weiRefunded() == 0 or weiWithdrawn() == 0"]
            else:
                inv += ["tokensSold() == weiRaised() * RATE()",
                        "balance(this) >= weiRaised() - weiWithdrawn()"]
            return inv
        inv = ["totalSupply() == sum(balanceOf(a) for a in actors)",
               "weiRaised() <= CAP()"]
        if spec.options.refundable:
            inv += ["totalSupply() == (weiRaised() - weiRefunded()) * RATE()",
                    "balance(this) >= weiRaised() - weiRefunded() - weiWithdrawn()",
                    "weiRefunded() == 0 or weiWithdrawn() == 0"]
        else:
            inv += ["totalSupply() == weiRaised() * RATE()",
                    "balance(this) >= weiRaised() - weiWithdrawn()"]
        return inv

    # -- scenarios -------------------------------------------------------------------------
    # privileged slots: slot name -> signature; each gets an access_<slot> scenario
    def scenarios(self, spec) -> list[Scenario]:
        out = self._scenarios(spec)
        return out + access_scenarios(out, {"withdrawFunds": "withdrawFunds()"})

    def _scenarios(self, spec) -> list[Scenario]:
        o, p = spec.options, spec.parameters
        rate = p.rate
        ex = o.existing_token
        sold = "tokensSold()" if ex else "totalSupply()"
        to_open = [Warp(p.opening_delay + 1)] if p.opening_delay else []
        past_close = Warp(p.duration + 60)

        def allow(*who: str) -> list[Call]:
            if not o.whitelist:
                return []
            return [Call("deployer", "setWhitelisted(address,bool)", [f"@{w}", True]) for w in who]

        def balance(who: str, units: int):
            return ExpectToken(who, "token", units) if ex else ExpectView("balanceOf(address)", [f"@{who}"], units)

        def holds(who: str, value: int) -> list:
            if o.refundable:
                return [ExpectView("tokensOwed(address)", [f"@{who}"], value * rate), balance(who, 0)]
            return [balance(who, value * rate)]

        def fund(units: int) -> list[Call]:
            """An existing token's sale is funded by the deployer's transfer first."""
            return [Call("deployer", "transfer(address,uint256)", ["@target", units], on="token")] if ex else []

        out = []
        small = min(E18, p.cap)
        if p.opening_delay:
            out.append(Scenario("buying_before_opening_reverts", "nothing can be bought before the opening", [
                *allow("alice"),
                Call("alice", "buyTokens()", [], value=small, reverts=True),
                ExpectView("weiRaised()", [], 0)]))

        steps = fund(small * rate) + list(to_open)
        if o.whitelist:
            steps += [Call("attacker", "setWhitelisted(address,bool)", ["@attacker", True], reverts=True),
                      Call("alice", "buyTokens()", [], value=small, reverts=True)]
        steps += [*allow("alice"),
                  Call("alice", "buyTokens()", [], value=0, reverts=True),
                  Call("alice", "buyTokens()", [], value=small),
                  *holds("alice", small),
                  ExpectView("contributions(address)", ["@alice"], small),
                  ExpectView("weiRaised()", [], small),
                  ExpectView(sold, [], small * rate),
                  ExpectEth("alice", -small)]
        out.append(Scenario("buying_in_window_mints_at_rate", "a purchase in the window gets rate * value tokens",
                            steps))

        if p.cap + 1 <= SCENARIO_FUNDS and (not ex or p.cap * rate <= SCENARIO_TOKENS):
            out.append(Scenario("hard_cap_enforced", "no purchase may exceed the cap; reaching it closes the sale", [
                *fund(p.cap * rate), *to_open, *allow("alice", "bob"),
                Call("alice", "buyTokens()", [], value=p.cap + 1, reverts=True),
                Call("alice", "buyTokens()", [], value=p.cap),
                ExpectView("weiRaised()", [], p.cap),
                ExpectView("hasClosed()", [], True),
                Call("bob", "buyTokens()", [], value=1, reverts=True)]))

        finalize = [Call("bob", "finalize()")] if o.finalizable else []
        if o.refundable and p.goal >= 2 and p.goal <= SCENARIO_FUNDS:
            half = p.goal // 2
            steps = [*fund(half * rate), *to_open, *allow("alice"),
                     Call("alice", "buyTokens()", [], value=half),
                     Call("alice", "claimRefund()", [], reverts=True),
                     past_close]
            if o.finalizable:
                steps.append(Call("alice", "claimRefund()", [], reverts=True))
            steps += [*finalize,
                      ExpectView("goalReached()", [], False),
                      Call("deployer", "withdrawFunds()", [], reverts=True),
                      Call("alice", "claimTokens()", [], reverts=True),
                      Call("attacker", "claimRefund()", [], reverts=True),
                      Call("alice", "claimRefund()"),
                      ExpectEth("alice", 0),
                      ExpectView(sold, [], 0),
                      ExpectView("contributions(address)", ["@alice"], 0),
                      Call("alice", "claimRefund()", [], reverts=True)]
            out.append(Scenario("refund_when_goal_missed", "below the goal, buyers pull their ETH back", steps))

        raise_ = p.goal if o.refundable else small
        if raise_ <= SCENARIO_FUNDS and (not ex or raise_ * rate <= SCENARIO_TOKENS):
            steps = [*fund(raise_ * rate), *to_open, *allow("alice"),
                     Call("alice", "buyTokens()", [], value=raise_)]
            if raise_ < p.cap:
                steps += [Call("deployer", "withdrawFunds()", [], reverts=True), past_close]
            if o.finalizable:
                steps.append(Call("deployer", "withdrawFunds()", [], reverts=True))
            steps += [*finalize,
                      Call("attacker", "withdrawFunds()", [], reverts=True),
                      Call("deployer", "withdrawFunds()"),
                      ExpectEth("deployer", raise_),
                      Call("deployer", "withdrawFunds()", [], reverts=True)]
            if o.refundable:
                steps += [Call("alice", "claimRefund()", [], reverts=True),
                          Call("alice", "claimTokens()"),
                          balance("alice", raise_ * rate),
                          ExpectView("tokensOwed(address)", ["@alice"], 0)]
            out.append(Scenario("admin_withdraws_after_success",
                                "the admin takes the ETH only after a successful close", steps))
        if ex and 2 * small * rate <= SCENARIO_TOKENS:
            out += self._existing_token_scenarios(spec, small, to_open, past_close, allow, finalize)
        return out

    def _existing_token_scenarios(self, spec, small, to_open, past_close, allow, finalize) -> list[Scenario]:
        o, p = spec.options, spec.parameters
        units = small * p.rate
        transfer = "transfer(address,uint256)"
        out = [Scenario("purchase_beyond_sale_balance_reverts", "a purchase the sale's balance cannot cover fails", [
            Call("deployer", transfer, ["@target", units - 1], on="token"),
            *to_open, *allow("alice"),
            ExpectView("tokensAvailable()", [], units - 1),
            Call("alice", "buyTokens()", [], value=small, reverts=True),
            ExpectView("weiRaised()", [], 0),
            Call("bob", "fund(uint256)", [1]),
            ExpectToken("bob", "token", -1),
            Call("alice", "buyTokens()", [], value=small),
            ExpectView("tokensAvailable()", [], 0),
            ExpectView("tokensSold()", [], units)])]
        owed = units if o.refundable else 0  # reserved for alice after her purchase
        steps = [Call("deployer", transfer, ["@target", 2 * units], on="token"),
                 *to_open, *allow("alice"),
                 Call("alice", "buyTokens()", [], value=small)]
        if small < p.cap or o.finalizable:
            steps.append(Call("deployer", "recoverUnsold()", [], reverts=True))
        steps += [past_close, *finalize,
                  Call("attacker", "recoverUnsold()", [], reverts=True),
                  Call("deployer", "recoverUnsold()"),
                  ExpectToken("deployer", "token", -units),  # funded 2 units' worth, alice bought one
                  ExpectView("tokensAvailable()", [], 0),
                  ExpectView("tokenBalance()", [], owed),
                  Call("deployer", "recoverUnsold()"),  # nothing left: a no-op
                  ExpectToken("deployer", "token", -units)]
        if o.refundable and small < p.goal:
            steps += [Call("alice", "claimRefund()"),
                      ExpectView("tokensAvailable()", [], units),
                      Call("deployer", "recoverUnsold()"),
                      ExpectToken("deployer", "token", 0),
                      ExpectToken("target", "token", 0)]
        elif o.refundable:
            steps += [Call("alice", "claimTokens()"), ExpectToken("alice", "token", units),
                      ExpectToken("target", "token", 0)]
        else:
            steps += [ExpectToken("alice", "token", units), ExpectToken("target", "token", 0)]
        out.append(Scenario("admin_recovers_unsold", "after the sale the admin takes back what nobody bought", steps))
        return out
