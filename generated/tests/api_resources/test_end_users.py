"""Tests of `client.end_users` against a mock server of the API (`scripts/test` starts one).

Each method is called with its required arguments, with every argument, through `with_raw_response` and
through `with_streaming_response`, sync and async, each with strict and with lax response validation (the
`client` fixtures in tests/conftest.py); every result is checked against its declared type all the way down.
"""

from __future__ import annotations

import pytest

from conductor import AsyncConductor, Conductor
from conductor.types.end_user_delete_response import EndUserDeleteResponse
from tests.utils import assert_matches_type


class TestEndUsers:
    def test_method_delete(self, client: Conductor) -> None:
        end_user = client.end_users.delete(
            "end_usr_1234567abcdefg",
        )
        assert_matches_type(EndUserDeleteResponse, end_user, path=["response"])

    def test_raw_response_delete(self, client: Conductor) -> None:
        response = client.end_users.with_raw_response.delete(
            "end_usr_1234567abcdefg",
        )
        assert response.is_closed is True
        assert 200 <= response.status_code < 400
        assert response.http_request.method == "DELETE"
        assert response.request_id == response.headers.get("Conductor-Request-Id")
        end_user = response.parse()
        assert_matches_type(EndUserDeleteResponse, end_user, path=["response"])

    def test_streaming_response_delete(self, client: Conductor) -> None:
        with client.end_users.with_streaming_response.delete(
            "end_usr_1234567abcdefg",
        ) as response:
            assert not response.is_closed
            end_user = response.parse()
            assert_matches_type(EndUserDeleteResponse, end_user, path=["response"])

        assert response.is_closed

    def test_path_params_delete(self, client: Conductor) -> None:
        with pytest.raises(ValueError, match="Expected a non-empty value for `id`"):
            client.end_users.with_raw_response.delete(
                "",
            )


@pytest.mark.anyio
class TestAsyncEndUsers:
    async def test_method_delete(self, async_client: AsyncConductor) -> None:
        end_user = await async_client.end_users.delete(
            "end_usr_1234567abcdefg",
        )
        assert_matches_type(EndUserDeleteResponse, end_user, path=["response"])

    async def test_raw_response_delete(self, async_client: AsyncConductor) -> None:
        response = await async_client.end_users.with_raw_response.delete(
            "end_usr_1234567abcdefg",
        )
        assert response.is_closed is True
        assert 200 <= response.status_code < 400
        assert response.http_request.method == "DELETE"
        assert response.request_id == response.headers.get("Conductor-Request-Id")
        end_user = await response.parse()
        assert_matches_type(EndUserDeleteResponse, end_user, path=["response"])

    async def test_streaming_response_delete(self, async_client: AsyncConductor) -> None:
        async with async_client.end_users.with_streaming_response.delete(
            "end_usr_1234567abcdefg",
        ) as response:
            assert not response.is_closed
            end_user = await response.parse()
            assert_matches_type(EndUserDeleteResponse, end_user, path=["response"])

        assert response.is_closed

    async def test_path_params_delete(self, async_client: AsyncConductor) -> None:
        with pytest.raises(ValueError, match="Expected a non-empty value for `id`"):
            await async_client.end_users.with_raw_response.delete(
                "",
            )
