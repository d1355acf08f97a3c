"""Types shared by the client and every resource method."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import IO, Any

import httpx
from typing_extensions import TypedDict

__all__ = [
    "NOT_GIVEN",
    "Body",
    "FileContent",
    "FileTypes",
    "Headers",
    "NotGiven",
    "Query",
    "RequestOptions",
    "Timeout",
    "type_of",
]


class NotGiven:
    """Marks an argument the caller left out: it is not sent at all (an explicit `None` is sent as null)."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()

Headers = Mapping[str, str]
Query = Mapping[str, object]
Body = Mapping[str, object]
Timeout = float | httpx.Timeout | None

# What a file argument may be: its bytes, an open binary file, a path, or (file name, content[, content type]).
FileContent = bytes | IO[bytes] | os.PathLike[str]
FileTypes = (
    FileContent | tuple[str | None, FileContent] | tuple[str | None, FileContent, str | None]
)


class RequestOptions(TypedDict, total=False):
    """`options` of `client.get(...)`, `client.post(...)` and the other requests to undocumented paths."""

    headers: Headers  # sent on top of the client's default headers
    params: Query  # query parameters
    extra_json: Body  # fields merged into the JSON body
    timeout: Timeout  # instead of the client's


def type_of(annotation: object) -> type[Any]:
    """Pass a typing form (a union, a Literal, an alias) where the runtime expects a type to parse into."""
    return annotation  # type: ignore[return-value]
