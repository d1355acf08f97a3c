"""Every operation of a sample of the third-party corpus yields a working client method, checked against
Prism; no number may get worse than the committed baseline, docs/corpus.json (see docs/corpus.md).

The sample keeps CI time reasonable (CI has 2 cores): every small and medium spec, plus jira-platform as the
one large one. box, digitalocean and openai (1 to 2 minutes each, mostly generation) run only in the full
report: `.venv/bin/python scripts/corpus_report.py`. Measured on the 2-core machine (while other jobs ran): 2 min
46 s for this file, 3 to 14 s per small or medium spec, 85 s for jira-platform (generation, Prism start-up
and two passes of calls).

A test fails when, for its spec, fewer operations are generated or accepted+parsed than in the baseline,
or any failure column (rejected, parse_failed, server_error, client_error, not_generated, not_run) grows;
the message lists the operations whose outcome changed. When a change improves the numbers, or changes them
for a reason you have understood, re-run the report for that spec and commit docs/corpus.json and
docs/corpus.md: `.venv/bin/python scripts/corpus_report.py --only NAME`.

The code samples (`python -m generator samples`) of every spec of the sample but jira-platform run verbatim
against Prism too (tests/support/corpus/samples.py), on the client the operation test generated: no sample may fail
that does not fail in the baseline's "samples" section (written by scripts/corpus_samples.py, which runs the
large specs as well), and as many must run.

Skipped, with the reason, only when Prism is not installed (`bash scripts/install-prism.sh`).
CORPUS_GENERATOR_ROOT=DIR runs the generator from another folder (e.g. a `git archive HEAD` snapshot).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.corpus import harness, prism, samples

SAMPLE = [
    # small (under 100 KB, 0 to 50 operations)
    "oai-non-oauth-scopes",
    "oai-petstore",
    "oai-petstore-expanded",
    "oai-uspto",
    "box-v2026",
    "adyen-binlookup-v54",
    "opc-baseline-3.1",
    # medium (150 to 400 KB, 0 to 174 operations)
    "adyen-transfer-webhooks-v4",  # webhooks only: 0 operations
    "netlify-swagger2",  # Swagger 2.0: refused with a clear message, by design
    "resend",
    "spotify",
    "twilio-verify-v2",
    # large (1.7 MB, 468 operations)
    "jira-platform",
]

SAMPLES_IN_CI = [name for name in SAMPLE if name != "jira-platform"]  # the large specs: scripts/corpus_samples.py
_CLIENTS: dict[str, Path] = {}  # spec -> the client the operation test generated, for the samples test

pytestmark = pytest.mark.skipif(
    prism.executable() is None, reason="Prism is not installed: run `bash scripts/install-prism.sh`"
)


@pytest.fixture(scope="module")
def entries() -> dict[str, harness.Entry]:
    assert (harness.CORPUS / "manifest.tsv").exists(), f"the corpus is missing: {harness.CORPUS}"
    return harness.read_manifest()


@pytest.fixture(scope="module")
def baseline() -> dict[str, object]:
    assert harness.BASELINE.exists(), "docs/corpus.json is missing: run scripts/corpus_report.py"
    return harness.load_baseline()["specs"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", SAMPLE)
def test_corpus_spec_does_not_regress(
    name: str, entries: dict[str, harness.Entry], baseline: dict[str, dict[str, object]], tmp_path: Path
) -> None:
    assert name in baseline, f"no baseline for {name}: run `.venv/bin/python scripts/corpus_report.py --only {name}`"
    result = harness.run_entry(entries[name], work=tmp_path, keep=name in SAMPLES_IN_CI)
    client = next(tmp_path.glob(f"corpus-{name}-*/client"), None)
    if client is not None:
        _CLIENTS[name] = client
    problems = harness.regressions(baseline[name], result)
    assert not problems, f"{name} regressed against docs/corpus.json:\n" + "\n".join(problems)


@pytest.mark.parametrize("name", SAMPLES_IN_CI)
def test_corpus_samples_run_verbatim_against_prism(
    name: str, entries: dict[str, harness.Entry], baseline: dict[str, dict[str, object]], tmp_path: Path
) -> None:
    expected = harness.load_baseline().get("samples", {}).get(name)
    assert expected, f"no samples baseline for {name}: run `.venv/bin/python scripts/corpus_samples.py --only {name}`"
    result = samples.run_samples(entries[name], baseline[name], work=tmp_path, client=_CLIENTS.get(name))
    now = result.summary()
    known = {(key, label) for key, labels in expected["operations"].items() for label, e in labels.items()
             if e["verdict"] == "failed"}  # fmt: skip
    new = [
        f"  {key} ({label}): {record.get('outcome')}: {samples._detail(record)}"
        for (key, label), record in sorted(result.records.items())
        if record["verdict"] == "failed" and (key, label) not in known
    ]
    assert now["status"] == expected["status"], f"{name}: {now['status']} (baseline {expected['status']}): {now['message']}"
    assert not new, f"{name}: samples that do not run (docs/corpus.json has them running or attributed):\n" + "\n".join(new)
    assert now["samples"] == expected["samples"] and now["ran"] >= expected["ran"], (now, expected)


def test_swagger2_is_refused_with_a_clear_message(entries: dict[str, harness.Entry], tmp_path: Path) -> None:
    result = harness.run_entry(entries["netlify-swagger2"], work=tmp_path)
    assert result.status == "rejected_by_design"
    assert "Swagger 2.0" in result.message
    assert result.operations_in_spec == entries["netlify-swagger2"].operations
    assert result.counts["not_generated"] == result.operations_in_spec


def test_operation_counts_match_the_manifest(entries: dict[str, harness.Entry]) -> None:
    """The harness counts operations from the documents; the manifest states them independently."""
    from tests.support.corpus.specdoc import SpecDocs

    counted = {name: len(SpecDocs(entry.entry).operations()) for name, entry in entries.items()}
    assert counted == {name: entry.operations for name, entry in entries.items()}
