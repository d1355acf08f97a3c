"""Paged lists: which of the runtime's page classes an operation's result is, recognised from its query
parameters and its response's fields (or as the config's `pagination` says)."""

from __future__ import annotations

import dataclasses
from typing import NoReturn

from generator.config import Config, PagingConfig
from generator.errors import GeneratorError, Problem
from generator.model import types as t
from generator.model.ir import Pagination, Parameter, TypeRef
from generator.model.responses import success_schema
from generator.model.schemas import Hint, SchemaTypes
from generator.spec.nodes import Operation, PathItem, Schema

# Names that mark the parts of a paginated list, most specific first.
ITEMS_FIELDS = ("data", "items", "results", "values", "entries", "records", "objects")
CURSOR_PARAMS = (
    "cursor",
    "after",
    "starting_after",
    "page_token",
    "pageToken",
    "next_token",
    "nextToken",
    "continuation_token",
    "continuationToken",
    "marker",
)
_NEXT_CURSOR_FIELDS = (
    "nextCursor",
    "next_cursor",
    "next_page_token",
    "nextPageToken",
    "next_token",
    "nextToken",
    "continuation_token",
    "continuationToken",
    "next_marker",
    "nextMarker",
    "cursor",
    "next",
)
_HAS_MORE_FIELDS = ("hasMore", "has_more", "hasNextPage", "has_next_page", "more")
# A total counts items unless its name says pages; both are looked for in the link containers too
# (digitalocean: `meta.total`), since a page-number list has no other way to know it has ended.
_TOTAL_FIELDS = ("total", "totalCount", "total_count", "totalItems", "total_items", "totalResults", "total_results")
_TOTAL_PAGES_FIELDS = ("total_pages", "totalPages", "pageCount", "page_count")
OFFSET_PARAMS = ("offset", "startAt", "start_at", "skip", "start")
PAGE_PARAMS = ("page", "page_number", "pageNumber")
LIMIT_PARAMS = ("limit", "per_page", "perPage", "page_size", "pageSize", "maxResults", "max_results")
_NEXT_URL_FIELDS = ("next", "nextUrl", "next_url", "nextPage", "next_page", "next_page_url", "nextPageUrl")
# A text `page` parameter is a token the response hands back (openai's usage lists: `next_page`).
_PAGE_TOKEN_FIELDS = (*_NEXT_CURSOR_FIELDS, "next_page", "nextPage")
# Query parameters naming the item a page starts after (by its id), and fields repeating the last item's id.
_AFTER_ITEM_PARAMS = ("after", "starting_after")
_LAST_ID_FIELDS = ("last_id", "lastId")
# Objects of a list response that hold its links or cursor (twilio: `meta.next_page_url`), and the cursor
# names looked for inside them (not `next` or `cursor`: inside `links`, `next` is usually a URL).
_LINK_CONTAINERS = ("meta", "links", "pagination", "paging", "response_metadata")
_NESTED_CURSOR_FIELDS = tuple(f for f in _NEXT_CURSOR_FIELDS if f not in ("next", "cursor"))
_PARAM_STYLES = ("cursor", "last_item_id", "offset", "page_number")
_PAGE_CLASSES = {
    "cursor": "CursorPage",
    "last_item_id": "LastItemIDPage",
    "offset": "OffsetPage",
    "page_number": "PageNumberPage",
    "next_url": "NextURLPage",
}


@dataclasses.dataclass(frozen=True)
class Returned:
    """What an operation returns, and the hint naming the types made inside it (a page's item type)."""

    type: TypeRef
    hint: Hint


def _is_concrete(tree: t.Type) -> bool:
    """One definite type: not a union, a const, a named union or a request object (a mapping of keys)."""
    return not isinstance(tree, (t.Union, t.Const)) and not (isinstance(tree, t.ModelRef) and tree.kind != "model")


class PaginationBuilder:
    def __init__(self, config: Config, types: SchemaTypes) -> None:
        self.config = config
        self.types = types
        self.naming = types.naming

    def pagination(
        self, op: Operation, item: PathItem, params: list[Parameter], response: Returned, key: str
    ) -> Pagination | None:
        """Recognise the common ways lists page, from the query parameters and the response's fields
        (or as the config's `pagination` says, for this operation)."""
        returned, hint = response.type, response.hint
        configured = self.config.pagination.get(key)
        if configured is not None and configured.style == "none":
            return None
        schema = success_schema(op)
        if schema is None or len(returned.models) != 1 or not _is_concrete(returned.tree):
            if configured is not None:
                self.paging_error(key, "style", "the operation does not return a JSON object, so it cannot page")
            return None
        (model,) = returned.models
        fields = self.properties(schema) or {}
        arrays = [wire for wire, prop in fields.items() if schema_type(prop) == "array"]
        items = next((w for w in ITEMS_FIELDS if w in arrays), arrays[0] if len(arrays) == 1 else None)
        if configured is not None and configured.items is not None:
            if configured.items not in arrays:
                self.paging_error(key, "items", f"the response has no array property {configured.items!r}")
            items = configured.items
        if items is None:
            if configured is not None:
                self.paging_error(key, "items", "say which array property of the response holds the items")
            return None
        item_hint = hint.below(self.naming.class_name(items, "Field")).item(self.naming)
        item_type = self.types.response_type(fields[items].resolved.items, item_hint)
        query = {p.wire_name: p for p in params if p.location == "query"}
        # the query parameters' schemas by name (the operation's win over its path item's, as for the arguments)
        schemas = {
            p.name: p.schema for p in (*item.parameters, *op.parameters) if p.in_ == "query" and p.name is not None
        }
        shape = _ListShape(self, model, fields, items, item_type, query, schemas)
        if configured is not None:
            return self._configured(key, configured, shape)
        return shape.detect()

    def properties(self, schema: Schema) -> dict[str, Schema] | None:
        """An object schema's properties by wire name (allOf merged); None when it is not an object."""
        found = self.types.object_properties(schema)
        return None if found is None else {wire: prop for wire, prop, _ in found}

    def _configured(self, key: str, configured: PagingConfig, shape: _ListShape) -> Pagination:
        """The config's description of how `key` pages, each name checked against the spec."""

        def attribute(name: str | None, what: str) -> str | None:
            if name is None:
                return None
            found = shape.path(name)
            if found is None:
                self.paging_error(key, what, f"the response has no property {name!r}")
            return found[0]

        style = configured.style
        if style in _PARAM_STYLES and configured.param is None:
            self.paging_error(key, "param", f"style {style} needs 'param': the query parameter asking for a page")
        if configured.param is not None and configured.param not in shape.query:
            self.paging_error(key, "param", f"the operation has no query parameter {configured.param!r}")
        if style in ("cursor", "next_url") and configured.next is None:
            self.paging_error(key, "next", f"style {style} needs 'next': the response property to read")
        if configured.item_id is not None and style != "last_item_id":
            self.paging_error(key, "item_id", "'item_id' applies to style last_item_id only")
        if configured.total_pages is not None and style != "page_number":
            self.paging_error(key, "total_pages", "'total_pages' applies to style page_number only")
        item_id = shape.item_attribute(configured.item_id or "id") if style == "last_item_id" else None
        if style == "last_item_id" and item_id is None:
            self.paging_error(key, "item_id", f"the items have no property {configured.item_id or 'id'!r}")
        return Pagination(
            _PAGE_CLASSES[style],
            shape.item,
            shape.items_attribute,
            configured.param if style in _PARAM_STYLES else None,
            attribute(configured.next, "next") if style in ("cursor", "next_url", "last_item_id") else None,
            attribute(configured.has_more, "has_more"),
            configured.has_more_inverted,
            attribute(configured.total, "total"),
            item_id,
            attribute(configured.total_pages, "total_pages"),
        )

    def paging_error(self, key: str, setting: str, message: str) -> NoReturn:
        where = "/pagination/" + key.replace("~", "~0").replace("/", "~1") + f"/{setting}"
        raise GeneratorError(Problem(f"pagination of {key}: {message}", self.config.file, where))


@dataclasses.dataclass
class _ListShape:
    """A list response and its operation's query parameters, as pagination detection reads them."""

    builder: PaginationBuilder
    model: str
    fields: dict[str, Schema]
    items: str
    item: TypeRef
    query: dict[str, Parameter]  # by wire name
    query_schemas: dict[str, Schema | None]  # by wire name

    @property
    def items_attribute(self) -> str:
        return self.builder.types.field_name(self.model, self.items) or self.items

    def path(self, wire: str) -> tuple[str, Schema] | None:
        """The attribute path of the response property `wire` (or of a dotted path into nested objects,
        `meta.next_page_url`) and its schema; None when there is no such property."""
        return self._path(self.model, self.fields, wire)

    def _path(self, model: str, fields: dict[str, Schema], wire: str) -> tuple[str, Schema] | None:
        if wire in fields:  # a property whose name has a dot in it wins over a nested path
            name = self.builder.types.field_name(model, wire)
            return (name, fields[wire]) if name else None
        head, dot, rest = wire.partition(".")
        nested_model = self.builder.types.field_model(model, head) if dot and head in fields else None
        nested_fields = self.builder.properties(fields[head]) if nested_model else None
        found = self._path(nested_model, nested_fields, rest) if nested_model and nested_fields else None
        head_name = self.builder.types.field_name(model, head)
        return (f"{head_name}.{found[0]}", found[1]) if found and head_name else None

    def find(
        self, candidates: tuple[str, ...], type_: str | None = None, nested: tuple[str, ...] = (), urls: bool = True
    ) -> str | None:
        """The attribute path of the first candidate property present (and of `type_`, if given), then of the
        first `nested` candidate inside one of the response's link containers (`meta.next_page_url`).
        With `urls=False`, a property whose format says it is a URL is passed over."""
        inner = tuple(f"{container}.{name}" for container in _LINK_CONTAINERS for name in nested)
        for wire in (*candidates, *inner):
            found = self.path(wire)
            if not found or (type_ is not None and schema_type(found[1]) != type_):
                continue
            if urls or _schema_format(found[1]) not in _URL_FORMATS:
                return found[0]
        return None

    def param(self, candidates: tuple[str, ...], type_: str | None = None) -> str | None:
        """The first candidate query parameter present (and of JSON type `type_`, if given)."""
        return next(
            (
                c
                for c in candidates
                if c in self.query and (type_ is None or _json_type(self.query_schemas.get(c)) == type_)
            ),
            None,
        )

    def item_attribute(self, wire: str) -> str | None:
        """The attribute of the items' model for their property `wire` (None: no model or no such property)."""
        model = self.builder.types.model_of(self.item)
        return self.builder.types.field_name(model, wire) if model else None

    def detect(self) -> Pagination | None:
        """The paging scheme the names say, in order of how specific the evidence is; None when unclear."""
        has_more = self.find(_HAS_MORE_FIELDS, "boolean")
        item_id = self.item_attribute("id")
        cursor = self.param(CURSOR_PARAMS)
        # spotify: `cursors.after` is the value for `?after=`; the `next` beside it is a URL, not a cursor
        echoed = self.find((f"cursors.{cursor}",)) if cursor else None
        # jira's `next` beside `?after=` is `format: uri`: a next-page URL, not a cursor
        next_cursor = echoed or self.find(_NEXT_CURSOR_FIELDS, nested=_NESTED_CURSOR_FIELDS, urls=False)
        token_page = self.param(PAGE_PARAMS, "string")  # `page` as text: an opaque token, never a number
        page_token = self.find(_PAGE_TOKEN_FIELDS) if token_page else None
        after_item = self.param(_AFTER_ITEM_PARAMS)
        scheme: tuple[str, str | None, str | None]  # page class, query parameter, next field
        if cursor and next_cursor:
            scheme = ("CursorPage", cursor, next_cursor)
        elif token_page and page_token:
            scheme = ("CursorPage", token_page, page_token)
        elif after_item and has_more and item_id:  # openai, resend: the next page starts after the last item
            scheme = ("LastItemIDPage", after_item, self.find(_LAST_ID_FIELDS, "string"))
        elif offset := self.param(OFFSET_PARAMS):
            scheme = ("OffsetPage", offset, None)
        elif number := self.param(PAGE_PARAMS, "integer"):
            scheme = ("PageNumberPage", number, None)
        elif next_url := self.find(_NEXT_URL_FIELDS, "string", nested=_NEXT_URL_FIELDS):
            scheme = ("NextURLPage", None, next_url)
        else:
            return None
        inverted = has_more is None and self.find(("isLast",), "boolean") is not None
        last_item = scheme[0] == "LastItemIDPage"
        numbered = scheme[0] == "PageNumberPage"
        return Pagination(
            page_class=scheme[0],
            item=self.item,
            items=self.items_attribute,
            param=scheme[1],
            next=scheme[2],
            has_more=self.find(("isLast",)) if inverted else has_more,
            has_more_inverted=inverted,
            total=self.find(_TOTAL_FIELDS, "integer", nested=_TOTAL_FIELDS),
            item_id=item_id if last_item else None,
            total_pages=self.find(_TOTAL_PAGES_FIELDS, "integer", nested=_TOTAL_PAGES_FIELDS) if numbered else None,
        )


def _json_type(schema: Schema | None) -> str | None:
    """The JSON type a schema declares (a top-level `$ref` followed), `null` aside."""
    if schema is None:
        return None
    schema = schema.resolved
    if schema.type_is_list:
        return next((t for t in schema.types if t != "null"), None)
    return schema.types[0] if schema.types else None


def schema_type(schema: Schema) -> str | None:
    """The JSON type a schema declares (`null` aside; `items` without a `type` is an array)."""
    schema = schema.resolved
    if schema.type_is_list:
        type_ = next((t for t in schema.types if t != "null"), None)
    elif schema.types or schema.has("type"):
        return schema.types[0] if schema.types else None  # a `type` neither a string nor a list says nothing
    else:
        type_ = None
    return "array" if type_ is None and schema.has("items") else type_


_URL_FORMATS = ("uri", "uri-reference", "url", "iri", "iri-reference")


def _schema_format(schema: Schema) -> str | None:
    return schema.resolved.format
