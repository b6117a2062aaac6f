"""The repair loop: verify the file, pick the findings to repair, and in bounded rounds try
candidate patches (the deterministic patcher of each finding class first, then a model's diff)
until one is accepted. A candidate is accepted only if it compiles, its findings are gone (the
engine property that confirmed each one no longer fires, and the recorded exploit no longer
reproduces), no new finding appears (compared by check + contract + function), and honest
transaction sequences behave the same on the original and the patched contract."""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from verify.checks import properties as property_classes
from verify.compile import Compiler
from verify.findings import severity_as_flagged
from verify.dynamic.engine import engine_evm, targets_of
from verify.pipeline import VerifyOptions, verify_file

from .diff import unified_diff
from .differential import run_differential
from .exploit import replay_exploit, short_calldata_exploit
from .model_patch import propose
from .patchers import PatchPlan, all_patchers
from .source import EditConflict, Source, apply_edits

__all__ = ["RepairOptions", "key_of", "repair_file", "standing", "targets"]

LOW_TARGETS = {"ouro-short-address", "calls-loop"}  # low findings a patcher repairs


@dataclass
class RepairOptions:
    rounds: int = 3
    seed: int = 0
    max_examples: int = 120  # the engine's property search, as `ouro verify`
    steps: int = 10
    diff_examples: int = 60  # honest sequences in the differential run
    diff_steps: int = 8
    constructor_args: dict[str, list[Any]] = field(default_factory=dict)
    model: Any = None  # a synth.models.ModelClient, for findings no patcher repairs
    patchers: bool = True
    # also repair high/medium static findings the engine ran clean on (what `ouro synth` needs:
    # a generated contract passes only with none of them); the exploit test then has no evidence
    refuted_too: bool = False


def key_of(f: dict[str, Any]) -> tuple[str, str | None, str | None]:
    return (f["check"], f.get("contract"), f.get("function"))


def _key_text(k) -> str:
    return f"{k[0]} in {k[1]}.{k[2]}" if k[2] else f"{k[0]} in {k[1]}"


def standing(findings: list[dict[str, Any]], refuted_too: bool = False) -> list[dict[str, Any]]:
    """Findings that stand: not refuted by the engine (unless ``refuted_too``), and not informational."""
    return [f for f in findings if (refuted_too or f.get("confirmed") is not False)
            and f.get("severity") != "informational"]


def targets(findings: list[dict[str, Any]], refuted_too: bool = False) -> list[dict[str, Any]]:
    """What repair addresses: high/medium findings that stand (with ``refuted_too``, refuted ones
    at the severity they were flagged with), and the low ones a patcher repairs."""
    return [f for f in standing(findings, refuted_too)
            if (severity_as_flagged(f) if refuted_too else f["severity"]) in ("high", "medium")
            or f["check"] in LOW_TARGETS]


def _covering(check: str) -> set[str]:
    out = {c.ARGUMENT for c in property_classes() if check in c.COVERS}
    if any(c.ARGUMENT == check for c in property_classes()):
        out.add(check)
    return out


class _Repair:
    def __init__(self, path: Path, compiler: Compiler, opts: RepairOptions):
        self.path, self.compiler, self.opts = path, compiler, opts
        self.vopts = VerifyOptions(seed=opts.seed, max_examples=opts.max_examples, steps=opts.steps, replay=False,
                                   constructor_args=opts.constructor_args)
        self.restricted: dict[str, set[str]] = {}
        self.credit_getters: dict[str, list[str]] = {}
        self.exclude_props: set[str] = set()
        self.guard_reasons: list[str] = []
        self._orig_targets = None

    # -- building blocks --------------------------------------------------------------
    def verify_text(self, text: str) -> tuple[dict[str, Any], Path]:
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.stem}.repair-", suffix=".sol")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        return verify_file(tmp, self.compiler, self.vopts), Path(tmp)

    def engine_targets(self, file: Path, version: str):
        evm = engine_evm(version)
        compiled = Compiler(install=False, evm_version=evm).compile_file(file, version=version)
        return {t.name: t for t in targets_of(compiled)}

    # -- one candidate ---------------------------------------------------------------------
    def evaluate(self, text: str, addressed: list[dict[str, Any]], current: dict[str, Any], cur_file: Path,
                 plan: PatchPlan | None) -> dict[str, Any]:
        ev: dict[str, Any] = {}
        t0 = time.perf_counter()
        tmp = None
        try:
            result, tmp = self.verify_text(text)
            if result["status"] == "compile-error":
                return {"accepted": False, "reason": f"does not compile: {result['error']}", "evidence": ev}
            if result["status"] != "ok" and not result["findings"]:
                return {"accepted": False, "reason": f"verification failed: {result['error']}", "evidence": ev}
            ev["compiler"] = result["compiler"]
            before = {key_of(f) for f in standing(current["findings"], self.opts.refuted_too)}
            after = {key_of(f) for f in standing(result["findings"], self.opts.refuted_too)}
            wanted = {key_of(f) for f in addressed}
            ev["findings_before"] = sorted(_key_text(k) for k in before)
            ev["findings_after"] = sorted(_key_text(k) for k in after)
            ev["resolved"] = sorted(_key_text(k) for k in before - after)
            still = wanted & after
            new = after - before
            ev["new"] = sorted(_key_text(k) for k in new)
            ev["properties_run"] = (result.get("dynamic") or {}).get("properties", {})
            if still:
                return {"accepted": False, "reason": "still reported: " + ", ".join(_key_text(k) for k in sorted(still,
                        key=str)), "evidence": ev, "result": result}
            if new:
                return {"accepted": False, "reason": "new findings: " + ", ".join(ev["new"]), "evidence": ev,
                        "result": result}
            version = result["compiler"].split()[1]
            new_targets = self.engine_targets(tmp, version)
            cur_targets = self.engine_targets(cur_file, version)
            # the recorded exploit, before and after
            exploits = []
            for f in addressed:
                evd = f.get("evidence") or {}
                name = evd.get("contract") or f.get("contract")
                if f["check"] == "ouro-short-address" and name in cur_targets and name in new_targets:
                    row = {"finding": _key_text(key_of(f)), "property": "short-calldata",
                           "before": short_calldata_exploit(cur_targets[name], f.get("function")),
                           "after": short_calldata_exploit(new_targets[name], f.get("function"))}
                elif not evd.get("steps"):
                    exploits.append({"finding": _key_text(key_of(f)), "property": None,
                                     "note": "static finding without an engine counterexample; judged by its detector"})
                    continue
                else:
                    row = {"finding": _key_text(key_of(f)), "property": evd.get("property"),
                           "before": replay_exploit(cur_targets[name], evd) if name in cur_targets else None,
                           "after": replay_exploit(new_targets[name], evd) if name in new_targets else
                           {"reproduced": False, "reason": "contract no longer deployable"}}
                exploits.append(row)
                if row["after"].get("reproduced"):
                    ev["exploits"] = exploits
                    return {"accepted": False, "reason": f"the exploit still works: {row['after'].get('detail')}",
                            "evidence": ev, "result": result}
            ev["exploits"] = exploits
            # honest behaviour, original vs patched
            restricted = {c: set(v) for c, v in self.restricted.items()}
            credits = {c: list(v) for c, v in self.credit_getters.items()}
            excl = set(self.exclude_props)
            guards = list(self.guard_reasons)
            if plan is not None:
                guards += [g for g in plan.guard_reasons if g not in guards]
                for c, fs in plan.restricted.items():
                    restricted.setdefault(c, set()).update(fs)
                for c, gs in plan.credit_getters.items():
                    credits.setdefault(c, []).extend(gs)
            for f in addressed:
                excl |= _covering(f["check"])
            diffs = []
            for name, t_orig in self._original_targets(version).items():
                if name not in new_targets:
                    diffs.append({"contract": name, "error": "contract missing after the patch"})
                    continue
                d = run_differential(t_orig, new_targets[name], restricted=restricted.get(name, set()),
                                     credit_getters=credits.get(name, []), exclude_props=excl, guard_reasons=guards,
                                     constructor_args=self.opts.constructor_args.get(name),
                                     max_examples=self.opts.diff_examples, steps=self.opts.diff_steps,
                                     seed=self.opts.seed)
                diffs.append(d.to_dict())
            ev["differential"] = diffs
            bad = [d for d in diffs if d.get("mismatch") or d.get("error")]
            if bad:
                d = bad[0]
                why = d.get("error") or f"{d['mismatch']['detail']} after {d['mismatch']['steps']}"
                return {"accepted": False, "reason": f"behaviour changed for honest users ({d['contract']}): {why}",
                        "evidence": ev, "result": result}
            self.restricted, self.credit_getters, self.exclude_props = restricted, credits, excl
            self.guard_reasons = guards
            return {"accepted": True, "reason": None, "evidence": ev, "result": result}
        except Exception as exc:  # noqa: BLE001 - a candidate never crashes the repair
            return {"accepted": False, "reason": f"evaluation failed: {type(exc).__name__}: {exc}", "evidence": ev}
        finally:
            ev["seconds"] = round(time.perf_counter() - t0, 2)
            if tmp is not None:
                tmp.unlink(missing_ok=True)

    def _original_targets(self, version: str):
        if self._orig_targets is None:
            self._orig_targets = self.engine_targets(self.path, version)
        return self._orig_targets


def repair_file(path: str | Path, compiler: Compiler | None = None, opts: RepairOptions | None = None
                ) -> dict[str, Any]:
    """Repair one file; the report (see docs) with the patched text under ``patched`` when any
    patch was accepted. Never raises: an internal failure is the report's error."""
    try:
        return _repair_file(path, compiler, opts)
    except Exception as exc:  # noqa: BLE001 - e.g. an unwritable folder for the candidates
        return {"file": str(path), "status": "error", "error": f"repair failed: {type(exc).__name__}: {exc}",
                "compiler": None, "targets": [], "remaining": [], "rounds": [], "accepted": [], "diff": "",
                "patched": None}


def _repair_file(path, compiler, opts) -> dict[str, Any]:
    opts = opts or RepairOptions()
    compiler = compiler or Compiler(install=False)
    p = Path(path).resolve()
    t0 = time.perf_counter()
    report: dict[str, Any] = {"file": str(path), "status": "error", "error": None, "compiler": None,
                              "targets": [], "remaining": [], "rounds": [], "accepted": [], "diff": "",
                              "patched": None, "model": opts.model.describe() if opts.model else None}
    if not p.is_file():
        report["error"] = f"{path}: no such file"
        return report
    original = p.read_text(encoding="utf-8", errors="replace")
    if "pragma solidity" not in original and "contract " not in original:
        report["error"] = f"{path}: not a Solidity source (no pragma, no contract)"
        return report
    rep = _Repair(p, compiler, opts)
    base = verify_file(p, compiler, rep.vopts)
    report["compiler"] = base["compiler"]
    report["notes"] = base.get("notes", [])
    if base["status"] != "ok":
        report["error"] = base["error"] or base["status"]
        report["status"] = "error" if base["status"] != "compile-error" else "compile-error"
        return report
    version = base["compiler"].split()[1]
    todo = targets(base["findings"], opts.refuted_too)
    report["targets"] = [_brief(f) for f in todo]
    report["findings_before"] = [_brief(f) for f in standing(base["findings"], opts.refuted_too)]
    if not todo:
        report["status"] = "nothing-to-repair"
        report["seconds"] = round(time.perf_counter() - t0, 2)
        return report

    text, current, cur_file = original, base, p
    feedback = None
    tmp_current: Path | None = None
    try:
        for rnd in range(1, opts.rounds + 1):
            todo = targets(current["findings"], opts.refuted_too)
            if not todo:
                break
            attempts: list[dict[str, Any]] = []
            report["rounds"].append({"round": rnd, "targets": [_key_text(key_of(f)) for f in todo],
                                     "attempts": attempts})
            accepted = None
            candidates: list[tuple[str, str, list, PatchPlan | None, str | None]] = []
            if opts.patchers:
                src = Source(text, version)
                for patcher in all_patchers():
                    mine = [f for f in todo if f["check"] in patcher.CHECKS]
                    if not mine:
                        continue
                    try:
                        plan = patcher.plan(src, mine)
                        new_text = apply_edits(text, plan.edits) if plan else None
                    except (EditConflict, ValueError, IndexError) as exc:
                        attempts.append({"source": f"patcher:{patcher.NAME}", "status": "failed",
                                         "reason": f"patcher failed: {exc}"})
                        continue
                    if plan is None or new_text == text:
                        attempts.append({"source": f"patcher:{patcher.NAME}", "status": "failed",
                                         "reason": "no applicable pattern at the reported location",
                                         "findings": [_key_text(key_of(f)) for f in mine]})
                        continue
                    candidates.append((f"patcher:{patcher.NAME}", plan.description, plan.addressed, plan, new_text))
            for source, desc, addressed, plan, new_text in candidates:
                verdict = rep.evaluate(new_text, addressed, current, cur_file, plan)
                attempts.append(_attempt(source, desc, addressed, text, new_text, verdict, p.name))
                if verdict["accepted"]:
                    accepted = (new_text, verdict["result"])
                    break
                feedback = verdict["reason"]
            if accepted is None and opts.model is not None:
                left = todo
                new_text, reason, answer = propose(opts.model, p.name, text, left, feedback)
                if new_text is None:
                    attempts.append({"source": "model", "status": "failed", "reason": reason,
                                     "findings": [_key_text(key_of(f)) for f in left], "answer": answer[:4000]})
                    feedback = reason
                else:
                    verdict = rep.evaluate(new_text, left, current, cur_file, None)
                    attempts.append(_attempt("model", "model-proposed diff", left, text, new_text, verdict, p.name))
                    if verdict["accepted"]:
                        accepted = (new_text, verdict["result"])
                    else:
                        feedback = verdict["reason"]
            if accepted is None:
                if opts.model is None:
                    break
                continue
            text, current = accepted
            report["accepted"].append(attempts[-1]["source"])
            if tmp_current is not None:
                tmp_current.unlink(missing_ok=True)
            fd, name = tempfile.mkstemp(dir=p.parent, prefix=f".{p.stem}.current-", suffix=".sol")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            tmp_current = cur_file = Path(name)
    finally:
        if tmp_current is not None:
            tmp_current.unlink(missing_ok=True)
    left = targets(current["findings"], opts.refuted_too)
    report["remaining"] = [_brief(f) for f in left]
    report["findings_after"] = [_brief(f) for f in standing(current["findings"], opts.refuted_too)]
    if text != original:
        report["diff"] = unified_diff(original, text, p.name)
        report["patched"] = text
    report["status"] = "repaired" if not left else ("partial" if text != original else "not-repaired")
    report["seconds"] = round(time.perf_counter() - t0, 2)
    return report


def _brief(f: dict[str, Any]) -> dict[str, Any]:
    return {"check": f["check"], "severity": f["severity"], "confirmed": f.get("confirmed"),
            "contract": f.get("contract"), "function": f.get("function"), "lines": f.get("lines"),
            "property": (f.get("evidence") or {}).get("property")}


def _attempt(source, desc, addressed, before, after, verdict, name) -> dict[str, Any]:
    return {"source": source, "description": desc, "status": "accepted" if verdict["accepted"] else "rejected",
            "reason": verdict["reason"], "findings": [_key_text(key_of(f)) for f in addressed],
            "diff": unified_diff(before, after, name), "evidence": verdict.get("evidence", {})}
