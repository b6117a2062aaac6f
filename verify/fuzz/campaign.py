"""The search loop: sequences run from the deployed world in pyrevm, one Python loop, no
per-transaction framework bookkeeping.

Feedback is cheap and per transaction: a transaction's (receiver, selector, success, execution gas)
is its path signature (a new branch, a new position in a maze, a new revert reason all change the
gas an EVM path costs). A sequence reaching a new signature joins the corpus, up to that
transaction; later sequences are corpus entries mutated (arguments nudged or redrawn from the
dictionary, transactions appended, deleted, duplicated, spliced with another entry, senders,
values and delays changed) or fresh ones. Failures are kept by a cheap key; ``replay`` resolves
each to its failing line.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Callable

from eth_utils import keccak

from verify.dynamic.executor import GAS, RevmExecutor

from .dictionary import Dictionary, push_values
from .relations import Relations
from .harness import Harness
from .model import BASE_TIME, BLOCK_SECONDS, Failure, Tx
from .values import draw, mutate_value

__all__ = ["Campaign", "Stats"]

_PANIC1 = "4e487b71" + "0" * 63 + "1"
_VIEW_SENDER = "0x" + "00" * 19 + "01"
DELAYS = (0, 0, 0, 0, 0, 0, 0, 0, 1, 60, 3600, 86400, 7 * 86400, 31 * 86400)
VALUES = (0, 1, 10**15, 10**17, 10**18, 10 * 10**18)
CORPUS_LIMIT = 20_000
STORAGE_SLOTS, SLOT_VALUES = 8, 256
MAX_SWEEPS = 400


@dataclass
class Stats:
    sequences: int = 0
    transactions: int = 0
    calls: int = 0  # EVM message calls: transactions and property checks
    coverage: int = 0  # distinct path signatures
    corpus: int = 0
    failures: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Campaign:
    harness: Harness
    executor: RevmExecutor
    seed: int = 0
    depth: int = 20
    dictionary: Dictionary = field(default_factory=Dictionary)
    relations: Relations | None = None
    stats: Stats = field(default_factory=Stats)

    def __post_init__(self) -> None:
        h = self.harness
        self.rng = random.Random(self.seed)
        self.evm = self.executor.evm
        self.pool = [(c, f) for c in h.callables for f in c.functions]
        self.functions = {f.signature: f for _, f in self.pool}
        self.solvable = {}
        for sig, f in self.functions.items():
            index, rels = (self.relations.for_function(f.name, len(f.types)) if self.relations else ({}, []))
            ints = [i for i, t in enumerate(f.types) if t.startswith(("uint", "int")) and not t.endswith("]")]
            if rels and ints:
                self.solvable[sig] = (index, rels)
        self.addresses = list(dict.fromkeys(h.senders + [c.address for c in h.callables] +
                                            [p.address for p in h.properties] + ["0x" + "00" * 20]))
        for c in h.callables:
            self.dictionary.add_all(push_values(c.code))
        self.active = list(h.properties)
        self.checks = list(h.spec.checks)
        self._ctx = CheckContext(self.executor, h.callables[0].address if h.callables else "", h.world.names)
        for c in self.checks:
            c.start(self._ctx)
        self.eth_constants = [v for v in self.dictionary.values if 0 < v <= 10**21]
        self.topics = {"0x" + t.hex() for t in h.event_topics} | {t.hex() for t in h.event_topics}
        self.asserting = bool(h.spec.sites) or bool(h.event_topics)
        self.failures: dict[tuple, Failure] = {}
        self.dropped: list[str] = []
        self.pending: list[list[Tx]] = []  # entries that reached a new storage state, to sweep
        self.sweeps_left = MAX_SWEEPS
        self.seen: set[tuple] = set()
        self.slot_values: dict[tuple[str, int], set[int]] = {}
        self.corpus: list[list[Tx]] = []
        self.new_entries: list[list[Tx]] = []  # corpus entries not yet shared with other workers
        self._blocks: dict[tuple[int, int], object] = {}
        self.start_block = h.world.blocks
        self.executor.save_base()
        self.dispatch = self._dispatch_costs()
        self._check_properties([], initial=True)

    # -- running -----------------------------------------------------------------------
    def _set_block(self, number: int, timestamp: int) -> None:
        env = self._blocks.get((number, timestamp))
        if env is None:
            from pyrevm import BlockEnv

            rand = keccak(number.to_bytes(32, "big"))
            env = BlockEnv(number=number, timestamp=timestamp, gas_limit=GAS * 2, basefee=0, prevrandao=rand,
                           difficulty=int.from_bytes(rand, "big"))
            if len(self._blocks) < 50_000:
                self._blocks[(number, timestamp)] = env
        self.evm.set_block_env(env)

    def _start(self) -> list[int]:
        self.executor.restore_base()
        for c in self.checks:  # each sequence starts from the deployed state
            c.start(self._ctx)
        return [self.start_block, BASE_TIME + self.start_block]

    def run(self, seq: list[Tx], learn: bool = True) -> int:
        """Run ``seq`` from the deployed world; the index of its first failing transaction, or -1.
        New path signatures put the prefix that reached them into the corpus (``learn``); a
        prefix that reached a new storage state is also queued for a sweep."""
        clock = self._start()
        novel_at, state_at, failed_at = -1, -1, -1
        for i, tx in enumerate(seq):
            novel, state, failed = self._step(tx, seq, i, clock)
            if novel or state:
                novel_at = i
            if state:
                state_at = i
            if failed and failed_at < 0:
                failed_at = i
        if learn and novel_at >= 0:
            entry = seq[: novel_at + 1]
            if len(self.corpus) < CORPUS_LIMIT:
                self.corpus.append(entry)
                self.new_entries.append(entry)
            if state_at >= 0 and self.sweeps_left > 0 and self.solvable:
                self.sweeps_left -= 1
                self.pending.append(seq[: state_at + 1])
        st = self.stats
        st.sequences += 1
        st.coverage = len(self.seen)
        st.corpus = len(self.corpus)
        return failed_at

    def _step(self, tx: Tx, seq: list[Tx], i: int, clock: list[int]) -> tuple[bool, bool, bool]:
        """One transaction and every check after it: (new path, new storage state, failed)."""
        evm, st = self.evm, self.stats
        clock[0] += 1
        clock[1] += BLOCK_SECONDS + tx.delay
        self._set_block(clock[0], clock[1])
        data = tx.data
        try:
            evm.message_call(tx.sender, tx.to, data, value=tx.value, gas=GAS)
            ok, err = True, ""
        except RuntimeError as exc:
            ok, err = False, str(exc)
        res = evm.result
        gas = (res.gas_used if res is not None else 0) - 21000 - 16 * len(data) + 12 * data.count(0)
        st.transactions += 1
        st.calls += 1
        novel = state = failed = False
        sig = (tx.to, data[:4], ok, gas)
        if sig not in self.seen:
            self.seen.add(sig)
            novel = True
        if ok and self._new_storage(tx.to):
            state = True
        if self.asserting:
            key = None
            if not ok and (_PANIC1 in err or "InvalidFEOpcode" in err or "InvalidOpcode" in err):
                # the same assert reached through another function costs that function's
                # dispatch more or less: the key is the gas beyond it
                key = ("assert", tx.to, gas - self.dispatch.get((tx.to, data[:4]), 0))
            elif self.topics and res is not None:
                for log in res.logs:
                    topics = log.topics
                    if topics and topics[0] in self.topics:
                        key = ("event", log.address.lower(), bytes(log.data[1]))
                        break
            if key is not None:
                self._failed(key, "assertion-failure", seq[: i + 1], decode_reason(err) if err else
                             "AssertionFailed emitted")
                failed = True
        if self.active and self._check_properties(seq[: i + 1]):
            failed = True
        if self.checks and self._judge(tx, seq[: i + 1]):
            failed = True
        return novel, state, failed

    def sweep(self, entry: list[Tx]) -> None:
        """Every branch relation of every function, tried once on the state ``entry`` reached
        (a new storage state: a new position, a new phase): from a snapshot after the prefix,
        each candidate transaction runs and is undone. What reaches a new path joins the corpus.
        A gate or a nested condition that depends on where the state is gets found here, not by
        the chance of drawing the right relation on the right entry."""
        saved_checks, self.checks = self.checks, []  # Python checks judge whole sequences only
        try:
            clock = self._start()
            for i, tx in enumerate(entry):
                self._step(tx, entry, i, clock)
            snap, base_clock = self.evm.snapshot(), list(clock)
            sender = entry[-1].sender if entry else self.harness.senders[0]
            rng = self.rng
            for c, f in self.pool:
                solvable = self.solvable.get(f.signature)
                if solvable is None:
                    continue
                for rel in solvable[1]:
                    args = [draw(rng, t, self.dictionary, self.addresses) for t in f.types]
                    args = self._apply(f, solvable[0], args, rel.chain + [rel])
                    try:
                        tx = Tx(sender, c.address, f.signature, args, f.calldata(args), 0, 0)
                    except (ValueError, OverflowError, TypeError):
                        continue
                    clock[:] = base_clock
                    cand = entry + [tx]
                    novel, state, _ = self._step(tx, cand, len(entry), clock)
                    if (novel or state) and len(self.corpus) < CORPUS_LIMIT:
                        self.corpus.append(cand)
                        self.new_entries.append(cand)
                        if state and self.sweeps_left > 0:
                            self.sweeps_left -= 1
                            self.pending.append(cand)
                    self.evm.revert(snap)
                    snap = self.evm.snapshot()
            self.stats.sequences += 1
            self.stats.coverage = len(self.seen)
            self.stats.corpus = len(self.corpus)
        finally:
            self.checks = saved_checks

    def _dispatch_costs(self) -> dict[tuple[str, bytes], int]:
        """Each function's gas with zero arguments in the deployed state, relative to the
        cheapest: what reaching its body costs beyond the others (the dispatcher's comparisons,
        argument decoding). Measured once; the state is restored after."""
        costs = {}
        for c, f in self.pool:
            try:
                data = f.calldata([_zero(t) for t in f.types])
            except Exception:  # noqa: BLE001 - a type without a zero this helper knows
                continue
            try:
                self.evm.message_call(self.harness.senders[0], c.address, data, gas=GAS)
            except RuntimeError:
                pass
            res = self.evm.result
            self.executor.restore_base()
            if res is not None:
                costs[(c.address, data[:4])] = res.gas_used - 21000 - 16 * len(data) + 12 * data.count(0)
        low = min(costs.values(), default=0)
        return {k: v - low for k, v in costs.items()}

    def _judge(self, tx: Tx, prefix: list[Tx]) -> bool:
        """The Python-side checks (spec invariants) on the state after ``tx``."""
        failed = False
        step = CheckStep(self._ctx.role(tx.sender))
        for c in list(self.checks):
            try:
                msg = c.check(self._ctx, step, None)
            except Exception as exc:  # noqa: BLE001 - a check that cannot judge this state is dropped
                self.checks.remove(c)
                self.dropped.append(f"{c.ARGUMENT}: {type(exc).__name__}: {exc}")
                continue
            if msg:
                self.checks.remove(c)
                self._failed(("check", c.ARGUMENT), "property-failure", list(prefix), msg, check_obj=c)
                failed = True
        return failed

    def _check_properties(self, prefix: list[Tx], initial: bool = False) -> bool:
        failed = False
        for p in list(self.active):
            self.stats.calls += 1
            try:
                out = bytes(self.evm.message_call(_VIEW_SENDER, p.address, p.selector, gas=GAS, is_static=True))
                bad = p.style == "echidna" and (len(out) < 32 or not any(out[:32]))
                reason = "returned false" if bad else ""
            except RuntimeError as exc:
                bad, reason = True, decode_reason(str(exc))
            if bad:
                self.active.remove(p)
                self._failed(("property", p.address, p.signature), "property-failure", list(prefix),
                             reason + (" in the deployed state" if initial else ""), prop=p)
                failed = True
        return failed

    def _failed(self, key: tuple, check: str, seq: list[Tx], reason: str, prop=None, check_obj=None) -> None:
        known = self.failures.get(key)
        if known is not None and len(known.sequence) <= len(seq):
            return
        name = prop.signature if prop else (check_obj.ARGUMENT if check_obj is not None else "")
        contract = prop.contract if prop else (self.harness.name if check_obj is not None else
                                               (self.harness.world.names.get(seq[-1].to.lower(), "") if seq else ""))
        info = None
        if prop:
            info = {"address": prop.address, "signature": prop.signature, "style": prop.style}
        elif check_obj is not None:
            info = {"address": self._ctx.address, "signature": check_obj.ARGUMENT, "style": "check",
                    "text": getattr(check_obj, "text", "")}
        self.failures[key] = Failure(check, name, contract, key, list(seq), reason, info)
        self.stats.failures = len(self.failures)

    def _new_storage(self, address: str) -> bool:
        """A value a fixed slot of the called contract never held before (a position, a counter,
        a flag): new state is worth building on even when the path cost the same gas. At most
        ``SLOT_VALUES`` values per slot count, so a growing total does not flood the corpus."""
        novel = False
        storage = self.evm.storage
        for slot in range(STORAGE_SLOTS):
            v = storage(address, slot)
            key = (address, slot)
            seen = self.slot_values.setdefault(key, set())
            if v not in seen and len(seen) < SLOT_VALUES:
                seen.add(v)
                novel = True
        return novel

    # -- drawing -----------------------------------------------------------------------
    def random_tx(self) -> Tx | None:
        if not self.pool:
            return None
        rng = self.rng
        c, f = rng.choice(self.pool)
        args = [draw(rng, t, self.dictionary, self.addresses) for t in f.types]
        value = self._value() if f.payable and rng.random() < 0.7 else 0
        return Tx(rng.choice(self.harness.senders), c.address, f.signature, args, f.calldata(args), value,
                  rng.choice(DELAYS))

    def _solve(self, signature: str, f, args: list) -> list:
        """Satisfy one branch condition's relation, with the conditions enclosing it (outermost
        first, each on the values the previous ones set)."""
        rng = self.rng
        index, rels = self.solvable[signature]
        rel = rng.choice(rels)
        return self._apply(f, index, args, rel.chain + [rel] if rng.random() < 0.8 else [rel])

    def _apply(self, f, index: dict[int, int], args: list, chain: list) -> list:
        rng = self.rng
        args = list(args)
        for r in chain:
            env = {d: args[i] for d, i in index.items() if isinstance(args[i], int) and not isinstance(args[i], bool)}
            v = r.solve(env, rng)
            i = index.get(r.target)
            if v is None or i is None:
                continue
            t = f.types[i]
            if t.startswith("uint") and not t.endswith("]"):
                bits = int(t[4:] or 256)
                if 0 <= v < (1 << bits):
                    args[i] = v
            elif t.startswith("int") and not t.endswith("]"):
                bits = int(t[3:] or 256)
                if -(1 << (bits - 1)) <= v < (1 << (bits - 1)):
                    args[i] = v
        return args

    def _value(self) -> int:
        """ETH to send: a round amount, or a constant of the code times a small count (a price
        times a quantity), never more than a sender holds."""
        rng = self.rng
        if rng.random() < 0.5 or not self.eth_constants:
            return rng.choice(VALUES)
        return rng.choice(self.eth_constants) * rng.choice((1, 1, 1, 2, 3, 5, 7, 10))

    def _retype(self, tx: Tx, args: list) -> Tx:
        f = self.functions[tx.function]
        return Tx(tx.sender, tx.to, tx.function, args, f.calldata(args), tx.value, tx.delay)

    def mutate(self, seq: list[Tx]) -> list[Tx]:
        rng = self.rng
        seq = list(seq)
        for _ in range(rng.choice((1, 1, 1, 2, 3))):
            r = rng.random()
            if r < 0.35 or not seq:
                for _ in range(rng.choice((1, 1, 2, 4))):
                    tx = self.random_tx()
                    if tx is not None:
                        seq.append(tx)
            elif r < 0.7:
                i = len(seq) - 1 if rng.random() < 0.6 else rng.randrange(len(seq))
                tx = seq[i]
                f = self.functions.get(tx.function)
                if f is None or not f.types:
                    seq[i] = self.random_tx() or tx
                    continue
                args = list(tx.args)
                if tx.function in self.solvable and rng.random() < 0.5:
                    args = self._solve(tx.function, f, args)
                else:
                    for _ in range(rng.choice((1, 1, 2))):
                        j = rng.randrange(len(args))
                        args[j] = mutate_value(rng, f.types[j], args[j], self.dictionary, self.addresses)
                seq[i] = self._retype(tx, args)
            elif r < 0.78 and len(self.corpus) > 1:
                other = rng.choice(self.corpus)
                seq = seq[: rng.randrange(len(seq) + 1)] + other[rng.randrange(len(other)):]
            elif r < 0.84 and len(seq) > 1:
                del seq[rng.randrange(len(seq))]
            elif r < 0.9:
                i = rng.randrange(len(seq))
                seq.insert(i, seq[i])
            else:
                i = rng.randrange(len(seq))
                tx = seq[i]
                f = self.functions.get(tx.function)
                value = self._value() if f is not None and f.payable else 0
                seq[i] = Tx(rng.choice(self.harness.senders), tx.to, tx.function, tx.args, tx.data, value,
                            rng.choice(DELAYS))
        return seq[: self.depth * 2]

    def next_sequence(self) -> list[Tx]:
        rng = self.rng
        if self.corpus and rng.random() < 0.85:
            n = len(self.corpus)
            base = self.corpus[n - 1 - rng.randrange(min(n, 64))] if rng.random() < 0.5 else rng.choice(self.corpus)
            return self.mutate(base)
        return [tx for tx in (self.random_tx() for _ in range(rng.randint(1, self.depth))) if tx is not None]

    def add_corpus(self, seq: list[Tx]) -> None:
        """An entry from elsewhere (the corpus folder, another worker): run once to learn its paths."""
        self.run(seq, learn=False)
        self.corpus.append(seq)

    def loop(self, should_stop: Callable[[], bool], on_tick: Callable[[], None] | None = None,
             tick: float = 0.5) -> None:
        t0 = time.perf_counter() - self.stats.seconds
        last = t0
        while True:
            for _ in range(16):
                self.run(self.next_sequence())
            if self.pending:
                self.sweep(self.pending.pop())
            now = time.perf_counter()
            self.stats.seconds = now - t0
            if should_stop():
                return
            if on_tick is not None and now - last >= tick:
                last = now
                on_tick()


class CheckContext:
    """What an engine property reads (``ctx.session``: roles, executor, address) over a fuzz world."""

    def __init__(self, executor, address: str, names: dict[str, str]):
        self.ex, self.address, self.session = executor, address, self
        self._roles = {n: _checksum(a) for a, n in names.items() if n in ("deployer", "alice", "bob")}
        if address:
            self._roles["target"] = address

    def roles(self) -> dict[str, str]:
        return self._roles

    def role(self, address: str) -> str:
        for n, a in self._roles.items():
            if a.lower() == address.lower():
                return n
        return address


@dataclass
class CheckStep:
    actor: str


def _checksum(a: str) -> str:
    from eth_utils import to_checksum_address

    return to_checksum_address(a)


def _zero(t: str):
    if t.endswith("]"):
        return [] if t.endswith("[]") else [_zero(t[: t.rindex("[")])] * int(t[t.rindex("[") + 1: -1])
    if t.startswith("("):
        from verify.dynamic.strategies import _split_tuple

        return [_zero(x) for x in _split_tuple(t[1:-1])]
    if t == "address":
        return "0x" + "00" * 20
    if t == "bool":
        return False
    if t in ("bytes", "string"):
        return b"" if t == "bytes" else ""
    if t.startswith("bytes"):
        return bytes(int(t[5:]))
    return 0


def decode_reason(err: str) -> str:
    """The revert text of a pyrevm error (the engine's reading), or the assert of old compilers."""
    if "InvalidFEOpcode" in err:
        return "assert failed (invalid opcode)"
    return RevmExecutor._error(RuntimeError(err))
