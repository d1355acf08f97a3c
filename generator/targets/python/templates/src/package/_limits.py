"""Reading a response body within the client's limits: its size, counted as it is decoded, and the call's
total deadline (`total_timeout`)."""

from __future__ import annotations

import time

import httpx

from ._exceptions import APIResponseTooLargeError, APITimeoutError

__all__ = ["MAX_RESPONSE_SIZE", "aread_body", "read_body"]

# Request extension: the largest decoded body to read, in bytes (None: any size).
MAX_RESPONSE_SIZE = "sdk_max_response_size"


def read_body(response: httpx.Response, deadline: float | None = None) -> bytes:
    """The decoded body, read into `response.content`; too large a body (or a passed `deadline`, a
    `time.monotonic()` value) stops the reading after the piece that crossed it, and the response is closed.

    httpx decodes what each network read brings (64 KiB at most) in one piece: that piece is what a
    compressed body can inflate past the limit before it is refused.
    """
    try:
        return response.content
    except httpx.ResponseNotRead:
        pass
    chunks: list[bytes] = []
    size = 0
    try:
        limit = _limit_of(response)
        for chunk in response.iter_bytes():
            size += len(chunk)
            _check(response, size, limit, deadline)
            chunks.append(chunk)
    except BaseException:
        response.close()
        raise
    return _keep(response, chunks)


async def aread_body(response: httpx.Response, deadline: float | None = None) -> bytes:
    """`read_body` for an async response."""
    try:
        return response.content
    except httpx.ResponseNotRead:
        pass
    chunks: list[bytes] = []
    size = 0
    try:
        limit = _limit_of(response)
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            _check(response, size, limit, deadline)
            chunks.append(chunk)
    except BaseException:
        await response.aclose()
        raise
    return _keep(response, chunks)


def _limit_of(response: httpx.Response) -> int | None:
    """The request's size limit; a body that says up front that it is larger is refused unread."""
    limit: int | None = response.request.extensions.get(MAX_RESPONSE_SIZE)
    declared = response.headers.get("content-length", "")
    encoded = response.headers.get("content-encoding", "identity").lower() != "identity"
    if limit is not None and not encoded and declared.isdigit() and int(declared) > limit:
        raise _too_large(response, limit, f"it declares {int(declared):,} bytes")
    return limit


def _check(response: httpx.Response, size: int, limit: int | None, deadline: float | None) -> None:
    if limit is not None and size > limit:
        raise _too_large(response, limit, f"more than {limit:,} bytes arrived")
    if deadline is not None and time.monotonic() > deadline:
        raise APITimeoutError(
            response.request,
            "Request timed out: the call's total_timeout passed while reading the body.",
        )


def _too_large(response: httpx.Response, limit: int, why: str) -> APIResponseTooLargeError:
    return APIResponseTooLargeError(
        f"The response body is larger than max_response_size ({limit:,} bytes): {why}. "
        "Raise max_response_size (for the client, or per call with client.with_options) to read it.",
        response,
    )


def _keep(response: httpx.Response, chunks: list[bytes]) -> bytes:
    # What `httpx.Response.read()` does once it has the body: `.content`, `.text` and `.json()` read this.
    response._content = b"".join(chunks)
    return response._content
