"""The strategy file: what the model generator tells the model, versioned and content-hashed.

A strategy holds the instruction text, rules (each naming the failure that created it: a check
id and the spec ids it failed on), at most three verified examples, repair hints per check, and
generator post-rules (machine-readable; both generators obey them). Its hash covers the content,
never the version number, so two versions with the same content have the same hash.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = ["DEFAULT_PATH", "Example", "PostRule", "Rule", "Strategy", "StrategyError", "load_strategy",
           "MAX_EXAMPLES", "MAX_RULES", "MAX_RULE_CHARS"]

DEFAULT_PATH = Path(__file__).with_name("default.yaml")
MAX_RULES = 12
MAX_RULE_CHARS = 300
MAX_EXAMPLES = 3
POST_RULE_KINDS = {("sends-eth", "nonReentrant")}


class StrategyError(ValueError):
    pass


@dataclass(frozen=True)
class Rule:
    id: str
    text: str
    check: str = ""  # the check whose failures created it
    specs: tuple[str, ...] = ()  # the train spec ids it failed on


@dataclass(frozen=True)
class Example:
    kind: str
    slot: str
    body: str
    spec: str = ""  # the spec id whose verified output it is


@dataclass(frozen=True)
class PostRule:
    id: str
    when: str  # "sends-eth": a public/external state-changing function that sends ETH
    require: str  # "nonReentrant": ... carries it, and the contract inherits ReentrancyGuard
    note: str = ""


@dataclass(frozen=True)
class Strategy:
    instruction: str
    rules: tuple[Rule, ...] = ()
    examples: tuple[Example, ...] = ()
    hints: tuple[tuple[str, str], ...] = ()  # (check id, hint) pairs, in order
    post_rules: tuple[PostRule, ...] = ()
    version: int = 0
    parent: int | None = None
    note: str = ""

    def __post_init__(self):
        if len(self.rules) > MAX_RULES:
            raise StrategyError(f"at most {MAX_RULES} rules")
        if len(self.examples) > MAX_EXAMPLES:
            raise StrategyError(f"at most {MAX_EXAMPLES} examples")
        for r in self.rules:
            if not r.text.strip() or len(r.text) > MAX_RULE_CHARS:
                raise StrategyError(f"rule {r.id}: text must be 1..{MAX_RULE_CHARS} characters")
        for p in self.post_rules:
            if (p.when, p.require) not in POST_RULE_KINDS:
                raise StrategyError(f"post-rule {p.id}: unknown ({p.when!r} => {p.require!r})")

    # -- content
    def content(self) -> dict[str, Any]:
        return {"instruction": self.instruction,
                "rules": [{"id": r.id, "text": r.text, "check": r.check, "specs": list(r.specs)} for r in self.rules],
                "examples": [asdict(e) for e in self.examples],
                "hints": {k: v for k, v in self.hints},
                "post_rules": [asdict(p) for p in self.post_rules]}

    @property
    def hash(self) -> str:
        return hashlib.sha256(json.dumps(self.content(), sort_keys=True).encode()).hexdigest()[:16]

    def hint(self, check: str) -> str | None:
        return dict(self.hints).get(check)

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "parent": self.parent, "hash": self.hash, "note": self.note,
                **self.content()}

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True, width=100)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Strategy":
        try:
            return cls(instruction=str(d["instruction"]),
                       rules=tuple(Rule(str(r["id"]), str(r["text"]), str(r.get("check", "")),
                                        tuple(r.get("specs") or ())) for r in d.get("rules") or ()),
                       examples=tuple(Example(**e) for e in d.get("examples") or ()),
                       hints=tuple((str(k), str(v)) for k, v in (d.get("hints") or {}).items()),
                       post_rules=tuple(PostRule(**p) for p in d.get("post_rules") or ()),
                       version=int(d.get("version") or 0), parent=d.get("parent"), note=str(d.get("note") or ""))
        except (KeyError, TypeError) as exc:
            raise StrategyError(f"not a strategy: {exc}") from None

    def replace(self, **kw) -> "Strategy":
        from dataclasses import replace

        return replace(self, **kw)


def load_strategy(path: str | Path | None = None) -> Strategy:
    p = Path(path) if path else DEFAULT_PATH
    data = yaml.safe_load(p.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise StrategyError(f"{p}: not a strategy file")
    s = Strategy.from_dict(data)
    if data.get("hash") and data["hash"] != s.hash:
        raise StrategyError(f"{p}: content hash {s.hash} does not match the recorded {data['hash']} (edited by hand? "
                            "remove the hash line to accept the edit)")
    return s
