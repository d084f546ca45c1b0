"""``python -m benchmarks [NAME ...] [--quick]``: run benchmarks, print and save their tables."""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

from benchmarks.registry import Settings, load_all
from benchmarks.report import RESULTS_DIR


def main(argv: list[str] | None = None) -> int:
    known = load_all()
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    p.add_argument("names", nargs="*", metavar="NAME", help=f"any of: {', '.join(known)}")
    p.add_argument("--quick", action="store_true", help="1 round, small sizes, short load runs")
    p.add_argument("--rounds", type=int, help="interleaved rounds (default 3, 1 with --quick)")
    p.add_argument("--results", type=Path, default=RESULTS_DIR, help="where the JSON files go")
    args = p.parse_args(argv)
    unknown = [n for n in args.names if n not in known]
    if unknown:
        p.error(f"unknown benchmark {', '.join(unknown)} (known: {', '.join(known)})")
    rounds = args.rounds or (1 if args.quick else 3)
    settings = Settings(quick=args.quick, rounds=rounds)
    failed = []
    for name in args.names or list(known):
        began = time.monotonic()
        try:
            table = known[name](settings)
        except Exception:
            traceback.print_exc()
            print(f"== {name}: FAILED ==", flush=True)
            failed.append(name)
            continue
        path = table.save(args.results)
        print(table.render())
        print(f"({time.monotonic() - began:.0f} s; saved {path})\n", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
