"""Vesting wallet for one beneficiary on OpenZeppelin 5: linear vesting after a cliff, of ETH or of one ERC-20.

Modelled on OpenZeppelin's ``VestingWalletCliff`` (nothing before the cliff, then linear from the
start to ``start + duration``), with two differences that keep the accounting exact: the grant is
what was explicitly funded (``fund()``), not whatever balance happens to sit in the contract; and
the admin is a separate party from the beneficiary. Anyone may fund the grant or trigger a release,
which always pays the beneficiary. Optional: ``revocable`` (the admin stops the schedule and takes
back the unvested part) and ``erc20`` (the grant is the ERC-20 at ``parameters.token``, given at
deployment, instead of ETH: ``fund(uint256)`` pulls it with ``safeTransferFrom`` after an approval,
and only what actually arrives is granted, so fee-on-transfer tokens are handled). Funds sent to
the contract without ``fund()`` are not part of the grant.
"""

from __future__ import annotations

import re

from pydantic import model_validator

from synth.scenarios import Call, ExpectEth, ExpectToken, ExpectView, Scenario, Warp, access_scenarios
from synth.spec.types import Address, Duration

from ._access import OZ, Access
from ._render import assemble, natspec
from .base import Kind, KindOptions, KindParameters, TokenRef
from ._tokens import token_grid

E18 = 10**18
GRANT = 10 * E18  # what the scenarios fund
_BENEFICIARY = re.compile(r"^(@(alice|bob|deployer)|0x[0-9a-fA-F]{40})$")


class VestingOptions(KindOptions):
    revocable: bool = False  # the admin may stop vesting and take back the unvested part
    erc20: bool = False  # the grant is the ERC-20 at parameters.token instead of ETH


class VestingParameters(KindParameters):
    beneficiary: str = "@alice"  # an actor (@alice, @bob, @deployer) or a 0x address
    cliff: Duration = 30 * 86400  # from the start (deployment); nothing vests before it
    duration: Duration = 365 * 86400  # from the start to full vesting
    token: Address | None = None  # the vested ERC-20, when options.erc20

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
    HELP = ("Vesting wallet: ETH or an ERC-20 vests linearly to one beneficiary after a cliff; "
            "optionally revocable by the admin.")
    Options = VestingOptions
    Parameters = VestingParameters

    def _roles(self, spec) -> tuple[str, ...]:
        return ("REVOKER",) if spec.options.revocable else ()

    def constructor_args(self, spec) -> list:
        return ["@deployer", spec.parameters.beneficiary] + (["@ref:token"] if spec.options.erc20 else [])

    def token_refs(self, spec) -> list[TokenRef]:
        if not spec.options.erc20:
            return []
        return [TokenRef(key="token", standard="erc20", option="erc20", address=spec.parameters.token)]

    def grid(self) -> list[dict]:
        # ETH entries first in their old order, then the token entries (each token parameter set to a
        # distinct placeholder), and last the richest ETH entry
        return token_grid(super().grid(), {"erc20": "token"})

    def render(self, spec) -> str:
        o, p = spec.options, spec.parameters
        t = o.erc20
        acc = Access(spec.access, self._roles(spec))
        imports = [f'import {{ReentrancyGuard}} from "{OZ}/utils/ReentrancyGuard.sol";'] + acc.imports()
        if t:
            imports += [f'import {{IERC20}} from "{OZ}/token/ERC20/IERC20.sol";',
                        f'import {{SafeERC20}} from "{OZ}/token/ERC20/utils/SafeERC20.sol";']
        bases = [acc.base(), "ReentrancyGuard"]
        what, unit = ("Tokens", "token units") if t else ("ETH", "wei")

        body = []
        if t:
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
            "/// @notice The ERC-20 that vests." if t else None,
            "IERC20 public immutable token;" if t else None,
            "/// @notice Who receives the unvested part on revocation: the admin at deployment."
            if o.revocable else None,
            "address public immutable grantor;" if o.revocable else None,
            "/// @notice When vesting starts (unix time): the deployment.",
            "uint256 public immutable start;",
            "",
            f"/// @notice {what} granted so far through fund(), in {unit}.",
            "uint256 public allocated;",
            f"/// @notice {what} paid to the beneficiary so far, in {unit}.",
            "uint256 public released;",
        ]
        body = [ln for ln in body if ln is not None]
        if o.revocable:
            body += [
                f"/// @notice {what} the admin took back at revocation, in {unit}.",
                "uint256 public reclaimed;",
                "/// @notice Whether the admin stopped the schedule.",
                "bool public revoked;",
                "/// @notice When the schedule was stopped (unix time), if revoked.",
                "uint256 public revokedAt;",
            ]
        body += [
            "",
            "event Funded(address indexed from, uint256 amount);",
            "event TokensReleased(address indexed beneficiary, uint256 amount);" if t else
            "event EtherReleased(address indexed beneficiary, uint256 amount);",
        ]
        if o.revocable:
            body.append("event Revoked(address indexed by, uint256 unvestedTokens);" if t else
                        "event Revoked(address indexed by, uint256 unvestedEther);")
        body += [
            "",
            "error ZeroBeneficiary();",
            "error ZeroAmount();",
            "error NothingToRelease();",
            "error ZeroToken();" if t else "error TransferFailed();",
        ]
        if o.revocable:
            body += ["error AlreadyRevoked();"] if t else ["error AlreadyRevoked();", "error NotRevoked();",
                                                           "error NothingToReclaim();"]

        # constructor
        calls = [acc.base_ctor_call()] if acc.base_ctor_call() else []
        params = f"{acc.ctor_param()}, address beneficiary_" + (", IERC20 token_" if t else "")
        body += ["", f"constructor({params})"] + [f"    {c}" for c in calls] + ["{"]
        body += [f"    {ln}" for ln in acc.ctor_body()]
        body += ["    if (beneficiary_ == address(0)) {", "        revert ZeroBeneficiary();", "    }"]
        if t:
            body += ["    if (address(token_) == address(0)) {", "        revert ZeroToken();", "    }",
                     "    token = token_;"]
        body += ["    beneficiary = beneficiary_;", "    start = block.timestamp;"]
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
            "/// @custom:ouro-slot vestingSchedule",
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
            f"/// @notice {what} vested so far, in {unit} (released or not).",
            "function vestedAmount() public view returns (uint256) {",
            "    return _vestingSchedule(allocated, _vestingTime());",
            "}",
            "",
            f"/// @notice {what} the beneficiary can be paid now, in {unit}.",
            "function releasable() public view returns (uint256) {",
            "    return vestedAmount() - released;",
            "}",
            "",
        ]
        until = " until it is revoked." if o.revocable else "."
        if t:
            body += [
                "/// @notice Tokens the contract holds, in token units (the grant not yet paid out, and any sent",
                "/// without fund()).",
                "function tokenBalance() public view returns (uint256) {",
                "    return token.balanceOf(address(this));",
                "}",
                "",
                "/// @notice Pull `amount` of the token from the caller (approve it first) into the grant; anyone may",
                f"/// top it up{until}",
                "/// @dev Only what arrives is granted: a fee-on-transfer token grants the amount received.",
                "function fund(uint256 amount) external nonReentrant {",
                "    if (amount == 0) {",
                "        revert ZeroAmount();",
                "    }",
            ]
        else:
            body += [
                f"/// @notice Add the ETH sent to the grant; anyone may top it up{until}",
                "function fund() external payable {",
                "    if (msg.value == 0) {",
                "        revert ZeroAmount();",
                "    }",
            ]
        if o.revocable:
            body += ["    if (revoked) {", "        revert AlreadyRevoked();", "    }"]
        if t:
            body += [
                "    uint256 before = token.balanceOf(address(this));",
                "    token.safeTransferFrom(msg.sender, address(this), amount);",
                "    uint256 received = token.balanceOf(address(this)) - before;",
                "    if (received < 1) {",
                "        revert ZeroAmount();",
                "    }",
                "    allocated += received;",
                "    emit Funded(msg.sender, received);",
                "}",
            ]
        else:
            body += ["    allocated += msg.value;", "    emit Funded(msg.sender, msg.value);", "}"]
        body += [
            "",
            f"/// @notice Pay the vested {'tokens' if t else 'ETH'} to the beneficiary; anyone may trigger it.",
            "/// @custom:ouro-slot release",
            "function release() external nonReentrant {",
            "    uint256 amount = releasable();",
            "    if (amount < 1) {",
            "        revert NothingToRelease();",
            "    }",
            "    released += amount;",
        ]
        if t:
            body += ["    emit TokensReleased(beneficiary, amount);",
                     "    token.safeTransfer(beneficiary, amount);", "}"]
        else:
            body += ["    emit EtherReleased(beneficiary, amount);",
                     '    (bool ok, ) = payable(beneficiary).call{value: amount}("");',
                     "    if (!ok) {", "        revert TransferFailed();", "    }", "}"]
        if o.revocable:
            body += [
                "",
                f"/// @notice Stop the schedule now and send the unvested {'tokens' if t else 'ETH'} back to the "
                "grantor; what has vested",
                "/// stays the beneficiary's.",
                "/// @custom:ouro-slot revoke",
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
            ]
            if t:
                body += ["        token.safeTransfer(grantor, unvested);", "    }", "}"]
            else:
                body += ['        (bool ok, ) = payable(grantor).call{value: unvested}("");',
                         "        if (!ok) {", "            revert TransferFailed();", "        }", "    }", "}"]

        what_d = "an ERC-20 token" if t else "ETH"
        default = (f"Vesting wallet: {what_d} vest{'s' if t else ''} linearly over {_human(p.duration)} to the "
                   f"beneficiary, after a cliff of {_human(p.cliff)}"
                   + ("; the admin may revoke the unvested part." if o.revocable else "."))
        dev = "Only funds added with fund() are vested; releases always pay the beneficiary."
        if t:
            dev += (" The token is moved with SafeERC20 (a token returning false reverts); fee-on-transfer tokens "
                    "are handled by granting the balance difference actually received. Rebasing tokens are not "
                    "supported.")
        doc = natspec(spec.name, spec.description or default, dev)
        return assemble(license=spec.license, imports=imports, doc=doc, name=spec.name, bases=bases, body=body)

    def invariants(self, spec) -> list[str]:
        held = "tokenBalance()" if spec.options.erc20 else "balance(this)"
        if spec.options.revocable:
            return ["released() + reclaimed() <= allocated()",
                    f"{held} >= allocated() - released() - reclaimed()",
                    "released() <= vestedAmount()",
                    "not revoked() or vestedAmount() + reclaimed() == allocated()"]
        return ["released() <= vestedAmount()",
                "vestedAmount() <= allocated()",
                f"{held} >= allocated() - released()"]

    # privileged slots: slot name -> signature; each gets an access_<slot> scenario
    def scenarios(self, spec) -> list[Scenario]:
        out = self._scenarios(spec)
        return out + access_scenarios(out, {"revoke": "revoke()"})

    def _scenarios(self, spec) -> list[Scenario]:
        o, p = spec.options, spec.parameters
        ben = p.beneficiary[1:] if p.beneficiary.startswith("@") else None
        funder = "bob" if ben != "bob" else "deployer"

        def fund(actor: str, amount: int, reverts: bool = False) -> Call:
            if o.erc20:
                return Call(actor, "fund(uint256)", [amount], reverts=reverts)
            return Call(actor, "fund()", [], value=amount, reverts=reverts)

        def paid(actor: str, delta: int):
            return ExpectToken(actor, "token", delta) if o.erc20 else ExpectEth(actor, delta)

        pay = paid(ben, GRANT) if ben and ben != funder else None
        out = []
        steps = [fund(funder, GRANT),
                 fund("alice", 0, reverts=True),
                 ExpectView("allocated()", [], GRANT)]
        if p.cliff > 600:  # well before the cliff, whatever the block times
            steps += [Call("attacker", "release()", [], reverts=True),
                      ExpectView("releasable()", [], 0),
                      ExpectView("released()", [], 0)]
        if p.cliff:
            steps.append(Warp(p.cliff))
        steps += [Call("attacker", "release()"),  # anyone may trigger; the beneficiary is paid
                  paid("attacker", 0),
                  Warp(p.duration),
                  ExpectView("vestedAmount()", [], GRANT),
                  Call("attacker", "release()"),
                  ExpectView("released()", [], GRANT),
                  ExpectView("releasable()", [], 0),
                  Call("bob", "release()", [], reverts=True),
                  paid(funder, -GRANT),
                  paid("attacker", 0),
                  paid("target", 0)]
        if pay:
            steps.append(pay)
        out.append(Scenario("vests_after_cliff", "nothing before the cliff, then linear; all of it after the end",
                            steps))
        if o.erc20:
            out.append(Scenario("fund_pulls_the_token", "funding pulls the approved tokens; no allowance, no grant", [
                Call(funder, "approve(address,uint256)", ["@target", 0], on="token"),
                fund(funder, GRANT, reverts=True),
                Call(funder, "approve(address,uint256)", ["@target", GRANT], on="token"),
                fund(funder, GRANT),
                ExpectView("allocated()", [], GRANT),
                ExpectView("tokenBalance()", [], GRANT),
                ExpectView("allowance(address,address)", [f"@{funder}", "@target"], 0, on="token"),
                paid(funder, -GRANT)]))

        if o.revocable:
            if p.cliff > 600:
                steps = [fund(funder, GRANT),
                         Call("attacker", "revoke()", [], reverts=True),
                         Call("deployer", "revoke()"),
                         ExpectView("revoked()", [], True),
                         ExpectView("reclaimed()", [], GRANT),
                         Call("deployer", "revoke()", [], reverts=True),
                         fund(funder, 1, reverts=True),
                         Warp(p.duration + 1),
                         ExpectView("vestedAmount()", [], 0),
                         Call("alice", "release()", [], reverts=True)]
                if funder == "deployer":
                    steps.append(paid("deployer", 0))
                else:
                    steps += [paid("deployer", GRANT), paid(funder, -GRANT)]
                if ben and ben not in (funder, "deployer"):
                    steps.append(paid(ben, 0))
                out.append(Scenario("revoke_before_cliff_returns_all",
                                    "revoking before the cliff gives the whole grant back to the admin", steps))
            steps = [fund(funder, GRANT),
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
