"""Raw and streamed responses: `client.<resource>.with_raw_response.<method>(...)` and friends."""

from __future__ import annotations

import functools
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, TypeVar, cast

import httpx

from ._limits import aread_body, read_body
from ._utils import shown_url

if TYPE_CHECKING:
    from ._base_client import BaseClient

__all__ = [
    "RESPONSE_MODE_HEADER",
    "APIResponse",
    "AsyncAPIResponse",
    "AsyncResponseContextManager",
    "ResponseContextManager",
    "async_to_raw_response_wrapper",
    "async_to_streamed_response_wrapper",
    "to_raw_response_wrapper",
    "to_streamed_response_wrapper",
]

# Set by the wrappers below and removed by the client before sending: how to return the response.
RESPONSE_MODE_HEADER = "X-SDK-Response-Mode"

_P = ParamSpec("_P")
_R = TypeVar("_R")


class _BaseResponse(Generic[_R]):
    def __init__(
        self, *, response: httpx.Response, client: BaseClient, cast_to: type[_R], retries_taken: int
    ) -> None:
        self.http_response = response
        self.retries_taken = retries_taken
        self._client = client
        self._cast_to = cast_to
        self._post_parse: Callable[[Any], Any] | None = (
            None  # a list call turns its body into a page
        )
        self._stream_cls: object = (
            None  # a streamed call: `.parse()` gives this (`Stream[T]`) over the body
        )

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def http_request(self) -> httpx.Request:
        return self.http_response.request

    @property
    def url(self) -> httpx.URL:
        return self.http_response.url

    @property
    def method(self) -> str:
        return self.http_request.method

    @property
    def is_closed(self) -> bool:
        """True once the body is read and the connection released: straight after a raw call, and after the
        `with_streaming_response` block (inside it, the body is still to be read)."""
        return self.http_response.is_closed

    @property
    def elapsed(self) -> timedelta:
        """Time from sending the request to the end of the response (available once the body is read)."""
        return self.http_response.elapsed

    @property
    def request_id(self) -> str | None:
        return self._client.request_id_of(self.http_response)

    def __repr__(self) -> str:
        # The URL without the credentials sent in its query; `.url` keeps the real one.
        return f"<{type(self).__name__} [{self.status_code}] {self.method} {shown_url(self.http_request)}>"


class APIResponse(_BaseResponse[_R]):
    """The HTTP response of a call, with `.parse()` for the typed result."""

    def parse(self) -> _R:
        if (
            self._stream_cls is not None
        ):  # the events, read as they arrive (already read for a raw response)
            return cast(_R, self._client.make_stream(self._stream_cls, self.http_response))
        self.read()
        parsed = self._client.parse_response(self.http_response, self._cast_to)
        return cast(_R, self._post_parse(parsed)) if self._post_parse else parsed

    def read(self) -> bytes:
        return read_body(self.http_response)  # within the client's max_response_size

    def text(self) -> str:
        self.read()
        return self.http_response.text

    def json(self) -> object:
        self.read()
        return self.http_response.json()

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        return self.http_response.iter_bytes(chunk_size)

    def iter_text(self, chunk_size: int | None = None) -> Iterator[str]:
        return self.http_response.iter_text(chunk_size)

    def iter_lines(self) -> Iterator[str]:
        return self.http_response.iter_lines()

    def write_to_file(self, file: str | os.PathLike[str]) -> None:
        """Stream the body into `file` without holding it all in memory."""
        with open(file, "wb") as handle:
            handle.writelines(self.http_response.iter_bytes())

    def close(self) -> None:
        self.http_response.close()


class AsyncAPIResponse(_BaseResponse[_R]):
    """The HTTP response of an async call, with `await .parse()` for the typed result."""

    async def parse(self) -> _R:
        if (
            self._stream_cls is not None
        ):  # the events, read as they arrive (already read for a raw response)
            return cast(_R, self._client.make_stream(self._stream_cls, self.http_response))
        await self.read()
        parsed = self._client.parse_response(self.http_response, self._cast_to)
        return cast(_R, self._post_parse(parsed)) if self._post_parse else parsed

    async def read(self) -> bytes:
        return await aread_body(self.http_response)  # within the client's max_response_size

    async def text(self) -> str:
        await self.read()
        return self.http_response.text

    async def json(self) -> object:
        await self.read()
        return self.http_response.json()

    def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        return self.http_response.aiter_bytes(chunk_size)

    def iter_text(self, chunk_size: int | None = None) -> AsyncIterator[str]:
        return self.http_response.aiter_text(chunk_size)

    def iter_lines(self) -> AsyncIterator[str]:
        return self.http_response.aiter_lines()

    async def write_to_file(self, file: str | os.PathLike[str]) -> None:
        """Stream the body into `file` without holding it all in memory."""
        # Opening a local file does not block long enough to matter next to the network reads.
        with open(file, "wb") as handle:  # noqa: ASYNC230
            async for chunk in self.http_response.aiter_bytes():
                handle.write(chunk)

    async def close(self) -> None:
        await self.http_response.aclose()


class ResponseContextManager(Generic[_R]):
    """`with ...with_streaming_response.method(...) as response:` sends on entry and closes on exit."""

    def __init__(self, send: Callable[[], APIResponse[_R]]) -> None:
        self._send = send
        self._response: APIResponse[_R] | None = None

    def __enter__(self) -> APIResponse[_R]:
        self._response = self._send()
        return self._response

    def __exit__(self, *exc_info: object) -> None:
        if self._response is not None:
            self._response.close()


class AsyncResponseContextManager(Generic[_R]):
    """`async with ...with_streaming_response.method(...) as response:`."""

    def __init__(self, send: Callable[[], Awaitable[AsyncAPIResponse[_R]]]) -> None:
        self._send = send
        self._response: AsyncAPIResponse[_R] | None = None

    async def __aenter__(self) -> AsyncAPIResponse[_R]:
        self._response = await self._send()
        return self._response

    async def __aexit__(self, *exc_info: object) -> None:
        if self._response is not None:
            await self._response.close()


def _with_mode(kwargs: dict[str, Any], mode: str) -> dict[str, Any]:
    return {
        **kwargs,
        "extra_headers": {**(kwargs.get("extra_headers") or {}), RESPONSE_MODE_HEADER: mode},
    }


def to_raw_response_wrapper(method: Callable[_P, _R]) -> Callable[_P, APIResponse[_R]]:
    @functools.wraps(method)
    def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> APIResponse[_R]:
        return cast(APIResponse[_R], method(*args, **_with_mode(kwargs, "raw")))

    return wrapped


def async_to_raw_response_wrapper(
    method: Callable[_P, Awaitable[_R]],
) -> Callable[_P, Awaitable[AsyncAPIResponse[_R]]]:
    @functools.wraps(method)
    async def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> AsyncAPIResponse[_R]:
        return cast(AsyncAPIResponse[_R], await method(*args, **_with_mode(kwargs, "raw")))

    return wrapped


def to_streamed_response_wrapper(
    method: Callable[_P, _R],
) -> Callable[_P, ResponseContextManager[_R]]:
    @functools.wraps(method)
    def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> ResponseContextManager[_R]:
        return ResponseContextManager(
            lambda: cast(APIResponse[_R], method(*args, **_with_mode(kwargs, "stream")))
        )

    return wrapped


def async_to_streamed_response_wrapper(
    method: Callable[_P, Awaitable[_R]],
) -> Callable[_P, AsyncResponseContextManager[_R]]:
    @functools.wraps(method)
    def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> AsyncResponseContextManager[_R]:
        async def send() -> AsyncAPIResponse[_R]:
            return cast(AsyncAPIResponse[_R], await method(*args, **_with_mode(kwargs, "stream")))

        return AsyncResponseContextManager(send)

    return wrapped
