"""The contract-kind interface: one class per kind, discovered from this package.

A kind declares its options (booleans, the wizard's check boxes) and parameters (numbers and
texts) as pydantic models, renders Solidity for a validated spec, and supplies the
constructor arguments, its standard invariants (in the spec's invariant language) and its
functional scenarios. Adding a kind is one module here.
"""

from __future__ import annotations

import itertools
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from synth.scenarios import Scenario

__all__ = ["Kind", "KindOptions", "KindParameters", "TokenRef"]

ACCESS_MODES = ("ownable", "roles", "managed")


class KindOptions(BaseModel):
    """Boolean features of a kind. Unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")


class KindParameters(BaseModel):
    """Numbers and texts of a kind. Unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class TokenRef:
    """A token the contract is deployed against (its constructor takes the address).

    ``key`` is the spec parameter that holds the address (``stake_token``, ``asset``...) and the
    name the contract's constructor arguments and scenarios use for it (``"@ref:stake_token"``,
    ``Call(..., on="stake_token")``). In a single spec the address is the parameter's value (what
    the deploy script uses; verification deploys mock tokens in its place); in a system spec
    ``uses: {stake_token: StakeToken}`` names another contract of the system instead.
    """

    key: str
    standard: Literal["erc20", "erc721"]
    option: str  # the option that asks for it, for error messages ("options.erc20_stake")
    address: str | None = None  # the parameter's value, if given


class Kind(ABC):
    NAME: ClassVar[str]  # the spec's `kind:` value
    HELP: ClassVar[str]
    Options: ClassVar[type[KindOptions]] = KindOptions
    Parameters: ClassVar[type[KindParameters]] = KindParameters
    ACCESS: ClassVar[tuple[str, ...]] = ACCESS_MODES
    UPGRADEABILITY: ClassVar[tuple[str, ...]] = ("none",)
    PROVIDES: ClassVar[tuple[str, ...]] = ()  # token standards the contract implements ("erc20", "erc721")

    @abstractmethod
    def render(self, spec) -> str:
        """The Solidity source of the contract named ``spec.name``."""

    def constructor_args(self, spec) -> list[Any]:
        """Constructor arguments in ABI order; actors are written ``"@deployer"``, ``"@alice"``...,
        a token the contract is deployed against ``"@ref:<key>"`` (see ``token_refs``)."""
        return ["@deployer"]

    def token_refs(self, spec) -> list[TokenRef]:
        """The tokens this spec's contract is deployed against (none: it holds ETH only)."""
        return []

    def proxy(self, spec) -> dict[str, str] | None:
        """How the engine deploys an upgradeable spec: {"kind", "proxy_contract", "initializer"}."""
        return None

    def invariants(self, spec) -> list[str]:
        """Standard invariants of the kind, in the spec invariant language."""
        return []

    def scenarios(self, spec) -> list[Scenario]:
        """Functional scenarios that must pass for the generated contract."""
        return []

    def grid(self) -> list[dict[str, Any]]:
        """Spec fragments for the option grid: every combination of options x access modes."""
        names = [n for n, f in self.Options.model_fields.items() if f.annotation is bool]
        out = []
        for values in itertools.product([False, True], repeat=len(names)):
            for access in self.ACCESS:
                out.append({"options": dict(zip(names, values)), "access": access})
        return out
