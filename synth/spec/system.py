"""System specs: several contracts in one spec, the references between them, and the
invariants across them.

    name: StakingSystem
    contracts:
      - {kind: erc20, name: StakeToken, ...}
      - kind: staking
        name: StakePool
        options: {erc20_stake: true, erc20_rewards: true}
        uses: {stake_token: StakeToken, reward_token: StakeToken}
        owner: Governance          # ownership handed to it once everything is deployed
      - {kind: timelock, name: Governance, ...}
    invariants:
      - StakePool.totalStaked() <= StakeToken.balanceOf(StakePool)

Each entry is a contract spec of its kind plus ``uses`` (its token references, by the kind's
keys, naming contracts of the system) and ``owner``. ``uses`` fixes the deployment order; a
reference to an unknown contract, a token of the wrong standard, a key the kind does not take, a
cycle, or a token option left without its token is a spec error naming the field and line.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .invariants import InvariantSyntaxError, parse_invariant
from .types import ContractName, Text

__all__ = ["SystemEntry", "SystemSpec", "parse_system", "system_schema"]

MAX_CONTRACTS = 12
ENTRY_EXTRAS = ("uses", "owner")


class _SystemFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ContractName
    description: Text = ""
    license: str = Field("MIT", pattern=r"^[A-Za-z0-9.+-]{1,40}$")
    contracts: list[dict[str, Any]] = Field(min_length=2, max_length=MAX_CONTRACTS)
    invariants: list[Annotated[str, Field(max_length=500)]] = Field(default_factory=list)


@dataclass
class SystemEntry:
    spec: Any  # the contract spec (one of spec_adapter's models)
    uses: dict[str, str] = field(default_factory=dict)  # token key -> contract name
    owner: str | None = None
    index: int = 0  # position in the file's ``contracts`` list


@dataclass
class SystemSpec:
    name: str
    description: str
    license: str
    entries: list[SystemEntry]  # deployment order (a contract after those it uses)
    invariants: list[str] = field(default_factory=list)
    kind: str = "system"

    def entry(self, name: str) -> SystemEntry:
        return next(e for e in self.entries if e.spec.name == name)

    @property
    def names(self) -> list[str]:
        return [e.spec.name for e in self.entries]


def _suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.5)
    return f"; did you mean {close[0]!r}?" if close else f"; the system has: {', '.join(choices)}"


def parse_system(data: dict, lines: dict[tuple, int], source: str) -> SystemSpec:
    from synth.kinds import get_kind

    from .loader import SpecError, _line_for, _where, token_ref_problems, validate_contract

    try:
        top = _SystemFields.model_validate(data)
    except ValidationError as exc:
        problems = []
        for e in exc.errors():
            loc = tuple(e["loc"])
            msg = e["msg"]
            if e["type"] == "extra_forbidden":
                msg = f"unknown field {loc[-1]!r} (a system has name, description, license, contracts, invariants)"
            problems.append(f"{_where(source, lines, loc)}: {'.'.join(str(x) for x in loc)}: {msg}")
        raise SpecError(problems) from None

    problems: list[str] = []
    entries: list[SystemEntry] = []
    for i, raw in enumerate(top.contracts):
        raw = dict(raw)
        extras = {k: raw.pop(k) for k in ENTRY_EXTRAS if k in raw}
        try:
            spec = validate_contract(raw, lines, source, ("contracts", i))
        except SpecError as exc:
            problems.extend(exc.problems)
            continue
        uses = extras.get("uses") or {}
        if not isinstance(uses, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in uses.items()):
            problems.append(f"{_where(source, lines, ('contracts', i, 'uses'))}: contracts.{i}.uses: a mapping of "
                            f"token keys to contract names, like {{stake_token: StakeToken}}")
            uses = {}
        owner = extras.get("owner")
        if owner is not None and not isinstance(owner, str):
            problems.append(f"{_where(source, lines, ('contracts', i, 'owner'))}: contracts.{i}.owner: "
                            f"the name of a contract of the system")
            owner = None
        entries.append(SystemEntry(spec, dict(uses), owner, i))
    if problems:
        raise SpecError(problems)

    names = [e.spec.name for e in entries]
    by_name: dict[str, SystemEntry] = {}
    for e in entries:
        if e.spec.name in by_name:
            problems.append(f"{_where(source, lines, ('contracts', e.index, 'name'))}: contracts.{e.index}.name: "
                            f"{e.spec.name!r} is used by two contracts of the system")
        by_name.setdefault(e.spec.name, e)

    for e in entries:
        kind = get_kind(e.spec.kind)
        refs = {r.key: r for r in kind.token_refs(e.spec)}
        for key, target in e.uses.items():
            loc = ("contracts", e.index, "uses", key)
            where, fld = _where(source, lines, loc), f"contracts.{e.index}.uses.{key}"
            if key not in refs:
                takes = ", ".join(refs) if refs else "no token (enable one of its token options first)"
                problems.append(f"{where}: {fld}: a {kind.NAME} contract with these options takes {takes}")
                continue
            if target not in by_name:
                problems.append(f"{where}: {fld}: unknown contract {target!r}{_suggest(target, names)}")
                continue
            if target == e.spec.name:
                problems.append(f"{where}: {fld}: {target} cannot use itself")
                continue
            other = get_kind(by_name[target].spec.kind)
            if refs[key].standard not in other.PROVIDES:
                what = f"an {' / '.join(s.upper() for s in other.PROVIDES)}" if other.PROVIDES else "not a token"
                problems.append(f"{where}: {fld}: needs an {refs[key].standard.upper()} token, but {target} is a "
                                f"{other.NAME} contract ({what})")
        problems.extend(token_ref_problems(e.spec, data["contracts"][e.index], lines, source,
                                           ("contracts", e.index), supplied=set(e.uses)))
        if e.owner is not None:
            loc = ("contracts", e.index, "owner")
            where, fld = _where(source, lines, loc), f"contracts.{e.index}.owner"
            if e.owner not in by_name:
                problems.append(f"{where}: {fld}: unknown contract {e.owner!r}{_suggest(e.owner, names)}")
            elif e.owner == e.spec.name:
                problems.append(f"{where}: {fld}: a contract cannot own itself")
            elif getattr(e.spec, "access", None) != "ownable":
                problems.append(f"{where}: {fld}: ownership can be handed over only with access: ownable "
                                f"(this contract has access: {e.spec.access})")
    if problems:
        raise SpecError(problems)

    order = _deploy_order(entries, by_name, lines, source)
    for i, text in enumerate(top.invariants):
        try:
            parse_invariant(text)
        except InvariantSyntaxError as exc:
            line = _line_for(lines, ("invariants", i))
            problems.append(f"{source}{':' + str(line) if line else ''}: invariants.{i}: {exc}")
    if problems:
        raise SpecError(problems)
    return SystemSpec(top.name, top.description, top.license, order, list(top.invariants))


def _deploy_order(entries: list[SystemEntry], by_name: dict[str, SystemEntry], lines, source) -> list[SystemEntry]:
    """Contracts after the ones they use, else in file order; a cycle is an error at the
    ``uses`` key that closes it."""
    from .loader import SpecError, _where

    done: list[SystemEntry] = []
    state: dict[str, int] = {}  # 1: on the path, 2: placed

    def visit(e: SystemEntry, path: list[tuple[str, str]]) -> None:
        name = e.spec.name
        if state.get(name) == 2:
            return
        state[name] = 1
        for key, target in e.uses.items():
            if state.get(target) == 1:
                names = [n for n, _ in path] + [name]
                ring = " -> ".join(names[names.index(target):] + [target])
                loc = ("contracts", e.index, "uses", key)
                raise SpecError([f"{_where(source, lines, loc)}: contracts.{e.index}.uses.{key}: "
                                 f"the contracts use each other in a cycle ({ring}); one of them must be "
                                 f"deployed first"])
            visit(by_name[target], path + [(name, key)])
        state[name] = 2
        done.append(e)

    for e in entries:
        visit(e, [])
    return done


def system_schema() -> dict:
    """The JSON Schema of system spec files: each ``contracts`` item is a contract spec (any
    kind's branch) with ``uses`` and ``owner``."""
    from .model import spec_schema

    contract = spec_schema()
    defs = contract.pop("$defs", {})
    contract.pop("$schema", None)
    contract.pop("title", None)
    defs["ContractSpec"] = contract
    for branch in contract.get("oneOf", []) + contract.get("anyOf", []):
        ref = branch.get("$ref", "").rsplit("/", 1)[-1]
        props = defs.get(ref, {}).get("properties")
        if props is not None:
            props["uses"] = {"type": "object", "additionalProperties": {"type": "string"},
                             "description": "token key of the kind -> a contract of the system"}
            props["owner"] = {"type": "string", "description": "a contract of the system that owns this one "
                              "once everything is deployed (access: ownable)"}
    fields = _SystemFields.model_json_schema()
    props = fields["properties"]
    props["contracts"] = {"type": "array", "minItems": 2, "maxItems": MAX_CONTRACTS,
                          "items": {"$ref": "#/$defs/ContractSpec"}}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "ouro system spec",
            "type": "object", "properties": props, "required": ["name", "contracts"],
            "additionalProperties": False, "$defs": defs}
