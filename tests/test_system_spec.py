"""System specs (several contracts with references): the deployment order, and bad specs that
get one `file:line: field` error each, exit 2, and write nothing."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from synth.spec import SpecError, load_spec

ROOT = Path(__file__).resolve().parent.parent
OURO = str(Path(sys.executable).parent / "ouro")

TOKEN = """  - kind: erc20
    name: Tok
    access: ownable
"""

BAD = {
    # a reference to a contract the system does not have
    "unknown_reference": ("""name: Bad
contracts:
""" + TOKEN + """  - kind: staking
    name: Pool
    options: {erc20_stake: true}
    uses:
      stake_token: Tokk
""", 10, "contracts.1.uses.stake_token", "unknown contract 'Tokk'; did you mean 'Tok'?"),
    # two vaults, each over the other's shares
    "cycle": ("""name: Bad
contracts:
  - kind: erc4626
    name: VaultA
    options: {existing_asset: true}
    uses: {asset: VaultB}
  - kind: erc4626
    name: VaultB
    options: {existing_asset: true}
    uses:
      asset: VaultA
""", None, "uses.asset", "cycle"),
    # an ERC-20 reference to a contract that is no token
    "token_kind_mismatch": ("""name: Bad
contracts:
  - kind: multisig
    name: Safe
  - kind: staking
    name: Pool
    options: {erc20_stake: true}
    uses:
      stake_token: Safe
""", 9, "contracts.1.uses.stake_token", "needs an ERC20 token, but Safe is a multisig contract"),
    # a token-based option without its token (single spec)
    "missing_asset": ("""kind: erc4626
name: Vault
options:
  existing_asset: true
  fees: true
""", 4, "parameters.asset", "required when options.existing_asset is true"),
    # the same in a system: neither an address nor a contract of the system
    "missing_token_in_system": ("""name: Bad
contracts:
""" + TOKEN + """  - kind: staking
    name: Pool
    options:
      erc20_stake: true
""", 9, "contracts.1.parameters.stake_token", "uses: {stake_token: <a contract of the system>}"),
    # ownership handed to a contract that does not exist
    "unknown_owner": ("""name: Bad
contracts:
""" + TOKEN + """    owner: Governance
  - kind: timelock
    name: Timelock
""", 6, "contracts.0.owner", "unknown contract 'Governance'"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_system_spec_is_one_error_at_its_line_exit_2_nothing_written(case, tmp_path):
    text, line, field, message = BAD[case]
    spec = tmp_path / f"{case}.yaml"
    spec.write_text(text)
    out = tmp_path / "out"
    proc = subprocess.run([OURO, "synth", str(spec), "--out", str(out), "--no-replay"], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    errors = [ln for ln in (proc.stdout + proc.stderr).splitlines() if ln.startswith("error ")]
    assert len(errors) == 1, errors
    m = re.match(rf"error {re.escape(str(spec))}:(\d+): (\S+): (.*)", errors[0])
    assert m, errors[0]
    if line is not None:
        assert int(m.group(1)) == line, errors[0]
    assert m.group(2).endswith(field), errors[0]
    assert message in " ".join(errors[0].split()), errors[0]
    assert "Traceback" not in proc.stderr
    assert not out.exists()


def test_cycle_names_the_ring_at_the_closing_reference(tmp_path):
    spec = tmp_path / "cycle.yaml"
    spec.write_text(BAD["cycle"][0])
    with pytest.raises(SpecError) as exc:
        load_spec(spec)
    (problem,) = exc.value.problems
    assert "VaultA -> VaultB -> VaultA" in problem or "VaultB -> VaultA -> VaultB" in problem, problem
    assert re.match(rf"{re.escape(str(spec))}:(6|11): contracts\.[01]\.uses\.asset: ", problem), problem


def test_example_system_deploys_each_contract_after_those_it_uses():
    system = load_spec(ROOT / "examples" / "specs" / "staking_system.yaml")
    order = system.names
    assert order.index("StakeToken") < order.index("StakePool")
    assert order.index("StakeToken") < order.index("TeamVesting")
    pool = system.entry("StakePool")
    assert pool.uses == {"stake_token": "StakeToken", "reward_token": "StakeToken"}
    assert pool.owner == "Governance"
    assert len(system.entries) == 4


def test_system_invariants_go_to_the_latest_contract_they_name():
    from synth.system_pipeline import attach_invariants

    system = load_spec(ROOT / "examples" / "specs" / "staking_system.yaml")
    hosted = attach_invariants(system)
    assert [t for _, t in hosted["StakePool"]] == system.invariants
    assert hosted["StakeToken"] == [] and hosted["Governance"] == []


def test_system_schema_accepts_the_example_and_rejects_an_unknown_field():
    import json

    import yaml
    from jsonschema import ValidationError, validate

    proc = subprocess.run([OURO, "spec", "schema", "--system"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    schema = json.loads(proc.stdout)
    doc = yaml.safe_load((ROOT / "examples" / "specs" / "staking_system.yaml").read_text())
    validate(doc, schema)
    doc["contracts"][1]["usez"] = {"stake_token": "StakeToken"}
    with pytest.raises(ValidationError):
        validate(doc, schema)


def test_a_contract_may_not_take_the_name_of_a_generated_test_file(tmp_path):
    spec = tmp_path / "s.yaml"
    spec.write_text("kind: erc20\nname: OuroWorld\n")
    with pytest.raises(SpecError) as exc:
        load_spec(spec)
    assert exc.value.problems == [f"{spec}:2: name: 'OuroWorld' names a file of the generated project's tests; "
                                  f"choose another contract name"]
