"""The media types of a request body or a response, by the name the comparison matches them on."""

from __future__ import annotations

from collections.abc import Mapping

from generator.spec.nodes import MediaType


def by_media_type(content: Mapping[str, MediaType] | None) -> dict[str, MediaType]:
    """`application/json; charset=utf-8` and `Application/JSON` are the same media type here."""
    return {name.split(";")[0].strip().lower(): media for name, media in (content or {}).items()}
