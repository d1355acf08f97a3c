"""Every small and medium corpus spec yields a client that passes ruff, mypy --strict and pyright.

The four large specs (jira-platform, box, digitalocean, openai) take minutes each under mypy; they are
checked by scripts/check_large_clients.sh instead, and the figures are in docs/corpus.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator import pipeline
from tests.conftest import CHECKERS, ROOT, not_black_formatted, run_checker

CORPUS = ROOT.parent / "shared" / "corpus"
SMALL_AND_MEDIUM = [
    "oai-non-oauth-scopes/non-oauth-scopes.json",
    "oai-petstore/petstore.yaml",
    "oai-petstore-expanded/petstore-expanded.json",
    "oai-uspto/uspto.yaml",
    "box-v2026/openapi-v2026.0.json",
    "adyen-binlookup-v54/BinLookupService-v54.yaml",
    "opc-baseline-3.1/baseline_openapi_3.1.yaml",
    "adyen-transfer-webhooks-v4/BalancePlatformTransferNotification-v4.json",
    "resend/resend.yaml",
    "spotify/fixed-spotify-open-api.yml",
    "twilio-verify-v2/twilio_verify_v2.yaml",
]


@pytest.fixture(scope="module", params=SMALL_AND_MEDIUM, ids=lambda entry: entry.split("/")[0])
def corpus_client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    entry = CORPUS / request.param
    if not entry.is_file():
        pytest.skip(f"corpus not found at {CORPUS}")
    out = tmp_path_factory.mktemp("corpus") / "client"
    pipeline.generate(pipeline.Options(spec=entry, output=out, lenient=True))
    return out


@pytest.mark.parametrize("checker", ["ruff", "mypy", "pyright"])
def test_corpus_client_passes(corpus_client: Path, checker: str) -> None:
    assert checker in CHECKERS
    done = run_checker(checker, corpus_client)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]


def test_corpus_client_is_what_black_makes_of_it(corpus_client: Path) -> None:
    assert not_black_formatted(corpus_client) == []


def test_corpus_client_tests_pass(corpus_client: Path) -> None:
    """The generated client tests (retries, errors, timeouts, raw responses) pass against their local server."""
    if not (corpus_client / "tests" / "test_client.py").is_file():
        pytest.skip("no operations: no client tests")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_client.py"],
        cwd=corpus_client, env={**os.environ, "PYTHONPATH": str(corpus_client / "src")},
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "6 passed" in done.stdout
