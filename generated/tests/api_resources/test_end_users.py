"""Calls every method of `client.end_users` against a mock server of the API.

Set TEST_API_BASE_URL to a mock server of the spec (for example Prism: `prism mock <spec>`); without it
these tests are skipped.
"""

from __future__ import annotations

import asyncio
import os

import pytest

from conductor import AsyncConductor, Conductor
from conductor.types.end_user_delete_response import EndUserDeleteResponse

BASE_URL = os.environ.get("TEST_API_BASE_URL", "")
pytestmark = pytest.mark.skipif(
    not BASE_URL, reason="set TEST_API_BASE_URL to a mock server of the API"
)


def test_end_users_delete() -> None:
    with Conductor(base_url=BASE_URL, max_retries=0, api_key="test-credential") as client:
        end_user = client.end_users.delete(
            "end_usr_1234567abcdefg",
        )
        assert isinstance(end_user, EndUserDeleteResponse)


def test_end_users_delete_async() -> None:
    async def main() -> None:
        async with AsyncConductor(
            base_url=BASE_URL, max_retries=0, api_key="test-credential"
        ) as client:
            end_user = await client.end_users.delete(
                "end_usr_1234567abcdefg",
            )
            assert isinstance(end_user, EndUserDeleteResponse)

    asyncio.run(main())
