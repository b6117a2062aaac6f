"""Static findings meet dynamic results: a finding of a check a property covers becomes
confirmed (the property was violated in that contract, evidence attached) or refuted (the
property ran to completion without a violation). Dynamic findings without a static twin are
kept as findings of their own."""

from __future__ import annotations

from verify.checks import properties as property_classes
from verify.findings import Finding

__all__ = ["cross_check"]


def cross_check(static: list[Finding], dynamic: list[Finding], ran: dict[str, list[str]]) -> list[Finding]:
    covers = {cls.ARGUMENT: set(cls.COVERS) for cls in property_classes()}
    by_check: dict[str, str] = {}
    for prop, checks in covers.items():
        for c in checks:
            by_check.setdefault(c, prop)
    used: set[int] = set()
    out: list[Finding] = []
    for f in static:
        prop = by_check.get(f.check)
        if prop is None or f.contract not in ran or prop not in ran[f.contract]:
            out.append(f)
            continue
        twins = [i for i, d in enumerate(dynamic) if d.check == prop and d.contract == f.contract]
        if twins:
            f.confirmed = True
            f.evidence = dynamic[twins[0]].evidence
            used.update(twins)
        else:
            f.confirmed = False
        out.append(f)
    out.extend(d for i, d in enumerate(dynamic) if i not in used)
    return out
