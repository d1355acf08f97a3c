"""The model names nothing itself: every name in the IR is written by the target's `Naming` (model/naming.py),
and the model's own decisions (which objects are renamed on the way out, which GETs return one thing) do not
depend on how a language spells names."""

from __future__ import annotations

from pathlib import Path

from generator.config import Config
from generator.model.build import build_api
from generator.model.ir import Api
from generator.model.naming import Naming, words
from generator.spec.load import load_spec
from generator.targets.python.naming import PYTHON_NAMING, PythonNaming
from tests.support.documents import write_spec

_PATHS = {
    "paths": {
        "/customer-accounts/{accountId}": {
            "post": {
                "operationId": "updateCustomerAccount",
                "parameters": [
                    {"name": "accountId", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "dryRun", "in": "query", "schema": {"type": "boolean"}},
                ],
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "fullName": {"type": "string"},
                                    "billingAddress": {"$ref": "#/components/schemas/postal_address"},
                                },
                            }
                        }
                    }
                },
                "responses": {"200": {"description": "ok"}},
            }
        },
        "/close": {"get": {"responses": {"200": {"description": "ok"}}}},
    },
    "components": {
        "schemas": {
            "postal_address": {"type": "object", "properties": {"streetLine": {"type": "string"}}},
        }
    },
}


class _CamelNaming(PythonNaming):
    """A language writing camelCase members, reserving `close` on the client and escaping with a `$`."""

    reserved_client_attributes = frozenset({"close"})

    @staticmethod
    def _camel(name: str, fallback: str) -> str:
        parts = words(name) or [fallback]
        return parts[0] + "".join(p.capitalize() for p in parts[1:])

    attribute = method = argument = field = _camel

    @staticmethod
    def escaped(name: str) -> str:
        return f"{name}$"


def _api(tmp_path: Path, naming: Naming) -> Api:
    return build_api(load_spec(write_spec(tmp_path, _PATHS)), Config(), naming)


def test_python_naming_writes_the_python_sdk_names(tmp_path: Path) -> None:
    api = _api(tmp_path, PYTHON_NAMING)
    (update,) = [op for op in api.operations if op.http_method == "POST"]
    assert update.resource_path == ("customer_accounts",)
    assert [p.name for p in update.parameters] == ["account_id", "dry_run", "full_name", "billing_address"]
    address = next(m for m in api.models if m.python_name == "PostalAddressParam")
    assert [f.name for f in address.fields] == ["street_line"]
    assert "PostalAddressParam" in api.renamed  # `street_line` is sent as `streetLine`
    assert {r.name for r in api.resources} == {"customer_accounts", "close_"}  # `client.close` is the client's


def test_another_naming_names_the_same_model_its_way(tmp_path: Path) -> None:
    api = _api(tmp_path, _CamelNaming())
    (update,) = [op for op in api.operations if op.http_method == "POST"]
    assert update.resource_path == ("customerAccounts",)
    assert [p.name for p in update.parameters] == ["accountId", "dryRun", "fullName", "billingAddress"]
    address = next(m for m in api.models if m.python_name == "PostalAddressParam")
    assert [f.name for f in address.fields] == ["streetLine"]
    # keys spelled as on the wire: nothing to rename, so no renaming table anywhere
    assert api.renamed == frozenset() and api.wire_tables == frozenset()
    assert {r.name for r in api.resources} == {"customerAccounts", "close$"}
    # the decisions that are not spelling stay the same: the same methods on the same resources
    python = _api(tmp_path / "python", PYTHON_NAMING)
    assert [(op.http_method, op.path, op.name) for op in api.operations] == [
        (op.http_method, op.path, op.name) for op in python.operations
    ]
