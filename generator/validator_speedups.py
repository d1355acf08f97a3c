"""openapi-spec-validator, made cheaper without changing one verdict or message.

Validating a spec spends most of its time repeating work, not validating (docs/speed.md, section 4):

- **The document schema is crawled again on every dynamic reference.** The OpenAPI 3.1 document
  schema reaches its schema objects through `$dynamicRef: "#meta"`. Resolving one looks the anchor up
  in a `referencing` registry whose root resource (the document schema itself) the validator
  registered uncrawled, so each lookup crawls all of it again and throws the result away: 2,441
  crawls of about 740 subresources each on openai's spec. Here the schema validator gets a resolver
  whose registry was crawled once, which holds exactly the anchors the lazy crawls find.
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
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

VERIFIED_WITH = {
    "openapi-spec-validator": "0.9.0",
    "openapi-schema-validator": "0.9.0",
    "jsonschema": "4.26.0",
    "jsonschema-path": "0.5.0",
    "referencing": "0.37.0",
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


def faster(validator_class: Any) -> Any:
    """A subclass of an openapi-spec-validator `SpecValidator` class with the speed-ups above."""
    from openapi_spec_validator.schemas import get_validator_backend

    schema_class = validator_class.keyword_validators["schema"]
    overrides: dict[str, Any] = {
        "keyword_validators": {**validator_class.keyword_validators, "schema": _with_seen_sets(schema_class)}
    }
    if get_validator_backend() == "jsonschema":  # jsonschema-rs (when installed) has its own resolution
        overrides["schema_validator"] = _crawled_once(validator_class.schema_validator)
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


def _crawled_once(schema_validator: Any) -> Any:
    """The library's validator of the document schema, resolving against a registry crawled once."""
    resolver = schema_validator._resolver  # private (jsonschema): the resolver built for the schema
    crawled = resolver._registry.crawl().resolver(base_uri=resolver._base_uri)  # private (referencing)
    return schema_validator.evolve(_resolver=crawled)


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

    def __init__(self: Any, registry: Any) -> None:
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
    SCHEMA = frozenset({"items", "contains", "additionalProperties", "propertyNames", "if", "then", "else", "not",
                        "unevaluatedItems", "unevaluatedProperties", "contentSchema"})  # fmt: skip
    SCHEMA_ARRAYS = frozenset({"prefixItems", "allOf", "anyOf", "oneOf"})
    SCHEMA_MAPS = frozenset({"properties", "dependentSchemas", "$defs", "definitions"})
    NUMBERS = frozenset({"maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum"})
    COUNTS = frozenset({"maxLength", "minLength", "maxItems", "minItems", "maxContains", "minContains",
                        "maxProperties", "minProperties"})  # fmt: skip
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

    def valid(self, node: Any, depth: int) -> bool:
        if node is True or node is False:
            return True
        if type(node) is not dict or depth > MAX_DEPTH:
            return False
        for key, value in node.items():
            if type(key) is not str:
                continue  # the metaschema names string keys only; others are not constrained
            if not self._keyword(key, value, depth + 1):
                return False
        return True

    def _keyword(self, key: str, value: Any, depth: int) -> bool:
        if key in self.SCHEMA:
            return self.valid(value, depth)
        if key in self.SCHEMA_ARRAYS:
            return type(value) is list and len(value) >= 1 and all(self.valid(item, depth) for item in value)
        if key in self.SCHEMA_MAPS:
            return type(value) is dict and all(self.valid(item, depth) for item in value.values())
        if key in self.STRINGS:
            return type(value) is str
        if key in self.NUMBERS:
            return _is_number(value)
        if key in self.COUNTS:
            return _is_count(value)
        if key in self.BOOLEANS:
            return type(value) is bool
        if key in self.ARRAYS:
            return type(value) is list
        if key in self.URIS:
            return type(value) is str and self.conforms(value, self.URIS[key])
        if key in self.UNDECIDED:
            return False
        if key == "type":
            return _is_type(value)
        if key == "required":
            return _unique_strings(value, 0)
        if key == "multipleOf":
            return _is_number(value) and value > 0
        if key == "pattern":
            return type(value) is str and self.conforms(value, "regex")
        if key == "patternProperties":
            return type(value) is dict and all(
                type(name) is str and self.conforms(name, "regex") and self.valid(item, depth)
                for name, item in value.items()
            )
        if key == "dependentRequired":
            return type(value) is dict and all(_unique_strings(item, 0) for item in value.values())
        if key == "dependencies":
            return type(value) is dict and all(
                self.valid(item, depth) or _unique_strings(item, 0) for item in value.values()
            )
        if key == "discriminator":
            return (
                type(value) is dict
                and type(value.get("propertyName")) is str
                and _extension_keys_only(value, frozenset({"propertyName", "mapping"}))
                and ("mapping" not in value or type(value["mapping"]) is dict
                     and all(type(target) is str for target in value["mapping"].values()))
            )  # fmt: skip
        if key == "externalDocs":
            return (
                type(value) is dict
                and type(value.get("url")) is str
                and self.conforms(value["url"], "uri-reference")
                and _extension_keys_only(value, frozenset({"url", "description"}))
                and type(value.get("description", "")) is str
            )
        if key == "xml":
            return (
                type(value) is dict
                and _extension_keys_only(value, frozenset({"name", "namespace", "prefix", "attribute", "wrapped"}))
                and all(type(value.get(name, "")) is str for name in ("name", "prefix", "namespace"))
                and all(type(value.get(name, False)) is bool for name in ("attribute", "wrapped"))
                and self.conforms(value.get("namespace", ""), "uri")
            )
        return True  # `const`, `default`, `example`, extensions and unknown keywords: any value


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
            if not self._keyword(key, value, depth + 1):
                return False
        return True

    def _keyword(self, key: str, value: Any, depth: int) -> bool:
        if key in self.SCHEMA_MAPS:
            return type(value) is dict and all(self.valid(item, depth) for item in value.values())
        if key in self.SCHEMA_ARRAYS:
            return type(value) is list and len(value) >= 1 and all(self.valid(item, depth) for item in value)
        if key in self.STRINGS:
            return type(value) is str
        if key in self.NUMBERS:
            return _is_number(value)
        if key in self.COUNTS:
            return _is_count(value)
        if key in self.BOOLEANS:
            return type(value) is bool
        if key == "not":
            return self.valid(value, depth)
        if key in ("additionalItems", "additionalProperties"):
            return type(value) is bool or self.valid(value, depth)
        if key == "items":
            if type(value) is list:
                return len(value) >= 1 and all(self.valid(item, depth) for item in value)
            return self.valid(value, depth)
        if key == "type":
            return _is_type(value)
        if key == "required":
            return _unique_strings(value, 1)
        if key == "enum":
            return type(value) is list and len(value) >= 1 and bool(self.unique(value))
        if key == "multipleOf":
            return _is_number(value) and value > 0
        if key == "pattern":
            return type(value) is str and self.conforms(value, "regex")
        if key == "dependencies":
            return type(value) is dict and all(
                self.valid(item, depth) or _unique_strings(item, 1) for item in value.values()
            )
        return True  # `default`, OpenAPI's own keywords, extensions and unknown keywords: any value
