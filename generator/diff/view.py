"""A schema as the comparison rules read it: `$ref`s followed, allOf merged (by the spec layer), JSON types
inferred where they are not written, and oneOf/anyOf members that are only `null` turned into nullability."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.spec.nodes import MISSING, Schema

_ALL_OF_DEPTH = 32  # allOf chains deeper than this add no types (they may include themselves)


@dataclass
class View:
    node: Schema  # the schema itself, never a `$ref`
    types: set[str]  # JSON types but `null`
    nullable: bool
    properties: Mapping[str, Schema] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    options: dict[str, list[Schema]] = field(default_factory=dict)  # oneOf / anyOf members, resolved


def view(schema: Schema) -> View:
    node = schema.resolved
    types, nullable = _declared(node)
    types = _with_all_of_types(node, types, False, 0)[0]
    merged = node.merged
    result = View(node, types, nullable)
    if merged is not None:
        result.properties, result.required = merged.properties, merged.required
    for keyword, members in (("oneOf", node.one_of), ("anyOf", node.any_of)):
        if members is not None:
            resolved = [m.resolved for m in members]
            nulls = [m for m in resolved if m.types == ("null",) and not m.type_is_list]
            result.nullable = result.nullable or bool(nulls)
            result.options[keyword] = [m for m in resolved if m not in nulls]
    return result


def _declared(node: Schema) -> tuple[set[str], bool]:
    """The JSON types a schema declares (an object when it has properties, an array when it has items), and
    whether it allows null (3.0's `nullable`, 3.1's `null` type, or `null` among its enum values)."""
    types = {t for t in node.types if t != "null"}
    nullable = node.allows_null or (node.enum is not None and None in node.enum)
    if not types:
        if node.has("properties") or node.has("additionalProperties"):
            types = {"object"}
        elif node.has("items"):
            types = {"array"}
    return types, nullable


def _with_all_of_types(node: Schema, types: set[str], has_properties: bool, depth: int) -> tuple[set[str], bool]:
    """Without declared types, the first allOf member's (depth first) give them; properties make an object."""
    has_properties = has_properties or bool(node.properties)
    if depth < _ALL_OF_DEPTH:
        for member in node.all_of or ():
            part = member.resolved
            if not types:
                types = types | _declared(part)[0]
            types, has_properties = _with_all_of_types(part, types, has_properties, depth + 1)
    if has_properties and not types:
        types = {"object"}
    return types, has_properties


def type_text(schema: View) -> str:
    """`integer (int64) | null`, `any`."""
    names = sorted(schema.types) or ["any"]
    fmt = schema.node.format
    text = " | ".join(f"{n} ({fmt})" if fmt is not None and n in ("string", "integer", "number") else n for n in names)
    return text + (" | null" if schema.nullable else "")


def widens(old: set[str], new: set[str]) -> bool:
    """Every value of the old types is a value of the new ones (an integer is a number)."""
    return all(t in new or (t == "integer" and "number" in new) for t in old)


def is_schema(schema: Schema | None) -> bool:
    """A schema to compare: an object or a boolean schema (not a value of another kind where one should be)."""
    return schema is not None and (schema.resolved.is_mapping or schema.resolved.boolean is not None)


def allowed_values(node: Schema) -> list[Any] | None:
    """`const`, or the enum's values but null (nullability is compared on its own)."""
    if node.const is not MISSING:
        return [node.const]
    return [v for v in node.enum if v is not None] if node.enum is not None else None


def written(value: Any) -> Any:
    """A keyword's value, None when it is not written."""
    return None if value is MISSING else value
