"""ouro-tx-origin-modifier: authorisation by ``tx.origin`` inside a modifier.

Slither's ``tx-origin`` detector walks functions only, so ``modifier onlyOwner { require(tx.origin
== owner); _; }`` goes unreported although every function using it is exposed. A condition that
also reads ``msg.sender`` (``require(tx.origin == msg.sender)``, the "no contract callers" check)
is not authorisation and is not reported, as in Slither's detector.
"""

from __future__ import annotations

from slither.core.declarations import Modifier

from . import DetectorClassification, OuroDetector
from ._common import is_library_code, target_contracts, tolerant


def _tx_origin_auth(node) -> bool:
    if not (node.contains_if() or node.contains_require_or_assert()):
        return False
    names = {v.name for v in node.solidity_variables_read}
    return "tx.origin" in names and "msg.sender" not in names


class TxOriginModifier(OuroDetector):
    ARGUMENT = "ouro-tx-origin-modifier"
    HELP = "tx.origin used for authorisation in a modifier"
    IMPACT = DetectorClassification.MEDIUM
    CONFIDENCE = DetectorClassification.MEDIUM
    CATEGORY = "access-control"

    WIKI = "https://swcregistry.io/docs/SWC-115"
    WIKI_TITLE = "Authorisation through tx.origin in a modifier"
    WIKI_DESCRIPTION = (
        "A modifier checks `tx.origin` in a require/if. Any contract the owner interacts with can call "
        "the guarded functions on the owner's behalf, because `tx.origin` is still the owner."
    )
    WIKI_EXPLOIT_SCENARIO = """
```solidity
modifier onlyOwner() { require(tx.origin == owner); _; }
function withdrawAll(address payable to) public onlyOwner { to.transfer(address(this).balance); }
```
The owner is lured into calling Eve's contract, which calls `withdrawAll(eve)`: the check passes."""
    WIKI_RECOMMENDATION = "Use `msg.sender` for authorisation."

    def _detect(self):
        results = []
        seen: set[str] = set()
        contracts = target_contracts(self.contracts)
        for contract in contracts:
            for modifier in contract.modifiers:
                if modifier.canonical_name in seen or is_library_code(modifier.contract_declarer):
                    continue
                seen.add(modifier.canonical_name)
                nodes = tolerant(self, modifier, lambda: [n for n in modifier.nodes if _tx_origin_auth(n)], [])
                if not nodes:
                    continue
                users = sorted({
                    f.canonical_name
                    for c in contracts
                    for f in c.functions
                    if any(isinstance(m, Modifier) and m.canonical_name == modifier.canonical_name
                           for m in f.modifiers)
                })
                used = f" (used by {', '.join(users)})" if users else " (not used by any function)"
                info = [modifier, f" uses tx.origin for authorisation{used}: "]
                for i, node in enumerate(nodes):
                    info += ([", "] if i else []) + [node]
                info.append("\n")
                results.append(self.generate_result(info))
        return results
