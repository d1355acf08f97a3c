"""Example argument values for the docs and generated tests, built with the spec at hand.

`$ref`s are followed (with a depth bound and a cycle guard), so a required nested object gets its own
required properties: the value type-checks against the request's TypedDicts.
"""

from __future__ import annotations

from typing import Any

from generator.load import RefError, Spec, Target

MAX_DEPTH = 8
PLACEHOLDERS = {"string": "string", "integer": 0, "number": 0.0, "boolean": True}
STRING_FORMATS = {
    "date": "2024-01-31",
    "date-time": "2024-01-31T12:00:00Z",
    "uuid": "123e4567-e89b-12d3-a456-426614174000",
    "email": "user@example.com",
    "uri": "https://example.com",
}


def example_value(spec: Spec, target: Target, depth: int = 0, seen: frozenset[tuple[str, str]] = frozenset()) -> Any:
    """A JSON value that fits the schema at `target`: its own example when it has one, else one built from its type."""
    try:
        target = spec.follow(target.value, target.file, target.pointer)
    except RefError:
        return "string"
    schema = target.value
    if not isinstance(schema, dict):
        return "string"
    # An object's own example may lack required keys or hold undeclared ones, which a TypedDict refuses:
    # objects are always built from their properties.
    is_object = schema.get("type") == "object" or "properties" in schema or "allOf" in schema
    for key in ("example", "default", "const"):
        if key in schema and _is_json(schema[key]) and not (is_object and isinstance(schema[key], dict)):
            return schema[key]
    for key in ("examples", "enum"):
        values = schema.get(key)
        if isinstance(values, list) and values and _is_json(values[0]):
            return values[0]
    here = (str(target.file), target.pointer)
    if here in seen or depth > MAX_DEPTH:
        return {}
    seen = seen | {here}
    type_ = schema.get("type")
    if isinstance(type_, list):
        type_ = next((t for t in type_ if t != "null"), None)
    for keyword in ("oneOf", "anyOf", "allOf"):
        members = schema.get(keyword)
        if keyword != "allOf" and isinstance(members, list) and members and "properties" not in schema:
            return example_value(spec, Target(members[0], target.file, f"{target.pointer}/{keyword}/0"), depth + 1, seen)
    if type_ == "object" or "properties" in schema or "allOf" in schema:
        return _object_value(spec, target, depth, seen)
    if type_ == "array":
        items = schema.get("items")
        if not isinstance(items, dict):
            return []
        return [example_value(spec, Target(items, target.file, f"{target.pointer}/items"), depth + 1, seen)]
    if type_ == "string" and schema.get("format") in STRING_FORMATS:
        return STRING_FORMATS[str(schema["format"])]
    return PLACEHOLDERS.get(str(type_), "string")


def _object_value(spec: Spec, target: Target, depth: int, seen: frozenset[tuple[str, str]]) -> dict[str, Any]:
    """The required properties (allOf members merged) with their example values."""
    properties: dict[str, Target] = {}
    required: list[str] = []
    parts = [target]
    while parts:
        part = parts.pop(0)
        try:
            part = spec.follow(part.value, part.file, part.pointer)
        except RefError:
            continue
        schema = part.value if isinstance(part.value, dict) else {}
        own = schema.get("properties")
        for name, prop in (own or {}).items() if isinstance(own, dict) else ():
            properties.setdefault(name, Target(prop, part.file, f"{part.pointer}/properties/{_escape(name)}"))
        required += [r for r in schema.get("required") or [] if isinstance(r, str) and r not in required]
        members = schema.get("allOf")
        if isinstance(members, list) and len(parts) < 64:
            parts += [Target(m, part.file, f"{part.pointer}/allOf/{i}") for i, m in enumerate(members)]
    return {name: example_value(spec, properties[name], depth + 1, seen) for name in required if name in properties}


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _is_json(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool, list, dict))
