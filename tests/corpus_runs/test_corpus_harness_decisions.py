"""The corpus harness's own decisions (tests/support/corpus/), on a small spec, without Prism: which schema a response is
checked against, which values it builds, and which failures it explains."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.corpus import causes, harness
from tests.support.corpus.specdoc import SpecDocs
from tests.support.corpus.values import ValueBuilder
from tests.support.documents import shared_spec

SPEC = shared_spec("corpus_harness_decisions.yaml")


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> tuple[SpecDocs, ValueBuilder, dict[str, Any]]:
    root = tmp_path_factory.mktemp("harness")
    (root / "harness.yaml").write_text(SPEC)
    (root / "attributes.yaml").write_text("droplet_ids:\n  droplet_ids: {type: array, items: {type: integer}}\n")
    inspected = harness._generator("inspect", str(root / "harness.yaml"), "--lenient", "--json")
    assert inspected.returncode == 0, inspected.stderr
    ir_ops = {f"{op['http_method']} {op['path']}": op for op in json.loads(inspected.stdout)["operations"]}
    docs = SpecDocs(root / "harness.yaml")
    return docs, ValueBuilder(docs), ir_ops


def arguments(spec: tuple[SpecDocs, ValueBuilder, dict[str, Any]], key: str) -> tuple[dict[str, Any], list[str]]:
    docs, values, ir_ops = spec
    op = next(o for o in docs.operations() if o.key == key)
    kwargs, _, notes = harness.build_arguments(docs, values, op, ir_ops[key])
    return kwargs, notes


def test_a_required_property_the_schema_does_not_declare_is_a_keyword_argument(spec: Any) -> None:
    kwargs, notes = arguments(spec, "POST /checks")
    assert kwargs == {"name": "string", "method": "string"} and notes == []
    _, values, ir_ops = spec
    without = {**ir_ops["POST /checks"], "parameters": [p for p in ir_ops["POST /checks"]["parameters"] if p["wire_name"] != "method"]}
    kwargs, _, _ = harness.build_arguments(spec[0], values, next(o for o in spec[0].operations() if o.key == "POST /checks"), without)
    assert kwargs == {"name": "string", "extra_body": {"method": "string"}}  # a client without the argument: extra_body


def test_properties_written_as_a_ref_to_a_map_are_built(spec: Any) -> None:
    kwargs, notes = arguments(spec, "POST /balancers/droplets")
    assert kwargs == {"droplet_ids": [1]} and notes == []


def test_a_schema_no_value_can_fit_is_named_a_spec_defect(spec: Any) -> None:
    _, notes = arguments(spec, "POST /screens")
    assert notes[0].startswith("spec defect, no value fits: 'defaultScreen' is required, not declared, and additio")
    assert notes[0].endswith(
        "(harness.yaml#/paths/~1screens/post/requestBody/content/application~1json/schema/properties/screens)"
    )
    assert "Additional properties are not allowed" in notes[1]


def test_a_3xx_only_operation_is_checked_against_the_3xx_schema(spec: Any) -> None:
    docs, _, _ = spec
    op = next(o for o in docs.operations() if o.key == "DELETE /tasks")
    schema = docs.success_response_schema(op)
    assert schema is not None and schema.pointer.endswith("/responses/303/content/application~1json/schema")


def test_form_fields_prism_cannot_read_are_explained_as_a_prism_limitation(spec: Any) -> None:
    docs, values, ir_ops = spec
    op = next(o for o in docs.operations() if o.key == "POST /hooks")
    assert harness.prism_unreadable_form_fields(docs, values, op, ir_ops["POST /hooks"]) == ["grant_type", "EventTypes"]
    rejected = harness.OpResult(
        "rejected", status=422, detail="body.EventTypes: Request body property EventTypes must be array",
        extra={"prism_unreadable_fields": ["EventTypes"]},
    )  # fmt: skip
    assert "[Prism limitation:" in harness.reason_of(rejected) and "'EventTypes'" in harness.reason_of(rejected)
    undeclared = harness.OpResult("rejected", status=400, detail="request.body: Request body must have required property 'grant_type'",
                                  extra={"prism_unreadable_fields": ["grant_type"]})  # fmt: skip
    assert "'grant_type' can never validate]" in harness.reason_of(undeclared)
    other = harness.OpResult("rejected", status=422, detail="body: must have required property 'Name'",
                             extra={"prism_unreadable_fields": ["EventTypes"]})  # fmt: skip
    assert "Prism limitation" not in harness.reason_of(other)


def test_a_later_page_refused_for_a_cursor_the_spec_types_differently_is_explained(spec: Any) -> None:
    """A sample walking a list fetches the next page with the cursor of the page before; where the spec declares
    that cursor a string and the parameter an integer, Prism's made-up cursor fails Prism's own check."""
    docs, _, ir_ops = spec
    op = next(o for o in docs.operations() if o.key == "GET /plays")
    described = ir_ops["GET /plays"]
    assert described["pagination"]["param"] == "after" and described["pagination"]["next"] == "cursors.after"
    record = {"outcome": "rejected", "url": "http://127.0.0.1:4010/plays?after=string",
              "detail": "query.after: Request query parameter after must be integer"}  # fmt: skip
    sample = "for play in client.plays.list(\n):\n    print(play)"
    note = causes.explain_sample(docs, op, described, record, sample)
    assert note is not None and "'after'" in note and "cursors.after" in note and "string" in note
    assert causes.explain_sample(docs, op, described, record, sample.replace("(\n", "(\n    after=0,\n")) is None  # the sample's own value
    assert causes.explain_sample(docs, op, described, {**record, "detail": "query.limit: must be integer"}, sample) is None
    assert causes.explain_sample(docs, op, described, {**record, "outcome": "server_error"}, sample) is None
