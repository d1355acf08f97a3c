"""The intermediate representation: the contract between the model builder and the templates.

Plain, frozen dataclasses. Every name in here is already a valid, collision-free Python identifier; types are
the language-neutral tree of generator/model/types.py, which each target spells (generator/targets/python/).
Raw spec text (descriptions, wire names, paths) stays raw here and is escaped by the target's filters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from generator.model import types as t
from generator.spec.nodes import Schema

Location = Literal["path", "query", "header", "cookie", "body"]
BodyKind = Literal["json", "form", "multipart", "raw"]
CredentialKind = Literal[
    "bearer",
    "basic",
    "basic_password",
    "header",
    "query",
    "cookie",
    "oauth_client_id",
    "oauth_client_secret",
    "webhook_secret",
]
WebhookScheme = Literal["standard", "hmac", "none"]


@dataclass(frozen=True)
class WireShape:
    """Where a request value holds TypedDicts, and so keys the runtime renames to their wire names.

    `keys`: a TypedDict (`model`); `list`: each item is `members[0]`; `map`: each value of a mapping
    (additionalProperties) is `members[0]`; `union`: one of `members` (the runtime picks by the keys given).
    """

    kind: Literal["keys", "list", "map", "union"]
    model: str = ""
    members: tuple[WireShape, ...] = ()


@dataclass(frozen=True)
class TypeRef:
    """A type used by the API: its language-neutral tree, and (request types only) where it holds TypedDicts."""

    tree: t.Type

    @cached_property
    def models(self) -> frozenset[str]:
        """Names of the generated models it mentions."""
        return t.models_of(self.tree)

    @cached_property
    def shape(self) -> WireShape | None:
        """Request types only: where it holds TypedDicts."""
        return wire_shape(self.tree)


def wire_shape(tree: t.Type) -> WireShape | None:
    """Where a value of this type holds TypedDicts (request objects), whose keys the runtime renames."""
    if isinstance(tree, t.ModelRef):
        return WireShape("keys", tree.name) if tree.kind == "request" else None
    if isinstance(tree, t.ListOf):
        item = wire_shape(tree.item)
        return WireShape("list", members=(item,)) if item is not None else None
    if isinstance(tree, t.MapOf):
        value = wire_shape(tree.value)
        return WireShape("map", members=(value,)) if value is not None else None
    if isinstance(tree, t.Union) and tree.discriminator is None:
        return _union_shape([wire_shape(member) for member in tree.members])
    return None


def _union_shape(shapes: list[WireShape | None]) -> WireShape | None:
    """One shape for the members of a union: lists of several shapes become a list of their union (and so do
    maps), so that the runtime tells members apart by the value's own kind first."""
    flat: list[WireShape] = []
    for shape in shapes:
        for member in shape.members if shape is not None and shape.kind == "union" else [shape]:
            if member is not None and member not in flat:
                flat.append(member)
    containers: tuple[Literal["list", "map"], ...] = ("list", "map")
    for kind in containers:
        of_kind = [s for s in flat if s.kind == kind]
        inner = _union_shape([s.members[0] for s in of_kind]) if len(of_kind) > 1 else None
        if inner is not None:
            merged = WireShape(kind, members=(inner,))
            flat = [merged if s is of_kind[0] else s for s in flat if s.kind != kind or s is of_kind[0]]
    if not flat:
        return None
    return flat[0] if len(flat) == 1 else WireShape("union", members=tuple(flat))


@dataclass(frozen=True)
class Field:
    """One property of a response model."""

    name: str
    wire_name: str
    type: TypeRef
    required: bool
    description: str | None
    deprecated: bool = False


@dataclass(frozen=True)
class Model:
    """A pydantic model generated from an object schema (or, with `request`, a TypedDict).

    `name` is unique in the whole API and is what type trees (`ModelRef`), `models` and WireShapes say; the class is
    `class_name` in `module`, and other modules write it as the renderer spells it there (an import, aliased
    where its class name is taken).
    """

    name: str
    module: str  # dotted module under `types/`, without extension: `end_user`, `qbd.invoice`
    fields: tuple[Field, ...]
    description: str | None
    source: str  # file and JSON pointer of the schema, for messages and `inspect`
    schema: Schema | None  # the schema it is generated from (None: a method's keyword arguments)
    alias: TypeRef | None = None  # set for a named union: `Pet: TypeAlias = Cat | Dog`, no fields
    request: bool = False  # a TypedDict for a request object: snake_case keys, sent under their wire names
    class_name: str = ""  # the class in its module: `Invoice`, `LineGroup` (empty: `name`)
    exported: bool = True  # re-exported by its namespace's `__init__` (main classes, not the nested ones)
    arguments: bool = False  # `<Resource><Method>Params`: a method's keyword arguments (never sent as one value)
    # Nested classes: the property path below their module's main class (`("LineGroup", "Line")` for
    # `lineGroups[].lines[]`); empty for a main class (targets that nest types by path read it)
    path: tuple[str, ...] = ()

    @property
    def python_name(self) -> str:
        return self.class_name or self.name


@dataclass(frozen=True)
class Parameter:
    """One argument of an operation's method (path, query, header, cookie or body field)."""

    name: str
    wire_name: str
    location: Location
    required: bool
    type: TypeRef
    description: str | None
    schema: Schema | None  # `$ref`s followed; None: none is written (any text)
    deprecated: bool = False
    style: str = "form"  # query only: OpenAPI serialization style
    explode: bool = True
    # A JSON value that fits the schema, $refs followed, objects keyed as its TypedDicts are (None: null)
    example: Any = None
    # Passed in examples though optional: the body's oneOf/anyOf member the example picked requires it
    in_example: bool = False

    @property
    def default_style(self) -> bool:
        return self.style == "form" and self.explode


@dataclass(frozen=True)
class RequestBody:
    content_type: str
    kind: BodyKind
    required: bool
    flattened: bool  # properties became keyword parameters; otherwise one `body` parameter
    schema: Schema  # `$ref`s followed
    # Multipart only: (part name, content type) from the spec's `encoding`, where it names one concrete type.
    part_types: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Pagination:
    """How a list operation pages: the method returns `Sync<page_class>[item]` instead of the response."""

    page_class: str  # CursorPage, LastItemIDPage, OffsetPage, PageNumberPage or NextURLPage (runtime `pagination`)
    item: TypeRef
    items: str  # attribute of the response model holding the page's items
    param: str | None  # query parameter (wire name) that asks for a page: cursor, offset or page number
    next: str | None  # attribute (a dotted path into nested models: `meta.next_page_url`) with the next cursor or URL
    has_more: str | None  # attribute saying whether more pages exist
    has_more_inverted: bool  # it says "last page" instead
    total: str | None  # attribute with the total number of items (of every page, not of this one)
    item_id: str | None = None  # LastItemIDPage: the item attribute whose last value asks for the next page
    total_pages: str | None = None  # PageNumberPage: attribute with the number of pages


@dataclass(frozen=True)
class Streaming:
    """A success response of `text/event-stream`: the method returns `Stream[item]` (`AsyncStream[item]`).

    `item` is what each event's `data` is parsed into. With `switch` (the Python name of a boolean body
    property, `stream`), the operation answers JSON unless the call passes `True` for it, and the method
    has typed overloads; without one, every call streams and `Operation.return_type` is the stream type.
    """

    item: TypeRef
    switch: str | None = None


@dataclass(frozen=True)
class Operation:
    resource_path: tuple[str, ...]  # attribute names from the client, e.g. ("end_users",)
    name: str
    http_method: str  # upper case
    path: str  # URL path template as in the spec
    operation_id: str | None
    summary: str | None
    description: str | None
    deprecated: bool
    parameters: tuple[Parameter, ...]  # path ones first, in the path's order
    body: RequestBody | None
    return_type: TypeRef
    response_schema: Schema | None  # the success response's schema, `$ref`s followed (None: it has none)
    security: tuple[str, ...]  # names of the credentials sent with this operation
    source: str
    pagination: Pagination | None = None
    accept: str | None = None  # the success response's media type, when it is not JSON
    redirect_success: tuple[int, ...] = ()  # 3xx statuses that are this operation's documented result
    params_model: str | None = None  # its `<Resource><Method>Params` TypedDict (a Model name), when it has keywords
    stream: Streaming | None = None  # the success response is (or, with a switch, can be) server-sent events
    # The Operation Object's specification extensions (`x-...` keys), as written: for a target's own keys
    extensions: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @property
    def positional(self) -> tuple[Parameter, ...]:
        """The last path parameter (`passthrough(integration_slug, *, id)`); the others are keyword-only."""
        return self.located("path")[-1:]

    @property
    def keyword(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p not in self.positional)

    def located(self, location: Location) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == location)


@dataclass(frozen=True)
class Webhook:
    """A request the API sends to the user (a 3.1 webhook or a callback): a typed payload, no method."""

    name: str  # as in the spec: the webhook key, or "<operation>.<callback>"
    http_method: str
    payload: TypeRef
    source: str
    example: Any = None  # a JSON value of the payload: the spec's own example, else one built from the schema


@dataclass(frozen=True)
class Resource:
    """A group of operations reached as `client.<path...>`."""

    path: tuple[str, ...]  # attribute names from the client
    class_name: str
    async_class_name: str
    # Dotted module under `resources/` defining the classes: `end_users`; a group (a resource with children) is
    # a package whose own module has its name, beside its children's: `qbd.qbd`, `qbd.invoices`.
    module: str
    operations: tuple[Operation, ...]
    children: tuple[Resource, ...]
    package: str = ""  # a group: its dotted package under `resources/` (`qbd`); "" for a plain resource
    test_module: str = ""  # dotted module of its generated tests under `tests/api_resources/`: `qbd.test_invoices`

    @property
    def name(self) -> str:
        return self.path[-1]

    @property
    def depth(self) -> int:
        """How many packages below the package root `module` sits (`resources.end_users`: 1)."""
        return self.module.count(".") + 1


@dataclass(frozen=True)
class Credential:
    """A secret the client takes as a constructor keyword and sends as the spec's scheme says."""

    name: str  # constructor keyword
    scheme: str  # key in components.securitySchemes
    kind: CredentialKind
    wire_name: str | None  # header, query or cookie name for API keys
    env_var: str
    required: bool
    description: str | None
    password: str | None = None  # HTTP basic: the name of the credential holding the password


@dataclass(frozen=True)
class ClientCredentialsFlow:
    """An OAuth2 `clientCredentials` flow: the client fetches the token credential `credential` itself.

    `client_id` and `client_secret` name the credentials (kinds `oauth_client_id`/`oauth_client_secret`)
    holding the client's own credentials; `required` says the client needs the token or both of them.
    """

    scheme: str
    credential: str
    client_id: str
    client_secret: str
    token_url: str  # as in the spec; a relative URL is resolved against the client's base URL
    scopes: tuple[str, ...]
    required: bool
    attribute: str  # the client attribute holding the token cache


@dataclass(frozen=True)
class WebhookVerification:
    """`client.<attribute>`: verifies the webhooks the API sends and parses their payloads.

    `event` is the union of the webhooks' payload types (tagged by a property where every payload pins it
    to its own value), named `event_name` in the generated `webhooks` module; `credential` is the
    constructor keyword holding the default secret.
    """

    attribute: str
    class_name: str
    event_name: str
    event: TypeRef
    tag: str | None  # the payload property (wire name) telling the members of `event` apart, if one does
    scheme: WebhookScheme
    credential: str | None  # None with scheme "none"
    header: str  # the signature header (hmac); Standard Webhooks' headers are fixed
    algorithm: str  # hmac: sha1, sha256 or sha512
    encoding: str  # hmac: hex or base64
    prefix: str  # hmac: text before the signature in the header (`sha256=`)


@dataclass(frozen=True)
class Mixin:
    """A class of the user's `lib/` that a generated class (`target`) inherits from, before its generated base."""

    target: str  # a generated client or resource class
    module: str  # dotted, below the package's lib/
    name: str


@dataclass(frozen=True)
class License:
    """The SDK's licence: the config's `license`, else the spec's `info.license`."""

    name: str
    identifier: str | None = None  # SPDX
    url: str | None = None


@dataclass(frozen=True)
class Api:
    title: str
    description: str | None
    api_version: str
    openapi_version: str
    package: str
    distribution: str
    version: str
    client_name: str
    async_client_name: str
    base_url: str
    base_url_env: str
    log_env: str
    credentials: tuple[Credential, ...]
    request_id_header: str
    idempotency_header: str | None  # sent with a fresh key on every non-GET call, the same on its retries
    default_timeout: float
    max_retries: int
    resources: tuple[Resource, ...]  # top level; children nest
    models: tuple[Model, ...]
    operations: tuple[Operation, ...]  # every operation, in spec order
    webhooks: tuple[Webhook, ...] = ()
    oauth_flows: tuple[ClientCredentialsFlow, ...] = ()
    webhook_verification: WebhookVerification | None = None
    # TypedDicts with a key the runtime renames somewhere inside them: each gets a table (see generator/model/wire.py)
    renamed: frozenset[str] = frozenset()
    wire_tables: frozenset[str] = (
        frozenset()
    )  # those and the TypedDicts beside them in unions: their keys tell members apart
    mixins: tuple[Mixin, ...] = ()  # the user's classes in lib/ that generated classes inherit from (config `mixins`)
    license: License | None = None  # None: neither the spec nor the config names one (no LICENSE file is written)
    security_contact: str | None = None  # config `security_contact`: SECURITY.md is written when set
    test_skips: tuple[tuple[str, str], ...] = ()  # config `skip_tests`: ("METHOD /path", reason)
    env_prefix: str = ""  # what the environment variables the config does not name start with (`CONDUCTOR`)

    def all_resources(self) -> list[Resource]:
        result: list[Resource] = []
        stack = list(reversed(self.resources))
        while stack:
            resource = stack.pop()
            result.append(resource)
            stack.extend(reversed(resource.children))
        return result
