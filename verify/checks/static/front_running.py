"""ouro-front-running: a reward for submitting, in clear, the preimage of a stored hash.

Pattern: a require/if compares ``keccak256``/``sha3``/``sha256``/``ripemd160`` of a function
argument with a state value (``answerHash``, ``puzzle``, a constant), and the code it guards pays
ETH (transfer/send/call with value) or transfers/mints tokens to ``msg.sender``/``tx.origin`` or
to an address passed as an argument. Whoever watches the mempool can copy the answer with a
higher gas price.

Not reported: functions where a compared hash or the stored value is bound to the caller
(``keccak256(abi.encodePacked(msg.sender, secret)) == commitments[msg.sender]``), i.e. the
second step of a commit-reveal scheme; payments to an address argument the hash commits to
(a Merkle-style claim for ``account`` pays ``account`` whoever submits it); payments to a fixed
recipient read from state (a hash-lock paying a stored receiver).
"""

from __future__ import annotations

from slither.core.declarations import Function
from slither.core.variables.state_variable import StateVariable
from slither.slithir.operations import Binary, BinaryType, InternalCall

from . import DetectorClassification, OuroDetector
from ._common import (
    MSG_SENDER,
    TX_ORIGIN,
    dominated,
    eth_payments,
    forward_taint,
    functions_of,
    is_conditional,
    is_hash_call,
    sources_of,
    state_var_of,
    token_payments,
    tolerant,
)

_PARAM, _SENDER, _STATE, _HASH = "param", "sender", "state", "hash-of-param"
_ARG = "arg:"  # + parameter name
_HASHED_ARG = "hashed-arg:"  # + name of a parameter that went into a hash


def _seed_for(function: Function):
    params = set(function.parameters)

    def seed(v) -> set[str]:
        if v in params:
            return {_PARAM, _ARG + v.name}
        if v == MSG_SENDER or v == TX_ORIGIN:
            return {_SENDER}
        if isinstance(v, StateVariable):
            return {_STATE}
        return set()

    return seed


class FrontRunning(OuroDetector):
    ARGUMENT = "ouro-front-running"
    HELP = "Reward for revealing a hash preimage in clear"
    IMPACT = DetectorClassification.MEDIUM
    CONFIDENCE = DetectorClassification.LOW
    CATEGORY = "front-running"

    WIKI = "https://swcregistry.io/docs/SWC-114"
    WIKI_TITLE = "Front-runnable secret submission"
    WIKI_DESCRIPTION = (
        "The function pays whoever submits a value whose hash matches a stored hash. The value travels "
        "in clear in the pending transaction, so anyone can resubmit it first with a higher gas price."
    )
    WIKI_EXPLOIT_SCENARIO = """
```solidity
bytes32 constant answerHash = 0xb5b5...;
function solve(string memory solution) public {
    require(answerHash == keccak256(abi.encodePacked(solution)));
    msg.sender.transfer(1 ether);
}
```
Bob finds the answer and calls `solve`. Eve sees it in the mempool and sends the same call with a
higher gas price: she is paid, Bob's transaction reverts."""
    WIKI_RECOMMENDATION = (
        "Use commit-reveal: first commit `keccak256(abi.encodePacked(msg.sender, answer))`, reveal in a "
        "later block and check the commitment of `msg.sender`."
    )

    def _detect(self):
        results = []
        for contract, f in functions_of(self.contracts):
            if f.view or f.pure or f.is_constructor or not f.parameters:
                continue
            found = tolerant(self, f, lambda: self._check(f))
            if not found:
                continue
            compares, payments = found
            info = [f, " pays whoever submits a value whose hash matches stored data; the value is visible "
                       "in the mempool and can be front-run. Check: "]
            for i, n in enumerate(compares):
                info += ([", "] if i else []) + [n]
            info.append("; payment: ")
            for i, n in enumerate(payments):
                info += ([", "] if i else []) + [n]
            info.append("\n")
            results.append(self.generate_result(info))
        return results

    @staticmethod
    def _check(f: Function):
        seed = _seed_for(f)

        def hashed(ir, taint) -> set[str]:
            if not is_hash_call(ir):
                return set()
            src: set[str] = set()
            for a in ir.arguments:
                src |= sources_of(a, taint, seed)
            if _PARAM not in src:
                return set()
            return {_HASH} | {_HASHED_ARG + s[len(_ARG):] for s in src if s.startswith(_ARG)}

        # Storage is not a carrier: a state read is just "state", whatever the function writes to it.
        taint = forward_taint(f, seed=seed, extra=hashed, through=lambda ir: state_var_of(ir.lvalue) is None)
        compares = []
        bound: set[str] = set()  # parameters the compared hash commits to
        for node in f.nodes:
            if not is_conditional(node):
                continue
            for ir in node.irs:
                if not (isinstance(ir, Binary) and ir.type in (BinaryType.EQUAL, BinaryType.NOT_EQUAL)):
                    continue
                left = sources_of(ir.variable_left, taint, seed)
                right = sources_of(ir.variable_right, taint, seed)
                if (_HASH in left and _STATE in right) or (_HASH in right and _STATE in left):
                    if _SENDER in left or _SENDER in right:
                        return None  # bound to the caller: commit-reveal
                    compares.append(node)
                    bound |= {s[len(_HASHED_ARG):] for s in left | right if s.startswith(_HASHED_ARG)}
                    break
        if not compares:
            return None

        def to_taker(v) -> bool:
            """Paid to the caller, or to an address argument the hash does not commit to."""
            src = sources_of(v, taint, seed)
            return _SENDER in src or any(s.startswith(_ARG) and s[len(_ARG):] not in bound for s in src)

        payments = []
        for cond in compares:
            for node in dominated(cond, f):
                if node not in payments and _pays(node, to_taker):
                    payments.append(node)
        if not payments:
            return None
        return compares, sorted(payments, key=lambda n: n.node_id)


def _pays(node, to_taker) -> bool:
    if any(to_taker(dest) for _, dest in eth_payments(node)):
        return True
    for ir, args in token_payments(node):
        recipient = args[1] if str(ir.function_name) in ("transferFrom", "safeTransferFrom") else args[0]
        if len(args) > 1 and to_taker(recipient):
            return True
    for ir in node.irs:
        if isinstance(ir, InternalCall) and isinstance(ir.function, Function) and ir.function.can_send_eth() \
                and any(to_taker(a) for a in ir.arguments):
            return True
    return False
