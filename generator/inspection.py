"""The `inspect --json` document: a stable, documented view of the IR for other tools (docs/inspect.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from generator.model.ir import Api, Operation, Parameter
from generator.spec.nodes import Schema
from generator.spec.overlay import AppliedOverlay
from generator.targets.python.types import annotation as python_annotation

FORMAT_VERSION = 1


def api_to_json(api: Api, overlays: Sequence[AppliedOverlay] = ()) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "title": api.title,
        "api_version": api.api_version,
        "package": api.package,
        "distribution": api.distribution,
        "version": api.version,
        "client_class": api.client_name,
        "async_client_class": api.async_client_name,
        "base_url": api.base_url,
        "environment": {
            "base_url": api.base_url_env,
            "log": api.log_env,
            **{c.name: c.env_var for c in api.credentials},
        },
        "credentials": [
            {"name": c.name, "scheme": c.scheme, "kind": c.kind, "wire_name": c.wire_name, "required": c.required}
            for c in api.credentials
        ],
        "request_id_header": api.request_id_header,
        "operations": [_operation(op) for op in api.operations],
        "webhooks": [
            {"name": w.name, "http_method": w.http_method, "payload_type": python_annotation(w.payload)}
            for w in api.webhooks
        ],
        "overlays": [
            {"file": o.file, "title": o.title, "version": o.version, "actions": o.actions, "matched": o.matched}
            for o in overlays
        ],
        "types": [
            {
                "name": m.name,
                "class_name": m.python_name,
                "kind": "request" if m.request else "alias" if m.alias else "model",
                "module": f"{api.package}.types.{m.module}",
                "fields": [
                    {
                        "name": f.name,
                        "wire_name": f.wire_name,
                        "type": python_annotation(f.type),
                        "required": f.required,
                    }
                    for f in m.fields
                ],
            }
            for m in api.models
        ],
    }


def _operation(op: Operation) -> dict[str, Any]:
    return {
        "resource": list(op.resource_path),
        "method": op.name,
        "http_method": op.http_method,
        "path": op.path,
        "operation_id": op.operation_id,
        "summary": op.summary,
        "deprecated": op.deprecated,
        "parameters": [_parameter(p) for p in op.parameters],
        "request_body": (
            None
            if op.body is None
            else {
                "content_type": op.body.content_type,
                "required": op.body.required,
                "flattened": op.body.flattened,
                "schema": op.body.schema.written,
            }
        ),
        "return_type": python_annotation(op.return_type),
        "response_schema": _written(op.response_schema),
        "security": list(op.security),
        "pagination": (
            None
            if op.pagination is None
            else {
                "page_class": op.pagination.page_class,
                "item_type": python_annotation(op.pagination.item),
                "items": op.pagination.items,
                "param": op.pagination.param,
                "next": op.pagination.next,
                "item_id": op.pagination.item_id,
            }
        ),
        "stream": (
            None if op.stream is None else {"item_type": python_annotation(op.stream.item), "switch": op.stream.switch}
        ),
    }


def _parameter(p: Parameter) -> dict[str, Any]:
    return {
        "name": p.name,
        "wire_name": p.wire_name,
        "location": p.location,
        "required": p.required,
        "type": python_annotation(p.type),
        "schema": _written(p.schema),
    }


def _written(schema: Schema | None) -> Any:
    """A schema's JSON as the spec writes it (the IR holds it with a top-level `$ref` followed: docs/inspect.md)."""
    return schema.written if schema is not None else None
