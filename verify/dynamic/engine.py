"""Run every applicable property on every deployable contract of a compiled file.

Search runs in-process (revm) or on a chain (``chain="anvil"|"ganache"``): directed seeds, then
random sequences (``random_search.py``). Each violation is shrunk (``shrink.py``), then replayed
on a fresh Anvil as evidence (transaction hashes, balances before and after). Properties found
violated are dropped and the search goes on, so one run can report several distinct flaws.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from verify.checks import properties as property_classes
from verify.findings import Finding
from verify.properties.base import Property, RunContext

from .executor import ChainExecutor, RevmExecutor
from .probe import CoverageProbe, SharedChain
from .random_search import run_search
from .recorder import Recorder
from .seeds import run_seeds
from .session import BASE_TIME, DeployFailed, Session, Step, _jsonable
from .target import ConstructorArgsError, Target

__all__ = ["DynamicOptions", "DynamicReport", "anvil_args", "apply_proxies", "engine_evm", "run_dynamic", "replay_on_chain", "targets_of"]


# The in-process EVM's clock, so a sequence replays identically on Anvil.
ANVIL_CLOCK = ["--timestamp", str(BASE_TIME - 3600)]


def anvil_args(evm: str) -> list[str]:
    """Anvil under the same EVM rules and clock as the in-process search (no code-size limit:
    the engine compiles without the optimizer, which leaves large audited contracts over
    EIP-170's 24,576 bytes, as forge's --disable-code-size-limit does for its tests)."""
    return ["--hardfork", evm, "--disable-code-size-limit", *ANVIL_CLOCK]


def engine_evm(version: str, chain: str = "inprocess") -> str | None:
    """The EVM the engine compiles for and runs: cancun from solc 0.8.24 (OpenZeppelin 5 needs
    mcopy), shanghai from 0.8.20 (and on Ganache, which stops there), else the compiler's default."""
    v = tuple(int(x) for x in version.split("."))
    if v >= (0, 8, 24) and chain != "ganache":
        return "cancun"
    return "shanghai" if v >= (0, 8, 20) else None


@dataclass
class DynamicOptions:
    max_examples: int = 120
    steps: int = 10
    seed: int = 0
    chain: str = "inprocess"  # inprocess | anvil | ganache
    replay: bool = True  # replay each counterexample on a fresh Anvil
    constructor_args: dict[str, list[Any]] = field(default_factory=dict)
    extra_properties: dict[str, list[Property]] = field(default_factory=dict)  # contract name -> properties
    # contract name -> {"kind": "uups"|"transparent", "proxy_contract": name, "initializer": signature}
    proxies: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class DynamicReport:
    findings: list[Finding] = field(default_factory=list)
    ran: dict[str, list[str]] = field(default_factory=dict)  # contract -> properties that ran to completion
    errors: list[str] = field(default_factory=list)
    calls: int = 0
    seconds: float = 0.0
    probes: dict[str, Any] = field(default_factory=dict)  # contract -> CoverageProbe (ask, then close())
    _shared: Any = None

    def close(self) -> None:
        """Stop the chain coverage traces ran on (if one was started)."""
        if self._shared is not None:
            self._shared.close()


def targets_of(compiled, evm: str | None = None) -> list[Target]:
    """Deployable contracts defined in the file itself (not libraries, interfaces, abstracts),
    each with what deployment planning needs (the compile's other contracts, the AST facts)."""
    from .ast_facts import read_facts
    from .deploy_plan import FileEnv

    evm = evm or getattr(compiled, "evm_version", None) or "shanghai"
    source = Path(compiled.file).read_text(encoding="utf-8", errors="replace")
    facts = read_facts(compiled.raw or {}, compiled.file)
    libraries = {n for n, info in facts.contracts.items() if info.kind == "library"}
    deployable: dict[str, tuple[list[dict], str]] = {}
    runtime: dict[str, tuple[str, str]] = {}
    for c in sorted(compiled.contracts.values(), key=lambda c: c.source == compiled.file):
        if c.bytecode and c.name not in libraries and not _needs_linking(c.bytecode):
            deployable[c.name] = (c.abi, c.bytecode)
            runtime[c.name] = (c.deployed_bytecode, c.deployed_source_map)
    file_id = ((compiled.raw or {}).get("sources") or {}).get(compiled.file, {}).get("id")
    env = FileEnv(deployable, facts, evm, runtime, file_id, source)
    out = []
    for c in compiled.own_contracts():
        if not c.bytecode or c.name in libraries or re.search(rf"\blibrary\s+{re.escape(c.name)}\b", source):
            continue
        out.append(Target(c.name, c.abi, c.bytecode, compiled.file, evm=evm, env=env))
    return out


def _needs_linking(bytecode: str) -> bool:
    return "__" in bytecode  # an unlinked library placeholder


def apply_proxies(targets: list[Target], compiled, proxies: dict[str, dict[str, str]]) -> list[Target]:
    """Mark targets deployed behind a proxy; the proxy's code comes from the same compile."""
    from .target import ProxyDeployment

    for t in targets:
        spec = proxies.get(t.name)
        if spec:
            proxy = compiled.contract(spec["proxy_contract"])
            t.proxy = ProxyDeployment(spec["kind"], proxy.bytecode, spec["initializer"])
    return targets


def _engine_compile(path: str, version: str, chain: str = "inprocess"):
    from verify.compile import Compiler

    evm = engine_evm(version, chain)
    return Compiler(install=False, evm_version=evm).compile_file(path, version=version)


def _function_lines(source: str, name: str) -> list[int]:
    """Lines of the body of function ``name`` (receive/fallback for plain ETH transfers)."""
    if name == "<receive>":
        pattern = r"\b(receive|fallback)\s*\(|\bfunction\s*\("
    else:
        pattern = rf"\bfunction\s+{re.escape(name)}\s*\("
    m = re.search(pattern, source)
    if not m:
        return []
    start = source.find("{", m.end())
    if start < 0:
        return []
    depth, i = 0, start
    while i < len(source):
        depth += {"{": 1, "}": -1}.get(source[i], 0)
        if depth == 0:
            break
        i += 1
    first, last = source.count("\n", 0, start) + 1, source.count("\n", 0, i) + 1
    body = list(range(first + 1, last)) or [first]
    return body


class _Search:
    def __init__(self, target: Target, opts: DynamicOptions, chain=None):
        self.target, self.opts, self.chain = target, opts, chain
        self.args = opts.constructor_args.get(target.name)
        self._revm: RevmExecutor | None = None
        self._base: Session | None = None
        self._chain_snap = None
        self._fresh_execs: list[RevmExecutor] = []
        self._spare: Session | None = None
        self.recorder = Recorder()
        self.units: set[str] = set()  # credit getters proven to count wei

    def fresh(self) -> Session:
        """The same plan freshly deployed in-process, for differential replays. One spare
        deployment serves every replay: restored to its snapshot right after deployment, it is in
        the state a new deployment would be in (the previous replay's session is not used again)."""
        if self._spare is None:
            ex = RevmExecutor(self.target.evm.upper())
            self._fresh_execs.append(ex)
            self._spare = Session(self.target, ex, plan=self.plan)
            ex.save_base()
            self._spare_clock = (self._spare.block, self._spare.time)
            return self._spare
        s = self._spare
        s.ex.restore_base()
        s.block, s.time = self._spare_clock
        s.ex.set_block(s.block, s.time)
        s.reset_observation()
        return s

    def start(self) -> Session:
        if self.chain is None:
            self._revm = RevmExecutor(self.target.evm.upper())
            self._base = Session(self.target, self._revm, self.args)
            self._revm.save_base()
        else:
            self._base = Session(self.target, ChainExecutor(self.chain), self.args)
            self._chain_snap = self.chain.snapshot()
        self._base_clock = (self._base.block, self._base.time)
        self.args = self._base.constructor_args
        self.plan = self._base.plan
        return self._base

    def session(self) -> Session:
        s = self._base
        if self.chain is None:
            self._revm.restore_base()
        else:
            self.chain.revert(self._chain_snap)
            self._chain_snap = self.chain.snapshot()
        s.block, s.time = self._base_clock
        s.ex.set_block(s.block, s.time)
        s.reset_observation()
        return s

    def total_calls(self) -> int:
        return (self._base.ex.calls if self._base else 0) + sum(e.calls for e in self._fresh_execs)

    def total_views(self) -> int:
        """View calls answered inside batch observations (each batch counts once in total_calls)."""
        return (self._base.ex.batched_views if self._base else 0) + sum(e.batched_views for e in self._fresh_execs)


def run_dynamic(compiled, opts: DynamicOptions | None = None) -> DynamicReport:
    opts = opts or DynamicOptions()
    report = DynamicReport()
    t0 = time.perf_counter()
    try:
        wanted = engine_evm(compiled.version, opts.chain)
        if compiled.evm_version == wanted:  # built for the engine's EVM (None: the compiler's default)
            engine_build = compiled  # no second compile
        else:
            engine_build = _engine_compile(compiled.file, compiled.version, opts.chain)
    except Exception as exc:  # noqa: BLE001 - reported, static results stand
        report.errors.append(f"dynamic engine could not compile: {exc}")
        return report
    source = Path(compiled.file).read_text(encoding="utf-8", errors="replace")
    evm_rules = engine_evm(compiled.version, "anvil") or "shanghai"
    report._shared = SharedChain(evm_rules, anvil_args(evm_rules))
    chain = None
    if opts.chain != "inprocess":
        from chains import get_backend

        evm = engine_evm(compiled.version, opts.chain) or "shanghai"
        chain = get_backend(opts.chain)(extra_args=anvil_args(evm) if opts.chain == "anvil" else []).start()
    try:
        proxy_names = {p["proxy_contract"] for p in opts.proxies.values()}
        targets = [t for t in targets_of(engine_build) if t.name not in proxy_names]  # proxies run with their target
        for target in apply_proxies(targets, engine_build, opts.proxies):
            for attempt in range(3):
                restarts_before = chain.restarts if chain is not None else 0
                try:
                    _search_target(target, opts, chain, source, compiled, report)
                    break
                except (ConstructorArgsError, DeployFailed) as exc:
                    report.errors.append(f"{target.name}: {exc}; dynamic checks skipped")
                    break
                except Exception as exc:  # noqa: BLE001 - a node that died mid-run: restart, search again
                    # the node may already have been restarted by the RPC layer (ChainRestarted)
                    died = chain is not None and (chain.restarts > restarts_before or _node_died(chain))
                    if not died or attempt == 2:
                        report.errors.append(f"{target.name}: dynamic engine failed: {type(exc).__name__}: {exc}")
                        break
                    report.errors.append(f"{target.name}: {chain.name} died during the search; restarted "
                                         f"(restart {chain.restarts}) and searched again")
    finally:
        if chain is not None:
            chain.stop()
    report.seconds = time.perf_counter() - t0
    return report


def _node_died(chain) -> bool:
    try:
        return chain.ensure_alive()
    except Exception:  # noqa: BLE001
        return False


def _search_target(target: Target, opts: DynamicOptions, chain, source: str, compiled, report: DynamicReport) -> None:
    props = [cls() for cls in property_classes() if cls().applies(target)]
    props += [p for p in opts.extra_properties.get(target.name, []) if p.applies(target)]
    search = _Search(target, opts, chain)
    search.start()
    found = []
    active = list(props)
    if target.mutating:
        for v in run_seeds(search, active, search.recorder, search.units):
            active = [p for p in active if p is not v.prop]
            found.append(_finding(target, v, source, compiled, opts, search))
    if active and target.mutating:
        for v in run_search(search, active, max_examples=opts.max_examples, steps=opts.steps, seed=opts.seed,
                            recorder=search.recorder, units=search.units):
            found.append(_finding(target, v, source, compiled, opts, search))
    report.findings.extend(found)
    report.ran[target.name] = [p.ARGUMENT for p in props]
    report.calls += search.total_calls()
    report.probes[target.name] = CoverageProbe(target, search.plan, search.recorder, report._shared)


def _finding(target: Target, v, source: str, compiled, opts: DynamicOptions, search: _Search) -> Finding:
    steps_json = [s.to_json() for s in v.steps]
    first, last = v.outcomes[0].before, v.outcomes[-1].after
    roles = search._base.roles()
    evidence: dict[str, Any] = {
        "property": v.prop.ARGUMENT,
        "engine": "revm" if search.chain is None else opts.chain,
        "seed": opts.seed,
        "contract": target.name,
        "file": compiled.file,
        "solc": compiled.version,
        "evm": target.evm,
        "constructor_args": _jsonable(list(search.args or [])),
        "deployment": search.plan.to_json(),
        "actors": roles,
        "steps": steps_json,
        "trace": [s.describe() for s in v.steps],
        "balances_before": {k: str(x) for k, x in first.eth.items()},
        "balances_after": {k: str(x) for k, x in last.eth.items()},
        "detail": v.message,
    }
    called = {s.function.split("(")[0] for s in v.steps if s.function}
    called |= {s.reenter["function"].split("(")[0] for s in v.steps if s.reenter}
    if "<receive>" in called:
        called |= {"", "fallback", "receive"}
    facts = target.env.facts if target.env is not None else None
    evidence["functions_run"] = sorted(facts.runs(called) if facts else called)
    if getattr(v.prop, "losers", None):
        evidence["lost"] = {k: str(x) for k, x in v.prop.losers.items()}
    if opts.replay and search.chain is None:
        for attempt in range(2):  # a node that dies during the replay gets one fresh restart
            try:
                evidence["replay"] = replay_on_chain(target, v.steps, search.args, v.prop, plan=search.plan)
                break
            except Exception as exc:  # noqa: BLE001 - the in-process evidence stands on its own
                evidence["replay"] = {"chain": "anvil", "error": f"{type(exc).__name__}: {exc}"}
    fn = next((s.function for s in reversed(v.steps) if s.function), None)
    fname = fn.split("(")[0] if fn else None
    return Finding(
        check=v.prop.ARGUMENT, category=v.prop.CATEGORY, severity=v.prop.IMPACT, confidence=v.prop.CONFIDENCE,
        source="property", message=f"{target.name}: {v.message}", file=compiled.file, contract=target.name,
        function=fname, lines=_function_lines(source, fname) if fname else [], confirmed=True, evidence=evidence,
    )


def replay_on_chain(target: Target, steps: list[Step], constructor_args, prop: Property | None = None,
                    chain=None, plan=None) -> dict[str, Any]:
    """Replay a sequence on a fresh Anvil: transaction hashes, balances, and whether it reproduces."""
    from chains import AnvilChain

    own = chain is None
    chain = chain or AnvilChain(extra_args=anvil_args(target.evm)).start()
    try:
        session = Session(target, ChainExecutor(chain), None if plan else constructor_args, plan=plan)
        plan = session.plan
        ctx = RunContext(session, session.observe(),
                         fresh_session=lambda: Session(target, RevmExecutor(target.evm.upper()), plan=plan))
        hashes, reproduced, detail = [], False, None
        if prop is not None:
            prop.start(ctx)
        before = session.observe()
        for s in steps:
            out = session.execute(s)
            ctx.steps.append((s, out))
            hashes.append(out.tx_hash)
            if prop is not None and not reproduced:
                detail = prop.check(ctx, s, out)
                reproduced = detail is not None
        after = session.observe()
        return {
            "chain": chain.name,
            "rpc": chain.rpc_url,
            "target": session.address,
            "tx_hashes": hashes,
            "balances_before": {k: str(x) for k, x in before.eth.items()},
            "balances_after": {k: str(x) for k, x in after.eth.items()},
            "reproduced": reproduced if prop is not None else None,
            "detail": detail,
        }
    finally:
        if own:
            chain.stop()
