"""`$ref`s never make the generator read what the spec's author should not reach: URLs, files outside the
spec's folder (by `..`, an absolute path or a symlink), devices. Each is refused with its place, exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator import cli
from tests.support.documents import spec_document, spec_text

ROOT = Path(__file__).resolve().parents[2]


def _spec_with_ref(ref: str) -> str:
    return spec_text(f"""\
paths:
  /things:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                $ref: "{ref}"
""", title="Refs", server=None)


def _generate(spec: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", "generate", str(spec), "-o", str(spec.parent / "out"), *options],
        capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "outside.yaml").write_text("Thing: {type: object, properties: {id: {type: string}}}\n")
    spec_folder = tmp_path / "specs"
    spec_folder.mkdir()
    return spec_folder


POINTER = "/paths/~1things/get/responses/200/content/application~1json/schema"


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("http://example.com/schemas.yaml#/Thing", "points to a URL; only local files are read"),
        ("https://example.com/schemas.yaml#/Thing", "points to a URL; only local files are read"),
        ("file:///etc/passwd#/Thing", "points to a URL; only local files are read"),
        ("../outside.yaml#/Thing", "points outside the spec's folder"),
        ("/etc/hostname#/Thing", "points outside the spec's folder"),
        ("/dev/zero#/Thing", "points outside the spec's folder"),
    ],
)
def test_refs_out_of_the_folder_are_refused(folder: Path, ref: str, message: str) -> None:
    spec = folder / "spec.yaml"
    spec.write_text(_spec_with_ref(ref))
    done = _generate(spec)
    assert done.returncode == 2, done.stdout + done.stderr
    assert message in done.stderr
    assert f"{spec} at {POINTER}" in done.stderr or f"{spec}:" in done.stderr
    assert "Traceback" not in done.stderr and not (folder / "out").exists()


def test_a_symlink_inside_the_folder_does_not_lead_out(folder: Path) -> None:
    (folder / "schemas.yaml").symlink_to(folder.parent / "outside.yaml")
    spec = folder / "spec.yaml"
    spec.write_text(_spec_with_ref("schemas.yaml#/Thing"))
    done = _generate(spec)
    assert done.returncode == 2 and "points outside the spec's folder" in done.stderr
    assert not (folder / "out").exists()


def test_the_option_allows_files_outside_but_never_devices(folder: Path) -> None:
    spec = folder / "spec.yaml"
    spec.write_text(_spec_with_ref("../outside.yaml#/Thing"))
    allowed = _generate(spec, "--allow-outside-refs")
    assert allowed.returncode == 0, allowed.stderr
    assert (folder / "out" / "src" / "refs" / "types" / "thing.py").is_file()

    device = folder / "device.yaml"
    device.write_text(_spec_with_ref("/dev/zero#/Thing"))
    refused = _generate(device, "--allow-outside-refs")  # reading /dev/zero would never end
    assert refused.returncode == 2 and "/dev/zero does not exist or is not a regular file" in refused.stderr


# --- reference cycles -------------------------------------------------------------------------------
# Every kind of `$ref` that only refers to another `$ref` round to itself is one error naming the cycle's
# pointers; a schema that includes itself is the model it means, or one error naming the cycle.


def _doc(paths: dict[str, Any] | None = None, components: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    document = spec_document({"paths": paths or {}}, title="Cycles", server=None)
    if components:
        document["components"] = components
    return {**document, **extra}


def _ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": f"#/components/{kind}/{name}"}


_OK = {"200": {"description": "ok"}}
_X = {"type": "object", "properties": {"x": {"type": "string"}}}


def _get(**operation: Any) -> dict[str, Any]:
    return {"/a": {"get": {"responses": _OK, **operation}}}


def _returns(schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "/a": {
            "get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}}
        }
    }


def _pair(kind: str) -> dict[str, Any]:
    return {kind: {"P": _ref(kind, "Q"), "Q": _ref(kind, "P")}}


def _two_cycle(kind: str) -> str:
    return f"$ref cycle: #/components/{kind}/P -> #/components/{kind}/Q -> #/components/{kind}/P"


_MEDIA = {"application/json": {"schema": {"type": "string"}, "examples": {"e": _ref("examples", "P")}}}
REF_CYCLES = {
    # The issue's table: P -> Q -> P parameters; responses; a path item that is its own `$ref`; two schemas.
    "parameters": (_doc(_get(parameters=[_ref("parameters", "P")]), _pair("parameters")), _two_cycle("parameters")),
    "responses": (_doc({"/a": {"get": {"responses": {"200": _ref("responses", "P")}}}}, _pair("responses")),
                  _two_cycle("responses")),
    "path item itself": (_doc({"/a": {"$ref": "#/paths/~1a"}}), "$ref cycle: #/paths/~1a -> #/paths/~1a"),
    "schemas": (_doc(_returns(_ref("schemas", "P")), _pair("schemas")), _two_cycle("schemas")),
    # Every other kind of `$ref`.
    "request bodies": (_doc({"/a": {"post": {"requestBody": _ref("requestBodies", "P"), "responses": _OK}}},
                            _pair("requestBodies")), _two_cycle("requestBodies")),
    "headers": (_doc({"/a": {"get": {"responses": {"200": {"description": "ok", "headers": {"X-A": _ref("headers", "P")}}}}}},
                     _pair("headers")), _two_cycle("headers")),
    "path items": (_doc({"/a": _ref("pathItems", "P")}, _pair("pathItems")), _two_cycle("pathItems")),
    "examples": (_doc({"/a": {"get": {"responses": {"200": {"description": "ok", "content": _MEDIA}}}}}, _pair("examples")),
                 _two_cycle("examples")),
    "links": (_doc({"/a": {"get": {"responses": {"200": {"description": "ok", "links": {"l": _ref("links", "P")}}}}}},
                   _pair("links")), _two_cycle("links")),
    "callbacks": (_doc(_get(callbacks={"c": _ref("callbacks", "P")}), _pair("callbacks")), _two_cycle("callbacks")),
    "security schemes": (_doc(_get(), _pair("securitySchemes"), security=[{"P": []}]), _two_cycle("securitySchemes")),
    # Self-inclusion with no type to give it.
    "oneOf lists itself": (_doc(_returns(_ref("schemas", "A")), {"schemas": {"A": {"oneOf": [_ref("schemas", "A"), _X]}}}),
                           "schema cycle: #/components/schemas/A/oneOf/0 -> #/components/schemas/A: a oneOf that lists itself"),
    "not of itself": (_doc(_returns(_ref("schemas", "A")), {"schemas": {"A": {**_X, "not": _ref("schemas", "A")}}}),
                      "schema cycle: #/components/schemas/A/not -> #/components/schemas/A: a schema that is its own negation"),
    "unions of each other": (
        _doc(_returns(_ref("schemas", "A")), {"schemas": {"A": {"anyOf": [_ref("schemas", "B"), _X]},
                                                          "B": {"anyOf": [_ref("schemas", "A"), {"type": "integer"}]}}}),
        "schema cycle: #/components/schemas/A/anyOf/0 -> #/components/schemas/B/anyOf/0 -> #/components/schemas/A",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(REF_CYCLES))
def test_a_reference_cycle_is_one_error_naming_its_pointers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    document, message = REF_CYCLES[case]
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(document), encoding="utf-8")
    code = cli.main(["generate", str(spec), "-o", str(tmp_path / "out")])
    stderr = capsys.readouterr().err
    assert code == 2, stderr
    errors = [line for line in stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and message in errors[0], stderr
    assert errors[0].startswith(f"error: {spec} at /"), stderr
    assert "Traceback" not in stderr and "could not validate" not in stderr
    assert not (tmp_path / "out").exists()


def test_a_long_ref_chain_into_a_cycle_is_one_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Thousands of schemas, each only a `$ref` to the next, the last back to the first; and one file to another."""
    count = 3000
    schemas = {f"S{i}": _ref("schemas", f"S{(i + 1) % count}") for i in range(count)}
    (tmp_path / "other.yaml").write_text("Loop: {$ref: 'spec.json#/components/schemas/Back'}\n", encoding="utf-8")
    schemas["Back"] = {"$ref": "other.yaml#/Loop"}
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(_doc(_returns(_ref("schemas", "S0")), {"schemas": schemas})), encoding="utf-8")
    code = cli.main(["generate", str(spec), "-o", str(tmp_path / "out")])
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error: ")]
    assert code == 2
    assert len(errors) == 2, errors[:3]
    assert "#/components/schemas/S0 -> #/components/schemas/S1 -> " in errors[1]
    assert "#/components/schemas/S7 -> ... (2992 more) -> #/components/schemas/S0: " in errors[1]
    assert "other.yaml#/Loop -> #/components/schemas/Back -> other.yaml#/Loop" in errors[0]


# A schema that includes itself where a model exists: the model is what the schema means.
RECURSIVE = _doc(
    {f"/{name.lower()}": {"get": {"operationId": f"get{name}", "responses": {"200": {"description": "ok", "content": {
        "application/json": {"schema": _ref("schemas", name)}}}}}} for name in
     ("AllOfSelf", "AnyOfSelf", "Nested", "Tree", "Tuple", "Node", "Ping")},
    {"schemas": {
        # The table's last row: A = allOf[A, {x}] is A with x.
        "AllOfSelf": {"allOf": [_ref("schemas", "AllOfSelf"), _X]},
        # A = anyOf[A, X] allows what X allows.
        "AnyOfSelf": {"anyOf": [_ref("schemas", "AnyOfSelf"), _X]},
        "Nested": {"type": "array", "items": _ref("schemas", "Nested")},
        "Tree": {"type": "object", "additionalProperties": _ref("schemas", "Tree")},
        "Tuple": {"type": "array", "prefixItems": [_ref("schemas", "Tuple")]},
        # A property that refers back is a recursive type, also through allOf parts that include each other.
        "Node": {"type": "object", "properties": {"child": _ref("schemas", "Node"), "x": {"type": "string"}}},
        "Ping": {"allOf": [_ref("schemas", "Pong"), {"type": "object", "properties": {"ping": {"type": "integer"}}}]},
        "Pong": {"allOf": [_ref("schemas", "Ping"), {"type": "object", "properties": {"pong": _ref("schemas", "Ping")}}]},
    }},
    webhooks={"again": _ref("pathItems", "Hook")},
)  # fmt: skip
RECURSIVE["components"]["callbacks"] = {
    "C": {"{$request.body#/u}": {"post": {"responses": _OK, "callbacks": {"c": _ref("callbacks", "C")}}}}
}
RECURSIVE["components"]["pathItems"] = {
    "Hook": {"post": {"responses": _OK, "callbacks": {"c": {"{$url}": _ref("pathItems", "Hook")}}}}
}
RECURSIVE["paths"]["/node"]["get"]["callbacks"] = {"c": _ref("callbacks", "C")}

CALL_RECURSIVE = """\
import json, sys
sys.path.insert(0, sys.argv[1])
from cycles.types import AllOfSelf, AnyOfSelf, Node, Ping
assert set(AllOfSelf.model_fields) == {"x"}, AllOfSelf.model_fields
node = Node.model_validate({"x": "a", "child": {"x": "b", "child": {"x": "c"}}})
assert node.child is not None and node.child.child is not None and node.child.child.x == "c"
ping = Ping.model_validate({"ping": 1, "pong": {"ping": 2}})
assert ping.pong is not None and ping.pong.ping == 2
print("RECURSIVE OK")
"""


def test_schemas_that_include_themselves_are_the_models_they_mean(tmp_path: Path) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(RECURSIVE), encoding="utf-8")
    done = _generate(spec)
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr
    src = tmp_path / "out" / "src"
    called = subprocess.run(
        [sys.executable, "-c", CALL_RECURSIVE, str(src)], capture_output=True, text=True, check=False
    )
    assert "RECURSIVE OK" in called.stdout, called.stderr
    types = src / "cycles" / "types"
    assert "AnyOfSelf: TypeAlias = Variant1\n" in (types / "any_of_self.py").read_text(encoding="utf-8")
