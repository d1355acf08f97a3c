"""An operation's request body: its media type, and the method arguments it becomes (an object's properties
flattened into keyword arguments, anything else one `body` argument)."""

from __future__ import annotations

from typing import Any

from generator.config import Config
from generator.model import types as t
from generator.model.example_values import example_value
from generator.model.ir import Location, Parameter, RequestBody, TypeRef
from generator.model.media import body_kind, is_json, part_types, preferred_media_type
from generator.model.schemas import ANY, Hint, SchemaTypes
from generator.spec.build import SchemaGraph
from generator.spec.nodes import MediaType, Operation, Schema
from generator.spec.nodes import RequestBody as RequestBodyNode

# A raw body takes what a multipart file part takes (bytes, a file object, a path, a (name, content[, type])
# tuple), and text.
RAW_BODY = TypeRef(t.Union((t.File(), t.STRING)))


class BodyBuilder:
    def __init__(self, config: Config, types: SchemaTypes, graph: SchemaGraph) -> None:
        self.config = config
        self.types = types
        self.naming = types.naming
        self.graph = graph

    def body(self, op: Operation, hint: Hint, key: str) -> tuple[RequestBody | None, list[Parameter]]:
        """The body and the arguments it becomes (None and none when the operation takes no body)."""
        node = op.request_body
        if node is None or not node.content:
            return None, []
        media_type = self._media_type(node, hint)
        media = node.content[media_type]
        schema = self._schema(media)
        kind = body_kind(media_type)
        parts = part_types(media) if kind == "multipart" else ()
        resolved = schema.resolved
        properties = self.types.object_properties(schema) if kind != "raw" else None
        if properties:
            # A property the body schema requires is a required argument, even where the spec forgot to
            # mark the body itself required (as most do): calling without it cannot succeed.
            # The body's example as a whole decides the arguments' examples: where the body is a oneOf/anyOf of
            # members that require different properties, the one it picked brings its own in.
            whole = example_value(schema)
            built = whole if isinstance(whole, dict) else {}
            params = [self._parameter(wire, prop, is_required, hint, built) for wire, prop, is_required in properties]
            for wire in self.types.undeclared_required(schema):
                # required but not declared: the schema says nothing of its value, yet a call must send the key
                example = built.get(wire, "string")
                unwritten = self._unwritten_property(resolved, wire)
                param = Parameter(
                    self.naming.argument(wire, "field"), wire, "body", True, ANY, None, unwritten, example=example
                )
                params.append(param)
            return RequestBody(media_type, kind, node.required, True, resolved, parts), params
        type_ = self.types.request_type(schema, hint.below("Body"))
        if kind == "raw":
            type_ = RAW_BODY
        body_param = Parameter(
            self.config.body_names.get(key, "body"),
            "body",
            "body",
            node.required,
            type_,
            _text(node.description),
            resolved,
            example=example_value(schema),
        )
        return RequestBody(media_type, kind, node.required, False, resolved, parts), [body_param]

    def _schema(self, media: MediaType) -> Schema:
        """The media type's schema; one that says nothing (`{}`) where none is written."""
        if media.schema is not None:
            return media.schema
        return self.graph.schema({}, media.location.file, f"{media.location.pointer}/schema")

    def _unwritten_property(self, schema: Schema, wire: str) -> Schema:
        """A schema that says nothing (`{}`), where a property required but not declared would be written."""
        where = schema.location.child("properties").child(wire)
        return self.graph.schema({}, where.file, where.pointer)

    def _media_type(self, body: RequestBodyNode, hint: Hint) -> str:
        """JSON where offered, unless a multipart form is offered too and has a file field."""
        content = body.content or {}
        preferred = preferred_media_type(list(content))
        multipart = next((m for m in content if m.startswith("multipart/")), None)
        if multipart and is_json(preferred) and content[multipart].is_mapping:
            for wire, prop, _ in self.types.object_properties(self._schema(content[multipart])) or []:
                field_hint = hint.below(self.naming.class_name(wire, "Field"))
                if t.contains_file(self.types.request_type(prop, field_hint).tree):
                    return multipart
        return preferred

    def _parameter(
        self, wire: str, prop: Schema, required: bool, hint: Hint, body_example: dict[str, Any]
    ) -> Parameter:
        """A body property as an argument; its example is the body example's value for it, when that has one."""
        type_ = self.types.request_type(prop, hint.below(self.naming.class_name(wire, "Field")))
        resolved = prop.resolved
        if resolved.read_only:
            required = False
        # the description written beside a `$ref` (3.1) wins over the schema's own
        description = _text(prop.description) or _text(resolved.description)
        location: Location = "body"
        in_example = wire in body_example and not required and not resolved.read_only
        return Parameter(
            self.naming.argument(wire, "field"),
            wire,
            location,
            required,
            type_,
            description,
            resolved,
            resolved.deprecated,
            example=body_example[wire] if wire in body_example else example_value(prop),
            in_example=in_example,
        )


def _text(value: str | None) -> str | None:
    return value if value is not None and value.strip() else None
