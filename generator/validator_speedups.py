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
from typing import Any

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
    def __init__(self: Any, registry: Any) -> None:
        schema_class.__init__(self, registry)
        # private (openapi-spec-validator's SchemaValidator): its two dedupe lists
        self.visited_schema_ids = _SeenList()
        self.meta_checked_schema_ids = _SeenList()

    return type(f"Faster{schema_class.__name__}", (schema_class,), {"__init__": __init__})
