"""Known causes of corpus failures that are not the generated client's: each found from evidence (Prism's
answer, the spec, the value that was sent), never from the operation's name.

`explain(...)` returns a short note for the report, or None. A note explains a failure; it never changes the
failure's column.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tests.support.corpus.specdoc import Node, SpecDocs, SpecOperation

# RFC 6838 / RFC 9110: type "/" subtype, each a token; what Prism's content-type parser accepts
_MEDIA_TYPE = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+/[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_REQUIRED_QUERY = re.compile(r"Request query must have required property '([^']+)'")
_BODY_NOT_OBJECT = re.compile(r"request\.body\.([\w.-]+): Request body property [\w.-]+ must be object")
_QUERY_NOT_NUMBER = re.compile(r"query\.([\w.-]+): Request query parameter [\w.-]+ must be (integer|number)")


def explain(
    docs: SpecDocs, op: SpecOperation | None, call: dict[str, Any], outcome: str, detail: str, extra: dict[str, Any]
) -> str | None:
    for check in (_prism_crash, _transfer_encoding, _null_only_query, _encoded_parameter_name, _multipart_json_part):
        note = check(docs, op, call, outcome, detail or "", extra)
        if note:
            return note
    return None


def explain_sample(
    docs: SpecDocs, op: SpecOperation | None, operation: dict[str, Any] | None, record: dict[str, Any], source: str
) -> str | None:
    """A note for a code sample's failure that the operation report cannot have met (it calls each operation
    once: a sample that walks a list fetches the next pages too). `operation` is the operation as
    `python -m generator inspect --json` describes it, `record` what the sample runner wrote, `source` the sample."""
    return _cursor_of_another_type(docs, op, operation or {}, record, source)


def _cursor_of_another_type(
    docs: SpecDocs, op: SpecOperation | None, operation: dict[str, Any], record: dict[str, Any], source: str
) -> str | None:
    pagination = operation.get("pagination") or {}
    param, next_ = pagination.get("param"), pagination.get("next")
    if record.get("outcome") != "rejected" or op is None or not isinstance(param, str) or not isinstance(next_, str):
        return None
    kinds = [kind for name, kind in _QUERY_NOT_NUMBER.findall(str(record.get("detail") or "")) if name == param]
    sent = parse_qs(urlsplit(str(record.get("url") or "")).query).get(param)
    names = [p["name"] for p in operation.get("parameters", []) if p.get("location") == "query" and p.get("wire_name") == param]
    if not kinds or not sent or not names or re.search(rf"\b{re.escape(names[0])}=", source):
        return None  # the sample does not pass the cursor itself: the client took it from the page before
    schema = docs.success_response_schema(op)
    declared = _field_types(docs, schema, next_.split(".")) if schema is not None else []
    if "string" not in declared:
        return None
    return (
        f"the next page's request sends back the page before's cursor {sent[0]!r}: the spec declares the response's "
        f"`{next_}` a string but the query parameter {param!r} {'an' if kinds[0] == 'integer' else 'a'} {kinds[0]}, and "
        "static Prism makes the cursor up "
        "from that schema, so its own check of the parameter refuses it (the spec's types disagree; a real cursor "
        "of digits passes)"
    )


def _field_types(docs: SpecDocs, schema: Node, path: list[str], depth: int = 0) -> list[str]:
    """The types declared for the field at the dotted attribute `path` of a response schema (allOf merged)."""
    node = docs.try_resolve(schema)
    if node is None or not isinstance(node.value, dict) or depth > 16:
        return []
    if not path:
        declared = node.value.get("type")
        found = [declared] if isinstance(declared, str) else [t for t in declared if isinstance(t, str)] if isinstance(declared, list) else []
        for index in range(len(node.value.get("allOf") or [])):
            found += _field_types(docs, node.child("allOf", index), [], depth + 1)
        return found
    properties = node.value.get("properties")
    for name in properties if isinstance(properties, dict) else {}:
        if _attribute(name) == _attribute(path[0]):
            return _field_types(docs, node.child("properties", name), path[1:], depth + 1)
    for index in range(len(node.value.get("allOf") or [])):
        found = _field_types(docs, node.child("allOf", index), path, depth + 1)
        if found:
            return found
    return []


def _attribute(name: str) -> str:
    """A property's wire name and the generated attribute compare equal: `nextCursor`, `next_cursor`."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


def _media_types(docs: SpecDocs, op: SpecOperation) -> list[str]:
    """Every media type the operation's request body and responses declare."""
    found: list[str] = []
    if op.operation is None:
        return found
    body = docs.try_resolve(op.operation.child("requestBody"))
    if body is not None and isinstance(body.value, dict) and isinstance(body.value.get("content"), dict):
        found += list(body.value["content"])
    responses = op.operation.value.get("responses")
    if isinstance(responses, dict):
        for code in responses:
            response = docs.try_resolve(op.operation.child("responses", code))
            if (
                response is not None
                and isinstance(response.value, dict)
                and isinstance(response.value.get("content"), dict)
            ):
                found += list(response.value["content"])
    return found


def _prism_crash(
    docs: SpecDocs, op: SpecOperation | None, call: dict[str, Any], outcome: str, detail: str, extra: dict[str, Any]
) -> str | None:
    if not extra.get("prism_crashed") or op is None:
        return None
    invalid = sorted({m for m in _media_types(docs, op) if not _MEDIA_TYPE.match(m.split(";", 1)[0].strip())})
    if invalid:
        return (
            f"the spec declares the media type {', '.join(repr(m) for m in invalid)}, which is not a valid "
            "type/subtype (RFC 6838); Prism's content-type parser throws on it outside any error handler and the "
            "whole server exits (a spec defect and a Prism bug)"
        )
    return "Prism's process exited while answering this request (a Prism bug)"


def _transfer_encoding(
    docs: SpecDocs, op: SpecOperation | None, call: dict[str, Any], outcome: str, detail: str, extra: dict[str, Any]
) -> str | None:
    if outcome != "client_error" or "Transfer-Encoding" not in detail or op is None or op.operation is None:
        return None
    responses = op.operation.value.get("responses")
    for code in responses if isinstance(responses, dict) else []:
        response = docs.try_resolve(op.operation.child("responses", code))
        headers = response.value.get("headers") if response is not None and isinstance(response.value, dict) else None
        if isinstance(headers, dict) and any(name.lower() == "transfer-encoding" for name in headers):
            return (
                f"the spec documents a `Transfer-Encoding` header on its {code} response; Prism sends it with a "
                "value made up from its schema ('string') beside Content-Length, which is not valid HTTP/1.1, and "
                "httpx rightly refuses the response (a Prism bug)"
            )
    return None


def _null_only_query(
    docs: SpecDocs, op: SpecOperation | None, call: dict[str, Any], outcome: str, detail: str, extra: dict[str, Any]
) -> str | None:
    if outcome != "rejected":
        return None
    for name in _REQUIRED_QUERY.findall(detail):
        value = _argument(call, "query", name)
        if value is _MISSING:
            continue
        if value is None or (isinstance(value, list) and all(v is None for v in value)):
            return (
                f"the only values the spec allows for the required query parameter {name!r} are null, and a query "
                "string has no null (the client omits null values, as RFC 6570 does): no request can pass (a spec defect)"
            )
    return None


def _encoded_parameter_name(
    docs: SpecDocs, op: SpecOperation | None, call: dict[str, Any], outcome: str, detail: str, extra: dict[str, Any]
) -> str | None:
    if outcome != "rejected":
        return None
    for name in _REQUIRED_QUERY.findall(detail):
        decoded = unquote(name)
        if decoded != name and _argument(call, "query", decoded) is not _MISSING:
            return (
                f"Prism looks the query parameter {decoded!r} up under its percent-encoded name {name!r}; the client "
                "sends the spec's name (form-encoded), which Prism decodes and then does not find: only a "
                "double-encoded name passes (a Prism bug)"
            )
    return None


def _multipart_json_part(
    docs: SpecDocs, op: SpecOperation | None, call: dict[str, Any], outcome: str, detail: str, extra: dict[str, Any]
) -> str | None:
    if outcome != "rejected" or not str(call.get("body_content_type") or "").startswith("multipart/"):
        return None
    names = _BODY_NOT_OBJECT.findall(detail)
    if names and all(isinstance(_argument(call, "body", n), dict) for n in names):
        return (
            "Prism reads every part of a multipart body as a string and never parses one as JSON (whatever its "
            "Content-Type), so an object property of a multipart body cannot pass unless the spec gives it an "
            "`encoding` style; the client sends it as an application/json part, OpenAPI's default (a Prism limitation)"
        )
    return None


_MISSING = object()


def _argument(call: dict[str, Any], location: str, wire_name: str) -> Any:
    """The value sent for a parameter, by its location and wire name; _MISSING when none was sent."""
    for python_name, (where, wire) in (call.get("wire") or {}).items():
        if where == location and wire == wire_name and python_name in call.get("kwargs", {}):
            return call["kwargs"][python_name]
    return _MISSING
