"""Static findings meet dynamic results, and each verdict says what ran.

For a static finding whose check a property covers, in a contract the engine searched:
- the property was violated there, by a sequence that ran the flagged function (directly, by
  re-entry or through internal calls): ``confirmed: true``, the counterexample attached;
- else, when the flagged statements ran with that property's attack on (traced coverage, see
  ``verify/dynamic/probe.py``): ``confirmed: false``, a high or medium finding drops to ``low``,
  and the evidence holds the coverage (lines run, how often, the attack, the traced sequences);
- else (never reached, or coverage unknown): ``confirmed: null``, the severity stays, and a note
  says why (how often the function was called, what reverted, a call to an address without code).
Dynamic findings without a static twin are kept as findings of their own.

Then a static finding the engine did not confirm, whose pattern is an audited idiom
(``verify/static/idioms.py``: a clock truncated to a narrower slot, an ETH send only a privileged
caller reaches or a governance proposal's execution, an intended xor, a non-payable guard on
``msg.value``, a private shadowed variable, a proxy's halting fallback), drops to that idiom's severity: the reason is added to the message and
``evidence.idiom`` keeps the reason and the severity before. ouro's own detectors lower their
idiom findings themselves (the message then says "not high: ...").
"""

from __future__ import annotations

from verify.checks import properties as property_classes
from verify.findings import Finding, severity_rank
from verify.static.idioms import reassess

__all__ = ["cross_check"]

DOWNGRADED = ("high", "medium")


def _ran(f: Finding, d: Finding) -> bool:
    """Whether the counterexample ``d`` ran the statically flagged function (or any function may
    be meant: a contract-level finding); a violation in another function confirms nothing here."""
    run = (d.evidence or {}).get("functions_run")
    if not f.function or run is None:
        return True
    return f.function in run


def cross_check(static: list[Finding], dynamic: list[Finding], ran: dict[str, list[str]],
                probes: dict | None = None, notes: list[str] | None = None) -> list[Finding]:
    covers = {cls.ARGUMENT: set(cls.COVERS) for cls in property_classes()}
    by_check: dict[str, str] = {}
    for prop, checks in covers.items():
        for c in checks:
            by_check.setdefault(c, prop)
    probes = probes or {}
    notes = notes if notes is not None else []
    used: set[int] = set()
    out: list[Finding] = []
    for f in static:
        prop = by_check.get(f.check)
        if prop is None or f.contract not in ran or prop not in ran[f.contract]:
            out.append(f)
            continue
        twins = [i for i, d in enumerate(dynamic) if d.check == prop and d.contract == f.contract and _ran(f, d)]
        if twins:
            f.confirmed = True
            f.evidence = dynamic[twins[0]].evidence
            used.update(twins)
            out.append(f)
            continue
        probe = probes.get(f.contract)
        if probe is None:
            f.confirmed = None
            out.append(f)
            continue
        try:
            cov = probe.coverage(prop, f.contract, f.function, f.lines)
        except Exception as exc:  # noqa: BLE001 - coverage failing leaves the verdict open, never wrong
            cov = {"attack": prop, "flagged": [], "covered": [], "reached": False, "error": f"{type(exc).__name__}: {exc}"}
        if cov.get("reached"):
            f.confirmed = False
            if f.severity in DOWNGRADED:
                cov["severity_before"] = f.severity
                f.severity = "low"
            f.evidence = {"property": prop, "coverage": cov}
        else:
            f.confirmed = None
            try:
                why = probe.explain(prop, f.contract, f.function, cov)
            except Exception as exc:  # noqa: BLE001
                why = f"coverage unknown ({type(exc).__name__}: {exc})"
            cov["why"] = why
            f.evidence = {"property": prop, "coverage": cov}
            notes.append(f"{f.check} not refuted: {why}")
        out.append(f)
    for f in out:
        if f.confirmed is not True:
            _idiom(f)
    out.extend(d for i, d in enumerate(dynamic) if i not in used)
    return out


def _idiom(f: Finding) -> None:
    try:
        found = reassess(f)
    except Exception:  # noqa: BLE001 - a heuristic failing leaves the finding as it was
        return
    if found is None:
        return
    severity, reason = found
    if severity_rank(severity) <= severity_rank(f.severity):
        return
    f.evidence = dict(f.evidence or {})
    f.evidence["idiom"] = {"reason": reason, "severity_before": f.severity}
    f.severity = severity
    f.message = f"{f.message.rstrip()} [not {f.evidence['idiom']['severity_before']}: {reason}]"
