"""openapi-spec-validator, made cheaper without changing one verdict or message.

Validating a spec spends most of its time repeating work, not validating (docs/speed.md, section 4):

- **The document schema is crawled again on every dynamic reference.** The OpenAPI 3.1 document
  schema reaches its schema objects through `$dynamicRef: "#meta"`. Resolving one looks the anchor up
  in a `referencing` registry whose root resource (the document schema itself) the validator
  registered uncrawled, so each lookup crawls all of it again and throws the result away: 2,441
  crawls of about 740 subresources each on openai's spec. Here the schema validator gets a resolver
  whose registry was crawled once, which holds exactly the anchors the lazy crawls find.
- **An OpenAPI 3.0 document is checked against its schema (draft 4) by the same general validator**,
  building an object per step and each error's details for every `oneOf` branch it rules out. Here
  `_Draft4Instance` first evaluates the document against that schema directly, keyword by keyword as
  jsonschema's draft 4 keywords do (with the library's own type checker and equality), answering only
  whether it is valid; when it is not, or at a keyword or reference it does not evaluate, the
  library's validator runs and reports, so every error and message is the library's.
- **URL joins are recomputed** hundreds of thousands of times for the same few metaschema URIs;
  `urljoin` and `urldefrag` are pure, so they are memoized while validating.
- **Every schema is checked against the metaschema by a general JSON Schema validator** (the OpenAPI
  3.1 dialect, or draft 4 for OpenAPI 3.0): about 150 validator objects, reference lookups and URL
  joins per schema, most of the rest of the time. Here a direct walk first checks the schema against
  the same metaschema's rules (`_Dialect31`, `_Draft4`), calling the library's own format checker and
  uniqueness test where those rules use them. It only ever answers "valid": at anything it does not
  know or cannot decide (an unusual keyword such as `$id`, a float where an integer stands, a value
  of a type JSON does not have) and at every failure, the library's own check runs and gives its
  verdict and message. So a wrong answer could only be "valid" for a schema the library rejects;
  the tests compare every verdict against the library, on mutated specs too.
- **The document schema is read through a YAML loader** (a JSON file, about 40 ms for 3.1's, most of a
  small spec's validation). Here it is read as JSON into the library's lazy proxy before its first use.
- **"Seen" checks scan lists.** The schema keyword validator records every schema it visited and
  every schema it checked against the metaschema in lists and asks `id in list` for each schema: a
  quadratic scan. Here those lists also keep a set for the membership test (order and contents unchanged).

Each of these reaches into internals of openapi-spec-validator, jsonschema or referencing (named where
used). They are applied only with the exact versions below, the ones `tests/test_validator_speedups.py`
and `scripts/validator_equivalence.py` compared against the library as shipped; with any other version
`unverified()` names the difference and the caller validates with the library unchanged.
"""

from __future__ import annotations

import functools
import importlib.metadata
import json
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

VERIFIED_WITH = {
    "openapi-spec-validator": "0.9.0",
    "openapi-schema-validator": "0.9.0",
    "jsonschema": "4.26.0",
    "jsonschema-path": "0.5.0",
    "referencing": "0.37.0",
    "lazy-object-proxy": "1.13.0",  # the library's lazy schemas: `__resolved__`, and `__wrapped__` set
}


def unverified() -> str | None:
    """Why the speed-ups cannot be trusted here (a version they were not verified with), or None."""
    for name, verified in VERIFIED_WITH.items():
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            installed = "not installed"
        if installed != verified:
            return f"{name} {installed} is installed; the faster validation was verified with {verified}"
    return None


def without_requests() -> None:
    """In the validator's own process, before the library is imported. jsonschema-path fetches URL references
    with `requests` when it is installed (its optional extra), else with the standard library; the generator's
    loader refuses URL references, so nothing is ever fetched, and importing `requests` (about 30 ms, a tenth of
    the library's import) is spared. Only with the verified versions, whose import falls back as described."""
    if unverified() is None and "requests" not in sys.modules:
        sys.modules["requests"] = None  # type: ignore[assignment] # the import system's "not available"


def faster(validator_class: Any) -> Any:
    """A subclass of an openapi-spec-validator `SpecValidator` class with the speed-ups above."""
    from openapi_spec_validator.schemas import get_validator_backend

    _read_as_json(validator_class.schema_validator)
    schema_class = validator_class.keyword_validators["schema"]
    overrides: dict[str, Any] = {
        "keyword_validators": {**validator_class.keyword_validators, "schema": _with_seen_sets(schema_class)}
    }
    if get_validator_backend() == "jsonschema":  # jsonschema-rs (when installed) has its own resolution
        document_validator = _crawled_once(validator_class.schema_validator)
        overrides["schema_validator"] = _ValidFirst.of(document_validator) or document_validator
    return type(f"Faster{validator_class.__name__}", (validator_class,), overrides)


@contextmanager
def memoized_urls() -> Iterator[None]:
    """While validating, `referencing` joins and splits URLs through a cache (they are pure functions)."""
    import referencing._core

    core: Any = referencing._core  # private: its module-level names `urljoin` and `urldefrag`
    saved = core.urljoin, core.urldefrag
    core.urljoin, core.urldefrag = (functools.lru_cache(maxsize=4096)(function) for function in saved)
    try:
        yield
    finally:
        core.urljoin, core.urldefrag = saved


# The library's OpenAPI document schemas: the version, its lazy content, the lazy validator built from it.
_DOCUMENT_SCHEMAS = (
    ("3.0", "schema_v30", "openapi_v30_schema_validator"),
    ("3.1", "schema_v31", "openapi_v31_schema_validator"),
)


def _read_as_json(schema_validator: Any) -> None:
    """The library reads its document schemas, JSON files, through a YAML loader the first time a validator
    needs one: about 40 ms for 3.1's, most of a small spec's validation. The schema `schema_validator` (a lazy
    proxy) is built from is read here as JSON instead, the same content (tests/spec/test_validator_speedups.py
    compares them), and handed to its lazy proxy before that first use."""
    from importlib.resources import files

    from openapi_spec_validator import schemas

    for version, content_name, validator_name in _DOCUMENT_SCHEMAS:
        content = getattr(schemas, content_name)
        if schema_validator is getattr(schemas, validator_name) and not content.__resolved__:
            text = (files("openapi_spec_validator") / f"resources/schemas/v{version}/schema.json").read_text("utf-8")
            content.__wrapped__ = json.loads(text)


def _crawled_once(schema_validator: Any) -> Any:
    """The library's validator of the document schema, resolving against a registry crawled once."""
    resolver = schema_validator._resolver  # private (jsonschema): the resolver built for the schema
    crawled = resolver._registry.crawl().resolver(base_uri=resolver._base_uri)  # private (referencing)
    return schema_validator.evolve(_resolver=crawled)


class _Undecided(Exception):  # noqa: N818 - a signal to hand over to the library, not an error
    """The quick check cannot answer: the library's validator decides."""


class _ValidFirst:
    """A document schema validator that answers a valid document with no errors without running the library's
    validator, and runs it for any other (it alone reports errors). Only `iter_errors` is used by the library."""

    def __init__(self, library: Any, quick: _Draft4Instance) -> None:
        self.library, self.quick = library, quick

    @classmethod
    def of(cls, library: Any) -> _ValidFirst | None:
        from jsonschema.validators import Draft4Validator  # type: ignore[import-untyped]

        if type(library) is not Draft4Validator or library.format_checker is not None:
            return None  # OpenAPI 3.1's schema (2020-12, dynamic references) is left to the library
        schema = getattr(library.schema, "__wrapped__", library.schema)  # the library's schemas are lazy proxies
        return cls(library, _Draft4Instance(schema)) if type(schema) is dict else None

    def iter_errors(self, instance: Any) -> Iterator[Any]:
        try:
            if self.quick.valid(instance, self.quick.root, 0):
                return iter(())
        except Exception:  # noqa: BLE001, S110 - _Undecided, or anything odd in the document: the library decides
            pass
        return iter(self.library.iter_errors(instance))


class _Draft4Instance:
    """Whether an instance is valid against a draft 4 schema, evaluated as jsonschema's Draft4Validator
    evaluates it without a format checker: `$ref` replaces its siblings, keywords it does not know are
    ignored, and the keywords below are evaluated with its own type checker and equality. A keyword it
    knows but this does not evaluate, a `$ref` outside the schema, or great depth raise `_Undecided`."""

    MAX_DEPTH = 400

    def __init__(self, root: Any) -> None:
        # private (jsonschema): the `equal` and `uniq` that `enum` and `uniqueItems` use
        from jsonschema import _utils  # type: ignore[import-untyped]
        from jsonschema.validators import Draft4Validator

        self.root = root
        self.is_type = Draft4Validator.TYPE_CHECKER.is_type
        known = frozenset(Draft4Validator.VALIDATORS)
        self.equal, self.unique = _utils.equal, _utils.uniq
        self.refs: dict[str, Any] = {}
        # Every keyword the library evaluates -> its evaluation here, or `_undecided` for those not evaluated
        # here (additionalItems, dependencies, multipleOf, minLength, maxLength: not in OpenAPI 3.0's schema).
        # Absent, so always holding: annotations and unknown keywords, and `format` without a format checker;
        # `type` is evaluated in `valid` itself.
        self.keywords = {
            key: self.KEYWORDS.get(key, _undecided_keyword) for key in known if key not in ("format", "type")
        }

    def valid(self, instance: Any, schema: Any, depth: int) -> bool:
        if type(schema) is not dict or depth > self.MAX_DEPTH:
            raise _Undecided
        if "$ref" in schema:
            return self.valid(instance, self._resolve(schema["$ref"]), depth + 1)
        keywords, deeper = self.keywords, depth + 1
        for key, value in schema.items():
            if key == "type":  # a third of all keywords evaluated: spared the call
                if not (self.is_type(instance, value) if type(value) is str else self._type(instance, value)):
                    return False
                continue
            keyword = keywords.get(key)
            if keyword is not None and not keyword(self, instance, value, schema, deeper):
                return False
        return True

    # Each keyword: whether `instance` satisfies it, given the keyword's value, the schema holding it and the
    # depth of its subschemas.

    def _type(self, instance: Any, types: Any) -> bool:
        return any(self.is_type(instance, each) for each in types)

    def _properties(self, instance: Any, value: Any, schema: dict[str, Any], depth: int) -> bool:
        if self.is_type(instance, "object"):
            for name, sub in value.items():  # a loop, not all(): this is the hottest keyword
                if name in instance and not self.valid(instance[name], sub, depth):
                    return False
        return True

    def _pattern_properties(self, instance: Any, value: Any, schema: dict[str, Any], depth: int) -> bool:
        if not self.is_type(instance, "object"):
            return True
        return all(
            self.valid(item, sub, depth)
            for pattern, sub in value.items()
            for name, item in instance.items()
            if re.search(pattern, name)
        )

    def _additional_properties(self, instance: Any, value: Any, schema: dict[str, Any], depth: int) -> bool:
        if not self.is_type(instance, "object"):
            return True
        extras = self._additional(instance, schema)
        if value is False:
            return not extras
        return type(value) is not dict or all(self.valid(instance[name], value, depth) for name in extras)

    def _required(self, instance: Any, value: Any, schema: dict[str, Any], depth: int) -> bool:
        return not self.is_type(instance, "object") or all(name in instance for name in value)

    def _enum(self, instance: Any, value: Any, schema: dict[str, Any], depth: int) -> bool:
        return any(self.equal(each, instance) for each in value)

    def _all_of(self, instance: Any, value: Any, schema: dict[str, Any], depth: int) -> bool:
        return all(self.valid(instance, sub, depth) for sub in value)

    def _any_of(self, instance: Any, value: Any, schema: dict[str, Any], depth: int) -> bool:
        return any(self.valid(instance, sub, depth) for sub in value)

    def _one_of(self, instance: Any, value: Any, schema: dict[str, Any], depth: int) -> bool:
        return sum(1 for sub in value if self.valid(instance, sub, depth)) == 1

    def _not(self, instance: Any, value: Any, schema: dict[str, Any], depth: int) -> bool:
        return not self.valid(instance, value, depth)

    def _items(self, instance: Any, value: Any, schema: dict[str, Any], depth: int) -> bool:
        if not self.is_type(instance, "array"):
            return True
        if type(value) is not dict:
            raise _Undecided
        return all(self.valid(item, value, depth) for item in instance)

    def _min_items(self, instance: Any, value: Any, schema: dict[str, Any], depth: int) -> bool:
        return not self.is_type(instance, "array") or len(instance) >= value

    def _max_items(self, instance: Any, value: Any, schema: dict[str, Any], depth: int) -> bool:
        return not self.is_type(instance, "array") or len(instance) <= value

    def _min_properties(self, instance: Any, value: Any, schema: dict[str, Any], depth: int) -> bool:
        return not self.is_type(instance, "object") or len(instance) >= value

    def _max_properties(self, instance: Any, value: Any, schema: dict[str, Any], depth: int) -> bool:
        return not self.is_type(instance, "object") or len(instance) <= value

    def _unique_items(self, instance: Any, value: Any, schema: dict[str, Any], depth: int) -> bool:
        return not value or not self.is_type(instance, "array") or bool(self.unique(instance))

    def _minimum(self, instance: Any, value: Any, schema: dict[str, Any], depth: int) -> bool:
        return not self.is_type(instance, "number") or self._within(instance, "minimum", value, schema)

    def _maximum(self, instance: Any, value: Any, schema: dict[str, Any], depth: int) -> bool:
        return not self.is_type(instance, "number") or self._within(instance, "maximum", value, schema)

    def _pattern(self, instance: Any, value: Any, schema: dict[str, Any], depth: int) -> bool:
        return not self.is_type(instance, "string") or bool(re.search(value, instance))

    KEYWORDS: ClassVar[dict[str, Callable[[_Draft4Instance, Any, Any, dict[str, Any], int], bool]]] = {
        "properties": _properties,
        "patternProperties": _pattern_properties,
        "additionalProperties": _additional_properties,
        "required": _required,
        "enum": _enum,
        "allOf": _all_of,
        "anyOf": _any_of,
        "oneOf": _one_of,
        "not": _not,
        "items": _items,
        "minItems": _min_items,
        "maxItems": _max_items,
        "minProperties": _min_properties,
        "maxProperties": _max_properties,
        "uniqueItems": _unique_items,
        "minimum": _minimum,
        "maximum": _maximum,
        "pattern": _pattern,
    }

    @staticmethod
    def _within(instance: Any, key: str, bound: Any, schema: dict[str, Any]) -> bool:
        """Draft 4's `minimum`/`maximum`, exclusive when `exclusiveMinimum`/`exclusiveMaximum` is true."""
        if key == "minimum":
            return bool(instance > bound if schema.get("exclusiveMinimum", False) else instance >= bound)
        return bool(instance < bound if schema.get("exclusiveMaximum", False) else instance <= bound)

    @staticmethod
    def _additional(instance: dict[Any, Any], schema: dict[str, Any]) -> list[Any]:
        """The names `additionalProperties` applies to, found as jsonschema finds them."""
        properties = schema.get("properties", {})
        patterns = "|".join(schema.get("patternProperties", {}))
        return [name for name in instance if name not in properties and not (patterns and re.search(patterns, name))]

    def _resolve(self, ref: Any) -> Any:
        if ref not in self.refs:
            if type(ref) is not str or not ref.startswith("#/") or "~" in ref or "%" in ref:
                raise _Undecided
            node = self.root
            for part in ref[2:].split("/"):
                node = node[part]
            self.refs[ref] = node
        return self.refs[ref]


def _undecided_keyword(quick: _Draft4Instance, instance: Any, value: Any, schema: dict[str, Any], depth: int) -> bool:
    raise _Undecided


class _SeenList(list[int]):
    """A list of schema ids that answers `in` from a set (the library only appends and tests membership)."""

    def __init__(self) -> None:
        super().__init__()
        self._members: set[int] = set()

    def append(self, item: int) -> None:
        super().append(item)
        self._members.add(item)

    def __contains__(self, item: object) -> bool:
        return item in self._members


def _with_seen_sets(schema_class: Any) -> Any:
    """The keyword validator of schemas with set-backed seen lists and the metaschema walk first."""
    meta_valid = _meta_check(schema_class)

    def __init__(self: Any, registry: Any) -> None:  # noqa: N807 - becomes the subclass's __init__
        schema_class.__init__(self, registry)
        # private (openapi-spec-validator's SchemaValidator): its two dedupe lists
        self.visited_schema_ids = _SeenList()
        self.meta_checked_schema_ids = _SeenList()

    def _validate_schema_meta(self: Any, schema: Any, schema_value: Any) -> Any:
        # private (SchemaValidator): checks one schema against the metaschema; None means valid
        try:
            if meta_valid is not None and meta_valid(self, schema, schema_value):
                return None
        except Exception:  # noqa: BLE001, S110 - undecided: the library's check decides
            pass
        return schema_class._validate_schema_meta(self, schema, schema_value)

    members = {"__init__": __init__, "_validate_schema_meta": _validate_schema_meta}
    return type(f"Faster{schema_class.__name__}", (schema_class,), members)


def _meta_check(schema_class: Any) -> Any:
    """For the schema keyword validator of OpenAPI 3.0 or 3.1: a test that a schema is certainly valid
    against the metaschema the library would check it with, or None for any other (3.2 among them)."""
    from openapi_schema_validator import OAS31_BASE_DIALECT_ID
    from openapi_schema_validator.validators import OAS30Validator, OAS31Validator, check_openapi_schema
    from openapi_spec_validator.validation import keywords

    if issubclass(schema_class, keywords.OpenAPIV32SchemaValidator):
        return None
    if issubclass(schema_class, keywords.OpenAPIV31SchemaValidator):
        if OAS31Validator.check_schema.__func__ is not check_openapi_schema:
            return None
        dialect = _Dialect31(schema_class.schema_validator_format_checker)

        def valid_31(validator: Any, schema: Any, schema_value: Any) -> bool:
            try:  # private (OpenAPIV31SchemaValidator): which dialect the library checks this schema with
                dialect_id = validator._get_schema_dialect_id(schema, schema_value)
            except ValueError:
                return False
            if (
                dialect_id != OAS31_BASE_DIALECT_ID
                or validator._get_validator_class_for_dialect(dialect_id) is not OAS31Validator
            ):
                return False
            return dialect.valid(schema_value, 0)

        return valid_31
    if (
        issubclass(schema_class, keywords.OpenAPIV30SchemaValidator)
        and schema_class.schema_validator_cls is OAS30Validator
    ):
        if OAS30Validator.check_schema.__func__ is not check_openapi_schema:
            return None
        draft4 = _Draft4(OAS30Validator.FORMAT_CHECKER)
        return lambda validator, schema, schema_value: draft4.valid(schema_value, 0)
    return None


MAX_DEPTH = 32  # deeper schemas go to the library's check (which recurses much further per level)
SIMPLE_TYPES = frozenset({"array", "boolean", "integer", "null", "number", "object", "string"})


def _is_number(value: Any) -> bool:
    return type(value) is int or type(value) is float


def _is_count(value: Any) -> bool:
    return type(value) is int and value >= 0


def _unique_strings(value: Any, min_items: int) -> bool:
    return (
        type(value) is list
        and len(value) >= min_items
        and all(type(item) is str for item in value)
        and len(set(value)) == len(value)
    )


def _is_type(value: Any) -> bool:
    if type(value) is str:
        return value in SIMPLE_TYPES
    return _unique_strings(value, 1) and all(item in SIMPLE_TYPES for item in value)


def _extension_keys_only(value: dict[Any, Any], known: frozenset[str]) -> bool:
    return all(type(key) is str and (key in known or key.startswith("x-")) for key in value)


class _Dialect31:
    """The OpenAPI 3.1 schema dialect (JSON Schema 2020-12's vocabularies and OpenAPI's base vocabulary),
    as jsonschema's Draft202012Validator checks a schema against it with the given format checker."""

    UNDECIDED = frozenset({"$id", "$anchor", "$dynamicAnchor", "$vocabulary", "$recursiveAnchor"})
    SCHEMA = frozenset(
        {
            "items",
            "contains",
            "additionalProperties",
            "propertyNames",
            "if",
            "then",
            "else",
            "not",
            "unevaluatedItems",
            "unevaluatedProperties",
            "contentSchema",
        }
    )
    SCHEMA_ARRAYS = frozenset({"prefixItems", "allOf", "anyOf", "oneOf"})
    SCHEMA_MAPS = frozenset({"properties", "dependentSchemas", "$defs", "definitions"})
    NUMBERS = frozenset({"maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum"})
    COUNTS = frozenset(
        {
            "maxLength",
            "minLength",
            "maxItems",
            "minItems",
            "maxContains",
            "minContains",
            "maxProperties",
            "minProperties",
        }
    )
    STRINGS = frozenset({"title", "description", "format", "contentEncoding", "contentMediaType", "$comment"})
    BOOLEANS = frozenset({"uniqueItems", "deprecated", "readOnly", "writeOnly"})
    ARRAYS = frozenset({"enum", "examples"})
    URIS: ClassVar[dict[str, str]] = {
        "$schema": "uri",
        "$ref": "uri-reference",
        "$dynamicRef": "uri-reference",
        "$recursiveRef": "uri-reference",
    }

    def __init__(self, format_checker: Any) -> None:
        self.conforms = format_checker.conforms
        # Each keyword's test of its value; any other keyword (`const`, `default`, `example`, extensions and
        # unknown keywords) takes any value.
        self.keywords: dict[str, Callable[[Any, int], bool]] = {
            **dict.fromkeys(self.SCHEMA, self.valid),
            **dict.fromkeys(self.SCHEMA_ARRAYS, self._schema_list),
            **dict.fromkeys(self.SCHEMA_MAPS, self._schema_map),
            **dict.fromkeys(self.STRINGS, _string),
            **dict.fromkeys(self.NUMBERS, _number),
            **dict.fromkeys(self.COUNTS, _count),
            **dict.fromkeys(self.BOOLEANS, _boolean),
            **dict.fromkeys(self.ARRAYS, _list),
            **{key: self._conforming(form) for key, form in self.URIS.items()},
            **dict.fromkeys(self.UNDECIDED, _undecided),
            "type": _type,
            "required": _names,
            "multipleOf": _positive_number,
            "pattern": self._pattern,
            "patternProperties": self._pattern_properties,
            "dependentRequired": _dependent_names,
            "dependencies": self._dependencies,
            "discriminator": _discriminator,
            "externalDocs": self._external_docs,
            "xml": self._xml,
        }

    def valid(self, node: Any, depth: int) -> bool:
        if node is True or node is False:
            return True
        if type(node) is not dict or depth > MAX_DEPTH:
            return False
        for key, value in node.items():
            if type(key) is not str:
                continue  # the metaschema names string keys only; others are not constrained
            keyword = self.keywords.get(key)
            if keyword is not None and not keyword(value, depth + 1):
                return False
        return True

    # Each keyword's test of its value, whose subschemas are at `depth`.

    def _schema_list(self, value: Any, depth: int) -> bool:
        return type(value) is list and len(value) >= 1 and all(self.valid(item, depth) for item in value)

    def _schema_map(self, value: Any, depth: int) -> bool:
        return type(value) is dict and all(self.valid(item, depth) for item in value.values())

    def _conforming(self, form: str) -> Callable[[Any, int], bool]:
        return lambda value, depth: type(value) is str and self.conforms(value, form)

    def _pattern(self, value: Any, depth: int) -> bool:
        return type(value) is str and self.conforms(value, "regex")

    def _pattern_properties(self, value: Any, depth: int) -> bool:
        return type(value) is dict and all(
            type(name) is str and self.conforms(name, "regex") and self.valid(item, depth)
            for name, item in value.items()
        )

    def _dependencies(self, value: Any, depth: int) -> bool:
        return type(value) is dict and all(
            self.valid(item, depth) or _unique_strings(item, 0) for item in value.values()
        )

    def _external_docs(self, value: Any, depth: int) -> bool:
        return (
            type(value) is dict
            and type(value.get("url")) is str
            and self.conforms(value["url"], "uri-reference")
            and _extension_keys_only(value, frozenset({"url", "description"}))
            and type(value.get("description", "")) is str
        )

    def _xml(self, value: Any, depth: int) -> bool:
        return (
            type(value) is dict
            and _extension_keys_only(value, frozenset({"name", "namespace", "prefix", "attribute", "wrapped"}))
            and all(type(value.get(name, "")) is str for name in ("name", "prefix", "namespace"))
            and all(type(value.get(name, False)) is bool for name in ("attribute", "wrapped"))
            and self.conforms(value.get("namespace", ""), "uri")
        )


# Tests of a keyword's value shared by the metaschema walks: (the value, the depth of its subschemas) -> valid.


def _string(value: Any, depth: int) -> bool:
    return type(value) is str


def _number(value: Any, depth: int) -> bool:
    return _is_number(value)


def _positive_number(value: Any, depth: int) -> bool:
    return _is_number(value) and value > 0


def _count(value: Any, depth: int) -> bool:
    return _is_count(value)


def _boolean(value: Any, depth: int) -> bool:
    return type(value) is bool


def _list(value: Any, depth: int) -> bool:
    return type(value) is list


def _undecided(value: Any, depth: int) -> bool:
    return False  # the library decides


def _type(value: Any, depth: int) -> bool:
    return _is_type(value)


def _names(value: Any, depth: int) -> bool:
    return _unique_strings(value, 0)


def _dependent_names(value: Any, depth: int) -> bool:
    return type(value) is dict and all(_unique_strings(item, 0) for item in value.values())


def _discriminator(value: Any, depth: int) -> bool:
    return (
        type(value) is dict
        and type(value.get("propertyName")) is str
        and _extension_keys_only(value, frozenset({"propertyName", "mapping"}))
        and (
            "mapping" not in value
            or type(value["mapping"]) is dict
            and all(type(target) is str for target in value["mapping"].values())
        )
    )


class _Draft4:
    """JSON Schema draft 4's metaschema, as jsonschema's Draft4Validator checks a schema against it with
    the given format checker (what openapi-schema-validator checks an OpenAPI 3.0 schema with)."""

    SCHEMA_MAPS = frozenset({"definitions", "properties", "patternProperties"})
    SCHEMA_ARRAYS = frozenset({"allOf", "anyOf", "oneOf"})
    STRINGS = frozenset({"id", "$schema", "title", "description", "format"})
    NUMBERS = frozenset({"maximum", "minimum"})
    COUNTS = frozenset({"maxLength", "minLength", "maxItems", "minItems", "maxProperties", "minProperties"})
    BOOLEANS = frozenset({"exclusiveMaximum", "exclusiveMinimum", "uniqueItems"})

    def __init__(self, format_checker: Any) -> None:
        from jsonschema._utils import uniq  # type: ignore[import-untyped]  # private: what `uniqueItems` uses

        self.conforms = format_checker.conforms
        self.unique = uniq
        # Each keyword's test of its value; any other keyword (`default`, OpenAPI's own keywords, extensions and
        # unknown keywords) takes any value.
        self.keywords: dict[str, Callable[[Any, int], bool]] = {
            **dict.fromkeys(self.SCHEMA_MAPS, self._schema_map),
            **dict.fromkeys(self.SCHEMA_ARRAYS, self._schema_list),
            **dict.fromkeys(self.STRINGS, _string),
            **dict.fromkeys(self.NUMBERS, _number),
            **dict.fromkeys(self.COUNTS, _count),
            **dict.fromkeys(self.BOOLEANS, _boolean),
            "not": self.valid,
            "additionalItems": self._boolean_or_schema,
            "additionalProperties": self._boolean_or_schema,
            "items": self._items,
            "type": _type,
            "required": _at_least_one_name,
            "enum": self._enum,
            "multipleOf": _positive_number,
            "pattern": self._pattern,
            "dependencies": self._dependencies,
        }

    def valid(self, node: Any, depth: int) -> bool:
        if type(node) is not dict or depth > MAX_DEPTH:
            return False
        if ("exclusiveMaximum" in node and "maximum" not in node) or (
            "exclusiveMinimum" in node and "minimum" not in node
        ):
            return False
        for key, value in node.items():
            if type(key) is not str:
                continue
            keyword = self.keywords.get(key)
            if keyword is not None and not keyword(value, depth + 1):
                return False
        return True

    # Each keyword's test of its value, whose subschemas are at `depth`.

    def _schema_map(self, value: Any, depth: int) -> bool:
        return type(value) is dict and all(self.valid(item, depth) for item in value.values())

    def _schema_list(self, value: Any, depth: int) -> bool:
        return type(value) is list and len(value) >= 1 and all(self.valid(item, depth) for item in value)

    def _boolean_or_schema(self, value: Any, depth: int) -> bool:
        return type(value) is bool or self.valid(value, depth)

    def _items(self, value: Any, depth: int) -> bool:
        if type(value) is list:
            return len(value) >= 1 and all(self.valid(item, depth) for item in value)
        return self.valid(value, depth)

    def _enum(self, value: Any, depth: int) -> bool:
        return type(value) is list and len(value) >= 1 and bool(self.unique(value))

    def _pattern(self, value: Any, depth: int) -> bool:
        return type(value) is str and self.conforms(value, "regex")

    def _dependencies(self, value: Any, depth: int) -> bool:
        return type(value) is dict and all(
            self.valid(item, depth) or _unique_strings(item, 1) for item in value.values()
        )


def _at_least_one_name(value: Any, depth: int) -> bool:
    return _unique_strings(value, 1)
