"""Differential runs: the original and the patched contract, each freshly deployed in revm, get
the same hypothesis-generated transaction sequences from honest actors (deployer, alice, bob and
time passing), calling only functions both have. After every step the two must agree on
success/revert, return data, every actor's ETH, and every getter both expose.

Sequences that exercise the repaired exploit are excluded, not compared: a step after which the
finding's property fires on the original (e.g. an honest transfer that wraps a balance), a step
the original runs and the patch rejects through one of the checks it added for exactly that
path (an overflow check: the original wrapped there), or a call by a non-owner to a function
the patch made owner-only. A pull-payment patch keeps value in
a credit mapping instead of paying out: an actor's ETH is compared with its ETH plus its credit,
and the contract's ETH with its ETH minus the credits it owes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, Verbosity, given, settings as Settings, strategies as st

from verify.checks import properties as property_classes
from verify.dynamic.executor import RevmExecutor
from verify.dynamic.session import HONEST, TEAM, Session, Step
from verify.dynamic.strategies import draw_eth, draw_value
from verify.properties.base import RunContext

__all__ = ["DiffResult", "run_differential"]

WARPS = [60, 3600, 86400, 7 * 86400, 31 * 86400]


@dataclass
class DiffResult:
    contract: str
    sequences: int = 0  # compared to the end (or to their first exclusion)
    steps: int = 0  # steps compared
    excluded: int = 0  # sequences cut at an exploit step
    mismatch: dict[str, Any] | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.mismatch is None and self.error is None

    def to_dict(self) -> dict[str, Any]:
        return {"contract": self.contract, "sequences": self.sequences, "steps": self.steps,
                "excluded": self.excluded, "mismatch": self.mismatch, "error": self.error}


class _Recording(RevmExecutor):
    """revm that keeps the last call's result (return data), which the session does not expose."""

    last = None

    def call(self, sender, to, data, value=0):
        self.last = super().call(sender, to, data, value)
        return self.last


class _Mismatch(AssertionError):
    pass


class _Pair:
    def __init__(self, t_orig, t_new, args):
        self.ex_o, self.ex_n = _Recording(t_orig.evm.upper()), _Recording(t_new.evm.upper())
        self.o = Session(t_orig, self.ex_o, args)
        self.n = Session(t_new, self.ex_n, plan=self.o.plan)
        self.ex_o.save_base()
        self.ex_n.save_base()
        self.clock = (self.o.block, self.o.time)

    def reset(self):
        for s in (self.o, self.n):
            s.ex.restore_base()
            s.block, s.time = self.clock
            s.ex.set_block(s.block, s.time)
            s.reset_observation()


def _adjusted_eth(obs, credit_getters: list[str]) -> dict[str, int]:
    eth = dict(obs.eth)
    for g in credit_getters:
        per = obs.credits.get(g, {})
        owed = 0
        for r in HONEST + TEAM:
            v = per.get(r, 0)
            eth[r] = eth.get(r, 0) + v
            owed += v
        eth["target"] = eth.get("target", 0) - owed
    return eth


def _compare(oo, no, ro, rn, credit_getters) -> str | None:
    if oo.ok != no.ok:
        return (f"original {'succeeded' if oo.ok else 'reverted (' + str(oo.error) + ')'}, patched "
                f"{'succeeded' if no.ok else 'reverted (' + str(no.error) + ')'}")
    if ro is not None and rn is not None and oo.ok and ro.output != rn.output:
        return f"return data differs: 0x{ro.output.hex()} vs 0x{rn.output.hex()}"
    a, b = oo.after, no.after
    ea, eb = a.eth, _adjusted_eth(b, credit_getters)
    for role, v in ea.items():
        if eb.get(role) != v:
            return f"ETH of {role} differs: {v} vs {eb.get(role)}"
    for g, per in a.credits.items():
        if g in b.credits and per != b.credits[g]:
            return f"{g}() differs: {per} vs {b.credits[g]}"
    for k, v in a.owners.items():
        if k in b.owners and b.owners[k] != v:
            return f"{k}() differs: {v} vs {b.owners[k]}"
    for k, v in a.scalars.items():
        if k in b.scalars and b.scalars[k] != v:
            return f"{k} differs: {v} vs {b.scalars[k]}"
    return None


def run_differential(t_orig, t_new, *, restricted: set[str], credit_getters: list[str], exclude_props: set[str],
                     guard_reasons: list[str] = (), constructor_args=None, max_examples: int = 60, steps: int = 8, seed: int = 0) -> DiffResult:
    import hypothesis.core as hcore

    res = DiffResult(t_orig.name)
    try:
        pair = _Pair(t_orig, t_new, constructor_args)
    except Exception as exc:  # noqa: BLE001 - reported: a patch that cannot deploy is rejected
        res.error = f"deployment failed: {type(exc).__name__}: {exc}"
        return res
    new_sigs = {f.signature for f in t_new.mutating}
    functions = [f for f in t_orig.mutating if f.signature in new_sigs]
    if not functions:
        res.error = "no common state-changing function to compare"
        return res
    choices = st.sampled_from([(a, f) for a in HONEST for f in functions] + [("warp", None)] * 2)
    prop_classes = [c for c in property_classes() if c.ARGUMENT in exclude_props]
    roles = pair.o.roles()
    addrs = tuple(roles[r] for r in HONEST) + (roles["target"],)
    by_address = {v.lower(): k for k, v in roles.items()}
    frozen = {"done": False}

    @given(st.data())
    def sequence(data):
        pair.reset()
        ctx = RunContext(pair.o, pair.o.observe(), fresh_session=None)
        props = [c() for c in prop_classes if c().applies(t_orig)]
        for p in props:
            p.start(ctx)
        known: list[int] = [0, 1]
        trace = []
        n = data.draw(st.integers(1, steps), label="length")
        counted = 0
        for _ in range(n):
            actor, fn = data.draw(choices, label="actor, function")
            if actor == "warp":
                step = Step("warp", seconds=data.draw(st.sampled_from(WARPS), label="seconds"))
            else:
                args = [draw_value(data, t, addrs, sorted(set(known))[:24], f"arg{i}") for i, t in enumerate(fn.types)]
                step = Step(actor, fn.signature, args, draw_eth(data, known) if fn.payable else 0)
                known += [a for a in args if isinstance(a, int) and not isinstance(a, bool)] + [step.value]
                if fn.name in restricted:
                    before = pair.o.observe()
                    owner = next(iter(before.owners.values()), roles["deployer"])
                    if by_address.get(str(owner).lower()) != actor:
                        if not frozen["done"]:
                            res.excluded += 1
                        return  # a non-owner calling a now owner-only function: the exploit path
            trace.append(step.describe())
            pair.ex_o.last = pair.ex_n.last = None
            oo = pair.o.execute(step)
            ctx.steps.append((step, oo))
            if any(p.check(ctx, step, oo) for p in props):
                if not frozen["done"]:
                    res.excluded += 1
                return
            no = pair.n.execute(step)
            if oo.ok and not no.ok and any(g in str(no.error) for g in guard_reasons):
                if not frozen["done"]:
                    res.excluded += 1
                return  # the patch's own overflow/underflow check fired: the original wrapped here
            detail = _compare(oo, no, pair.ex_o.last, pair.ex_n.last, credit_getters)
            if detail:
                frozen["done"] = True
                raise _Mismatch({"steps": list(trace), "detail": detail})
            counted += 1
        if not frozen["done"]:
            res.sequences += 1
            res.steps += counted

    settings = Settings(max_examples=max_examples, deadline=None, database=None, derandomize=False,
                        suppress_health_check=list(HealthCheck), report_multiple_bugs=False, print_blob=False,
                        verbosity=Verbosity.quiet)
    previous = hcore.global_force_seed
    hcore.global_force_seed = seed
    try:
        settings(sequence)()
    except _Mismatch as exc:
        res.mismatch = exc.args[0]
    except Exception as exc:  # noqa: BLE001 - an engine failure rejects the patch, it never escapes
        res.error = f"{type(exc).__name__}: {exc}"
    finally:
        hcore.global_force_seed = previous
    return res
