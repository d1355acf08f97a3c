"""Changes to a request body: added, removed, made required, its media types, and its schema."""

from __future__ import annotations

from generator.diff import schemas
from generator.diff.changes import Level
from generator.diff.comparison import Comparison, in_new, in_old
from generator.diff.media import by_media_type
from generator.diff.where import BodyKeywords, Where
from generator.model import ir
from generator.spec.nodes import RequestBody


def compare_body(c: Comparison, subject: str, old_op: ir.Operation, new_op: ir.Operation) -> None:
    old = _body(c.old.nodes(old_op).operation.request_body)
    new = _body(c.new.nodes(new_op).operation.request_body)
    if old is None and new is None:
        return
    if new is None:
        assert old is not None
        c.add(Level.BREAKING, subject, "request body removed", "body-removed", in_old(old.location))
        return
    if old is None:
        level, kind = (Level.BREAKING, "required") if new.required else (Level.MINOR, "optional")
        c.add(level, subject, f"new {kind} request body", "body-added", in_new(new.location))
        return
    if new.required and not old.required:
        c.add(Level.BREAKING, subject, "request body is now required", "body-made-required", in_new(new.location))
    old_media, new_media = by_media_type(old.content), by_media_type(new.content)
    for media in old_media.keys() - new_media.keys():
        c.add(
            Level.BREAKING,
            subject,
            f"request media type {media} removed",
            "body-media-type-removed",
            in_old(old_media[media].location),
        )
    for media in new_media.keys() - old_media.keys():
        c.add(
            Level.MINOR,
            subject,
            f"request media type {media} added",
            "body-media-type-added",
            in_new(new_media[media].location),
        )
    where = Where(subject, "body", "request", body=_keywords(old_op, new_op))
    for media in sorted(old_media.keys() & new_media.keys()):
        schemas.compare_schema(c, old_media[media].schema, new_media[media].schema, where)


def _body(body: RequestBody | None) -> RequestBody | None:
    """The request body, when one is written as an object."""
    return body if body is not None and body.is_mapping else None


def _keywords(old: ir.Operation, new: ir.Operation) -> BodyKeywords:
    """The body's properties the methods take as keywords (flattened into their signatures)."""
    names = {p.wire_name: p.name for p in (*old.parameters, *new.parameters) if p.location == "body"}
    return BodyKeywords(
        names,
        {p.wire_name: p for p in old.parameters if p.location == "body"},
        {p.wire_name: p for p in new.parameters if p.location == "body"},
    )
