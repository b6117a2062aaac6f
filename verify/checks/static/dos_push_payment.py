"""ouro-dos-push-payment: a reverting ETH payment to an address any user can become.

Reported: ``transfer``, ``require(x.send(..))`` or ``.call{value: ..}`` whose success flag is
required (``require(ok)``, ``if (!ok) revert()``), when the recipient is read from contract
state (a state address, or an element of a state array/mapping) that some unprivileged function
sets from ``msg.sender``/``tx.origin`` or from one of its arguments (``king = msg.sender``,
``payees.push(msg.sender)``). A recipient contract that rejects ETH then makes the paying
function revert for everyone: the previous king can never be dethroned, a payout loop never ends.
Payments inside a loop are flagged as such.

Not reported: payments to ``msg.sender`` (pull pattern), unchecked ``send``/``call`` (they do not
revert; ``unchecked-send``/``unchecked-lowlevel`` cover them), and recipients only set in the
constructor or by owner-guarded functions (see ``_common.owner_guarded``).
"""

from __future__ import annotations

from slither.core.declarations import Contract, Function
from slither.core.variables.state_variable import StateVariable
from slither.slithir.operations import Assignment, Index, Member, Transfer, TypeConversion, Unpack

from . import DetectorClassification, OuroDetector
from ._common import (
    MSG_SENDER,
    TX_ORIGIN,
    condition_reads,
    dominated,
    eth_payments,
    forward_taint,
    functions_of,
    in_loop,
    is_conditional,
    is_revert_node,
    origin,
    owner_guarded,
    sources_of,
    state_var_of,
    tolerant,
)


def _is_copy(ir) -> bool:
    """IRs through which an address keeps its identity: copies, casts, element reads, unpacking."""
    return isinstance(ir, (Assignment, TypeConversion, Index, Member, Unpack))


def _recipient_states(function: Function, dest) -> set[StateVariable]:
    """State variables the recipient address is read from (through copies and casts)."""
    def seed(v) -> set[str]:
        o = origin(v)
        return {o.canonical_name} if isinstance(o, StateVariable) else set()

    taint = forward_taint(function, seed=seed, index_taints=False, through=_is_copy)
    names = sources_of(dest, taint, seed)
    by_name = {sv.canonical_name: sv for sv in function.contract.state_variables} \
        if isinstance(function.contract, Contract) else {}
    return {by_name[n] for n in names if n in by_name}


def _from_caller(function: Function, dest) -> bool:
    """The recipient is the caller itself (through locals and casts, not through storage)."""
    if state_var_of(dest) is not None:
        return False

    def seed(v) -> set[str]:
        return {"sender"} if v in (MSG_SENDER, TX_ORIGIN) else set()

    taint = forward_taint(function, seed=seed, through=lambda ir: _is_copy(ir) and state_var_of(ir.lvalue) is None)
    return "sender" in sources_of(dest, taint, seed)


def _user_settable(contract: Contract) -> dict[StateVariable, list[Function]]:
    """State variables some unprivileged function writes with the caller's address or an argument."""
    out: dict[StateVariable, list[Function]] = {}
    for f in contract.functions:
        if f.is_constructor or f.view or f.pure or owner_guarded(f):
            continue
        entry = f.visibility in ("public", "external")
        params = set(f.parameters) if entry else set()

        def seed(v, params=params) -> set[str]:
            return {"user"} if (v in (MSG_SENDER, TX_ORIGIN) or v in params) else set()

        taint = forward_taint(f, seed=seed, index_taints=False, through=_is_copy)
        for v, src in taint.items():
            if isinstance(v, StateVariable) and "user" in src:
                out.setdefault(v, []).append(f)
    return out


def _reverting_check(function: Function, pay_node, ir) -> list:
    """Nodes making a failed payment revert: ``transfer`` itself, or a require/if-revert on its result."""
    if isinstance(ir, Transfer):
        return [pay_node]
    if ir.lvalue is None:
        return []
    flag = ir.lvalue
    taint = forward_taint(function, seed=lambda v: set(), initial={flag: {"ok"}},
                          through=lambda op: not isinstance(op, Index))
    checks = []
    for node in [pay_node] + dominated(pay_node, function):
        if not is_conditional(node):
            continue
        if not any(v is flag or "ok" in taint.get(v, ()) for v in condition_reads(node)):
            continue
        if node.contains_require_or_assert() or any(is_revert_node(n) for n in dominated(node, function)):
            checks.append(node)
    return checks


class DosPushPayment(OuroDetector):
    ARGUMENT = "ouro-dos-push-payment"
    HELP = "Reverting push payment to a user-controlled address"
    IMPACT = DetectorClassification.MEDIUM
    CONFIDENCE = DetectorClassification.MEDIUM
    CATEGORY = "denial-of-service"

    WIKI = "https://swcregistry.io/docs/SWC-113"
    WIKI_TITLE = "Denial of service by a failing push payment"
    WIKI_DESCRIPTION = (
        "The function sends ETH to an address taken from contract state that any user can set to "
        "themselves, and reverts when the payment fails. A contract without a payable fallback (or "
        "one that reverts on purpose) in that slot blocks the function for everybody."
    )
    WIKI_EXPLOIT_SCENARIO = """
```solidity
function claimThrone() public payable {
    require(msg.value > prize);
    king.transfer(prize);
    king = msg.sender;
    prize = msg.value;
}
```
Eve becomes king from a contract whose fallback reverts: every later `claimThrone` reverts and she is
king forever."""
    WIKI_RECOMMENDATION = (
        "Use pull payments: credit the amount to the recipient and let them withdraw it, or do not "
        "revert when a payment to a user-controlled address fails."
    )

    def _detect(self):
        results = []
        settable_by_contract: dict[str, dict] = {}
        for contract, f in functions_of(self.contracts):
            if f.view or f.pure:
                continue
            settable = settable_by_contract.get(contract.name)
            if settable is None:
                settable = settable_by_contract[contract.name] = tolerant(
                    self, contract, lambda: _user_settable(contract), {})
            for node, states, checks in tolerant(self, f, lambda: self._push_payments(f, settable), []):
                setters = sorted({g.canonical_name for sv in states for g in settable[sv]})
                where = " in a loop" if in_loop(node) else ""
                info = [f, f" pushes ETH{where} to an address read from ",
                        ", ".join(sv.name for sv in states),
                        f" (set by {', '.join(setters)}) and reverts if the payment fails: ", node]
                extra = [n for n in checks if n is not node]
                for n in extra:
                    info += [", ", n]
                info.append("\n")
                results.append(self.generate_result(info))
        return results

    @staticmethod
    def _push_payments(f: Function, settable: dict) -> list[tuple]:
        out = []
        for node in f.nodes:
            for ir, dest in eth_payments(node):
                if _from_caller(f, dest):
                    continue
                states = [sv for sv in _recipient_states(f, dest) if sv in settable]
                if not states:
                    continue
                checks = _reverting_check(f, node, ir)
                if checks:
                    out.append((node, states, checks))
        return out
