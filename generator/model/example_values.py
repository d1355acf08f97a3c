"""Example argument values for the docs and generated tests, built from the typed schema graph.

`$ref`s are the nodes they name (with a depth bound and a cycle guard), so a required nested object gets its
own required properties: the value type-checks against the request's TypedDicts.
"""

from __future__ import annotations

import functools
import math
import re
import re._parser as _sre_parse  # type: ignore[import-not-found]  # the regular expression parser (3.11+)
from collections.abc import Callable
from typing import Any

from generator.spec.nodes import MISSING, Example, Schema

MAX_DEPTH = 8
MAX_PATTERN_TEXT = 1_000  # a longer shortest match (nested repeats) is not worth showing
PLACEHOLDERS = {"string": "string", "integer": 0, "number": 0.0, "boolean": True}
STRING_FORMATS = {
    "date": "2024-01-31",
    "date-time": "2024-01-31T12:00:00Z",
    "uuid": "123e4567-e89b-12d3-a456-426614174000",
    "email": "user@example.com",
    "uri": "https://example.com",
    "url": "https://example.com",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",  # the documentation ranges of RFC 5737 and RFC 3849
    "ipv6": "2001:db8::1",
    "time": "12:00:00Z",
}
_UNIONS = ("oneOf", "anyOf")


def example_value(
    schema: Schema, depth: int = 0, seen: frozenset[Schema] = frozenset(), *, request: bool = True
) -> Any:
    """A JSON value that fits `schema`: its own example when it has one that fits, else one built from its type.

    Of a `oneOf`, the value matches exactly one member (tried in order, `null` and deprecated members last); of an
    `anyOf`, at least one; an object's `oneOf`/`anyOf` members (required-only ones too) are merged into it.
    A value for a `request` leaves out readOnly properties (their `required` applies to responses only).
    """
    schema = schema.resolved
    if not schema.is_mapping:
        return "string"
    # An object's own example may lack required keys or hold undeclared ones, which a TypedDict refuses:
    # objects are always built from their properties.
    types = schema.json_types
    type_ = next((t for t in types if t != "null"), "null" if types else None)
    is_object = type_ == "object" or schema.has("properties") or schema.has("allOf")
    given = _given_value(schema, is_object)
    if given is not MISSING:
        return given
    if schema in seen or depth > MAX_DEPTH:
        return {}
    seen = seen | {schema}
    unions = [k for k in _UNIONS if _members(schema, k)]
    shaping = _shaping_member(schema, bool(types or unions))
    if shaping is not None:
        return example_value(shaping, depth + 1, seen, request=request)
    if is_object or unions and _discriminator_property(schema) is not None:  # a discriminator: objects
        return _object_value(schema, depth, seen, request)
    if unions:
        return _union_value(schema, unions[0], depth, seen, request)
    return _typed_value(schema, type_, depth, seen, request)


def _given_value(schema: Schema, is_object: bool) -> Any:
    """The value the schema gives: its own example or default when it fits (some are of another type: a JSON
    text for an object), its const, or its first non-null enum value; MISSING when it gives none."""
    own = [value for value in (schema.example, schema.default) if value is not MISSING]
    own += list(schema.examples[:1]) if schema.examples is not None else []
    for value in own if not schema.has("const") else []:
        if _is_json(value) and not (is_object and isinstance(value, dict)) and matches(schema, value):
            return value
    if schema.has("const") and (_is_json(schema.const) or schema.const is None):
        return schema.const
    if schema.enum:
        return next((v for v in schema.enum if v is not None), schema.enum[0])
    return MISSING


def _shaping_member(schema: Schema, typed: bool) -> Schema | None:
    """Of `allOf: [{$ref: ...}]` or `allOf: [{$ref: ...}, {description: ...}]`, the usual ways to describe a $ref
    anew, the one member that shapes the value (the first, where none of them is an object); None for any
    other schema (one with a type, a union or properties of its own: `typed`)."""
    wrapped = schema.all_of
    if wrapped is None or typed or schema.has("properties"):
        return None
    shaping = [member for member in wrapped if not _annotation_only(member)]
    if len(shaping) == 1 or shaping and not _declares_object(schema):
        return shaping[0]
    return None


def _typed_value(schema: Schema, type_: str | None, depth: int, seen: frozenset[Schema], request: bool) -> Any:
    """A value of the schema's type (no example, union or object): a list of one item, a number, a string."""
    items = schema.items
    if type_ == "array" or type_ is None and items is not None and items.is_mapping:  # `items` without `type`
        if items is None or not items.is_mapping:
            return []
        item = example_value(items, depth + 1, seen, request=request)
        count = schema.bounds.min_items
        return [item] * (count if count is not None and 1 < count <= 16 else 1)
    if type_ in ("integer", "number"):
        return _number(schema, str(type_))
    if (
        type_ == "string"
        or type_ is None
        and any(schema.has(k) for k in ("pattern", "minLength", "maxLength", "format"))
    ):
        return _string(schema)
    if type_ == "null":
        return None
    return PLACEHOLDERS.get(str(type_), "string")


def parameter_example(own_example: Any, examples: dict[str, Example], schema: Schema) -> Any:
    """A value for a parameter: the Parameter Object's own `example` (or first of its `examples`) when it fits
    the schema, else one `example_value` builds from the schema (which may hold an example of its own)."""
    own = [own_example] if own_example is not MISSING else []
    for example in list(examples.values())[:1]:
        own += [example.value] if example.value is not MISSING else []
    for value in own:
        if _is_json(value) and matches(schema, value):
            return value
    return example_value(schema)


def _members(schema: Schema, keyword: str) -> tuple[Schema, ...]:
    """The members of a union keyword (`oneOf`, `anyOf`, `allOf`) as written, () when there are none."""
    return (schema.one_of if keyword == "oneOf" else schema.any_of if keyword == "anyOf" else schema.all_of) or ()


def _ranked_members(schema: Schema, keyword: str) -> list[Schema]:
    """The members of a `oneOf`/`anyOf` (as written: `$ref`s stay) in the order examples try them: `null` and
    deprecated ones last."""

    def rank(member: Schema) -> int:
        resolved = member.resolved
        return 2 if resolved.json_types == ("null",) else 1 if resolved.deprecated else 0

    return sorted(_members(schema, keyword), key=rank)  # stable: the spec's order within each rank


def _union_value(schema: Schema, keyword: str, depth: int, seen: frozenset[Schema], request: bool) -> Any:
    """The first member's value that `schema` accepts (for a `oneOf`: that no other member accepts too)."""
    first: Any = _NOTHING
    for member in _ranked_members(schema, keyword):
        value = example_value(member, depth + 1, seen, request=request)
        if first is _NOTHING:
            first = value
        if matches(schema, value):
            return value
    return "string" if first is _NOTHING else first


def _string(schema: Schema) -> str:
    """A string within the schema's pattern (when simple enough), format and length bounds."""
    if schema.pattern is not None:
        matched = from_pattern(schema.pattern)
        if matched is not None:
            return matched
    value = STRING_FORMATS.get(schema.format or "", "string")
    low, high = schema.bounds.min_length, schema.bounds.max_length
    if low is not None and len(value) < low:
        value += "x" * (low - len(value))
    if high is not None and len(value) > high:
        value = value[: max(high, 0)]
    return value


def _number(schema: Schema, type_: str) -> int | float:
    """The placeholder (0), moved into the schema's bounds and onto its multipleOf."""
    bounds = schema.bounds
    low, high = bounds.minimum, bounds.maximum
    low_open, high_open = bounds.exclusive_minimum is True, bounds.exclusive_maximum is True
    if _is_number(bounds.exclusive_minimum):  # 3.1: the bound itself
        low, low_open = bounds.exclusive_minimum, True
    if _is_number(bounds.exclusive_maximum):
        high, high_open = bounds.exclusive_maximum, True
    value: float = 0
    if low is not None and (value < low or value == low and low_open):
        value = low + 1 if low_open else low
    elif high is not None and (value > high or value == high and high_open):
        value = high - 1 if high_open else high
    multiple = bounds.multiple_of
    if multiple is not None and multiple > 0 and value % multiple:
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
        piece = _shortest_piece(str(op), arg)
        if piece is None:
            return None
        out.append(piece)
    return "".join(out)


def _shortest_piece(name: str, arg: Any) -> str | None:
    """The shortest text one parsed item of a pattern matches; None for one not handled (lookarounds,
    backreferences and the rest)."""
    if name == "LITERAL":
        return chr(arg)
    if name == "ANY":
        return "a"
    if name == "NOT_LITERAL":
        return "b" if arg == ord("a") else "a"
    if name == "IN":
        return _class_member(arg)
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        low, _high, sub = arg
        piece = _shortest(list(sub))
        return None if piece is None or low > 256 else piece * max(low, 0)
    if name == "SUBPATTERN":
        return _shortest(list(arg[-1]))
    if name == "BRANCH":
        return _shortest(list(arg[1][0]))
    return "" if name == "AT" else None  # anchors add nothing


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


def _object_value(schema: Schema, depth: int, seen: frozenset[Schema], request: bool) -> dict[str, Any]:
    """The required properties (allOf members merged) with their example values (undeclared ones too).

    A `oneOf`/`anyOf` of the object (or of an allOf part) is resolved by merging one member into it: the first
    (as `_ranked_members` orders them) whose merged value the union accepts, so a member that only lists required
    properties brings those in, and a `oneOf`'s value fits no other member.
    """
    chosen: list[tuple[Schema, Schema, str]] = []  # (union's part, member, discriminator value or "")
    done: set[tuple[Schema, str]] = set()
    for _ in range(_MAX_UNIONS):
        unions = [u for u in _gather([schema, *(m for _, m, _ in chosen)])[2] if u not in done]
        if not unions:
            break
        part, keyword = unions[0]
        done.add(unions[0])
        fallback: tuple[Schema, Schema, str] | None = None
        for member in _ranked_members(part, keyword):
            if not _may_be_object(member.resolved):
                continue
            pick = (part, member.resolved, _discriminator_value(part, member))
            if fallback is None:
                fallback = pick
            if _union_matches(part, keyword, _build_object(schema, [*chosen, pick], depth, seen, request)):
                fallback = pick
                break
        if fallback is not None:
            chosen.append(fallback)
    return _build_object(schema, chosen, depth, seen, request)


_MAX_UNIONS = 8  # unions resolved in one object (nested ones included)


def _union_matches(part: Schema, keyword: str, value: Any) -> bool:
    """Whether `value` fits the union `keyword` of `part` alone (none of part's other keywords)."""
    fits = [matches(member, value, 1) for member in _members(part, keyword)]
    return any(fits) if keyword == "anyOf" else sum(fits) == 1


def _build_object(
    schema: Schema, chosen: list[tuple[Schema, Schema, str]], depth: int, seen: frozenset[Schema], request: bool
) -> dict[str, Any]:
    properties, required, _ = _gather([schema, *(member for _, member, _ in chosen)])
    value = {
        # a required name the schema does not declare still needs its key: any value, as the schema allows
        name: (example_value(properties[name], depth + 1, seen, request=request) if name in properties else "string")
        for name in required
        if name not in properties or not (request and properties[name].resolved.read_only)
    }
    for part, _member, tag in chosen:  # a discriminator property without an enum or const of its own
        name = _discriminator_property(part)
        if tag and name is not None and (name in value or name in properties) and not _pinned(properties.get(name)):
            value[name] = tag
    nested = functools.partial(_nested_value, depth=depth, seen=seen, request=request)
    return _with_min_properties(schema, value, properties, request, nested)


def _nested_value(schema: Schema, depth: int, seen: frozenset[Schema], request: bool) -> Any:
    """The example value of a property one level deeper."""
    return example_value(schema, depth + 1, seen, request=request)


def _with_min_properties(
    schema: Schema,
    value: dict[str, Any],
    properties: dict[str, Schema],
    request: bool,
    nested: Callable[[Schema], Any],
) -> dict[str, Any]:
    """`value` grown to the schema's `minProperties`: optional properties first, then keys its
    `additionalProperties` allow (`{"key": "value"}` for a free-form object), so a mock accepts it. `nested`
    makes a property's value."""
    wanted = schema.bounds.min_properties
    if wanted is None or wanted is True or wanted is False or len(value) >= wanted:
        return value
    for name, prop in properties.items():
        if len(value) >= wanted:
            return value
        if name not in value and not (request and prop.resolved.read_only):
            value[name] = nested(prop)
    extra = schema.additional_properties
    if extra is not None and extra.boolean is False or schema.pattern_properties is not None:
        return value  # no free keys to add (a pattern's keys are not worth guessing)
    extra_schema = extra if extra is not None and extra.is_mapping else None
    number = 1
    while len(value) < wanted and number <= 64:
        key = "key" if number == 1 else f"key_{number}"
        if key not in value:
            value[key] = nested(extra_schema) if extra_schema else "value"
        number += 1
    return value


def _pinned(prop: Schema | None) -> bool:
    """Whether a property's schema fixes its values (an enum or const), which then win over a discriminator name."""
    return prop is not None and (prop.resolved.has("enum") or prop.resolved.has("const"))


def _gather(roots: list[Schema]) -> tuple[dict[str, Schema], list[str], list[tuple[Schema, str]]]:
    """Properties, required names and the `oneOf`/`anyOf` unions of schemas and their allOf parts, merged.

    Unlike the types' merge (`Schema.merged`, where a later allOf part's property wins), the first declaration
    of a property wins here, over the roots and then their parts breadth first: the roots are the object and the
    union members chosen for it, whose own properties come before those of their parts."""
    properties: dict[str, Schema] = {}
    required: list[str] = []
    unions: list[tuple[Schema, str]] = []
    parts = list(roots)
    visited = 0
    while parts and visited < 64:
        visited += 1
        part = parts.pop(0).resolved
        for name, prop in part.properties.items():
            properties.setdefault(name, prop)
        required += [r for r in part.required if r not in required]
        unions += [(part, k) for k in _UNIONS if _members(part, k)]
        parts += part.all_of or ()
    return properties, required, unions


_ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "example",
        "examples",
        "default",
        "deprecated",
        "readOnly",
        "writeOnly",
        "nullable",
        "externalDocs",
        "$comment",
    }
)


def _annotation_only(schema: Schema) -> bool:
    """Whether a schema (as written: a `$ref` is not) only describes (a description, an example), constraining no
    value."""
    return schema.is_mapping and all(k in _ANNOTATIONS or k.startswith("x-") for k in schema.keywords)


def _declares_object(schema: Schema, depth: int = 0) -> bool:
    """Whether a schema, or one of its allOf parts, says its value is an object."""
    schema = schema.resolved
    if not schema.is_mapping or depth > MAX_DEPTH:
        return False
    if "object" in schema.json_types or any(schema.has(k) for k in ("properties", "additionalProperties", "required")):
        return True
    return any(_declares_object(part, depth + 1) for part in schema.all_of or ())


def _may_be_object(schema: Schema) -> bool:
    types = schema.json_types if schema.is_mapping else ()
    return not types or "object" in types


def _discriminator_property(schema: Schema) -> str | None:
    return schema.discriminator.property_name if schema.discriminator is not None else None


def _discriminator_value(part: Schema, member: Schema) -> str:
    """The value of the union's discriminator that names `member` (as written): its mapping key, else its schema's
    name."""
    if part.discriminator is None or part.discriminator.property_name is None or member.ref_text is None:
        return ""
    for entry in part.discriminator.mapping:
        if entry.target is not None and entry.target.resolved is member.resolved:
            return entry.tag
    return member.ref_text.rsplit("/", 1)[-1]  # the implicit mapping: the schema's name


_NOTHING = object()


def matches(schema: Schema, value: Any, depth: int = 0) -> bool:
    """Whether `value` fits `schema`, for the keywords examples depend on: types (and 3.0's `nullable`), enum,
    const, required, properties, additionalProperties, items, sizes and bounds, pattern, allOf, anyOf, oneOf
    (exactly one member) and not. Anything else is taken as fitting."""
    if depth > MAX_DEPTH * 4:
        return True
    schema = schema.resolved
    if schema.boolean is False:
        return False
    if not schema.is_mapping:
        return True
    types = schema.json_types
    if types and not any(_has_type(value, t) for t in types):
        return False
    if value is None and schema.nullable:  # 3.0: null, whatever else the schema says
        return True
    return _value_matches(schema, value, depth) and _combinations_match(schema, value, depth)


def _value_matches(schema: Schema, value: Any, depth: int) -> bool:
    """enum, const, and the keywords of the value's own kind: an object's, an array's, a string's, a number's."""
    if schema.enum is not None and not any(_same(value, v) for v in schema.enum):
        return False
    if schema.has("const") and not _same(value, schema.const):
        return False
    if isinstance(value, dict):
        return _object_matches(schema, value, depth)
    if isinstance(value, list):
        return _array_matches(schema, value, depth)
    if isinstance(value, str):
        return _string_matches(schema, value)
    return not (_is_number(value) and not _in_bounds(schema, value))


def _array_matches(schema: Schema, value: list[Any], depth: int) -> bool:
    items = schema.items
    if (
        items is not None
        and (items.is_mapping or items.boolean is not None)
        and not all(matches(items, v, depth + 1) for v in value)
    ):
        return False
    return _within(len(value), schema.bounds.min_items, schema.bounds.max_items)


def _string_matches(schema: Schema, value: str) -> bool:
    if not _within(len(value), schema.bounds.min_length, schema.bounds.max_length):
        return False
    return not (schema.pattern is not None and not _search(schema.pattern, value))


def _combinations_match(schema: Schema, value: Any, depth: int) -> bool:
    """allOf (every member), anyOf (at least one), oneOf (exactly one) and not."""
    for keyword in ("allOf", "anyOf", "oneOf"):
        members = _members(schema, keyword)
        if not members:
            continue
        fits = [matches(m, value, depth + 1) for m in members]
        if (
            keyword == "allOf"
            and not all(fits)
            or keyword == "anyOf"
            and not any(fits)
            or keyword == "oneOf"
            and sum(fits) != 1
        ):
            return False
    return not (schema.not_ is not None and matches(schema.not_, value, depth + 1))


def _object_matches(schema: Schema, value: dict[str, Any], depth: int) -> bool:
    if any(r not in value for r in schema.required):
        return False
    properties = schema.properties
    extra = schema.additional_properties
    for name, item in value.items():
        if name in properties:
            if not matches(properties[name], item, depth + 1):
                return False
            continue
        if schema.has("patternProperties"):
            continue  # not checked
        if extra is not None and (
            extra.boolean is False and not extra.is_mapping or extra.is_mapping and not matches(extra, item, depth + 1)
        ):
            return False
    return _within(len(value), schema.bounds.min_properties, schema.bounds.max_properties)


def _has_type(value: Any, type_: str) -> bool:
    if type_ == "integer":
        return isinstance(value, int) and not isinstance(value, bool) or isinstance(value, float) and value.is_integer()
    return {
        "null": value is None,
        "boolean": isinstance(value, bool),
        "number": _is_number(value),
        "string": isinstance(value, str),
        "array": isinstance(value, list),
        "object": isinstance(value, dict),
    }.get(type_, True)


def _same(a: Any, b: Any) -> bool:
    """JSON equality: `True` is not `1`."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b or _is_number(a) and _is_number(b) and a == b


def _within(size: int, low: int | None, high: int | None) -> bool:
    return not (low is not None and size < low or high is not None and size > high)


def _in_bounds(schema: Schema, value: float) -> bool:
    bounds = schema.bounds
    low, high = bounds.minimum, bounds.maximum
    # 3.1: the exclusive bounds are numbers themselves; 3.0: flags on minimum and maximum
    low_open = bounds.exclusive_minimum if _is_number(bounds.exclusive_minimum) else None
    high_open = bounds.exclusive_maximum if _is_number(bounds.exclusive_maximum) else None
    if low is not None and (value < low or value == low and bounds.exclusive_minimum is True):
        return False
    if high is not None and (value > high or value == high and bounds.exclusive_maximum is True):
        return False
    return not (low_open is not None and value <= low_open or high_open is not None and value >= high_open)


def _search(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except (re.error, RecursionError, OverflowError):
        return True  # a pattern Python cannot read is not checked


def _is_json(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool, list, dict))
