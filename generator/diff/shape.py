"""A schema's shape as one comparable text: what it accepts, without its documentation, `$ref`s followed (to a
bounded depth). Two parameters with the same shape carry the same thing; a renamed model with its old shape
kept is only a rename."""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

from generator.spec.nodes import MISSING, NO_BOUNDS, Schema

_DEPTH = 8  # below this the shape is cut: deeper differences do not tell a rename from a change


def shape(schema: Schema | None) -> str:
    return json.dumps(_shape(schema, 0), sort_keys=True, default=str)


def _shape(schema: Schema | None, depth: int) -> Any:
    if schema is None:
        return None
    if depth > _DEPTH:
        return "..."
    if schema.ref is not None:
        return _shape(schema.ref, depth + 1)
    if not schema.is_mapping:
        return schema.boolean
    return {key: value for key, value in _keywords(schema, depth + 1).items() if value not in (None, MISSING, (), {})}


def _keywords(schema: Schema, depth: int) -> dict[str, Any]:
    def members(parts: tuple[Schema, ...] | None) -> list[Any] | None:
        return None if parts is None else [_shape(part, depth + 1) for part in parts]

    discriminator = schema.discriminator
    return {
        "type": list(schema.types) if schema.type_is_list else schema.types[:1] and schema.types[0],
        "nullable": schema.nullable,
        "format": schema.format,
        "pattern": schema.pattern,
        "const": schema.const,
        "enum": schema.enum,
        "default": schema.default,
        "example": schema.example,
        "examples": schema.examples,
        "deprecated": schema.deprecated,
        "readOnly": schema.read_only,
        "writeOnly": schema.write_only,
        "bounds": {f.name: getattr(schema.bounds, f.name) for f in fields(NO_BOUNDS)},
        "properties": {name: _shape(prop, depth + 1) for name, prop in schema.properties.items()},
        "required": schema.required,
        "items": _shape(schema.items, depth),
        "additionalProperties": _shape(schema.additional_properties, depth),
        "not": _shape(schema.not_, depth),
        "allOf": members(schema.all_of),
        "oneOf": members(schema.one_of),
        "anyOf": members(schema.any_of),
        "discriminator": discriminator
        and [discriminator.property_name, [[e.tag, e.ref] for e in discriminator.mapping]],
        "extensions": schema.extensions,
    }
