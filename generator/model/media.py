"""Media types: which of an operation's offered ones the client sends or asks for, and how it encodes them."""

from __future__ import annotations

import re

from generator.model.ir import BodyKind
from generator.spec.nodes import MediaType

EVENT_STREAM = "text/event-stream"
# One concrete media type, optionally with parameters: what a part's Content-Type header may carry. A
# wildcard or a list ("image/png, image/jpeg") leaves the choice to the caller's file.
_PART_TYPE = re.compile(
    r"[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+(?:; ?[A-Za-z0-9!#$&^_.+-]+=[A-Za-z0-9!#$&^_.+-]+)*"
)


def is_event_stream(media_type: str) -> bool:
    return media_type.split(";", 1)[0].strip().lower() == EVENT_STREAM


def is_json(media_type: str) -> bool:
    base = media_type.split(";", 1)[0].strip().lower()
    return base == "application/json" or base.endswith("+json") or base == "*/*"


def preferred_media_type(media_types: list[str]) -> str:
    """JSON first, then a multipart form, then a URL-encoded form, else the first offered."""
    for predicate in (is_json, lambda m: m.startswith("multipart/"), lambda m: m.startswith("application/x-www")):
        for media_type in media_types:
            if predicate(media_type):
                return media_type
    return media_types[0]


def body_kind(media_type: str) -> BodyKind:
    if is_json(media_type):
        return "json"
    if media_type.startswith("multipart/"):
        return "multipart"
    if media_type.startswith("application/x-www-form-urlencoded"):
        return "form"
    return "raw"


def part_types(media: MediaType) -> tuple[tuple[str, str], ...]:
    """The content types a multipart body's `encoding` declares for its parts, by part name."""
    found = [
        (name, encoding.content_type)
        for name, encoding in media.encoding.items()
        if encoding.content_type is not None and _PART_TYPE.fullmatch(encoding.content_type)
    ]
    return tuple(sorted(found))
