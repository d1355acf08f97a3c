"""The spec as typed, frozen nodes: what `build.py` makes of a loaded (and overlaid) spec, once.

Every node knows where it is written (`Location`: file, JSON pointer, line). Schemas form a graph: a `$ref`
is a node of its own (its location, its sibling keywords) whose `ref` is the node it stands for, chains of
`$ref`s followed; the same referenced schema is the same node object, so cycles are identity, never an
endless expansion. Nodes compare by identity (`eq=False`); the builder fills them while it builds the graph
and never after.

A keyword written with a value of the wrong kind (`enum: 5`, `required: {}`) is left out of the typed
fields, as every reader of the raw spec skipped it before; `keywords` keeps which keys were written, for
the few rules that depend on a keyword's mere presence.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from generator.errors import Problem
from generator.spec.load import Document as SourceFile


class Missing:
    """The value of a keyword that is not written (None is a value: `default: null`)."""

    _instance: Missing | None = None

    def __new__(cls) -> Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING = Missing()


@dataclass(frozen=True)
class Location:
    """Where a node is written: the file, the JSON pointer in it and (YAML only) its line."""

    file: Path
    pointer: str
    source: SourceFile | None = field(default=None, compare=False, repr=False)

    @property
    def line(self) -> int | None:
        return self.source.line_of(self.pointer) if self.source is not None else None

    def __str__(self) -> str:
        return f"{self.file}#{self.pointer}"

    def child(self, token: str) -> Location:
        """The location of a key below this one (`token` unescaped: `/` and `~` are escaped here)."""
        return Location(self.file, f"{self.pointer}/{escape(token)}", self.source)


def escape(token: str) -> str:
    """A JSON pointer token for a key (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


# --- schemas ---------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Bounds:
    """The numeric and size keywords of a schema, each None unless written as a number (a bool is no number
    for the bounds; the sizes take Python's view, where `True` is 1, as the readers of the raw spec did)."""

    minimum: int | float | None = None
    maximum: int | float | None = None
    exclusive_minimum: bool | int | float | None = None  # 3.0: a flag on `minimum`; 3.1: the bound itself
    exclusive_maximum: bool | int | float | None = None
    multiple_of: int | float | None = None
    min_length: int | None = None
    max_length: int | None = None
    min_items: int | None = None
    max_items: int | None = None
    min_properties: int | None = None
    max_properties: int | None = None


NO_BOUNDS = Bounds()


@dataclass(frozen=True, eq=False)
class DiscriminatorEntry:
    """One `mapping` entry: the tag, the reference as written, and the node it names (None if unresolvable).

    `target` is the node at the place the reference names; where that place is itself a `$ref`,
    `target.resolved` is the schema at the end of the chain."""

    tag: str
    ref: str
    target: Schema | None


@dataclass(frozen=True, eq=False)
class Discriminator:
    property_name: str | None  # None when not written as a string
    mapping: tuple[DiscriminatorEntry, ...] = ()


@dataclass(frozen=True, eq=False)
class Schema:
    """One schema as written at `location` (a `$ref` is a schema whose `ref` is set)."""

    location: Location
    keywords: frozenset[str] = frozenset()  # the keys written (a mapping's), whatever their values
    is_mapping: bool = True  # False for `true`, `false`, null or another value where a schema should be
    boolean: bool | None = None  # a boolean schema (3.1), or a bare `true`/`false` where a schema should be
    ref: Schema | None = None  # a `$ref`: the schema its chain of `$ref`s ends at
    ref_text: str | None = None
    types: tuple[str, ...] = ()  # `type`'s string entries (a list), or the one string
    type_is_list: bool = False  # `type: [...]` (3.1) as opposed to `type: string`
    nullable: bool = False  # 3.0's `nullable: true`
    format: str | None = None
    title: str | None = None
    description: str | None = None
    deprecated: bool = False
    read_only: bool = False
    write_only: bool = False
    pattern: str | None = None
    const: Any = MISSING
    enum: tuple[Any, ...] | None = None  # written as a list (it may be empty)
    default: Any = MISSING
    example: Any = MISSING
    examples: tuple[Any, ...] | None = None  # 3.1's list of examples
    bounds: Bounds = NO_BOUNDS
    # own properties; `properties: {$ref: ...}` stands for the map it refers to (DigitalOcean writes it; Prism and
    # ref bundlers read it so): a property named "$ref" would need a schema, never a bare string
    properties: Mapping[str, Schema] = field(default_factory=dict)
    pattern_properties: Mapping[str, Schema] | None = None  # None unless written as a mapping
    required: tuple[str, ...] = ()  # the string entries, in order, once each
    items: Schema | None = None
    additional_properties: Schema | None = None
    all_of: tuple[Schema, ...] | None = None  # None unless written as a list
    one_of: tuple[Schema, ...] | None = None
    any_of: tuple[Schema, ...] | None = None
    not_: Schema | None = None
    discriminator: Discriminator | None = None  # written as a mapping
    extensions: Mapping[str, Any] = field(default_factory=dict)
    # The JSON the node was built from, as written (`$ref`s in it not followed; None for a node made by hand).
    # Only for what shows a schema as JSON (`inspect --json`) or hands it on as JSON; nothing decides by it.
    written: Any = field(default=None, repr=False)

    def __repr__(self) -> str:
        return f"Schema({self.location})"

    @property
    def resolved(self) -> Schema:
        """The schema itself, or for a `$ref` the schema it stands for."""
        return self.ref if self.ref is not None else self

    @property
    def is_ref(self) -> bool:
        return self.ref is not None

    @property
    def name(self) -> str:
        """The name a reference to this schema gives it: its key (`#/components/schemas/Pet` -> `Pet`), or the
        file's stem for a whole file (`models/droplet.yml` -> `droplet`)."""
        if self.location.pointer:
            return unescape(self.location.pointer.rsplit("/", 1)[-1])
        return self.location.file.stem

    @property
    def component_name(self) -> str | None:
        """The key of `components/schemas` this schema is, if it is one."""
        parts = self.location.pointer.split("/")
        if len(parts) == 4 and parts[1:3] == ["components", "schemas"]:
            return unescape(parts[3])
        return None

    @property
    def json_types(self) -> tuple[str, ...]:
        """The JSON types the schema declares with 3.0's `nullable` and 3.1's `"null"` unified: `nullable: true`
        adds `null` to the declared types (it says nothing without a `type`)."""
        if self.types and self.nullable and "null" not in self.types:
            return (*self.types, "null")
        return self.types

    @property
    def allows_null(self) -> bool:
        """`nullable: true` (3.0) or `null` among the types (3.1)."""
        return self.nullable or "null" in self.types

    @property
    def is_empty(self) -> bool:
        """`{}` or `true`: any value."""
        return self.boolean is True or (self.is_mapping and not self.keywords)

    def has(self, keyword: str) -> bool:
        """Whether `keyword` is written (whatever its value)."""
        return keyword in self.keywords

    @cached_property
    def recursive(self) -> bool:
        """Whether the schema can reach itself (through properties, items, members, `$ref`s, ...): a cycle is
        this identity, never an endless expansion. Found when asked (a walk of what the schema reaches)."""
        seen: set[int] = set()
        stack = list(self.children())
        while stack:
            node = stack.pop()
            if node is self:
                return True
            if id(node) not in seen:
                seen.add(id(node))
                stack.extend(node.children())
        return False

    def children(self) -> Iterator[Schema]:
        """The schemas this one contains or refers to, one step down."""
        for single in (self.ref, self.items, self.additional_properties, self.not_):
            if single is not None:
                yield single
        yield from self.properties.values()
        yield from (self.pattern_properties or {}).values()
        for members in (self.all_of, self.one_of, self.any_of):
            yield from members or ()

    @cached_property
    def merged(self) -> MergedObject | None:
        """The properties and required names of this object schema with its allOf parts merged in (a later part's
        property wins; parts that include themselves are cut), None when the schema is no object. The one
        place allOf is merged for the types; `all_of_parts` gives the parts themselves."""
        return _merge(self, set())

    def all_of_parts(self, limit: int = 64) -> list[Schema]:
        """This schema (resolved) and its allOf parts, breadth first, each resolved (at most `limit`)."""
        parts: list[Schema] = []
        queue: list[Schema] = [self]
        while queue and len(parts) < limit:
            part = queue.pop(0).resolved
            parts.append(part)
            queue.extend(part.all_of or ())
        return parts


@dataclass(frozen=True, eq=False)
class MergedObject:
    properties: Mapping[str, Schema]
    required: frozenset[str]


def _merge(schema: Schema, in_progress: set[int]) -> MergedObject | None:
    if not schema.is_mapping:
        return None
    properties: dict[str, Schema] = {}
    required: set[str] = set()
    for part in schema.all_of or ():
        key = id(part)
        if key in in_progress:
            continue
        in_progress.add(key)
        try:
            merged = _merge(part.resolved, in_progress)
        finally:
            in_progress.discard(key)
        if merged:
            properties.update(merged.properties)
            required |= merged.required
    properties.update(schema.properties)
    required.update(schema.required)
    declares_object = not schema.has("type") or (schema.types == ("object",) and not schema.type_is_list)
    if not properties and schema.all_of is None and not declares_object:
        return None
    return MergedObject(properties, frozenset(required))


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


# --- the rest of the document ----------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Example:
    """An Example Object (or a `$ref` to one): its `value`, MISSING when it has none."""

    location: Location
    value: Any = MISSING


@dataclass(frozen=True, eq=False)
class Encoding:
    content_type: str | None


@dataclass(frozen=True, eq=False)
class MediaType:
    location: Location
    media_type: str
    is_mapping: bool = True  # False: the media type's value is not an object (it is read as `{}`)
    schema: Schema | None = None
    item_schema: Schema | None = None  # 3.2: the schema of each item of a stream
    example: Any = MISSING
    examples: Mapping[str, Example] = field(default_factory=dict)  # written as a mapping
    encoding: Mapping[str, Encoding] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Header:
    location: Location
    description: str | None = None
    required: bool = False
    schema: Schema | None = None


@dataclass(frozen=True, eq=False)
class Response:
    location: Location  # where the Response Object is (a `$ref` followed)
    is_mapping: bool = True
    description: str | None = None
    content: Mapping[str, MediaType] | None = None  # None unless written as a mapping
    headers: Mapping[str, Header] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class RequestBody:
    location: Location  # where the Request Body Object is (a `$ref` followed)
    is_mapping: bool = True
    description: str | None = None
    required: bool = False
    content: Mapping[str, MediaType] | None = None  # None unless written as a mapping


ParameterIn = Literal["path", "query", "header", "cookie"]


@dataclass(frozen=True, eq=False)
class Parameter:
    """A Parameter Object (a `$ref` followed). `name` and `in_` are None when missing or malformed: readers
    skip such a parameter, as the generator always did."""

    location: Location
    name: str | None = None
    in_: ParameterIn | None = None
    description: str | None = None  # as written (a string)
    required: bool = False
    deprecated: bool = False
    style: str | None = None
    explode: bool | None = None
    schema: Schema | None = None  # `schema`, else the first `content` media type's schema
    schema_written: bool = False  # `schema` (or a content schema) is written, even as null
    example: Any = MISSING
    examples: Mapping[str, Example] = field(default_factory=dict)
    extensions: Mapping[str, Any] = field(default_factory=dict)
    # What is wrong with it but does not stop generation (a header name no HTTP library sends): reported, as a
    # warning, by whoever uses the parameter, so an unused one stays quiet.
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True, eq=False)
class Operation:
    location: Location  # where the Operation Object is (a `$ref` followed)
    method: str  # lower case, as the path item's key
    is_mapping: bool = True  # False: what is written there (or a `$ref` leads to) is not an object
    operation_id: str | None = None
    summary: str | None = None
    description: str | None = None
    deprecated: bool = False
    tags: tuple[str, ...] = ()  # the string entries
    first_tag: str | None = None  # the first entry, when it is a string (what names a resource)
    parameters: tuple[Parameter, ...] = ()  # its own, in order (the path item's are on the path item)
    request_body: RequestBody | None = None
    request_body_written: bool = False
    responses: Mapping[str, Response] | None = None  # status as written (`200`, `2XX`, `default`) -> response
    security: tuple[Mapping[str, tuple[str, ...]], ...] | None = None  # None: not written (the document's apply)
    callbacks: Mapping[str, Mapping[str, PathItem]] = field(default_factory=dict)
    extensions: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class PathItem:
    location: Location  # where the Path Item Object is (a `$ref` followed)
    operations: tuple[Operation, ...] = ()  # in the order of `HTTP_METHODS`
    parameters: tuple[Parameter, ...] = ()
    is_mapping: bool = True
    keys: tuple[str, ...] = ()  # the keys written, in their order (`operations` are in a fixed one)

    def written_operations(self) -> list[Operation]:
        """The operations in the order they are written."""
        order = {key: index for index, key in enumerate(self.keys)}
        return sorted(self.operations, key=lambda op: order.get(op.method, len(order)))

    def operation(self, method: str) -> Operation | None:
        return next((op for op in self.operations if op.method == method), None)


@dataclass(frozen=True, eq=False)
class OAuthFlow:
    kind: str  # implicit, password, clientCredentials, authorizationCode
    authorization_url: str | None = None
    token_url: str | None = None
    refresh_url: str | None = None
    scopes: Mapping[str, str] = field(default_factory=dict)  # every scope; a description not written as text is ""


@dataclass(frozen=True, eq=False)
class SecurityScheme:
    location: Location
    key: str  # its name in `components/securitySchemes`
    type: str | None = None  # apiKey, http, oauth2, openIdConnect, mutualTLS
    scheme: str | None = None  # http: basic, bearer, ...
    name: str | None = None  # apiKey: the header, query or cookie name
    in_: str | None = None  # apiKey: header, query or cookie
    bearer_format: str | None = None
    description: str | None = None
    open_id_connect_url: str | None = None
    flows: tuple[OAuthFlow, ...] = ()


@dataclass(frozen=True, eq=False)
class ServerVariable:
    # The text substituted for `{name}`: a default written as another scalar is read as its text (`8080`).
    default: str | None = None
    description: str | None = None


@dataclass(frozen=True, eq=False)
class Server:
    location: Location
    url: str
    description: str | None = None
    variables: Mapping[str, ServerVariable] = field(default_factory=dict)  # those written as objects


@dataclass(frozen=True, eq=False)
class License:
    location: Location
    name: str | None = None
    identifier: str | None = None
    url: str | None = None


@dataclass(frozen=True, eq=False)
class Info:
    title: str | None = None
    version: str = ""  # as text: a version written as a number is read as its text; "" when not written
    description: str | None = None
    license: License | None = None  # written as an object


@dataclass(frozen=True, eq=False)
class Components:
    schemas: Mapping[str, Schema] = field(default_factory=dict)
    parameters: Mapping[str, Parameter] = field(default_factory=dict)
    request_bodies: Mapping[str, RequestBody] = field(default_factory=dict)
    responses: Mapping[str, Response] = field(default_factory=dict)
    security_schemes: Mapping[str, SecurityScheme] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Document:
    """The whole spec, typed."""

    location: Location
    openapi: str | None = None
    info: Info = field(default_factory=Info)
    servers: tuple[Server, ...] = ()  # those written as objects with a string `url`
    paths: Mapping[str, PathItem] = field(default_factory=dict)  # path as written -> item
    webhooks: Mapping[str, PathItem] = field(default_factory=dict)
    components: Components = field(default_factory=Components)
    security: tuple[Mapping[str, tuple[str, ...]], ...] | None = None
    extensions: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_3_0(self) -> bool:
        return (self.openapi or "").startswith("3.0")
