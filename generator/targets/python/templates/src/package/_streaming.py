"""Server-sent events: what operations whose response is `text/event-stream` return.

`Stream[T]` (and `AsyncStream[T]`) yields each event's `data` parsed as `T` as soon as the event has
arrived, not after the body ends. Events are read by the rules of the WHATWG HTML standard ("Server-sent
events", the `text/event-stream` interpretation); the one deliberate difference is that an event the body
ends in without its closing blank line is still delivered, where a browser would drop it. The client's
`max_response_size` bounds each event, not the stream: one that grows past it before it ends raises
`APIResponseTooLargeError`.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import httpx
from typing_extensions import Self

from ._exceptions import APIConnectionError, APIResponseTooLargeError, APITimeoutError
from ._limits import MAX_RESPONSE_SIZE

if TYPE_CHECKING:
    from ._base_client import BaseClient

__all__ = ["DONE", "AsyncStream", "SSEDecoder", "ServerSentEvent", "Stream"]

_T = TypeVar("_T")
DONE = "[DONE]"
"""The `data` of the event that ends a stream (sent by many APIs before they close it)."""
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class ServerSentEvent:
    """One event as received.

    `event` is its type ("message" unless the server named one); `data` its data lines joined with "\\n";
    `id` the last event id the stream has set (it carries over to later events, "" if none); `retry` the
    reconnection time in milliseconds this event asked for, if it did.
    """

    data: str
    event: str = "message"
    id: str = ""
    retry: int | None = None

    def json(self) -> Any:
        """`data` parsed as JSON."""
        return json.loads(self.data)


class SSEDecoder:
    """Reads a `text/event-stream` body incrementally: `feed` it bytes as they arrive, `flush` it at the end.

    Lines end in CR, LF or CR LF (also when a chunk ends between the CR and the LF); a UTF-8 byte order
    mark at the start is skipped; lines starting with ":" are comments; `field: value` loses one space
    after the colon; a line without a colon is a field with an empty value; unknown fields are ignored,
    as are an `id` containing NUL and a `retry` that is not all ASCII digits; a blank line ends an event,
    and an event without any `data` line is not delivered.

    `max_event_size` bounds the characters one event may take before its blank line (its data lines, and a
    line not yet ended): past it, `feed` raises `EventTooLarge` instead of buffering a body that never ends
    an event.
    """

    class EventTooLarge(Exception):
        """An event grew past `max_event_size` (its argument) before it ended."""

        def __str__(self) -> str:
            return f"more than {self.args[0]:,} characters arrived without ending an event"

    def __init__(self, max_event_size: int | None = None) -> None:
        self._max_event_size = max_event_size
        self._event_size = 0  # characters of the data lines buffered for the current event
        self._text = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""  # text after the last line break
        self._after_cr = (
            False  # the text so far ended with CR: a LF right after it ends no second line
        )
        self._at_start = True  # a byte order mark may still come
        self._data: list[str] = []
        self._event = ""
        self._last_id = ""
        self._retry: int | None = None

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """The events that `chunk` completes."""
        return self._read(self._text.decode(chunk))

    def flush(self) -> list[ServerSentEvent]:
        """At the end of the body: the events still buffered, including one without its closing blank line."""
        events = self._read(self._text.decode(b"", final=True))
        if self._pending:
            self._line(self._pending)
            self._pending = ""
        last = self._dispatch()
        return [*events, last] if last is not None else events

    def _read(self, text: str) -> list[ServerSentEvent]:
        if not text:
            return []
        if self._at_start:
            self._at_start = False
            text = text.removeprefix("\ufeff")
        if self._after_cr and text.startswith("\n"):
            text = text[1:]
        buffer = self._pending + text
        self._after_cr = buffer.endswith("\r")
        events: list[ServerSentEvent] = []
        start = 0
        for match in _LINE_BREAK.finditer(buffer):
            event = self._line(buffer[start : match.start()])
            if event is not None:
                events.append(event)
            start = match.end()
        self._pending = buffer[start:]
        limit = self._max_event_size
        if limit is not None and self._event_size + len(self._pending) > limit:
            raise SSEDecoder.EventTooLarge(limit)
        return events

    def _line(self, line: str) -> ServerSentEvent | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
            self._event_size += len(value) + 1
            if self._max_event_size is not None and self._event_size > self._max_event_size:
                raise SSEDecoder.EventTooLarge(self._max_event_size)
        elif name == "event":
            self._event = value
        elif name == "id" and "\0" not in value:
            self._last_id = value
        elif name == "retry" and value.isascii() and value.isdigit():
            self._retry = int(value)
        return None

    def _dispatch(self) -> ServerSentEvent | None:
        data, event, retry = self._data, self._event, self._retry
        self._data, self._event, self._retry = [], "", None
        self._event_size = 0
        if not data:
            return None
        return ServerSentEvent("\n".join(data), event or "message", self._last_id, retry)


class _StreamBase(Generic[_T]):
    response: httpx.Response
    """The HTTP response; its body is read as you iterate."""

    def __init__(self, *, item: type[_T], response: httpx.Response, client: BaseClient) -> None:
        self.response = response
        self._item = item
        self._client = client

    @property
    def request_id(self) -> str | None:
        """The request id the server sent with the response."""
        return self._client.request_id_of(self.response)

    def _parse(self, event: ServerSentEvent) -> _T:
        if self._item is ServerSentEvent:
            return cast(_T, event)
        return self._client.parse_event(event.data, self._item, self.response)

    def _decoder(self) -> SSEDecoder:
        """A decoder bounded by the request's `max_response_size`: it applies to each event of a stream."""
        return SSEDecoder(self.response.request.extensions.get(MAX_RESPONSE_SIZE))

    def _too_large(self, error: SSEDecoder.EventTooLarge) -> APIResponseTooLargeError:
        limit = self.response.request.extensions.get(MAX_RESPONSE_SIZE)
        return APIResponseTooLargeError(
            f"An event of the stream is larger than max_response_size ({limit:,} bytes): {error}. "
            "Raise max_response_size (for the client, or per call with client.with_options) to read it.",
            self.response,
        )

    def _broken(self, error: httpx.TransportError) -> APIConnectionError:
        """The error raised when the connection fails before the stream has ended."""
        request = self.response.request
        if isinstance(error, httpx.TimeoutException):
            failure: APIConnectionError = APITimeoutError(request)
        else:
            failure = APIConnectionError(
                request,
                f"The stream ended early: {error}" if str(error) else "The stream ended early.",
            )
        failure.request_id = self.request_id
        return failure


class Stream(_StreamBase[_T]):
    """The events of a `text/event-stream` response, each event's data parsed as `_T` when it arrives.

    `for item in stream:` ends with the body or at an event whose data is `[DONE]`. The connection is
    released when the iteration ends, when you `break` out of it, on `close()` and at the end of a `with`
    block. A connection that fails midway raises `APIConnectionError` (`APITimeoutError` on a timeout).
    """

    def __init__(self, *, item: type[_T], response: httpx.Response, client: BaseClient) -> None:
        super().__init__(item=item, response=response, client=client)
        self._events = self._decode()
        self._iterator: Iterator[_T] | None = None

    def __iter__(self) -> Iterator[_T]:
        # A new generator per loop: leaving the loop early (`break`) finalizes it, which closes the response.
        try:
            for event in self._events:
                if event.data == DONE:
                    return
                yield self._parse(event)
        finally:
            self.close()

    def __next__(self) -> _T:
        if self._iterator is None:
            self._iterator = iter(self)
        return next(self._iterator)

    def _decode(self) -> Generator[ServerSentEvent, None, None]:
        decoder = self._decoder()
        try:
            for chunk in self.response.iter_bytes():
                yield from decoder.feed(chunk)
        except httpx.TransportError as exc:
            raise self._broken(exc) from exc
        except SSEDecoder.EventTooLarge as exc:
            raise self._too_large(exc) from None
        yield from decoder.flush()

    def close(self) -> None:
        """Release the connection; iterating afterwards yields nothing more."""
        self.response.close()
        self._events.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncStream(_StreamBase[_T]):
    """The async twin of `Stream`: `async for item in stream:`, `await stream.close()`, `async with`.

    Breaking out of an `async for` releases the connection once the event loop has finalized the loop's
    iterator (at its next turn); `async with stream:` releases it at once.
    """

    def __init__(self, *, item: type[_T], response: httpx.Response, client: BaseClient) -> None:
        super().__init__(item=item, response=response, client=client)
        self._events = self._decode()
        self._iterator: AsyncIterator[_T] | None = None

    async def __aiter__(self) -> AsyncIterator[_T]:
        try:
            async for event in self._events:
                if event.data == DONE:
                    return
                yield self._parse(event)
        finally:
            await self.close()

    async def __anext__(self) -> _T:
        if self._iterator is None:
            self._iterator = self.__aiter__()
        return await self._iterator.__anext__()

    async def _decode(self) -> AsyncGenerator[ServerSentEvent, None]:
        decoder = self._decoder()
        try:
            async for chunk in self.response.aiter_bytes():
                for event in decoder.feed(chunk):
                    yield event
        except httpx.TransportError as exc:
            raise self._broken(exc) from exc
        except SSEDecoder.EventTooLarge as exc:
            raise self._too_large(exc) from None
        for event in decoder.flush():
            yield event

    async def close(self) -> None:
        """Release the connection; iterating afterwards yields nothing more."""
        await self.response.aclose()
        await self._events.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
