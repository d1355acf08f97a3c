"""The fuzz profile's specs (tests/golden/fuzz/) still generate what the record says: see test_outputs_unchanged.py."""

from __future__ import annotations

import pytest

from tests.commands.test_outputs_unchanged import RECORDED, output_digests

FUZZ_CASES = [case for case in output_digests.cases() if case.name.startswith("fuzz-")]


@pytest.mark.parametrize("case", FUZZ_CASES, ids=lambda case: case.name)
def test_fuzz_spec_outputs_unchanged(case: output_digests.Case) -> None:
    assert output_digests.compare(RECORDED, {case.name: output_digests.outputs(case)}) == []
