"""The generated client under faults and load: the short profile of tests/support/soak.py (scripts/soak.py runs
the long one). Every call ends as the documented retry rules say, no idempotency key is applied twice, no
file descriptor or server connection is left open."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.soak import FAULTS, SRC

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not (SRC / "conductor").is_dir(), reason="needs the committed client in generated/")
def test_the_client_survives_faults_under_load() -> None:
    # A fresh interpreter: the committed client is imported as `conductor`, which other tests generate too.
    done = subprocess.run(
        [sys.executable, "scripts/soak.py", "--short"], cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "problems: 0" in done.stdout
    faults = next(line for line in done.stdout.splitlines() if line.startswith("faults injected: "))
    assert all(f"'{fault}'" in faults for fault in FAULTS), faults  # every kind of fault was drawn
    outcomes = next(line for line in done.stdout.splitlines() if line.startswith("outcomes: "))
    assert "'OK'" in outcomes and "APIResponseValidationError" in outcomes, outcomes
