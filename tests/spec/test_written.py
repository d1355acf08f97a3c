"""What the spec layer gives the commands that show or edit the spec as written (`inspect --json`, `samples`)."""

from __future__ import annotations

from pathlib import Path

from generator.spec.build import build_document, written_operation
from generator.spec.load import load_spec

_SPEC = """\
openapi: 3.1.0
info: {title: T, version: '1'}
paths:
  /pets:
    get:
      x-codeSamples: [{lang: Shell, source: curl}]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
  /owners:
    $ref: 'owners.yaml'
components:
  schemas:
    Pet:
      type: object
      properties:
        owner: {$ref: '#/components/schemas/Owner'}
    Owner: {type: string}
"""

_OWNERS = """\
get:
  responses:
    '204': {description: none}
"""


def test_a_schema_node_gives_the_json_it_was_built_from_with_its_refs_as_written(tmp_path: Path) -> None:
    (tmp_path / "owners.yaml").write_text(_OWNERS, encoding="utf-8")
    entry = tmp_path / "openapi.yaml"
    entry.write_text(_SPEC, encoding="utf-8")
    doc = build_document(load_spec(entry))
    get = doc.paths["/pets"].operation("get")
    assert get is not None and get.responses is not None
    content = get.responses["200"].content
    assert content is not None
    schema = content["application/json"].schema
    assert schema is not None
    assert schema.written == {"$ref": "#/components/schemas/Pet"}
    assert schema.resolved.written == {
        "type": "object",
        "properties": {"owner": {"$ref": "#/components/schemas/Owner"}},
    }
    assert schema.resolved.properties["owner"].resolved.written == {"type": "string"}


def test_the_operation_as_written_in_the_entry_document_and_none_behind_a_ref(tmp_path: Path) -> None:
    (tmp_path / "owners.yaml").write_text(_OWNERS, encoding="utf-8")
    entry = tmp_path / "openapi.yaml"
    entry.write_text(_SPEC, encoding="utf-8")
    spec = load_spec(entry)
    pets = written_operation(spec, "/pets", "get")
    assert pets is not None and pets["x-codeSamples"] == [{"lang": "Shell", "source": "curl"}]
    assert written_operation(spec, "/owners", "get") is None  # its path item is a `$ref` into another file
    assert written_operation(spec, "/pets", "post") is None
    assert written_operation(spec, "/nowhere", "get") is None
