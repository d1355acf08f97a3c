"""The clients the generated tests call: both of a mock server of the API, each test once with strict
and once with lax response validation.

`scripts/test` starts the mock (Prism, serving openapi/ of this repository on 127.0.0.1) and sets
TEST_API_BASE_URL; without a mock server the tests that need one are skipped, with the reason.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import pytest

from conductor import AsyncConductor, Conductor

BASE_URL = os.environ.get("TEST_API_BASE_URL", "")
NO_MOCK = (
    "no mock server of the API: run scripts/test (it starts one; needs Node.js)"
    " or set TEST_API_BASE_URL"
)


def _base_url() -> str:
    if not BASE_URL:
        pytest.skip(NO_MOCK)
    return BASE_URL


@pytest.fixture(params=[True, False], ids=["strict", "lax"])
def client(request: pytest.FixtureRequest) -> Iterator[Conductor]:
    with Conductor(
        base_url=_base_url(),
        max_retries=0,
        strict_response_validation=request.param,
        api_key="test-credential",
    ) as client:
        yield client


@pytest.fixture(params=[True, False], ids=["strict", "lax"])
async def async_client(request: pytest.FixtureRequest) -> AsyncIterator[AsyncConductor]:
    async with AsyncConductor(
        base_url=_base_url(),
        max_retries=0,
        strict_response_validation=request.param,
        api_key="test-credential",
    ) as client:
        yield client
