"""`client.end_users`."""

from __future__ import annotations

from functools import cached_property

from .._resource import AsyncAPIResource, SyncAPIResource
from .._response import (
    async_to_raw_response_wrapper,
    async_to_streamed_response_wrapper,
    to_raw_response_wrapper,
    to_streamed_response_wrapper,
)
from .._types import NOT_GIVEN, Body, Headers, NotGiven, Query, Timeout
from ..types.end_user_delete_response import EndUserDeleteResponse

__all__ = ["AsyncEndUsersResource", "EndUsersResource"]


class EndUsersResource(SyncAPIResource):
    """`client.end_users`: 1 operation."""

    @cached_property
    def with_raw_response(self) -> EndUsersResourceWithRawResponse:
        """Each method returning the raw response (headers, status, `.parse()`) instead of the parsed body."""
        return EndUsersResourceWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> EndUsersResourceWithStreamingResponse:
        """Each method as a context manager over the response, whose body is streamed, not read."""
        return EndUsersResourceWithStreamingResponse(self)

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

    @cached_property
    def with_raw_response(self) -> AsyncEndUsersResourceWithRawResponse:
        """Each method returning the raw response (headers, status, `.parse()`) instead of the parsed body."""
        return AsyncEndUsersResourceWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncEndUsersResourceWithStreamingResponse:
        """Each method as a context manager over the response, whose body is streamed, not read."""
        return AsyncEndUsersResourceWithStreamingResponse(self)

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


class EndUsersResourceWithRawResponse:
    def __init__(self, resource: EndUsersResource) -> None:
        self._resource = resource
        self.delete = to_raw_response_wrapper(resource.delete)


class EndUsersResourceWithStreamingResponse:
    def __init__(self, resource: EndUsersResource) -> None:
        self._resource = resource
        self.delete = to_streamed_response_wrapper(resource.delete)


class AsyncEndUsersResourceWithRawResponse:
    def __init__(self, resource: AsyncEndUsersResource) -> None:
        self._resource = resource
        self.delete = async_to_raw_response_wrapper(resource.delete)


class AsyncEndUsersResourceWithStreamingResponse:
    def __init__(self, resource: AsyncEndUsersResource) -> None:
        self._resource = resource
        self.delete = async_to_streamed_response_wrapper(resource.delete)
