"""ouro-time-manipulation: an outcome that depends on the exact block timestamp.

Reported: a require/assert/if that tests the current timestamp (``block.timestamp``/``now``, or a
local value computed from it in the same function) for *equality* (``block.timestamp == t``) or
through a *modulo* (``block.timestamp % 15 == 0``, ``now % 2 < 1``), when that check guards a
state write or an ETH payment. The block producer chooses the timestamp within a few seconds of
freedom, which is all such a check needs.

Not reported: ordering comparisons (``block.timestamp >= unlockAt``, deadlines; Slither's
``timestamp`` detector lists those), ``!=`` (``require(block.timestamp != lastCall)`` is a
once-per-block guard), checks in view functions or that guard nothing, and the timestamp
truncated to a power of two of 2**8 or more (``uint32(block.timestamp % 2**32)``, then
``timeElapsed > 0``): the same clock in a narrower slot.
"""

from __future__ import annotations

from slither.core.declarations import Function
from slither.core.declarations.solidity_variables import SolidityVariable
from slither.slithir.operations import Binary, BinaryType

from . import DetectorClassification, OuroDetector
from ._common import (
    condition_reads,
    constant_value,
    dominated,
    forward_taint,
    functions_of,
    is_conditional,
    is_power_of_two,
    sends_eth,
    sources_of,
    state_var_of,
    tolerant,
    writes_state,
)

_NOW = "now"
_MOD = "modulo-of-now"


def _seed(v) -> set[str]:
    if isinstance(v, SolidityVariable) and v.name in ("block.timestamp", "now"):
        return {_NOW}
    return set()


def _modulo_in(f: Function):
    """``now % n`` marks its result, except truncation to a power of two of 2**8 or more
    (``uint32(block.timestamp % 2**32)``: the same clock in a narrower slot)."""
    def extra(ir, taint) -> set[str]:
        if isinstance(ir, Binary) and ir.type == BinaryType.MODULO and _NOW in sources_of(ir.variable_left, taint, _seed) \
                and not is_power_of_two(constant_value(f, ir.variable_right), at_least=2 ** 8):
            return {_MOD}
        return set()
    return extra


class TimeManipulation(OuroDetector):
    ARGUMENT = "ouro-time-manipulation"
    HELP = "Exact block timestamp (== or %) decides a payment or state change"
    IMPACT = DetectorClassification.LOW
    CONFIDENCE = DetectorClassification.MEDIUM
    CATEGORY = "time-manipulation"

    WIKI = "https://swcregistry.io/docs/SWC-116"
    WIKI_TITLE = "Dependence on the exact block timestamp"
    WIKI_DESCRIPTION = (
        "A require/if tests `block.timestamp`/`now` for equality or through a modulo and guards an ETH "
        "transfer or a state change. The block producer picks the timestamp and can make the test pass "
        "or fail at will."
    )
    WIKI_EXPLOIT_SCENARIO = """
```solidity
function spin() external payable {
    require(msg.value == 10 ether);
    if (block.timestamp % 15 == 0) msg.sender.transfer(address(this).balance);
}
```
A block producer includes her own `spin()` in a block whose timestamp she chose divisible by 15."""
    WIKI_RECOMMENDATION = (
        "Do not derive outcomes from the exact timestamp; use it only for coarse deadlines "
        "(`>=` with a margin of minutes), and use a proper randomness source for games."
    )

    def _detect(self):
        results = []
        for _, f in functions_of(self.contracts):
            if f.view or f.pure:
                continue
            nodes = tolerant(self, f, lambda: self._precise_time_checks(f), [])
            for node, kind in nodes:
                info = [f, f" makes a payment or state change depend on the exact block timestamp ({kind}): ",
                        node, "\n"]
                results.append(self.generate_result(info))
        return results

    @staticmethod
    def _precise_time_checks(f: Function):
        # Current timestamp only: storage is not a carrier (a stored time is a deadline, not "now").
        taint = forward_taint(f, seed=_seed, extra=_modulo_in(f), through=lambda ir: state_var_of(ir.lvalue) is None)
        out = []
        for node in f.nodes:
            if not is_conditional(node):
                continue
            kind = None
            if any(_MOD in sources_of(v, taint, _seed) for v in condition_reads(node)):
                kind = "modulo"
            for ir in node.irs:
                if kind is None and isinstance(ir, Binary) and ir.type == BinaryType.EQUAL and any(
                        _NOW in sources_of(v, taint, _seed) for v in (ir.variable_left, ir.variable_right)):
                    kind = "equality"
            if kind and any(writes_state(n) or sends_eth(n) for n in dominated(node, f)):
                out.append((node, kind))
        return out
