"""The requests the API makes: `webhooks` (3.1) and every operation's `callbacks`, their payload types, and
the union of the payloads a webhook handler receives."""

from __future__ import annotations

from typing import Any

from generator.model import types as t
from generator.model.example_values import example_value
from generator.model.ir import TypeRef, Webhook
from generator.model.media import is_json, preferred_media_type
from generator.model.schemas import ANY, NONE, Hint, SchemaTypes, tagged_union, union
from generator.spec.nodes import MISSING, Document, MediaType, Operation, PathItem, Schema


class WebhookBuilder:
    def __init__(self, document: Document, types: SchemaTypes) -> None:
        self.document = document
        self.types = types
        self.naming = types.naming
        self._payloads: list[tuple[TypeRef, Schema]] = []  # filled by `webhooks()`

    def webhooks(self) -> list[Webhook]:
        """Payload types of the requests the API makes: `webhooks` (3.1) and every operation's `callbacks`."""
        items = [*self.document.webhooks.items(), *self._callback_items()]
        result = []
        for name, item in items:
            for op in item.operations if item.is_mapping else ():
                if not op.is_mapping:
                    continue
                method = op.method
                payload = self._payload(
                    op, Hint(self.naming.class_name(name) + "WebhookPayload", f"webhook {name} {method}")
                )
                schema, example = self._payload_schema(op)
                result.append(Webhook(name, method.upper(), payload, str(op.location), example))
                if schema is not None and payload.tree != t.NONE:
                    self._payloads.append((payload, schema))
        return result

    def webhook_event(self) -> tuple[TypeRef, str | None] | None:
        """The union of the webhooks' payload types (after `webhooks()`), None when no webhook has a payload.

        Tagged when every payload is its own model and one property is pinned (`const`/`enum`) to values
        that tell them apart (`type: batch.cancelled`); else a plain union pydantic tries member by member.
        Returned with the tagging property's wire name (None when untagged).
        """
        members: list[tuple[TypeRef, Schema]] = []
        for payload, schema in self._payloads:
            if payload.tree not in [m.tree for m, _ in members]:
                members.append((payload, schema))
        if not members:
            return None
        if len(members) == 1:
            return members[0][0], None
        plain = all(isinstance(m.tree, t.ModelRef) and m.tree.kind == "model" for m, _ in members)
        first = self.types.object_properties(members[0][1])
        for wire_name, _, required in (first or []) if plain else []:
            tags = [self.types.pinned_values(schema, wire_name) for _, schema in members]
            flat = [tag for member_tags in tags for tag in member_tags]
            if required and all(tags) and len(flat) == len(set(flat)):
                return tagged_union([m for m, _ in members], tags, wire_name), wire_name
        return union([m for m, _ in members]), None

    def _callback_items(self) -> list[tuple[str, PathItem]]:
        """(`<operationId>.<callback>`, path item) for every callback of every operation."""
        items: list[tuple[str, PathItem]] = []
        for path, path_item in self.document.paths.items():
            for op in path_item.operations:
                owner = op.operation_id or f"{op.method} {path}"
                for callback, expressions in op.callbacks.items():
                    items += [(f"{owner}.{callback}", item) for item in expressions.values()]
        return items

    def _media(self, op: Operation) -> tuple[str, MediaType] | None:
        """The request body's preferred media type (the one a receiver reads), None without a body."""
        body = op.request_body
        if body is None or not body.content:
            return None
        media_type = preferred_media_type(list(body.content))
        return media_type, body.content[media_type]

    def _payload(self, op: Operation, hint: Hint) -> TypeRef:
        found = self._media(op)
        if found is None:
            return NONE
        schema = found[1].schema
        return self.types.response_type(schema, hint) if schema is not None else ANY

    def _payload_schema(self, op: Operation) -> tuple[Schema | None, Any]:
        """The schema of a webhook's JSON body and an example value of it (the spec's own first, if any)."""
        found = self._media(op)
        if found is None or not is_json(found[0]) or found[1].schema is None:
            return None, None
        media = found[1]
        schema = found[1].schema.resolved
        for example in list(media.examples.values())[:1]:  # the first one
            if isinstance(example.value, dict):
                return schema, example.value
        if media.example is not MISSING and isinstance(media.example, dict):
            return schema, media.example
        return schema, example_value(schema, request=False)  # the API sends it: readOnly properties too
