"""The spec: common fields plus one options/parameters model per kind, as a tagged union."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, create_model, field_validator, model_validator

from .invariants import InvariantSyntaxError, parse_invariant
from .types import ContractName, Text

__all__ = ["SpecBase", "spec_adapter", "spec_schema"]


class SpecBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ContractName
    description: Text = ""
    license: str = Field("MIT", pattern=r"^[A-Za-z0-9.+-]{1,40}$", description="SPDX licence identifier")
    access: str = "ownable"
    upgradeability: Literal["none", "uups", "transparent"] = "none"
    invariants: list[Annotated[str, Field(max_length=500)]] = Field(
        default_factory=list, description="Properties over contract state and actors, e.g. "
        "'totalSupply() == sum(balanceOf(a) for a in actors)' or 'only(owner) changes fee'.")

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
