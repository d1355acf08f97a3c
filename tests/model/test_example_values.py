"""The example builder (generator/model/example_values.py) that README, generated tests and code samples share:
each value it builds must validate against its schema, checked here by an independent validator
(openapi-schema-validator, as Prism would check the request), for the shapes that made corpus samples fail:
a oneOf whose first member's value fits other members too, a nullable model, an example of the wrong type,
a discriminated oneOf body member, and an object whose anyOf members differ only in required properties.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openapi_schema_validator
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from generator.cli import main
from generator.config import load_config
from generator.model.build import build_api
from generator.model.example_values import example_value, matches
from generator.spec.build import SchemaGraph
from generator.spec.load import Spec, load_spec
from generator.spec.nodes import Schema
from generator.targets.python.naming import PYTHON_NAMING
from generator.targets.python.types import annotation as python_annotation
from tests.support.documents import spec_document


def _schema(spec: Spec, path: Path, raw: Any) -> Schema:
    """The node of `raw` written at the top of the file (a fresh graph each time: every one is at pointer "")."""
    return SchemaGraph(spec).schema(raw, path, "")

SCHEMAS: dict[str, Any] = {
    "FreeForm": {"type": "object"},
    "Closed": {
        "type": "object",
        "properties": {"kind": {"oneOf": [{"enum": ["A", "B"]}, {"enum": [1, 2]}]}},
        "additionalProperties": False,
    },
    # a oneOf whose first two members both accept `{}`, the third anything
    "OneOfOverlapping": {
        "oneOf": [{"$ref": "#/components/schemas/FreeForm"}, {"$ref": "#/components/schemas/Closed"}, {}]
    },
    "OneOfOverlappingOrNull": {
        "oneOf": [{"$ref": "#/components/schemas/FreeForm"}, {"$ref": "#/components/schemas/Closed"}, {"type": "null"}]
    },
    "NullableModel": {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Closed"}]},
    # a JSON text as the example of an object, a text as the example of an integer
    "WrongTypeExamples": {
        "type": "object",
        "required": ["schema", "after"],
        "properties": {
            "schema": {"type": "object", "additionalProperties": True, "example": '{"type": "object"}'},
            "after": {"type": "integer", "example": "1484811043508"},
        },
    },
    "Custom": {
        "type": "object",
        "required": ["type", "item_schema"],
        "properties": {
            "type": {"type": "string", "enum": ["custom"]},
            "item_schema": {"type": "object", "example": '{"type": "object"}'},
        },
    },
    "Logs": {
        "type": "object",
        "required": ["type"],
        "properties": {"type": {"type": "string", "enum": ["logs"]}, "metadata": {"type": "object"}},
    },
    "DataSourceConfig": {
        "type": "object",
        "oneOf": [{"$ref": "#/components/schemas/Custom"}, {"$ref": "#/components/schemas/Logs"}],
    },
    # members without an enum of their own for the discriminator: the value must carry the mapping key
    "Cat": {
        "type": "object",
        "required": ["pet_type"],
        "additionalProperties": False,
        "properties": {"pet_type": {"type": "string"}, "name": {"type": "string"}},
    },
    "Dog": {
        "type": "object",
        "required": ["pet_type", "barks"],
        "properties": {"pet_type": {"type": "string"}, "barks": {"type": "boolean"}},
    },
    "Pet": {
        "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": {"propertyName": "pet_type", "mapping": {"cat": "#/components/schemas/Cat", "dog": "Dog"}},
    },
    "PetWithTypes": {
        "type": "object",
        "required": ["pet"],
        "properties": {"pet": {"$ref": "#/components/schemas/Pet"}},
    },
    # one of two lists is required, and only one may be given
    "Batch": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "file_ids": {"type": "array", "minItems": 1, "items": {"type": "string"}},
            "files": {
                "type": "array",
                "minItems": 1,
                "items": {"type": "object", "required": ["file_id"], "properties": {"file_id": {"type": "string"}}},
            },
            "attributes": {"type": "object"},
        },
        "anyOf": [{"required": ["file_ids"]}, {"required": ["files"]}],
    },
    "ExclusiveBatch": {
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
        "oneOf": [{"required": ["a"]}, {"required": ["b"]}],
    },
    # a readOnly property's `required` holds in responses only: Prism refuses it in a request
    "WithReadOnly": {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "name"],
        "properties": {"id": {"type": "string", "readOnly": True}, "name": {"type": "string"}},
    },
    # `id` required but never declared: a request must still have the key
    "Invite": {
        "type": "object",
        "required": ["actionable_by"],
        "properties": {
            "actionable_by": {"type": "object", "required": ["id"], "properties": {"login": {"type": "string"}}}
        },
    },
    "DeprecatedFirst": {
        "oneOf": [{"type": "integer", "deprecated": True}, {"type": "string", "pattern": "^id_[0-9]+$"}],
    },
    # a $ref described anew beside an allOf: the value is the array, not an object
    "TagNames": {"type": ["array", "null"], "items": {"type": "string"}, "example": ["base-image", "prod"]},
    "DescribedTags": {"allOf": [{"$ref": "#/components/schemas/TagNames"}, {"description": "Tags to assign."}]},
    "TaggedThing": {
        "type": "object",
        "required": ["tags"],
        "properties": {"tags": {"allOf": [{"$ref": "#/components/schemas/TagNames"}, {"description": "Its tags."}]}},
    },
    "Addresses": {"type": "array", "items": {"oneOf": [{"type": "string", "format": "ipv4"}, {"type": "integer"}]}},
}
# `properties: {$ref: ...}`, the whole map of properties by reference (digitalocean's load balancers): what Prism
# and ref bundlers read, though a validator sees a property named "$ref" (so `generate` needs --lenient)
BY_REF: dict[str, Any] = {
    "DropletAttributes": {
        "droplet_ids": {"type": "array", "items": {"type": "integer"}, "example": [3164444, 3164445]}
    },
    "PropertiesByRef": {
        "type": "object",
        "required": ["droplet_ids"],
        "properties": {"$ref": "#/components/schemas/DropletAttributes"},
    },
}


def _spec(tmp_path: Path, paths: dict[str, Any] | None = None, schemas: dict[str, Any] = SCHEMAS) -> Path:
    document = spec_document({"paths": paths or {}, "components": {"schemas": schemas}}, title="Shapes", server=None)
    path = tmp_path / "shapes.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _validator(document: dict[str, Any], name: str) -> Any:
    registry: Registry[Any] = Registry().with_resource("urn:spec", Resource(contents=document, specification=DRAFT202012))  # type: ignore[call-arg]
    return openapi_schema_validator.OAS31Validator({"$ref": f"urn:spec#/components/schemas/{name}"}, registry=registry)


@pytest.mark.parametrize("name", sorted(set(SCHEMAS) - {"WithReadOnly"}))  # the validator knows no request context
def test_every_value_validates_against_its_schema(name: str, tmp_path: Path) -> None:
    path = _spec(tmp_path)
    spec = load_spec(path)
    value = example_value(_schema(spec, path, {"$ref": f"#/components/schemas/{name}"}))
    errors = [e.message for e in _validator(json.loads(path.read_text()), name).iter_errors(value)]
    assert not errors, (value, errors)
    assert matches(_schema(spec, path, {"$ref": f"#/components/schemas/{name}"}), value)


def test_the_values_chosen(tmp_path: Path) -> None:
    path = _spec(tmp_path, schemas={**SCHEMAS, **BY_REF})
    spec = load_spec(path)

    def value(name: str) -> Any:
        return example_value(_schema(spec, path, {"$ref": f"#/components/schemas/{name}"}))

    assert value("OneOfOverlapping") == "string"  # only the catch-all member takes a non-object
    assert value("OneOfOverlappingOrNull") is None  # `{}` fits both models: null is the one value only one takes
    assert value("NullableModel") == {}  # the model, not null (tried last), and not "string"
    assert value("WrongTypeExamples") == {"schema": {}, "after": 0}  # examples of another type are not used
    assert value("DataSourceConfig") == {"type": "custom", "item_schema": {}}
    assert value("PetWithTypes") == {"pet": {"pet_type": "cat"}}
    assert value("Batch") == {"file_ids": ["string"]}
    assert value("ExclusiveBatch") == {"a": "string"}
    assert value("DeprecatedFirst") == "id_0"
    assert value("WithReadOnly") == {"name": "string"}
    assert value("Invite") == {"actionable_by": {"id": "string"}}
    assert value("DescribedTags") == ["base-image", "prod"]  # the array's own example, not `{}`
    assert value("TaggedThing") == {"tags": ["base-image", "prod"]}
    assert value("PropertiesByRef") == {"droplet_ids": [3164444, 3164445]}
    assert value("Addresses") == ["192.0.2.1"]  # a documentation address: Prism checks the format
    by_ref = _schema(spec, path, {"$ref": "#/components/schemas/PropertiesByRef"})
    assert matches(by_ref, {"droplet_ids": [1]}) and not matches(by_ref, {"droplet_ids": "string"})
    assert example_value(_schema(spec, path, {"$ref": "#/components/schemas/WithReadOnly"}), request=False) == {
        "id": "string", "name": "string"}  # fmt: skip


def test_matches_follows_the_keywords_prism_checks(tmp_path: Path) -> None:
    path = _spec(tmp_path)
    spec = load_spec(path)

    def fits(schema: dict[str, Any], value: Any) -> bool:
        return matches(_schema(spec, path, schema), value)

    assert fits({"type": "integer"}, 3) and not fits({"type": "integer"}, "3") and not fits({"type": "integer"}, True)
    assert fits({"type": "string", "nullable": True}, None) and not fits({"type": "string"}, None)
    assert not fits({"enum": [1]}, True) and fits({"const": "a"}, "a")
    assert not fits({"$ref": "#/components/schemas/OneOfOverlapping"}, {})  # all three members take `{}`
    assert fits({"$ref": "#/components/schemas/NullableModel"}, {"kind": "A"})
    assert not fits({"$ref": "#/components/schemas/Closed"}, {"other": 1})
    assert not fits({"$ref": "#/components/schemas/Batch"}, {"attributes": {}})
    assert not fits({"type": "array", "minItems": 2}, [1]) and not fits({"minimum": 1}, 0)
    assert not fits({"exclusiveMaximum": 1}, 1) and fits({"pattern": "^a+$"}, "aa") and not fits({"not": {}}, 1)


def test_a_sample_passes_the_property_the_picked_anyof_member_requires(tmp_path: Path) -> None:
    """An optional body property becomes a keyword of the sample's call when the body's anyOf member needs it."""
    body = {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Batch"}}}}
    path = _spec(tmp_path, {"/batches": {"post": {"operationId": "createBatch", "requestBody": body,
                                                  "responses": {"204": {"description": "Created."}}}}})  # fmt: skip
    out = tmp_path / "samples.json"
    assert main(["samples", str(path), "-o", str(out)]) == 0
    sources = [s["source"] for a in json.loads(out.read_text())["actions"] for s in a["update"]["x-codeSamples"]]
    assert sources and all('    file_ids=["string"],\n' in source for source in sources), sources
    assert not any("files=" in source or "attributes=" in source for source in sources)


def test_request_typed_dicts_leave_read_only_keys_optional_and_declare_undeclared_required_ones(tmp_path: Path) -> None:
    body = {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["thing"],
                    "properties": {
                        "thing": {"$ref": "#/components/schemas/WithReadOnly"},
                        "invite": {"$ref": "#/components/schemas/Invite"},
                    },
                }
            }
        },
    }
    path = _spec(tmp_path, {"/things": {"post": {"operationId": "createThing", "requestBody": body,
                                                 "responses": {"204": {"description": "Created."}}}}})  # fmt: skip
    api = build_api(load_spec(path), load_config(None), PYTHON_NAMING)
    fields = {
        m.name: {f.wire_name: (f.required, python_annotation(f.type)) for f in m.fields}
        for m in api.models
        if m.request and not m.arguments
    }
    assert {"id": (False, "str"), "name": (True, "str")} in fields.values()
    assert {"id": (True, "object"), "login": (False, "str")} in fields.values()  # `id`: required, of any value
    thing = next(p for op in api.operations for p in op.parameters if p.wire_name == "thing")
    assert thing.example == {"name": "string"}


def test_parameter_examples_and_bodies_with_undeclared_required_keys_reach_the_sample(tmp_path: Path) -> None:
    """A Parameter Object's own `example` (or `examples`) is used where it fits its schema; a body key the schema
    requires but does not declare is a required keyword of any value; a call without arguments fits on one line."""
    ip = {
        "name": "floating_ip",
        "in": "path",
        "required": True,
        "example": "45.55.96.47",
        "schema": {"type": "string", "format": "ipv4", "minimum": 1},
    }  # `minimum` does not apply to a string
    misfit = {
        "name": "v6",
        "in": "query",
        "required": True,
        "example": 6,
        "schema": {"type": "string", "format": "ipv6"},
    }
    named = {
        "name": "region",
        "in": "query",
        "required": True,
        "examples": {"first": {"value": "nyc3"}},
        "schema": {"type": "string"},
    }
    body = {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "allOf": [{"$ref": "#/components/schemas/TaggedThing"}],
                    "required": ["tags", "method"],
                }
            }
        },
    }
    ok = {"204": {"description": "Done."}}
    path = _spec(tmp_path, {
        "/floating_ips/{floating_ip}": {"post": {"operationId": "checkIp", "parameters": [ip, misfit, named],
                                                 "requestBody": body, "responses": ok}},
        "/floating_ips": {"get": {"operationId": "listIps", "responses": {"200": {"description": "The addresses.", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Addresses"}}}}}}},
    })  # fmt: skip
    api = build_api(load_spec(path), load_config(None), PYTHON_NAMING)
    params = {p.wire_name: p for op in api.operations for p in op.parameters}
    assert [params[n].example for n in ("floating_ip", "v6", "region")] == ["45.55.96.47", "2001:db8::1", "nyc3"]
    assert (params["method"].required, python_annotation(params["method"].type), params["method"].location) == (
        True,
        "object",
        "body",
    )
    out = tmp_path / "samples.json"
    assert main(["samples", str(path), "-o", str(out)]) == 0
    sync = {a["target"]: a["update"]["x-codeSamples"][0]["source"] for a in json.loads(out.read_text())["actions"]}
    check = sync["$.paths['/floating_ips/{floating_ip}']['post']"]
    assert (
        '    "45.55.96.47",\n' in check
        and '    method="string",\n' in check
        and '    tags=["base-image", "prod"],\n' in check
    )
    assert (
        "shapes = Shapes()\nfloating_ip = shapes.floating_ips.list()\nprint(floating_ip)"
        in sync["$.paths['/floating_ips']['get']"]
    )
