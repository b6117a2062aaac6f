"""ouro-short-address: token-style transfers compiled by solc < 0.5.0, which does not check the
calldata length.

A client that encodes a recipient one byte short makes the EVM pad the calldata with a zero at
the end: the amount is shifted left by 8 bits and the transfer moves 256 times what was meant.
solc 0.5.0 rejects short calldata; before that, only an explicit `msg.data.length` check (the
`onlyPayloadSize` modifier) protects. Reported: a public/external function with an `address`
parameter followed by an integer parameter that writes a mapping indexed by that address,
with no `msg.data.length` read in the function or its modifiers.
"""

from __future__ import annotations

from slither.core.solidity_types import ElementaryType
from slither.slithir.operations import Index

from . import DetectorClassification, OuroDetector
from ._common import functions_of, target_contracts, tolerant, version_tuple


def _short_address_prone(function) -> list:
    params = function.parameters
    pairs = [(a, b) for a, b in zip(params, params[1:])
             if isinstance(a.type, ElementaryType) and a.type.name == "address"
             and isinstance(b.type, ElementaryType) and b.type.name.startswith(("uint", "int"))]
    if not pairs or function.visibility not in ("public", "external"):
        return []
    reads = {v.name for f in [function, *function.modifiers] for v in f.solidity_variables_read}
    if "msg.data" in reads:
        return []
    addr_params = {a for a, _ in pairs}
    nodes = []
    for node in function.nodes:
        for ir in node.irs:
            if isinstance(ir, Index) and ir.variable_right in addr_params and node.state_variables_written:
                nodes.append(node)
                break
    return nodes


class ShortAddress(OuroDetector):
    ARGUMENT = "ouro-short-address"
    HELP = "Transfer-style function compiled without calldata length checks (solc < 0.5.0)"
    IMPACT = DetectorClassification.LOW
    CONFIDENCE = DetectorClassification.LOW
    CATEGORY = "short-address"

    WIKI = "https://swcregistry.io/"
    WIKI_TITLE = "Short address attack"
    WIKI_DESCRIPTION = ("solc < 0.5.0 does not reject calldata shorter than the ABI requires; a truncated "
                        "address shifts the following amount by a byte.")
    WIKI_EXPLOIT_SCENARIO = ("An exchange encodes a withdrawal to an address missing its last byte: the token's "
                             "transfer(to, amount) sends amount * 256.")
    WIKI_RECOMMENDATION = "Compile with solc >= 0.5.0, or check `msg.data.length` (onlyPayloadSize)."

    def _detect(self):
        if version_tuple(self.compilation_unit.solc_version) >= (0, 5, 0):
            return []
        results = []
        for contract, function in functions_of(target_contracts(self.contracts)):
            nodes = tolerant(self, function, lambda f=function: _short_address_prone(f), [])
            if nodes:
                # the whole function is the flaw: its ABI decoding, not one statement
                info = [function, " takes (address, amount) and writes balances without a calldata length "
                        "check, compiled by solc < 0.5.0\n"]
                results.append(self.generate_result(info))
        return results
