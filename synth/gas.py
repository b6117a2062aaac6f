"""Gas as the efficiency of execution: what a generated contract costs to deploy and to use.

The numbers come from the in-process EVM verification already runs: the deployment is the one
verification makes (same constructor arguments, same mock tokens), and each function's figures
are the gas of its successful calls in the functional scenarios (``ScenarioResult.gas``), run on a
``ReceiptGasExecutor``. Gas is what a receipt's ``gasUsed`` says (each call measured as a mined
transaction: cold accounts and slots, 21000 base and calldata included, refunds subtracted); it
equals Anvil's receipts for the same calls.

``gas_table`` builds the table ``SynthResult.gas`` holds::

    {"deployment": 512345,                 # None when the contract did not deploy
     "functions": {"stake(uint256)": {"calls": 6, "min": 51000, "median": 68000, "max": 90000}},
     "calls": 14,                          # successful target calls over all scenarios
     "calls_total": 700000,                # their gas, summed
     "total": 1212345}                     # deployment + calls_total: one figure per contract

``total`` is what the strategy learner compares between two versions of a generated contract.
"""

from __future__ import annotations

from statistics import median
from typing import Any

__all__ = ["deployment_gas", "gas_json", "gas_markdown", "gas_table", "median_total"]


def deployment_gas(target, args, executor=None) -> int | None:
    """Gas of deploying ``target`` (behind its proxy when it has one: implementation + proxy) as
    verification deploys it, on ``executor`` (default: a fresh in-process chain measuring as a
    receipt does); None when it does not deploy."""
    from verify.dynamic.executor import ReceiptGasExecutor
    from verify.dynamic.session import Session

    ex = executor or ReceiptGasExecutor(target.evm.upper())
    deploys: list[tuple[str | None, int | None]] = []
    deploy = ex.deploy

    def logged(sender, initcode, value=0):  # every deployment of the session, with its gas
        addr, err = deploy(sender, initcode, value)
        deploys.append((addr, ex.last_gas))
        return addr, err

    ex.deploy = logged
    try:
        session = Session(target, ex, args)
    except Exception:  # noqa: BLE001 - a contract that does not deploy has no deployment gas
        return None
    finally:
        del ex.deploy
    at = next((i for i, (a, _) in enumerate(deploys) if a and a.lower() == session.address.lower()), None)
    if at is None or deploys[at][1] is None:
        return None
    gas = deploys[at][1]
    if target.proxy is not None and at > 0 and deploys[at - 1][1] is not None:
        gas += deploys[at - 1][1]  # the implementation deployed just before its proxy
    return gas


def gas_table(scenarios, deployment: int | None = None) -> dict[str, Any]:
    """Per function calls / min / median / max over every scenario's calls, the deployment and a total."""
    per: dict[str, list[int]] = {}
    for s in scenarios:
        for sig, used in (getattr(s, "gas", None) or {}).items():
            per.setdefault(sig, []).extend(used)
    functions = {sig: {"calls": len(v), "min": min(v), "median": int(median(v)), "max": max(v)}
                 for sig, v in sorted(per.items()) if v}
    calls_total = sum(sum(v) for v in per.values())
    return {"deployment": deployment, "functions": functions, "calls": sum(len(v) for v in per.values()),
            "calls_total": calls_total, "total": (deployment or 0) + calls_total}


def gas_json(gas: dict[str, Any] | None) -> dict[str, Any] | None:
    """The table as the JSON report carries it (None when nothing was measured)."""
    if not gas:
        return None
    return {"deployment": gas.get("deployment"), "total": gas.get("total"), "calls": gas.get("calls", 0),
            "calls_total": gas.get("calls_total", 0),
            "functions": [{"function": sig, **row} for sig, row in (gas.get("functions") or {}).items()]}


def gas_markdown(gas: dict[str, Any] | None) -> list[str]:
    """Lines of the report's "## Gas" section (none when nothing was measured)."""
    if not gas:
        return []
    lines = ["## Gas", "", "Gas of the build verification runs (solc without the optimizer: the project's "
             "optimized build costs less), as a receipt's `gasUsed` counts it (each call a transaction of its own: "
             "base cost and calldata included, refunds subtracted), over every successful call of the functional "
             "scenarios.", "",
             "| | calls | min | median | max |", "|---|---|---|---|---|"]
    dep = gas.get("deployment")
    lines.append(f"| deployment | 1 | {dep} | {dep} | {dep} |" if dep is not None else "| deployment | - | - | - | - |")
    for sig, r in (gas.get("functions") or {}).items():
        lines.append(f"| `{sig}` | {r['calls']} | {r['min']} | {r['median']} | {r['max']} |")
    lines += ["", f"Total: {gas.get('total')} gas (the deployment and all {gas.get('calls', 0)} calls).", ""]
    return lines


def median_total(totals) -> float | None:
    """The median of per-spec total gas figures (None values left out); None when there are none."""
    vals = [t for t in totals if t is not None]
    return float(median(vals)) if vals else None
