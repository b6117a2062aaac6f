"""What a file asks to be fuzzed, and the world each campaign starts from.

Three styles, as the field's fuzzers read them:
- **assertions**: a contract whose code (or a base's) has ``assert`` or ``emit AssertionFailed``;
  a call failing with Panic 0x01 (solc >= 0.8; the INVALID opcode before) or a successful call
  emitting ``AssertionFailed`` is a failure;
- **property functions** (Echidna): ``echidna_*`` / ``property_*`` taking nothing, returning bool;
  false or a revert after any transaction is a failure;
- **invariant test contracts** (Foundry): ``setUp()`` builds the world; ``targetContracts()``,
  ``targetSenders()``, ``targetSelectors()``, ``excludeContracts()`` and ``excludeSenders()`` choose
  what is called; an ``invariant*`` function that reverts is a failure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import rlp
from eth_abi import decode
from eth_utils import function_signature_to_4byte_selector, keccak, to_checksum_address

from verify.dynamic.deploy_plan import PlanError, deploy_plan, plan_deployment
from verify.dynamic.session import ACTOR_FUNDS, Actors
from verify.dynamic.target import AbiFunction, Target

from .model import BASE_TIME, World, WorldOp
from .sites import Site, SourceSites

__all__ = ["Callable", "Harness", "HarnessError", "PropertyFn", "discover", "instantiate"]

PROPERTY_PREFIXES = ("echidna_", "property_")
INVARIANT_PREFIX = "invariant"  # forge runs invariant_x() and the older invariantX() alike
_TEST_MACHINERY = {"setUp", "IS_TEST", "failed", "targetContracts", "targetSenders", "targetSelectors",
                   "targetArtifacts", "targetArtifactSelectors", "targetInterfaces", "excludeContracts",
                   "excludeSenders", "excludeSelectors", "excludeArtifacts", "afterInvariant"}
CHEATCODES = "0x7109709ECfa91a80626fF3989D68f67F5b1DD12D"


class HarnessError(ValueError):
    """A harness that cannot run; the message names the contract and function."""


@dataclass
class PropertyFn:
    contract: str
    address: str
    signature: str
    style: str  # "echidna" (returns bool) | "invariant" (reverts)
    selector: bytes = b""

    def __post_init__(self) -> None:
        self.selector = function_signature_to_4byte_selector(self.signature)


@dataclass
class Callable:
    """A contract the campaign sends transactions to, and which of its functions."""

    name: str
    address: str
    functions: list[AbiFunction]
    code: bytes = b""


@dataclass
class Spec:
    """One campaign's plan, before anything is deployed."""

    style: str  # "contract" | "invariant"
    target: Target
    properties: list[str]  # signatures
    sites: list[Site]
    assertion_events: bool
    checks: list[Any] = field(default_factory=list)  # engine Property objects judged in Python (spec invariants)
    constructor_args: list[Any] | None = None


@dataclass
class Harness:
    spec: Spec
    world: World
    callables: list[Callable]
    senders: list[str]
    properties: list[PropertyFn]
    event_topics: set[bytes]
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.spec.target.name


def _property_problem(fn: AbiFunction, style: str) -> str | None:
    if fn.inputs:
        return (f"{fn.signature} takes arguments: a {'property' if style == 'echidna' else 'invariant'} function "
                f"takes none")
    if style == "echidna" and [o.get("type") for o in fn.outputs] != ["bool"]:
        return f"{fn.signature} does not return bool: a property function returns true while the property holds"
    return None


def discover(targets: list[Target], sites: SourceSites, checks: dict[str, list[Any]] | None = None,
             constructor_args: dict[str, list[Any]] | None = None, only: str | None = None
             ) -> tuple[list[Spec], list[str]]:
    """The campaigns a file asks for, and the problems that keep a harness from running.
    ``checks``: contract -> engine properties to judge after every transaction (synthesis passes
    the spec's invariants); ``only``: fuzz just that contract."""
    specs, problems = [], []
    checks, constructor_args = checks or {}, constructor_args or {}
    for t in targets:
        if sites.kinds.get(t.name, "contract") != "contract" or t.name in sites.abstract:
            continue
        if only and t.name != only:
            continue
        invariants = [f for f in t.functions if f.name.startswith(INVARIANT_PREFIX) and f.name != "invariant"]
        props = [f for f in t.functions if f.name.startswith(PROPERTY_PREFIXES)]
        bad = [p for f in invariants if (p := _property_problem(f, "invariant"))]
        bad += [p for f in props if (p := _property_problem(f, "echidna"))]
        problems += [f"{t.name}.{p}" for p in bad]
        events = any(i.get("type") == "event" and i.get("name") == "AssertionFailed" for i in t.abi)
        own_sites = sites.of(t.name)
        if invariants:
            good = [f.signature for f in invariants if not _property_problem(f, "invariant")]
            if good:
                specs.append(Spec("invariant", t, good, own_sites, events))
            continue
        good = [f.signature for f in props if not _property_problem(f, "echidna")]
        extra = list(checks.get(t.name, []))
        if good or own_sites or events or extra:
            specs.append(Spec("contract", t, good, own_sites, events, extra, constructor_args.get(t.name)))
    return specs, problems


class _Recording:
    """An executor that remembers what deployment did, so every replay builds the same world."""

    def __init__(self, ex):
        self.ex, self.ops, self.block = ex, [], 0

    def fund(self, address, wei):
        self.ops.append(WorldOp("fund", to=address, value=wei))
        self.ex.fund(address, wei)

    def _next_block(self):
        self.block += 1
        self.ex.set_block(self.block, BASE_TIME + self.block)

    def deploy(self, sender, initcode, value=0):
        self._next_block()
        addr, err = self.ex.deploy(sender, initcode, value)
        self.ops.append(WorldOp("create", sender=sender, to=addr or "", data=initcode, value=value))
        return addr, err

    def call(self, sender, to, data, value=0):
        self._next_block()
        res = self.ex.call(sender, to, data, value)
        self.ops.append(WorldOp("call", sender=sender, to=to, data=data, value=value))
        return res

    def set_code(self, address, code):
        self.ops.append(WorldOp("code", to=address, data=code))
        self.ex.set_code(address, code)

    def __getattr__(self, name):
        return getattr(self.ex, name)


def create_address(sender: str, nonce: int) -> str:
    return to_checksum_address(keccak(rlp.encode([bytes.fromhex(sender[2:]), nonce]))[12:])


def instantiate(spec: Spec, executor, actors: Actors | None = None) -> Harness:
    """Deploy the spec's world on ``executor`` (recorded) and say what the campaign calls."""
    actors = actors or Actors.default()
    rec = _Recording(executor)
    senders = [actors.deployer, actors.alice, actors.bob]
    for a in senders:
        rec.fund(a, ACTOR_FUNDS)
    t = spec.target
    names = {actors.deployer.lower(): "deployer", actors.alice.lower(): "alice", actors.bob.lower(): "bob"}
    try:
        plan = plan_deployment(t, t.env, actors.deployer, [actors.alice, actors.bob], spec.constructor_args)
        addr, deps = deploy_plan(rec, t, t.env, plan, actors.deployer)
    except PlanError as exc:
        raise HarnessError(f"{t.name} cannot be deployed: {exc}") from None
    addr = to_checksum_address(addr)
    names[addr.lower()] = t.name
    topics = {keccak(text=_event_signature(i)) for i in t.abi
              if i.get("type") == "event" and i.get("name") == "AssertionFailed"}
    notes: list[str] = []
    if spec.style == "contract":
        fns = [f for f in t.mutating if not f.name.startswith(PROPERTY_PREFIXES)]
        callables = [Callable(t.name, addr, fns, executor.code(addr))]
        props = [PropertyFn(t.name, addr, s, "echidna") for s in spec.properties]
    else:
        callables, senders = _invariant_world(rec, t, addr, actors, senders, names, notes, topics)
        props = [PropertyFn(t.name, addr, s, "invariant") for s in spec.properties]
    for c in callables:
        names.setdefault(c.address.lower(), c.name)
    if not any(c.functions for c in callables):
        notes.append(f"{t.name}: no state-changing function to call; the checks run on the deployed state only")
    return Harness(spec, World(rec.ops, names, rec.block), callables, senders, props, topics, notes)


def _event_signature(item: dict) -> str:
    from verify.dynamic.target import abi_type

    return f"{item['name']}({','.join(abi_type(p) for p in item.get('inputs', []))})"


def _views(executor, addr: str, sig: str, types: str) -> Any:
    out = executor.static(addr, function_signature_to_4byte_selector(sig))
    if not out:
        return None
    try:
        return decode([types], out)[0]
    except Exception:  # noqa: BLE001 - not the shape forge-std returns
        return None


def _invariant_world(rec, t: Target, addr: str, actors: Actors, senders: list[str], names: dict[str, str],
                     notes: list[str], topics: set[bytes]):
    ex = rec.ex
    if _uses_cheatcodes(t):
        notes.append(f"{t.name} calls Foundry cheatcodes (vm.*); ouro fuzz does not emulate them: a cheatcode "
                     f"call does nothing, and one whose result is used reverts")
    if t.has("setUp()"):
        res = rec.call(actors.deployer, addr, function_signature_to_4byte_selector("setUp()"), 0)
        if not res.ok:
            hint = " (it calls Foundry cheatcodes, which ouro fuzz does not emulate)" if _uses_cheatcodes(t) else ""
            raise HarnessError(f"{t.name}.setUp() reverted: {res.error}{hint}")
    selected = {}
    for entry in _views(ex, addr, "targetSelectors()", "(address,bytes4[])[]") or []:
        selected.setdefault(to_checksum_address(entry[0]), set()).update(bytes(s) for s in entry[1])
    chosen = [to_checksum_address(a) for a in (_views(ex, addr, "targetContracts()", "address[]") or [])]
    chosen += [a for a in selected if a not in chosen]
    if not chosen:  # forge's default: every contract setUp deployed
        chosen = _created_by(ex, addr)
    excluded = {to_checksum_address(a) for a in (_views(ex, addr, "excludeContracts()", "address[]") or [])}
    chosen = [a for a in chosen if a not in excluded and a != addr and a.lower() != CHEATCODES.lower()]
    env_contracts = (t.env.contracts if t.env else {}) or {}
    runtimes = (t.env.runtime if t.env else {}) or {}
    callables = []
    for a in chosen:
        code = ex.code(a)
        name = _match_runtime(code, runtimes)
        if name is None or name not in env_contracts:
            notes.append(f"{t.name}: target {a} has code ouro cannot match to a compiled contract; not called")
            continue
        abi = env_contracts[name][0]
        fns = [f for f in Target(name, abi, "").mutating if f.name not in _TEST_MACHINERY]
        if a in selected:
            fns = [f for f in fns if f.selector in selected[a]]
        callables.append(Callable(name, a, fns, code))
        topics.update(keccak(text=_event_signature(i)) for i in abi
                      if i.get("type") == "event" and i.get("name") == "AssertionFailed")
    wanted = [to_checksum_address(a) for a in (_views(ex, addr, "targetSenders()", "address[]") or [])]
    if wanted:
        for a in wanted:
            if ex.balance(a) < ACTOR_FUNDS:
                rec.fund(a, ACTOR_FUNDS)
        senders = wanted
    out = {to_checksum_address(a) for a in (_views(ex, addr, "excludeSenders()", "address[]") or [])}
    senders = [s for s in senders if s not in out] or senders
    if not callables:
        notes.append(f"{t.name}: no target contract to call (targetContracts() is empty and setUp deployed none)")
    return callables, senders


def _uses_cheatcodes(t: Target) -> bool:
    return CHEATCODES[2:].lower() in t.bytecode.lower()


def _created_by(ex, creator: str, depth: int = 2) -> list[str]:
    out = []
    for nonce in range(1, 33):
        a = create_address(creator, nonce)
        if not ex.code(a):
            if nonce > 3 and not out:
                break
            continue
        out.append(a)
        if depth > 1:
            out += _created_by(ex, a, depth - 1)
    return out


def _match_runtime(code: bytes, runtimes: dict[str, tuple[str, str]]) -> str | None:
    """The compiled contract whose runtime code this is (immutables and metadata may differ)."""
    best, score = None, 0.0
    for name, (hexcode, _) in runtimes.items():
        if not hexcode or "__" in hexcode:
            continue
        ref = bytes.fromhex(hexcode[2:] if hexcode.startswith("0x") else hexcode)
        if abs(len(ref) - len(code)) > 64 or not code:
            continue
        same = sum(1 for x, y in zip(ref, code) if x == y) / max(len(ref), len(code))
        if same > score:
            best, score = name, same
    return best if score > 0.9 else None

