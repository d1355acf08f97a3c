"""Changes to what a method returns: its return type, response statuses, headers, media types and schemas."""

from __future__ import annotations

import json

from generator.diff import schemas
from generator.diff.changes import Level
from generator.diff.comparison import Comparison, in_new, in_old
from generator.diff.media import by_media_type
from generator.diff.shape import shape
from generator.diff.where import Where
from generator.model import ir
from generator.spec.nodes import Location, Response
from generator.targets.python.types import annotation as python_annotation


def compare_responses(c: Comparison, subject: str, old_op: ir.Operation, new_op: ir.Operation) -> None:
    old_node, new_node = c.old.nodes(old_op).operation, c.new.nodes(new_op).operation
    old_codes, new_codes = old_node.responses or {}, new_node.responses or {}
    _compare_return_type(c, subject, old_op, new_op, new_node.location.child("responses"))
    for code in sorted(old_codes.keys() - new_codes.keys()):
        level = Level.BREAKING if code.startswith(("2", "3")) else Level.POSSIBLY_BREAKING
        c.add(
            level,
            subject,
            f"response status {code} removed",
            "response-status-removed",
            in_old(old_codes[code].location),
        )
    for code in sorted(new_codes.keys() - old_codes.keys()):
        level = Level.POSSIBLY_BREAKING if code.startswith("2") else Level.MINOR
        c.add(
            level, subject, f"response status {code} added", "response-status-added", in_new(new_codes[code].location)
        )
    for code in sorted(old_codes.keys() & new_codes.keys()):
        _compare_response(c, subject, code, old_codes[code], new_codes[code])


def _compare_return_type(c: Comparison, subject: str, old: ir.Operation, new: ir.Operation, at: Location) -> None:
    before, after = python_annotation(old.return_type), python_annotation(new.return_type)
    if before == after:
        return
    if _renamed_only(old, new):
        message = f"return type renamed `{before}` -> `{after}`" + _type_name_hint(c, old, new)
    else:
        message = f"returns `{after}` instead of `{before}`"
    c.add(Level.BREAKING, subject, message, "return-type-changed", in_new(at))


def _compare_response(c: Comparison, subject: str, code: str, old: Response, new: Response) -> None:
    if old.description != new.description:
        c.add(
            Level.PATCH,
            subject,
            f"response {code}: description changed (documentation only)",
            "response-doc-changed",
            in_new(new.location),
        )
    _compare_headers(c, subject, code, old, new)
    old_media, new_media = by_media_type(old.content), by_media_type(new.content)
    for media in sorted(old_media.keys() - new_media.keys()):
        c.add(
            Level.BREAKING,
            subject,
            f"response {code}: media type {media} removed",
            "response-media-type-removed",
            in_old(old_media[media].location),
        )
    for media in sorted(new_media.keys() - old_media.keys()):
        c.add(
            Level.MINOR,
            subject,
            f"response {code}: media type {media} added",
            "response-media-type-added",
            in_new(new_media[media].location),
        )
    label = "response" if code.startswith("2") else f"error response {code}"
    where = Where(subject, "response", "response", label)
    for media in sorted(old_media.keys() & new_media.keys()):
        schemas.compare_schema(c, old_media[media].schema, new_media[media].schema, where)


def _compare_headers(c: Comparison, subject: str, code: str, old: Response, new: Response) -> None:
    old_headers = {name.lower() for name in old.headers}
    new_headers = {name.lower() for name in new.headers}
    for name in sorted(old_headers - new_headers):
        c.add(
            Level.POSSIBLY_BREAKING,
            subject,
            f"response {code}: header {name} removed",
            "response-header-removed",
            in_old(old.location),
        )
    for name in sorted(new_headers - old_headers):
        c.add(
            Level.MINOR, subject, f"response {code}: header {name} added", "response-header-added", in_new(new.location)
        )


def _renamed_only(old: ir.Operation, new: ir.Operation) -> bool:
    """The response model kept its shape but got a new name (what the import of it breaks)."""
    old_models, new_models = old.return_type.models, new.return_type.models
    return bool(old_models and new_models) and len(old_models) == len(new_models)


def _type_name_hint(c: Comparison, old: ir.Operation, new: ir.Operation) -> str:
    """For a response model renamed with its shape unchanged: the `type_names` line keeping the old name."""
    if len(old.return_type.models) != 1 or len(new.return_type.models) != 1:
        return ""
    (old_name,), (new_name,) = old.return_type.models, new.return_type.models
    old_model = next((m for m in c.old.api.models if m.name == old_name), None)
    new_model = next((m for m in c.new.api.models if m.name == new_name), None)
    if old_model is None or new_model is None:
        return ""
    new_file, _, new_pointer = new_model.source.partition("#")
    if new_file != str(c.new.spec.entry):  # `type_names` points into the entry document
        return ""
    old_schema, new_schema = c.old.schema_of(old_model), c.new.schema_of(new_model)
    if old_schema is None or new_schema is None or shape(old_schema) != shape(new_schema):
        return ""
    line = f"{json.dumps('#' + new_pointer)}: {old_name}"
    return f"; the same shape: `type_names: {{{line}}}` in the config keeps the name `{old_name}`"
