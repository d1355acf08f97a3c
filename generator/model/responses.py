"""An operation's success response: what its method returns, asks for (`Accept`), or streams."""

from __future__ import annotations

from generator.model import types as t
from generator.model.ir import Parameter, Streaming, TypeRef
from generator.model.media import is_event_stream, is_json, preferred_media_type
from generator.model.schemas import ANY, NONE, Hint, SchemaTypes, optional
from generator.spec.nodes import MediaType, Operation, Response, Schema

STR = TypeRef(t.STRING)
BYTES = TypeRef(t.Primitive("bytes"))
# The items of a stream whose spec gives no schema: each event as received (event, data, id, retry).
SERVER_SENT_EVENT = TypeRef(t.ServerSentEvent())
# The boolean body property that turns a JSON answer into a stream (as openai and others name it).
STREAM_SWITCH = "stream"
_BOOLEAN = t.Primitive("boolean")


def success_response(op: Operation) -> tuple[Response, str] | None:
    """The first 2xx response (by status), else the first 3xx (an operation whose only documented outcome is a
    redirect, `303 See Other`), else `default`; with its status as written."""
    if op.responses is None:
        return None
    codes = sorted(code for code in op.responses if code.startswith("2"))
    if not codes:
        codes = sorted(code for code in op.responses if code.startswith("3"))
    if not codes and "default" in op.responses:
        codes = ["default"]
    return (op.responses[codes[0]], codes[0]) if codes else None


def _content(op: Operation) -> dict[str, MediaType] | None:
    """The success response's media types, None when it has none."""
    found = success_response(op)
    content = found[0].content if found is not None else None
    return dict(content) if content else None


def redirect_success(op: Operation) -> tuple[int, ...]:
    """3xx statuses documented as the result of an operation that has no 2xx response."""
    found = success_response(op)
    return (int(found[1]),) if found and found[1].isdigit() and found[1].startswith("3") else ()


def accept(op: Operation) -> str | None:
    """The media type to ask for when the success response is not JSON (a download, text)."""
    content = _content(op)
    if content is None:
        return None
    media_type = preferred_media_type(list(content))
    return None if is_json(media_type) else media_type


def success_schema(op: Operation) -> Schema | None:
    """The JSON schema of the success response, where it has one."""
    content = _content(op)
    if content is None:
        return None
    media_type = preferred_media_type(list(content))
    return content[media_type].schema if is_json(media_type) else None


def response_schema(op: Operation) -> Schema | None:
    """The success response's schema (of its preferred media type), a top-level `$ref` followed."""
    content = _content(op)
    if content is None:
        return None
    schema = content[preferred_media_type(list(content))].schema
    return schema.resolved if schema is not None else None


def has_empty_success(op: Operation) -> bool:
    """Whether some 2xx response has no body (a 204 beside a 200)."""
    return any(
        not (response.is_mapping and response.content)
        for code, response in (op.responses or {}).items()
        if code.startswith("2")
    )


def return_type(op: Operation, types: SchemaTypes, hint: Hint) -> TypeRef:
    """What the method returns: the JSON success body's type, text, bytes, or None without a body."""
    content = _content(op)
    if content is None:
        return NONE
    media_type = preferred_media_type(list(content))
    if is_json(media_type):
        schema = content[media_type].schema
        if schema is None:
            return ANY
        returned = types.response_type(schema, hint)
        # a map (or a union led by one: a nullable map) defined inline becomes a named alias
        if isinstance(t.union_members(returned.tree)[0], t.MapOf) and not schema.has("$ref"):
            returned = types.named_response_map(schema, hint)
        # Another success status without a body (a 204 beside a 200) returns None.
        return optional(returned) if has_empty_success(op) else returned
    if media_type.startswith("text/"):
        return STR
    return BYTES


def streaming(op: Operation, types: SchemaTypes, hint: Hint, params: list[Parameter]) -> Streaming | None:
    """Server-sent events: the success response offers `text/event-stream`, alone or beside JSON that a
    boolean `stream` body property chooses between. Its items are the media type's `itemSchema` (3.2),
    else its `schema`; without either, each event as received."""
    found = success_response(op)
    if found is None or not found[0].is_mapping or found[0].content is None:
        return None
    content = found[0].content
    media_type = next((m for m in content if is_event_stream(m)), None)
    if media_type is None:
        return None
    switch = None
    if len(content) > 1:
        flag = next((p for p in params if p.location == "body" and p.wire_name == STREAM_SWITCH), None)
        # Another media type and nothing to choose the stream with: the other one stays the result.
        if (
            flag is None
            or flag.type.tree not in (_BOOLEAN, t.Union((_BOOLEAN, t.NONE)))
            or not is_json(preferred_media_type(list(content)))
        ):
            return None
        switch = flag.name
    media = content[media_type]
    item = media.item_schema if media.item_schema is not None else media.schema
    if item is None:
        return Streaming(SERVER_SENT_EVENT, switch)
    return Streaming(types.response_type(item, hint), switch)
