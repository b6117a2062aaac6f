"""Repair every tests/fixtures/vulnerable/*.sol and print the repair rate.

A file counts as repaired when `repair_file` accepted patches that removed every finding to
repair, each patch confirmed by the engine (the exploit's property no longer fires, the recorded
counterexample no longer reproduces) and by differential runs of honest sequences; the patched
file is then verified again from scratch with another seed (--recheck-seed) and must be clean.
Constructors are guessed as in tests/test_corpus.py (the fixtures need no arguments).

    .venv/bin/python benchmarks/repair_fixtures.py [--json OUT.json] [FILE ...]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--json", type=Path, help="write every report here")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--recheck-seed", type=int, default=1,
                    help="verify each patched file again with this seed (default 1)")
    args = ap.parse_args(argv)

    from synth.repair import RepairOptions, repair_file
    from synth.repair.engine import targets
    from verify.compile import Compiler
    from verify.pipeline import VerifyOptions, verify_file

    files = args.files or sorted((ROOT / "tests" / "fixtures" / "vulnerable").glob("*.sol"))
    compiler = Compiler(install=False)
    rows, reports = [], []
    t_all = time.perf_counter()
    for f in files:
        t0 = time.perf_counter()
        rep = repair_file(f, compiler, RepairOptions(rounds=args.rounds))
        patched = rep.pop("patched", None)
        recheck = ""
        if patched and args.recheck_seed is not None:  # an independent verification, another seed
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / f.name
                out.write_text(patched)
                again = verify_file(out, compiler, VerifyOptions(seed=args.recheck_seed, replay=False))
            left_again = targets(again["findings"]) if again["status"] == "ok" else None
            rep["recheck"] = {"seed": args.recheck_seed, "status": again["status"],
                              "remaining": [(x["check"], x["function"]) for x in left_again or []]}
            recheck = (f"; re-verified (seed {args.recheck_seed}): "
                       + ("clean" if left_again == [] else f"NOT clean {rep['recheck']['remaining'] or again['status']}"))
            if rep["status"] == "repaired" and left_again != []:
                rep["status"] = "repaired-but-recheck-failed"
        reports.append(rep)
        attempts = [a for r in rep["rounds"] for a in r["attempts"]]
        diffs = [d for a in attempts if a["status"] == "accepted" for d in a["evidence"].get("differential", [])]
        seqs = sum(d.get("sequences", 0) for d in diffs)
        exploits = [x for a in attempts if a["status"] == "accepted" for x in a["evidence"].get("exploits", [])
                    if x.get("property")]  # findings the engine confirmed with a counterexample
        static_only = sum(1 for a in attempts if a["status"] == "accepted"
                          for x in a["evidence"].get("exploits", []) if not x.get("property"))
        killed = sum(1 for x in exploits if (x.get("after") or {}).get("reproduced") is False)
        left = ", ".join(f"{x['check']}@{x['function']}" for x in rep["remaining"])
        rows.append((f.name, rep["status"]))
        print(f"{f.name:28s} {rep['status']:15s} {time.perf_counter() - t0:6.1f}s  patches: "
              f"{', '.join(rep['accepted']) or '-'}; counterexamples no longer reproducing: {killed}/{len(exploits)}"
              f"{f' (+{static_only} static-only)' if static_only else ''}; "
              f"honest sequences identical: {seqs}" + (f"; still reported: {left}" if left else "") + recheck,
              flush=True)
    ok = sum(1 for _, s in rows if s == "repaired")
    print(f"\nrepair rate: {ok}/{len(rows)} = {100 * ok / max(1, len(rows)):.1f} % "
          f"({time.perf_counter() - t_all:.0f} s)")
    if args.json:
        args.json.write_text(json.dumps(reports, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
