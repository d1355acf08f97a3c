"""What the commands write and print is unchanged from the record, byte for byte (tests/golden/outputs.json).

Refactoring the generator must not change its output: every file `generate` writes, `inspect --json`, `samples`
and `diff` over the corpus history are compared with the record made by `scripts/output_digests.py --record`. A
difference is either a bug or a deliberate change: name it in the CHANGELOG and record again. The four large corpus
specs take minutes; `python scripts/output_digests.py` compares them too, and runs before every merge. The fuzz
profile's specs are compared by test_outputs_unchanged_fuzz.py (a file of its own, so that xdist runs both at once).
"""

from __future__ import annotations

import json
import sys

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import output_digests  # a script, not a package

LARGE = {"box", "digitalocean", "jira-platform", "openai"}
RECORDED = json.loads(output_digests.RECORD.read_text(encoding="utf-8"))
CASES = [case for case in output_digests.cases() if case.name not in LARGE and not case.name.startswith("fuzz-")]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_generated_files_and_printed_output_unchanged(case: output_digests.Case) -> None:
    if not case.spec.is_file():
        pytest.skip(f"corpus not found at {output_digests.CORPUS}")
    found = {case.name: output_digests.outputs(case)}
    assert output_digests.compare(RECORDED, found) == []


def test_diff_over_the_corpus_history_unchanged() -> None:
    if not (output_digests.CORPUS / "history").is_dir():
        pytest.skip("corpus history not found")
    assert output_digests.compare(RECORDED, {"diff": output_digests.diffs()}) == []
