"""Vesting wallet for one beneficiary on OpenZeppelin 5: linear vesting after a cliff, ETH and optional ERC-20s.

Modelled on OpenZeppelin's ``VestingWalletCliff`` (nothing before the cliff, then linear from the
start to ``start + duration``), with two differences that keep the accounting exact: the grant is
what was explicitly funded (``fund()`` for ETH, ``fundToken`` for ERC-20s), not whatever balance
happens to sit in the contract; and the admin is a separate party from the beneficiary. Anyone may
fund the grant or trigger a release, which always pays the beneficiary. Optional: ``revocable``
(the admin stops the schedule and takes back the unvested part) and ``erc20`` (ERC-20 grants too).
ETH sent to the contract without ``fund()`` is not part of the grant.
"""

from __future__ import annotations

import re

from pydantic import model_validator

from synth.scenarios import Call, ExpectEth, ExpectView, Scenario, Warp
from synth.spec.types import Duration

from ._access import OZ, Access
from ._render import assemble, natspec
from .base import Kind, KindOptions, KindParameters

E18 = 10**18
GRANT = 10 * E18  # what the scenarios fund
_BENEFICIARY = re.compile(r"^(@(alice|bob|deployer)|0x[0-9a-fA-F]{40})$")


class VestingOptions(KindOptions):
    revocable: bool = False  # the admin may stop vesting and take back the unvested part
    erc20: bool = False  # ERC-20 grants too (funded with fundToken, released with releaseToken)


class VestingParameters(KindParameters):
    beneficiary: str = "@alice"  # an actor (@alice, @bob, @deployer) or a 0x address
    cliff: Duration = 30 * 86400  # from the start (deployment); nothing vests before it
    duration: Duration = 365 * 86400  # from the start to full vesting

    @model_validator(mode="after")
    def _sane(self):
        if not _BENEFICIARY.match(self.beneficiary):
            raise ValueError("beneficiary must be @alice, @bob, @deployer or a 0x address of 40 hex digits")
        if self.beneficiary.lower() == "0x" + "0" * 40:
            raise ValueError("beneficiary must not be the zero address")
        if self.duration == 0:
            raise ValueError("duration must be above 0")
        if self.cliff > self.duration:
            raise ValueError("cliff must not be longer than duration")
        return self


class Vesting(Kind):
    NAME = "vesting"
    HELP = ("Vesting wallet: ETH (and optionally ERC-20s) vest linearly to one beneficiary after a cliff; "
            "optionally revocable by the admin.")
    Options = VestingOptions
    Parameters = VestingParameters

    def _roles(self, spec) -> tuple[str, ...]:
        return ("REVOKER",) if spec.options.revocable else ()

    def constructor_args(self, spec) -> list:
        return ["@deployer", spec.parameters.beneficiary]

    def render(self, spec) -> str:
        o, p = spec.options, spec.parameters
        acc = Access(spec.access, self._roles(spec))
        imports = [f'import {{ReentrancyGuard}} from "{OZ}/utils/ReentrancyGuard.sol";'] + acc.imports()
        if o.erc20:
            imports += [f'import {{IERC20}} from "{OZ}/token/ERC20/IERC20.sol";',
                        f'import {{SafeERC20}} from "{OZ}/token/ERC20/utils/SafeERC20.sol";']
        bases = [acc.base(), "ReentrancyGuard"]

        body = []
        if o.erc20:
            body += ["using SafeERC20 for IERC20;", ""]
        body += acc.declarations()
        body += [
            "/// @notice Seconds from the start to the cliff; nothing vests before it.",
            f"uint256 public constant CLIFF_DURATION = {p.cliff};",
            "/// @notice Seconds from the start to full vesting.",
            f"uint256 public constant VESTING_DURATION = {p.duration};",
            "",
            "/// @notice Who receives the vested funds.",
            "address public immutable beneficiary;",
            "/// @notice Who receives the unvested part on revocation: the admin at deployment."
            if o.revocable else None,
            "address public immutable grantor;" if o.revocable else None,
            "/// @notice When vesting starts (unix time): the deployment.",
            "uint256 public immutable start;",
            "",
            "/// @notice ETH granted so far through fund(), in wei.",
            "uint256 public allocated;",
            "/// @notice ETH paid to the beneficiary so far, in wei.",
            "uint256 public released;",
        ]
        body = [ln for ln in body if ln is not None]
        if o.revocable:
            body += [
                "/// @notice ETH the admin took back at revocation, in wei.",
                "uint256 public reclaimed;",
                "/// @notice Whether the admin stopped the schedule.",
                "bool public revoked;",
                "/// @notice When the schedule was stopped (unix time), if revoked.",
                "uint256 public revokedAt;",
            ]
        if o.erc20:
            body += [
                "/// @notice ERC-20 units granted per token through fundToken().",
                "mapping(address token => uint256) public tokenAllocated;",
                "/// @notice ERC-20 units paid to the beneficiary per token.",
                "mapping(address token => uint256) public tokenReleased;",
            ]
            if o.revocable:
                body += ["/// @notice ERC-20 units the admin took back per token after revocation.",
                         "mapping(address token => uint256) public tokenReclaimed;"]
        body += [
            "",
            "event Funded(address indexed from, uint256 amount);",
            "event EtherReleased(address indexed beneficiary, uint256 amount);",
        ]
        if o.erc20:
            body += ["event TokenFunded(address indexed token, address indexed from, uint256 amount);",
                     "event TokenReleased(address indexed token, address indexed beneficiary, uint256 amount);"]
        if o.revocable:
            body.append("event Revoked(address indexed by, uint256 unvestedEther);")
            if o.erc20:
                body.append("event TokenReclaimed(address indexed token, address indexed to, uint256 amount);")
        body += [
            "",
            "error ZeroBeneficiary();",
            "error ZeroAmount();",
            "error NothingToRelease();",
            "error TransferFailed();",
        ]
        if o.revocable:
            body += ["error AlreadyRevoked();", "error NotRevoked();", "error NothingToReclaim();"]

        # constructor
        calls = [acc.base_ctor_call()] if acc.base_ctor_call() else []
        body += ["", f"constructor({acc.ctor_param()}, address beneficiary_)"] + [f"    {c}" for c in calls] + ["{"]
        body += [f"    {ln}" for ln in acc.ctor_body()]
        body += ["    if (beneficiary_ == address(0)) {", "        revert ZeroBeneficiary();", "    }",
                 "    beneficiary = beneficiary_;", "    start = block.timestamp;"]
        if o.revocable:
            body.append(f"    grantor = {acc.admin_param};")
        body.append("}")

        # schedule
        now = "(revoked ? revokedAt : block.timestamp)" if o.revocable else "block.timestamp"
        body += [
            "",
            "/// @notice When the cliff ends (unix time).",
            "function cliff() public view returns (uint256) {",
            "    return start + CLIFF_DURATION;",
            "}",
            "",
            "/// @notice When everything is vested (unix time).",
            "function end() public view returns (uint256) {",
            "    return start + VESTING_DURATION;",
            "}",
            "",
            "/// @dev The vested part of `total` at `timestamp`: 0 before the cliff, then linear until the end.",
            "function _vestingSchedule(uint256 total, uint256 timestamp) internal view returns (uint256) {",
            "    if (timestamp < cliff()) {",
            "        return 0;",
            "    }",
            "    if (timestamp >= end()) {",
            "        return total;",
            "    }",
            "    return (total * (timestamp - start)) / VESTING_DURATION;",
            "}",
            "",
            "/// @dev The moment the schedule is evaluated at: now, or the revocation if revoked.",
            "function _vestingTime() internal view returns (uint256) {",
            f"    return {now};",
            "}",
            "",
            "/// @notice ETH vested so far, in wei (released or not).",
            "function vestedAmount() public view returns (uint256) {",
            "    return _vestingSchedule(allocated, _vestingTime());",
            "}",
            "",
            "/// @notice ETH the beneficiary can be paid now, in wei.",
            "function releasable() public view returns (uint256) {",
            "    return vestedAmount() - released;",
            "}",
            "",
            "/// @notice Add the ETH sent to the grant; anyone may top it up"
            + (" until it is revoked." if o.revocable else "."),
            "function fund() external payable {",
            "    if (msg.value == 0) {",
            "        revert ZeroAmount();",
            "    }",
        ]
        if o.revocable:
            body += ["    if (revoked) {", "        revert AlreadyRevoked();", "    }"]
        body += [
            "    allocated += msg.value;",
            "    emit Funded(msg.sender, msg.value);",
            "}",
            "",
            "/// @notice Pay the vested ETH to the beneficiary; anyone may trigger it.",
            "function release() external nonReentrant {",
            "    uint256 amount = releasable();",
            "    if (amount < 1) {",
            "        revert NothingToRelease();",
            "    }",
            "    released += amount;",
            "    emit EtherReleased(beneficiary, amount);",
            '    (bool ok, ) = payable(beneficiary).call{value: amount}("");',
            "    if (!ok) {",
            "        revert TransferFailed();",
            "    }",
            "}",
        ]
        if o.revocable:
            body += [
                "",
                "/// @notice Stop the schedule now and send the unvested ETH back to the grantor; what has vested",
                "/// stays the beneficiary's.",
                f"function revoke() external {acc.guard('REVOKER')} nonReentrant {{",
                "    if (revoked) {",
                "        revert AlreadyRevoked();",
                "    }",
                "    revoked = true;",
                "    revokedAt = block.timestamp;",
                "    uint256 unvested = allocated - vestedAmount();",
                "    reclaimed = unvested;",
                "    emit Revoked(msg.sender, unvested);",
                "    if (unvested > 0) {",
                '        (bool ok, ) = payable(grantor).call{value: unvested}("");',
                "        if (!ok) {",
                "            revert TransferFailed();",
                "        }",
                "    }",
                "}",
            ]
        if o.erc20:
            body += [
                "",
                "/// @notice ERC-20 units of `token` vested so far (released or not).",
                "function tokenVested(address token) public view returns (uint256) {",
                "    return _vestingSchedule(tokenAllocated[token], _vestingTime());",
                "}",
                "",
                "/// @notice ERC-20 units of `token` the beneficiary can be paid now.",
                "function tokenReleasable(address token) public view returns (uint256) {",
                "    return tokenVested(token) - tokenReleased[token];",
                "}",
                "",
                "/// @notice Pull `amount` of `token` from the caller (after approve) into the grant.",
                "function fundToken(address token, uint256 amount) external nonReentrant {",
                "    if (amount < 1) {",
                "        revert ZeroAmount();",
                "    }",
            ]
            if o.revocable:
                body += ["    if (revoked) {", "        revert AlreadyRevoked();", "    }"]
            body += [
                "    uint256 before = IERC20(token).balanceOf(address(this));",
                "    IERC20(token).safeTransferFrom(msg.sender, address(this), amount);",
                "    uint256 received = IERC20(token).balanceOf(address(this)) - before;",
                "    tokenAllocated[token] += received;",
                "    emit TokenFunded(token, msg.sender, received);",
                "}",
                "",
                "/// @notice Pay the vested units of `token` to the beneficiary; anyone may trigger it.",
                "function releaseToken(address token) external nonReentrant {",
                "    uint256 amount = tokenReleasable(token);",
                "    if (amount < 1) {",
                "        revert NothingToRelease();",
                "    }",
                "    tokenReleased[token] += amount;",
                "    emit TokenReleased(token, beneficiary, amount);",
                "    IERC20(token).safeTransfer(beneficiary, amount);",
                "}",
            ]
            if o.revocable:
                body += [
                    "",
                    "/// @notice After revocation, send the unvested units of `token` back to the grantor.",
                    f"function reclaimToken(address token) external {acc.guard('REVOKER')} nonReentrant {{",
                    "    if (!revoked) {",
                    "        revert NotRevoked();",
                    "    }",
                    "    uint256 amount = tokenAllocated[token] - tokenVested(token) - tokenReclaimed[token];",
                    "    if (amount < 1) {",
                    "        revert NothingToReclaim();",
                    "    }",
                    "    tokenReclaimed[token] += amount;",
                    "    emit TokenReclaimed(token, grantor, amount);",
                    "    IERC20(token).safeTransfer(grantor, amount);",
                    "}",
                ]

        what = "ETH and ERC-20 tokens" if o.erc20 else "ETH"
        default = (f"Vesting wallet: {what} vest linearly over {_human(p.duration)} to the beneficiary, "
                   f"after a cliff of {_human(p.cliff)}" + ("; the admin may revoke the unvested part." if o.revocable
                                                         else "."))
        doc = natspec(spec.name, spec.description or default,
                      "Only funds added with fund()" + (" or fundToken()" if o.erc20 else "")
                      + " are vested; releases always pay the beneficiary.")
        return assemble(license=spec.license, imports=imports, doc=doc, name=spec.name, bases=bases, body=body)

    def invariants(self, spec) -> list[str]:
        if spec.options.revocable:
            return ["released() + reclaimed() <= allocated()",
                    "balance(this) >= allocated() - released() - reclaimed()",
                    "released() <= vestedAmount()",
                    "not revoked() or vestedAmount() + reclaimed() == allocated()"]
        return ["released() <= vestedAmount()",
                "vestedAmount() <= allocated()",
                "balance(this) >= allocated() - released()"]

    def scenarios(self, spec) -> list[Scenario]:
        o, p = spec.options, spec.parameters
        ben = p.beneficiary[1:] if p.beneficiary.startswith("@") else None
        funder = "bob" if ben != "bob" else "deployer"
        pay = ExpectEth(ben, GRANT) if ben and ben != funder else None
        out = []
        steps = [Call(funder, "fund()", [], value=GRANT),
                 Call("alice", "fund()", [], value=0, reverts=True),
                 ExpectView("allocated()", [], GRANT)]
        if p.cliff > 600:  # well before the cliff, whatever the block times
            steps += [Call("attacker", "release()", [], reverts=True),
                      ExpectView("releasable()", [], 0),
                      ExpectView("released()", [], 0)]
        if p.cliff:
            steps.append(Warp(p.cliff))
        steps += [Call("attacker", "release()"),  # anyone may trigger; the beneficiary is paid
                  ExpectEth("attacker", 0),
                  Warp(p.duration),
                  ExpectView("vestedAmount()", [], GRANT),
                  Call("attacker", "release()"),
                  ExpectView("released()", [], GRANT),
                  ExpectView("releasable()", [], 0),
                  Call("bob", "release()", [], reverts=True),
                  ExpectEth(funder, -GRANT),
                  ExpectEth("attacker", 0),
                  ExpectEth("target", 0)]
        if pay:
            steps.append(pay)
        out.append(Scenario("vests_after_cliff", "nothing before the cliff, then linear; all of it after the end",
                            steps))

        if o.revocable:
            if p.cliff > 600:
                steps = [Call(funder, "fund()", [], value=GRANT),
                         Call("attacker", "revoke()", [], reverts=True),
                         Call("deployer", "revoke()"),
                         ExpectView("revoked()", [], True),
                         ExpectView("reclaimed()", [], GRANT),
                         Call("deployer", "revoke()", [], reverts=True),
                         Call(funder, "fund()", [], value=1, reverts=True),
                         Warp(p.duration + 1),
                         ExpectView("vestedAmount()", [], 0),
                         Call("alice", "release()", [], reverts=True)]
                if funder == "deployer":
                    steps.append(ExpectEth("deployer", 0))
                else:
                    steps += [ExpectEth("deployer", GRANT), ExpectEth(funder, -GRANT)]
                if ben and ben not in (funder, "deployer"):
                    steps.append(ExpectEth(ben, 0))
                out.append(Scenario("revoke_before_cliff_returns_all",
                                    "revoking before the cliff gives the whole grant back to the admin", steps))
            steps = [Call(funder, "fund()", [], value=GRANT),
                     Warp(p.duration + 1),
                     Call("deployer", "revoke()"),
                     ExpectView("reclaimed()", [], 0),
                     Call("alice", "release()"),
                     ExpectView("released()", [], GRANT)]
            if pay:
                steps.append(pay)
            out.append(Scenario("revoke_after_end_takes_nothing",
                                "after the end everything is vested; revoking takes nothing back", steps))
        return out


def _human(seconds: int) -> str:
    for unit, n in (("years", 365 * 86400), ("weeks", 604800), ("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= n and seconds % n == 0:
            return f"{seconds // n} {unit}"
    return f"{seconds} seconds"
