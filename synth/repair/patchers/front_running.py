"""A reward for submitting a hash preimage in clear -> commit-reveal: the submitter first commits
keccak256(sender, answer) in an earlier block; the reveal checks that commitment, so a copied
answer is worthless to a front-runner."""

from __future__ import annotations

from ..source import Edit
from .base import PatchPlan, Patcher, add_member, group_by_function, unused_name


class FrontRunningPatcher(Patcher):
    NAME = "commit-reveal"
    CHECKS = ("ouro-front-running",)
    PRIORITY = 80

    def plan(self, src, findings):
        if src.v < (0, 4, 22):
            return None  # abi.encodePacked
        edits, done = [], []
        added: set[str] = set()
        for (cname, fname), fs in group_by_function(findings).items():
            c = src.contract(cname)
            m = src.member(c, fname) if c else None
            if m is None:
                continue
            paren = src.masked.index("(", m.start)
            params = src.text[paren + 1:src.match_brace(paren)]
            names = [p.strip().split()[-1] for p in params.split(",") if len(p.strip().split()) >= 2]
            if not names:
                continue
            commits, blocks = "commitments", "commitBlocks"
            if cname not in added:
                commits = unused_name(src, "commitments", "ouroCommitments")
                blocks = unused_name(src, "commitBlocks", "ouroCommitBlocks")
                fn = unused_name(src, "commit", "ouroCommit")
                edits.append(add_member(src, c, (
                    f"mapping(address => bytes32) public {commits};\n"
                    f"mapping(address => uint256) public {blocks};\n\n"
                    f"/// Commit keccak256(abi.encodePacked(msg.sender, <answer>)) before revealing it.\n"
                    f"function {fn}(bytes32 commitment) external {{\n"
                    f"    {commits}[msg.sender] = commitment;\n"
                    f"    {blocks}[msg.sender] = block.number;\n}}")))
                added.add(cname)
            ind = src.indent_at(m.start) + "    "
            cond = (f"{blocks}[msg.sender] != 0 && {blocks}[msg.sender] < block.number && "
                    f"{commits}[msg.sender] == keccak256(abi.encodePacked(msg.sender, {', '.join(names)}))")
            edits.append(Edit(m.open + 1, m.open + 1, f"\n{ind}{src.require(cond, 'commit the answer first')}"))
            done += fs
        if not edits:
            return None
        return PatchPlan(self.NAME, "commit-reveal: the answer must be committed (bound to the sender) in an "
                         "earlier block", edits, done)
