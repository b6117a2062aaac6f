"""`ouro synth` for a system spec: several contracts that reference each other, verified as one
system and written as one project.

Every contract is generated, then verified in deployment order with the system's earlier
contracts deployed before it (from their own compile) and wired by reference: a staking pool is
verified against the system's real token, whose supply the engine's actors share. A system
invariant (``StakePool.totalStaked() <= StakeToken.balanceOf(StakePool)``) is checked on every
step of the search of the latest-deployed contract it names, where all it names are live. While
a contract is searched its admin stays the deployer (the engine plays the future owner, so admin
paths are searched too); the system check then deploys the whole system as the deploy script
does, hands ownership over (``owner:``), and checks that every deployment and wiring call works,
that ownership arrived, and that the system invariants hold in the deployed state.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from verify.compile import CompileError, Compiler
from verify.dynamic.deploy_plan import DeployPlan, Dependency, DepRef

from .generators import select_generator
from .invariant_checks import InvariantError, compile_invariants
from .kinds import get_kind
from .pipeline import SynthOptions, SynthResult, SystemContext, _actor_addresses, check_out_dir, verify_generated
from .spec import SpecError, parse_invariant
from .spec.invariants import Call, Name
from .spec.system import SystemSpec
from .token_plan import verification_plan

__all__ = ["SystemResult", "attach_invariants", "synthesize_system", "system_deployment"]


@dataclass
class SystemResult:
    spec: SystemSpec
    members: dict[str, SynthResult] = field(default_factory=dict)  # contract name -> its verification
    passed: bool = False
    check: dict[str, Any] = field(default_factory=dict)  # the whole-system deployment check
    seconds: float = 0.0
    error: str | None = None

    @property
    def name(self) -> str:
        return self.spec.name


def named_contracts(ast, names: set[str]) -> set[str]:
    """The system contracts an invariant names (as an address or through ``Name.fn()``)."""
    found: set[str] = set()

    def walk(n):
        if isinstance(n, Name) and n.id in names:
            found.add(n.id)
        if isinstance(n, Call) and n.on in names:
            found.add(n.on)
        for v in getattr(n, "__dict__", {}).values():
            for x in (v if isinstance(v, tuple) else (v,)):
                if hasattr(x, "__dataclass_fields__"):
                    walk(x)

    walk(ast)
    return found


def attach_invariants(system: SystemSpec) -> dict[str, list[tuple[int, str]]]:
    """Each system invariant goes to the latest-deployed contract it names (the last contract when
    it names none): (index in the spec, text) per contract name."""
    order = system.names
    out: dict[str, list[tuple[int, str]]] = {n: [] for n in order}
    for i, text in enumerate(system.invariants):
        named = named_contracts(parse_invariant(text), set(order))
        host = max(named, key=order.index) if named else order[-1]
        out[host].append((i, text))
    return out


def _artifact(compiled, name: str) -> tuple[list[dict], str]:
    c = compiled.contract(name)
    return c.abi, c.bytecode


def system_deployment(system: SystemSpec, upto: int, artifacts: dict[str, tuple[list[dict], str]],
                      variant: str = "standard") -> DeployPlan:
    """The deployment of ``system.entries[upto]`` with every earlier contract of the system
    deployed before it (and mock tokens for references given by address)."""
    actors = _actor_addresses()
    deps: list[Dependency] = []
    index_of: dict[str, int] = {}
    for e in system.entries[:upto + 1]:  # each planned like the target, the earlier ones kept as dependencies
        kind = get_kind(e.spec.kind)
        refs = {key: DepRef(index_of[target]) for key, target in e.uses.items()}
        plan = verification_plan([r for r in kind.token_refs(e.spec) if r.key not in refs],
                                 kind.constructor_args(e.spec), actors, variant, before=deps, system_refs=refs)
        if not isinstance(plan, DeployPlan):  # deployed against nothing
            plan = DeployPlan(plan, 0, list(deps), [], [], fund_tokens=True)
        if e is system.entries[upto]:
            for i, d in enumerate(plan.dependencies):
                if d.ref:
                    plan.aliases.setdefault(d.ref, i)
            return plan
        abi, code = artifacts[e.spec.name]
        deps = plan.dependencies + [Dependency(e.spec.name, plan.args, f"{e.spec.name}, deployed before it in the "
                                               f"system", ref=e.spec.name, abi=abi, bytecode=code)]
        index_of[e.spec.name] = len(deps) - 1
    raise IndexError(upto)


def synthesize_system(system: SystemSpec, spec_path: str | Path, out: str | Path, opts: SynthOptions | None = None,
                      compiler: Compiler | None = None, framework: str = "both") -> SystemResult:
    """Generate, verify and write a system; ``SpecError`` for a bad spec (nothing written)."""
    from .pipeline import _repair_and_reverify

    opts = opts or SynthOptions()
    out_dir = check_out_dir(out)
    generator = select_generator(opts.generator, opts.model)
    generated = {e.spec.name: generator.generate(e.spec) for e in system.entries}
    compiler = compiler or Compiler(evm_version="cancun")
    result = SystemResult(system)
    t0 = time.perf_counter()
    hosted = attach_invariants(system)
    with tempfile.TemporaryDirectory(prefix=".ouro-system-") as tmp:
        work = Path(tmp) / "contracts"
        work.mkdir()
        for name, g in generated.items():
            (work / f"{g.contract}.sol").write_text(g.source, encoding="utf-8")
        artifacts: dict[str, tuple[list[dict], str]] = {}
        for idx, e in enumerate(system.entries):
            name = e.spec.name
            sol = work / f"{generated[name].contract}.sol"
            try:
                artifacts[name] = _artifact(compiler.compile_file(sol), name)
            except CompileError as exc:
                result.error = f"{name} does not compile:\n{exc}"
                break
            _check_system_invariants(system, spec_path, name, hosted[name], artifacts)
            plan = system_deployment(system, idx, artifacts)
            texts = [t for _, t in hosted[name]]
            n_own = len(get_kind(e.spec.kind).invariants(e.spec)) + len(e.spec.invariants)
            ctx = SystemContext(plan, texts, {n: artifacts[n][0] for n in system.names[:idx]}, n_own)
            res = verify_generated(e.spec, sol, compiler, opts, generated[name], ctx)
            if not res.passed and opts.repair_rounds > 0 and res.entry.get("status") == "ok" and res.blocking():
                res = _repair_and_reverify(e.spec, sol, compiler, opts, generated[name], res)
                if res.passed:  # later contracts deploy the repaired code
                    artifacts[name] = _artifact(compiler.compile_file(sol), name)
            result.members[name] = res
            if not res.passed:
                break
        if result.error is None and len(result.members) == len(system.entries) and all(
                r.passed for r in result.members.values()):
            result.check = check_system(system, artifacts)
        result.passed = bool(result.check.get("ok")) and all(r.passed for r in result.members.values()) and len(
            result.members) == len(system.entries)
        result.seconds = time.perf_counter() - t0
        from .system_project import write_system_failure, write_system_project

        if result.passed:
            write_system_project(out_dir, system, result, Path(spec_path), framework)
        else:
            write_system_failure(out_dir, system, result)
    return result


def _check_system_invariants(system: SystemSpec, spec_path, host: str, hosted: list[tuple[int, str]],
                             artifacts: dict[str, tuple[list[dict], str]]) -> None:
    """A system invariant that names an unknown contract or view is a spec error at its line."""
    from .spec.loader import invariant_line

    if not hosted:
        return
    abis = {n: a for n, (a, _) in artifacts.items() if n != host}
    for i, text in hosted:
        try:
            compile_invariants([(text, parse_invariant(text))], artifacts[host][0], {}, abis, host)
        except InvariantError as exc:
            line = invariant_line(spec_path, i)
            msg = str(exc).split(": ", 1)[-1]
            raise SpecError([f"{spec_path}{':' + str(line) if line else ''}: invariants.{i}: {msg}"]) from None


def check_system(system: SystemSpec, artifacts: dict[str, tuple[list[dict], str]]) -> dict[str, Any]:
    """Deploy the whole system in order as the deploy script does, hand ownership over, and check
    the deployment, the ownership and the system invariants in the deployed state."""
    from eth_abi import decode, encode
    from eth_utils import function_signature_to_4byte_selector as sel

    from verify.dynamic.executor import RevmExecutor
    from verify.dynamic.session import Session
    from verify.dynamic.target import Target

    last = len(system.entries) - 1
    name = system.names[last]
    abi, code = artifacts[name]
    target = Target(name, abi, code, evm="cancun")
    plan = system_deployment(system, last, artifacts)
    report: dict[str, Any] = {"ok": False, "deployed": [], "wiring": [], "invariants": []}
    try:
        session = Session(target, RevmExecutor("CANCUN"), plan=plan)
    except Exception as exc:  # noqa: BLE001 - the system does not deploy: reported as its failure
        report["error"] = f"the system does not deploy: {exc}"
        return report
    where = dict(session.refs)
    where[name] = session.address
    report["deployed"] = [{"contract": n, "address": where[n]} for n in system.names]
    deployer = session.actors.deployer
    ok = True
    for e in system.entries:
        if not e.owner:
            continue
        got = session.ex.call(deployer, where[e.spec.name], sel("transferOwnership(address)") +
                              encode(["address"], [where[e.owner]]), 0)
        raw = session.ex.static(where[e.spec.name], sel("owner()"))
        now = decode(["address"], raw)[0] if raw else None
        arrived = got.ok and now is not None and now.lower() == where[e.owner].lower()
        ok &= arrived
        report["wiring"].append({"call": f"{e.spec.name}.transferOwnership({e.owner})", "ok": arrived,
                                 "error": None if got.ok else got.error})
    abis = {n: a for n, (a, _) in artifacts.items()}
    for i, text in enumerate(system.invariants):
        named = named_contracts(parse_invariant(text), set(system.names))
        host = max(named, key=system.names.index) if named else name
        prop = compile_invariants([(text, parse_invariant(text))], abis[host], {},
                                  {n: a for n, a in abis.items() if n != host}, host)[0]
        holds = _holds_on(prop, session, where[host])
        ok &= holds is not False
        report["invariants"].append({"index": i, "text": text, "holds": holds})
    report["ok"] = ok
    return report


def _holds_on(prop, session, address: str) -> bool | None:
    """Evaluate a system invariant once on the deployed system (None: a view reverted)."""
    from .invariant_checks import _Unavailable

    class _Ctx:
        pass

    view = _Ctx()
    view.address, view.ex, view.refs = address, session.ex, session.refs
    view.roles = session.roles
    ctx = _Ctx()
    ctx.session = view
    try:
        return bool(prop._eval(prop.ast, ctx, {}))
    except _Unavailable:
        return None
