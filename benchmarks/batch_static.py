"""Static-only batch throughput: `ouro verify DIR --static-only --jobs N` against a sequential
`slither FILE --solc <shim>` loop over the same files, in the same run.

    .venv/bin/python benchmarks/batch_static.py [--files 120] [--jobs 2]

The corpus is built in a temporary folder from the repository's own contracts
(tests/fixtures/**/*.sol, examples/contracts/*.sol; files that are broken on purpose are left out)
and variants of them: contracts renamed, pragmas pinned to the other installed releases of the
same minor series that the file's lower bound allows (0.4.24 0.4.26 0.5.17 0.6.12 0.7.6 0.8.20
0.8.37). Files are taken round-robin over compiler versions. Each file's release comes from
`ouro compilers resolve`, its shim from `ouro compilers path`. Prints files/s of both and the ratio.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RELEASES = ("0.4.24", "0.4.26", "0.5.17", "0.6.12", "0.7.6", "0.8.20", "0.8.37")
BROKEN = {"bad_syntax.sol", "bad_pragma.sol"}
_PRAGMA = re.compile(r"pragma\s+solidity\s+([^;]+);")
_DECL = re.compile(r"\b(?:contract|library|interface)\s+([A-Za-z_]\w*)")


def _v(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split("."))


def variants(source: str, tag: str) -> list[tuple[str, str]]:
    """(release, text) for each installed release this file can be pinned to; contracts renamed."""
    m = _PRAGMA.search(source)
    low = re.search(r"\d+\.\d+\.\d+", m.group(1)) if m else None
    if not low:
        return []
    low_v = _v(low.group(0))
    out = []
    for release in RELEASES:
        rv = _v(release)
        if rv[:2] != low_v[:2] or rv < low_v:
            continue
        text = _PRAGMA.sub(f"pragma solidity {release};", source, count=1)
        for name in set(_DECL.findall(source)):
            text = re.sub(rf"\b{name}\b", f"{name}_{tag}{release.replace('.', '')}", text)
        out.append((release, text))
    return out


def build_corpus(folder: Path, count: int) -> list[Path]:
    sources = sorted(p for p in [*(ROOT / "tests" / "fixtures").rglob("*.sol"), *(ROOT / "examples" / "contracts").glob("*.sol")]
                     if p.name not in BROKEN)
    by_release: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for src in sources:
        original = src.read_text()
        m = _PRAGMA.search(original)
        exact = m.group(1).strip() if m else ""
        if exact in RELEASES:
            by_release[exact].append((src.stem, original))
        for i, (release, text) in enumerate(variants(original, "V")):
            by_release[release].append((f"{src.stem}_V{i}", text))
    picked: list[tuple[str, str]] = []
    queues = [list(v) for _, v in sorted(by_release.items(), key=lambda kv: _v(kv[0]))]
    while len(picked) < count and any(queues):
        for q in queues:
            if q and len(picked) < count:
                picked.append(q.pop(0))
    files = []
    for n, (stem, text) in enumerate(picked):
        path = folder / f"{n:03d}_{stem}.sol"
        path.write_text(text)
        files.append(path)
    return files


def ouro(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "ouro"), *args], capture_output=True, text=True)


def run_ouro(corpus: Path, files: list[Path], work: Path, jobs: int) -> tuple[float, Counter]:
    out = work / "ouro.json"
    batch = "--jobs" in ouro("verify", "--help").stdout
    args = (["verify", str(corpus), "--static-only", "--jobs", str(jobs), "--db", str(work / "results.db")]
            if batch else ["verify", "--static-only", *map(str, files)])
    t0 = time.perf_counter()
    proc = ouro(*args, "--format", "json", "--output", str(out))
    seconds = time.perf_counter() - t0
    if not out.exists():
        sys.exit(f"ouro verify failed ({proc.returncode}): {proc.stderr[-2000:]}")
    results = json.loads(out.read_text())["results"]
    return seconds, Counter(r["status"] for r in results)


def run_slither_loop(files: list[Path], work: Path) -> tuple[float, Counter]:
    resolved = ouro("compilers", "resolve", *map(str, files)).stdout
    release = {line.rsplit(": ", 1)[0]: line.rsplit(": ", 1)[1] for line in resolved.splitlines() if ": " in line}
    shims = {v: ouro("compilers", "path", v).stdout.strip() for v in set(release.values())}
    remap = f"@openzeppelin={ROOT / 'node_modules' / '@openzeppelin'}"
    statuses: Counter = Counter()
    t0 = time.perf_counter()
    for f in files:
        if str(f) not in release:
            statuses["unresolved"] += 1
            continue
        cmd = [str(BIN / "slither"), str(f), "--solc", shims[release[str(f)]]]
        if "@openzeppelin/" in f.read_text():
            cmd += ["--solc-remaps", remap]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=work)
        statuses["ok" if " analyzed (" in proc.stderr else "error"] += 1
    return time.perf_counter() - t0, statuses


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=120, help="corpus size (>= 100 for the README figure)")
    ap.add_argument("--jobs", type=int, default=2, help="ouro worker processes")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="ouro-batch-bench-") as tmp:
        work, corpus = Path(tmp), Path(tmp) / "corpus"
        corpus.mkdir()
        files = build_corpus(corpus, a.files)
        versions = Counter(_PRAGMA.search(f.read_text()).group(1).strip() for f in files)
        print(f"corpus: {len(files)} files; " + ", ".join(f"{v}: {n}" for v, n in sorted(versions.items(), key=lambda kv: _v(kv[0]))))
        ouro_s, ouro_st = run_ouro(corpus, files, work, a.jobs)
        sl_s, sl_st = run_slither_loop(files, work)
    ouro_rate, sl_rate = len(files) / ouro_s, len(files) / sl_s
    print(f"{'':<34}{'seconds':>9}{'files/s':>9}  statuses")
    print(f"{f'ouro verify --static-only --jobs {a.jobs}':<34}{ouro_s:>9.1f}{ouro_rate:>9.2f}  {dict(ouro_st)}")
    print(f"{'slither FILE --solc SHIM (loop)':<34}{sl_s:>9.1f}{sl_rate:>9.2f}  {dict(sl_st)}")
    print(f"ratio: {ouro_rate / sl_rate:.2f}x (target >= 3x)")


if __name__ == "__main__":
    main()
