"""FEATURES_SPEC: a small API with a case of each construct the runtime and the types handle beyond the seed:
inline objects nested in a model and in a method's params, named with their property path (`Invoice.Line`,
`InvoiceCreateParams.LineGroup.Line`), beside a component schema and a global type name they must not hide."""

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

FEATURES_SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Features API", "version": "1"},
    "servers": [{"url": "https://features.test"}],
    "paths": {
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
