"""A privileged function anyone can call -> onlyOwner: the contract's own onlyOwner modifier,
else one written over its existing owner variable, else an Ownable-style owner set at deployment."""

from __future__ import annotations

import re

from ..source import Edit
from .base import PatchPlan, Patcher, add_member, add_modifier, group_by_function, state_vars, unused_name

OWNER_VAR = re.compile(r"^_?(owner|admin|governor|governance|authority)$", re.I)


class AccessControlPatcher(Patcher):
    NAME = "access-control"
    CHECKS = ("ouro-access-control", "suicidal", "arbitrary-send-eth", "unprotected-upgrade", "protected-vars",
              "controlled-delegatecall", "arbitrary-send-erc20", "backdoor")
    PRIORITY = 70

    def plan(self, src, findings):
        edits, done, restricted = [], [], {}
        per_contract: dict[str, list] = {}
        for (cname, fname), fs in group_by_function(findings).items():
            per_contract.setdefault(cname, []).append((fname, fs))
        for cname, items in per_contract.items():
            c = src.contract(cname)
            if c is None:
                continue
            body = src.masked[c.open:c.close]
            modifier = None
            if re.search(r"\bmodifier\s+onlyOwner\b", body) and "tx.origin" not in src.masked[c.open:c.close]:
                modifier = "onlyOwner"
            elif re.search(r"\bOwnable\b", src.masked[c.start:c.open]):
                modifier = "onlyOwner"
            new_members = []
            if modifier is None:
                owner = next((n for n in state_vars(src, c) if OWNER_VAR.match(n)), None)
                if owner is None:
                    owner = unused_name(src, "owner", "ouroOwner")
                    new_members.append(f"address public {owner} = msg.sender;")
                modifier = unused_name(src, "onlyOwner", "ouroOnlyOwner")
                new_members.append(f"modifier {modifier}() {{\n    {src.require(f'msg.sender == {owner}', 'not owner')}\n"
                                   f"    _;\n}}")
            owner_var = next((n for n in state_vars(src, c) if OWNER_VAR.match(n)), None)
            event = None
            added = []
            for fname, fs in items:
                m = src.member(c, fname)
                if m is None or m.kind in ("constructor", "modifier"):
                    continue
                if re.search(r"\[\s*msg\.sender\s*\]", src.masked[m.open:m.close]):
                    continue  # a user's own account: not a privileged function
                e = add_modifier(src, m, modifier)
                if e:
                    edits.append(e)
                    added.append(fname)
                    done += fs
                    # an owner change now restricted is announced, as Ownable does (Slither: events-access)
                    for s, end in src.statements(m.open, m.close) if owner_var else []:
                        a = re.fullmatch(rf"\s*{owner_var}\s*=\s*(.+?)\s*;\s*", src.text[s:end], re.S)
                        if not a:
                            continue
                        if event is None:
                            event = unused_name(src, "OwnershipTransferred", "OuroOwnershipTransferred")
                            if not re.search(rf"\bevent\s+{event}\b", src.masked):
                                new_members.append(f"event {event}(address indexed previousOwner, "
                                                   "address indexed newOwner);")
                        emit = "emit " if src.v >= (0, 4, 21) else ""
                        edits.append(Edit(s, s, f"{emit}{event}({owner_var}, {a.group(1)});\n{src.indent_at(s)}"))
            if added:
                restricted[cname] = added
                if new_members:
                    edits.append(add_member(src, c, "\n\n".join(new_members)))
        if not edits:
            return None
        return PatchPlan(self.NAME, "restrict to the owner (onlyOwner)", edits, done, restricted=restricted)
