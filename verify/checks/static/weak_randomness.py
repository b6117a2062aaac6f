"""ouro-weak-randomness: block data used as a source of randomness.

Sources: ``block.timestamp``/``now``, ``block.number``, ``blockhash()``/``block.blockhash()``,
``block.difficulty``, ``block.prevrandao``, ``block.coinbase``, ``block.gaslimit``. A value is
derived from them through any IR chain (hashes, ``abi.encodePacked``, casts, arithmetic, locals,
internal calls' return values) and through *state variables*: a seed stored by one function
(or the constructor) taints every function that reads it.

Reported sinks:
- a modulo ``x % n`` whose left operand is derived from block data (the usual "pick index");
- a comparison (``==``, ``<``, ...) in a require/if whose operand went through a hash of block
  data or is a blockhash, when the check guards a state write or an ETH payment
  (``if (guess == uint(blockhash(block.number - 1))) pay()``).

Plain comparisons with block data (``block.timestamp > deadline``) are deadlines, a raw
timestamp modulo a constant period of an hour or more (``block.timestamp % 1 weeks``) is calendar
rounding, and a raw timestamp or block number modulo a power of two of 2**8 or more
(``uint32(block.timestamp % 2**32)``, Uniswap V2's oracle clock) is truncation to a narrower slot:
none of them is randomness (deadlines are left to ``timestamp``/``ouro-time-manipulation``).
Slither's ``weak-prng`` only follows ``block.timestamp``/``now``/``blockhash`` into a modulo
inside one function; this check also covers the other block fields, stored seeds, internal
helpers and hashed comparisons, and may report the same line as ``weak-prng``.
"""

from __future__ import annotations

from slither.core.declarations import Function
from slither.core.declarations.solidity_variables import SolidityVariable
from slither.core.variables.state_variable import StateVariable
from slither.slithir.operations import Binary, BinaryType, InternalCall, SolidityCall
from slither.slithir.variables import Constant

from . import DetectorClassification, OuroDetector
from ._common import (
    COMPARISONS,
    Taint,
    constant_value,
    dominated,
    forward_taint,
    is_conditional,
    is_hash_call,
    is_library_code,
    is_power_of_two,
    returns_tainted,
    sends_eth,
    sources_of,
    target_contracts,
    tolerant,
    writes_state,
)

BLOCK_SOURCES = frozenset({
    "block.timestamp", "now", "block.number", "block.difficulty", "block.prevrandao",
    "block.coinbase", "block.gaslimit",
})
BLOCKHASH = frozenset({"blockhash(uint256)", "block.blockhash(uint256)"})


def _is_blockhash(ir) -> bool:
    return isinstance(ir, SolidityCall) and ir.function.name in BLOCKHASH


def _truncation(f: Function, ir: Binary, sources: set[str], taint: "_ContractTaint") -> bool:
    """``uint32(block.timestamp % 2**32)``: the raw timestamp or block number cut to its low bits
    (a power of two of at least 2**8) is bookkeeping that fits a narrower slot, not a draw. A hash
    of block data modulo anything, or a small power of two (``block.timestamp % 2``, a coin flip),
    stays a draw."""
    return sources <= {"block.timestamp", "now", "block.number"} and not taint.hashed_of(f, ir.variable_left) \
        and is_power_of_two(constant_value(f, ir.variable_right), at_least=2 ** 8)


def _calendar_math(f: Function, ir: Binary, sources: set[str], taint: "_ContractTaint") -> bool:
    """``block.timestamp % 1 weeks``: rounding time to a period of an hour or more, not a draw."""
    period = ir.variable_right
    return sources <= {"block.timestamp", "now"} and not taint.hashed_of(f, ir.variable_left) \
        and isinstance(period, Constant) and isinstance(period.value, int) and period.value >= 3600


class _ContractTaint:
    """Block-data taint (``raw``) and hashed-block-data taint (``hashed``) for one contract."""

    def __init__(self, functions: list[Function]):
        self.functions = functions
        self.state_raw: Taint = {}
        self.state_hashed: Taint = {}
        self.ret_raw: dict[str, set[str]] = {}
        self.ret_hashed: dict[str, set[str]] = {}
        self.raw: dict[str, Taint] = {}
        self.hashed: dict[str, Taint] = {}
        self._fixpoint(self.raw, self.state_raw, self.ret_raw, self._raw_seed, self._raw_extra)
        self._fixpoint(self.hashed, self.state_hashed, self.ret_hashed, self._hashed_seed, self._hashed_extra)

    # raw: anything computed from block data
    def _raw_seed(self, v) -> set[str]:
        if isinstance(v, SolidityVariable) and v.name in BLOCK_SOURCES:
            return {v.name}
        if isinstance(v, StateVariable):
            return self.state_raw.get(v, set())
        return set()

    def _raw_extra(self, ir, taint: Taint) -> set[str]:
        if _is_blockhash(ir):
            return {"blockhash"}
        if isinstance(ir, InternalCall) and ir.function is not None:
            return self.ret_raw.get(ir.function.canonical_name, set())
        return set()

    # hashed: a hash of block data, or a blockhash (already a hash)
    def _hashed_seed(self, v) -> set[str]:
        if isinstance(v, StateVariable):
            return self.state_hashed.get(v, set())
        return set()

    def _hashed_extra(self, ir, taint: Taint) -> set[str]:
        if _is_blockhash(ir):
            return {"blockhash"}
        if is_hash_call(ir):
            raw = self.raw[self._current]
            got: set[str] = set()
            for a in ir.arguments:
                got |= sources_of(a, raw, self._raw_seed)
            return got
        if isinstance(ir, InternalCall) and ir.function is not None:
            return self.ret_hashed.get(ir.function.canonical_name, set())
        return set()

    def _fixpoint(self, per_function, state, returns, seed, extra) -> None:
        changed = True
        rounds = 0
        while changed and rounds < 10:
            changed = False
            rounds += 1
            for f in self.functions:
                self._current = f.canonical_name
                taint = forward_taint(f, seed=seed, extra=extra, index_taints=False)
                per_function[f.canonical_name] = taint
                for v, src in taint.items():
                    if isinstance(v, StateVariable) and not src <= state.get(v, set()):
                        state.setdefault(v, set()).update(src)
                        changed = True
                ret = returns_tainted(f, taint)
                if not ret <= returns.get(f.canonical_name, set()):
                    returns.setdefault(f.canonical_name, set()).update(ret)
                    changed = True

    def raw_of(self, f: Function, v) -> set[str]:
        return sources_of(v, self.raw.get(f.canonical_name, {}), self._raw_seed)

    def hashed_of(self, f: Function, v) -> set[str]:
        return sources_of(v, self.hashed.get(f.canonical_name, {}), self._hashed_seed)


class WeakRandomness(OuroDetector):
    ARGUMENT = "ouro-weak-randomness"
    HELP = "Randomness derived from block data"
    IMPACT = DetectorClassification.HIGH
    CONFIDENCE = DetectorClassification.MEDIUM
    CATEGORY = "bad-randomness"

    WIKI = "https://swcregistry.io/docs/SWC-120"
    WIKI_TITLE = "Weak randomness from block data"
    WIKI_DESCRIPTION = (
        "A winner, index or outcome is computed from block fields (timestamp, number, blockhash, "
        "difficulty/prevrandao, coinbase, gaslimit), possibly hashed or stored first. Block producers "
        "can steer these values and any contract called in the same block can compute them."
    )
    WIKI_EXPLOIT_SCENARIO = """
```solidity
function draw() external {
    uint256 i = uint256(keccak256(abi.encodePacked(block.difficulty, block.coinbase))) % players.length;
    players[i].transfer(address(this).balance);
}
```
Eve's contract computes the same index in the same transaction and only calls `draw()` when she wins."""
    WIKI_RECOMMENDATION = (
        "Use a verifiable randomness source (e.g. Chainlink VRF) or a commit-reveal scheme over "
        "the participants' own secrets."
    )

    def _detect(self):
        results = []
        seen: set[tuple[str, int]] = set()
        for contract in target_contracts(self.contracts):
            functions = [f for f in list(contract.functions) + list(contract.modifiers) if f.nodes]
            taint = tolerant(self, contract, lambda: _ContractTaint(functions))
            if taint is None:
                continue
            for f in functions:
                if is_library_code(f.contract_declarer):
                    continue
                for node in f.nodes:
                    key = (f.canonical_name, node.node_id)
                    if key in seen:
                        continue
                    why = tolerant(self, node, lambda: self._sink(f, node, taint))
                    if why is None:
                        continue
                    seen.add(key)
                    kind, sources = why
                    info = [f, f" uses block data ({', '.join(sorted(sources))}) as randomness in a {kind}: ",
                            node, "\n"]
                    results.append(self.generate_result(info))
        return results

    @staticmethod
    def _sink(f: Function, node, taint: _ContractTaint):
        for ir in node.irs:
            if isinstance(ir, Binary) and ir.type == BinaryType.MODULO:
                src = taint.raw_of(f, ir.variable_left)
                if src and not _calendar_math(f, ir, src, taint) and not _truncation(f, ir, src, taint):
                    return "modulo", src
        if not is_conditional(node):
            return None
        for ir in node.irs:
            if isinstance(ir, Binary) and ir.type in COMPARISONS:
                src = taint.hashed_of(f, ir.variable_left) | taint.hashed_of(f, ir.variable_right)
                if src and any(writes_state(n) or sends_eth(n) for n in dominated(node, f)):
                    return "comparison", src
        return None
