"""ouro's engine on audited code installed from npm (tests/trusted_corpus.py): it must confirm nothing.

    .venv/bin/python benchmarks/trusted_corpus.py [--jobs 2] [--max-examples 120] [--seed 0] [--only FILE ...]

Prints one row per file (package and version, compiler, whether the engine ran, findings by
confirmed state true / false / null, seconds), then every confirmed finding and every refutation
whose flagged lines did not all run, the totals and the wall time. Exits 1 when any file breaks
the rule (a confirmed finding, a refutation without coverage) or did not verify.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from trusted_corpus import ENTRIES, SKIPPED, counts, dynamic_expected, package_version, problems, run  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--max-examples", type=int, default=120)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--only", nargs="*", help="entry files (as listed) or their base names")
    a = ap.parse_args()
    entries = [e for e in ENTRIES if not a.only or e["file"] in a.only or Path(e["file"]).name in a.only]
    t0 = time.perf_counter()
    results = run(entries, a.jobs, a.max_examples, a.seed)
    wall = time.perf_counter() - t0

    total = {"true": 0, "false": 0, "null": 0}
    bad: list[tuple[str, str]] = []
    print(f"{'file':48} {'package':32} {'solc':7} {'engine':7} {'true':>4} {'false':>5} {'null':>4} {'s':>6}")
    for e in entries:
        r = results[e["file"]]
        c = counts(r)
        for k in total:
            total[k] += c[k]
        props = (r.get("dynamic") or {}).get("properties") or {}
        engine = "ran" if props else ("skipped" if not dynamic_expected(e) else "NONE")
        solc = (r.get("compiler") or "-").split()[1] if r.get("compiler") else "-"
        pkg = f"{e['package']}@{package_version(e['package'])}"
        print(f"{Path(e['file']).name:48} {pkg:32} {solc:7} {engine:7} {c['true']:4} {c['false']:5} {c['null']:4} "
              f"{r.get('wall_seconds', 0):6.1f}")
        if r["status"] != "ok":
            bad.append((e["file"], f"status {r['status']}: {(r.get('error') or '; '.join(r.get('notes', [])))[:400]}"))
        if dynamic_expected(e) and not props:
            bad.append((e["file"], "the engine did not run: " + "; ".join(n[:200] for n in r.get("notes", [])[:2])))
        bad.extend((e["file"], p) for p in problems(r))
    print(f"\ntotal findings: confirmed true {total['true']}, false {total['false']}, null {total['null']} "
          f"over {len(entries)} files")
    for e in entries:
        if not dynamic_expected(e):
            print(f"engine skipped {Path(e['file']).name}: {e['why']}")
    for s in SKIPPED:
        print(f"not in the corpus: {s['what']}: {s['why']}")
    for f, p in bad:
        print(f"FAIL {f}: {p}")
    print(f"wall time: {wall:.0f} s (--jobs {a.jobs}, --max-examples {a.max_examples}, --seed {a.seed})")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
