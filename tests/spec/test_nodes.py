"""The typed spec layer (generator/spec/build.py, nodes.py) on small specs written to a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import GeneratorError
from generator.spec.build import SchemaGraph, build_document
from generator.spec.load import load_spec
from generator.spec.nodes import MISSING, Document, Schema

_HEADER = """\
openapi: {version}
info: {{title: T, version: '1'}}
"""


def document(tmp_path: Path, body: str, version: str = "3.1.0", **files: str) -> Document:
    """The typed document of a spec made of `body` below the usual header (and other files beside it)."""
    for name, text in files.items():
        (tmp_path / name.replace("__", ".")).write_text(text, encoding="utf-8")
    entry = tmp_path / "openapi.yaml"
    entry.write_text(_HEADER.format(version=version) + body, encoding="utf-8")
    return build_document(load_spec(entry))


def schemas(doc: Document) -> dict[str, Schema]:
    return dict(doc.components.schemas)


def test_a_referenced_schema_is_one_node_wherever_it_is_used(tmp_path: Path) -> None:
    doc = document(
        tmp_path,
        """\
paths:
  /pets:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
components:
  schemas:
    Pet:
      type: object
      properties:
        owner: {$ref: 'other.yaml#/Owner'}
    Litter:
      type: array
      items: {$ref: '#/components/schemas/Pet'}
""",
        other__yaml="Owner:\n  type: object\n  properties:\n    pet: {$ref: 'openapi.yaml#/components/schemas/Pet'}\n",
    )
    pet = schemas(doc)["Pet"]
    media = doc.paths["/pets"].operations[0].responses["200"].content["application/json"]  # type: ignore[index]
    assert media.schema is not None and media.schema.is_ref and media.schema.resolved is pet
    litter = schemas(doc)["Litter"]
    assert litter.items is not None and litter.items.resolved is pet
    owner = pet.properties["owner"].resolved
    assert owner.location.file == tmp_path / "other.yaml" and owner.location.pointer == "/Owner"
    assert owner.name == "Owner" and owner.component_name is None and pet.component_name == "Pet"
    assert owner.properties["pet"].resolved is pet  # across files and back: the same node
    assert pet.recursive and owner.recursive and not litter.recursive


def test_a_chain_of_refs_ends_at_the_schema_and_a_self_reference_is_a_cycle(tmp_path: Path) -> None:
    doc = document(
        tmp_path,
        """\
paths: {}
components:
  schemas:
    Alias: {$ref: '#/components/schemas/Middle'}
    Middle: {$ref: '#/components/schemas/Tree'}
    Tree:
      type: object
      properties:
        children: {type: array, items: {$ref: '#/components/schemas/Tree'}}
        label: {type: string}
""",
    )
    tree = schemas(doc)["Tree"]
    assert schemas(doc)["Alias"].ref is tree  # the whole chain followed
    assert tree.recursive
    children = tree.properties["children"]
    assert children.items is not None and children.items.resolved is tree
    assert not tree.properties["label"].recursive


def test_nullability_of_3_0_and_3_1_read_alike(tmp_path: Path) -> None:
    body = """\
paths: {}
components:
  schemas:
    Old: {type: string, nullable: true}
    New: {type: [string, 'null']}
    Plain: {type: string}
    FlagAlone: {nullable: true}
"""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    old, new = schemas(document(tmp_path / "a", body, "3.0.3")), schemas(document(tmp_path / "b", body))
    assert old["Old"].json_types == new["New"].json_types == ("string", "null")
    assert old["Old"].allows_null and new["New"].allows_null and not new["Plain"].allows_null
    assert old["Old"].nullable and not old["Old"].type_is_list and new["New"].type_is_list
    assert old["FlagAlone"].json_types == ()  # `nullable` says nothing without a type


def test_all_of_is_merged_once_nested_parts_included_and_the_later_part_wins(tmp_path: Path) -> None:
    doc = document(
        tmp_path,
        """\
paths: {}
components:
  schemas:
    Base:
      type: object
      required: [id]
      properties:
        id: {type: string}
        kind: {type: string}
    Middle:
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          required: [size]
          properties:
            size: {type: integer}
    Leaf:
      allOf:
        - $ref: '#/components/schemas/Middle'
        - properties:
            kind: {type: integer}
      properties:
        own: {type: boolean}
    Loop:
      allOf:
        - $ref: '#/components/schemas/Loop'
        - properties:
            x: {type: string}
    Text: {type: string}
""",
    )
    leaf = schemas(doc)["Leaf"].merged
    assert leaf is not None
    assert list(leaf.properties) == ["id", "kind", "size", "own"]
    assert leaf.required == {"id", "size"}
    assert leaf.properties["kind"].types == ("integer",)  # the later part's property wins
    assert leaf.properties["id"] is schemas(doc)["Base"].properties["id"]
    assert schemas(doc)["Leaf"].merged is leaf  # computed once
    loop = schemas(doc)["Loop"].merged
    assert loop is not None and list(loop.properties) == ["x"]  # a part that includes itself is cut
    assert schemas(doc)["Text"].merged is None
    parts = schemas(doc)["Leaf"].all_of_parts()
    assert parts[:3] == [schemas(doc)["Leaf"], schemas(doc)["Middle"], parts[2]] and schemas(doc)["Base"] in parts


def test_discriminator_mappings_name_nodes(tmp_path: Path) -> None:
    doc = document(
        tmp_path,
        """\
paths: {}
components:
  schemas:
    Pet:
      oneOf:
        - $ref: '#/components/schemas/Cat'
        - $ref: '#/components/schemas/Dog'
      discriminator:
        propertyName: kind
        mapping:
          cat: '#/components/schemas/Cat'
          dog: Dog
          ghost: '#/components/schemas/Nobody'
    Cat: {type: object, properties: {kind: {const: cat}}}
    Dog: {type: object, properties: {kind: {enum: [dog]}}}
""",
    )
    pet = schemas(doc)["Pet"]
    assert pet.discriminator is not None and pet.discriminator.property_name == "kind"
    by_tag = {entry.tag: entry.target for entry in pet.discriminator.mapping}
    assert by_tag == {"cat": schemas(doc)["Cat"], "dog": schemas(doc)["Dog"], "ghost": None}
    assert pet.one_of is not None and [m.resolved for m in pet.one_of] == [schemas(doc)["Cat"], schemas(doc)["Dog"]]
    assert schemas(doc)["Cat"].properties["kind"].const == "cat" and schemas(doc)["Cat"].const is MISSING


def test_every_node_knows_its_file_pointer_and_line(tmp_path: Path) -> None:
    doc = document(
        tmp_path,
        """\
paths:
  /a/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                a/b: {type: string}
      responses:
        '204': {description: none}
""",
    )
    item = doc.paths["/a/{id}"]
    assert item.location.pointer == "/paths/~1a~1{id}" and item.location.line == 4
    # a list entry has no key of its own: its line is the list's key's (the loader's `line_of`)
    assert item.parameters[0].location.line == 5 and item.parameters[0].in_ == "path"
    op = item.operation("post")
    assert op is not None and op.location.line == 7
    assert op.request_body is not None and op.request_body.content is not None
    schema = op.request_body.content["application/json"].schema
    assert schema is not None and schema.location.line == 11
    prop = schema.properties["a/b"]
    assert prop.location.pointer == "/paths/~1a~1{id}/post/requestBody/content/application~1json/schema/properties/a~1b"
    assert prop.location.line == 14
    assert op.responses is not None and op.responses["204"].content is None


def test_malformed_pieces_are_skipped_or_reported_on_the_node(tmp_path: Path) -> None:
    doc = document(
        tmp_path,
        """\
paths:
  /a:
    get:
      parameters:
        - {name: 'bad header', in: header, schema: {type: string}}
        - {name: 7, in: query}
        - {name: q, in: body}
      responses: {'200': {description: ok}}
components:
  schemas:
    Odd:
      type: 5
      enum: not-a-list
      required: {a: b}
      properties: [x]
      minLength: 3
      minimum: true
      allOf: {}
""",
    )
    bad, nameless, misplaced = doc.paths["/a"].operations[0].parameters
    assert [p.message for p in bad.problems] == [
        "header parameter name 'bad header' is not a valid HTTP header name; calls that send it will fail"
    ]
    assert bad.problems[0].pointer == "/paths/~1a/get/parameters/0"
    assert nameless.name is None and misplaced.in_ is None and not nameless.problems
    odd = schemas(doc)["Odd"]
    assert (odd.types, odd.enum, odd.required, dict(odd.properties), odd.all_of) == ((), None, (), {}, None)
    assert odd.has("type") and odd.has("enum") and odd.bounds.min_length == 3 and odd.bounds.minimum is None


def test_a_schema_graph_builds_a_schema_on_demand_once(tmp_path: Path) -> None:
    entry = tmp_path / "openapi.yaml"
    entry.write_text(_HEADER.format(version="3.1.0") + "paths: {}\ncomponents: {schemas: {A: {type: string}}}\n")
    spec = load_spec(entry)
    graph = SchemaGraph(spec)
    first = graph.schema(spec.root["components"]["schemas"]["A"], entry, "/components/schemas/A")
    again = graph.schema({"$ref": "#/components/schemas/A"}, entry, "/x").resolved
    assert first is again and len(graph) == 2
    with pytest.raises(GeneratorError, match="has nothing at"):
        graph.schema({"$ref": "#/components/schemas/Missing"}, entry, "/y")


def test_a_callback_that_leads_back_to_itself_is_the_same_path_item(tmp_path: Path) -> None:
    doc = document(
        tmp_path,
        """\
paths: {}
webhooks:
  again: {$ref: '#/components/pathItems/Hook'}
components:
  pathItems:
    Hook:
      post:
        responses: {'200': {description: ok}}
        callbacks:
          c: {'{$url}': {$ref: '#/components/pathItems/Hook'}}
""",
    )
    hook = doc.webhooks["again"]
    post = hook.operation("post")
    assert post is not None and post.callbacks["c"]["{$url}"] is hook
    assert hook.location.pointer == "/components/pathItems/Hook"
