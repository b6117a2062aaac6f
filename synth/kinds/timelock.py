"""Timelock on OpenZeppelin 5's ``TimelockController``: every call waits ``min_delay`` in public.

Proposers schedule operations (a call: target, value, data), which become executable after
the minimum delay; executors run them; cancellers veto them while pending. The delay itself
and every role change go through the same queue once the optional bootstrap admin is gone.

Options: ``open_executor`` (anyone may execute a ready operation: the role goes to address(0)),
``self_administered`` (no bootstrap admin: from deployment on, roles change only through
timelocked proposals), ``guardian`` (an extra canceller who can veto queued operations but not
propose).

Access: the controller's own ``AccessControl`` roles (proposer, executor, canceller, admin), so
``roles`` is the only access mode. Proposers (and the admin unless self-administered) are the
deployer; the guardian is the second constructor actor.
"""

from __future__ import annotations

from eth_abi import encode
from eth_utils import function_signature_to_4byte_selector, keccak

from synth.scenarios import Call, ExpectEth, ExpectView, Scenario, Warp
from synth.spec.types import Duration

from ._access import OZ
from ._render import assemble, natspec
from .base import Kind, KindOptions, KindParameters

ZERO32 = b"\x00" * 32
DEAD = "0x000000000000000000000000000000000000dEaD"
PROPOSER_ROLE = keccak(text="PROPOSER_ROLE")
EXECUTOR_ROLE = keccak(text="EXECUTOR_ROLE")
CANCELLER_ROLE = keccak(text="CANCELLER_ROLE")
DEFAULT_ADMIN_ROLE = ZERO32
SCHEDULE = "schedule(address,uint256,bytes,bytes32,bytes32,uint256)"
EXECUTE = "execute(address,uint256,bytes,bytes32,bytes32)"
BLOCK_SECONDS = 12  # every scenario call is one block later


class TimelockOptions(KindOptions):
    open_executor: bool = False  # anyone may execute a ready operation
    self_administered: bool = False  # no bootstrap admin: roles change only through the timelock itself
    guardian: bool = False  # an extra canceller (veto) that cannot propose


class TimelockParameters(KindParameters):
    min_delay: Duration = 2 * 86400  # the minimum wait between scheduling and executing


def _salt(n: int) -> bytes:
    return n.to_bytes(32, "big")


def _op_id(target: str, value: int, data: bytes, predecessor: bytes, salt: bytes) -> bytes:
    return keccak(encode(["address", "uint256", "bytes", "bytes32", "bytes32"], [target, value, data, predecessor, salt]))


class Timelock(Kind):
    NAME = "timelock"
    HELP = ("Timelock (OpenZeppelin TimelockController): proposers schedule calls that executors run after a "
            "minimum delay; optional open execution, self-administration and a guardian that can veto.")
    Options = TimelockOptions
    Parameters = TimelockParameters
    ACCESS = ("roles",)  # the controller's own proposer/executor/canceller/admin roles

    def render(self, spec) -> str:
        o, p = spec.options, spec.parameters
        imports = [f'import {{TimelockController}} from "{OZ}/governance/TimelockController.sol";']
        params = ["address[] memory proposers"]
        docs = ["/// @param proposers Accounts that schedule (and may cancel) operations."]
        if not o.open_executor:
            params.append("address[] memory executors")
            docs.append("/// @param executors Accounts that execute ready operations.")
        if not o.self_administered:
            params.append("address admin")
            docs.append("/// @param admin Bootstrap admin that may change roles without delay; it should renounce "
                        "once the setup is done.")
        if o.guardian:
            params.append("address guardian")
            docs.append("/// @param guardian May cancel (veto) pending operations; cannot propose nor execute.")
        executors = "_anyone()" if o.open_executor else "executors"
        admin = "address(0)" if o.self_administered else "admin"
        b = ["/// @notice The minimum delay this timelock was deployed with, in seconds.",
             f"uint256 public constant INITIAL_MIN_DELAY = {p.min_delay};", ""]
        if o.guardian:
            b += ["error TimelockZeroGuardian();", ""]
        b += docs
        b.append(f"constructor({', '.join(params)})")
        b.append(f"    TimelockController(INITIAL_MIN_DELAY, proposers, {executors}, {admin})")
        b.append("{")
        if o.guardian:
            b += ["    if (guardian == address(0)) revert TimelockZeroGuardian();",
                  "    _grantRole(CANCELLER_ROLE, guardian);"]
        b.append("}")
        if o.open_executor:
            b += ["",
                  "/// @dev The executor list that opens execution to everyone: the role held by address(0).",
                  "function _anyone() private pure returns (address[] memory list) {",
                  "    list = new address[](1);",
                  "    list[0] = address(0);",
                  "}"]
        notes = []
        notes.append("Anyone may execute a ready operation." if o.open_executor else
                     "Only executors may execute ready operations.")
        notes.append("Roles change only through timelocked proposals." if o.self_administered else
                     "A bootstrap admin may change roles without delay until it renounces.")
        if o.guardian:
            notes.append("A guardian may veto pending operations.")
        desc = spec.description or "Timelock: every call waits the minimum delay in public before it runs."
        doc = natspec(spec.name, desc, " ".join(notes))
        return assemble(license=spec.license, imports=imports, doc=doc, name=spec.name,
                        bases=["TimelockController"], body=b)

    def constructor_args(self, spec) -> list:
        o = spec.options
        args: list = [["@deployer"]]
        if not o.open_executor:
            args.append(["@deployer"])
        if not o.self_administered:
            args.append("@deployer")
        if o.guardian:
            args.append("@alice")
        return args

    def invariants(self, spec) -> list[str]:
        return ["hasRole(PROPOSER_ROLE(), attacker) == 0",
                "hasRole(EXECUTOR_ROLE(), attacker) == 0",
                "hasRole(CANCELLER_ROLE(), attacker) == 0",
                "hasRole(DEFAULT_ADMIN_ROLE(), attacker) == 0"]

    def scenarios(self, spec) -> list[Scenario]:
        o, p = spec.options, spec.parameters
        d = p.min_delay
        executor = "alice" if o.open_executor else "deployer"
        pay = 5 * 10**17
        salt = _salt(1)
        steps = [Call("attacker", SCHEDULE, ["@bob", pay, b"", ZERO32, salt, d], reverts=True)]
        if d > 0:
            steps.append(Call("deployer", SCHEDULE, ["@bob", pay, b"", ZERO32, salt, d - 1], reverts=True))
        steps.append(Call("deployer", SCHEDULE, ["@bob", pay, b"", ZERO32, salt, d]))
        if d > BLOCK_SECONDS:
            steps.append(Call(executor, EXECUTE, ["@bob", pay, b"", ZERO32, salt], value=pay, reverts=True))
        steps.append(Warp(d))
        if not o.open_executor:
            steps.append(Call("alice", EXECUTE, ["@bob", pay, b"", ZERO32, salt], value=pay, reverts=True))
        steps += [Call(executor, EXECUTE, ["@bob", pay, b"", ZERO32, salt], value=pay),
                  ExpectEth("bob", pay), ExpectEth(executor, -pay),
                  Call(executor, EXECUTE, ["@bob", pay, b"", ZERO32, salt], value=pay, reverts=True)]
        out = [Scenario("scheduled_call_waits_min_delay",
                        "a scheduled payment cannot run before the delay and runs once after it", steps)]

        new_delay = d + 86400
        data = function_signature_to_4byte_selector("updateDelay(uint256)") + encode(["uint256"], [new_delay])
        salt2 = _salt(2)
        out.append(Scenario("delay_changes_only_through_the_queue", "the delay changes only by a timelocked call", [
            Call("deployer", "updateDelay(uint256)", [new_delay], reverts=True),
            Call("deployer", SCHEDULE, ["@target", 0, data, ZERO32, salt2, d]),
            Warp(d),
            Call(executor, EXECUTE, ["@target", 0, data, ZERO32, salt2]),
            ExpectView("getMinDelay()", [], new_delay)]))

        salt3 = _salt(3)
        op = _op_id(DEAD, 0, b"", ZERO32, salt3)
        vetoer = "alice" if o.guardian else "deployer"
        steps = [Call("deployer", SCHEDULE, [DEAD, 0, b"", ZERO32, salt3, d]),
                 ExpectView("isOperationPending(bytes32)", [op], True),
                 Call("attacker", "cancel(bytes32)", [op], reverts=True)]
        if o.guardian:
            steps += [ExpectView("hasRole(bytes32,address)", [PROPOSER_ROLE, "@alice"], False),
                      Call("alice", SCHEDULE, [DEAD, 0, b"", ZERO32, _salt(4), d], reverts=True)]
        steps += [Call(vetoer, "cancel(bytes32)", [op]),
                  ExpectView("isOperation(bytes32)", [op], False),
                  Warp(d),
                  Call(executor, EXECUTE, [DEAD, 0, b"", ZERO32, salt3], reverts=True)]
        out.append(Scenario("pending_operation_can_be_vetoed", "a canceller vetoes a pending operation", steps))

        if o.self_administered:
            out.append(Scenario("no_admin_outside_the_timelock", "roles change only through the timelock", [
                ExpectView("hasRole(bytes32,address)", [DEFAULT_ADMIN_ROLE, "@deployer"], False),
                ExpectView("hasRole(bytes32,address)", [DEFAULT_ADMIN_ROLE, "@target"], True),
                Call("deployer", "grantRole(bytes32,address)", [PROPOSER_ROLE, "@alice"], reverts=True)]))
        else:
            out.append(Scenario("bootstrap_admin_grants_and_renounces", "the bootstrap admin sets up, then leaves", [
                Call("attacker", "grantRole(bytes32,address)", [PROPOSER_ROLE, "@attacker"], reverts=True),
                Call("deployer", "grantRole(bytes32,address)", [PROPOSER_ROLE, "@alice"]),
                ExpectView("hasRole(bytes32,address)", [PROPOSER_ROLE, "@alice"], True),
                Call("deployer", "renounceRole(bytes32,address)", [DEFAULT_ADMIN_ROLE, "@deployer"]),
                ExpectView("hasRole(bytes32,address)", [DEFAULT_ADMIN_ROLE, "@deployer"], False),
                Call("deployer", "grantRole(bytes32,address)", [EXECUTOR_ROLE, "@bob"], reverts=True)]))
        return out
