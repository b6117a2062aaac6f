"""How many hand-proven exploits of the deployed-style corpus ouro's engine confirms.

    .venv/bin/python benchmarks/deployed_corpus.py [--jobs 2] [--max-examples 120] [--seed 0] [--only FILE ...]

Prints one row per contract (label, category, what ouro confirmed, the note when it did not)
and the confirmation rate over the exploitable ones; twins must have none confirmed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from deployed_corpus import manifest, run, score  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--max-examples", type=int, default=120)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--only", nargs="*")
    a = ap.parse_args()
    entries = [e for e in manifest() if not a.only or e["file"] in a.only]
    t0 = time.perf_counter()
    results = run(entries, a.jobs, a.max_examples, a.seed)
    s = score(entries, results)
    for e, j in s["rows"]:
        label = "exploitable" if e["exploitable"] else "twin"
        got = "CONFIRMED" if j["confirmed"] else ("confirmed, replay failed" if j["confirmed_unreplayed"] else "-")
        f = j["finding"]
        print(f"{e['file']:34} {label:11} {e['category']:18} {got:10} "
              f"{(f['check'] + ' ' + str(f['lines'])) if f else ''} {'others: ' + ', '.join(j['other_confirmed']) if j['other_confirmed'] else ''}")
        if e["exploitable"] and not j["confirmed"]:
            for n in j["notes"][:3]:
                print(f"    note: {n[:300]}")
    print(f"\nexploitable confirmed: {s['confirmed']}/{s['exploitable']} = {100 * s['rate']:.0f} %")
    print(f"twins confirmed in their category: {len(s['twins_confirmed'])} {s['twins_confirmed']}")
    print(f"wall time: {time.perf_counter() - t0:.0f} s (--jobs {a.jobs}, --max-examples {a.max_examples})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
