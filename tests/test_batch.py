"""`ouro verify` as a batch: a mixed corpus with every kind of bad input, per-file time limits,
kill -9 and resume, a worker that dies, a Dask cluster, and re-rendering from the results DB.
Real compiler, real Slither, real EVM; the corpus is built from tests/batch_corpus.py."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import time
from collections import Counter
from pathlib import Path

import psutil
import pytest

from batch_corpus import BAD_INPUTS, build_corpus, endless_search_file, good_files

ROOT = Path(__file__).resolve().parent.parent
STATUSES = {"ok", "partial", "compile-error", "timeout", "error"}


def ouro(env, *args, cwd=ROOT, timeout=900):
    return subprocess.run(["ouro", *map(str, args)], capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=timeout)


def db_rows(db: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(db) as con:
        return con.execute("SELECT path, status, entry FROM results").fetchall()


@pytest.fixture(scope="module")
def env():
    import sys

    e = dict(os.environ)
    e["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{e.get('PATH', '')}"
    return e


@pytest.fixture(scope="module")
def big_batch(tmp_path_factory, env):
    """158 files, static-only, two workers, into a results DB."""
    corpus = tmp_path_factory.mktemp("corpus")
    files = build_corpus(corpus)
    db, out = corpus.parent / "big.db", corpus.parent / "big.json"
    proc = ouro(env, "verify", corpus, "--static-only", "--jobs", 2, "--db", db, "--format", "json", "--output", out)
    return {"corpus": corpus, "files": files, "db": db, "proc": proc, "doc": json.loads(out.read_text())}


def test_mixed_batch_gives_every_file_one_row_with_a_clear_status(big_batch):
    proc, doc, files, corpus = big_batch["proc"], big_batch["doc"], big_batch["files"], big_batch["corpus"]
    assert proc.returncode == 2, proc.stderr  # bad inputs are tool errors
    assert "Traceback" not in proc.stderr
    results = doc["results"]
    assert len(files) >= 150 and len(results) == len(files)
    by_file = {str((ROOT / r["file"]).resolve()) if not os.path.isabs(r["file"]) else r["file"]: r for r in results}
    assert set(by_file) == {str(f.resolve()) for f in files}

    for name, (status, words) in BAD_INPUTS.items():
        r = by_file[str((corpus / name).resolve())]
        assert r["status"] == status, (name, r)
        assert words in r["error"] and Path(name).name in r["error"], (name, r["error"])
        assert r["findings"] == []
    good = [r for f, r in by_file.items() if "/bad/" not in f]
    assert all(r["status"] == "ok" and r["error"] is None for r in good), [r for r in good if r["status"] != "ok"]
    versions = Counter(r["compiler"].split()[1] for r in good)
    assert set(versions) == {"0.4.24", "0.4.26", "0.5.17", "0.6.12", "0.7.6", "0.8.20", "0.8.37"}, versions
    flat = [r for f, r in by_file.items() if "/flat_" in f]  # several contracts in one file
    assert flat and all(r["status"] == "ok" for r in flat)

    # totals add up: the DB holds exactly one row per file, and the summary table counts them all
    rows = db_rows(big_batch["db"])
    assert len(rows) == len({p for p, _s, _e in rows}) == len(files)
    assert Counter(s for _p, s, _e in rows) == Counter(r["status"] for r in results)
    counts = Counter(r["status"] for r in results)
    assert sum(counts.values()) == len(files) and set(counts) <= STATUSES
    summary = proc.stderr[proc.stderr.index("batch summary"):]
    for status in ("ok", "compile-error", "timeout", "error"):
        assert re.search(rf"│ {status}\s+│\s+{counts[status]} │", summary), (status, summary)
    n_findings = sum(len(r["findings"]) for r in results)
    assert n_findings > 0
    assert re.search(rf"│ total\s+│\s+{len(files)} │ total\s+│\s+{n_findings} │", summary), summary
    # a vulnerable fixture is flagged, statically
    bank = by_file[str((corpus / "vulnerable" / "ReentrancyBank08.sol").resolve())]
    assert any(f["category"] == "reentrancy" and f["severity"] == "high" for f in bank["findings"])


def test_rerun_skips_what_the_db_holds_and_fresh_redoes_it(big_batch, env, tmp_path):
    subset = sorted((big_batch["corpus"] / "v06").glob("*.sol"))[:4]
    db = tmp_path / "r.db"
    first = ouro(env, "verify", *subset, "--static-only", "--jobs", 2, "--db", db)
    assert first.returncode in (0, 1), first.stderr
    again = ouro(env, "verify", *subset, "--static-only", "--jobs", 2, "--db", db)
    assert "0 verified, 4 from" in again.stderr and again.returncode == first.returncode
    fresh = ouro(env, "verify", *subset, "--static-only", "--db", db, "--fresh")
    assert "4 verified, 0 from" in fresh.stderr
    assert len(db_rows(db)) == 4
    # another configuration is other work: the same files again, under their own key
    other = ouro(env, "verify", *subset[:2], "--static-only", "--seed", 7, "--db", db)
    assert "2 verified, 0 from" in other.stderr and len(db_rows(db)) == 6


def test_report_rerenders_the_db_without_verifying(big_batch, env, tmp_path):
    db, doc = big_batch["db"], big_batch["doc"]
    out = tmp_path / "again.json"
    proc = ouro(env, "report", db, "--format", "json", "--output", out)
    assert proc.returncode == 0, proc.stderr
    again = json.loads(out.read_text())
    key = lambda r: r["file"]  # noqa: E731
    assert sorted(again["results"], key=key) == sorted(doc["results"], key=key)

    sarif = json.loads(ouro(env, "report", db, "--format", "sarif").stdout)
    assert sarif["version"] == "2.1.0"
    assert len(sarif["runs"][0]["results"]) == sum(len(r["findings"]) for r in doc["results"])
    md = ouro(env, "report", db, "--format", "md").stdout
    assert md.startswith("# ouro verification report") and md.count("\n## ") == len(doc["results"])
    html = tmp_path / "r.html"
    assert ouro(env, "report", db, "--format", "html", "--output", html).returncode == 0
    assert html.read_text().lstrip().lower().startswith("<!doctype html")
    table = ouro(env, "report", db)
    assert "ReentrancyBank08.sol" in table.stdout and "batch summary" in table.stdout

    # --baseline: against itself nothing is new; against an empty report everything is
    base = tmp_path / "base.json"
    base.write_text(json.dumps(doc))
    same = json.loads(ouro(env, "report", db, "--format", "json", "--baseline", base).stdout)
    assert sum(len(r["findings"]) for r in same["results"]) == 0
    base.write_text(json.dumps({"tool": {"name": "ouro"}, "results": []}))
    everything = json.loads(ouro(env, "report", db, "--format", "json", "--baseline", base).stdout)
    assert sum(len(r["findings"]) for r in everything["results"]) == sum(len(r["findings"]) for r in doc["results"])


def test_files_that_crash_slither_are_partial_in_the_db_and_in_every_report(env, tmp_path):
    """tests/fixtures/crash (Slither 0.11.6 crashes on each) beside a file it does not crash on, as a
    batch into a results DB; then `ouro report` renders the same statuses, notes and findings."""
    crash = ROOT / "tests" / "fixtures" / "crash"
    db, out = tmp_path / "crash.db", tmp_path / "crash.json"
    proc = ouro(env, "verify", crash, ROOT / "tests" / "fixtures" / "solidity" / "v04_bank.sol", "--static-only",
                "--jobs", 2, "--db", db, "--format", "json", "--output", out)
    assert proc.returncode == 2, proc.stderr  # FoldedLengthRegistry04: nothing could be analysed
    assert "Traceback" not in proc.stderr and "partial 4" in proc.stderr
    results = {Path(r["file"]).name: r for r in json.loads(out.read_text())["results"]}
    assert {n: r["status"] for n, r in results.items()} == {
        "FoldedLengthLottery04.sol": "partial", "FoldedLengthRegistry04.sol": "error", "TupleCallBank04.sol": "partial",
        "TupleCallSafeBank04.sol": "partial", "FunctionTypeParam08.sol": "ok", "CascadePools04.sol": "partial",
        "v04_bank.sol": "ok"}
    for name in ("FoldedLengthLottery04.sol", "TupleCallBank04.sol", "TupleCallSafeBank04.sol", "CascadePools04.sol"):
        r = results[name]
        assert r["error"] is None and r["notes"][0].startswith("slither crashed on ") and r["findings"], r
    assert Counter(s for _p, s, _e in db_rows(db)) == Counter(r["status"] for r in results.values())
    summary = proc.stderr[proc.stderr.index("batch summary"):]
    assert re.search(r"│ partial\s+│\s+4 │", summary) and re.search(r"│ error\s+│\s+1 │", summary), summary

    again = json.loads(ouro(env, "report", db, "--format", "json").stdout)["results"]
    assert sorted(again, key=lambda r: r["file"]) == sorted(results.values(), key=lambda r: r["file"])
    md = ouro(env, "report", db, "--format", "md").stdout
    assert md.count(" | partial | ") == 4 and "> note: slither crashed on TupleCallBank04.withdraw" in md
    html = ouro(env, "report", db, "--format", "html").stdout
    assert re.search(r'class="card status-partial"><span class="n">4<', html)
    assert html.count('<td class="status status-partial">partial</td>') == 4
    table = ouro(env, "report", db)
    assert table.returncode == 0 and "TupleCallBank04.sol  [partial]" in table.stdout
    assert "note: slither crashed on TupleCallBank04.withdraw: AssertionError" in table.stdout
    # a rerun takes the partial rows from the DB like any other
    rerun = ouro(env, "verify", crash, "--static-only", "--db", db)
    assert "0 verified, 6 from" in rerun.stderr and rerun.returncode == 2


def test_bad_arguments_are_messages_not_tracebacks(env, tmp_path, big_batch):
    notdb = tmp_path / "notes.db"
    notdb.write_text("not a database")
    cases = [
        ("report", notdb),
        ("report", tmp_path / "missing.db"),
        ("verify", str(tmp_path / "nothing-*.sol")),
        ("verify", tmp_path),  # a folder without .sol files
        ("verify", "--manifest", tmp_path / "missing.txt"),
        ("verify", big_batch["corpus"] / "v08", "--baseline", notdb),
        ("verify", big_batch["corpus"] / "v08", "--jobs", 0),
    ]
    for args in cases:
        proc = ouro(env, *args)
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr and "rror" in proc.stderr, (args, proc.stderr)


def test_manifest_lists_files_as_text_or_csv(big_batch, env, tmp_path):
    corpus = big_batch["corpus"]
    picks = [corpus / "v07" / p.name for p in sorted((corpus / "v07").glob("*.sol"))[:2]]
    txt = tmp_path / "list.txt"
    txt.write_text("# audit scope\n" + "\n".join(map(str, picks)) + f"\n{tmp_path / 'gone.sol'}\n")
    csv = tmp_path / "list.csv"
    csv.write_text("path,owner\n" + "".join(f"{p},team\n" for p in picks))
    for manifest, n in ((txt, 3), (csv, 2)):
        proc = ouro(env, "verify", "--manifest", manifest, "--static-only", "--format", "json")
        results = json.loads(proc.stdout)["results"]
        assert len(results) == n, proc.stderr
        assert {Path(r["file"]).name for r in results} >= {p.name for p in picks}
    missing = [r for r in json.loads(ouro(env, "verify", "--manifest", txt, "--static-only", "--format", "json")
                                      .stdout)["results"] if r["file"].endswith("gone.sol")]
    assert missing[0]["status"] == "error" and "no such file" in missing[0]["error"]


def test_endless_search_becomes_a_timeout_row_and_the_batch_goes_on(env, tmp_path):
    endless = endless_search_file(tmp_path)
    bank = ROOT / "tests" / "fixtures" / "vulnerable" / "ReentrancyBank08.sol"
    empty = tmp_path / "Empty.sol"
    empty.write_text("")
    db, out = tmp_path / "t.db", tmp_path / "t.json"
    proc = ouro(env, "verify", endless, bank, empty, "--jobs", 2, "--timeout", 30, "--memory-mb", 4096,
                "--max-examples", 30, "--no-replay", "--db", db, "--format", "json", "--output", out)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    by_name = {Path(r["file"]).name: r for r in json.loads(out.read_text())["results"]}
    assert by_name["EndlessSearch.sol"]["status"] == "timeout"
    assert "per-file time limit of 30 s" in by_name["EndlessSearch.sol"]["error"]
    assert by_name["ReentrancyBank08.sol"]["status"] == "ok"
    assert any(f["check"] == "reentrancy-eth" and f["confirmed"] for f in by_name["ReentrancyBank08.sol"]["findings"])
    assert by_name["Empty.sol"]["status"] == "error" and "empty file" in by_name["Empty.sol"]["error"]
    assert len(db_rows(db)) == 3


def _committed(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as con:
            return con.execute("SELECT COUNT(*) FROM results").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_sigkill_mid_batch_then_rerun_loses_and_duplicates_nothing(env, tmp_path):
    made = good_files(tmp_path / "src")
    files = [f for f in made if "/v04/" not in str(f)][:30]
    for f in set(made) - set(files):
        f.unlink()
    db = tmp_path / "k.db"
    cmd = ["ouro", "verify", str(tmp_path / "src"), "--static-only", "--jobs", "2", "--db", str(db)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while _committed(db) < 5 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert proc.poll() is None, "the batch finished before it could be killed"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the whole batch: parent, forkserver, workers, compile servers
        proc.wait()
    before = _committed(db)
    assert 5 <= before < len(files)

    again = ouro(env, *cmd[1:], "--format", "json")
    assert again.returncode in (0, 1), again.stderr
    assert f"{len(files) - before} verified, {before} from" in again.stderr
    rows = db_rows(db)
    paths = [p for p, _s, _e in rows]
    assert len(paths) == len(set(paths)) == len(files)
    assert set(paths) == {str(f) for f in files}
    assert all(s == "ok" for _p, s, _e in rows)
    results = json.loads(again.stdout)["results"]
    assert sorted(Path(r["file"]).name for r in results) == sorted(f.name for f in files)


def test_a_worker_that_dies_is_replaced_and_the_batch_goes_on(env, tmp_path):
    made = good_files(tmp_path / "src")
    files = [f for f in made if "/v08/" in str(f)][:16]
    for f in set(made) - set(files):
        f.unlink()
    db = tmp_path / "w.db"
    proc = subprocess.Popen(["ouro", "verify", str(tmp_path / "src"), "--static-only", "--jobs", "2", "--db", str(db)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    killed = None
    try:
        deadline = time.monotonic() + 300
        while killed is None and proc.poll() is None and time.monotonic() < deadline:
            if _committed(db) >= 2:
                workers = [c for p in psutil.Process(proc.pid).children(recursive=True)
                           if "forkserver" in " ".join(p.cmdline()) for c in p.children()]
                if workers:
                    killed = workers[0].pid
                    os.kill(killed, signal.SIGKILL)
            time.sleep(0.1)
        _out, stderr = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert killed is not None, "no worker was found to kill"
    assert proc.returncode in (0, 1, 2) and "Traceback" not in stderr, stderr
    assert "worker restart" in stderr
    rows = db_rows(db)
    assert sorted(p for p, _s, _e in rows) == sorted(str(f) for f in files)
    for _p, status, entry in rows:  # a file retried alone is ok; one that was alone at the death says so
        assert status == "ok" or "worker process died" in json.loads(entry)["error"]


def test_dask_cluster_gives_the_same_results_as_the_local_pool(big_batch, env, tmp_path):
    from distributed import LocalCluster

    corpus, doc = big_batch["corpus"], big_batch["doc"]
    picks = (sorted((corpus / "v04").glob("*.sol"))[:1] + sorted((corpus / "v05").glob("*.sol"))[:3]
             + sorted((corpus / "v08").glob("flat_*.sol"))[:3] + [corpus / "vulnerable" / "ReentrancyBank08.sol",
                                                                  corpus / "bad" / "truncated.sol",
                                                                  corpus / "bad" / "binary.sol"])
    out = tmp_path / "c.json"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        proc = ouro(env, "verify", *picks, "--static-only", "--cluster", cluster.scheduler_address,
                    "--format", "json", "--output", out)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    got = {r["file"]: r for r in json.loads(out.read_text())["results"]}
    local = {r["file"]: r for r in doc["results"]}
    assert len(got) == len(picks)
    for name, r in got.items():
        assert r == local[name], name

    down = ouro(env, "verify", picks[0], "--cluster", "tcp://127.0.0.1:9", "--static-only")
    assert down.returncode == 2 and "cannot reach the Dask scheduler" in down.stderr
    assert "Traceback" not in down.stderr
