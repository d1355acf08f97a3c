"""The loaded spec resolved once into typed nodes (nodes.py): `build_document` for the whole document,
`SchemaGraph.schema` for one schema and what it reaches.

Schemas are built without recursion: a node is made as an empty shell the first time its location is met
(so a `$ref` back to it finds it), and filled from a work list. Every location becomes one node, so the
same `$ref`'d schema is the same object wherever it is used; a schema on a cycle knows it (`recursive`).

A `$ref` that cannot be followed was reported by the loader (`load_spec` resolves every `$ref` the entry
document reaches before anything else runs); one met here anyway is an error at its place.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from generator.errors import GeneratorError, Problem, pointer_from_parts
from generator.spec.limits import HTTP_METHODS
from generator.spec.load import Spec
from generator.spec.nodes import (
    MISSING,
    Bounds,
    Components,
    Discriminator,
    DiscriminatorEntry,
    Document,
    Encoding,
    Example,
    Header,
    Info,
    License,
    Location,
    MediaType,
    OAuthFlow,
    Operation,
    Parameter,
    ParameterIn,
    PathItem,
    RequestBody,
    Response,
    Schema,
    SecurityScheme,
    Server,
    ServerVariable,
    escape,
)
from generator.spec.refs import RefError, Target

_PARAMETER_PLACES = ("path", "query", "header", "cookie")
HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # an RFC 9110 token
# How each schema keyword is read (`_fill`), and the field it goes to where that is not the keyword itself.
_KEYWORDS = {
    "nullable": "flag", "deprecated": "flag", "readOnly": "flag", "writeOnly": "flag",
    "format": "text", "title": "text", "description": "text", "pattern": "text",
    "const": "value", "default": "value", "example": "value", "enum": "list", "examples": "list",
    "minimum": "number", "maximum": "number", "multipleOf": "number",
    "exclusiveMinimum": "exclusive", "exclusiveMaximum": "exclusive",
    "minLength": "size", "maxLength": "size", "minItems": "size", "maxItems": "size",
    "minProperties": "size", "maxProperties": "size",
    "items": "child", "additionalProperties": "child", "not": "child",
    "allOf": "members", "oneOf": "members", "anyOf": "members",
    "$ref": "structured", "type": "structured", "properties": "structured", "required": "structured",
    "discriminator": "structured", "patternProperties": "structured",
}  # fmt: skip  # a table: one keyword per cell reads better than one per line
_FIELD_NAMES = {
    "readOnly": "read_only", "writeOnly": "write_only", "multipleOf": "multiple_of",
    "exclusiveMinimum": "exclusive_minimum", "exclusiveMaximum": "exclusive_maximum",
    "minLength": "min_length", "maxLength": "max_length", "minItems": "min_items", "maxItems": "max_items",
    "minProperties": "min_properties", "maxProperties": "max_properties",
    "additionalProperties": "additional_properties", "not": "not_",
    "allOf": "all_of", "oneOf": "one_of", "anyOf": "any_of",
    "nullable": "nullable", "deprecated": "deprecated", "minimum": "minimum", "maximum": "maximum",
    "items": "items",
}  # fmt: skip  # as above
_OAUTH_FLOWS = ("implicit", "password", "clientCredentials", "authorizationCode")


def _defaults(cls: type) -> dict[str, Any]:
    """Every field of a dataclass that has a default, with it (a factory's made once: the empty mappings of a
    shell are never changed, so all shells share them)."""
    found: dict[str, Any] = {}
    for each in dataclasses.fields(cls):
        if each.default is not dataclasses.MISSING:
            found[each.name] = each.default
        elif each.default_factory is not dataclasses.MISSING:
            found[each.name] = each.default_factory()
    return found


_SCHEMA_DEFAULTS = _defaults(Schema)


class SchemaGraph:
    """Every schema node built from one spec, by location; `schema()` builds what is not built yet."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self._nodes: dict[tuple[Path, str], Schema] = {}
        self._pending: list[tuple[Schema, Any]] = []

    def schema(self, value: Any, file: Path, pointer: str) -> Schema:
        """The node of the schema `value` written at `pointer` in `file` (built with all it reaches)."""
        node = self._shell(value, file, pointer)
        if self._pending:
            self._fill_pending()
        return node

    def __len__(self) -> int:
        return len(self._nodes)

    # --- building ----------------------------------------------------------------------------

    def _shell(self, value: Any, file: Path, pointer: str) -> Schema:
        key = (file, pointer)
        node = self._nodes.get(key)
        if node is None:
            # Made without the dataclass's __init__ (which sets each of its forty fields one by one): this is the
            # builder's hot path, a shell per schema of the spec; `_fill` sets what is written.
            node = Schema.__new__(Schema)
            location = Location(file, pointer, self.spec.documents.get(file))
            node.__dict__.update(_SCHEMA_DEFAULTS, location=location, written=value)
            self._nodes[key] = node
            self._pending.append((node, value))
        return node

    def _fill_pending(self) -> None:
        while self._pending:
            node, value = self._pending.pop()
            self._fill(node, value)

    def _fill(self, node: Schema, value: Any) -> None:  # noqa: C901, PLR0912 - the builder's hot path, kept inline
        """Set the fields of a shell; only here is a node ever changed (its dataclass is frozen).

        One pass over the keys written (most schemas have two or three), each keyword read as its field wants."""
        fields: dict[str, Any] = node.__dict__
        if not isinstance(value, dict):
            fields["is_mapping"] = False
            fields["boolean"] = value if isinstance(value, bool) else None
            return
        file, pointer = node.location.file, node.location.pointer
        fields["keywords"] = frozenset(value)
        bounds: dict[str, Any] = {}
        extensions: dict[str, Any] = {}
        for key, item in value.items():
            kind = _KEYWORDS.get(key)
            if kind is None:
                if key.startswith("x-"):
                    extensions[key] = item
            elif kind == "flag":
                if item is True:
                    fields[_FIELD_NAMES[key]] = True
            elif kind == "text":
                if isinstance(item, str):
                    fields[key] = item
            elif kind == "value":
                fields[key] = item
            elif kind == "list":
                if isinstance(item, list):
                    fields[key] = tuple(item)
            elif kind == "number":
                if _is_number(item):
                    bounds[_FIELD_NAMES[key]] = item
            elif kind == "exclusive":
                if item is True or _is_number(item):
                    bounds[_FIELD_NAMES[key]] = item
            elif kind == "size":
                if isinstance(item, int):  # `True` stays: some readers take it as 1, others skip it
                    bounds[_FIELD_NAMES[key]] = item
            elif kind == "child":
                fields[_FIELD_NAMES[key]] = self._shell(item, file, f"{pointer}/{key}")
            elif kind == "members":
                if isinstance(item, list):
                    fields[_FIELD_NAMES[key]] = tuple(
                        self._shell(m, file, f"{pointer}/{key}/{i}") for i, m in enumerate(item)
                    )
            else:
                self._structured(fields, key, item, file, pointer)
        if bounds:
            fields["bounds"] = Bounds(**bounds)
        if extensions:
            fields["extensions"] = extensions

    def _structured(self, fields: dict[str, Any], key: str, item: Any, file: Path, pointer: str) -> None:
        """`$ref`, `type`, `properties`, `required` and `discriminator`: keywords with a shape of their own."""
        if key == "$ref":
            if isinstance(item, str):
                target = self._follow({"$ref": item}, file, pointer)
                fields["ref"] = self._shell(target.value, target.file, target.pointer)
                fields["ref_text"] = item
        elif key == "type":
            _read_type(fields, item)
        elif key == "properties":
            self._properties(fields, item, file, pointer)
        elif key == "patternProperties":
            if isinstance(item, dict):
                fields["pattern_properties"] = {
                    name: self._shell(prop, file, f"{pointer}/patternProperties/{escape(name)}")
                    for name, prop in item.items()
                }
        elif key == "required":
            if isinstance(item, list):
                fields["required"] = tuple(dict.fromkeys(r for r in item if isinstance(r, str)))
        elif key == "discriminator" and isinstance(item, dict):
            fields["discriminator"] = self._discriminator(item, file)

    def _properties(self, fields: dict[str, Any], item: Any, file: Path, pointer: str) -> None:
        """`properties`, also where it is itself a `$ref` to a mapping of them."""
        own = Target(item, file, f"{pointer}/properties")
        if isinstance(item, dict) and list(item) == ["$ref"] and isinstance(item["$ref"], str):
            own = self._follow(item, file, own.pointer)
        if isinstance(own.value, dict):
            fields["properties"] = {
                name: self._shell(prop, own.file, f"{own.pointer}/{escape(name)}") for name, prop in own.value.items()
            }

    def _discriminator(self, raw: dict[str, Any], file: Path) -> Discriminator:
        name = raw.get("propertyName")
        mapping = raw.get("mapping")
        entries = []
        for tag, ref in mapping.items() if isinstance(mapping, dict) else ():
            if not isinstance(ref, str):
                continue
            # a bare name is a component schema's (OpenAPI: "MAY be a schema name or a reference")
            full = ref if "#" in ref or "/" in ref else f"#/components/schemas/{ref}"
            try:
                found = self.spec.resolve(full, file)
            except RefError:
                entries.append(DiscriminatorEntry(str(tag), ref, None))
                continue
            entries.append(DiscriminatorEntry(str(tag), ref, self._shell(found.value, found.file, found.pointer)))
        return Discriminator(name if isinstance(name, str) else None, tuple(entries))

    def _follow(self, value: Any, file: Path, pointer: str) -> Target:
        try:
            return self.spec.follow(value, file, pointer)
        except RefError as exc:
            raise GeneratorError(Problem(str(exc), str(file), pointer)) from None


def _read_type(fields: dict[str, Any], item: Any) -> None:
    """`type`: one name, or a list of them (3.1), as written."""
    if isinstance(item, list):
        fields["types"] = tuple(t for t in item if isinstance(t, str))
        fields["type_is_list"] = True
    elif isinstance(item, str):
        fields["types"] = (item,)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# --- the document ------------------------------------------------------------------------------------


def build_document(spec: Spec, graph: SchemaGraph | None = None) -> Document:
    """The whole document as typed nodes (schemas through `graph`, made here when not given)."""
    return NodeBuilder(spec, graph if graph is not None else SchemaGraph(spec)).document()


class NodeBuilder:
    def __init__(self, spec: Spec, graph: SchemaGraph) -> None:
        self.spec = spec
        self.graph = graph
        self.entry = spec.entry
        # Path items by location: callbacks and webhooks may lead back to a path item being built (a callback
        # whose operation has the callback itself): that is the same node, not an endless expansion.
        self._path_items: dict[tuple[Path, str], PathItem] = {}

    def location(self, file: Path, pointer: str) -> Location:
        return Location(file, pointer, self.spec.documents.get(file))

    def follow(self, value: Any, file: Path, pointer: str) -> Target:
        try:
            return self.spec.follow(value, file, pointer)
        except RefError as exc:
            raise GeneratorError(Problem(str(exc), str(file), pointer)) from None

    def document(self) -> Document:
        root = _mapping(self.spec.root)
        paths = {
            str(path): self.path_item(item, self.entry, pointer_from_parts(["paths", path]))
            for path, item in _mapping(root.get("paths")).items()
        }
        webhooks = {
            str(name): self.path_item(item, self.entry, pointer_from_parts(["webhooks", name]))
            for name, item in _mapping(root.get("webhooks")).items()
        }
        openapi = root.get("openapi")
        return Document(
            location=self.location(self.entry, ""),
            openapi=openapi if isinstance(openapi, str) else None,
            info=self.info(root.get("info")),
            servers=self.servers(root.get("servers")),
            paths=paths,
            webhooks=webhooks,
            components=self.components(_mapping(root.get("components"))),
            security=_requirements(root.get("security")),
            extensions=_extensions(root),
        )

    def info(self, raw: Any) -> Info:
        info = _mapping(raw)
        version = info.get("version", "")
        license_ = info.get("license")
        return Info(
            title=_string(info.get("title")),
            version=version if isinstance(version, str) else str(version),
            description=_string(info.get("description")),
            license=self.license(license_) if isinstance(license_, dict) else None,
        )

    def license(self, raw: Mapping[str, Any]) -> License:
        return License(
            self.location(self.entry, "/info/license"),
            _string(raw.get("name")),
            _string(raw.get("identifier")),
            _string(raw.get("url")),
        )

    def servers(self, raw: Any) -> tuple[Server, ...]:
        servers = []
        for index, server in enumerate(raw if isinstance(raw, list) else ()):
            if isinstance(server, dict) and isinstance(server.get("url"), str):
                variables = {
                    str(name): ServerVariable(
                        str(variable["default"]) if "default" in variable else None,
                        _string(variable.get("description")),
                    )
                    for name, variable in _mapping(server.get("variables")).items()
                    if isinstance(variable, dict)
                }
                location = self.location(self.entry, f"/servers/{index}")
                servers.append(Server(location, server["url"], _string(server.get("description")), variables))
        return tuple(servers)

    def components(self, raw: Mapping[str, Any]) -> Components:
        def pointer(kind: str, name: str) -> str:
            return pointer_from_parts(["components", kind, name])

        return Components(
            schemas={
                name: self.graph.schema(value, self.entry, pointer("schemas", name))
                for name, value in _mapping(raw.get("schemas")).items()
            },
            parameters={
                name: self.parameter(value, self.entry, pointer("parameters", name))
                for name, value in _mapping(raw.get("parameters")).items()
            },
            request_bodies={
                name: self.request_body(value, self.entry, pointer("requestBodies", name))
                for name, value in _mapping(raw.get("requestBodies")).items()
            },
            responses={
                name: self.response(value, self.entry, pointer("responses", name))
                for name, value in _mapping(raw.get("responses")).items()
            },
            security_schemes={
                name: self.security_scheme(name, value, pointer("securitySchemes", name))
                for name, value in _mapping(raw.get("securitySchemes")).items()
            },
        )

    def path_item(self, raw: Any, file: Path, pointer: str) -> PathItem:
        target = self.follow(raw, file, pointer)
        key = (target.file, target.pointer)
        if key in self._path_items:
            return self._path_items[key]
        node = PathItem(self.location(target.file, target.pointer), is_mapping=isinstance(target.value, dict))
        self._path_items[key] = node  # before its operations, whose callbacks may come back to it
        if not node.is_mapping:
            return node
        item = target.value
        operations = []
        for method in HTTP_METHODS:
            if method in item:
                operations.append(self.operation(method, item[method], target.file, f"{target.pointer}/{method}"))
        node.__dict__["operations"] = tuple(operations)  # the builder fills the node it registered, once
        node.__dict__["parameters"] = self.parameters(item, target.file, target.pointer)
        node.__dict__["keys"] = tuple(str(key) for key in item)
        return node

    def parameters(self, owner: dict[str, Any], file: Path, pointer: str) -> tuple[Parameter, ...]:
        raw = owner.get("parameters")
        return tuple(
            self.parameter(p, file, f"{pointer}/parameters/{i}")
            for i, p in enumerate(raw if isinstance(raw, list) else ())
        )

    def operation(self, method: str, raw: Any, file: Path, pointer: str) -> Operation:
        target = self.follow(raw, file, pointer)
        location = self.location(target.file, target.pointer)
        if not isinstance(target.value, dict):
            return Operation(location, method, is_mapping=False)
        op = target.value
        body = None
        if op.get("requestBody") is not None:
            body = self.request_body(op["requestBody"], target.file, f"{target.pointer}/requestBody")
        responses = None
        if isinstance(op.get("responses"), dict):
            responses = {
                str(code): self.response(value, target.file, f"{target.pointer}/responses/{escape(str(code))}")
                for code, value in op["responses"].items()
            }
        callbacks: dict[str, dict[str, PathItem]] = {}
        for name, value in _mapping(op.get("callbacks")).items():
            found = self.follow(value, target.file, f"{target.pointer}/callbacks/{escape(str(name))}")
            callbacks[str(name)] = {
                str(expression): self.path_item(item, found.file, f"{found.pointer}/{escape(str(expression))}")
                for expression, item in _mapping(found.value).items()
            }
        operation_id = op.get("operationId")
        tags = op.get("tags")
        return Operation(
            location,
            method,
            operation_id=operation_id if isinstance(operation_id, str) else None,
            summary=_string(op.get("summary")),
            description=_string(op.get("description")),
            deprecated=op.get("deprecated") is True,
            tags=tuple(t for t in tags if isinstance(t, str)) if isinstance(tags, list) else (),
            first_tag=tags[0] if isinstance(tags, list) and tags and isinstance(tags[0], str) else None,
            parameters=self.parameters(op, target.file, target.pointer),
            request_body=body,
            request_body_written="requestBody" in op,
            responses=responses,
            # written but malformed: no alternative, so no credentials (the document's do not apply)
            security=(_requirements(op["security"]) or ()) if "security" in op else None,
            callbacks=callbacks,
            extensions=_extensions(op),
        )

    def parameter(self, raw: Any, file: Path, pointer: str) -> Parameter:
        target = self.follow(raw, file, pointer)
        location = self.location(target.file, target.pointer)
        if not isinstance(target.value, dict):
            return Parameter(location)
        data = target.value
        in_ = data.get("in")
        schema, schema_pointer = data.get("schema"), f"{target.pointer}/schema"
        content = data.get("content")
        if schema is None and isinstance(content, dict) and content:
            media_type, media = next(iter(content.items()))
            schema_pointer = target.pointer + pointer_from_parts(["content", media_type, "schema"])
            schema = media.get("schema") if isinstance(media, dict) else None
        name = data.get("name")
        style, explode = data.get("style"), data.get("explode")
        problems = []
        if in_ == "header" and isinstance(name, str) and not HEADER_NAME.match(name):
            message = f"header parameter name {name!r} is not a valid HTTP header name; calls that send it will fail"
            problems.append(Problem(message, str(target.file), target.pointer))
        return Parameter(
            location,
            name=name if isinstance(name, str) else None,
            in_=cast(ParameterIn, in_) if in_ in _PARAMETER_PLACES else None,
            description=_string(data.get("description")),
            required=data.get("required") is True,
            deprecated=data.get("deprecated") is True,
            style=style if isinstance(style, str) else None,
            explode=explode if isinstance(explode, bool) else None,
            schema=self.graph.schema(schema, target.file, schema_pointer) if schema is not None else None,
            schema_written=schema is not None,
            example=data.get("example", MISSING),
            examples=self.examples(data.get("examples"), target.file, f"{target.pointer}/examples"),
            extensions=_extensions(data),
            problems=tuple(problems),
        )

    def examples(self, raw: Any, file: Path, pointer: str) -> dict[str, Example]:
        examples = {}
        for key, value in _mapping(raw).items():
            try:
                found = self.spec.follow(value, file, f"{pointer}/{escape(str(key))}")
            except RefError:
                continue
            location = self.location(found.file, found.pointer)
            example_value = (
                found.value["value"] if isinstance(found.value, dict) and "value" in found.value else MISSING
            )
            examples[str(key)] = Example(location, example_value)
        return examples

    def request_body(self, raw: Any, file: Path, pointer: str) -> RequestBody:
        target = self.follow(raw, file, pointer)
        location = self.location(target.file, target.pointer)
        if not isinstance(target.value, dict):
            return RequestBody(location, is_mapping=False)
        body = target.value
        return RequestBody(
            location,
            description=_string(body.get("description")),
            required=body.get("required") is True,
            content=self.content(body.get("content"), target.file, target.pointer),
        )

    def response(self, raw: Any, file: Path, pointer: str) -> Response:
        target = self.follow(raw, file, pointer)
        location = self.location(target.file, target.pointer)
        if not isinstance(target.value, dict):
            return Response(location, is_mapping=False)
        response = target.value
        headers = {
            str(name): self.header(value, target.file, f"{target.pointer}/headers/{escape(str(name))}")
            for name, value in _mapping(response.get("headers")).items()
        }
        return Response(
            location,
            description=_string(response.get("description")),
            content=self.content(response.get("content"), target.file, target.pointer),
            headers=headers,
        )

    def header(self, raw: Any, file: Path, pointer: str) -> Header:
        target = self.follow(raw, file, pointer)
        header = _mapping(target.value)
        schema = None
        if header.get("schema") is not None:
            schema = self.graph.schema(header["schema"], target.file, f"{target.pointer}/schema")
        return Header(
            self.location(target.file, target.pointer),
            _string(header.get("description")),
            header.get("required") is True,
            schema,
        )

    def content(self, raw: Any, file: Path, pointer: str) -> dict[str, MediaType] | None:
        if not isinstance(raw, dict):
            return None
        return {
            str(media_type): self.media_type(
                str(media_type), value, file, pointer + pointer_from_parts(["content", media_type])
            )
            for media_type, value in raw.items()
        }

    def media_type(self, name: str, raw: Any, file: Path, pointer: str) -> MediaType:
        location = self.location(file, pointer)
        if not isinstance(raw, dict):
            return MediaType(location, name, is_mapping=False)
        schemas = {
            key: self.graph.schema(raw[key], file, f"{pointer}/{key}") for key in ("schema", "itemSchema") if key in raw
        }
        encoding = {
            str(part): Encoding(entry.get("contentType") if isinstance(entry.get("contentType"), str) else None)
            for part, entry in _mapping(raw.get("encoding")).items()
            if isinstance(entry, dict)
        }
        return MediaType(
            location,
            name,
            schema=schemas.get("schema"),
            item_schema=schemas.get("itemSchema"),
            example=raw.get("example", MISSING),
            examples=self.examples(raw.get("examples"), file, f"{pointer}/examples"),
            encoding=encoding,
        )

    def security_scheme(self, key: str, raw: Any, pointer: str) -> SecurityScheme:
        target = self.follow(raw, self.entry, pointer)
        scheme = _mapping(target.value)
        flows = []
        raw_flows = scheme.get("flows") if scheme.get("type") == "oauth2" else None
        for kind in _OAUTH_FLOWS:
            flow = _mapping(raw_flows).get(kind) if isinstance(raw_flows, dict) else None
            if isinstance(flow, dict):
                scopes = {str(k): v if isinstance(v, str) else "" for k, v in _mapping(flow.get("scopes")).items()}
                flows.append(
                    OAuthFlow(
                        kind,
                        _string(flow.get("authorizationUrl")),
                        _string(flow.get("tokenUrl")),
                        _string(flow.get("refreshUrl")),
                        scopes,
                    )
                )
        return SecurityScheme(
            self.location(target.file, target.pointer),
            key,
            type=_string(scheme.get("type")),
            scheme=_string(scheme.get("scheme")),
            name=_string(scheme.get("name")),
            in_=_string(scheme.get("in")),
            bearer_format=_string(scheme.get("bearerFormat")),
            description=_string(scheme.get("description")),
            open_id_connect_url=_string(scheme.get("openIdConnectUrl")),
            flows=tuple(flows),
        )


def written_operation(spec: Spec, path: str, method: str) -> Mapping[str, Any] | None:
    """The Operation Object at `paths/<path>/<method>` of the entry document as written, for a command that edits
    that file as written (`samples --format spec`); None where it is not written there as an object (its path
    item is a `$ref`, or it is missing)."""
    item = _mapping(_mapping(spec.root).get("paths")).get(path)
    operation = _mapping(item).get(method)
    return operation if isinstance(operation, dict) else None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _extensions(raw: Mapping[Any, Any]) -> dict[str, Any]:  # YAML keys may be numbers
    return {k: v for k, v in raw.items() if isinstance(k, str) and k.startswith("x-")}


def _requirements(raw: Any) -> tuple[Mapping[str, tuple[str, ...]], ...] | None:
    """Security requirements: each alternative a mapping of scheme name -> scopes (malformed entries skipped)."""
    if not isinstance(raw, list):
        return None
    return tuple(
        {
            str(name): tuple(s for s in scopes if isinstance(s, str)) if isinstance(scopes, list) else ()
            for name, scopes in alternative.items()
        }
        for alternative in raw
        if isinstance(alternative, dict)
    )
