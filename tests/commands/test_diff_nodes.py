"""The diff's reading of typed schema nodes (generator/diff/view.py, shape.py) and the response example built
from a node (generator/targets/python/examples.py), on small specs written to a temporary folder."""

from __future__ import annotations

from pathlib import Path

from generator.diff.shape import shape
from generator.diff.view import allowed_values, type_text, view
from generator.targets.python.examples import example_value
from generator.spec.build import build_document
from generator.spec.load import load_spec
from generator.spec.nodes import Schema

_HEADER = "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"


def schemas(tmp_path: Path, body: str) -> dict[str, Schema]:
    """The component schemas of a spec whose `components/schemas` is `body` (indented by four spaces)."""
    entry = tmp_path / "openapi.yaml"
    entry.write_text(_HEADER + body, encoding="utf-8")
    return dict(build_document(load_spec(entry)).components.schemas)


def test_the_view_takes_types_from_all_of_members_and_nullability_from_null_members(tmp_path: Path) -> None:
    found = schemas(
        tmp_path,
        """\
    Base: {properties: {id: {type: string}}, required: [id]}
    Named: {allOf: [{$ref: '#/components/schemas/Base'}, {properties: {name: {type: string}}}]}
    Maybe: {oneOf: [{type: 'null'}, {$ref: '#/components/schemas/Base'}, {type: integer, format: int64}]}
""",
    )
    named = view(found["Named"])
    assert named.types == {"object"} and set(named.properties) == {"id", "name"} and named.required == {"id"}
    maybe = view(found["Maybe"])
    assert maybe.nullable and [m.location.pointer for m in maybe.options["oneOf"]] == [
        "/components/schemas/Base",
        "/components/schemas/Maybe/oneOf/2",
    ]
    assert type_text(view(maybe.options["oneOf"][1])) == "integer (int64)"


def test_enum_values_leave_null_to_nullability(tmp_path: Path) -> None:
    found = schemas(tmp_path, "    Color: {enum: [red, null, blue]}\n    One: {const: 0}\n")
    assert allowed_values(found["Color"]) == ["red", "blue"] and view(found["Color"]).nullable
    assert allowed_values(found["One"]) == [0]


def test_the_shape_ignores_documentation_and_follows_refs(tmp_path: Path) -> None:
    found = schemas(
        tmp_path,
        """\
    Id: {type: string, description: an id}
    A: {type: object, properties: {id: {$ref: '#/components/schemas/Id'}}}
    B: {type: object, title: B, properties: {id: {type: string}}}
    C: {type: object, properties: {id: {type: string, maxLength: 3}}}
""",
    )
    assert shape(found["A"]) == shape(found["B"])
    assert shape(found["A"]) != shape(found["C"])


def test_an_example_body_takes_the_spec_example_else_one_built_from_the_type(tmp_path: Path) -> None:
    found = schemas(
        tmp_path,
        """\
    Pet:
      type: object
      required: [id, tags, owner, born]
      properties:
        id: {type: integer, example: 7}
        tags: {type: array, items: {type: string, format: email}}
        owner: {$ref: '#/components/schemas/Pet'}
        born: {type: string, format: date}
        name: {type: string}
""",
    )
    # a `$ref` inside is not followed (a placeholder string), optional properties are left out
    assert example_value(found["Pet"]) == {
        "id": 7,
        "tags": ["user@example.com"],
        "owner": "string",
        "born": "2024-01-31",
    }
    assert example_value(None) == "string"
