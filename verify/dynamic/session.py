"""One contract under test on one executor: actors, deployment, steps and observations."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from eth_abi import decode, encode
from eth_account import Account
from eth_utils import function_signature_to_4byte_selector, to_checksum_address

from chains.defaults import DEFAULT_MNEMONIC

from .abi_fast import encode as fast_encode
from .deploy_plan import DeployPlan, PlanError, deploy_plan, plan_deployment, resolve
from .executor import CallResult, Executor, decode_revert
from .observer import BALANCE, CALL, CODE_SIZE, OBSERVER, Queries, observer_code
from .target import Target

__all__ = ["Actors", "Observation", "Session", "Step", "StepOutcome", "attacker_artifact", "fund_with_tokens",
           "token_balance"]

HONEST = ("deployer", "alice", "bob")
TEAM = ("attacker", "attacker_contract")
ACTOR_FUNDS = 10_000 * 10**18
ATTACKER_CONTRACT_FUNDS = 100 * 10**18
BAIT = 10**18
BASE_BLOCK, BASE_TIME, BLOCK_SECONDS = 1_000, 1_700_000_000, 12
EIP1967_IMPL = 0x360894A13BA1A3210667C828492DB98DCA3E2076CC3735A920A3CA505D382BBC
ATTACK_SIG = "attack(address,bytes,uint256,bytes,uint256,uint256,bool)"
PROFIT_SIG = "attackIfProfit(address,bytes,uint256,bytes)"


@lru_cache(maxsize=1)
def _accounts() -> tuple[str, ...]:
    Account.enable_unaudited_hdwallet_features()
    return tuple(Account.from_mnemonic(DEFAULT_MNEMONIC, account_path=f"m/44'/60'/0'/0/{i}").address for i in range(4))


@dataclass(frozen=True)
class Actors:
    """The same addresses as Anvil's first accounts, so a sequence replays on a real node."""

    deployer: str
    alice: str
    bob: str
    attacker: str
    attacker_contract: str = ""

    @classmethod
    def default(cls) -> "Actors":
        d, a, b, x = _accounts()
        return cls(d, a, b, x)

    def address(self, role: str) -> str:
        return getattr(self, role)

    def roles(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v}


@lru_cache(maxsize=1)
def attacker_artifact() -> tuple[list[dict], str]:
    from verify.compile import Compiler

    res = Compiler(install=False, evm_version="shanghai").compile_file(
        Path(__file__).with_name("OuroAttacker.sol"), version="0.8.37")
    c = res.contract("OuroAttacker")
    return c.abi, c.bytecode


@dataclass
class Step:
    actor: str  # a role, or "warp"
    function: str | None = None  # signature
    args: list[Any] = field(default_factory=list)
    value: int = 0
    reenter: dict[str, Any] | None = None  # {"function", "args", "value", "depth"}
    reject_eth: bool = False
    origin: str | None = None  # "deployer": the attacker contract is invoked by the deployer (phishing)
    seconds: int = 0
    shift: int = 0  # the attacker as validator dates this step's block shift seconds off (-11..15)
    retry: int = 0  # the attacker contract plays only when it profits, trying up to this many blocks
    short: int = 0  # n > 0: the calldata lacks the last byte of argument n-1 (a client dropping a 00)
    inline: bool = False  # mined in the previous step's block (the transaction placed just before it)

    def to_json(self) -> dict[str, Any]:
        d = {"actor": self.actor}
        if self.actor == "warp":
            d["seconds"] = self.seconds
            return d
        d.update(function=self.function, args=_jsonable(self.args), value=str(self.value))
        if self.reenter:
            d["reenter"] = {**self.reenter, "args": _jsonable(self.reenter["args"]), "value": str(self.reenter["value"])}
        if self.reject_eth:
            d["reject_eth"] = True
        if self.origin:
            d["origin"] = self.origin
        if self.shift:
            d["shift"] = self.shift
        if self.retry:
            d["retry"] = self.retry
        if self.short:
            d["short"] = self.short
        if self.inline:
            d["inline"] = True
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any], target: Target) -> "Step":
        if d["actor"] == "warp":
            return cls("warp", seconds=int(d["seconds"]))
        fn = target.function(d["function"]) if d.get("function") else None
        re_ = d.get("reenter")
        if re_:
            rfn = target.function(re_["function"])
            re_ = {**re_, "args": _from_json(re_["args"], rfn.types), "value": int(re_["value"])}
        return cls(d["actor"], d.get("function"), _from_json(d.get("args", []), fn.types if fn else []),
                   int(d.get("value", 0)), re_, bool(d.get("reject_eth")), d.get("origin"),
                   shift=int(d.get("shift", 0)), retry=int(d.get("retry", 0)), short=int(d.get("short", 0)),
                   inline=bool(d.get("inline")))

    def describe(self) -> str:
        if self.actor == "warp":
            return f"time passes: {self.seconds}s"
        args = ", ".join(_short(a) for a in self.args)
        s = f"{self.actor}{'(via ' + self.origin + ')' if self.origin else ''}: {self.function.split('(')[0]}({args})"
        if self.value:
            s += f" value={self.value}"
        if self.reenter:
            r = self.reenter
            s += f" [re-enters {r['function'].split('(')[0]}({', '.join(_short(a) for a in r['args'])}) x{r['depth']}]"
        if self.reject_eth:
            s += " [rejects ETH]"
        if self.shift:
            s += f" [block time {self.shift:+d}s]"
        if self.retry:
            s += f" [plays only when it wins, up to {self.retry} blocks]"
        if self.short:
            s += f" [calldata one byte short: argument {self.short}'s last byte dropped]"
        return s


def _short(v: Any) -> str:
    if isinstance(v, bytes):
        return "0x" + v.hex()[:16]
    if isinstance(v, str) and v.startswith("0x") and len(v) == 42:
        return v[:8]
    return repr(v)


def _jsonable(v: Any) -> Any:
    if isinstance(v, bytes):
        return "0x" + v.hex()
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, int) and not isinstance(v, bool) and abs(v) > 2**53:
        return str(v)
    return v


def _from_json(values: list[Any], types: list[str]) -> list[Any]:
    out = []
    for v, t in zip(values, types):
        out.append(_value_from_json(v, t))
    return out


def _value_from_json(v: Any, t: str) -> Any:
    if t.endswith("]"):
        inner = t[: t.rindex("[")]
        return [_value_from_json(x, inner) for x in v]
    if t.startswith("(") and t.endswith(")"):
        from .target import split_tuple

        return [_value_from_json(x, it) for x, it in zip(v, split_tuple(t[1:-1]))]
    if t.startswith(("uint", "int")):
        return int(v)
    if t.startswith("bytes"):
        return bytes.fromhex(v[2:]) if isinstance(v, str) else bytes(v)
    if t == "address":
        return to_checksum_address(v)
    return v


@dataclass
class Observation:
    eth: dict[str, int]
    credits: dict[str, dict[str, int]]  # getter -> role -> value
    owners: dict[str, str]
    scalars: dict[str, int]
    code_size: int
    implementation: int
    reentered: int = 0
    reentry_failures: int = 0

    def team_eth(self) -> int:
        return sum(self.eth[r] for r in TEAM)

    def team_claims(self) -> int:
        """What the contract records as owed to the attacker team (ETH-credit contracts)."""
        return sum(v for per in self.credits.values() for r, v in per.items() if r in TEAM)


@dataclass
class StepOutcome:
    ok: bool
    error: str | None
    before: Observation
    after: Observation
    tx_hash: str | None = None
    output: bytes = b""  # what the called function returned (the target's answer, also via the attacker)
    tries: int = 1  # blocks tried by a play-only-when-it-wins step
    plays: str = ""  # per tried block: W a kept (winning) play, L a play undone for not paying, - refused


class Session:
    """Deploys the target and the attacker, runs steps, observes state."""

    def __init__(self, target: Target, executor: Executor, constructor_args: list[Any] | None = None,
                 actors: Actors | None = None, plan: DeployPlan | None = None):
        self.target = target
        self.ex = executor
        base = actors or Actors.default()
        self.block, self.time = BASE_BLOCK, BASE_TIME
        for role in HONEST + ("attacker",):
            executor.fund(base.address(role), ACTOR_FUNDS)
        self.ex.set_block(self.block, self.time)
        abi, code = attacker_artifact()
        atk, err = executor.deploy(base.attacker, bytes.fromhex(code))
        if atk is None:
            raise RuntimeError(f"attacker contract failed to deploy: {err}")
        self.actors = Actors(base.deployer, base.alice, base.bob, base.attacker, to_checksum_address(atk))
        executor.fund(self.actors.attacker_contract, ATTACKER_CONTRACT_FUNDS)
        if plan is None and isinstance(constructor_args, DeployPlan):
            plan = constructor_args
        try:
            if plan is None:
                plan = plan_deployment(target, target.env, self.actors.deployer, [self.actors.alice, self.actors.bob],
                                       constructor_args)
            addr, deps = deploy_plan(executor, target, target.env, plan, self.actors.deployer)
        except PlanError as exc:
            raise DeployFailed(str(exc)) from None
        self.plan = plan
        self.dependencies = [to_checksum_address(a) for a in deps]
        self.constructor_args = resolve(plan.args, self.dependencies)
        self.address = to_checksum_address(addr)
        self.deploy_value = plan.value
        # the caller's names for its dependencies (a system's contracts, the mock tokens it chose)
        self.refs = {d.ref: a for d, a in zip(plan.dependencies, self.dependencies) if d.ref}
        self.refs.update({k: self.dependencies[i] for k, i in plan.aliases.items()})
        if plan.fund_tokens:
            fund_with_tokens(executor, self.actors, plan, self.dependencies, self.address, target)
        # Bait: the contract holds 1 ETH nobody deposited, so taking it is visible.
        executor.fund(self.address, executor.balance(self.address) + BAIT)
        self._attack_selector = function_signature_to_4byte_selector(ATTACK_SIG)
        self._profit_selector = function_signature_to_4byte_selector(PROFIT_SIG)
        self._counter_sel = {n: function_signature_to_4byte_selector(f"{n}()") for n in ("reentered", "reentryFailures")}
        if getattr(executor, "batch_views", False):
            executor.set_code(OBSERVER, observer_code())
        self._prepare_observation()
        self._last: Observation | None = None

    # -- observation -------------------------------------------------------------------
    def roles(self) -> dict[str, str]:
        return self._roles

    def _prepare_observation(self) -> None:
        self._roles = {**self.actors.roles(), "target": self.address}
        t, addr = self.target, self.address
        self._credit_calls = [
            (g.name, [(r, g.selector + encode(["address"], [self._roles[r]])) for r in HONEST + TEAM + ("target",)])
            for g in t.credit_getters
        ]
        self._owner_calls = [(g.name, g.selector) for g in t.owner_getters]
        self._account_calls = [
            (g.name, [(r, g.selector + encode(["address"], [self._roles[r]])) for r in HONEST + TEAM])
            for g in t.account_getters
        ]
        self._scalar_calls = [(g.name, g.selector) for g in t.scalar_getters]
        self._struct_calls = {}
        for g, i, label, credit in t.struct_fields:
            entry = self._struct_calls.setdefault(g.name, (g, [(r, g.selector + encode(["address"], [self._roles[r]]))
                                                             for r in HONEST + TEAM + ("target",)], []))
            entry[2].append((i, label, credit))
        # every question of an observation, in the order observe() reads the answers
        q = [(BALANCE, a, b"") for a in self._roles.values()] + [(CODE_SIZE, addr, b"")]
        q += [(CALL, addr, data) for _, calls in self._credit_calls for _, data in calls]
        q += [(CALL, addr, data) for _, data in self._owner_calls]
        q += [(CALL, addr, data) for _, data in self._scalar_calls]
        q += [(CALL, addr, data) for _, calls in self._account_calls for _, data in calls]
        q += [(CALL, addr, data) for _, calls, _ in self._struct_calls.values() for _, data in calls]
        counters = [(CALL, self.actors.attacker_contract, self._counter_sel[n]) for n in ("reentered", "reentryFailures")]
        self._queries = (Queries(q), Queries(q + counters))
        self._batched = bool(getattr(self.ex, "batch_views", False))

    def observe(self, with_counters: bool = False) -> Observation:
        queries = self._queries[with_counters]
        answers = iter(queries.ask_batch(self.ex) if self._batched else queries.ask_each(self.ex))
        eth = {r: next(answers) for r in self._roles}
        code_size = next(answers)
        credits: dict[str, dict[str, int]] = {}
        for name, calls in self._credit_calls:
            per: dict[str, int] = {}
            for r, _ in calls:
                out = next(answers)
                if out and len(out) >= 32:
                    per[r] = int.from_bytes(out[:32], "big")
            credits[name] = per
        owners = {}
        for name, _ in self._owner_calls:
            out = next(answers)
            if out and len(out) >= 32:
                owners[name] = "0x" + out[12:32].hex()
        scalars = {}
        for name, _ in self._scalar_calls:
            out = next(answers)
            if out and len(out) >= 32:
                scalars[name] = int.from_bytes(out[:32], "big")
        for name, calls in self._account_calls:
            for r, _ in calls:
                out = next(answers)
                if out and len(out) >= 32:
                    scalars[f"{name}({r})"] = int.from_bytes(out[:32], "big")
        for g, calls, fields in self._struct_calls.values():
            for r, _ in calls:
                out = next(answers)
                if not out:
                    continue
                for i, label, credit in fields:
                    if len(out) < 32 * (i + 1):
                        continue
                    v = int.from_bytes(out[32 * i: 32 * (i + 1)], "big")
                    if credit:
                        credits.setdefault(label, {})[r] = v
                    elif r != "target":
                        scalars[f"{label}({r})"] = v
        obs = Observation(eth, credits, owners, scalars, code_size, self.ex.storage_at(self.address, EIP1967_IMPL))
        if with_counters:
            for attr in ("reentered", "reentry_failures"):
                out = next(answers)
                setattr(obs, attr, int.from_bytes(out[:32], "big") if out else 0)
        return obs

    # -- steps -------------------------------------------------------------------------
    def advance(self, seconds: int = BLOCK_SECONDS) -> None:
        self.block += 1
        self.time += seconds
        self.ex.set_block(self.block, self.time)

    def reset_observation(self) -> None:
        """Forget the cached observation (the state was restored behind the session's back)."""
        self._last = None

    def execute(self, step: Step) -> StepOutcome:
        outcome = self._execute(step)
        self._last = outcome.after
        return outcome

    def _message(self, step: Step) -> tuple[str, str, bytes, int]:
        """(sender, to, calldata, value) of a step's transaction."""
        fn = self.target.function(step.function)
        data = fn.calldata(step.args)
        if step.short:  # the word of argument short-1 loses its last byte; what follows moves up
            cut = 4 + 32 * (step.short - 1) + 31
            data = data[:cut] + data[cut + 1:]
        if step.actor != "attacker_contract":
            return self.actors.address(step.actor), self.address, data, step.value
        if step.retry:
            view = self._profit_view()
            payload = self._profit_selector + fast_encode(["address", "bytes", "uint256", "bytes"],
                                                          [self.address, data, step.value, view])
            return self.actors.address(step.origin or "attacker"), self.actors.attacker_contract, payload, 0
        re_data, re_value, depth = b"", 0, 0
        if step.reenter:
            rfn = self.target.function(step.reenter["function"])
            re_data, re_value, depth = rfn.calldata(step.reenter["args"]), step.reenter["value"], step.reenter["depth"]
        payload = self._attack_selector + fast_encode(
            ["address", "bytes", "uint256", "bytes", "uint256", "uint256", "bool"],
            [self.address, data, step.value, re_data, re_value, depth, step.reject_eth])
        return self.actors.address(step.origin or "attacker"), self.actors.attacker_contract, payload, 0

    def _profit_view(self) -> bytes:
        """A view of what the target credits the attacker contract (winnings, balances), counted
        as gain by ``attackIfProfit`` beside its ETH."""
        for g in self.target.credit_getters:
            return g.selector + encode(["address"], [self.actors.attacker_contract])
        return b""

    def _block(self, step: Step) -> None:
        """The next block; a shifted step dates it ``shift`` seconds off, later blocks stay after it.
        An inline step stays in the block of the step before it."""
        if step.inline:
            return
        self.advance()
        if step.shift:
            self.ex.set_block(self.block, self.time + step.shift)
            self.time = max(self.time, self.time + step.shift)

    def run_quietly(self, step: Step) -> bool:
        """Execute a step without observing anything (coverage replays); whether it succeeded."""
        if step.actor == "warp":
            self.advance(step.seconds)
            return True
        if step.retry:
            won = False
            for _ in range(step.retry):
                self._block(step)
                sender, to, data, value = self._message(step)
                won = self.ex.call(sender, to, data, value).ok or won
            return won
        self._block(step)
        sender, to, data, value = self._message(step)
        return self.ex.call(sender, to, data, value).ok

    def trace_step(self, step: Step) -> tuple[str, list[dict]]:
        """The instructions the step would execute next (chain executors), and the address it calls."""
        self._block(step)
        sender, to, data, value = self._message(step)
        return to, self.ex.trace_call(sender, to, data, value)

    def _execute(self, step: Step) -> StepOutcome:
        before = self._last or self.observe()
        if step.actor == "warp":
            self.advance(step.seconds)
            after = self.observe()
            return StepOutcome(True, None, before, after)
        if step.retry:
            return self._play_when_winning(step, before)
        self._block(step)
        sender, to, data, value = self._message(step)
        res: CallResult = self.ex.call(sender, to, data, value)
        if step.actor == "attacker_contract":
            ok, err, output = res.ok, res.error, b""
            if res.ok and res.output:
                inner_ok, inner_ret = _bool_and_bytes(res.output) or decode(["bool", "bytes"], res.output)
                ok = bool(inner_ok)
                output = bytes(inner_ret)
                if not ok:
                    err = decode_revert(inner_ret)
            after = self.observe(with_counters=True)
            return StepOutcome(ok, err, before, after, res.tx_hash, output)
        after = self.observe()
        return StepOutcome(res.ok, res.error, before, after, res.tx_hash, res.output)

    def _play_when_winning(self, step: Step, before: Observation) -> StepOutcome:
        """``retry`` blocks in a row, the attacker contract plays and keeps only the plays that
        paid (``attackIfProfit`` undoes the others). ``plays`` records each block: W kept, L a
        play that ran but did not pay, - the target refused (reverted)."""
        plays, last_ok, err = [], None, None
        for _ in range(step.retry):
            self._block(step)
            sender, to, data, value = self._message(step)
            res: CallResult = self.ex.call(sender, to, data, value)
            if res.ok:
                plays.append("W")
                last_ok = res
            else:
                reason = res.error or ""
                plays.append("L" if "no profit" in reason else "-")
                err = reason
        after = self.observe(with_counters=True)
        res = last_ok
        return StepOutcome(res is not None, None if res else err, before, after, res.tx_hash if res else None,
                           b"", len(plays), "".join(plays))

    def replay(self, steps: list[Step]) -> list[StepOutcome]:
        return [self.execute(s) for s in steps]


def _bool_and_bytes(out: bytes) -> tuple[bool, bytes] | None:
    """``(bool ok, bytes ret)`` as the attacker contract returns it (solc's exact encoding), or None."""
    if len(out) < 96 or any(out[:31]) or out[31] > 1 or int.from_bytes(out[32:64], "big") != 64:
        return None
    n = int.from_bytes(out[64:96], "big")
    if len(out) != 96 + (n + 31) // 32 * 32 or any(out[96 + n:]):
        return None
    return bool(out[31]), out[96:96 + n]


_ERC20 = {"transfer", "approve", "balanceOf", "transferFrom"}
_ERC721 = {"ownerOf", "setApprovalForAll"}
MAX_UINT = 2**256 - 1


def fund_with_tokens(executor: Executor, actors: Actors, plan: DeployPlan, addresses: list[str], target: str,
                     under_test: Target) -> None:
    """Every honest actor and the attacker hold each ERC-20 dependency (the deployer hands out a
    quarter of its balance in equal shares to those who hold none) and approve the target for
    all of it; every actor approves the target for its ERC-721s. A token that refuses is left."""
    from .deploy_plan import FileEnv, dependency_target

    env = under_test.env or FileEnv({}, None, under_test.evm)
    others = [actors.alice, actors.bob, actors.attacker]
    everyone = [actors.deployer] + others
    for dep, addr in zip(plan.dependencies, addresses):
        abi = dependency_target(dep, env).abi
        names = {i.get("name") for i in abi if i.get("type") == "function"}
        if addr.lower() == target.lower():
            continue
        if _ERC20 <= names:
            bal = token_balance(executor, addr, actors.deployer)
            share = bal // 4 // len(others) if bal else 0
            for who in others:
                if share and token_balance(executor, addr, who) == 0:
                    executor.call(actors.deployer, addr, _sel("transfer(address,uint256)") +
                                  encode(["address", "uint256"], [who, share]), 0)
            for who in everyone:
                executor.call(who, addr, _sel("approve(address,uint256)") +
                              encode(["address", "uint256"], [target, MAX_UINT]), 0)
        elif _ERC721 <= names:
            for who in everyone:
                executor.call(who, addr, _sel("setApprovalForAll(address,bool)") +
                              encode(["address", "bool"], [target, True]), 0)


def _sel(sig: str) -> bytes:
    return function_signature_to_4byte_selector(sig)


def token_balance(executor: Executor, token: str, who: str) -> int:
    """``token.balanceOf(who)``; 0 when the call fails or answers nothing."""
    raw = executor.static(token, _sel("balanceOf(address)") + encode(["address"], [who]))
    return decode(["uint256"], raw)[0] if raw and len(raw) >= 32 else 0


class DeployFailed(RuntimeError):
    """The target could not be deployed (every planned constructor call reverted)."""
