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

from generator.spec.load import Spec
from generator.spec.refs import RefError, Target

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


def example_value(
    spec: Spec, target: Target, depth: int = 0, seen: frozenset[tuple[str, str]] = frozenset(), *, request: bool = True
) -> Any:
    """A JSON value that fits the schema at `target`: its own example when it has one that fits, else one built
    from its type.

    Of a `oneOf`, the value matches exactly one member (tried in order, `null` and deprecated members last); of an
    `anyOf`, at least one; an object's `oneOf`/`anyOf` members (required-only ones too) are merged into it.
    A value for a `request` leaves out readOnly properties (their `required` applies to responses only).
    """
    try:
        target = spec.follow(target.value, target.file, target.pointer)
    except RefError:
        return "string"
    schema = target.value
    if not isinstance(schema, dict):
        return "string"
    # An object's own example may lack required keys or hold undeclared ones, which a TypedDict refuses:
    # objects are always built from their properties.
    types = _types(schema)
    type_ = next((t for t in types if t != "null"), "null" if types else None)
    is_object = type_ == "object" or "properties" in schema or "allOf" in schema
    # The schema's own example is used only when it fits (some are of another type: a JSON text for an object).
    examples = schema.get("examples")
    own = [schema[key] for key in ("example", "default") if key in schema]
    own += examples[:1] if isinstance(examples, list) else []
    for value in own if "const" not in schema else []:
        if _is_json(value) and not (is_object and isinstance(value, dict)) and matches(spec, target, value):
            return value
    if "const" in schema and (_is_json(schema["const"]) or schema["const"] is None):
        return schema["const"]
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        return next((v for v in enum if v is not None), enum[0])
    here = (str(target.file), target.pointer)
    if here in seen or depth > MAX_DEPTH:
        return {}
    seen = seen | {here}
    unions = [k for k in ("oneOf", "anyOf") if isinstance(schema.get(k), list) and schema[k]]
    wrapped = schema.get("allOf")
    if isinstance(wrapped, list) and not types and not unions and "properties" not in schema:
        # `allOf: [{$ref: ...}]` or `allOf: [{$ref: ...}, {description: ...}]`, the usual ways to describe a $ref
        # anew: the value of the one member that shapes it (of the first, where none of them is an object)
        shaping = [i for i, member in enumerate(wrapped) if not _annotation_only(member)]
        if len(shaping) == 1 or shaping and not _declares_object(spec, target):
            member = Target(wrapped[shaping[0]], target.file, f"{target.pointer}/allOf/{shaping[0]}")
            return example_value(spec, member, depth + 1, seen, request=request)
    if is_object or unions and _discriminator_property(schema) is not None:  # a discriminator: objects
        return _object_value(spec, target, depth, seen, request)
    if unions:
        return _union_value(spec, target, unions[0], depth, seen, request)
    if type_ == "array" or type_ is None and isinstance(schema.get("items"), dict):  # `items` without `type`
        items = schema.get("items")
        if not isinstance(items, dict):
            return []
        item = example_value(
            spec, Target(items, target.file, f"{target.pointer}/items"), depth + 1, seen, request=request
        )
        count = schema.get("minItems")
        return [item] * (count if isinstance(count, int) and 1 < count <= 16 else 1)
    if type_ in ("integer", "number"):
        return _number(schema, str(type_))
    if type_ == "string" or type_ is None and any(k in schema for k in ("pattern", "minLength", "maxLength", "format")):
        return _string(schema)
    if type_ == "null":
        return None
    return PLACEHOLDERS.get(str(type_), "string")


def parameter_example(spec: Spec, parameter: Target, schema: Target) -> Any:
    """A value for a parameter: the Parameter Object's own `example` (or first of its `examples`) when it fits
    the schema, else one `example_value` builds from the schema (which may hold an example of its own)."""
    data = parameter.value if isinstance(parameter.value, dict) else {}
    own = [data["example"]] if "example" in data else []
    examples = data.get("examples")
    if isinstance(examples, dict):
        for key, raw in list(examples.items())[:1]:
            try:
                found = spec.follow(raw, parameter.file, f"{parameter.pointer}/examples/{_escape(str(key))}").value
            except RefError:
                continue
            own += [found["value"]] if isinstance(found, dict) and "value" in found else []
    for value in own:
        if _is_json(value) and matches(spec, schema, value):
            return value
    return example_value(spec, schema)


def _types(schema: dict[str, Any]) -> list[str]:
    """The JSON types a schema declares (3.0's `nullable` adds null); empty when it declares none."""
    type_ = schema.get("type")
    types = (
        [t for t in type_ if isinstance(t, str)]
        if isinstance(type_, list)
        else [type_] if isinstance(type_, str) else []
    )
    if types and schema.get("nullable") is True and "null" not in types:
        types.append("null")
    return types


def _raw_members(spec: Spec, target: Target, keyword: str) -> list[tuple[Any, Target]]:
    """The members of a `oneOf`/`anyOf` (as written, and followed) in the order examples try them: `null` and
    deprecated ones last."""
    members: list[tuple[Any, Target]] = []
    for index, member in enumerate(target.value.get(keyword) or []):
        try:
            members.append((member, spec.follow(member, target.file, f"{target.pointer}/{keyword}/{index}")))
        except RefError:
            continue

    def rank(pair: tuple[Any, Target]) -> int:
        value = pair[1].value if isinstance(pair[1].value, dict) else {}
        return 2 if _types(value) == ["null"] else 1 if value.get("deprecated") is True else 0

    return sorted(members, key=rank)  # stable: the spec's order within each rank


def _union_value(
    spec: Spec, target: Target, keyword: str, depth: int, seen: frozenset[tuple[str, str]], request: bool
) -> Any:
    """The first member's value that `target` accepts (for a `oneOf`: that no other member accepts too)."""
    first: Any = _NOTHING
    for _raw, member in _raw_members(spec, target, keyword):
        value = example_value(spec, member, depth + 1, seen, request=request)
        if first is _NOTHING:
            first = value
        if matches(spec, target, value):
            return value
    return "string" if first is _NOTHING else first


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


def _object_value(
    spec: Spec, target: Target, depth: int, seen: frozenset[tuple[str, str]], request: bool
) -> dict[str, Any]:
    """The required properties (allOf members merged) with their example values (undeclared ones too).

    A `oneOf`/`anyOf` of the object (or of an allOf part) is resolved by merging one member into it: the first
    (as `_members` orders them) whose merged value the union accepts, so a member that only lists required
    properties brings those in, and a `oneOf`'s value fits no other member.
    """
    chosen: list[tuple[Target, Target, str]] = []  # (union's part, member, discriminator value or "")
    done: set[tuple[str, str, str]] = set()
    for _ in range(_MAX_UNIONS):
        unions = [u for u in _gather(spec, [target, *(m for _, m, _ in chosen)])[2] if _union_key(u) not in done]
        if not unions:
            break
        part, keyword = unions[0]
        done.add(_union_key(unions[0]))
        union = Target({keyword: part.value[keyword]}, part.file, part.pointer)
        fallback: tuple[Target, Target, str] | None = None
        for raw, member in _raw_members(spec, part, keyword):
            if not _may_be_object(member.value):
                continue
            pick = (part, member, _discriminator_value(spec, part, raw, member))
            if fallback is None:
                fallback = pick
            if matches(spec, union, _build_object(spec, target, [*chosen, pick], depth, seen, request)):
                fallback = pick
                break
        if fallback is not None:
            chosen.append(fallback)
    return _build_object(spec, target, chosen, depth, seen, request)


_MAX_UNIONS = 8  # unions resolved in one object (nested ones included)


def _union_key(union: tuple[Target, str]) -> tuple[str, str, str]:
    return (str(union[0].file), union[0].pointer, union[1])


def _build_object(
    spec: Spec, target: Target, chosen: list[tuple[Target, Target, str]], depth: int, seen: frozenset[tuple[str, str]],
    request: bool,
) -> dict[str, Any]:  # fmt: skip
    properties, required, _ = _gather(spec, [target, *(member for _, member, _ in chosen)])
    value = {
        # a required name the schema does not declare still needs its key: any value, as the schema allows
        name: (
            example_value(spec, properties[name], depth + 1, seen, request=request) if name in properties else "string"
        )
        for name in required
        if name not in properties or not (request and _flag(spec, properties[name], "readOnly"))
    }
    for part, _member, tag in chosen:  # a discriminator property without an enum or const of its own
        name = _discriminator_property(part.value)
        if (
            tag
            and name is not None
            and (name in value or name in properties)
            and not _pinned(spec, properties.get(name))
        ):
            value[name] = tag
    return _with_min_properties(spec, target, value, properties, depth, seen, request)


def _with_min_properties(
    spec: Spec, target: Target, value: dict[str, Any], properties: dict[str, Target], depth: int,
    seen: frozenset[tuple[str, str]], request: bool,
) -> dict[str, Any]:  # fmt: skip
    """`value` grown to the schema's `minProperties`: optional properties first, then keys its
    `additionalProperties` allow (`{"key": "value"}` for a free-form object), so a mock accepts it."""
    wanted = target.value.get("minProperties") if isinstance(target.value, dict) else None
    if not isinstance(wanted, int) or isinstance(wanted, bool) or len(value) >= wanted:
        return value
    for name, prop in properties.items():
        if len(value) >= wanted:
            return value
        if name not in value and not (request and _flag(spec, prop, "readOnly")):
            value[name] = example_value(spec, prop, depth + 1, seen, request=request)
    extra = target.value.get("additionalProperties")
    if extra is False or isinstance(target.value.get("patternProperties"), dict):
        return value  # no free keys to add (a pattern's keys are not worth guessing)
    extra_target = (
        Target(extra, target.file, f"{target.pointer}/additionalProperties") if isinstance(extra, dict) else None
    )
    number = 1
    while len(value) < wanted and number <= 64:
        key = "key" if number == 1 else f"key_{number}"
        if key not in value:
            value[key] = (
                example_value(spec, extra_target, depth + 1, seen, request=request) if extra_target else "value"
            )
        number += 1
    return value


def _flag(spec: Spec, prop: Target, keyword: str) -> bool:
    """Whether a property's schema says `keyword: true` (readOnly, writeOnly)."""
    try:
        schema = spec.follow(prop.value, prop.file, prop.pointer).value
    except RefError:
        return False
    return isinstance(schema, dict) and schema.get(keyword) is True


def _pinned(spec: Spec, prop: Target | None) -> bool:
    """Whether a property's schema fixes its values (an enum or const), which then win over a discriminator name."""
    if prop is None:
        return False
    try:
        schema = spec.follow(prop.value, prop.file, prop.pointer).value
    except RefError:
        return False
    return isinstance(schema, dict) and ("enum" in schema or "const" in schema)


def _gather(spec: Spec, roots: list[Target]) -> tuple[dict[str, Target], list[str], list[tuple[Target, str]]]:
    """Properties, required names and the `oneOf`/`anyOf` unions of schemas and their allOf parts, merged."""
    properties: dict[str, Target] = {}
    required: list[str] = []
    unions: list[tuple[Target, str]] = []
    parts = list(roots)
    visited = 0
    while parts and visited < 64:
        visited += 1
        part = parts.pop(0)
        try:
            part = spec.follow(part.value, part.file, part.pointer)
        except RefError:
            continue
        schema = part.value if isinstance(part.value, dict) else {}
        for name, prop in _declared(spec, part).items():
            properties.setdefault(name, prop)
        required += [r for r in schema.get("required") or [] if isinstance(r, str) and r not in required]
        unions += [(part, k) for k in ("oneOf", "anyOf") if isinstance(schema.get(k), list) and schema[k]]
        members = schema.get("allOf")
        if isinstance(members, list):
            parts += [Target(m, part.file, f"{part.pointer}/allOf/{i}") for i, m in enumerate(members)]
    return properties, required, unions


_ANNOTATIONS = frozenset({"title", "description", "example", "examples", "default", "deprecated", "readOnly", "writeOnly",
                          "nullable", "externalDocs", "$comment"})  # fmt: skip


def _annotation_only(schema: Any) -> bool:
    """Whether a schema only describes (a description, an example), constraining no value."""
    return isinstance(schema, dict) and all(k in _ANNOTATIONS or k.startswith("x-") for k in schema)


def _declares_object(spec: Spec, target: Target, depth: int = 0) -> bool:
    """Whether a schema, or one of its allOf parts, says its value is an object."""
    try:
        schema = spec.follow(target.value, target.file, target.pointer).value
    except RefError:
        return False
    if not isinstance(schema, dict) or depth > MAX_DEPTH:
        return False
    if "object" in _types(schema) or any(k in schema for k in ("properties", "additionalProperties", "required")):
        return True
    parts = schema.get("allOf")
    return isinstance(parts, list) and any(
        _declares_object(spec, Target(part, target.file, f"{target.pointer}/allOf/{i}"), depth + 1)
        for i, part in enumerate(parts)
    )


def _declared(spec: Spec, part: Target) -> dict[str, Target]:
    """A (followed) schema's own `properties` by name. `properties: {$ref: ...}` stands for the map it refers
    to, as in the types (`SchemaTypes._merged_properties`): a property named "$ref" would need a schema."""
    schema = part.value if isinstance(part.value, dict) else {}
    own = Target(schema.get("properties"), part.file, f"{part.pointer}/properties")
    if isinstance(own.value, dict) and list(own.value) == ["$ref"] and isinstance(own.value["$ref"], str):
        try:
            own = spec.follow(own.value, own.file, own.pointer)
        except RefError:
            return {}
    if not isinstance(own.value, dict):
        return {}
    return {
        name: Target(prop, own.file, f"{own.pointer}/{_escape(name)}")
        for name, prop in own.value.items()
        if isinstance(name, str)
    }


def _may_be_object(schema: Any) -> bool:
    types = _types(schema) if isinstance(schema, dict) else []
    return not types or "object" in types


def _discriminator_property(schema: Any) -> str | None:
    found = schema.get("discriminator") if isinstance(schema, dict) else None
    name = found.get("propertyName") if isinstance(found, dict) else None
    return name if isinstance(name, str) else None


def _discriminator_value(spec: Spec, part: Target, raw: Any, member: Target) -> str:
    """The value of the union's discriminator that names `member`: its mapping key, else its schema's name."""
    if _discriminator_property(part.value) is None:
        return ""
    ref = raw.get("$ref") if isinstance(raw, dict) else None
    if not isinstance(ref, str):
        return ""
    mapping = part.value["discriminator"].get("mapping")
    for key, value in (mapping or {}).items() if isinstance(mapping, dict) else ():
        if not isinstance(value, str):
            continue
        try:
            named = spec.follow(
                {"$ref": value if "#" in value or "/" in value else f"#/components/schemas/{value}"},
                part.file,
                part.pointer,
            )
        except RefError:
            continue
        if (named.file, named.pointer) == (member.file, member.pointer):
            return str(key)
    return ref.rsplit("/", 1)[-1]  # the implicit mapping: the schema's name


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


_NOTHING = object()


def matches(spec: Spec, target: Target, value: Any, depth: int = 0) -> bool:
    """Whether `value` fits the schema at `target`, for the keywords examples depend on: types (and 3.0's
    `nullable`), enum, const, required, properties, additionalProperties, items, sizes and bounds, pattern,
    allOf, anyOf, oneOf (exactly one member) and not. Anything else is taken as fitting."""
    if depth > MAX_DEPTH * 4:
        return True
    try:
        target = spec.follow(target.value, target.file, target.pointer)
    except RefError:
        return True
    schema = target.value
    if schema is False:
        return False
    if not isinstance(schema, dict):
        return True

    def sub(node: Any, pointer: str, item: Any) -> bool:
        return matches(spec, Target(node, target.file, f"{target.pointer}/{pointer}"), item, depth + 1)

    def fits_property(prop: Target, item: Any) -> bool:
        return matches(spec, prop, item, depth + 1)

    types = _types(schema)
    if types and not any(_has_type(value, t) for t in types):
        return False
    if value is None and schema.get("nullable") is True:  # 3.0: null, whatever else the schema says
        return True
    if isinstance(schema.get("enum"), list) and not any(_same(value, v) for v in schema["enum"]):
        return False
    if "const" in schema and not _same(value, schema["const"]):
        return False
    if isinstance(value, dict) and not _object_matches(schema, _declared(spec, target), value, sub, fits_property):
        return False
    if isinstance(value, list):
        items = schema.get("items")
        if isinstance(items, (dict, bool)) and not all(sub(items, "items", v) for v in value):
            return False
        if not _within(len(value), schema.get("minItems"), schema.get("maxItems")):
            return False
    if isinstance(value, str):
        if not _within(len(value), schema.get("minLength"), schema.get("maxLength")):
            return False
        pattern = schema.get("pattern")
        if isinstance(pattern, str) and not _search(pattern, value):
            return False
    if _is_number(value) and not _in_bounds(schema, value):
        return False
    for keyword in ("allOf", "anyOf", "oneOf"):
        members = schema.get(keyword)
        if not isinstance(members, list) or not members:
            continue
        fits = [sub(m, f"{keyword}/{i}", value) for i, m in enumerate(members)]
        if (
            keyword == "allOf"
            and not all(fits)
            or keyword == "anyOf"
            and not any(fits)
            or keyword == "oneOf"
            and sum(fits) != 1
        ):
            return False
    return not ("not" in schema and sub(schema["not"], "not", value))


def _object_matches(
    schema: dict[str, Any], properties: dict[str, Target], value: dict[str, Any],
    sub: Callable[[Any, str, Any], bool], fits_property: Callable[[Target, Any], bool],
) -> bool:  # fmt: skip
    required = schema.get("required")
    if isinstance(required, list) and any(isinstance(r, str) and r not in value for r in required):
        return False
    for name, item in value.items():
        if name in properties:
            if not fits_property(properties[name], item):
                return False
            continue
        extra = schema.get("additionalProperties")
        if "patternProperties" in schema:
            continue  # not checked
        if extra is False or isinstance(extra, dict) and not sub(extra, "additionalProperties", item):
            return False
    return _within(len(value), schema.get("minProperties"), schema.get("maxProperties"))


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
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b or _is_number(a) and _is_number(b) and a == b


def _within(size: int, low: Any, high: Any) -> bool:
    return not (isinstance(low, int) and size < low or isinstance(high, int) and size > high)


def _in_bounds(schema: dict[str, Any], value: float) -> bool:
    def bound(key: str) -> float | None:
        found = schema.get(key)
        return float(found) if isinstance(found, (int, float)) and not isinstance(found, bool) else None

    low, high, low_open, high_open = (
        bound("minimum"),
        bound("maximum"),
        bound("exclusiveMinimum"),
        bound("exclusiveMaximum"),
    )
    if low is not None and (value < low or value == low and schema.get("exclusiveMinimum") is True):
        return False
    if high is not None and (value > high or value == high and schema.get("exclusiveMaximum") is True):
        return False
    # 3.1: the exclusive bounds are numbers themselves
    return not (low_open is not None and value <= low_open or high_open is not None and value >= high_open)


def _search(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except (re.error, RecursionError, OverflowError):
        return True  # a pattern Python cannot read is not checked


def _is_json(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool, list, dict))
