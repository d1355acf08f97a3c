"""Example argument values for the docs and generated tests, built with the spec at hand.

`$ref`s are followed (with a depth bound and a cycle guard), so a required nested object gets its own
required properties: the value type-checks against the request's TypedDicts.
"""

from __future__ import annotations

import math
import re
import re._parser as _sre_parse  # type: ignore[import-not-found]  # the regular expression parser (3.11+)
from collections.abc import Callable
from typing import Any

from generator.load import RefError, Spec, Target

MAX_DEPTH = 8
MAX_PATTERN_TEXT = 1_000  # a longer shortest match (nested repeats) is not worth showing
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
        item = example_value(spec, Target(items, target.file, f"{target.pointer}/items"), depth + 1, seen)
        count = schema.get("minItems")
        return [item] * (count if isinstance(count, int) and 1 < count <= 16 else 1)
    if type_ == "array":  # (handled above; kept for readers: arrays get minItems items)
        return []
    if type_ in ("integer", "number"):
        return _number(schema, str(type_))
    if type_ == "string" or type_ is None and any(k in schema for k in ("pattern", "minLength", "maxLength", "format")):
        return _string(schema)
    return PLACEHOLDERS.get(str(type_), "string")


def _string(schema: dict[str, Any]) -> str:
    """A string within the schema's pattern (when simple enough), format and length bounds."""
    pattern = schema.get("pattern")
    if isinstance(pattern, str):
        matched = from_pattern(pattern)
        if matched is not None:
            return matched
    value = STRING_FORMATS.get(str(schema.get("format")), "string")
    low, high = schema.get("minLength"), schema.get("maxLength")
    if isinstance(low, int) and len(value) < low:
        value += "x" * (low - len(value))
    if isinstance(high, int) and len(value) > high:
        value = value[: max(high, 0)]
    return value


def _number(schema: dict[str, Any], type_: str) -> int | float:
    """The placeholder (0), moved into the schema's bounds and onto its multipleOf."""
    low, high = schema.get("minimum"), schema.get("maximum")
    low_open, high_open = schema.get("exclusiveMinimum") is True, schema.get("exclusiveMaximum") is True
    if _is_number(schema.get("exclusiveMinimum")):  # 3.1: the bound itself
        low, low_open = schema["exclusiveMinimum"], True
    if _is_number(schema.get("exclusiveMaximum")):
        high, high_open = schema["exclusiveMaximum"], True
    value: float = 0
    if isinstance(low, (int, float)) and _is_number(low) and (value < low or value == low and low_open):
        value = low + 1 if low_open else low
    elif isinstance(high, (int, float)) and _is_number(high) and (value > high or value == high and high_open):
        value = high - 1 if high_open else high
    multiple = schema.get("multipleOf")
    if isinstance(multiple, (int, float)) and _is_number(multiple) and multiple > 0 and value % multiple:
        stepped = (value // multiple + 1) * multiple
        value = stepped if math.isfinite(stepped) else value
    if not math.isfinite(value):
        value = 0
    if type_ == "integer" or float(value).is_integer() and type_ != "number":
        return int(value)
    return float(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def from_pattern(pattern: str) -> str | None:
    """The shortest string of a simple regular expression (literals, classes, repeats, groups, anchors; the
    first branch of an alternation), checked against it; None for anything else."""
    try:
        parsed: list[tuple[Any, Any]] = list(_sre_parse.parse(pattern))
        text = _shortest(parsed)
    except (re.error, ValueError, TypeError, RecursionError, OverflowError):
        return None
    if text is None or len(text) > MAX_PATTERN_TEXT:
        return None
    return text if re.search(pattern, text) else None


def _shortest(items: list[tuple[Any, Any]]) -> str | None:
    out: list[str] = []
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "ANY":
            out.append("a")
        elif name == "NOT_LITERAL":
            out.append("b" if arg == ord("a") else "a")
        elif name == "IN":
            char = _class_member(arg)
            if char is None:
                return None
            out.append(char)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, _high, sub = arg
            piece = _shortest(list(sub))
            if piece is None or low > 256:
                return None
            out.append(piece * max(low, 0))
        elif name == "SUBPATTERN":
            piece = _shortest(list(arg[-1]))
            if piece is None:
                return None
            out.append(piece)
        elif name == "BRANCH":
            piece = _shortest(list(arg[1][0]))
            if piece is None:
                return None
            out.append(piece)
        elif name != "AT":  # anchors add nothing; lookarounds, backreferences and the rest are not handled
            return None
    return "".join(out)


def _class_member(items: list[tuple[Any, Any]]) -> str | None:
    """A character the class `[...]` allows: a lower-case letter, else a digit, else another common one."""
    negate = bool(items) and str(items[0][0]) == "NEGATE"
    members = items[1:] if negate else items
    for char in "abcxyz0123456789ABCXYZ_-. ":
        if _in_class(members, char) != negate:
            return char
    if not negate:  # a literal or range start the candidates missed
        for op, arg in members:
            if str(op) in ("LITERAL", "RANGE"):
                return chr(arg if str(op) == "LITERAL" else arg[0])
    return None


_CATEGORIES: dict[str, Callable[[str], bool]] = {
    "DIGIT": str.isdigit,
    "WORD": lambda c: c.isalnum() or c == "_",
    "SPACE": str.isspace,
}


def _in_class(items: list[tuple[Any, Any]], char: str) -> bool:
    for op, arg in items:
        name = str(op)
        if name == "LITERAL" and chr(arg) == char:
            return True
        if name == "RANGE" and arg[0] <= ord(char) <= arg[1]:
            return True
        if name == "CATEGORY":
            category = str(arg).removeprefix("CATEGORY_")
            negated = category.startswith("NOT_")
            kind = category.removeprefix("NOT_")
            if kind in _CATEGORIES and _CATEGORIES[kind](char) != negated:
                return True
    return False


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
