"""`client.end_users`."""

from __future__ import annotations

from .._resource import AsyncAPIResource, SyncAPIResource
from .._types import NOT_GIVEN, Body, Headers, NotGiven, Query, Timeout
from ..types.end_user_delete_response import EndUserDeleteResponse

__all__ = ["AsyncEndUsersResource", "EndUsersResource"]


class EndUsersResource(SyncAPIResource):
    """`client.end_users`: 1 operation."""

    def delete(
        self,
        id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> EndUserDeleteResponse:
        """
        Delete an end-user

        Permanently deletes an end-user object and all of its connections.

        Args:
          id: The ID of the end-user to delete.

          extra_headers: Send extra headers

          extra_query: Add additional query parameters to the request

          extra_body: Add additional JSON properties to the request

          timeout: Override the client-level default timeout for this request, in seconds
        """
        return self._client.request(
            "DELETE",
            "/end-users/{id}",
            path_params={"id": id},
            security=("api_key",),
            cast_to=EndUserDeleteResponse,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )


class AsyncEndUsersResource(AsyncAPIResource):
    """`client.end_users`: 1 operation."""

    async def delete(
        self,
        id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> EndUserDeleteResponse:
        """
        Delete an end-user

        Permanently deletes an end-user object and all of its connections.

        Args:
          id: The ID of the end-user to delete.

          extra_headers: Send extra headers

          extra_query: Add additional query parameters to the request

          extra_body: Add additional JSON properties to the request

          timeout: Override the client-level default timeout for this request, in seconds
        """
        return await self._client.request(
            "DELETE",
            "/end-users/{id}",
            path_params={"id": id},
            security=("api_key",),
            cast_to=EndUserDeleteResponse,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )
