"""The spec: common fields plus one options/parameters model per kind, as a tagged union."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, create_model, field_validator, model_validator

from .invariants import InvariantSyntaxError, parse_invariant
from .types import ContractName, Text

__all__ = ["CustomFunction", "SpecBase", "spec_adapter", "spec_schema"]

# contracts and scripts the generated projects carry beside the spec's contracts
PROJECT_NAMES = frozenset({"Vm", "OuroWorld", "OuroToken", "OuroNFT", "OuroFeeToken", "OuroFalseToken", "Deploy",
                           "OuroSystem", "OuroHandler"})

AbiType = Literal["uint256", "int256", "address", "bool", "bytes32"]


class Param(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ContractName
    type: AbiType


Value = Union[int, bool, str]


class FunctionExample(BaseModel):
    """A call and what it must return (checked by a scenario; actor names like ``alice`` allowed)."""

    model_config = ConfigDict(extra="forbid")

    args: list[Value] = Field(default_factory=list, max_length=6)
    returns: list[Value] = Field(default_factory=list, max_length=3)


class CustomFunction(BaseModel):
    """Logic no template has: the contract gets this function, and a model writes its body."""

    model_config = ConfigDict(extra="forbid")

    name: ContractName
    description: Text = Field(min_length=1, description="What the function must do, for the model.")
    params: list[Param] = Field(default_factory=list, max_length=6)
    returns: list[AbiType] = Field(default_factory=list, max_length=3)
    mutability: Literal["nonpayable", "payable", "view"] = "nonpayable"
    examples: list[FunctionExample] = Field(
        default_factory=list, max_length=10,
        description="Calls and their expected results: the model's body must reproduce them.")

    @model_validator(mode="after")
    def _distinct(self):
        names = [p.name for p in self.params]
        if len(set(names)) != len(names):
            raise ValueError("params: two parameters share a name")
        for i, ex in enumerate(self.examples):
            if len(ex.args) != len(self.params):
                raise ValueError(f"examples.{i}.args: {len(ex.args)} given, the function takes {len(self.params)}")
            if len(ex.returns) != len(self.returns):
                raise ValueError(f"examples.{i}.returns: {len(ex.returns)} given, the function returns "
                                 f"{len(self.returns)}")
        return self

    def signature(self) -> str:
        return f"{self.name}({','.join(p.type for p in self.params)})"


class SpecBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ContractName
    description: Text = ""
    license: str = Field("MIT", pattern=r"^[A-Za-z0-9.+-]{1,40}$", description="SPDX licence identifier")
    access: str = "ownable"
    upgradeability: Literal["none", "uups", "transparent"] = "none"
    functions: list[CustomFunction] = Field(
        default_factory=list, max_length=8,
        description="Extra external functions no template has; written by a model (--model), then verified.")
    invariants: list[Annotated[str, Field(max_length=500)]] = Field(
        default_factory=list, description="Properties over contract state and actors, e.g. "
        "'totalSupply() == sum(balanceOf(a) for a in actors)' or 'only(owner) changes fee'.")

    @field_validator("name")
    @classmethod
    def _not_a_project_file(cls, v: str) -> str:
        if v in PROJECT_NAMES:
            raise ValueError(f"{v!r} names a file of the generated project's tests; choose another contract name")
        return v

    @field_validator("invariants")
    @classmethod
    def _parse(cls, v: list[str]) -> list[str]:
        for i, text in enumerate(v):
            try:
                parse_invariant(text)
            except InvariantSyntaxError as exc:
                raise ValueError(f"invariant {i}: {exc}") from None
        return v

    @model_validator(mode="after")
    def _distinct_functions(self):
        names = [f.name for f in self.functions]
        dup = next((n for n in names if names.count(n) > 1), None)
        if dup:
            raise ValueError(f"functions: {dup!r} is declared twice")
        return self

    @model_validator(mode="after")
    def _kind_limits(self):
        from synth.kinds import get_kind

        kind = get_kind(self.kind)  # type: ignore[attr-defined]
        if self.upgradeability not in kind.UPGRADEABILITY:
            raise ValueError(f"upgradeability {self.upgradeability!r} is not available for kind {kind.NAME}; "
                             f"it supports: {', '.join(kind.UPGRADEABILITY)}")
        return self

    def parsed_invariants(self):
        return [parse_invariant(t) for t in self.invariants]


@lru_cache(maxsize=1)
def _models() -> tuple[type[SpecBase], ...]:
    from synth.kinds import all_kinds

    models = []
    for name, kind in all_kinds().items():
        access = Literal[kind.ACCESS]  # type: ignore[valid-type]
        models.append(create_model(
            f"{kind.__class__.__name__}Spec", __base__=SpecBase, __doc__=kind.HELP,
            kind=(Literal[name], ...),
            access=(access, kind.ACCESS[0]),
            options=(kind.Options, Field(default_factory=kind.Options)),
            parameters=(kind.Parameters, Field(default_factory=kind.Parameters)),
        ))
    return tuple(models)


@lru_cache(maxsize=1)
def spec_adapter() -> TypeAdapter:
    models = _models()
    return TypeAdapter(Annotated[Union[models], Field(discriminator="kind")])  # type: ignore[valid-type]


def spec_schema() -> dict:
    schema = spec_adapter().json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ouro contract spec"
    return schema
