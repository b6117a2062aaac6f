"""The verify property search without hypothesis: native random sequences, the delta-debugging
shrinker, determinism per seed. Real compiler, real pyrevm."""

import random
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from verify.compile import Compiler
from verify.dynamic.engine import DynamicOptions, _Search, targets_of
from verify.dynamic.random_search import TransactionDraws, run_search
from verify.dynamic.sequence import PropertyViolation, run_sequence
from verify.dynamic.session import TEAM, Step
from verify.dynamic.shrink import shrink
from verify.properties.access_control import AccessControl

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "tests" / "fixtures" / "dynamic"


@pytest.fixture(scope="module")
def two_step():
    build = Compiler(install=False, evm_version="shanghai").compile_file(FIX / "TwoStepOwner08.sol")
    (target,) = targets_of(build)
    return target


def _search(target) -> _Search:
    s = _Search(target, DynamicOptions())
    s.start()
    return s


def _runner(search, prop):
    def run(seq):
        got = run_sequence(search, seq, [prop], search.units)
        return got[0] if got else None
    return run


def _is_minimal_two_step(v: PropertyViolation) -> None:
    """unlock with the smallest code that opens it, then the attacker team claims: nothing else,
    each by the simplest caller that still shows it (anyone may unlock: the deployer; the claim
    must be the team's: its plain account rather than its contract)."""
    first, second = v.steps
    assert first.function == "unlock(uint256)" and first.args == [1001] and first.value == 0
    assert first.actor == "deployer"
    assert second.function == "claim()" and second.actor == "attacker" and second.actor in TEAM
    assert second.reenter is None and not second.reject_eth and second.origin is None
    assert "changed owner()" in v.message


def test_shrinker_finds_the_two_steps_in_a_long_sequence(two_step):
    search = _search(two_step)
    prop = AccessControl()
    noise = [Step("alice", "bump(uint256)", [77]), Step("warp", seconds=31 * 86400),
             Step("bob", "note(uint256)", [2**200]), Step("attacker", "bump(uint256)", [5])]
    claim = Step("attacker_contract", "claim()", [], 0,
                 {"function": "note(uint256)", "args": [9], "value": 0, "depth": 3}, True)
    long = noise + [Step("bob", "unlock(uint256)", [2**255 + 12345])] + noise + [claim]
    run = _runner(search, prop)
    found = run(long)
    assert found is not None and len(found.steps) == len(long)
    v = shrink(found, run, two_step)
    _is_minimal_two_step(v)
    assert run(v.steps) is not None
    for i in range(len(v.steps)):  # no step can go
        assert run(v.steps[:i] + v.steps[i + 1:]) is None
    assert run([replace(v.steps[0], args=[1000]), v.steps[1]]) is None  # 1001 is the smallest code


def test_random_search_finds_and_shrinks_the_two_step_bug(two_step):
    search = _search(two_step)
    (v,) = run_search(search, [AccessControl()], max_examples=120, steps=10, seed=0, recorder=search.recorder)
    _is_minimal_two_step(v)
    assert search.recorder.stats["claim"].calls > 0 and search.recorder.prefixes


def test_same_seed_same_sequences_and_counterexample(two_step):
    def once(seed):
        search = _search(two_step)
        (v,) = run_search(search, [AccessControl()], max_examples=120, steps=10, seed=seed, recorder=search.recorder)
        stats = {k: st.to_json() for k, st in search.recorder.stats.items()}
        return [s.to_json() for s in v.steps], v.message, stats, [[s.to_json() for s in p.steps]
                                                                   for p in search.recorder.prefixes]

    first = once(3)
    assert once(3) == first
    draws = TransactionDraws(two_step, _search(two_step)._base.roles())
    r1, r2 = random.Random(11), random.Random(11)
    assert [draws.draw(r1, []).to_json() for _ in range(50)] == [draws.draw(r2, []).to_json() for _ in range(50)]


def test_the_search_runs_without_hypothesis(two_step):
    """The engine's search path never imports hypothesis (it stays in the generated brownie tests
    and the repair differential)."""
    code = (
        "import sys\n"
        "from verify.compile import Compiler\n"
        "from verify.dynamic.engine import DynamicOptions, run_dynamic\n"
        f"res = Compiler(install=False).compile_file({str(FIX / 'TwoStepOwner08.sol')!r})\n"
        "rep = run_dynamic(res, DynamicOptions(replay=False, max_examples=20))\n"
        "assert any(f.check == 'ouro-access-control' for f in rep.findings), rep.findings\n"
        "assert 'hypothesis' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
