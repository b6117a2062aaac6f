"""ouro's engine on audited code installed from npm (tests/trusted_corpus.py): it must confirm nothing.

    .venv/bin/python benchmarks/trusted_corpus.py [--jobs 2] [--max-examples 120] [--seed 0] [--only FILE ...]
                                                  [--static-only]

Prints one row per file (package and version, compiler, whether the engine ran, findings by
confirmed state true / false / null, by final severity high / medium, seconds), then every
confirmed finding and every refutation whose flagged lines did not all run, the highs and mediums
per package, every remaining medium, the totals and the wall time. Exits 1 when any file breaks
the rule (a confirmed finding, a refutation without coverage, a high in the final report of a
package that must have none) or did not verify.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from trusted_corpus import (  # noqa: E402
    ENTRIES,
    SKIPPED,
    counts,
    dynamic_expected,
    highs,
    package_version,
    problems,
    run,
    severities,
)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--max-examples", type=int, default=120)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--only", nargs="*", help="entry files (as listed) or their base names")
    ap.add_argument("--static-only", action="store_true", help="Slither and ouro's checks, no engine")
    a = ap.parse_args()
    entries = [e for e in ENTRIES if not a.only or e["file"] in a.only or Path(e["file"]).name in a.only]
    t0 = time.perf_counter()
    results = run(entries, a.jobs, a.max_examples, a.seed, static_only=a.static_only)
    wall = time.perf_counter() - t0

    total = {"true": 0, "false": 0, "null": 0}
    bad: list[tuple[str, str]] = []
    by_package: dict[str, dict[str, int]] = {}
    mediums: list[tuple[str, str, dict]] = []
    print(f"{'file':48} {'package':32} {'solc':7} {'engine':7} {'true':>4} {'false':>5} {'null':>4} {'high':>4} "
          f"{'med':>4} {'s':>6}")
    for e in entries:
        r = results[e["file"]]
        c = counts(r)
        for k in total:
            total[k] += c[k]
        props = (r.get("dynamic") or {}).get("properties") or {}
        engine = "ran" if props else ("skipped" if not dynamic_expected(e) else "NONE")
        solc = (r.get("compiler") or "-").split()[1] if r.get("compiler") else "-"
        pkg = f"{e['package']}@{package_version(e['package'])}"
        sev = severities(r)
        tally = by_package.setdefault(e["package"], {"high": 0, "medium": 0})
        tally["high"] += sev["high"]
        tally["medium"] += sev["medium"]
        mediums.extend((e["package"], Path(e["file"]).name, f) for f in r.get("findings", []) if f["severity"] == "medium")
        print(f"{Path(e['file']).name:48} {pkg:32} {solc:7} {engine:7} {c['true']:4} {c['false']:5} {c['null']:4} "
              f"{sev['high']:4} {sev['medium']:4} {r.get('wall_seconds', 0):6.1f}")
        if r["status"] != "ok":
            bad.append((e["file"], f"status {r['status']}: {(r.get('error') or '; '.join(r.get('notes', [])))[:400]}"))
        if dynamic_expected(e) and not props:
            bad.append((e["file"], "the engine did not run: " + "; ".join(n[:200] for n in r.get("notes", [])[:2])))
        bad.extend((e["file"], p) for p in problems(r))
        bad.extend((e["file"], p) for p in highs(e, r))
    print(f"\ntotal findings: confirmed true {total['true']}, false {total['false']}, null {total['null']} "
          f"over {len(entries)} files")
    print("\nfinal severity per package (after the cross-check):")
    for pkg, tally in sorted(by_package.items()):
        print(f"  {pkg:32} high {tally['high']:3}  medium {tally['medium']:3}")
    print("\nremaining mediums:")
    for pkg, name, f in mediums:
        print(f"  {pkg} | {name} | {f['check']} | {f.get('contract')}.{f.get('function')} | lines {f['lines']} | "
              f"confirmed {f['confirmed']}")
    for e in entries:
        if not dynamic_expected(e):
            print(f"engine skipped {Path(e['file']).name}: {e['why']}")
    for s in SKIPPED:
        print(f"not in the corpus: {s['what']}: {s['why']}")
    for f, p in bad:
        print(f"FAIL {f}: {p}")
    print(f"wall time: {wall:.0f} s (--jobs {a.jobs}, --max-examples {a.max_examples}, --seed {a.seed}"
          f"{', --static-only' if a.static_only else ''})")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
