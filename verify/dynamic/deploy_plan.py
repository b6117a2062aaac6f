"""Deployment planning: constructor arguments for every ABI type, and the contracts they name.

A constructor parameter the code uses as a contract (``Log log``, or ``address _log`` turned into
``Log(_log)``) gets a deployed instance: the file's own contract of that name, a contract of the
file deriving from that interface, or else a stand-in (``OuroToken`` for ERC-20-like interfaces,
``OuroStub`` for any other). That instance's constructor is planned the same way. A state
variable holding a hard-coded address of a contract of the file (``LogFile(0x0486...)``) gets that
contract's code placed at that address. Other parameters get values by type and name
(owners, thresholds, times, amounts, arrays of equal length, structs, enums, bytes, strings).

Candidates are tried on a scratch in-process EVM until the constructor succeeds, so the session
deploys one plan that is known to work; a plan is data (JSON) so a replay deploys the same thing.
Arguments that name a dependency are stored as ``{"$dep": i}`` and resolved at deployment, so
the plan holds on any chain whatever the deployer's nonce.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from eth_abi.exceptions import EncodingError

from .target import ConstructorArgsError, Target, abi_type

__all__ = ["DepRef", "DeployPlan", "Dependency", "PlanError", "FileEnv", "plan_deployment", "resolve"]

BASE_TIME = 1_700_000_000  # the session's clock at deployment (session.BASE_TIME)
DAY = 86_400
MAX_DEPTH = 3
_ERC20_LIKE = {"transfer", "transferFrom", "balanceOf"}


class PlanError(ConstructorArgsError):
    """No candidate deployment succeeded; the message names the parameters and what was tried."""


@dataclass(frozen=True)
class DepRef:
    index: int


@dataclass
class FileEnv:
    """What planning needs from the compile: the file's contracts and the AST facts."""

    contracts: dict[str, tuple[list[dict], str]]  # name -> (abi, creation bytecode), deployable ones only
    facts: Any  # ast_facts.AstFacts
    evm: str = "shanghai"
    # for coverage: name -> (runtime bytecode, runtime source map); the verified file's id and text
    runtime: dict[str, tuple[str, str]] = field(default_factory=dict)
    file_id: int | None = None
    text: str = ""


@dataclass
class Dependency:
    contract: str  # a contract of the file, or OuroStub / OuroToken
    args: list[Any]
    why: str  # "constructor parameter log of U_BANK", "hard-coded LogFile at 0x..."
    value: int = 0
    placed_at: str | None = None  # code copied to this fixed address after deployment
    # given by the caller (a contract of a synthesized system, a mock token it chose):
    ref: str | None = None  # the name the caller knows this dependency by (Session.refs)
    abi: list[dict] | None = None  # its artifact, when it is not a contract of the compiled file
    bytecode: str | None = None
    calls: list[list[Any]] = field(default_factory=list)  # [signature, args] the deployer calls right after

    def to_json(self) -> dict[str, Any]:
        out = {"contract": self.contract, "args": _to_json(self.args), "why": self.why, "value": str(self.value),
               "placed_at": self.placed_at}
        if self.ref or self.bytecode or self.calls:
            out.update(ref=self.ref, abi=self.abi, bytecode=self.bytecode,
                       calls=[[sig, _to_json(a)] for sig, a in self.calls])
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Dependency":
        return cls(d["contract"], _from_json(d.get("args", [])), d.get("why", ""), int(d.get("value", 0)),
                   d.get("placed_at"), d.get("ref"), d.get("abi"), d.get("bytecode"),
                   [[sig, _from_json(a)] for sig, a in d.get("calls") or []])


@dataclass
class DeployPlan:
    args: list[Any]
    value: int = 0
    dependencies: list[Dependency] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # how parameters were planned
    # the deployer's wiring calls after deployment: [signature, args] of setters given a dependency
    setup: list[list[Any]] = field(default_factory=list)
    # the actors get a share of every ERC-20 dependency the deployer holds and approve the target
    # for all of it (and for every ERC-721 they own), so token-taking functions can run
    fund_tokens: bool = False
    aliases: dict[str, int] = field(default_factory=dict)  # more names for dependencies (Session.refs)

    def to_json(self) -> dict[str, Any]:
        return {"args": _to_json(self.args), "value": str(self.value),
                "dependencies": [d.to_json() for d in self.dependencies], "notes": list(self.notes),
                "setup": [[sig, _to_json(args)] for sig, args in self.setup], "fund_tokens": self.fund_tokens,
                "aliases": dict(self.aliases)}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "DeployPlan":
        return cls(_from_json(d.get("args", [])), int(d.get("value", 0)),
                   [Dependency.from_json(x) for x in d.get("dependencies", [])], list(d.get("notes", [])),
                   [[sig, _from_json(args)] for sig, args in d.get("setup", [])], bool(d.get("fund_tokens")),
                   {k: int(v) for k, v in (d.get("aliases") or {}).items()})


def _to_json(v: Any) -> Any:
    if isinstance(v, DepRef):
        return {"$dep": v.index}
    if isinstance(v, bytes):
        return "0x" + v.hex()
    if isinstance(v, (list, tuple)):
        return [_to_json(x) for x in v]
    if isinstance(v, int) and not isinstance(v, bool) and abs(v) > 2**53:
        return str(v)
    return v


def _from_json(v: Any) -> Any:
    if isinstance(v, dict) and "$dep" in v:
        return DepRef(int(v["$dep"]))
    if isinstance(v, list):
        return [_from_json(x) for x in v]
    return v


def resolve(v: Any, addresses: list[str]) -> Any:
    """Replace dependency references by the deployed addresses."""
    if isinstance(v, DepRef):
        return addresses[v.index]
    if isinstance(v, list):
        return [resolve(x, addresses) for x in v]
    return v


def typed(v: Any, t: str) -> Any:
    """A JSON value back into what eth-abi encodes for type ``t`` (ints from strings, bytes from hex)."""
    if isinstance(v, DepRef):
        return v
    if t.endswith("]"):
        inner = t[: t.rindex("[")]
        return [typed(x, inner) for x in v]
    if t.startswith("(") and t.endswith(")"):
        from .target import split_tuple

        return [typed(x, it) for x, it in zip(v, split_tuple(t[1:-1]))]
    if t.startswith(("uint", "int")):
        return int(v)
    if t.startswith("bytes") and isinstance(v, str):
        return bytes.fromhex(v[2:] if v.startswith("0x") else v)
    return v


# -- mocks ------------------------------------------------------------------------------------
@lru_cache(maxsize=None)
def mock_artifact(name: str) -> tuple[list[dict], str]:
    from verify.compile import Compiler

    res = Compiler(install=False, evm_version="shanghai").compile_file(
        Path(__file__).with_name(f"{name}.sol"), version="0.8.37")
    c = res.contract(name)
    return c.abi, c.bytecode


# -- values by type and name ------------------------------------------------------------------
_COUNT = re.compile(r"(required|threshold|quorum|confirm|signatures|min.?sig|num.?owners|needed)", re.I)
_START = re.compile(r"(start|open|begin|launch|from)", re.I)
_END = re.compile(r"(end|clos|deadline|expir|finish|until|stop)", re.I)
_UNLOCK = re.compile(r"(unlock|release|maturity)", re.I)
_DURATION = re.compile(r"(duration|period|delay|lock|interval|cliff|window|time|timeout|wait)", re.I)
_RATIO = re.compile(r"(fee|rate|bps|percent|ratio|share|commission|bonus)", re.I)
_PRICE = re.compile(r"(price|cost|min.?(bet|deposit|contribution|investment|sum|amount)|ticket|stake|bid)", re.I)
_SUPPLY = re.compile(r"(supply|cap|initial|total|max)", re.I)
_GOAL = re.compile(r"(goal|target|objective|softcap|funding)", re.I)  # more than a few users bring


@dataclass
class _Ctx:
    deployer: str
    others: list[str]
    style: int  # 0: by name; 1: times as durations / small numbers; 2: ones and zeros


def _uint(name: str, ctx: _Ctx, bits: int) -> int:
    top = 2**bits - 1
    if ctx.style == 2:
        return 1
    if "decimal" in name.lower():
        return 18
    if _COUNT.search(name):
        return 2
    if ctx.style == 0:
        if _START.search(name) and ("time" in name.lower() or "date" in name.lower() or "block" not in name.lower()):
            return min(top, BASE_TIME)
        if _END.search(name):
            return min(top, BASE_TIME + 30 * DAY)
        if _UNLOCK.search(name):
            return min(top, BASE_TIME + DAY)
    if _DURATION.search(name) or _START.search(name) or _END.search(name) or _UNLOCK.search(name):
        return min(top, DAY)
    if _RATIO.search(name):
        return min(top, 100)
    if _GOAL.search(name):
        return min(top, 100 * 10**18)
    if _PRICE.search(name):
        return min(top, 10**16)
    if _SUPPLY.search(name):
        return min(top, 10**6 * 10**18)
    return min(top, 1000)


def _value(t: str, name: str, ctx: _Ctx, index: int = 0, components: list[dict] | None = None) -> Any:
    m = re.match(r"^(.*)\[(\d*)\]$", t)
    if m:
        inner, size = m.group(1), m.group(2)
        n = int(size) if size else 3
        inner_components = components
        return [_value(inner, name, ctx, i, inner_components) for i in range(n)]
    if t.startswith("(") and t.endswith(")"):
        comps = components or []
        from .target import split_tuple

        parts = split_tuple(t[1:-1])
        return [_value(p, (comps[i].get("name") if i < len(comps) else "") or f"field{i}", ctx, 0,
                       comps[i].get("components") if i < len(comps) else None) for i, p in enumerate(parts)]
    if t == "address":
        pool = [ctx.deployer, *ctx.others]
        return pool[index % len(pool)]
    if t == "bool":
        return ctx.style != 1
    if t.startswith("uint"):
        v = _uint(name, ctx, int(t[4:] or 256))
        if index and _RATIO.search(name) and ctx.style == 0:
            return v  # equal shares
        return v
    if t.startswith("int"):
        return 1000 if ctx.style != 2 else 1
    if t == "string":
        low = name.lower()
        return "OURO" if "symbol" in low else ("Ouro" if ctx.style != 2 else "")
    if t == "bytes":
        return b""
    if t.startswith("bytes"):
        return bytes([1]) * int(t[5:])
    if t == "function":
        return b"\x00" * 24
    raise ConstructorArgsError(f"unsupported constructor parameter type '{t}'")


# -- the planner ------------------------------------------------------------------------------
class _Planner:
    def __init__(self, env: FileEnv, deployer: str, others: list[str]):
        self.env, self.deployer, self.others = env, deployer, others
        self.deps: list[Dependency] = []
        self.notes: list[str] = []

    def instance(self, contract: str, why: str, style: int, depth: int) -> DepRef:
        """Plan a dependency (its own dependencies first); its index in the deployment order."""
        facts = self.env.facts
        concrete = facts.concrete_of(contract, set(self.env.contracts)) if facts else None
        if concrete is not None and depth < MAX_DEPTH:
            abi, _ = self.env.contracts[concrete]
            args = self.args_for(concrete, abi, style, depth + 1, why=f"{concrete} (for {why})")
            ctor = next((i for i in abi if i.get("type") == "constructor"), None)
            payable = bool(ctor and (ctor.get("stateMutability") == "payable" or ctor.get("payable")))
            self.deps.append(Dependency(concrete, args, why, 10**18 if payable else 0))
            label = concrete if concrete == contract else f"{concrete} (implements {contract})"
            self.notes.append(f"{why}: deployed {label}")
        else:
            info = facts.contracts.get(contract) if facts else None
            token = info is not None and _ERC20_LIKE <= info.functions
            mock = "OuroToken" if token else "OuroStub"
            args = [[self.deployer, *self.others], 10**6 * 10**18] if token else []
            self.deps.append(Dependency(mock, args, why))
            self.notes.append(f"{why}: no deployable {contract} in the file; deployed {mock} in its place")
        return DepRef(len(self.deps) - 1)

    def args_for(self, name: str, abi: list[dict], style: int, depth: int, why: str | None = None) -> list[Any]:
        facts = self.env.facts
        ctor = next((i for i in abi if i.get("type") == "constructor"), None)
        inputs = list(ctor.get("inputs", [])) if ctor else []
        kinds = (facts.param_contracts.get(name, {}) if facts else {})
        enums = (facts.param_enums.get(name, {}) if facts else {})
        ctx = _Ctx(self.deployer, self.others, style)
        out = []
        for p in inputs:
            pname, t = p.get("name") or "", abi_type(p)
            internal = p.get("internalType") or ""
            contract = kinds.get(pname)
            if contract is None and internal.startswith("contract ") and t == "address":
                contract = internal.split()[1]
            if contract is not None and t == "address":
                out.append(self.instance(contract, f"constructor parameter {pname} of {name}", style, depth))
            elif pname in enums or internal.startswith("enum "):
                out.append(0)
            else:
                out.append(_value(t, pname, ctx, 0, p.get("components")))
        return out

    def setup(self, target: Target) -> list[list[Any]]:
        """The deployer wires each dependency a setter takes (a log, a token, an oracle) once."""
        facts = self.env.facts
        if facts is None:
            return []
        info = facts.contracts.get(target.name)
        by_id = {c.id: n for n, c in facts.contracts.items()}
        names = [by_id[i] for i in (info.bases if info else []) if i in by_id] or [target.name]
        calls = []
        for cname in names:
            for fname, wires in facts.setter_contracts.get(cname, {}).items():
                fn = next((f for f in target.mutating if f.name == fname), None)
                if fn is None or any(c[0] == fn.signature for c in calls):
                    continue
                ctx = _Ctx(self.deployer, self.others, 0)
                args = []
                for p, t in zip(fn.inputs, fn.types):
                    pname = p.get("name") or ""
                    if pname in wires and t == "address":
                        args.append(self.instance(wires[pname], f"setter {fname}({pname}) of {target.name}", 0, 1))
                    else:
                        args.append(_value(t, pname, ctx, 0, p.get("components")))
                calls.append([fn.signature, args])
        return calls

    def placed(self, name: str) -> None:
        facts = self.env.facts
        for var, contract, address in (facts.placed.get(name, []) if facts else []):
            if facts.concrete_of(contract, set(self.env.contracts)) is None:
                continue
            ref = self.instance(contract, f"hard-coded {contract} {var} at {address}", 0, 1)
            self.deps[ref.index].placed_at = address


def plan_candidates(target: Target, env: FileEnv, deployer: str, others: list[str],
                    constructor_args: list[Any] | None = None) -> list[DeployPlan]:
    """Plans to try, best first: by name, then times as durations and flags off, then ones."""
    value_choices = [10**18 if target.constructor_payable else 0]
    if target.constructor_payable and env.facts:
        value_choices += sorted(v for v in env.facts.compared_with_value if v <= 1000 * 10**18)[:2]
    plans = []
    styles = (0,) if constructor_args is not None else (0, 1, 2)
    for style in styles:
        planner = _Planner(env, deployer, others)
        planner.placed(target.name)
        if constructor_args is not None:
            args = list(constructor_args)
        elif target.proxy is not None:
            abi = [{"type": "constructor", "inputs": list(target.function(target.proxy.initializer).inputs)}]
            args = planner.args_for(target.name, abi, style, 0)
        else:
            args = planner.args_for(target.name, target.abi, style, 0)
        setup = planner.setup(target) if style == 0 else []
        for value in value_choices:
            plans.append(DeployPlan(args, value, list(planner.deps), list(planner.notes), setup))
    return plans


def plan_deployment(target: Target, env: FileEnv | None, deployer: str, others: list[str],
                    constructor_args: list[Any] | None = None) -> DeployPlan:
    """The first candidate plan whose deployment succeeds on a scratch EVM."""
    from .executor import RevmExecutor

    env = env or FileEnv({}, None, target.evm)
    if isinstance(constructor_args, DeployPlan):  # the caller's whole plan: checked, not replanned
        ex = RevmExecutor(target.evm.upper())
        ex.fund(deployer, 10**30)
        deploy_plan(ex, target, env, constructor_args, deployer)
        return constructor_args
    candidates = plan_candidates(target, env, deployer, others, constructor_args)
    errors: list[str] = []
    for plan in candidates:
        ex = RevmExecutor(target.evm.upper())
        ex.fund(deployer, 10**30)
        try:
            deploy_plan(ex, target, env, plan, deployer)
            return plan
        except PlanError as exc:
            errors.append(str(exc))
    types = ", ".join(f"{t} {p.get('name') or ''}".strip() for t, p in zip(target.constructor_types(),
                                                                             target._deploy_inputs()))
    first = candidates[0] if candidates else None
    how = "; ".join(first.notes) if first and first.notes else ""
    raise PlanError(f"{target.name} constructor({types}) reverted with every argument ouro planned "
                    f"({errors[0] if errors else 'no candidates'}{'; ' + how if how else ''}); pass working "
                    f"ones with --constructor-args '{{\"{target.name}\": [...]}}'")


def dependency_target(dep: Dependency, env: FileEnv) -> Target:
    if dep.bytecode:
        return Target(dep.contract, dep.abi or [], dep.bytecode, evm=env.evm)
    if dep.contract in env.contracts:
        abi, code = env.contracts[dep.contract]
    else:
        abi, code = mock_artifact(dep.contract)
    return Target(dep.contract, abi, code, evm=env.evm)


def deploy_plan(executor, target: Target, env: FileEnv | None, plan: DeployPlan, deployer: str
                ) -> tuple[str, list[str]]:
    """Deploy the dependencies, then the target; (target address, dependency addresses)."""
    env = env or FileEnv({}, None, target.evm)
    addresses: list[str] = []
    for dep in plan.dependencies:
        t = dependency_target(dep, env)
        args = [typed(a, ty) for a, ty in zip(resolve(dep.args, addresses), t.constructor_types())]
        addr, err = t.deploy(executor, deployer, args, dep.value)
        if addr is None:
            raise PlanError(f"{dep.why}: {dep.contract} constructor reverted ({err})")
        if dep.placed_at:
            executor.set_code(dep.placed_at, executor.code(addr))
            addr = dep.placed_at
        addresses.append(addr)
        for sig, call_args in dep.calls:
            fn = t.function(sig)
            got = executor.call(deployer, addr, fn.calldata([typed(a, ty) for a, ty in
                                                             zip(resolve(call_args, addresses), fn.types)]), 0)
            if not got.ok:
                raise PlanError(f"{dep.why}: {dep.contract}.{sig} reverted ({got.error})")
    args = [typed(a, ty) for a, ty in zip(resolve(plan.args, addresses), target.constructor_types())]
    if len(args) != len(target.constructor_types()):
        raise PlanError(f"{target.name} constructor takes ({', '.join(target.constructor_types())}), "
                        f"got {len(plan.args)} argument(s)")
    try:
        addr, err = target.deploy(executor, deployer, args, plan.value)
    except (TypeError, ValueError, OverflowError, EncodingError) as exc:  # a value that does not fit its type
        raise PlanError(f"arguments do not encode: {exc}") from None
    if addr is None:
        raise PlanError(f"constructor reverted ({err})")
    for sig, call_args in plan.setup:  # the owner's wiring; a setter that refuses is left as it is
        fn = target.function(sig)
        got = executor.call(deployer, addr, fn.calldata([typed(a, t) for a, t in
                                                         zip(resolve(call_args, addresses), fn.types)]), 0)
        if plan.fund_tokens and not got.ok:  # a caller's own wiring must work
            raise PlanError(f"{target.name}.{sig} reverted during the system's wiring ({got.error})")
    return addr, addresses
