"""Hypothesis strategies for random, valid OpenAPI 3.0/3.1 documents made of hostile names and text.

`documents()` draws a `Drawn`: the document (plain JSON data), how to serialise it, and which
operation the round-trip test calls. `sample()` builds a value that satisfies a schema of such a
document, for request arguments and for the server's reply.
"""

from __future__ import annotations

import json
import keyword
import re
from dataclasses import dataclass
from typing import Any

import yaml
from hypothesis import strategies as st

PAYLOAD = "__import__('os')._exit(3)"

# --- names ------------------------------------------------------------------------------------------

_SDK_NAMES = [
    "client", "types", "resources", "Response", "BaseModel", "Field", "Literal", "Mapping", "cast", "NotGiven",
    "NOT_GIVEN", "Timeout", "APIError", "self", "cls", "timeout", "extra_headers", "extra_query", "extra_body",
    "with_raw_response", "with_streaming_response", "with_options", "copy", "close", "request", "base_url",
    "max_retries", "api_key", "model_config", "model_fields", "model_dump", "json", "dict", "schema", "validate",
    "_client", "_models", "_types", "pagination", "py.typed", "__init__", "SyncAPIResource", "discriminator",
    "Annotated", "List", "Dict", "FileTypes", "date", "datetime", "type_of", "warnings", "body", "path_params",
]  # fmt: skip
_BUILTINS = ["list", "dict", "id", "type", "print", "object", "str", "int", "float", "bool", "bytes", "len",
             "property", "super", "open", "exec", "eval", "compile", "input", "format", "hash", "iter", "next"]  # fmt: skip
_DUNDERS = ["__init__", "__class__", "__dict__", "__import__", "__builtins__", "__all__", "__name__", "__getattr__"]
_LOOKALIKES = ["fooBar", "foo_bar", "FooBar", "foo-bar", "foo.bar", "FOO_BAR", "foo__bar", "_foo_bar", "foo_bar_",
               "Foo", "foo", "FOO", "foo_2", "foo2"]  # fmt: skip
_ODD = ["2fa", "123", "1", "0x10", "café", "naïve", "名前", "Ωmega", "ñandú", "x" * 300, "A" * 120 + "b" * 120,
        "_", "__", "-", "a b", "v1", "api", "rest", "Ünïcödé_Ñame"]  # fmt: skip
NAMES = sorted(
    set(keyword.kwlist) | set(keyword.softkwlist) | set(_SDK_NAMES) | set(_BUILTINS) | set(_DUNDERS)
    | set(_LOOKALIKES) | set(_ODD)
)  # fmt: skip
_COMPONENT_NAME = re.compile(r"^[a-zA-Z0-9._-]+$")  # what OpenAPI allows as a component key
COMPONENT_NAMES = [n for n in NAMES if _COMPONENT_NAME.match(n)]
# Path parameter names sit inside `{...}` in a path template; query names can be anything.
PATH_PARAM_NAMES = [n for n in NAMES if not set(n) & set("/{}?#%")]
_HEADER_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
HEADER_NAMES = [n for n in NAMES if _HEADER_TOKEN.match(n) and n.lower() not in ("accept", "content-type", "authorization")]
SEGMENTS = [n for n in NAMES if not set(n) & set("/{}?#%") and n.strip()]

# --- text ---------------------------------------------------------------------------------------------

HOSTILE_TEXT = [
    '"""', "'''", '"', "'", "\\", "\\n", '\\"', "\\x00", "{{ x }}", "{% raw %}", "{#", "#}", "{", "}", "%s", "${x}",
    "\x00", "\x01", "\x1b[31m", "\x7f", "\r\n", "\r", "\n\n", "\t", "\u202e", "\u200f", "\u2066", "\u2028",
    "\ufeff", "\ud800", "\udfff", PAYLOAD, '"); ' + PAYLOAD + " #", '"""\n' + PAYLOAD + '\n"""', "# noqa",
    "*/", "</script>", "ß", "名前", "x" * 400,
]  # fmt: skip
SURROGATE = re.compile("[\ud800-\udfff]")


def text() -> st.SearchStrategy[str]:
    piece = st.sampled_from(HOSTILE_TEXT) | st.text(max_size=6) | st.sampled_from(NAMES)
    return st.lists(piece, max_size=4).map("".join)


# --- schemas ------------------------------------------------------------------------------------------


@dataclass
class Context:
    version: str  # "3.0.3" or "3.1.0"
    components: list[str]  # every component schema name
    objects: list[str]  # components that are object schemas (allOf may reference those before it)


def _nullable(draw: st.DrawFn, ctx: Context, schema: dict[str, Any]) -> dict[str, Any]:
    if "type" not in schema or not draw(st.booleans()):
        return schema
    if ctx.version.startswith("3.0"):
        return {**schema, "nullable": True}
    return {**schema, "type": [schema["type"], "null"]}


def _annotate(draw: st.DrawFn, schema: dict[str, Any]) -> dict[str, Any]:
    for key in ("description", "title"):
        if draw(st.integers(0, 3)) == 0:
            schema[key] = draw(text())
    return schema


@st.composite
def leaf_schema(draw: st.DrawFn, ctx: Context) -> dict[str, Any]:
    kinds = ["string", "integer", "number", "boolean", "enum", "int_enum", "ref", "datetime", "const"]
    kind = draw(st.sampled_from(kinds))
    if kind == "ref" and ctx.components:
        return {"$ref": "#/components/schemas/" + draw(st.sampled_from(ctx.components))}
    if kind == "enum":
        values = draw(st.lists(text(), min_size=1, max_size=5, unique=True))
        schema: dict[str, Any] = {"type": "string", "enum": values}
        if draw(st.booleans()):
            schema["default"] = values[0]
    elif kind == "int_enum":
        schema = {"type": "integer", "enum": draw(st.lists(st.integers(-(2**40), 2**40), min_size=1, max_size=4, unique=True))}
    elif kind == "datetime":
        schema = {"type": "string", "format": draw(st.sampled_from(["date-time", "date"]))}
    elif kind == "const" and ctx.version.startswith("3.1"):
        schema = {"type": "string", "const": draw(text())}
    elif kind in ("string", "integer", "number", "boolean"):
        schema = {"type": kind}
        if kind == "string" and draw(st.booleans()):
            schema["example"] = draw(text())
        if kind == "string" and draw(st.integers(0, 3)) == 0:
            schema["default"] = draw(text())
    else:
        schema = {"type": "string"}
    return _annotate(draw, _nullable(draw, ctx, schema))


def _has_ref(schema: Any) -> bool:
    return "$ref" in json.dumps(schema)


@st.composite
def object_schema(draw: st.DrawFn, ctx: Context, children: st.SearchStrategy[dict[str, Any]]) -> dict[str, Any]:
    names = draw(st.lists(st.sampled_from(NAMES) | text(), max_size=6, unique=True))
    properties = {name: draw(children) for name in names}
    # A property that may lead back through a `$ref` is never required, so an instance always exists.
    required = [n for n in names if not _has_ref(properties[n]) and draw(st.booleans())]
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    if draw(st.integers(0, 4)) == 0:
        schema["additionalProperties"] = draw(st.booleans())
    return _annotate(draw, _nullable(draw, ctx, schema))


@st.composite
def composite_schema(draw: st.DrawFn, ctx: Context, children: st.SearchStrategy[dict[str, Any]]) -> dict[str, Any]:
    kind = draw(st.sampled_from(["object", "object", "array", "map", "oneOf", "anyOf", "allOf"]))
    if kind == "object":
        return draw(object_schema(ctx, children))
    if kind == "array":
        return _annotate(draw, _nullable(draw, ctx, {"type": "array", "items": draw(children)}))
    if kind == "map":
        return {"type": "object", "additionalProperties": draw(children)}
    if kind in ("oneOf", "anyOf"):
        return _annotate(draw, {kind: draw(st.lists(children, min_size=1, max_size=3))})
    parts: list[dict[str, Any]] = [draw(object_schema(ctx, children))]
    if ctx.objects:
        parts.insert(0, {"$ref": "#/components/schemas/" + draw(st.sampled_from(ctx.objects))})
    return _annotate(draw, {"allOf": parts})


def schemas(ctx: Context) -> st.SearchStrategy[dict[str, Any]]:
    return st.recursive(leaf_schema(ctx), lambda children: composite_schema(ctx, children), max_leaves=8)


# --- documents ----------------------------------------------------------------------------------------


@dataclass
class Drawn:
    document: dict[str, Any]
    fmt: str  # "json" or "yaml"
    call: tuple[str, str]  # (path, method) of the operation the round trip calls

    def dump(self) -> str:
        if self.fmt == "yaml":
            return yaml.safe_dump(self.document, allow_unicode=True, sort_keys=False)
        return json.dumps(self.document, indent=1)  # ASCII: lone surrogates are written as \udXXX


@st.composite
def _parameters(draw: st.DrawFn, ctx: Context, path_names: list[str]) -> list[dict[str, Any]]:
    params = []
    for name in path_names:
        schema = {"type": draw(st.sampled_from(["string", "integer"]))}
        params.append(_annotate(draw, {"name": name, "in": "path", "required": True, "schema": schema}))
    for name in draw(st.lists(st.sampled_from(NAMES) | text(), max_size=3, unique=True)):
        schema = draw(schemas(ctx))
        params.append(_annotate(draw, {"name": name, "in": "query", "required": draw(st.booleans()) and not _has_ref(schema),
                                       "schema": schema}))  # fmt: skip
    for name in draw(st.lists(st.sampled_from(HEADER_NAMES), max_size=2, unique_by=str.lower)):
        schema = {"type": draw(st.sampled_from(["string", "integer", "boolean"]))}
        params.append({"name": name, "in": "header", "required": draw(st.booleans()), "schema": schema})
    return params


@st.composite
def _operation(draw: st.DrawFn, ctx: Context, method: str, path_names: list[str], op_ids: set[str]) -> dict[str, Any]:
    op: dict[str, Any] = {"parameters": draw(_parameters(ctx, path_names))}
    if draw(st.booleans()):
        op_id = draw(st.sampled_from(NAMES))
        if op_id not in op_ids:
            op_ids.add(op_id)
            op["operationId"] = op_id
    for key in ("summary", "description"):
        if draw(st.booleans()):
            op[key] = draw(text())
    if method in ("post", "put", "patch") and draw(st.integers(0, 3)) > 0:
        op["requestBody"] = {
            "required": draw(st.booleans()),
            "content": {"application/json": {"schema": draw(schemas(ctx))}},
        }
    status = draw(st.sampled_from(["200", "200", "201", "204"]))
    response: dict[str, Any] = {"description": draw(text())}
    if status != "204":
        response["content"] = {"application/json": {"schema": draw(schemas(ctx))}}
    op["responses"] = {status: response}
    return op


@st.composite
def documents(draw: st.DrawFn) -> Drawn:
    version = draw(st.sampled_from(["3.0.3", "3.1.0"]))
    names = draw(st.lists(st.sampled_from(COMPONENT_NAMES), max_size=5, unique=True))
    ctx = Context(version, names, [])
    components: dict[str, Any] = {}
    for name in names:
        # allOf only references object components defined before, so allOf never loops; `$ref`s in
        # properties, items and unions may point anywhere, cycles included.
        schema = draw(object_schema(ctx, schemas(ctx)) if draw(st.booleans()) else schemas(ctx))
        components[name] = schema
        if schema.get("type") == "object" or schema.get("type") == ["object", "null"]:
            ctx.objects.append(name)
    paths: dict[str, Any] = {}
    op_ids: set[str] = set()
    for _ in range(draw(st.integers(1, 4))):
        segments: list[str] = []
        path_names: list[str] = []
        for _ in range(draw(st.integers(1, 3))):
            if draw(st.integers(0, 2)) == 0:
                name = draw(st.sampled_from([n for n in PATH_PARAM_NAMES if n not in path_names]))
                path_names.append(name)
                segments.append("{" + name + "}")
            else:
                segments.append(draw(st.sampled_from(SEGMENTS)))
        path = "/" + "/".join(segments)
        if path in paths:
            continue
        methods = draw(st.lists(st.sampled_from(["get", "post", "put", "patch", "delete"]), min_size=1, max_size=2, unique=True))
        paths[path] = {m: draw(_operation(ctx, m, path_names, op_ids)) for m in methods}
    info: dict[str, Any] = {"title": draw(text()), "version": draw(text())}
    if draw(st.booleans()):
        info["description"] = draw(text())
    document: dict[str, Any] = {"openapi": version, "info": info, "servers": [{"url": "http://localhost/" + draw(text())}]}
    document["paths"] = paths
    if components:
        document["components"] = {"schemas": components}
    calls = [(path, method) for path, item in paths.items() for method in item]
    call = draw(st.sampled_from(calls))
    fmt = "json" if SURROGATE.search(json.dumps(document, ensure_ascii=False)) else draw(st.sampled_from(["json", "yaml"]))
    return Drawn(document, fmt, call)


# --- instances ----------------------------------------------------------------------------------------


class Unsatisfiable(Exception):
    """No finite instance found (every branch leads back through a `$ref` being expanded)."""


def sample(schema: Any, document: dict[str, Any], expanding: frozenset[str] = frozenset()) -> Any:
    """A small value valid for `schema` (required properties only; the first workable branch)."""
    if not isinstance(schema, dict) or not schema:
        return "any"
    if "$ref" in schema:
        ref = schema["$ref"]
        if ref in expanding:
            raise Unsatisfiable(ref)
        name = ref.rsplit("/", 1)[-1]
        return sample(document["components"]["schemas"][name], document, expanding | {ref})
    try:
        return _sample(schema, document, expanding)
    except Unsatisfiable:
        type_ = schema.get("type")
        if schema.get("nullable") is True or (isinstance(type_, list) and "null" in type_):
            return None
        raise


def _sample(schema: dict[str, Any], document: dict[str, Any], expanding: frozenset[str]) -> Any:
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    for keyword_ in ("oneOf", "anyOf"):
        if keyword_ in schema:
            for member in schema[keyword_]:
                try:
                    return sample(member, document, expanding)
                except Unsatisfiable:
                    continue
            raise Unsatisfiable(keyword_)
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = sample(part, document, expanding)
            if isinstance(value, dict):
                merged.update(value)
        return merged
    type_ = schema.get("type")
    if isinstance(type_, list):
        type_ = next(t for t in type_ if t != "null")
    if type_ == "object":
        properties = schema.get("properties") or {}
        return {name: sample(properties[name], document, expanding) for name in schema.get("required", [])}
    if type_ == "array":
        return []
    if type_ == "string":
        return {"date-time": "2024-01-02T03:04:05Z", "date": "2024-01-02"}.get(schema.get("format", ""), "s")
    return {"integer": 7, "number": 1.5, "boolean": True}.get(type_, "any")


# --- documents with more of OpenAPI ------------------------------------------------------------------
# `extended_documents()` adds to a drawn document what the round trip above does not exercise: security
# schemes, discriminated unions, form/multipart/raw bodies, webhooks and callbacks, `$ref`s into a second
# file, and reference cycles of each kind. `Extended.expect` says how `generate` must end.

REF_KINDS = ["schemas", "parameters", "responses", "requestBodies", "headers", "pathItems", "examples", "links",
             "callbacks", "securitySchemes"]  # fmt: skip
SELF_INCLUSIONS = {"allOf": 0, "anyOf": 0, "items": 0, "additionalProperties": 0, "prefixItems": 0, "property": 0,
                   "oneOf": 2, "not": 2}  # fmt: skip  # the exit code each must give


@dataclass
class Extended:
    drawn: Drawn
    files: dict[str, str]  # other files beside the spec: name -> text
    expect: int | None  # the exit code `generate` must give (None: 0 or 2, as validation finds)
    message: str | None = None  # a text its error must contain
    modelled: bool = False  # the error comes from the model, so validation errors of the spec come first


def _security(draw: st.DrawFn) -> tuple[dict[str, Any], list[dict[str, list[str]]]]:
    schemes: dict[str, Any] = {}
    for name in draw(st.lists(st.sampled_from(COMPONENT_NAMES), min_size=1, max_size=3, unique=True)):
        kind = draw(st.sampled_from(["apiKey", "bearer", "basic", "oauth2"]))
        if kind == "apiKey":
            where = draw(st.sampled_from(["header", "query", "cookie"]))
            names = HEADER_NAMES if where == "header" else [n for n in COMPONENT_NAMES if n.isascii()]
            schemes[name] = {"type": "apiKey", "in": where, "name": draw(st.sampled_from(names))}
        elif kind == "oauth2":
            flow = {"tokenUrl": "https://auth.example/token", "scopes": {draw(st.sampled_from(COMPONENT_NAMES)): draw(text())}}
            schemes[name] = {"type": "oauth2", "flows": {"clientCredentials": flow}}
        else:
            schemes[name] = {"type": "http", "scheme": kind}
    return schemes, [{name: []} for name in draw(st.lists(st.sampled_from(sorted(schemes)), max_size=2, unique=True))]


def _bodies(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["form", "multipart", "raw", "text"]))
    fields = {name: {"type": draw(st.sampled_from(["string", "integer", "boolean"]))}
              for name in draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=4, unique=True))}  # fmt: skip
    if kind == "form":
        return {"application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": fields}}}
    if kind == "multipart":
        fields[draw(st.sampled_from(NAMES))] = {"type": "string", "format": "binary"}
        return {"multipart/form-data": {"schema": {"type": "object", "properties": fields}}}
    if kind == "raw":
        return {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}
    return {"text/plain": {"schema": {"type": "string"}}}


def _cycle(kind: str) -> dict[str, Any]:
    return {"P": {"$ref": f"#/components/{kind}/Q"}, "Q": {"$ref": f"#/components/{kind}/P"}}


def _self_inclusion(keyword: str) -> dict[str, Any]:
    me, x = {"$ref": "#/components/schemas/Myself"}, {"type": "object", "properties": {"x": {"type": "string"}}}
    return {
        "allOf": {"allOf": [me, x]}, "anyOf": {"anyOf": [me, x]}, "oneOf": {"oneOf": [me, x]},
        "not": {**x, "not": me}, "items": {"type": "array", "items": me},
        "additionalProperties": {"type": "object", "additionalProperties": me},
        "prefixItems": {"type": "array", "prefixItems": [me]},
        "property": {"type": "object", "properties": {"child": me, "x": {"type": "string"}}},
    }[keyword]  # fmt: skip


@st.composite
def extended_documents(draw: st.DrawFn) -> Extended:
    drawn = draw(documents())
    document = drawn.document
    components = document.setdefault("components", {})
    ok = {"200": {"description": draw(text())}}
    if draw(st.booleans()):
        components["securitySchemes"], document["security"] = _security(draw)
    if draw(st.booleans()):  # a discriminated union of two object schemas pinned by a const or an enum
        tag = draw(st.sampled_from([n for n in COMPONENT_NAMES if n.isascii()]))
        named = components.setdefault("schemas", {})
        for name, value in (("KindA", "a"), ("KindB", "b")):
            pinned = {"const": value} if document["openapi"].startswith("3.1") else {"type": "string", "enum": [value]}
            named[name] = {"type": "object", "required": [tag], "properties": {tag: pinned, "n": {"type": "integer"}}}
        union = {"oneOf": [{"$ref": "#/components/schemas/KindA"}, {"$ref": "#/components/schemas/KindB"}],
                 "discriminator": {"propertyName": tag}}  # fmt: skip
        document["paths"]["/kinds"] = {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": union}}}}}}
    if draw(st.booleans()):
        document["paths"]["/upload"] = {"post": {"requestBody": {"required": draw(st.booleans()), "content": _bodies(draw)},
                                                 "responses": ok}}  # fmt: skip
    if draw(st.booleans()):
        hook = {"post": {"requestBody": {"content": {"application/json": {"schema": draw(schemas(Context(document["openapi"], [], [])))}}},
                         "responses": ok}}  # fmt: skip
        if document["openapi"].startswith("3.1") and draw(st.booleans()):
            document["webhooks"] = {draw(st.sampled_from(COMPONENT_NAMES)): hook}
        else:
            first = next(iter(document["paths"].values()))
            next(iter(first.values()))["callbacks"] = {"done": {"{$request.body#/callbackUrl}": hook}}
    files: dict[str, str] = {}
    spec_name = f"spec.{drawn.fmt}"
    if draw(st.booleans()):  # a schema in a second file that refers back into the spec
        shared = {"Shared": {"type": "object", "properties": {"back": {"$ref": f"{spec_name}#/components/schemas/Local"}}}}
        files["shared.yaml"] = yaml.safe_dump(shared, allow_unicode=True)
        schemas_ = components.setdefault("schemas", {})
        schemas_["Local"] = {"type": "object", "properties": {"shared": {"$ref": "shared.yaml#/Shared"}}}
        document["paths"]["/shared"] = {"get": {"responses": {"200": {"description": "ok", "content": {
            "application/json": {"schema": {"$ref": "shared.yaml#/Shared"}}}}}}}  # fmt: skip
    expect, message = None, None
    cycle = draw(st.sampled_from([None, "ref", "self"]))
    if cycle == "ref":
        kind = draw(st.sampled_from(REF_KINDS))
        components.setdefault(kind, {}).update(_cycle(kind))
        expect, message = 2, f"$ref cycle: #/components/{kind}/P -> #/components/{kind}/Q -> #/components/{kind}/P"
    elif cycle == "self":
        keyword = draw(st.sampled_from(sorted(SELF_INCLUSIONS)))
        if keyword == "prefixItems" and not document["openapi"].startswith("3.1"):
            keyword = "items"
        components.setdefault("schemas", {})["Myself"] = _self_inclusion(keyword)
        document["paths"]["/myself"] = {"get": {"responses": {"200": {"description": "ok", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Myself"}}}}}}}  # fmt: skip
        expect, message = (2, "schema cycle: #/components/schemas/Myself") if SELF_INCLUSIONS[keyword] else (None, None)
    if not components:
        del document["components"]
    return Extended(drawn, files, expect, message, modelled=cycle == "self")
