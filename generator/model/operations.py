"""Operations and resources: which method on which `client.<resource>` each path+verb becomes.

Resources come from the static segments of the URL path (`/end-users/{id}` -> `end_users`), method
names follow the usual SDK verbs (list, create, retrieve, update, delete), falling back to the
operationId where they would collide. The config can rename both.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from pathlib import Path
from typing import Any, NoReturn

from generator.config import Config, PagingConfig
from generator.errors import GeneratorError, Problem, pointer_from_parts
from generator.spec.build import NodeBuilder
from generator.spec.load import Spec
from generator.spec.refs import RefError, Target
from generator.model.example_values import example_value, parameter_example
from generator.model.ir import (
    BodyKind,
    Field,
    Location,
    Operation,
    Pagination,
    Parameter,
    RequestBody,
    Resource,
    Streaming,
    TypeRef,
    Webhook,
)
from generator.model.naming import is_action, is_plural, pascal_case, singular, snake_case, unique
from generator.model import types as t
from generator.model.schemas import ANY, NONE, Hint, SchemaTypes, optional, tagged_union, union

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Keywords every generated method has, and attributes every resource class has.
RESERVED_ARGUMENTS = frozenset(
    {"self", "extra_headers", "extra_query", "extra_body", "timeout"}
    # Names a method body uses: an argument called `type` would break `cast_to=type(None)`.
    | {
        "object",
        "type",
        "str",
        "bytes",
        "int",
        "float",
        "bool",
        "list",
        "dict",
        "cast",
        "type_of",
        "warnings",
        "to_wire",
    }
)
# Attributes every resource class has, and builtins its annotations use (a method named `str` would
# shadow the type in the class body; `list` and `dict` are safe because annotations use typing's).
RESERVED_RESOURCE_ATTRIBUTES = frozenset(
    {"with_raw_response", "with_streaming_response", "str", "int", "float", "bool", "bytes", "object", "type"}
)
# Attributes of the generated client classes; a top-level resource may not take one of these names.
RESERVED_CLIENT_ATTRIBUTES = frozenset(
    {"request", "close", "is_closed", "base_url", "timeout", "max_retries", "with_options", "copy"}
    | {"with_raw_response", "with_streaming_response", "get", "post", "put", "patch", "delete", "request_page"}
)
# Header parameters OpenAPI says to ignore: the client sets them itself.
IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})
# Names that mark the parts of a paginated list, most specific first.
_ITEMS_FIELDS = ("data", "items", "results", "values", "entries", "records", "objects")
_CURSOR_PARAMS = ("cursor", "after", "starting_after", "page_token", "pageToken", "next_token", "nextToken",
                  "continuation_token", "continuationToken", "marker")  # fmt: skip
_NEXT_CURSOR_FIELDS = ("nextCursor", "next_cursor", "next_page_token", "nextPageToken", "next_token", "nextToken",
                       "continuation_token", "continuationToken", "next_marker", "nextMarker", "cursor", "next")  # fmt: skip
_HAS_MORE_FIELDS = ("hasMore", "has_more", "hasNextPage", "has_next_page", "more")
# A total counts items unless its name says pages; both are looked for in the link containers too
# (digitalocean: `meta.total`), since a page-number list has no other way to know it has ended.
_TOTAL_FIELDS = ("total", "totalCount", "total_count", "totalItems", "total_items", "totalResults", "total_results")
_TOTAL_PAGES_FIELDS = ("total_pages", "totalPages", "pageCount", "page_count")
_OFFSET_PARAMS = ("offset", "startAt", "start_at", "skip", "start")
_PAGE_PARAMS = ("page", "page_number", "pageNumber")
_LIMIT_PARAMS = ("limit", "per_page", "perPage", "page_size", "pageSize", "maxResults", "max_results")
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
_PAGE_CLASSES = {"cursor": "CursorPage", "last_item_id": "LastItemIDPage", "offset": "OffsetPage",
                 "page_number": "PageNumberPage", "next_url": "NextURLPage"}  # fmt: skip
_VERSION_SEGMENT = re.compile(r"^v?\d+(\.\d+)*$", re.IGNORECASE)
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # an RFC 9110 token
STR = TypeRef(t.STRING)
BYTES = TypeRef(t.Primitive("bytes"))
# A raw body takes what a multipart file part takes (bytes, a file object, a path, a (name, content[, type])
# tuple), and text.
RAW_BODY = TypeRef(t.Union((t.File(), t.STRING)))
# The items of a stream whose spec gives no schema: each event as received (event, data, id, retry).
SERVER_SENT_EVENT = TypeRef(t.ServerSentEvent())
EVENT_STREAM = "text/event-stream"
# The boolean body property that turns a JSON answer into a stream (as openai and others name it).
STREAM_SWITCH = "stream"


_BOOLEAN = t.Primitive("boolean")


def _is_concrete(tree: t.Type) -> bool:
    """One definite type: not a union, a const, a named union or a request object (a mapping of keys)."""
    return not isinstance(tree, (t.Union, t.Const)) and not (isinstance(tree, t.ModelRef) and tree.kind != "model")


def _model_name(type_: TypeRef) -> str:
    assert isinstance(type_.tree, t.ModelRef)
    return type_.tree.name


def is_event_stream(media_type: str) -> bool:
    return media_type.split(";", 1)[0].strip().lower() == EVENT_STREAM


def stream_type(item: TypeRef) -> TypeRef:
    """A stream of `item`s, the result of an operation that always streams."""
    return TypeRef(t.StreamOf(item.tree))


def is_json(media_type: str) -> bool:
    base = media_type.split(";", 1)[0].strip().lower()
    return base == "application/json" or base.endswith("+json") or base == "*/*"


class OperationBuilder:
    def __init__(
        self, spec: Spec, config: Config, types: SchemaTypes, security: dict[str, str], nodes: NodeBuilder
    ) -> None:
        self.spec = spec
        self.nodes = nodes  # the typed spec nodes (generator/spec/)
        self.graph = nodes.graph
        self.client_attributes = RESERVED_CLIENT_ATTRIBUTES | set(security.values())
        self.warnings: list[Problem] = []  # generated anyway, but the user should know
        self.config = config
        self.types = types
        self.credential_for_scheme = security  # securitySchemes key -> credential keyword
        self.file = spec.entry
        self._webhook_payloads: list[tuple[TypeRef, Target]] = []  # filled by `webhooks()`

    # --- operations ---------------------------------------------------------------------------

    def build(self) -> list[Operation]:
        paths = self.spec.root.get("paths") or {}
        raw = []  # (path, method, operation target, path item target)
        for path, item in paths.items():
            item_target = self._follow(item, self.file, pointer_from_parts(["paths", path]))
            if not isinstance(item_target.value, dict):
                continue
            for method in HTTP_METHODS:
                if method in item_target.value:
                    op_target = self._follow(
                        item_target.value[method], item_target.file, f"{item_target.pointer}/{method}"
                    )
                    if isinstance(op_target.value, dict):
                        raw.append((path, method, op_target, item_target))
        prefix = _common_prefix([path for path, *_ in raw])
        drafts = [
            (self._resource_path(path, prefix, op.value), path, method, op, item) for path, method, op, item in raw
        ]
        # A path with items below it (`/logsink` beside `/logsink/{id}`) is a collection, whatever it returns.
        parents = {path.rstrip("/").rsplit("/", 1)[0] for path, *_ in raw if path.rstrip("/").endswith("}")}
        singletons = {
            (path, method)
            for path, method, op, path_item in raw
            if path.rstrip("/") not in parents and self._is_singleton(path, method, op, path_item)
        }
        present = {f"{method.upper()} {path}" for path, method, *_ in raw}
        drafts, shaped = self._shaped(drafts, prefix)
        drafts = self._placed(drafts, present)
        names = self._method_names(
            [(res, path, method, op.value) for res, path, method, op, _ in drafts], singletons, shaped
        )
        for key in self.config.pagination:
            if key not in present:
                self._paging_error(key, "style", "the spec has no such operation")
        for key in self.config.body_names:
            if key not in present:
                self._body_name_error(key, "the spec has no such operation")
        return [
            self._operation(resource, name, path, method, op, item)
            for (resource, path, method, op, item), name in zip(drafts, names)
        ]

    def _operation(
        self, resource: tuple[str, ...], name: str, path: str, method: str, op: Target, item: Target
    ) -> Operation:
        data = op.value
        stem = pascal_case(singular(resource[-1])) + pascal_case(name)
        key = f"{method.upper()} {path}"
        response_hint, params_hint = Hint(f"{stem}Response", f"{key} response"), Hint(f"{stem}Params", f"{key} params")
        parameters = self._parameters(item, op, path, params_hint)
        body, body_params = self._body(op, params_hint, key)
        if key in self.config.body_names and (body is None or body.flattened):
            self._body_name_error(key, "the operation has no request body passed as one argument")
        taken = {n.lower() for n in RESERVED_ARGUMENTS}
        named: list[Parameter] = []
        for param in [*parameters, *body_params]:
            # `timeout` from the spec becomes `timeout_`: the SDK's own keyword keeps its meaning.
            argument = f"{param.name}_" if param.name in RESERVED_ARGUMENTS else param.name
            if argument.lower() in taken:  # a body field `id` beside the path's `id` becomes `body_id`
                argument = f"{param.location}_{argument}"
            python_name = unique(argument, taken)
            named.append(_renamed(param, python_name))
        ordered = sorted(named, key=lambda p: (p.location != "path", not p.required))
        return_type = self._return_type(op, response_hint)
        last_path = [p for p in ordered if p.location == "path"][-1:]  # positional; the others are keywords
        keywords = [Field(p.name, p.wire_name, p.type, p.required, p.description, p.deprecated)
                    for p in ordered if p not in last_path]  # fmt: skip
        params_model = (
            self.types.arguments_model(params_hint, keywords, f"{op.file}#{op.pointer}") if keywords else None
        )
        pagination = self._pagination(op, ordered, return_type, response_hint, key)
        stream = None if pagination else self._streaming(op, Hint(f"{stem}Event", f"{key} events"), ordered)
        if stream is not None and stream.switch is None:
            return_type = stream_type(stream.item)
        return Operation(
            resource_path=resource,
            name=name,
            http_method=method.upper(),
            path=path,
            operation_id=data.get("operationId") if isinstance(data.get("operationId"), str) else None,
            summary=_text(data.get("summary")),
            description=_text(data.get("description")),
            deprecated=data.get("deprecated") is True,
            parameters=tuple(ordered),
            body=body,
            return_type=return_type,
            response_schema=self._response_schema(op),
            security=self._security(data),
            source=f"{op.file}#{op.pointer}",
            pagination=pagination,
            accept=self._accept(op),
            redirect_success=self._redirect_success(op),
            params_model=_model_name(params_model) if params_model else None,
            stream=stream,
        )

    def _streaming(self, op: Target, hint: Hint, params: list[Parameter]) -> Streaming | None:
        """Server-sent events: the success response offers `text/event-stream`, alone or beside JSON that a
        boolean `stream` body property chooses between. Its items are the media type's `itemSchema` (3.2),
        else its `schema`; without either, each event as received."""
        found = self._success_response(op)
        if found is None or not isinstance(found[0].value, dict):
            return None
        response = found[0]
        content = response.value.get("content")
        if not isinstance(content, dict):
            return None
        media_type = next((m for m in content if isinstance(m, str) and is_event_stream(m)), None)
        if media_type is None:
            return None
        switch = None
        if len(content) > 1:
            flag = next((p for p in params if p.location == "body" and p.wire_name == STREAM_SWITCH), None)
            # Another media type and nothing to choose the stream with: the other one stays the result.
            if (
                flag is None
                or flag.type.tree not in (_BOOLEAN, t.Union((_BOOLEAN, t.NONE)))
                or not is_json(_preferred_media_type(list(content)))
            ):
                return None
            switch = flag.name
        media = content[media_type] if isinstance(content[media_type], dict) else {}
        key = "itemSchema" if "itemSchema" in media else "schema"
        if key not in media:
            return Streaming(SERVER_SENT_EVENT, switch)
        pointer = response.pointer + pointer_from_parts(["content", media_type, key])
        item = self.types.response_type(media[key], response.file, pointer, hint)
        return Streaming(item, switch)

    def _redirect_success(self, op: Target) -> tuple[int, ...]:
        """3xx statuses documented as the result of an operation that has no 2xx response."""
        found = self._success_response(op)
        return (int(found[1]),) if found and found[1].isdigit() and found[1].startswith("3") else ()

    def _accept(self, op: Target) -> str | None:
        """The media type to ask for when the success response is not JSON (a download, text)."""
        found = self._success_response(op)
        content = found[0].value.get("content") if found and isinstance(found[0].value, dict) else None
        if not isinstance(content, dict) or not content:
            return None
        media_type = _preferred_media_type(list(content))
        return None if is_json(media_type) else media_type

    # --- pagination ---------------------------------------------------------------------------

    def _pagination(
        self, op: Target, params: list[Parameter], returned: TypeRef, hint: Hint, key: str
    ) -> Pagination | None:
        """Recognise the common ways lists page, from the query parameters and the response's fields
        (or as the config's `pagination` says, for this operation)."""
        configured = self.config.pagination.get(key)
        if configured is not None and configured.style == "none":
            return None
        schema = self._success_schema(op)
        if schema is None or len(returned.models) != 1 or not _is_concrete(returned.tree):
            if configured is not None:
                self._paging_error(key, "style", "the operation does not return a JSON object, so it cannot page")
            return None
        (model,) = returned.models
        fields = self._properties(schema) or {}
        arrays = [wire for wire, prop in fields.items() if _schema_type(self.spec, prop) == "array"]
        items = next((w for w in _ITEMS_FIELDS if w in arrays), arrays[0] if len(arrays) == 1 else None)
        if configured is not None and configured.items is not None:
            if configured.items not in arrays:
                self._paging_error(key, "items", f"the response has no array property {configured.items!r}")
            items = configured.items
        if items is None:
            if configured is not None:
                self._paging_error(key, "items", "say which array property of the response holds the items")
            return None
        array = self._follow(fields[items].value, fields[items].file, fields[items].pointer)
        item_hint = hint.below(pascal_case(items, "Field")).item()
        item = self.types.response_type(array.value.get("items", {}), array.file, f"{array.pointer}/items", item_hint)
        shape = _ListShape(self, model, fields, items, item, {p.wire_name: p for p in params if p.location == "query"})
        if configured is not None:
            return self._configured_pagination(key, configured, shape)
        return shape.detect()

    def _properties(self, target: Target) -> dict[str, Target] | None:
        """An object schema's properties by wire name (allOf merged); None when it is not an object."""
        found = self.types.object_properties(target.value, target.file, target.pointer)
        return None if found is None else {wire: prop for wire, prop, _ in found}

    def _configured_pagination(self, key: str, configured: PagingConfig, shape: _ListShape) -> Pagination:
        """The config's description of how `key` pages, each name checked against the spec."""

        def attribute(name: str | None, what: str) -> str | None:
            if name is None:
                return None
            found = shape.path(name)
            if found is None:
                self._paging_error(key, what, f"the response has no property {name!r}")
            return found[0]

        style = configured.style
        if style in _PARAM_STYLES and configured.param is None:
            self._paging_error(key, "param", f"style {style} needs 'param': the query parameter asking for a page")
        if configured.param is not None and configured.param not in shape.query:
            self._paging_error(key, "param", f"the operation has no query parameter {configured.param!r}")
        if style in ("cursor", "next_url") and configured.next is None:
            self._paging_error(key, "next", f"style {style} needs 'next': the response property to read")
        if configured.item_id is not None and style != "last_item_id":
            self._paging_error(key, "item_id", "'item_id' applies to style last_item_id only")
        if configured.total_pages is not None and style != "page_number":
            self._paging_error(key, "total_pages", "'total_pages' applies to style page_number only")
        item_id = shape.item_attribute(configured.item_id or "id") if style == "last_item_id" else None
        if style == "last_item_id" and item_id is None:
            self._paging_error(key, "item_id", f"the items have no property {configured.item_id or 'id'!r}")
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

    def _paging_error(self, key: str, setting: str, message: str) -> NoReturn:
        where = "/pagination/" + key.replace("~", "~0").replace("/", "~1") + f"/{setting}"
        raise GeneratorError(Problem(f"pagination of {key}: {message}", self.config.file, where))

    def _success_schema(self, op: Target) -> Target | None:
        """The JSON schema of the success response, where it has one."""
        found = self._success_response(op)
        content = found[0].value.get("content") if found and isinstance(found[0].value, dict) else None
        if not isinstance(content, dict) or not content:
            return None
        media_type = _preferred_media_type(list(content))
        media = content[media_type]
        if not is_json(media_type) or not isinstance(media, dict) or "schema" not in media:
            return None
        return Target(media["schema"], found[0].file, found[0].pointer + pointer_from_parts(["content", media_type, "schema"]))  # type: ignore[index]

    def _follow(self, node: Any, file: Path, pointer: str) -> Target:
        try:
            return self.spec.follow(node, file, pointer)
        except RefError as exc:
            raise GeneratorError(Problem(str(exc), str(file), pointer)) from None

    # --- webhooks and callbacks ----------------------------------------------------------------

    def webhooks(self) -> list[Webhook]:
        """Payload types of the requests the API makes: `webhooks` (3.1) and every operation's `callbacks`."""
        items = [(str(name), Target(item, self.file, pointer_from_parts(["webhooks", name])))
                 for name, item in (self.spec.root.get("webhooks") or {}).items()]  # fmt: skip
        items += self._callback_items()
        result = []
        for name, item in items:
            item_target = self._follow(item.value, item.file, item.pointer)
            for method in HTTP_METHODS:
                if isinstance(item_target.value, dict) and isinstance(item_target.value.get(method), dict):
                    op = self._follow(item_target.value[method], item_target.file, f"{item_target.pointer}/{method}")
                    payload = self._payload(op, Hint(pascal_case(name) + "WebhookPayload", f"webhook {name} {method}"))
                    schema, example = self._payload_schema(op)
                    result.append(Webhook(name, method.upper(), payload, f"{op.file}#{op.pointer}", example))
                    if schema is not None and payload.tree != t.NONE:
                        self._webhook_payloads.append((payload, schema))
        return result

    def webhook_event(self) -> tuple[TypeRef, str | None] | None:
        """The union of the webhooks' payload types (after `webhooks()`), None when no webhook has a payload.

        Tagged when every payload is its own model and one property is pinned (`const`/`enum`) to values
        that tell them apart (`type: batch.cancelled`); else a plain union pydantic tries member by member.
        Returned with the tagging property's wire name (None when untagged).
        """
        members: list[tuple[TypeRef, Target]] = []
        for payload, schema in self._webhook_payloads:
            if payload.tree not in [m.tree for m, _ in members]:
                members.append((payload, schema))
        if not members:
            return None
        if len(members) == 1:
            return members[0][0], None
        plain = all(isinstance(m.tree, t.ModelRef) and m.tree.kind == "model" for m, _ in members)
        first = self.types.object_properties(members[0][1].value, members[0][1].file, members[0][1].pointer)
        for wire_name, _, required in (first or []) if plain else []:
            tags = [self.types.pinned_values(schema, wire_name) for _, schema in members]
            flat = [tag for member_tags in tags for tag in member_tags]
            if required and all(tags) and len(flat) == len(set(flat)):
                return tagged_union([m for m, _ in members], tags, wire_name), wire_name
        return union([m for m, _ in members]), None

    def _payload_schema(self, op: Target) -> tuple[Target | None, Any]:
        """The schema of a webhook's JSON body and an example value of it (the spec's own first, if any)."""
        raw = op.value.get("requestBody")
        body = self._follow(raw, op.file, f"{op.pointer}/requestBody") if raw is not None else None
        content = body.value.get("content") if body is not None and isinstance(body.value, dict) else None
        if body is None or not isinstance(content, dict) or not content:
            return None, None
        media_type = _preferred_media_type(list(content))
        media = content[media_type] if isinstance(content[media_type], dict) else {}
        if not is_json(media_type) or "schema" not in media:
            return None, None
        schema = self._follow(
            media["schema"], body.file, body.pointer + pointer_from_parts(["content", media_type, "schema"])
        )
        examples: dict[str, Any] = media["examples"] if isinstance(media.get("examples"), dict) else {}
        for key, raw_example in examples.items():  # the first one
            found = self._follow(
                raw_example, body.file, body.pointer + pointer_from_parts(["content", media_type, "examples", key])
            )
            if isinstance(found.value, dict) and isinstance(found.value.get("value"), dict):
                return schema, found.value["value"]
            break
        if isinstance(media.get("example"), dict):
            return schema, media["example"]
        payload = self.graph.schema(schema.value, schema.file, schema.pointer)
        return schema, example_value(payload, request=False)  # the API sends it: readOnly properties too

    def _callback_items(self) -> list[tuple[str, Target]]:
        """(`<operationId>.<callback>`, path item) for every callback of every operation."""
        items: list[tuple[str, Target]] = []
        for path, raw_item in (self.spec.root.get("paths") or {}).items():
            path_item = self._follow(raw_item, self.file, pointer_from_parts(["paths", path]))
            for method in HTTP_METHODS:
                if not isinstance(path_item.value, dict) or method not in path_item.value:
                    continue
                op = self._follow(path_item.value[method], path_item.file, f"{path_item.pointer}/{method}")
                callbacks = op.value.get("callbacks") if isinstance(op.value, dict) else None
                if not isinstance(callbacks, dict):
                    continue
                owner = op.value.get("operationId") or f"{method} {path}"
                for callback, raw in callbacks.items():
                    expressions = self._follow(raw, op.file, f"{op.pointer}/callbacks/{_escape_token(str(callback))}")
                    for expression, item in (expressions.value or {}).items():
                        pointer = f"{expressions.pointer}/{_escape_token(str(expression))}"
                        items.append((f"{owner}.{callback}", Target(item, expressions.file, pointer)))
        return items

    def _payload(self, op: Target, hint: Hint) -> TypeRef:
        raw = op.value.get("requestBody")
        if raw is None:
            return NONE
        body = self._follow(raw, op.file, f"{op.pointer}/requestBody")
        content = body.value.get("content") if isinstance(body.value, dict) else None
        if not isinstance(content, dict) or not content:
            return NONE
        media_type = _preferred_media_type(list(content))
        media = content[media_type] if isinstance(content[media_type], dict) else {}
        pointer = body.pointer + pointer_from_parts(["content", media_type, "schema"])
        return self.types.response_type(media.get("schema", {}), body.file, pointer, hint)

    # --- naming -------------------------------------------------------------------------------

    def _resource_path(self, path: str, prefix: int, op: dict[str, Any]) -> tuple[str, ...]:
        segments = [s for s in path.strip("/").split("/") if s and not s.startswith("{")][prefix:]
        # `/rest/api/3/issue` -> `issue`: version markers and a leading `rest`/`api` name no resource.
        segments = [s for s in segments if not _VERSION_SEGMENT.match(s)]
        while len(segments) > 1 and segments[0].lower() in ("api", "rest"):
            segments = segments[1:]
        names = [self.config.resource_names.get(s) or snake_case(s, "resource") for s in segments]
        if not names:
            tags = op.get("tags")
            tag = tags[0] if isinstance(tags, list) and tags and isinstance(tags[0], str) else "root"
            names = [snake_case(tag, "root")]
        # A trailing underscore keeps `client.close` and friends working when the API has a `/close` resource.
        reserved = [self.client_attributes, *[RESERVED_RESOURCE_ATTRIBUTES] * (len(names) - 1)]
        return tuple(f"{name}_" if name in taken else name for name, taken in zip(names, reserved))

    def _shaped(self, drafts: list[Any], prefix: int) -> tuple[list[Any], dict[tuple[str, str], str]]:
        """Drafts with actions and method groups moved onto the resource above them, and those methods' names
        by (path, method); see `_action_name` and `_method_group_names`. A name that would clash with another
        method or a child resource of that resource, or with an attribute every resource has, keeps the
        operation where it was."""
        by_path: dict[str, list[str]] = defaultdict(list)
        for _, path, method, *_ in drafts:
            by_path[path.rstrip("/")].append(method)
        below: dict[str, int] = defaultdict(int)  # how many paths lie below each path prefix
        for path in by_path:
            segments = path.strip("/").split("/")
            for depth in range(1, len(segments)):
                below["/" + "/".join(segments[:depth])] += 1
        shaped = self._method_group_names(by_path, prefix)  # by (path without a trailing slash, method)
        for _, path, method, *_ in drafts:
            action = self._action_name(path, method, by_path, below)
            if action is not None:
                shaped[(path.rstrip("/"), method)] = action
        moved = [(res[:-1] if (path.rstrip("/"), method) in shaped and len(res) > 1 else res, path, method, op, item)
                 for res, path, method, op, item in drafts]  # fmt: skip
        taken: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for resource, path, method, *_ in moved:
            if (path.rstrip("/"), method) not in shaped:
                taken[resource] |= {"list", "retrieve"} if method == "get" else {self._verb_name(path, method, False)}
            for depth in range(1, len(resource)):
                taken[resource[:depth]].add(resource[depth])
        result: list[Any] = []
        names: dict[tuple[str, str], str] = {}
        for draft, original in zip(moved, drafts):
            key = (draft[1], draft[2])
            name = shaped.get((draft[1].rstrip("/"), draft[2]))
            if name is not None and len(original[0]) > 1 and name not in taken[draft[0]] | RESERVED_RESOURCE_ATTRIBUTES:
                result.append(draft)
                names[key] = name
            else:
                result.append(original)
        return result, names

    def _action_name(self, path: str, method: str, by_path: dict[str, list[str]], below: dict[str, int]) -> str | None:
        """The method name of an action on an item, or None.

        An action is the only operation of its path, a POST, PUT or PATCH, with no path below it, either on
        `{item}/{verb...}` (`POST /invoices/{id}/void`: `invoices.void(id)`) or on `{item}/{word}/{param}` whose
        word is not a plural (`POST /end-users/{id}/passthrough/{slug}`: `end_users.passthrough(slug, id=...)`;
        a plural there, `/files/{path}`, names a collection). A segment the config's `resource_names` names
        stays a resource.
        """
        segments = path.strip("/").split("/")
        here = path.rstrip("/")
        if method not in ("post", "put", "patch") or len(by_path[here]) != 1 or len(segments) < 3 or below.get(here):
            return None
        *_, item, word, last = segments
        if _is_param(word) and not _is_param(last) and not _is_param(item) and is_action(last):
            action = last  # {item}/{verb}
        elif _is_param(item) and not _is_param(word) and _is_param(last) and not is_plural(word):
            action = word  # {item}/{word}/{param}: nothing else may live under {item}/{word}
            base = here.rsplit("/", 1)[0]
            if base in by_path or below.get(base) != 1:
                return None
        else:
            return None
        if action in self.config.resource_names or _VERSION_SEGMENT.match(action):
            return None
        return snake_case(action, "action")

    def _method_group_names(self, by_path: dict[str, list[str]], prefix: int) -> dict[tuple[str, str], str]:
        """Method names of the operations of method groups, by (path, method).

        A method group is a path segment without an operation of its own whose paths below are all fixed paths
        one segment deeper with a single GET each, at least two of them: `/reports/aging` and
        `/reports/job` give `reports.aging()` and `reports.job()`. A child segment the config's
        `resource_names` names stays a resource.
        """
        below: dict[str, list[str]] = defaultdict(list)
        for path in by_path:
            segments = path.strip("/").split("/")
            for depth in range(prefix + 1, len(segments)):
                below["/" + "/".join(segments[:depth])].append(path)
        names: dict[tuple[str, str], str] = {}
        for group, paths in below.items():
            children = [p for p in paths if p.count("/") == group.count("/") + 1]
            if group in by_path or "{" in group or len(children) < 2 or len(children) != len(paths):
                continue
            if any("{" in p or by_path[p] != ["get"] for p in children):
                continue
            for child in children:
                word = child.rsplit("/", 1)[1]
                if word not in self.config.resource_names and not _VERSION_SEGMENT.match(word):
                    names[(child, "get")] = snake_case(word, "method")
        return names

    def _method_names(
        self,
        drafts: list[tuple[tuple[str, ...], str, str, dict[str, Any]]],
        singletons: set[tuple[str, str]],
        shaped: dict[tuple[str, str], str],
    ) -> list[str]:
        """Verb-style names where they are unique within a resource, operationId-style otherwise.

        `singletons` are the (path, method) of GETs of one thing below an item (`/files/{id}/content`);
        `shaped` the names of actions and method groups' methods.
        """
        proposed = [
            shaped.get((path, method)) or self._verb_name(path, method, (path, method) in singletons)
            for _, path, method, _ in drafts
        ]
        counts: dict[tuple[tuple[str, ...], str], int] = defaultdict(int)
        for (resource, *_), name in zip(drafts, proposed):
            counts[(resource, name)] += 1
        # A method may not take the name of a child resource (`timetracking.list` the resource vs the method).
        children: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for resource, *_ in drafts:
            for depth in range(1, len(resource)):
                children[resource[:depth]].add(resource[depth])
        taken: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for resource in {d[0] for d in drafts}:
            taken[resource] = {n.lower() for n in RESERVED_RESOURCE_ATTRIBUTES | children[resource]}
        result, wanted = [], []
        overrides = {key: name.rsplit(".", 1)[-1] for key, name in self.config.method_names.items()}
        for (resource, path, method, op), name in zip(drafts, proposed):
            override = overrides.get(f"{method.upper()} {path}")
            if override:
                name = override
                if name.lower() in {n.lower() for n in RESERVED_RESOURCE_ATTRIBUTES}:
                    self._method_name_error(f"{method.upper()} {path}", f"'{name}' is an attribute every resource has")
                if name.lower() in {n.lower() for n in children[resource]}:
                    self._method_name_error(f"{method.upper()} {path}", f"'{'.'.join(resource)}.{name}' is a resource")
            elif counts[(resource, name)] > 1 or name in children[resource]:
                name = self._fallback_name(resource, path, method, op)
            wanted.append(name)
            result.append(unique(name, taken[resource]))
        self._check_method_clashes(drafts, wanted, result)
        return result

    def _placed(self, drafts: list[Any], present: set[str]) -> list[Any]:
        """Drafts with the resource path a dotted `method_names` value gives (`qbd.health_check` -> `qbd`);
        every `method_names` key checked against the spec."""
        for key, name in self.config.method_names.items():
            if key not in present:
                self._method_name_error(key, "the spec has no such operation")
            parts = name.split(".")[:-1]
            for depth, part in enumerate(parts):
                reserved = self.client_attributes if depth == 0 else RESERVED_RESOURCE_ATTRIBUTES
                if part in reserved:
                    where = "the client" if depth == 0 else "every resource"
                    self._method_name_error(key, f"'{part}' is an attribute of {where}; it cannot name a resource")
        placed = []
        for resource, path, method, op, item in drafts:
            name = self.config.method_names.get(f"{method.upper()} {path}", "")
            placed.append((tuple(name.split(".")[:-1]) if "." in name else resource, path, method, op, item))
        return placed

    def _check_method_clashes(self, drafts: list[Any], wanted: list[str], result: list[str]) -> None:
        """A configured method name that another method of its resource has (or would have) is an error."""
        configured: dict[tuple[tuple[str, ...], str], str] = {}
        for (resource, path, method, _), name in zip(drafts, wanted):
            key = f"{method.upper()} {path}"
            if key in self.config.method_names:
                configured.setdefault((resource, name.lower()), key)
        for (resource, path, method, _), name, final in zip(drafts, wanted, result):
            key = f"{method.upper()} {path}"
            owner = configured.get((resource, name.lower()))
            if owner is not None and owner != key:
                self._method_name_error(owner, f"'{'.'.join((*resource, name))}' is also the name of {key}")
            if key in self.config.method_names and final != name:
                self._method_name_error(key, f"'{'.'.join((*resource, name))}' is taken by another method")

    def _body_name_error(self, key: str, message: str) -> NoReturn:
        where = "/body_names/" + key.replace("~", "~0").replace("/", "~1")
        raise GeneratorError(Problem(f"body_names {key}: {message}", self.config.file, where))

    def _method_name_error(self, key: str, message: str) -> NoReturn:
        where = "/method_names/" + key.replace("~", "~0").replace("/", "~1")
        raise GeneratorError(Problem(f"method_names {key}: {message}", self.config.file, where))

    def _is_singleton(self, path: str, method: str, op: Target, item: Target) -> bool:
        """A GET of a fixed word below an item (`/files/{id}/content`) that answers with one thing, not many, or a
        GET of a path without path parameters (`/company`) that answers with one object.

        Many: an array, a page (the config's or a paging query parameter), an object holding an array of items
        (`data`, ... or one named like the path), or what an operationId calls a list.
        """
        segments = path.strip("/").split("/")
        if method != "get" or segments[-1].startswith("{"):
            return False
        below_item = len(segments) >= 2 and segments[-2].startswith("{")
        if not below_item and any(s.startswith("{") for s in segments):
            return False
        operation_id = op.value.get("operationId")
        if isinstance(operation_id, str) and {"list", "search"} & set(snake_case(operation_id, "op").split("_")):
            return False
        configured = self.config.pagination.get(f"GET {path}")
        if configured is not None and configured.style != "none":
            return False
        schema = self._success_schema(op)
        if schema is None:
            return below_item  # a download, text or no body; without a path parameter, only an object is one thing
        if _schema_type(self.spec, schema) == "array":
            return False
        found = self.types.object_properties(schema.value, schema.file, schema.pointer)
        if not below_item and found is None and _schema_type(self.spec, schema) != "object":
            return False
        fields = found or []
        arrays = [wire for wire, prop, _ in fields if _schema_type(self.spec, prop) == "array"]
        paging = _CURSOR_PARAMS + _OFFSET_PARAMS + _PAGE_PARAMS + _LIMIT_PARAMS
        query = self._query_names(item, op)
        own = snake_case(segments[-1], "resource")
        named = [snake_case(wire, "field") for wire in arrays]
        if any(w in _ITEMS_FIELDS or own.endswith(n) or n.endswith(own) for w, n in zip(arrays, named)):
            return False
        return not query & set(paging)

    @staticmethod
    def _verb_name(path: str, method: str, singleton: bool) -> str:
        item = path.rstrip("/").endswith("}")
        if method == "get":
            return "retrieve" if item or singleton else "list"
        if method == "post":
            return "update" if item else "create"
        if method in ("put", "patch"):
            return "update"
        if method == "delete":
            return "delete"
        return method

    @staticmethod
    def _fallback_name(resource: tuple[str, ...], path: str, method: str, op: dict[str, Any]) -> str:
        operation_id = op.get("operationId")
        if isinstance(operation_id, str) and operation_id.strip():
            return snake_case(operation_id, method)
        tail = [snake_case(s) for s in path.strip("/").split("/") if s.startswith("{")]
        return snake_case("_".join([method, "by", *tail]) if tail else method, method)

    # --- parameters ---------------------------------------------------------------------------

    def _query_names(self, item: Target, op: Target) -> set[str]:
        """The wire names of an operation's query parameters (its path item's too), types left unbuilt."""
        names: set[str] = set()
        for owner in (item, op):
            params = owner.value.get("parameters")
            for index, raw in enumerate(params if isinstance(params, list) else []):
                data = self._follow(raw, owner.file, f"{owner.pointer}/parameters/{index}").value
                if isinstance(data, dict) and data.get("in") == "query" and isinstance(data.get("name"), str):
                    names.add(data["name"])
        return names

    def _parameters(self, item: Target, op: Target, path: str, hint: Hint) -> list[Parameter]:
        merged: dict[tuple[str, str], Parameter] = {}
        for owner in (item, op):
            params = owner.value.get("parameters")
            if not isinstance(params, list):
                continue
            for index, raw in enumerate(params):
                target = self._follow(raw, owner.file, f"{owner.pointer}/parameters/{index}")
                param = self._parameter(target, hint)
                if param is not None:
                    merged[(param.location, param.wire_name)] = param
        order = {name: i for i, name in enumerate(_path_names(path))}
        return sorted(merged.values(), key=lambda p: (p.location != "path", order.get(p.wire_name, 0)))

    def _parameter(self, target: Target, params_hint: Hint) -> Parameter | None:
        data = target.value
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            return None
        location = data.get("in")
        if location not in ("path", "query", "header", "cookie"):
            return None
        wire = data["name"]
        if location == "header" and wire.lower() in IGNORED_HEADERS:
            return None
        if location == "header" and not _HEADER_NAME.match(wire):
            message = f"header parameter name {wire!r} is not a valid HTTP header name; calls that send it will fail"
            self.warnings.append(Problem(message, str(target.file), target.pointer))
        schema, schema_pointer = data.get("schema"), f"{target.pointer}/schema"
        content = data.get("content")
        if schema is None and isinstance(content, dict) and content:
            media, media_object = next(iter(content.items()))
            schema_pointer = pointer_from_parts(["content", media, "schema"])
            schema = media_object.get("schema") if isinstance(media_object, dict) else None
            schema_pointer = target.pointer + schema_pointer
        hint = params_hint.below(pascal_case(wire, "Param"))
        node = self.nodes.parameter(data, target.file, target.pointer)
        type_ = self.types.request_type(schema or {}, target.file, schema_pointer, hint) if schema is not None else STR
        required = location == "path" or data.get("required") is True
        style = str(data["style"]) if isinstance(data.get("style"), str) else "form"
        explode = bool(data["explode"]) if isinstance(data.get("explode"), bool) else style == "form"
        return Parameter(
            name=snake_case(wire, "param"),
            wire_name=wire,
            location=location,
            required=required,
            type=type_,
            description=_text(data.get("description")) or _schema_description(self.spec, schema, target.file),
            schema=_resolved_schema(self.spec, schema, target.file),
            deprecated=data.get("deprecated") is True,
            style=style if location == "query" else "form",
            explode=explode if location == "query" else True,
            example=parameter_example(
                node.example,
                dict(node.examples),
                self.graph.schema(schema if schema is not None else {}, target.file, schema_pointer),
            ),
        )

    # --- request body -------------------------------------------------------------------------

    def _body(self, op: Target, hint: Hint, key: str) -> tuple[RequestBody | None, list[Parameter]]:
        raw = op.value.get("requestBody")
        if raw is None:
            return None, []
        target = self._follow(raw, op.file, f"{op.pointer}/requestBody")
        content = target.value.get("content") if isinstance(target.value, dict) else None
        if not isinstance(content, dict) or not content:
            return None, []
        media_type = self._body_media_type(target, content, hint)
        media = content[media_type] if isinstance(content[media_type], dict) else {}
        schema = media.get("schema", {})
        schema_pointer = target.pointer + pointer_from_parts(["content", media_type, "schema"])
        kind = _body_kind(media_type)
        part_types = _part_types(media) if kind == "multipart" else ()
        required = target.value.get("required") is True
        resolved = _resolved_schema(self.spec, schema, target.file)
        properties = self.types.object_properties(schema, target.file, schema_pointer) if kind != "raw" else None
        if properties:
            # A property the body schema requires is a required argument, even where the spec forgot to
            # mark the body itself required (as most do): calling without it cannot succeed.
            # The body's example as a whole decides the arguments' examples: where the body is a oneOf/anyOf of
            # members that require different properties, the one it picked brings its own in.
            whole = example_value(self.graph.schema(schema, target.file, schema_pointer))
            built = whole if isinstance(whole, dict) else {}
            params = [
                self._body_parameter(wire, prop, is_required, hint, built) for wire, prop, is_required in properties
            ]
            for wire in self.types.undeclared_required(schema, target.file, schema_pointer):
                # required but not declared: the schema says nothing of its value, yet a call must send the key
                params.append(
                    Parameter(
                        snake_case(wire, "field"), wire, "body", True, ANY, None, {}, example=built.get(wire, "string")
                    )
                )
            return RequestBody(media_type, kind, required, True, resolved, part_types), params
        type_ = self.types.request_type(schema, target.file, schema_pointer, hint.below("Body"))
        if kind == "raw":
            type_ = RAW_BODY
        body_param = Parameter(
            self.config.body_names.get(key, "body"), "body", "body", required, type_, _text(target.value.get("description")), resolved,
            example=example_value(self.graph.schema(schema, target.file, schema_pointer)),
        )  # fmt: skip
        return RequestBody(media_type, kind, required, False, resolved, part_types), [body_param]

    def _body_media_type(self, body: Target, content: dict[str, Any], hint: Hint) -> str:
        """JSON where offered, unless a multipart form is offered too and has a file field."""
        preferred = _preferred_media_type(list(content))
        multipart = next((m for m in content if m.startswith("multipart/")), None)
        if multipart and is_json(preferred) and isinstance(content[multipart], dict):
            pointer = body.pointer + pointer_from_parts(["content", multipart, "schema"])
            for wire, prop, _ in (
                self.types.object_properties(content[multipart].get("schema", {}), body.file, pointer) or []
            ):
                field_hint = hint.below(pascal_case(wire, "Field"))
                if t.contains_file(self.types.request_type(prop.value, prop.file, prop.pointer, field_hint).tree):
                    return multipart
        return preferred

    def _body_parameter(
        self, wire: str, prop: Target, required: bool, hint: Hint, body_example: dict[str, Any]
    ) -> Parameter:
        """A body property as an argument; its example is the body example's value for it, when that has one."""
        type_ = self.types.request_type(prop.value, prop.file, prop.pointer, hint.below(pascal_case(wire, "Field")))
        resolved = self._follow(prop.value, prop.file, prop.pointer).value
        if isinstance(resolved, dict) and resolved.get("readOnly") is True:
            required = False
        description = None
        if isinstance(prop.value, dict):
            description = _text(prop.value.get("description"))
        if description is None:
            description = _schema_description(self.spec, prop.value, prop.file)
        deprecated = isinstance(resolved, dict) and resolved.get("deprecated") is True
        location: Location = "body"
        in_example = (
            wire in body_example
            and not required
            and not (isinstance(resolved, dict) and resolved.get("readOnly") is True)
        )
        return Parameter(
            snake_case(wire, "field"), wire, location, required, type_, description, resolved, deprecated,
            example=body_example[wire] if wire in body_example else example_value(self.graph.schema(prop.value, prop.file, prop.pointer)), in_example=in_example,
        )  # fmt: skip

    # --- responses ----------------------------------------------------------------------------

    def _success_response(self, op: Target) -> tuple[Target, str] | None:
        responses = op.value.get("responses")
        if not isinstance(responses, dict):
            return None
        codes = sorted(str(c) for c in responses if str(c).startswith("2"))
        if not codes:  # an operation whose only documented outcome is a redirect (`303 See Other`)
            codes = sorted(str(c) for c in responses if str(c).startswith("3"))
        if not codes and "default" in responses:
            codes = ["default"]
        if not codes:
            return None
        code = codes[0]
        raw = responses[code] if code in responses else responses[int(code)]
        return self._follow(raw, op.file, f"{op.pointer}/responses/{code}"), code

    def _return_type(self, op: Target, hint: Hint) -> TypeRef:
        found = self._success_response(op)
        if found is None:
            return NONE
        response, _ = found
        content = response.value.get("content") if isinstance(response.value, dict) else None
        if not isinstance(content, dict) or not content:
            return NONE
        media_type = _preferred_media_type(list(content))
        media = content[media_type] if isinstance(content[media_type], dict) else {}
        if is_json(media_type):
            schema = media.get("schema")
            if schema is None:
                return ANY
            pointer = response.pointer + pointer_from_parts(["content", media_type, "schema"])
            returned = self.types.response_type(schema, response.file, pointer, hint)
            # a map (or a union led by one: a nullable map) defined inline becomes a named alias
            if isinstance(t.union_members(returned.tree)[0], t.MapOf) and not (
                isinstance(schema, dict) and "$ref" in schema
            ):
                returned = self.types.named_response_map(schema, response.file, pointer, hint)
            # Another success status without a body (a 204 beside a 200) returns None.
            return optional(returned) if self._has_empty_success(op) else returned
        if media_type.startswith("text/"):
            return STR
        return BYTES

    def _has_empty_success(self, op: Target) -> bool:
        responses = op.value.get("responses")
        for code, raw in (responses or {}).items() if isinstance(responses, dict) else ():
            if str(code).startswith("2"):
                response = self._follow(raw, op.file, f"{op.pointer}/responses/{code}").value
                if not (isinstance(response, dict) and response.get("content")):
                    return True
        return False

    def _response_schema(self, op: Target) -> Any:
        found = self._success_response(op)
        if found is None:
            return None
        content = found[0].value.get("content") if isinstance(found[0].value, dict) else None
        if not isinstance(content, dict) or not content:
            return None
        media = content[_preferred_media_type(list(content))]
        return _resolved_schema(self.spec, media.get("schema"), found[0].file) if isinstance(media, dict) else None

    # --- security -----------------------------------------------------------------------------

    def _security(self, op: dict[str, Any]) -> tuple[str, ...]:
        requirements = op.get("security", self.spec.root.get("security"))
        if not isinstance(requirements, list):
            return ()
        for alternative in requirements:
            if not isinstance(alternative, dict):
                continue
            if not alternative:
                return ()  # `{}`: this operation may be called without credentials
            names = [self.credential_for_scheme.get(scheme) for scheme in alternative]
            if all(names):
                return tuple(n for n in names if n)
        return ()


def build_resources(operations: list[Operation], classes: dict[tuple[str, ...], str]) -> tuple[Resource, ...]:
    """Arrange operations into a tree of resources (a `qbd` parent for `qbd.invoices`, ...)."""
    by_path: dict[tuple[str, ...], list[Operation]] = defaultdict(list)
    for operation in operations:
        by_path[operation.resource_path].append(operation)
        for depth in range(1, len(operation.resource_path)):
            by_path.setdefault(operation.resource_path[:depth], [])

    def make(path: tuple[str, ...], folder: tuple[str, ...]) -> Resource:
        """`folder`: the packages under `resources/` (and `tests/api_resources/`) the resource's module sits in."""
        children = sorted(p for p in by_path if len(p) == len(path) + 1 and p[: len(path)] == path)
        class_name = classes[path]
        name = path[-1]
        # A group is a package: its own classes in a module of its name, unless a child takes that name.
        package = (*folder, name) if children else ()
        own = unique(name, {c[-1].lower() for c in children}, separator="_") if children else name
        return Resource(
            path=path,
            class_name=f"{class_name}Resource",
            async_class_name=f"Async{class_name}Resource",
            module=".".join((*package, own) if children else (*folder, name)),
            operations=tuple(by_path[path]),
            children=tuple(make(child, (*folder, name)) for child in children),
            package=".".join(package),
            test_module=".".join((*folder, f"test_{name}")),
        )

    return tuple(make(path, ()) for path in sorted(p for p in by_path if len(p) == 1))


def check_resource_names(operations: list[Operation]) -> None:
    """A child resource may not share its name with a method of its parent."""
    methods = {(op.resource_path, op.name): op for op in operations}
    for op in operations:
        for depth in range(1, len(op.resource_path)):
            parent, child = op.resource_path[:depth], op.resource_path[depth]
            clash = methods.get((parent, child))
            if clash is not None:
                raise GeneratorError(
                    Problem(
                        f"method '{'.'.join(parent)}.{child}' ({clash.http_method} {clash.path}) has the same name "
                        f"as the resource '{'.'.join(op.resource_path[: depth + 1])}'; rename one with "
                        "'method_names' or 'resource_names' in the config",
                        clash.source.split("#")[0],
                        clash.source.split("#", 1)[1],
                    )
                )


def _renamed(param: Parameter, name: str) -> Parameter:
    return dataclasses.replace(param, name=name)


def _common_prefix(paths: list[str]) -> int:
    """How many leading static segments all paths share (like `/v2`), when there are several paths."""
    if len(set(paths)) < 2:
        return 0
    split = [[s for s in p.strip("/").split("/") if s] for p in paths]
    count = 0
    for segments in zip(*split):
        if len(set(segments)) != 1 or segments[0].startswith("{"):
            break
        count += 1
    shortest = min(len(s) for s in split)
    return min(count, max(shortest - 1, 0))


@dataclasses.dataclass
class _ListShape:
    """A list response and its operation's query parameters, as pagination detection reads them."""

    builder: OperationBuilder
    model: str
    fields: dict[str, Target]
    items: str
    item: TypeRef
    query: dict[str, Parameter]  # by wire name

    @property
    def items_attribute(self) -> str:
        return self.builder.types.field_name(self.model, self.items) or self.items

    def path(self, wire: str) -> tuple[str, Target] | None:
        """The attribute path of the response property `wire` (or of a dotted path into nested objects,
        `meta.next_page_url`) and its schema; None when there is no such property."""
        return self._path(self.model, self.fields, wire)

    def _path(self, model: str, fields: dict[str, Target], wire: str) -> tuple[str, Target] | None:
        if wire in fields:  # a property whose name has a dot in it wins over a nested path
            name = self.builder.types.field_name(model, wire)
            return (name, fields[wire]) if name else None
        head, dot, rest = wire.partition(".")
        nested_model = self.builder.types.field_model(model, head) if dot and head in fields else None
        nested_fields = self.builder._properties(fields[head]) if nested_model else None
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
            if not found or (type_ is not None and _schema_type(self.builder.spec, found[1]) != type_):
                continue
            if urls or _schema_format(self.builder.spec, found[1]) not in _URL_FORMATS:
                return found[0]
        return None

    def param(self, candidates: tuple[str, ...], type_: str | None = None) -> str | None:
        """The first candidate query parameter present (and of JSON type `type_`, if given)."""
        return next(
            (c for c in candidates if c in self.query and (type_ is None or _json_type(self.query[c].schema) == type_)),
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
        cursor = self.param(_CURSOR_PARAMS)
        # spotify: `cursors.after` is the value for `?after=`; the `next` beside it is a URL, not a cursor
        echoed = self.find((f"cursors.{cursor}",)) if cursor else None
        # jira's `next` beside `?after=` is `format: uri`: a next-page URL, not a cursor
        next_cursor = echoed or self.find(_NEXT_CURSOR_FIELDS, nested=_NESTED_CURSOR_FIELDS, urls=False)
        token_page = self.param(_PAGE_PARAMS, "string")  # `page` as text: an opaque token, never a number
        page_token = self.find(_PAGE_TOKEN_FIELDS) if token_page else None
        after_item = self.param(_AFTER_ITEM_PARAMS)
        scheme: tuple[str, str | None, str | None]  # page class, query parameter, next field
        if cursor and next_cursor:
            scheme = ("CursorPage", cursor, next_cursor)
        elif token_page and page_token:
            scheme = ("CursorPage", token_page, page_token)
        elif after_item and has_more and item_id:  # openai, resend: the next page starts after the last item
            scheme = ("LastItemIDPage", after_item, self.find(_LAST_ID_FIELDS, "string"))
        elif offset := self.param(_OFFSET_PARAMS):
            scheme = ("OffsetPage", offset, None)
        elif number := self.param(_PAGE_PARAMS, "integer"):
            scheme = ("PageNumberPage", number, None)
        elif next_url := self.find(_NEXT_URL_FIELDS, "string", nested=_NEXT_URL_FIELDS):
            scheme = ("NextURLPage", None, next_url)
        else:
            return None
        inverted = has_more is None and self.find(("isLast",), "boolean") is not None
        last_item = scheme[0] == "LastItemIDPage"
        numbered = scheme[0] == "PageNumberPage"
        return Pagination(
            scheme[0], self.item, self.items_attribute, scheme[1], scheme[2], self.find(("isLast",)) if inverted else has_more,
            inverted, self.find(_TOTAL_FIELDS, "integer", nested=_TOTAL_FIELDS), item_id if last_item else None,
            self.find(_TOTAL_PAGES_FIELDS, "integer", nested=_TOTAL_PAGES_FIELDS) if numbered else None,
        )  # fmt: skip


def _json_type(schema: Any) -> str | None:
    """The JSON type a (resolved) schema declares, `null` aside."""
    type_ = schema.get("type") if isinstance(schema, dict) else None
    if isinstance(type_, list):
        type_ = next((t for t in type_ if t != "null"), None)
    return type_ if isinstance(type_, str) else None


def _schema_type(spec: Spec, target: Target) -> str | None:
    try:
        schema = spec.follow(target.value, target.file, target.pointer).value
    except RefError:
        return None
    type_ = schema.get("type") if isinstance(schema, dict) else None
    if isinstance(type_, list):
        type_ = next((t for t in type_ if t != "null"), None)
    if type_ is None and isinstance(schema, dict) and "items" in schema:
        return "array"
    return type_ if isinstance(type_, str) else None


_URL_FORMATS = ("uri", "uri-reference", "url", "iri", "iri-reference")


def _schema_format(spec: Spec, target: Target) -> str | None:
    try:
        schema = spec.follow(target.value, target.file, target.pointer).value
    except RefError:
        return None
    format_ = schema.get("format") if isinstance(schema, dict) else None
    return format_ if isinstance(format_, str) else None


def _escape_token(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _is_param(segment: str) -> bool:
    return segment.startswith("{")


def _path_names(path: str) -> list[str]:
    return [s[1:-1] for s in path.split("/") if s.startswith("{") and s.endswith("}")]


def _preferred_media_type(media_types: list[str]) -> str:
    for predicate in (is_json, lambda m: m.startswith("multipart/"), lambda m: m.startswith("application/x-www")):
        for media_type in media_types:
            if predicate(media_type):
                return media_type
    return media_types[0]


# One concrete media type, optionally with parameters: what a part's Content-Type header may carry. A
# wildcard or a list ("image/png, image/jpeg") leaves the choice to the caller's file.
_PART_TYPE = re.compile(
    r"[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+(?:; ?[A-Za-z0-9!#$&^_.+-]+=[A-Za-z0-9!#$&^_.+-]+)*"
)


def _part_types(media: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """The content types a multipart body's `encoding` declares for its parts, by part name."""
    encoding = media.get("encoding")
    if not isinstance(encoding, dict):
        return ()
    found = []
    for name, entry in encoding.items():
        content_type = entry.get("contentType") if isinstance(entry, dict) else None
        if isinstance(name, str) and isinstance(content_type, str) and _PART_TYPE.fullmatch(content_type):
            found.append((name, content_type))
    return tuple(sorted(found))


def _body_kind(media_type: str) -> BodyKind:
    if is_json(media_type):
        return "json"
    if media_type.startswith("multipart/"):
        return "multipart"
    if media_type.startswith("application/x-www-form-urlencoded"):
        return "form"
    return "raw"


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _resolved_schema(spec: Spec, schema: Any, file: Path) -> Any:
    """The schema with a top-level `$ref` followed (nested refs stay, as written)."""
    if schema is None:
        return None
    try:
        return spec.follow(schema, file, "").value
    except RefError:
        return schema


def _schema_description(spec: Spec, schema: Any, file: Path) -> str | None:
    resolved = _resolved_schema(spec, schema, file)
    if isinstance(resolved, dict) and isinstance(resolved.get("description"), str):
        return _text(resolved["description"])
    return None
