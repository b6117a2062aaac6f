"""The property search again with non-standard tokens in place of the standard mock.

A contract deployed against an ERC-20 given by address meets whatever token that address holds.
After verification with the standard mock, the engine searches again (a third of the budget
each) with a fee-on-transfer token (1 % burnt per transfer) and with one that returns false
instead of reverting. A template must handle them (book what arrived) or refuse them with a
clear revert; a violation found with either joins the findings, naming the token.
"""

from __future__ import annotations

from typing import Any

from verify.findings import assign_fingerprints

__all__ = ["VARIANTS", "search_with_token_variants"]

VARIANTS = ("fee-on-transfer", "returns-false")


def search_with_token_variants(compiled, spec, constructor_args: list[Any], props, proxies, opts, entry: dict,
                               deployment_for) -> dict[str, Any]:
    """Run the engine once per variant; returns {variant: {"calls", "violations"}} and adds what
    it finds to ``entry["findings"]`` (each message says which token it needed)."""
    from verify.dynamic.engine import DynamicOptions, run_dynamic

    from .kinds import get_kind

    refs = [r for r in get_kind(spec.kind).token_refs(spec) if r.standard == "erc20"]
    if not refs:
        return {}
    have = {(f["check"], f.get("function")) for f in entry.get("findings", [])}
    summary: dict[str, Any] = {}
    for variant in VARIANTS:
        plan = deployment_for(spec, constructor_args, variant)
        rep = run_dynamic(compiled, DynamicOptions(
            max_examples=max(10, opts.max_examples // 3), steps=opts.steps, seed=opts.seed, chain="inprocess",
            replay=opts.replay, constructor_args={spec.name: plan}, extra_properties={spec.name: props},
            proxies=proxies))
        try:
            found = [f for f in rep.findings if f.source == "property" and f.contract == spec.name]
            assign_fingerprints(found)
            for f in found:
                if (f.check, f.function) in have:
                    continue
                have.add((f.check, f.function))
                d = f.to_dict()
                d["message"] = f"with a {variant} token: {d.get('message', '')}"
                d.setdefault("evidence", {})
                if isinstance(d["evidence"], dict):
                    d["evidence"]["token_variant"] = variant
                entry["findings"].append(d)
            summary[variant] = {"calls": rep.calls, "violations": len(found),
                                "errors": [e[:300] for e in rep.errors]}
        finally:
            rep.close()
    entry["token_variants"] = summary
    return summary
