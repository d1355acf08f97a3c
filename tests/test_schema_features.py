"""Schema and request features of generated clients, end to end against a local server.

One small inline spec covers: a discriminated union (with a mapping and an implicit tag), an enum
that tolerates new values, query styles (explode=false, deepObject), a multipart upload, raw and
streamed responses, and `with_options`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from generator import pipeline
from generator.targets.python.types import annotation as python_annotation
from tests.conftest import LocalServer, Reply, imported_package

SPEC = """\
openapi: 3.1.0
info: {title: Pets, version: "1"}
servers: [{url: "http://localhost"}]
paths:
  /pets:
    get:
      parameters:
        - {name: tags, in: query, schema: {type: array, items: {type: string}}, explode: false}
        - {name: ids, in: query, schema: {type: array, items: {type: integer}}}
        - {name: filter, in: query, style: deepObject, schema: {type: object, properties: {kind: {type: string}}}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Pet"}}
    post:
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              required: [photo]
              properties:
                photo: {type: string, format: binary}
                name: {type: string}
                meta: {type: object, properties: {a: {type: integer}}}
      responses:
        "201":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
  /albums:
    post:
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                cover: {type: string, format: binary}
                title: {type: string}
                sleeve: {type: string, format: binary}
                notes: {type: string}
            encoding:
              cover: {contentType: image/png}
              notes: {contentType: "text/markdown; charset=utf-8"}
              sleeve: {contentType: "image/png, image/jpeg"}
      responses:
        "204": {description: ok}
components:
  schemas:
    Pet:
      oneOf: [{$ref: "#/components/schemas/Cat"}, {$ref: "#/components/schemas/Dog"}]
      discriminator:
        propertyName: petType
        mapping: {cat: "#/components/schemas/Cat"}
    Cat:
      type: object
      required: [petType]
      properties: {petType: {type: string}, lives: {type: integer}, mood: {type: string, enum: [happy, grumpy]}}
    Dog:
      type: object
      required: [petType]
      properties: {petType: {type: string}, bark: {type: string}}
"""


@pytest.fixture(scope="module")
def pets(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    root = tmp_path_factory.mktemp("pets")
    (root / "pets.yaml").write_text(SPEC)
    pipeline.generate(pipeline.Options(spec=root / "pets.yaml", output=root / "out"))
    with imported_package(root / "out" / "src", "pets") as module:
        yield module


def client(pets: ModuleType, server: LocalServer, **options: Any) -> Any:
    return pets.Pets(base_url=server.url, max_retries=0, **options)


def test_discriminated_union_picks_the_member_by_tag(pets: ModuleType, server: LocalServer) -> None:
    from pets.types import Cat, Dog

    server.reply(Reply(200, [{"petType": "cat", "lives": 9, "mood": "happy"}, {"petType": "Dog", "bark": "woof"}]))
    cat, dog = client(pets, server).pets.list()
    assert type(cat) is Cat and (cat.lives, cat.mood) == (9, "happy")
    assert type(dog) is Dog and dog.bark == "woof"  # implicit tag: the schema name


def test_unknown_discriminator_value_is_a_validation_error(pets: ModuleType, server: LocalServer) -> None:
    server.reply(Reply(200, [{"petType": "fish"}]))
    with pytest.raises(pets.APIResponseValidationError, match="fish"):
        client(pets, server).pets.list()


def test_response_enums_tolerate_new_values(pets: ModuleType, server: LocalServer) -> None:
    server.reply(Reply(200, [{"petType": "cat", "mood": "sleepy"}]))
    (cat,) = client(pets, server).pets.list()
    assert cat.mood == "sleepy"


def test_query_styles(pets: ModuleType, server: LocalServer) -> None:
    server.reply(Reply(200, []))
    client(pets, server).pets.list(tags=["a", "b"], ids=[1, 2], filter={"kind": "x"})
    assert server.received[0].path == "/v1/pets?tags=a%2Cb&ids=1&ids=2&filter%5Bkind%5D=x"


def test_multipart_upload(pets: ModuleType, server: LocalServer, tmp_path: Path) -> None:
    server.reply(Reply(201, {"petType": "cat"}), Reply(201, {"petType": "cat"}))
    api = client(pets, server)
    api.pets.create(photo=("p.png", b"\x89PNG", "image/png"), name="Tom", meta={"a": 1})
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"JPEG")
    api.pets.create(photo=photo)
    first, second = server.received
    assert first.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert b'name="photo"; filename="p.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG' in first.body
    assert b'name="name"\r\n\r\nTom' in first.body
    # an object property is a JSON part, with the content type OpenAPI gives it by default
    assert b'name="meta"\r\nContent-Type: application/json\r\n\r\n{"a":1}' in first.body
    assert b'name="photo"; filename="photo.jpg"' in second.body and b"JPEG" in second.body


def test_multipart_body_without_fields_is_an_empty_form(pets: ModuleType, server: LocalServer) -> None:
    # httpx would send no body at all; the body is required, so an empty form is sent (as JSON sends `{}`)
    server.reply(Reply(204), Reply(204))
    api = client(pets, server)
    api.albums.create()
    api.albums.create(title="Live")
    empty, titled = server.received
    assert empty.headers["Content-Type"] == "multipart/form-data; boundary=empty-form-data"
    assert empty.body == b"--empty-form-data--\r\n"
    assert titled.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert b'name="title"\r\n\r\nLive' in titled.body


def test_multipart_parts_carry_the_content_types_the_spec_declares(
    pets: ModuleType, server: LocalServer, tmp_path: Path
) -> None:
    """`encoding.contentType` labels scalar parts and files given without a type; a type the caller gives
    wins; a list of types leaves the choice to the file. Files given as bytes are named `upload`."""
    server.reply(Reply(204), Reply(204))
    api = client(pets, server)
    api.albums.create(cover=b"\x89PNG", notes="*live*", sleeve=b"JPEG")
    sleeve = tmp_path / "s.jpg"
    sleeve.write_bytes(b"JPEG")
    api.albums.create(cover=("c.gif", b"GIF8", "image/gif"), sleeve=sleeve)
    declared, given = server.received
    assert b'name="cover"; filename="upload"\r\nContent-Type: image/png\r\n\r\n\x89PNG' in declared.body
    assert b'name="notes"\r\nContent-Type: text/markdown; charset=utf-8\r\n\r\n*live*' in declared.body
    assert b'name="sleeve"; filename="upload"\r\nContent-Type: application/octet-stream\r\n' in declared.body
    assert b'name="cover"; filename="c.gif"\r\nContent-Type: image/gif\r\n\r\nGIF8' in given.body
    assert b'name="sleeve"; filename="s.jpg"\r\nContent-Type: image/jpeg\r\n' in given.body


def test_multipart_object_part_is_json_before_the_file(pets: ModuleType, server: LocalServer) -> None:
    """An object-valued part is JSON labelled `application/json` (OpenAPI's default `contentType` for an
    object part); a scalar part has no content type (text/plain); plain parts precede the file part."""
    server.reply(Reply(201, {"petType": "cat"}))
    client(pets, server).pets.create(photo=b"\x89PNG", name="Tom", meta={"a": 1})
    (first,) = server.received
    assert b'name="meta"\r\nContent-Type: application/json\r\n\r\n{"a":1}\r\n' in first.body
    assert b'name="name"\r\n\r\nTom\r\n' in first.body
    assert first.body.index(b'name="meta"') < first.body.index(b'name="photo"')


def test_raw_and_streaming_responses(pets: ModuleType, server: LocalServer) -> None:
    server.reply(Reply(200, [{"petType": "Dog"}], {"x-request-id": "req_raw"}), Reply(200, [{"petType": "Dog"}]))
    api = client(pets, server)
    raw = api.pets.with_raw_response.list()
    assert (raw.status_code, raw.request_id, raw.retries_taken) == (200, "req_raw", 0)
    assert raw.headers["x-request-id"] == "req_raw"
    assert [type(p).__name__ for p in raw.parse()] == ["Dog"]
    with api.pets.with_streaming_response.list() as response:
        assert b"".join(response.iter_bytes()) == b'[{"petType": "Dog"}]'
    assert response.http_response.is_closed


def test_async_raw_response(pets: ModuleType, server: LocalServer) -> None:
    server.reply(Reply(200, [{"petType": "Dog"}]))

    async def main() -> Any:
        async with pets.AsyncPets(base_url=server.url) as api:
            raw = await api.pets.with_raw_response.list()
            return await raw.parse()

    assert [type(p).__name__ for p in asyncio.run(main())] == ["Dog"]


def test_with_options_shares_the_connection_pool(pets: ModuleType, server: LocalServer) -> None:
    server.reply(Reply(200, []))
    api = client(pets, server, default_headers={"X-A": "1"})
    changed = api.with_options(default_headers={"X-B": "2"}, timeout=5.0)
    changed.pets.list()
    assert changed._client is api._client and changed.timeout == 5.0 and api.timeout != 5.0
    assert server.received[0].headers["X-A"] == "1" and server.received[0].headers["X-B"] == "2"


WEBHOOK_SPEC = """\
openapi: 3.1.0
info: {title: Hooks, version: "1"}
paths:
  /subscriptions:
    post:
      operationId: subscribe
      requestBody:
        content: {application/json: {schema: {type: object, properties: {url: {type: string}}}}}
      responses: {"201": {description: ok}}
      callbacks:
        onEvent:
          "{$request.body#/url}":
            post:
              requestBody:
                content: {application/json: {schema: {type: object, required: [kind], properties: {kind: {type: string}}}}}
              responses: {"200": {description: ok}}
webhooks:
  invoice.paid:
    post:
      requestBody:
        content: {application/json: {schema: {$ref: "#/components/schemas/InvoicePaid"}}}
      responses: {"200": {description: ok}}
components:
  schemas:
    InvoicePaid:
      type: object
      required: [invoiceId, amount]
      properties: {invoiceId: {type: string}, amount: {type: integer}}
"""


def test_webhook_and_callback_payloads_are_typed_models(tmp_path: Path) -> None:
    (tmp_path / "hooks.yaml").write_text(WEBHOOK_SPEC)
    result = pipeline.generate(pipeline.Options(spec=tmp_path / "hooks.yaml", output=tmp_path / "out"))
    assert [(w.name, python_annotation(w.payload)) for w in result.api.webhooks] == [
        ("invoice.paid", "InvoicePaid"),
        ("subscribe.onEvent", "SubscribeOnEventWebhookPayload"),
    ]
    assert [op.name for op in result.api.operations] == ["create"]  # webhooks get no methods
    sys.path.insert(0, str(tmp_path / "out" / "src"))
    try:
        from hooks.types import InvoicePaid, SubscribeOnEventWebhookPayload

        paid = InvoicePaid.model_validate_json('{"invoiceId": "in_1", "amount": 5}')
        assert (paid.invoice_id, paid.amount) == ("in_1", 5)
        assert SubscribeOnEventWebhookPayload.model_validate({"kind": "x"}).kind == "x"
    finally:
        sys.path.remove(str(tmp_path / "out" / "src"))
    assert "| invoice.paid | POST | `InvoicePaid` |" in result.files["README.md"]


EDGE_SPEC = """\
openapi: 3.0.3
info: {title: Edge, version: "1"}
paths:
  /things/{type}:
    put:
      parameters:
        - {name: type, in: path, required: true, schema: {type: string}}
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {object: {type: string}, list: {type: integer}}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Shape"}}}}
        "204": {description: nothing}
components:
  schemas:
    Shape:
      oneOf: [{$ref: "#/components/schemas/Circle"}, {$ref: "#/components/schemas/Square"}]
      discriminator: {propertyName: kind}
    Circle:
      type: object
      required: [kind]
      properties: {kind: {type: string, enum: [circle]}, r: {type: number}}
    Square:
      type: object
      required: [kind]
      properties: {kind: {type: string, enum: [square]}, side: {type: number}}
"""


def test_builtin_names_empty_successes_and_pinned_discriminator_values(tmp_path: Path, server: LocalServer) -> None:
    (tmp_path / "edge.yaml").write_text(EDGE_SPEC)
    result = pipeline.generate(pipeline.Options(spec=tmp_path / "edge.yaml", output=tmp_path / "out"))
    (operation,) = result.api.operations
    assert [p.name for p in operation.parameters] == ["type_", "object_", "list_"]  # `type(None)` keeps working
    assert python_annotation(operation.return_type) == "Shape | None"  # the 204 has no body
    sys.path.insert(0, str(tmp_path / "out" / "src"))
    try:
        import edge

        server.reply(Reply(200, {"kind": "square", "side": 2}), Reply(204))
        api = edge.Edge(base_url=server.url)
        square = api.things.update("t", object_="o", list_=1)
        assert type(square).__name__ == "Square" and square.side == 2  # tagged by the enum value, not the name
        assert api.things.update("t") is None
    finally:
        sys.path.remove(str(tmp_path / "out" / "src"))
    assert server.received[0].path == "/v1/things/t" and server.received[0].body == b'{"object":"o","list":1}'


SECURITY_SPEC = """\
openapi: 3.0.3
info: {title: Secure, version: "1"}
security: [{accountSid_authToken: []}]
paths:
  /private:
    get:
      responses: {"204": {description: ok}}
  /public:
    get:
      security: []
      responses: {"204": {description: ok}}
  /keyed:
    get:
      security: [{key: []}, {cookie: []}]
      responses: {"204": {description: ok}}
components:
  securitySchemes:
    accountSid_authToken: {type: http, scheme: basic}
    key: {type: apiKey, in: query, name: api_key}
    cookie: {type: apiKey, in: cookie, name: session}
"""


def test_security_schemes_basic_api_key_and_per_operation_overrides(
    tmp_path: Path, server: LocalServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "secure.yaml").write_text(SECURITY_SPEC)
    result = pipeline.generate(pipeline.Options(spec=tmp_path / "secure.yaml", output=tmp_path / "out"))
    assert [(c.name, c.env_var, c.required) for c in result.api.credentials] == [
        ("username", "SECURE_USERNAME", True),
        ("password", "SECURE_PASSWORD", True),
        ("key", "SECURE_KEY", False),
        ("cookie", "SECURE_COOKIE", False),
    ]
    sys.path.insert(0, str(tmp_path / "out" / "src"))
    try:
        import secure

        monkeypatch.delenv("SECURE_USERNAME", raising=False)
        with pytest.raises(secure.SecureError, match="SECURE_USERNAME"):
            secure.Secure(password="p", base_url=server.url)
        monkeypatch.setenv("SECURE_PASSWORD", "token")
        api = secure.Secure(username="AC1", key="k", cookie="s3", base_url=server.url)
        api.private.list()
        api.public.list()
        api.keyed.list()
        # a credential sent in the query never reaches the logs, even when the URL is logged (retries, debug)
        server.reply(Reply(503, {}, {"retry-after-ms": "1"}), Reply(204))
        with caplog.at_level(logging.DEBUG, logger="secure"):
            secure.Secure(username="AC1", key="sekrit-key", base_url=server.url).keyed.list()
    finally:
        sys.path.remove(str(tmp_path / "out" / "src"))
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Retrying GET" in logged and "api_key=hidden" in logged and "sekrit" not in logged
    private, public, keyed, *_ = server.received
    assert private.headers["Authorization"] == "Basic QUMxOnRva2Vu"  # base64("AC1:token")
    assert "Authorization" not in public.headers and public.path == "/v1/public"  # security: []
    assert keyed.path == "/v1/keyed?api_key=k" and "Authorization" not in keyed.headers
    assert "Cookie" not in keyed.headers  # only the first satisfiable alternative is used


REDIRECT_SPEC = """\
openapi: 3.0.3
info: {title: Tasks, version: "1"}
paths:
  /tasks:
    post:
      responses:
        "303":
          description: The task was queued; its progress is in the body.
          content: {application/json: {schema: {type: object, required: [status], properties: {status: {type: string}}}}}
"""


def test_an_operation_documented_only_as_a_redirect_returns_its_body(tmp_path: Path, server: LocalServer) -> None:
    (tmp_path / "tasks.yaml").write_text(REDIRECT_SPEC)
    pipeline.generate(pipeline.Options(spec=tmp_path / "tasks.yaml", output=tmp_path / "out"))
    sys.path.insert(0, str(tmp_path / "out" / "src"))
    try:
        import tasks

        server.reply(Reply(303, {"status": "ENQUEUED"}), Reply(302, {"status": "x"}))
        api = tasks.Tasks(base_url=server.url, max_retries=0)
        assert api.tasks.create().status == "ENQUEUED"
        with pytest.raises(tasks.APIStatusError):  # an undocumented 3xx is still not a result
            api.tasks.create()
    finally:
        sys.path.remove(str(tmp_path / "out" / "src"))


SHARED_TAG_SPEC = """\
openapi: 3.1.0
info: {title: Items, version: "1"}
paths:
  /items:
    get:
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Item"}}}}
components:
  schemas:
    Item:
      oneOf: [{$ref: "#/components/schemas/InputMessage"}, {$ref: "#/components/schemas/OutputMessage"}]
      discriminator: {propertyName: type}
    InputMessage:
      type: object
      required: [type, text]
      properties: {type: {type: string, enum: [message]}, text: {type: string}}
    OutputMessage:
      type: object
      required: [type, refusal]
      properties: {type: {type: string, enum: [message]}, refusal: {type: string}}
"""


def test_members_sharing_a_discriminator_value_are_told_apart_by_their_fields(tmp_path: Path, server: LocalServer) -> None:
    (tmp_path / "items.yaml").write_text(SHARED_TAG_SPEC)
    pipeline.generate(pipeline.Options(spec=tmp_path / "items.yaml", output=tmp_path / "out"))
    sys.path.insert(0, str(tmp_path / "out" / "src"))
    try:
        import items

        server.reply(Reply(200, [{"type": "message", "text": "hi"}, {"type": "message", "refusal": "no"}]))
        first, second = items.Items(base_url=server.url).items.list()
        assert (type(first).__name__, type(second).__name__) == ("InputMessage", "OutputMessage")
    finally:
        sys.path.remove(str(tmp_path / "out" / "src"))


PROPERTIES_REF_SPEC = """\
openapi: 3.0.3
info: {title: Balancers, version: "1"}
paths:
  /balancers/{id}/droplets:
    post:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      requestBody:
        required: true
        content:
          application/json:
            schema: {properties: {$ref: "attributes.yaml#/droplet_ids"}, required: [droplet_ids]}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {$ref: "attributes.yaml#/droplet_ids"}}
"""

PROPERTIES_REF_ATTRIBUTES = """\
droplet_ids:
  droplet_ids: {type: array, items: {type: integer}}
"""


def test_properties_written_as_one_ref_to_a_map_of_properties(tmp_path: Path, server: LocalServer) -> None:
    """`properties: {$ref: file#/map}` (DigitalOcean) is the referenced map, not a property named "$ref".

    openapi-spec-validator rejects it (a property's schema cannot be a string), so only --lenient gets here;
    Prism and ref bundlers read it as the map, which is what its authors meant."""
    (tmp_path / "balancers.yaml").write_text(PROPERTIES_REF_SPEC)
    (tmp_path / "attributes.yaml").write_text(PROPERTIES_REF_ATTRIBUTES)
    pipeline.generate(pipeline.Options(spec=tmp_path / "balancers.yaml", output=tmp_path / "out", lenient=True))
    sys.path.insert(0, str(tmp_path / "out" / "src"))
    try:
        import balancers

        server.reply(Reply(200, {"droplet_ids": [3]}))
        result = balancers.Balancers(base_url=server.url).balancers.droplets.create("lb1", droplet_ids=[1, 2])
        assert json.loads(server.received[0].body) == {"droplet_ids": [1, 2]}
        assert result.droplet_ids == [3]
    finally:
        sys.path.remove(str(tmp_path / "out" / "src"))
