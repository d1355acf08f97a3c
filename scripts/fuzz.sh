#!/usr/bin/env bash
# A long property-based run (tests/robustness/test_fuzz.py): 500 random hostile specs by default, not derandomized, so
# every run explores new ones. Extra arguments go to pytest, e.g. `--hypothesis-seed=123` or
# `--hypothesis-profile=ci`. Keep the spec of any failure as a test in tests/robustness/test_fuzz_regressions.py.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m pytest tests/robustness/test_fuzz.py -p no:cacheprovider --hypothesis-profile=long \
    --hypothesis-show-statistics -x "$@"
