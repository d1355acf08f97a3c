"""FEATURES_SPEC: a small API with a case of each construct the runtime and the types handle beyond the seed:
inline objects nested in a model and in a method's params, named with their property path (`Invoice.Line`,
`InvoiceCreateParams.LineGroup.Line`), beside a component schema and a global type name they must not hide;
lists paged by offset (with a total), page number (with a page count), the last item's id and a next URL;
a download, server-sent events (typed, untyped, and switched on by a `stream` body property) and cookie
parameters."""

from __future__ import annotations

from typing import Any


def _object(properties: dict[str, Any], required: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties, **extra}
    if required:
        schema["required"] = required
    return schema


def _json(schema: dict[str, Any], description: str = "ok") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


STRING = {"type": "string"}
INVOICE = {"$ref": "#/components/schemas/Invoice"}
THING = {"$ref": "#/components/schemas/Thing"}
THINGS = {"type": "array", "items": THING}
INTEGER = {"type": "integer"}


def _list(name: str, query: list[str], response: dict[str, Any]) -> dict[str, Any]:
    """A GET list with integer or string query parameters (`after` is a string) and the given response fields."""
    parameters = [{"in": "query", "name": q, "schema": STRING if q == "after" else INTEGER} for q in query]
    return {
        "get": {
            "operationId": name,
            "parameters": parameters,
            "responses": {"200": _json(_object(response, ["data"]))},
        }
    }


FEATURES_SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Features API", "version": "1"},
    "servers": [{"url": "https://features.test"}],
    "paths": {
        "/by-offset": _list("listByOffset", ["offset", "limit"], {"data": THINGS, "total": INTEGER}),
        # a page type too long for one line: prettier breaks its type arguments, without a trailing comma
        "/archived-things-of-every-department-and-region": _list(
            "listArchivedThingsOfEveryDepartmentAndRegion", ["offset", "limit"], {"data": THINGS, "total": INTEGER}
        ),
        "/by-number": _list("listByNumber", ["page", "per_page"], {"data": THINGS, "total_pages": INTEGER}),
        "/after-last": _list("listAfterLast", ["after", "limit"], {"data": THINGS, "has_more": {"type": "boolean"}}),
        "/by-link": _list("listByLink", ["limit"], {"data": THINGS, "links": _object({"next": STRING})}),
        "/reports/{id}/pdf": {
            "get": {
                "operationId": "downloadReport",
                "parameters": [{"in": "path", "name": "id", "required": True, "schema": STRING}],
                "responses": {
                    "200": {
                        "description": "the PDF",
                        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
                    }
                },
            }
        },
        "/events": {
            "get": {
                "operationId": "listEvents",
                "responses": {"200": {"description": "events", "content": {"text/event-stream": {"schema": THING}}}},
            }
        },
        "/raw-events": {
            "get": {
                "operationId": "listRawEvents",
                "responses": {"200": {"description": "events", "content": {"text/event-stream": {}}}},
            }
        },
        "/completions": {
            "post": {
                "operationId": "createCompletion",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": _object({"prompt": STRING, "stream": {"type": "boolean"}}, ["prompt"])
                        }
                    },
                },
                "responses": {
                    "200": {
                        "description": "the completion, or its chunks as events",
                        "content": {"application/json": {"schema": THING}, "text/event-stream": {"schema": THING}},
                    }
                },
            }
        },
        "/preferences": {
            "get": {
                "operationId": "getPreferences",
                "parameters": [
                    {"in": "cookie", "name": "theme", "required": True, "schema": STRING},
                    {"in": "cookie", "name": "lang", "schema": STRING},
                    {"in": "query", "name": "verbose", "schema": {"type": "boolean"}},
                ],
                "responses": {"200": _json(THING)},
            }
        },
        "/invoices": {
            "post": {
                "operationId": "createInvoice",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": _object(
                                {
                                    "customerId": STRING,
                                    "lineGroups": {
                                        "type": "array",
                                        "items": _object(
                                            {
                                                "name": STRING,
                                                "lines": {
                                                    "type": "array",
                                                    "items": _object({"amount": STRING}, ["amount"]),
                                                },
                                            }
                                        ),
                                    },
                                },
                                ["customerId"],
                            )
                        }
                    },
                },
                "responses": {"200": _json(INVOICE)},
            },
        },
    },
    "components": {
        "schemas": {
            "Customer": _object({"id": STRING}, ["id"]),
            "Thing": _object({"id": STRING}, ["id"]),
            "Invoice": _object(
                {
                    "id": STRING,
                    # an inline `customer` beside the component Customer its lines mention: renamed, not hiding it
                    "customer": _object({"name": STRING}, description="The customer as billed."),
                    "record": _object({"at": STRING}),  # `Record` would hide the global type
                    "lines": {
                        "type": "array",
                        "items": _object(
                            {
                                "amount": STRING,
                                "owner": {"$ref": "#/components/schemas/Customer"},
                                "tax": _object({"rate": {"type": "number"}}),
                            },
                            ["amount"],
                        ),
                    },
                },
                ["id", "lines"],
            ),
        },
        "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
    },
    "security": [{"token": []}],
}
