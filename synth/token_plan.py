"""How verification deploys a contract that is deployed against tokens.

A spec's token references (``Kind.token_refs``) name addresses on a real chain; verification
deploys mock tokens in their place: the standard one, and, as variants, a fee-on-transfer token
and one that returns false instead of reverting (``verify/dynamic/Ouro*Token.sol``). The mocks
mint to every actor, the actors approve the contract under test, and the constructor's
``"@ref:<key>"`` arguments become the mocks' addresses. Two references with the same address (a
pool staking and rewarding one token) share one mock.
"""

from __future__ import annotations

from typing import Any

from verify.dynamic.deploy_plan import DeployPlan, Dependency, DepRef

from .kinds.base import TokenRef

__all__ = ["MOCK_VARIANTS", "resolve_refs", "verification_plan"]

# variant -> the mock ERC-20 deployed for it
MOCK_VARIANTS = {"standard": "OuroToken", "fee-on-transfer": "OuroFeeToken", "returns-false": "OuroFalseToken"}
MOCK_SUPPLY = 10**6 * 10**18  # per holder
NFTS_PER_HOLDER = 3  # ids 1..3 belong to the deployer


def resolve_refs(v: Any, refs: dict[str, DepRef], actors: dict[str, str]) -> Any:
    """``"@ref:key"`` -> its dependency, ``"@alice"`` -> the address, also inside lists."""
    if isinstance(v, str) and v.startswith("@ref:"):
        return refs[v[5:]]
    if isinstance(v, str) and v.startswith("@"):
        return actors[v[1:]]
    if isinstance(v, list):
        return [resolve_refs(x, refs, actors) for x in v]
    return v


def verification_plan(token_refs: list[TokenRef], constructor_args: list[Any], actors: dict[str, str],
                      variant: str = "standard", before: list[Dependency] | None = None,
                      system_refs: dict[str, DepRef] | None = None) -> DeployPlan | list[Any]:
    """The deployment verification runs: the plain argument list when the contract takes no
    tokens, else a plan whose dependencies are the mocks (or, in a system, the contracts given
    in ``before`` and named by ``system_refs``)."""
    if not token_refs and not before:
        return resolve_refs(constructor_args, {}, actors)
    deps = list(before or [])
    refs: dict[str, DepRef] = dict(system_refs or {})
    by_address: dict[str, DepRef] = {}
    holders = [actors["deployer"], actors["alice"], actors["bob"], actors["attacker"]]
    for ref in token_refs:
        if ref.key in refs:
            continue
        if ref.address and ref.address.lower() in by_address:
            refs[ref.key] = by_address[ref.address.lower()]
            continue
        if ref.standard == "erc721":
            deps.append(Dependency("OuroNFT", [holders, NFTS_PER_HOLDER], f"mock ERC-721 for {ref.key}", ref=ref.key))
        else:
            deps.append(Dependency(MOCK_VARIANTS[variant], [holders, MOCK_SUPPLY],
                                   f"mock ERC-20 ({variant}) for {ref.key}", ref=ref.key))
        refs[ref.key] = DepRef(len(deps) - 1)
        if ref.address:
            by_address[ref.address.lower()] = refs[ref.key]
    for key, dep_ref in refs.items():  # every name a scenario may use
        if deps[dep_ref.index].ref is None:
            deps[dep_ref.index].ref = key
    return DeployPlan(resolve_refs(constructor_args, refs, actors), 0, deps, [d.why for d in deps], [],
                      fund_tokens=True, aliases={k: r.index for k, r in refs.items()})
