"""A system spec of four contracts (token, staking pool of that token rewarding the same token,
team vesting of the token, a timelock owning the pool) is verified as one system: each contract
against the real earlier ones, the cross-contract invariants on every step, then the whole system
deployed and wired as the deploy script does. A seeded bug in the pool that only the
cross-contract invariant sees is caught, shrunk, and replayed on Anvil."""

from __future__ import annotations

from pathlib import Path

import pytest

import synth.system_pipeline as system_pipeline
from synth.generators import GeneratedSource, select_generator
from synth.pipeline import SynthOptions
from synth.spec import load_spec

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "examples" / "specs" / "staking_system.yaml"

# The pool pays out one token unit more than it books on every withdrawal: its own accounting (totalStaked
# == the sum of stakes) stays exact, only the token balance behind it drains.
BUG = ("_withdraw(amount);\n        stakeToken.safeTransfer(msg.sender, amount);",
       "_withdraw(amount);\n        stakeToken.safeTransfer(msg.sender, amount + 1);")


def _run(tmp_path: Path, monkeypatch, mutate=None, replay=False):
    if mutate:
        real = select_generator

        class Seeded:
            def __init__(self, inner):
                self.inner = inner

            def generate(self, spec):
                g = self.inner.generate(spec)
                if spec.name == "StakePool":
                    assert mutate[0] in g.source, "the pool template no longer has the seeded line"
                    return GeneratedSource(g.contract, g.source.replace(*mutate), g.generator + "+seeded")
                return g

        monkeypatch.setattr(system_pipeline, "select_generator", lambda *a, **k: Seeded(real(*a, **k)))
    system = load_spec(SPEC)
    opts = SynthOptions(replay=replay, max_examples=60, repair_rounds=0, fuzz_examples=0)
    return system, system_pipeline.synthesize_system(system, SPEC, tmp_path / "out", opts)


@pytest.fixture(scope="module")
def passing(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("system")
    return tmp, *_run(tmp, pytest.MonkeyPatch())


def test_four_contract_system_verifies_and_deploys_as_one(passing):
    tmp_path, system, res = passing
    assert len(system.entries) == 4
    assert res.passed, {n: [f["message"][:160] for f in r.blocking()] + [s.message for s in r.scenarios if not s.passed]
                        for n, r in res.members.items()}
    pool = res.members["StakePool"]
    # the pool ran against the system's own token, and checked both system invariants each step
    assert [t for t in pool.invariants if "StakeToken." in t] == system.invariants
    ran = set(pool.entry["dynamic"]["properties"].get("StakePool", []))
    assert {i for i in pool.invariant_ids[-2:]} <= ran
    chk = res.check
    assert chk["ok"] and [d["contract"] for d in chk["deployed"]] == system.names
    assert chk["wiring"] == [{"call": "StakePool.transferOwnership(Governance)", "ok": True, "error": None}]
    assert all(i["holds"] for i in chk["invariants"])
    assert (tmp_path / "out").is_dir()


def test_seeded_bug_breaks_the_cross_contract_invariant_shrunk_and_replayed_on_anvil(tmp_path, monkeypatch):
    system, res = _run(tmp_path, monkeypatch, BUG, replay=True)
    assert not res.passed
    pool = res.members["StakePool"]
    cross = dict(zip(pool.invariant_ids, pool.invariants))
    wanted = {i for i, t in cross.items() if t == system.invariants[0]}
    hits = [f for f in pool.entry["findings"] if f["check"] in wanted]
    assert hits, [(f["check"], f["message"][:120]) for f in pool.entry["findings"]]
    ev = hits[0]["evidence"]
    steps = ev["steps"]
    assert 2 <= len(steps) <= 4, steps  # shrunk: a stake, then a withdrawal (perhaps a reward first)
    assert any("withdraw" in str(s) or "exit" in str(s) for s in steps)
    assert ev["replay"]["reproduced"] is True, ev["replay"]
    # the pool's own accounting invariant does not see it: only the cross-contract one does
    own = [f for f in pool.entry["findings"] if f["source"] == "property" and f["check"] not in wanted
           and "totalStaked() == sum" in f["message"]]
    assert not own
    assert not (tmp_path / "out" / "contracts").exists()  # a failing system writes only its report


def test_forge_deploy_script_deploys_the_system_in_order_and_hands_the_pool_to_the_timelock(passing):
    """`forge script script/Deploy.s.sol --broadcast` on Anvil: the four contracts in deployment
    order, the pool staking and rewarding the system's own token, owned by the timelock."""
    import json
    import os
    import subprocess

    from chains import AnvilChain
    from chains.anvil import foundry_executable
    from verify.compile import SolcJs

    tmp_path, system, res = passing
    out = tmp_path / "out"
    (out / "node_modules").symlink_to(ROOT / "node_modules")  # the project's pins are the repo's own
    with AnvilChain() as chain:
        accounts = chain.accounts
        env = dict(os.environ, ALICE=accounts[1], BOB=accounts[2], ATTACKER=accounts[3])
        deploy = subprocess.run([str(foundry_executable("forge")), "script", "script/Deploy.s.sol", "--rpc-url",
                                 f"http://127.0.0.1:{chain.port}", "--private-key", chain.private_keys[0],
                                 "--broadcast", "--use", str(SolcJs().executable("0.8.37")), "--offline"], cwd=out,
                                env=env, capture_output=True, text=True, timeout=900)
        assert deploy.returncode == 0, deploy.stdout[-3000:] + deploy.stderr[-3000:]
        (run,) = (out / "broadcast" / "Deploy.s.sol").glob("*/run-latest.json")
        txs = json.loads(run.read_text())["transactions"]
        made = {t["contractName"]: t["contractAddress"] for t in txs if t["transactionType"] == "CREATE"}
        assert list(made) == system.names
        pool, token, timelock = made["StakePool"], made["StakeToken"], made["Governance"]

        def word(to: str, selector: str) -> str:
            return chain.rpc("eth_call", [{"to": to, "data": selector}, "latest"])[-40:].lower()

        assert word(pool, "0x51ed6a30") == token[2:].lower()  # stakeToken()
        assert word(pool, "0xf7c618c1") == token[2:].lower()  # rewardToken()
        assert word(pool, "0x8da5cb5b") == timelock[2:].lower()  # owner()
