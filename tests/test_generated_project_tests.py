"""The generated project's own tests (generated/tests) pass: per-operation tests against a Prism mock of
specs/conductor.yaml, and the client tests (retries, errors, timeouts, raw responses) against their own
local server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SPEC
from tests.corpus import prism


@pytest.mark.skipif(prism.executable() is None, reason="Prism is not installed: run `bash scripts/install-prism.sh`")
def test_generated_tests_pass_against_a_mock_server(tmp_path: Path) -> None:
    project = ROOT / "generated"
    with prism.PrismServer(SPEC, tmp_path / "prism.log") as server:
        env = {**os.environ, "TEST_API_BASE_URL": server.url, "PYTHONPATH": str(project / "src")}
        done = subprocess.run(
            # `-o addopts=`: generated/ has no pytest section, so pytest would read this repository's and run
            # these 8 tests in parallel workers (`-n auto`) inside a worker of this run.
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=", "tests"],
            cwd=project, env=env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "8 passed" in done.stdout and "skipped" not in done.stdout  # 2 per-operation tests, 6 client tests
