"""Request objects become TypedDicts: type checkers check nested request data key by key, and the
dicts go over the wire as they are (dates as ISO 8601)."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from generator import pipeline
from tests.conftest import LocalServer, Reply

SPEC = """\
openapi: 3.1.0
info: {title: Shop, version: "1"}
servers: [{url: "https://api.example.com"}]
paths:
  /orders:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [customer, lines]
              properties:
                customer: {$ref: '#/components/schemas/Customer'}
                lines:
                  type: array
                  items:
                    type: object
                    required: [sku, qty]
                    properties:
                      sku: {type: string}
                      qty: {type: integer}
                      shipBy: {type: string, format: date}
                meta:
                  type: object
                  properties:
                    "x-trace": {type: string}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Customer'}}}}
components:
  schemas:
    Customer:
      type: object
      required: [name, address]
      properties:
        name: {type: string}
        address: {$ref: '#/components/schemas/Address'}
        referrer: {$ref: '#/components/schemas/Customer'}
    Address:
      type: object
      required: [city]
      properties:
        city: {type: string}
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("typed-dicts")
    (folder / "shop.yaml").write_text(SPEC, encoding="utf-8")
    pipeline.generate(pipeline.Options(spec=folder / "shop.yaml", output=folder / "out"))
    return folder / "out"


@pytest.fixture(scope="module")
def shop(project: Path) -> ModuleType:
    sys.path.insert(0, str(project / "src"))
    try:
        import shop

        return shop
    finally:
        sys.path.remove(str(project / "src"))


def test_request_objects_are_typed_dicts_with_required_keys(project: Path) -> None:
    types = project / "src" / "shop" / "types"
    assert "class CustomerParam(TypedDict, total=False):" in (types / "customer_param.py").read_text()
    customer = (types / "customer_param.py").read_text()
    assert "name: Required[str]" in customer and "address: Required[AddressParam]" in customer
    assert "referrer: CustomerParam" in customer  # recursive, optional
    lines = (types / "order_create_lines_item_param.py").read_text()
    assert "shipBy: str | date" in lines  # a date field also takes the ISO text
    # a key that cannot be a TypedDict field name keeps the object a plain mapping
    resource = (project / "src" / "shop" / "resources" / "orders.py").read_text()
    assert "meta: Mapping[str, object] | NotGiven = NOT_GIVEN" in resource
    assert "customer: CustomerParam," in resource and "lines: List[OrderCreateLinesItemParam]," in resource


def test_type_checkers_catch_a_missing_or_unknown_nested_key(project: Path) -> None:
    user_code = project / "src" / "user_code.py"
    user_code.write_text(
        "from shop import Shop\n\n"
        "client = Shop()\n"
        'client.orders.create(customer={"name": "Ann", "address": {"city": "Oslo"}}, lines=[{"sku": "a", "qty": 1}])\n'
        'client.orders.create(customer={"name": "Ann", "address": {}}, lines=[])\n'
        'client.orders.create(customer={"name": "Ann", "address": {"city": "Oslo", "zip": "1"}}, lines=[])\n',
        encoding="utf-8",
    )
    try:
        done = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "src/user_code.py"],
                              cwd=project, capture_output=True, text=True, check=False)  # fmt: skip
    finally:
        user_code.unlink()
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 2, done.stdout
    assert 'user_code.py:5: error: Missing key "city" for TypedDict "AddressParam"' in errors[0]
    assert 'user_code.py:6: error: Extra key "zip" for TypedDict "AddressParam"' in errors[1]


def test_typed_dicts_are_sent_as_json(shop: ModuleType, server: LocalServer) -> None:
    server.reply(Reply(200, {"name": "Ann", "address": {"city": "Oslo"}}))
    client = shop.Shop(base_url=server.url)
    customer = client.orders.create(
        customer={"name": "Ann", "address": {"city": "Oslo"}},
        lines=[{"sku": "a", "qty": 1, "shipBy": datetime.date(2025, 1, 31)}, {"sku": "b", "qty": 2, "shipBy": "2025-02-01"}],
    )
    assert customer.address.city == "Oslo"
    (request,) = server.received
    assert json.loads(request.body) == {
        "customer": {"name": "Ann", "address": {"city": "Oslo"}},
        "lines": [{"sku": "a", "qty": 1, "shipBy": "2025-01-31"}, {"sku": "b", "qty": 2, "shipBy": "2025-02-01"}],
    }
