"""Argument values built from JSON schemas: the spec's own examples where they fit, else synthesized.

Every value is checked against its schema (openapi-schema-validator, with `$ref`s across files resolved
through `referencing`): an `example`, `examples[0]` or `default` is used only when it validates, so
the spec's own broken examples do not make Prism reject a request the client built correctly.
Values are plain JSON data plus three tagged forms the runner turns into Python objects:
`{"$corpus": "bytes", "text": ...}`, `{"$corpus": "date", ...}` and `{"$corpus": "datetime", ...}`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from tests.support.corpus.specdoc import Node, SpecDocs

try:  # openapi-schema-validator comes with openapi-spec-validator, a generator dependency
    import openapi_schema_validator as _osv
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4, DRAFT202012
except ImportError:  # pragma: no cover - validation is an improvement, not a requirement
    _osv = None  # type: ignore[assignment]

try:
    import re._parser as _sre_parse  # Python 3.11+
except ImportError:  # pragma: no cover
    import sre_parse as _sre_parse

MAX_DEPTH = 10
TAG = "$corpus"
FORMAT_VALUES: dict[str, Any] = {
    "date": "2024-01-15",
    "date-time": "2024-01-15T10:30:00Z",
    "time": "10:30:00Z",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "uri": "https://example.com/resource",
    "url": "https://example.com/resource",
    "uri-reference": "https://example.com/resource",
    "iri": "https://example.com/resource",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "byte": "c3RyaW5n",
    "password": "password",
    "duration": "P1D",
}


def bytes_value(text: str = "corpus test file") -> dict[str, str]:
    return {TAG: "bytes", "text": text}


class ValueBuilder:
    def __init__(self, docs: SpecDocs) -> None:
        self.docs = docs
        self.v31 = docs.openapi_version.startswith("3.1")
        self._validators: dict[tuple[Path, str, bool], Any] = {}
        self._registry: Any = None
        self.defects: list[str] = []  # schemas no value can fit, found while building values
        if _osv is not None:
            spec = DRAFT202012 if self.v31 else DRAFT4

            def retrieve(uri: str) -> Any:
                return Resource(contents=self.docs.load(Path(uri.removeprefix("file://"))), specification=spec)  # type: ignore[call-arg]

            self._registry = Registry(retrieve=retrieve)  # type: ignore[call-arg]

    # --- validation ---------------------------------------------------------------------------

    def errors(self, value: Any, node: Node, *, request: bool = True) -> list[str] | None:
        """Schema violations of `value` (a plain JSON value); None when it cannot be checked."""
        if _osv is None or node.value is None:
            return None
        key = (node.file, node.pointer, request)
        validator = self._validators.get(key)
        if validator is None:
            uri = node.file.as_uri() + "#" + quote(node.pointer, safe="/~!$&'()*+,;=:@")
            if self.v31:
                cls, checker = _osv.OAS31Validator, _osv.oas31_format_checker
            else:
                cls = _osv.OAS30WriteValidator if request else _osv.OAS30ReadValidator
                checker = _osv.oas30_format_checker
            validator = cls({"$ref": uri}, registry=self._registry, format_checker=checker)
            self._validators[key] = validator
        try:
            return [_error_text(e) for e in _take(validator.iter_errors(_plain(value)), 3)]
        except Exception:  # noqa: BLE001 - an unresolvable or unusual schema: treat as unknown
            return None

    def fits(self, value: Any, node: Node) -> bool:
        """True unless the value is known not to fit (an unverifiable value is given the benefit of the doubt)."""
        return not self.errors(value, node)

    # --- values -------------------------------------------------------------------------------

    def for_parameter(self, param: Node) -> tuple[Any, list[str] | None]:
        """A value for a resolved parameter object, with its schema violations (None: not checked)."""
        data = param.value
        schema = param.child("schema")
        if schema.value is None and isinstance(data.get("content"), dict) and data["content"]:
            media = next(iter(data["content"]))
            schema = param.child("content", media, "schema")
        candidates = []
        if "example" in data:
            candidates.append(data["example"])
        examples = data.get("examples")
        if isinstance(examples, dict):
            for example in examples.values():
                example = self.docs.try_resolve(Node(example, param.file, param.pointer))
                if example is not None and isinstance(example.value, dict) and "value" in example.value:
                    candidates.append(example.value["value"])
                    break
        for candidate in candidates:
            if schema.value is not None and self.fits(candidate, schema):
                return candidate, []
        if schema.value is None:
            return "string", None
        value = self.for_schema(schema)
        return value, self.errors(value, schema)

    def for_body(self, media: Node, schema: Node | None) -> tuple[Any, list[str] | None]:
        candidates = []
        if isinstance(media.value, dict):
            if "example" in media.value:
                candidates.append(media.value["example"])
            examples = media.value.get("examples")
            if isinstance(examples, dict):
                for example in examples.values():
                    example = self.docs.try_resolve(Node(example, media.file, media.pointer))
                    if example is not None and isinstance(example.value, dict) and "value" in example.value:
                        candidates.append(example.value["value"])
                        break
        if schema is None:
            return (candidates[0] if candidates else {}), None
        for candidate in candidates:
            if self.fits(candidate, schema):
                return candidate, []
        value = self.for_schema(schema)
        return value, self.errors(value, schema)

    def for_schema(self, node: Node, depth: int = 0) -> Any:
        resolved = self.docs.try_resolve(node)
        if resolved is None:
            return "string"
        schema = resolved.value
        if not isinstance(schema, dict):
            return "string"
        for candidate in self._own_examples(schema):
            if self.fits(candidate, resolved):
                return candidate
        if "const" in schema:
            return schema["const"]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            non_null = [v for v in schema["enum"] if v is not None]
            return non_null[0] if non_null else None
        if depth > MAX_DEPTH:
            return None if _allows_null(schema) else _shallow(schema)
        for keyword in ("oneOf", "anyOf"):
            members = schema.get(keyword)
            if isinstance(members, list) and members and "properties" not in schema:
                if self._required_only_member(resolved, keyword, {}, depth) is not None:
                    return self._object(resolved, depth)  # `anyOf: [{required: [a]}, ...]` constrains an object
                return self._first_member(resolved, keyword, depth)
        type_ = type_of(schema)
        if type_ == "object":
            return self._object(resolved, depth)
        if type_ == "array":
            return self._array(resolved, depth)
        if type_ == "string":
            return _string(schema)
        if type_ in ("integer", "number"):
            return _number(schema, type_)
        if type_ == "boolean":
            return True
        if type_ == "null":
            return None
        return "string"

    @staticmethod
    def _own_examples(schema: dict[str, Any]) -> Iterator[Any]:
        if "example" in schema:
            yield schema["example"]
        if isinstance(schema.get("examples"), list) and schema["examples"]:
            yield schema["examples"][0]
        if "default" in schema:
            yield schema["default"]

    def _first_member(self, node: Node, keyword: str, depth: int) -> Any:
        members = node.value[keyword]
        fallback = None
        objects: list[dict[str, Any]] = []
        has_null = False
        for index in range(len(members)):
            member = node.child(keyword, index)
            resolved = self.docs.try_resolve(member)
            if resolved is not None and isinstance(resolved.value, dict) and resolved.value.get("type") == "null":
                has_null = True
                continue
            value = self.for_schema(member, depth + 1)
            if self.fits(value, node):  # oneOf: the value must match exactly one member
                return value
            if isinstance(value, dict):
                objects.append(value)
            if fallback is None:
                fallback = (value,)
        # No member's value matched exactly one member, for example `{}` for `oneOf: [free-form object,
        # object without additionalProperties]`: a property only the open members allow tells them apart,
        # and null is the one value of a `{type: null}` member.
        for value in objects:
            extra = {**value, "corpus_extra": "string"}
            if self.fits(extra, node):
                return extra
        if has_null and self.fits(None, node):
            return None
        return fallback[0] if fallback else None

    def merged_properties(
        self, node: Node, seen: frozenset[tuple[Path, str]] = frozenset()
    ) -> tuple[dict[str, Node], list[str]]:
        """Properties (as nodes, so nested `$ref`s resolve in their own file) and required names, allOf merged."""
        properties: dict[str, Node] = {}
        required: list[str] = []
        schema = node.value
        if not isinstance(schema, dict) or (node.file, node.pointer) in seen:
            return properties, required
        seen = seen | {(node.file, node.pointer)}
        if isinstance(schema.get("allOf"), list):
            for index in range(len(schema["allOf"])):
                part = self.docs.try_resolve(node.child("allOf", index))
                if part is not None:
                    props, req = self.merged_properties(part, seen)
                    properties.update(props)
                    required += [r for r in req if r not in required]
        own: Node | None = node.child("properties")
        if own is not None and isinstance(own.value, dict) and list(own.value) == ["$ref"]:
            own = self.docs.try_resolve(own)  # `properties: {$ref: ...}`, a map of properties (as Prism reads it)
        if own is not None and isinstance(own.value, dict):
            for name in own.value:
                properties[name] = own.child(name)
        if isinstance(schema.get("required"), list):
            required += [r for r in schema["required"] if isinstance(r, str) and r not in required]
        return properties, required

    def _object(self, node: Node, depth: int) -> Any:
        properties, required = self.merged_properties(node)
        result: dict[str, Any] = {}
        for name in required:
            prop = properties.get(name)
            if prop is None:
                if self._closed(node):
                    self.defects.append(
                        f"spec defect, no value fits: '{name}' is required, not declared, and additionalProperties is"
                        f" false ({node.file.name}#{node.pointer})"
                    )
                result[name] = "string"
                continue
            resolved = self.docs.try_resolve(prop)
            if resolved is not None and isinstance(resolved.value, dict) and resolved.value.get("readOnly") is True:
                continue
            result[name] = self.for_schema(prop, depth + 1)
        schema = node.value
        minimum = schema.get("minProperties")
        if isinstance(minimum, int) and len(result) < minimum:
            for name, prop in properties.items():
                if len(result) >= minimum:
                    break
                result.setdefault(name, self.for_schema(prop, depth + 1))
        for keyword in ("oneOf", "anyOf"):  # an object with properties and a oneOf of further shapes
            if isinstance(schema.get(keyword), list) and schema[keyword]:
                extra = self._required_only_member(node, keyword, properties, depth)
                if extra is None:
                    extra = self._first_member(node, keyword, depth)
                if isinstance(extra, dict):
                    result = {**extra, **result}
                break
        for index in range(len(schema.get("allOf") or [])):  # allOf parts that are anyOf/oneOf of `required` lists
            part = self.docs.try_resolve(node.child("allOf", index))
            if part is None or not isinstance(part.value, dict):
                continue
            for keyword in ("oneOf", "anyOf"):
                if isinstance(part.value.get(keyword), list) and part.value[keyword]:
                    extra = self._required_only_member(part, keyword, properties, depth)
                    if isinstance(extra, dict):
                        result = {**result, **{k: v for k, v in extra.items() if k not in result}}
        return result

    def _closed(self, node: Node, seen: frozenset[tuple[Path, str]] = frozenset()) -> bool:
        """`additionalProperties: false` on the schema or on one of its allOf parts."""
        schema = node.value
        if not isinstance(schema, dict) or (node.file, node.pointer) in seen:
            return False
        if schema.get("additionalProperties") is False:
            return True
        seen = seen | {(node.file, node.pointer)}
        for index in range(len(schema.get("allOf") or [])):
            part = self.docs.try_resolve(node.child("allOf", index))
            if part is not None and self._closed(part, seen):
                return True
        return False

    def _required_only_member(
        self, node: Node, keyword: str, properties: dict[str, Node], depth: int
    ) -> dict[str, Any] | None:
        """`anyOf: [{required: [a]}, {required: [b]}]` beside `properties`: fill the first member's names."""
        for index in range(len(node.value[keyword])):
            member = self.docs.try_resolve(node.child(keyword, index))
            if member is None or not isinstance(member.value, dict):
                continue
            names = member.value.get("required")
            if isinstance(names, list) and names and "properties" not in member.value and "type" not in member.value:
                return {n: self.for_schema(properties[n], depth + 1) if n in properties else "string" for n in names}
        return None

    def _array(self, node: Node, depth: int) -> list[Any]:
        schema = node.value
        max_items = schema.get("maxItems")
        if max_items == 0:
            return []
        count = max(schema.get("minItems") or 1, 1) if isinstance(schema.get("minItems", 1), int) else 1
        item = self.for_schema(node.child("items"), depth + 1) if "items" in schema else "string"
        if schema.get("uniqueItems") and count > 1:
            return [item] + [f"{item}{i}" if isinstance(item, str) else item for i in range(1, count)]
        return [item] * count


def _allows_null(schema: dict[str, Any]) -> bool:
    type_ = schema.get("type")
    return schema.get("nullable") is True or type_ == "null" or (isinstance(type_, list) and "null" in type_)


def _shallow(schema: dict[str, Any]) -> Any:
    type_ = type_of(schema)
    shallow: dict[str | None, Any] = {"object": {}, "array": [], "string": "string", "integer": 1, "number": 1}
    return shallow.get(type_, True if type_ == "boolean" else "string")


def type_of(schema: dict[str, Any]) -> str | None:
    type_ = schema.get("type")
    if isinstance(type_, list):
        non_null = [t for t in type_ if t != "null"]
        return non_null[0] if non_null else "null"
    if isinstance(type_, str):
        return type_
    if "properties" in schema or "additionalProperties" in schema or "allOf" in schema:
        return "object"
    if "items" in schema:
        return "array"
    if "format" in schema or "pattern" in schema or "minLength" in schema:
        return "string"
    return None


def _string(schema: dict[str, Any]) -> Any:
    fmt = schema.get("format")
    if fmt == "binary" or schema.get("contentEncoding") == "binary":
        return bytes_value()
    min_len, max_len = schema.get("minLength"), schema.get("maxLength")
    value = None
    if isinstance(schema.get("pattern"), str):
        value = from_pattern(schema["pattern"])
    if value is None:
        value = FORMAT_VALUES.get(fmt, "string") if isinstance(fmt, str) else "string"
        if isinstance(min_len, int) and len(value) < min_len:
            value += "x" * (min_len - len(value))
        if isinstance(max_len, int) and len(value) > max_len:
            value = value[: max(max_len, 0)]
    return value


def _number(schema: dict[str, Any], type_: str) -> int | float:
    low, high = schema.get("minimum"), schema.get("maximum")
    ex_low, ex_high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    step = 1
    if isinstance(ex_low, (int, float)) and not isinstance(ex_low, bool):  # 3.1: a number
        low, ex_low = ex_low, True
    if isinstance(ex_high, (int, float)) and not isinstance(ex_high, bool):
        high, ex_high = ex_high, True
    if isinstance(low, (int, float)):
        value: float = low + (step if ex_low is True else 0)
    elif isinstance(high, (int, float)) and high < 1:
        value = high - (step if ex_high is True else 0)
    else:
        value = 1
    multiple = schema.get("multipleOf")
    if isinstance(multiple, (int, float)) and multiple > 0 and value % multiple:
        value = (value // multiple + 1) * multiple
    if type_ == "integer":
        return int(value)
    return int(value) if float(value).is_integer() else value


# --- strings from simple regular expressions ---------------------------------------------------


def from_pattern(pattern: str) -> str | None:
    """A string matching `pattern` when the pattern is simple enough, else None."""
    try:
        parsed = _sre_parse.parse(pattern)
        text = _generate(list(parsed))
        return text if re.search(pattern, text) else None
    except Exception:  # noqa: BLE001 - JavaScript-only syntax, look-arounds, ...
        return None


_CATEGORY_CHARS = {
    "CATEGORY_DIGIT": "1",
    "CATEGORY_NOT_DIGIT": "a",
    "CATEGORY_WORD": "a",
    "CATEGORY_NOT_WORD": "-",
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_SPACE": "a",
}


def _generate(items: list[tuple[Any, Any]]) -> str:
    out = []
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "NOT_LITERAL":
            out.append("a" if arg != ord("a") else "b")
        elif name == "ANY":
            out.append("a")
        elif name == "IN":
            out.append(_from_set(arg))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = arg
            count = low if low > 0 else (1 if high != 0 else 0)
            out.append(_generate(list(sub)) * count)
        elif name in ("SUBPATTERN", "ATOMIC_GROUP"):
            out.append(_generate(list(arg[-1] if name == "SUBPATTERN" else arg)))
        elif name == "BRANCH":
            out.append(_generate(list(arg[1][0])))
        elif name == "CATEGORY":
            out.append(_CATEGORY_CHARS.get(str(arg), "a"))
        elif name in ("AT", "ASSERT", "ASSERT_NOT", "GROUPREF"):
            continue
        else:
            raise ValueError(name)
    return "".join(out)


def _from_set(items: list[tuple[Any, Any]]) -> str:
    if items and str(items[0][0]) == "NEGATE":
        allowed = set()
        for op, arg in items[1:]:
            if str(op) == "LITERAL":
                allowed.add(chr(arg))
        for candidate in "aZ1_-x":
            if candidate not in allowed:
                return candidate
        return "q"
    op, arg = items[0]
    name = str(op)
    if name == "LITERAL":
        return chr(arg)
    if name == "RANGE":
        return chr(arg[0])
    if name == "CATEGORY":
        return _CATEGORY_CHARS.get(str(arg), "a")
    raise ValueError(name)


# --- helpers ------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """The JSON form of a value with tags: what the client will send."""
    if isinstance(value, dict):
        if value.get(TAG) == "bytes":
            return value["text"]
        if value.get(TAG) in ("date", "datetime"):
            return value["value"]
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _take(iterator: Iterator[Any], count: int) -> list[Any]:
    result = []
    for item in iterator:
        result.append(item)
        if len(result) >= count:
            break
    return result


def _error_text(error: Any) -> str:
    """`path: message`, with the (often huge) offending value shortened to its type."""
    where = "/".join(str(p) for p in error.absolute_path)
    message = str(error.message)
    shown = repr(error.instance)
    if len(shown) > 60 and message.startswith(shown):
        message = f"<{type(error.instance).__name__}>" + message[len(shown) :]
    if error.validator in ("oneOf", "anyOf") and error.context:
        best = min(error.context, key=lambda e: len(list(e.absolute_path)))
        message += f" (e.g. {_error_text(best)})"
    return f"{where or '(root)'}: {message}"[:300]
