"""The operation modules split from OperationBuilder (responses.py, parameters.py, media.py) on typed nodes."""

from __future__ import annotations

from pathlib import Path

from generator.errors import Problem
from generator.model import responses
from generator.model.media import body_kind, part_types, preferred_media_type
from generator.model.parameters import ParameterBuilder, query_names
from generator.model.schemas import Hint, SchemaTypes
from generator.spec.build import SchemaGraph, build_document
from generator.spec.load import load_spec
from generator.spec.nodes import Document
from generator.targets.python.naming import PYTHON_NAMING

_SPEC = """\
openapi: 3.1.0
info: {title: T, version: '1'}
paths:
  /files/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
      - {name: limit, in: query, schema: {type: integer}}
    get:
      parameters:
        - {name: limit, in: query, description: Page size., schema: {type: integer, example: 5}}
        - {name: Accept, in: header, schema: {type: string}}
        - {name: 'x y', in: header, schema: {type: string}}
      responses:
        '404': {description: missing}
        '200':
          description: ok
          content:
            application/octet-stream: {}
        '204': {description: none}
    post:
      responses:
        '303': {description: see other}
    put:
      requestBody:
        content:
          multipart/form-data:
            encoding:
              file: {contentType: image/png}
              meta: {contentType: 'image/*'}
      responses:
        default:
          description: any
          content:
            application/json:
              schema: {type: object, additionalProperties: {type: string}}
"""


def _document(tmp_path: Path) -> tuple[Document, SchemaGraph]:
    entry = tmp_path / "openapi.yaml"
    entry.write_text(_SPEC, encoding="utf-8")
    spec = load_spec(entry)
    graph = SchemaGraph(spec)
    return build_document(spec, graph), graph


def test_the_success_response_is_the_first_2xx_else_3xx_else_default(tmp_path: Path) -> None:
    doc, _ = _document(tmp_path)
    item = doc.paths["/files/{id}"]
    get, post, put = (item.operation(m) for m in ("get", "post", "put"))
    assert get is not None and post is not None and put is not None
    assert [found[1] for found in map(responses.success_response, (get, post, put)) if found] == [
        "200",
        "303",
        "default",
    ]
    assert responses.accept(get) == "application/octet-stream" and responses.accept(put) is None
    assert responses.redirect_success(post) == (303,) and responses.redirect_success(get) == ()
    assert responses.has_empty_success(get) and not responses.has_empty_success(put)
    schema = responses.success_schema(put)
    assert schema is not None and schema.types == ("object",)
    response = responses.response_schema(put)
    assert response is schema and response.written == {"type": "object", "additionalProperties": {"type": "string"}}


def test_parameters_merge_the_path_items_and_skip_headers_the_client_sets(tmp_path: Path) -> None:
    doc, graph = _document(tmp_path)
    item = doc.paths["/files/{id}"]
    get = item.operation("get")
    assert get is not None
    assert query_names(item, get) == {"limit"}
    warnings: list[Problem] = []
    params = ParameterBuilder(SchemaTypes(graph.spec, graph, PYTHON_NAMING), graph, warnings).parameters(
        item, get, "/files/{id}", Hint("FileRetrieveParams", "params")
    )
    assert [(p.name, p.location, p.required) for p in params] == [
        ("id", "path", True),
        ("limit", "query", False),
        ("x_y", "header", False),
    ]
    limit = params[1]
    assert limit.description == "Page size." and limit.example == 5  # the operation's own wins over the path item's
    assert [w.message for w in warnings] == [
        "header parameter name 'x y' is not a valid HTTP header name; calls that send it will fail"
    ]


def test_media_types(tmp_path: Path) -> None:
    doc, _ = _document(tmp_path)
    put = doc.paths["/files/{id}"].operation("put")
    assert put is not None and put.request_body is not None and put.request_body.content is not None
    media = put.request_body.content["multipart/form-data"]
    assert part_types(media) == (("file", "image/png"),)  # a wildcard leaves the choice to the file
    assert preferred_media_type(["text/plain", "multipart/form-data", "application/problem+json"]) == (
        "application/problem+json"
    )
    assert [
        body_kind(m) for m in ("application/json", "multipart/mixed", "application/x-www-form-urlencoded", "a/b")
    ] == ["json", "multipart", "form", "raw"]
