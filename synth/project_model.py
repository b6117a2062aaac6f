"""What a generated project holds, whatever the framework: the contracts in deployment order, the
test-only mock tokens that stand in for tokens given by address, and what the tests check.

``synth/project.py`` builds one from a verified single spec or system and the renderers
(``brownie_render``, ``foundry_render``) write it out. Values in ``constructor_args`` and in
scenario arguments are ints, strings, bools, lists, actor references ``"@deployer"``,
``"@alice"``, ``"@bob"``, ``"@attacker"``, ``"@target"`` (the contract under test) and
``"@ref:<key>"``: the contract or mock that ``refs[key]`` names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .scenarios import Scenario

__all__ = ["ProjectContract", "ProjectMock", "ProjectModel"]


@dataclass
class ProjectMock:
    """A token given to the spec by address: the deploy script uses ``address``; the tests
    deploy ``contract`` (a mock from verify/dynamic/, minted to every test actor) instead."""

    name: str  # the spec's key for it ("stake_token", "asset"); unique in the project
    contract: str  # "OuroToken" | "OuroNFT"
    standard: Literal["erc20", "erc721"]
    address: str | None = None


@dataclass
class ProjectContract:
    name: str  # the Solidity contract: contracts/<name>.sol (brownie), src/<name>.sol (Foundry)
    source: str
    abi: list[dict]
    constructor_args: list[Any]
    refs: dict[str, str] = field(default_factory=dict)  # key -> name of an earlier contract or a mock
    proxy: dict[str, str] | None = None  # {"kind", "proxy_contract", "initializer"} (Kind.proxy)
    scenarios: list[Scenario] = field(default_factory=list)
    invariants: list[str] = field(default_factory=list)  # spec invariant language, on this contract
    params: dict[str, int] = field(default_factory=dict)  # numeric spec parameters invariants may name
    owner: str | None = None  # a contract of the project that owns this one after deployment
    kind: str = ""


@dataclass
class ProjectModel:
    spec_name: str
    contracts: list[ProjectContract]  # deployment order: a contract's refs come before it
    mocks: list[ProjectMock] = field(default_factory=list)
    # invariants across contracts: ``Pool.totalStaked() <= Token.balanceOf(Pool)`` (a bare
    # contract name is its address; ``Name.fn(...)`` calls that contract's view)
    system_invariants: list[str] = field(default_factory=list)

    def contract(self, name: str) -> ProjectContract:
        return next(c for c in self.contracts if c.name == name)

    @property
    def primary(self) -> ProjectContract:
        """The contract a single spec describes (the last one deployed in a system)."""
        return self.contracts[-1]
