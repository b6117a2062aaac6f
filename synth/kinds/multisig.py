"""m-of-n multisig wallet for ETH and arbitrary calls, on OpenZeppelin 5 utilities.

Owners submit transactions (destination, ETH value, calldata); the submitter's confirmation is
counted at once; owners confirm or revoke; any owner executes once ``threshold`` current owners
have confirmed. Execution marks the transaction done *before* the call and writes nothing after
it (a failing call emits ``ExecutionFailure`` and consumes the transaction, as in Safe), so a
recipient refusing ETH cannot block the wallet and nothing can be executed twice.

Options: ``owner_management`` (add, remove and replace owners and change the threshold, only
through the wallet's own confirmed transactions), ``daily_limit`` (one owner alone may send
plain ETH up to ``daily_limit`` per day), ``token_receiver`` (accept ERC-721 and ERC-1155
safe transfers).

Access: the owner set is the role model, so ``owners`` is the only access mode. The owners are
spec actors (``deployer``, ``alice``, ``bob``; never the attacker), passed as the constructor's
address list together with the threshold.
"""

from __future__ import annotations

from typing import Literal

from eth_abi import encode
from eth_utils import function_signature_to_4byte_selector
from pydantic import Field, model_validator

from synth.scenarios import Call, ExpectEth, ExpectView, Scenario, Warp, access_scenarios
from synth.spec.types import EthAmount

from ._access import OZ
from ._render import assemble, natspec
from .base import Kind, KindOptions, KindParameters

E18 = 10**18
MAX_OWNERS = 20
MAX_DAILY_LIMIT = 1000 * E18
SUBMIT = "submit(address,uint256,bytes)"


class MultisigOptions(KindOptions):
    owner_management: bool = False  # owners/threshold change through the wallet's own transactions
    daily_limit: bool = False  # one owner alone may send plain ETH up to the daily limit
    token_receiver: bool = False  # accept ERC-721 / ERC-1155 safe transfers


class MultisigParameters(KindParameters):
    owners: list[Literal["deployer", "alice", "bob"]] = Field(
        default_factory=lambda: ["deployer", "alice", "bob"], min_length=1,
        description="The owners, as actors; deploy with real addresses by editing scripts/deploy.py")
    threshold: int = 2  # confirmations needed, 1 <= threshold <= number of owners
    daily_limit: EthAmount = E18  # used when options.daily_limit

    @model_validator(mode="after")
    def _sane(self):
        if len(set(self.owners)) != len(self.owners):
            raise ValueError("owners must not repeat")
        if not 1 <= self.threshold <= len(self.owners):
            raise ValueError(f"threshold must be between 1 and the number of owners ({len(self.owners)})")
        if self.daily_limit > MAX_DAILY_LIMIT:
            raise ValueError("daily_limit must be at most 1000 ether")
        return self


def _call(sig: str, types: list[str], args: list) -> bytes:
    return function_signature_to_4byte_selector(sig) + encode(types, args)


class Multisig(Kind):
    NAME = "multisig"
    HELP = ("m-of-n multisig wallet: owners submit, confirm, revoke and execute ETH transfers and calls; "
            "optional owner management, daily limit and token receiving.")
    Options = MultisigOptions
    Parameters = MultisigParameters
    ACCESS = ("owners",)  # the owner set with its threshold is the role model

    def render(self, spec) -> str:
        o = spec.options
        imports = [f'import {{ReentrancyGuard}} from "{OZ}/utils/ReentrancyGuard.sol";']
        bases = ["ReentrancyGuard"]
        if o.token_receiver:
            imports += [f'import {{ERC721Holder}} from "{OZ}/token/ERC721/utils/ERC721Holder.sol";',
                        f'import {{ERC1155Holder}} from "{OZ}/token/ERC1155/utils/ERC1155Holder.sol";']
            bases += ["ERC721Holder", "ERC1155Holder"]
        b = ["struct Transaction {",
             "    address to;",
             "    uint256 value;",
             "    bytes data;",
             "    bool executed;",
             "}",
             "",
             "/// @notice The largest owner set (bounds every loop over the owners).",
             f"uint256 public constant MAX_OWNERS = {MAX_OWNERS};",
             "",
             "/// @notice Confirmations needed to execute a transaction.",
             "uint256 public threshold;" if o.owner_management else "uint256 public immutable threshold;",
             "/// @notice Whether an account is an owner.",
             "mapping(address account => bool) public isOwner;",
             "/// @notice Whether `owner` confirmed transaction `txId`.",
             "mapping(uint256 txId => mapping(address owner => bool)) public isConfirmed;",
             "address[] private _owners;",
             "Transaction[] private _transactions;"]
        if o.daily_limit:
            b += ["",
                  "/// @notice Plain ETH one owner alone may send per day.",
                  "uint256 public dailyLimit;",
                  "/// @notice Spent under the daily limit since `lastDay`.",
                  "uint256 public spentToday;",
                  "/// @notice Start of the current daily-limit period.",
                  "uint256 public lastDay;"]
        b += ["",
              "event Deposit(address indexed sender, uint256 value);",
              "event Submission(uint256 indexed txId, address indexed owner, address indexed to, uint256 value, "
              "bytes data);",
              "event Confirmation(uint256 indexed txId, address indexed owner);",
              "event Revocation(uint256 indexed txId, address indexed owner);",
              "event Execution(uint256 indexed txId);",
              "event ExecutionFailure(uint256 indexed txId);"]
        if o.owner_management:
            b += ["event OwnerAdded(address indexed owner);",
                  "event OwnerRemoved(address indexed owner);",
                  "event ThresholdChanged(uint256 threshold);"]
        if o.daily_limit:
            b.append("event DailyLimitChanged(uint256 dailyLimit);")
        b += ["",
              "error MultiSigBadOwners();",
              "error MultiSigBadThreshold(uint256 threshold, uint256 owners);",
              "error MultiSigBadOwner(address owner);",
              "error MultiSigNotOwner(address caller);",
              "error MultiSigNoTransaction(uint256 txId);",
              "error MultiSigAlreadyExecuted(uint256 txId);",
              "error MultiSigAlreadyConfirmed(uint256 txId, address owner);",
              "error MultiSigNotConfirmed(uint256 txId, address owner);",
              "error MultiSigNotEnoughConfirmations(uint256 txId, uint256 confirmations, uint256 threshold);",
              "error MultiSigInsufficientBalance(uint256 balance, uint256 value);",
              "error MultiSigBadValue(uint256 value);"]
        if o.owner_management or o.daily_limit:
            b.append("error MultiSigOnlyWallet(address caller);")
        b += ["",
              "modifier onlyOwner() {",
              "    if (!isOwner[msg.sender]) revert MultiSigNotOwner(msg.sender);",
              "    _;",
              "}",
              "",
              "modifier pending(uint256 txId) {",
              "    if (txId >= _transactions.length) revert MultiSigNoTransaction(txId);",
              "    if (_transactions[txId].executed) revert MultiSigAlreadyExecuted(txId);",
              "    _;",
              "}"]
        if o.owner_management or o.daily_limit:
            b += ["",
                  "modifier onlyWallet() {",
                  "    if (msg.sender != address(this)) revert MultiSigOnlyWallet(msg.sender);",
                  "    _;",
                  "}"]
        b += ["",
              "/// @param owners_ The owners: distinct, non-zero, at most MAX_OWNERS.",
              "/// @param threshold_ Confirmations needed, between 1 and the number of owners.",
              "constructor(address[] memory owners_, uint256 threshold_) {",
              f"    if (owners_.length == 0 || owners_.length > {MAX_OWNERS}) revert MultiSigBadOwners();",
              "    if (threshold_ == 0 || threshold_ > owners_.length) {",
              "        revert MultiSigBadThreshold(threshold_, owners_.length);",
              "    }",
              "    for (uint256 i = 0; i < owners_.length; ++i) {",
              "        address owner = owners_[i];",
              "        if (owner == address(0) || owner == address(this) || isOwner[owner]) revert MultiSigBadOwner(owner);",
              "        isOwner[owner] = true;",
              "        _owners.push(owner);",
              "    }",
              "    threshold = threshold_;"]
        if o.daily_limit:
            b.append(f"    dailyLimit = {spec.parameters.daily_limit};")
        b += ["}",
              "",
              "/// @notice Plain ETH transfers fund the wallet.",
              "receive() external payable {",
              "    emit Deposit(msg.sender, msg.value);",
              "}",
              "",
              "/// @notice Fund the wallet.",
              "function deposit() external payable {",
              "    emit Deposit(msg.sender, msg.value);",
              "}",
              "",
              "/// @notice Propose a call of `to` with `value` wei and `data`; counts as the caller's confirmation.",
              "/// @return txId The new transaction's id.",
              "/// @dev `value` above 2**128-1 wei (more ETH than exists) is rejected: it could never be paid.",
              "function submit(address to, uint256 value, bytes calldata data) external onlyOwner returns (uint256 txId) {",
              "    if (value > type(uint128).max) revert MultiSigBadValue(value);",
              "    txId = _transactions.length;",
              "    _transactions.push(Transaction({to: to, value: value, data: data, executed: false}));",
              "    emit Submission(txId, msg.sender, to, value, data);",
              "    isConfirmed[txId][msg.sender] = true;",
              "    emit Confirmation(txId, msg.sender);",
              "}",
              "",
              "/// @notice Confirm a pending transaction.",
              "/// @custom:ouro-slot confirm",
              "function confirm(uint256 txId) external onlyOwner pending(txId) {",
              "    if (isConfirmed[txId][msg.sender]) revert MultiSigAlreadyConfirmed(txId, msg.sender);",
              "    isConfirmed[txId][msg.sender] = true;",
              "    emit Confirmation(txId, msg.sender);",
              "}",
              "",
              "/// @notice Withdraw your confirmation of a pending transaction.",
              "function revoke(uint256 txId) external onlyOwner pending(txId) {",
              "    if (!isConfirmed[txId][msg.sender]) revert MultiSigNotConfirmed(txId, msg.sender);",
              "    isConfirmed[txId][msg.sender] = false;",
              "    emit Revocation(txId, msg.sender);",
              "}",
              "",
              "/// @notice Execute a pending transaction confirmed by `threshold` current owners"
              + (" (or plain ETH within the daily limit)." if o.daily_limit else "."),
              "/// @dev The transaction is consumed before the call; a failing call emits ExecutionFailure.",
              "/// @custom:ouro-slot execute",
              "function execute(uint256 txId) external onlyOwner pending(txId) nonReentrant {",
              "    Transaction storage t = _transactions[txId];",
              "    uint256 confirmations = getConfirmationCount(txId);",
              "    if (confirmations < threshold) {"]
        if o.daily_limit:
            b += ["        if (t.data.length != 0 || !_spendWithinLimit(t.value)) {",
                  "            revert MultiSigNotEnoughConfirmations(txId, confirmations, threshold);",
                  "        }"]
        else:
            b.append("        revert MultiSigNotEnoughConfirmations(txId, confirmations, threshold);")
        b += ["    }",
              "    if (address(this).balance < t.value) revert MultiSigInsufficientBalance(address(this).balance, t.value);",
              "    t.executed = true;",
              "    (bool ok, ) = t.to.call{value: t.value}(t.data);",
              "    if (ok) {",
              "        emit Execution(txId);",
              "    } else {",
              "        emit ExecutionFailure(txId);",
              "    }",
              "}",
              "",
              "/// @notice How many current owners confirmed `txId`.",
              "/// @custom:ouro-slot getConfirmationCount",
              "function getConfirmationCount(uint256 txId) public view returns (uint256 count) {",
              "    for (uint256 i = 0; i < _owners.length; ++i) {",
              "        if (isConfirmed[txId][_owners[i]]) ++count;",
              "    }",
              "}",
              "",
              "/// @notice The owners.",
              "function getOwners() external view returns (address[] memory) {",
              "    return _owners;",
              "}",
              "",
              "/// @notice The number of owners.",
              "function ownerCount() external view returns (uint256) {",
              "    return _owners.length;",
              "}",
              "",
              "/// @notice The number of transactions ever submitted (the next id).",
              "function transactionCount() external view returns (uint256) {",
              "    return _transactions.length;",
              "}",
              "",
              "/// @notice A transaction's destination, value, calldata and whether it was executed.",
              "function getTransaction(uint256 txId)",
              "    external",
              "    view",
              "    returns (address to, uint256 value, bytes memory data, bool executed)",
              "{",
              "    if (txId >= _transactions.length) revert MultiSigNoTransaction(txId);",
              "    Transaction storage t = _transactions[txId];",
              "    return (t.to, t.value, t.data, t.executed);",
              "}"]
        if o.owner_management:
            b += ["",
                  "/// @notice Add an owner; only through the wallet's own transaction.",
                  "function addOwner(address owner) external onlyWallet {",
                  "    if (owner == address(0) || owner == address(this) || isOwner[owner]) revert MultiSigBadOwner(owner);",
                  f"    if (_owners.length >= {MAX_OWNERS}) revert MultiSigBadOwners();",
                  "    isOwner[owner] = true;",
                  "    _owners.push(owner);",
                  "    emit OwnerAdded(owner);",
                  "}",
                  "",
                  "/// @notice Remove an owner (the threshold shrinks to the owner count if needed); only through"
                  " the wallet's own transaction.",
                  "function removeOwner(address owner) external onlyWallet {",
                  "    if (!isOwner[owner]) revert MultiSigBadOwner(owner);",
                  "    if (_owners.length == 1) revert MultiSigBadOwners();",
                  "    isOwner[owner] = false;",
                  "    uint256 last = _owners.length - 1;",
                  "    for (uint256 i = 0; i < last; ++i) {",
                  "        if (_owners[i] == owner) {",
                  "            _owners[i] = _owners[last];",
                  "            break;",
                  "        }",
                  "    }",
                  "    _owners.pop();",
                  "    emit OwnerRemoved(owner);",
                  "    if (threshold > _owners.length) {",
                  "        threshold = _owners.length;",
                  "        emit ThresholdChanged(_owners.length);",
                  "    }",
                  "}",
                  "",
                  "/// @notice Replace `owner` by `newOwner`; only through the wallet's own transaction.",
                  "function replaceOwner(address owner, address newOwner) external onlyWallet {",
                  "    if (!isOwner[owner]) revert MultiSigBadOwner(owner);",
                  "    if (newOwner == address(0) || newOwner == address(this) || isOwner[newOwner]) {",
                  "        revert MultiSigBadOwner(newOwner);",
                  "    }",
                  "    for (uint256 i = 0; i < _owners.length; ++i) {",
                  "        if (_owners[i] == owner) {",
                  "            _owners[i] = newOwner;",
                  "            break;",
                  "        }",
                  "    }",
                  "    isOwner[owner] = false;",
                  "    isOwner[newOwner] = true;",
                  "    emit OwnerRemoved(owner);",
                  "    emit OwnerAdded(newOwner);",
                  "}",
                  "",
                  "/// @notice Change the threshold; only through the wallet's own transaction.",
                  "function changeThreshold(uint256 newThreshold) external onlyWallet {",
                  "    if (newThreshold == 0 || newThreshold > _owners.length) {",
                  "        revert MultiSigBadThreshold(newThreshold, _owners.length);",
                  "    }",
                  "    threshold = newThreshold;",
                  "    emit ThresholdChanged(newThreshold);",
                  "}"]
        if o.daily_limit:
            b += ["",
                  "/// @notice Change the daily limit; only through the wallet's own transaction.",
                  "function changeDailyLimit(uint256 newLimit) external onlyWallet {",
                  "    dailyLimit = newLimit;",
                  "    if (spentToday > newLimit) spentToday = newLimit;",
                  "    emit DailyLimitChanged(newLimit);",
                  "}",
                  "",
                  "/// @notice What one owner alone may still send today.",
                  "function remainingToday() external view returns (uint256) {",
                  "    if (block.timestamp >= lastDay + 1 days) return dailyLimit;",
                  "    return dailyLimit - spentToday;",
                  "}",
                  "",
                  "function _spendWithinLimit(uint256 amount) private returns (bool) {",
                  "    if (block.timestamp >= lastDay + 1 days) {",
                  "        lastDay = block.timestamp;",
                  "        spentToday = 0;",
                  "    }",
                  "    if (amount > dailyLimit - spentToday) return false;",
                  "    spentToday += amount;",
                  "    return true;",
                  "}"]
        p = spec.parameters
        desc = spec.description or f"{p.threshold}-of-{len(p.owners)} multisig wallet."
        doc = natspec(spec.name, desc, "Owners submit, confirm, revoke and execute; a transaction runs once.")
        return assemble(license=spec.license, imports=imports, doc=doc, name=spec.name, bases=bases, body=b)

    def constructor_args(self, spec) -> list:
        p = spec.parameters
        return [[f"@{a}" for a in p.owners], p.threshold]

    def invariants(self, spec) -> list[str]:
        inv = ["threshold() >= 1 and threshold() <= ownerCount()",
               "isOwner(attacker) == 0",
               "getConfirmationCount(transactionCount()) == 0"]
        if spec.options.daily_limit:
            inv.append("spentToday() <= dailyLimit()")
        return inv

    # privileged slots: slot name -> signature; each gets an access_<slot> scenario
    def scenarios(self, spec) -> list[Scenario]:
        out = self._scenarios(spec)
        return out + access_scenarios(out, {"execute": "execute(uint256)", "confirm": "confirm(uint256)"})

    def _scenarios(self, spec) -> list[Scenario]:
        o, p = spec.options, spec.parameters
        owners, m = p.owners, p.threshold
        first, others = owners[0], owners[1:]
        pay = (p.daily_limit + E18) if o.daily_limit else E18  # above the daily limit: needs m confirmations
        steps = [Call("deployer", "deposit()", value=pay),
                 Call("attacker", SUBMIT, ["@bob", pay, b""], reverts=True),
                 Call(first, SUBMIT, ["@bob", pay, b""])]
        if m > 1:
            steps.append(Call(first, "execute(uint256)", [0], reverts=True))
        for who in others[: m - 1]:
            steps.append(Call(who, "confirm(uint256)", [0]))
        steps += [ExpectView("getConfirmationCount(uint256)", [0], m),
                  Call("attacker", "execute(uint256)", [0], reverts=True),
                  Call(first, "execute(uint256)", [0]),
                  ExpectEth("bob", pay), ExpectEth("deployer", -pay), ExpectEth("target", 0),
                  Call(first, "execute(uint256)", [0], reverts=True)]
        out = [Scenario("threshold_confirmations_move_eth",
                        f"{m} confirmations execute a payment exactly once; fewer do not", steps)]

        steps = [Call(first, SUBMIT, ["@alice", 0, b""]),
                 Call("attacker", "confirm(uint256)", [0], reverts=True),
                 Call("attacker", "revoke(uint256)", [0], reverts=True),
                 Call(first, "confirm(uint256)", [0], reverts=True),
                 Call(first, "confirm(uint256)", [1], reverts=True)]
        if others:
            steps += [Call(others[0], "revoke(uint256)", [0], reverts=True),
                      Call(others[0], "confirm(uint256)", [0]),
                      Call(others[0], "revoke(uint256)", [0])]
        steps.append(ExpectView("getConfirmationCount(uint256)", [0], 1))
        out.append(Scenario("only_owners_confirm", "non-owners cannot confirm or revoke; owners revoke their own",
                            steps))

        if o.daily_limit and p.daily_limit > 0:
            lim = p.daily_limit
            steps = [Call("deployer", "deposit()", value=lim + 1),
                     Call(first, SUBMIT, ["@bob", lim, b""]),
                     Call(first, "execute(uint256)", [0]),
                     ExpectEth("bob", lim),
                     Call(first, SUBMIT, ["@bob", 1, b""])]
            if m > 1:
                steps += [Call(first, "execute(uint256)", [1], reverts=True), Warp(86400)]
            steps += [Call(first, "execute(uint256)", [1]), ExpectEth("bob", lim + 1), ExpectEth("target", 0)]
            out.append(Scenario("daily_limit_lets_one_owner_pay", "one owner alone pays up to the daily limit a day",
                                steps))

        if o.owner_management:
            new = 1 if m != 1 else len(owners)
            data = _call("changeThreshold(uint256)", ["uint256"], [new])
            steps = [Call(first, "changeThreshold(uint256)", [new], reverts=True),
                     Call(first, "addOwner(address)", ["@attacker"], reverts=True),
                     Call(first, SUBMIT, ["@target", 0, data])]
            for who in others[: m - 1]:
                steps.append(Call(who, "confirm(uint256)", [0]))
            steps += [Call(first, "execute(uint256)", [0]), ExpectView("threshold()", [], new),
                      ExpectView("isOwner(address)", ["@attacker"], False)]
            out.append(Scenario("owners_change_only_through_the_wallet",
                                "the threshold changes only by the wallet's own confirmed transaction", steps))
        return out
