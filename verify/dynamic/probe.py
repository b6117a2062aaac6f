"""Coverage of flagged lines, asked for after the search: did they run with the attack on?

A ``CoverageProbe`` holds one target's deployment plan and the search's ``Recorder``. Asked about
a static finding (a property, a function, flagged lines), it replays the kept sequences whose
last step had that property's attack on, on a local Anvil (shared by every probe of a file,
started on first use), and traces each last step with ``debug_traceCall``. The trace's pcs in the
target's (or a dependency's) code are mapped to lines. It stops as soon as every flagged line
that holds code has run. When they never ran, ``explain`` says why from the call statistics and
one traced failing call (for instance a call to an address without code).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .coverage import SourceMapper, parse_struct_logs
from .recorder import Prefix, Recorder
from .session import Session

__all__ = ["CoverageProbe", "SharedChain"]

MAX_TRACES = 10


class SharedChain:
    """One Anvil for all probes of a file, started on first use."""

    def __init__(self, evm: str, extra_args: list[str]):
        self.evm, self.extra_args = evm, extra_args
        self.chain = None
        self.error: str | None = None

    def get(self):
        if self.chain is None and self.error is None:
            try:
                from chains import AnvilChain

                self.chain = AnvilChain(extra_args=self.extra_args).start()
            except Exception as exc:  # noqa: BLE001 - coverage is then unknown, and says so
                self.error = f"{type(exc).__name__}: {exc}"
        return self.chain

    def close(self) -> None:
        if self.chain is not None:
            self.chain.stop()
            self.chain = None


@dataclass
class CoverageProbe:
    target: Any
    plan: Any
    recorder: Recorder
    shared: SharedChain
    _session: Session | None = None
    _snap: Any = None
    _mappers: dict[str, SourceMapper] = field(default_factory=dict)
    traces: int = 0

    # -- mapping -------------------------------------------------------------------------
    def mapper(self, contract: str) -> SourceMapper | None:
        env = self.target.env
        if env is None or env.file_id is None or contract not in env.runtime:
            return None
        if contract not in self._mappers:
            code, smap = env.runtime[contract]
            self._mappers[contract] = SourceMapper(code, smap, env.file_id, env.text)
        return self._mappers[contract]

    def _addresses(self, session: Session) -> dict[str, str]:
        """lowercase address -> contract name, for the target and its dependencies."""
        out = {session.address.lower(): self.target.name}
        for dep, addr in zip(session.plan.dependencies, session.dependencies):
            out[addr.lower()] = dep.contract
        return out

    # -- replay --------------------------------------------------------------------------
    def _fresh(self) -> Session | None:
        chain = self.shared.get()
        if chain is None:
            return None
        from .executor import ChainExecutor

        if self._session is None:
            self._session = Session(self.target, ChainExecutor(chain), plan=self.plan)
            self._clock = (self._session.block, self._session.time)
            self._snap = chain.snapshot()
        else:
            chain.revert(self._snap)
            self._snap = chain.snapshot()
            self._session.block, self._session.time = self._clock
            self._session.reset_observation()
        return self._session

    def trace(self, prefix: Prefix):
        """(trace of the prefix's last step, address -> contract) or None when no chain runs."""
        session = self._fresh()
        if session is None:
            return None
        for s in prefix.steps[:-1]:
            session.run_quietly(s)
        entry, logs = session.trace_step(prefix.steps[-1])
        self.traces += 1
        return parse_struct_logs(logs, entry), self._addresses(session)

    # -- questions -----------------------------------------------------------------------
    def coverage(self, prop: str, contract: str, function: str | None, lines: list[int]) -> dict[str, Any]:
        """{"flagged": executable flagged lines, "covered": those that ran with the attack on,
        "reached": bool, "lines": every line of ``contract`` those traces ran, "hits", "traced"}."""
        mapper = self.mapper(contract)
        out: dict[str, Any] = {"attack": prop, "flagged": [], "covered": [], "reached": False, "lines": [],
                               "hits": {}, "traced": [], "calls": self._stats(function)}
        if mapper is None:
            out["error"] = f"no source map for {contract}"
            return out
        flagged = sorted(set(lines) & mapper.executable_lines())
        out["flagged"] = flagged
        if not flagged:
            out["error"] = "the flagged lines hold no code"
            return out
        if self.shared.get() is None:
            out["error"] = f"no chain to trace on ({self.shared.error})"
            return out
        hits: dict[int, int] = {}
        for prefix in self.recorder.candidates(prop, function, MAX_TRACES):
            try:
                got = self.trace(prefix)
            except Exception as exc:  # noqa: BLE001 - one replay failing leaves the others
                out.setdefault("trace_errors", []).append(f"{type(exc).__name__}: {str(exc)[:160]}")
                continue
            if got is None:
                break
            trace, names = got
            ran = set()
            for addr, pcs in trace.pcs_by_address().items():
                if names.get(addr) == contract:
                    ran |= {ln for pc in pcs if (ln := mapper.line(pc))}
            for ln in ran:
                hits[ln] = hits.get(ln, 0) + 1
            out["traced"].append([s.describe() for s in prefix.steps])
            if set(flagged) <= set(hits):
                break
        out["covered"] = sorted(set(flagged) & set(hits))
        out["reached"] = set(flagged) <= set(hits)
        out["lines"] = sorted(hits)
        out["hits"] = {str(k): v for k, v in sorted(hits.items()) if k in flagged}
        return out

    def _stats(self, function: str | None) -> dict[str, Any]:
        st = self.recorder.stats.get(function or "")
        return st.to_json() if st else {"calls": 0}

    def explain(self, prop: str, contract: str, function: str | None, cov: dict[str, Any]) -> str:
        """Why the flagged lines did not run with the attack on."""
        where = f"{contract}.{function}" if function else contract
        lines = ",".join(map(str, cov.get("flagged") or []))
        if cov.get("error"):
            return f"{where} line(s) {lines}: coverage unknown ({cov['error']})"
        st = self.recorder.stats.get(function or "")
        parts = []
        if st is None or st.calls == 0:
            parts.append(f"{function or 'the function'} was never called")
        else:
            attacked, ok = st.by_mode.get(prop, 0), st.ok_by_mode.get(prop, 0)
            parts.append(f"{function} was called {st.calls} time(s), {attacked} with the attack on, "
                         f"{ok} of those succeeded")
            if st.ok == 0 and st.reverts:
                reason, _ = st.reverts.most_common(1)[0]
                parts.append(f"{function} always reverted ({reason}{self._why_revert(function)})")
            elif ok and not cov.get("covered"):
                parts.append(f"the guard before line(s) {lines} never held in the traced calls")
        for name, other in self.recorder.stats.items():
            if name != function and other.calls and other.ok == 0 and other.reverts:
                reason, _ = other.reverts.most_common(1)[0]
                parts.append(f"{name} always reverted ({reason}{self._why_revert(name)})")
        return f"{where} line(s) {lines} never ran with the {prop} attack on: " + "; ".join(parts[:4])

    def _why_revert(self, function: str) -> str:
        """A traced failing call's cause, when the trace shows one: a call to an address without code."""
        failing = [p for p in self.recorder.prefixes if p.function == function and not p.ok]
        if not failing:
            return ""
        try:
            got = self.trace(failing[0])
        except Exception:  # noqa: BLE001
            return ""
        if got is None:
            return ""
        trace, names = got
        for addr, pc in reversed(trace.empty_code_checks):
            name = names.get(addr or "")
            mapper = self.mapper(name) if name else None
            snippet = mapper.snippet(pc) if mapper else None
            if snippet:
                return f"; call to {snippet.split('(')[0]} on an address without code"
        return ""
