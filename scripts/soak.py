#!/usr/bin/env python3
"""Soak test of the generated client under faults (tests/support/soak.py): prints calls made, faults injected and
outcomes; exits 1 if any call broke the documented rules, leaked a descriptor or was applied twice.

    .venv/bin/python scripts/soak.py            # the long profile: 1,500 calls per client kind, a few minutes
    .venv/bin/python scripts/soak.py --short    # the CI profile (tests/robustness/test_soak.py), seconds
    .venv/bin/python scripts/soak.py --calls 300 --seed 7
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support import soak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="the short profile CI runs")
    parser.add_argument("--calls", type=int, help="calls per client kind")
    parser.add_argument("--seed", type=int, help="seed of the server's fault draws")
    args = parser.parse_args()
    profile = soak.SHORT if args.short else soak.LONG
    if args.calls is not None:
        profile = dataclasses.replace(profile, calls=args.calls)
    if args.seed is not None:
        profile = dataclasses.replace(profile, seed=args.seed)
    report = soak.run(profile)
    print("\n".join(report.lines()))
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
