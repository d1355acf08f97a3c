"""Request objects become TypedDicts with snake_case keys: type checkers check nested request data key by
key, and the runtime sends each key under its wire name (dates as ISO 8601) through lists, maps, unions and
cycles, leaving unknown keys and keys given as wire names as they are."""

from __future__ import annotations

import asyncio
import datetime
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from generator import pipeline
from tests.conftest import Generated, GeneratePackage, LocalServer, Reply
from tests.support.documents import shared_spec

SPEC = shared_spec("typed_dict_request_bodies.yaml")


@pytest.fixture(scope="module")
def generated(generate_package: GeneratePackage) -> Iterator[Generated]:
    with generate_package(SPEC, package="shop") as generated:
        yield generated


@pytest.fixture(scope="module")
def project(generated: Generated) -> Path:
    return generated.project


@pytest.fixture(scope="module")
def shop(generated: Generated) -> ModuleType:
    return generated.package


def test_typed_dict_keys_are_snake_case_with_required_keys(project: Path) -> None:
    types = project / "src" / "shop" / "types"
    customer = (types / "customer_param.py").read_text()
    assert "class CustomerParam(TypedDict, total=False):" in customer
    assert "full_name: Required[str]" in customer and "address: Required[AddressParam]" in customer
    assert "referrer: CustomerParam" in customer  # recursive, optional
    # the body's inline objects are TypedDicts of the method's params module, named by property path
    params = (types / "order_create_params.py").read_text()
    assert "class OrderCreateParams(TypedDict, total=False):" in params and "lines: Required[List[Line]]" in params
    assert "class Line(TypedDict, total=False):" in params
    assert "ship_by: str | date" in params  # a date field also takes the ISO text
    # a key that is no identifier is one too, in snake_case
    assert "class Meta(TypedDict, total=False):" in params and "x_trace: str" in params
    resource = (project / "src" / "shop" / "resources" / "orders" / "orders.py").read_text()
    assert "from ...types.order_create_params import Line, Line_wire, Meta" in resource
    assert "customer: CustomerParam," in resource and "lines: List[Line]," in resource
    assert '"customer": to_wire(customer, CustomerParam_wire)' in resource


def test_bodies_without_renamed_keys_cost_nothing(project: Path) -> None:
    """No table, no call: `Tag` has no key to rename, so its argument is sent as it is."""
    assert "_wire" not in (project / "src" / "shop" / "types" / "tag_param.py").read_text()
    tags = (project / "src" / "shop" / "resources" / "tags.py").read_text()
    assert "to_wire" not in tags and '"tag": tag' in tags


def test_type_checkers_catch_a_missing_or_unknown_nested_key(project: Path) -> None:
    user_code = project / "src" / "user_code.py"
    user_code.write_text(
        "from shop import Shop\n\n"
        "client = Shop()\n"
        'client.orders.create(customer={"full_name": "Ann", "address": {"city": "Oslo", "postal_code": "1"}},'
        ' lines=[{"sku": "a", "qty": 1, "ship_by": "2025-01-31"}], by_warehouse={"w": {"city": "Oslo"}},'
        ' payment={"card_number": "4242"})\n'
        'client.orders.create(customer={"full_name": "Ann", "address": {}}, lines=[])\n'
        'client.orders.create(customer={"full_name": "Ann", "address": {"city": "Oslo", "zip": "1"}}, lines=[])\n'
        'client.orders.create(customer={"fullName": "Ann", "address": {"city": "Oslo"}}, lines=[])\n',
        encoding="utf-8",
    )
    try:
        done = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "src/user_code.py"],
                              cwd=project, capture_output=True, text=True, check=False)  # fmt: skip
    finally:
        user_code.unlink()
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 4, done.stdout
    assert 'user_code.py:5: error: Missing key "city" for TypedDict "AddressParam"' in errors[0]
    assert 'user_code.py:6: error: Extra key "zip" for TypedDict "AddressParam"' in errors[1]
    # the wire names still work at run time, but type checkers ask for the snake_case keys
    assert 'user_code.py:7: error: Missing key "full_name" for TypedDict "CustomerParam"' in errors[2]
    assert 'user_code.py:7: error: Extra key "fullName" for TypedDict "CustomerParam"' in errors[3]


def _sent(server: LocalServer) -> object:
    (request,) = server.received
    server.received.clear()
    return json.loads(request.body)


def test_snake_case_keys_are_sent_as_wire_names(shop: ModuleType, server: LocalServer) -> None:
    server.reply(Reply(200, {"fullName": "Ann", "address": {"city": "Oslo"}}))
    client = shop.Shop(base_url=server.url)
    customer = client.orders.create(
        customer={"full_name": "Ann", "address": {"city": "Oslo", "postal_code": "0150"},
                  "referrer": {"full_name": "Bo", "address": {"city": "Bergen"}, "referrer": {"full_name": "Cy"}}},
        lines=[{"sku": "a", "qty": 1, "ship_by": datetime.date(2025, 1, 31)}, {"sku": "b", "qty": 2, "ship_by": "2025-02-01"}],
        meta={"x_trace": "t1"},
        by_warehouse={"north": {"city": "Tromsø", "postal_code": "9008"}, "south": {"city": "Kristiansand"}},
        note="as is",
    )  # fmt: skip
    assert customer.full_name == "Ann"
    assert _sent(server) == {
        "customer": {"fullName": "Ann", "address": {"city": "Oslo", "postalCode": "0150"},
                     "referrer": {"fullName": "Bo", "address": {"city": "Bergen"}, "referrer": {"fullName": "Cy"}}},
        "lines": [{"sku": "a", "qty": 1, "shipBy": "2025-01-31"}, {"sku": "b", "qty": 2, "shipBy": "2025-02-01"}],
        "meta": {"x-trace": "t1"},
        "byWarehouse": {"north": {"city": "Tromsø", "postalCode": "9008"}, "south": {"city": "Kristiansand"}},
        "note": "as is",
    }  # fmt: skip


def test_union_members_are_told_apart_by_their_keys(shop: ModuleType, server: LocalServer) -> None:
    """`holder_name` is `holderName` in a card but `holder_name` in a transfer."""
    client = shop.Shop(base_url=server.url)
    for payment, sent in [
        ({"card_number": "4242", "holder_name": "Ann"}, {"cardNumber": "4242", "holderName": "Ann"}),
        ({"iban": "NO93", "holder_name": "Ann"}, {"iban": "NO93", "holder_name": "Ann"}),
    ]:
        server.reply(Reply(200, {"fullName": "Ann", "address": {"city": "Oslo"}}))
        client.orders.create(customer={"full_name": "Ann", "address": {"city": "Oslo"}}, lines=[], payment=payment)
        body = _sent(server)
        assert isinstance(body, dict) and body["payment"] == sent


def test_extra_and_wire_name_keys_pass_unchanged(shop: ModuleType, server: LocalServer) -> None:
    """Keys the schema does not have go out as given; code written with the wire names keeps working."""
    server.reply(Reply(200, {"fullName": "Ann", "address": {"city": "Oslo"}}))
    client = shop.Shop(base_url=server.url)
    client.orders.create(
        customer={"fullName": "Ann", "address": {"city": "Oslo", "postalCode": "1"}, "vip": True,
                  "referrer": {"fullName": "Bo", "address": {"city": "Bergen", "postal_code": "2"}}},
        lines=[{"sku": "a", "qty": 1, "shipBy": "2025-01-31", "giftWrap": {"paperColor": "red"}}],
    )  # fmt: skip
    assert _sent(server) == {
        "customer": {"fullName": "Ann", "address": {"city": "Oslo", "postalCode": "1"}, "vip": True,
                     "referrer": {"fullName": "Bo", "address": {"city": "Bergen", "postalCode": "2"}}},
        "lines": [{"sku": "a", "qty": 1, "shipBy": "2025-01-31", "giftWrap": {"paperColor": "red"}}],
    }  # fmt: skip


def test_deep_object_query_and_multipart_objects_use_wire_names(shop: ModuleType, server: LocalServer) -> None:
    client = shop.Shop(base_url=server.url)
    server.reply(Reply(204))
    client.orders.search.list(filter={"min_total": 5, "ship_to": {"city": "Oslo", "postal_code": "0150"}})
    (request,) = server.received
    server.received.clear()
    assert request.path.endswith(
        "?filter%5BminTotal%5D=5&filter%5BshipTo%5D%5Bcity%5D=Oslo&filter%5BshipTo%5D%5BpostalCode%5D=0150"
    )
    server.reply(Reply(204))
    client.uploads.create(file=b"abc", file_info={"display_name": "a.txt"})
    (request,) = server.received
    assert b'{"displayName":"a.txt"}' in request.body


def test_async_client_sends_wire_names(shop: ModuleType, server: LocalServer) -> None:
    server.reply(Reply(200, {"fullName": "Ann", "address": {"city": "Oslo"}}))

    async def main() -> None:
        async with shop.AsyncShop(base_url=server.url) as client:
            await client.orders.create(customer={"full_name": "Ann", "address": {"city": "Oslo"}}, lines=[])

    asyncio.run(main())
    assert _sent(server) == {"customer": {"fullName": "Ann", "address": {"city": "Oslo"}}, "lines": []}


def test_names_the_renaming_uses_are_never_taken(tmp_path: Path) -> None:
    """A body property `toWire` and a schema `Renames` would shadow what the generated code calls."""
    spec = SPEC.replace(
        "                note: {type: string}\n",
        "                note: {type: string}\n                toWire: {$ref: '#/components/schemas/Renames'}\n",
    )
    spec += "    Renames:\n      type: object\n      properties:\n        listOf: {type: string}\n"
    returned = "  /renames:\n    get:\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Renames'}}}}\n"
    spec = spec.replace("components:\n", returned + "components:\n")
    (tmp_path / "shop.yaml").write_text(spec, encoding="utf-8")
    pipeline.generate(pipeline.Options(spec=tmp_path / "shop.yaml", output=tmp_path / "out"))
    resource = (tmp_path / "out" / "src" / "shop" / "resources" / "orders" / "orders.py").read_text()
    assert '"toWire": to_wire(to_wire_, RenamesParam_wire)' in resource
    assert "class Renames2(BaseModel):" in (tmp_path / "out" / "src" / "shop" / "types" / "renames.py").read_text()
    done = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "src"],
                          cwd=tmp_path / "out", capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 0, done.stdout
