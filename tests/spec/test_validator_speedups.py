"""The faster validation (generator/validator_speedups.py) gives openapi-spec-validator's own verdicts.

Every comparison runs the library as shipped and ours over the same loaded document and compares the
problems a user would see (message, file, JSON pointer, line) and the error classes, in order, passes
included: the small and medium corpus specs, mutated copies of real specs (errors injected at random
places, so failing verdicts and their messages are compared too), documents of the fuzz profile
(tests/support/hostile_specs.py), and every spec the test suite keeps (the fuzz `ci` profile's documents in
tests/golden/fuzz/, the hostile documents of tests/robustness/, tests/specs/ and specs/), each also mutated. `scripts/validator_equivalence.py` does the same over every corpus spec,
the large ones included (minutes; its figures are in docs/speed.md).
"""

from __future__ import annotations

import copy
import json
import random
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from generator import validate, validator_speedups
from generator.spec.load import Spec, load_spec
from tests.support.corpus.harness import CORPUS, read_manifest
from tests.support.documents import spec_document
from tests.support.hostile_specs import Extended, extended_documents

MEDIUM_BYTES = 500_000  # the larger corpus specs take minutes with the library: scripts/validator_equivalence.py
ENTRIES = read_manifest() if (CORPUS / "manifest.tsv").exists() else {}
SMALL = sorted(name for name, e in ENTRIES.items() if e.bytes < MEDIUM_BYTES and e.openapi.startswith("3"))


def outcome(spec: Spec, validator_class: Any, faster: bool) -> list[tuple[str, Any]]:
    """What validating with `validator_class` tells the user: each problem and the class of its error, and
    what the validator raised if it failed (the validate stage reports that as "could not validate")."""
    seen: list[tuple[str, Any]] = []
    with validator_speedups.memoized_urls() if faster else nullcontext():
        try:
            for error in validator_class(spec.root, base_uri=spec.entry.as_uri()).iter_errors():
                seen.append((type(error).__name__, validate._problem(spec, error)))
        except Exception as failure:  # noqa: BLE001 - a crash of the library must be the same crash
            seen.append(("raised", f"{type(failure).__name__}: {failure}"))
    return seen


def library_class(spec: Spec, cycle_safe: bool = False) -> Any:
    """openapi-spec-validator's class as shipped (or with our fix for self-including schemas, which the
    library as shipped follows forever)."""
    import openapi_spec_validator

    v31 = str(spec.root.get("openapi", "")).startswith("3.1")
    if cycle_safe:
        return validate._library_validator_class("3.1" if v31 else "3.0")
    return openapi_spec_validator.OpenAPIV31SpecValidator if v31 else openapi_spec_validator.OpenAPIV30SpecValidator


def ours_class(spec: Spec) -> Any:
    return validate._validator_class("3.1" if str(spec.root.get("openapi", "")).startswith("3.1") else "3.0")


def assert_same(spec: Spec, cycle_safe: bool = False) -> list[tuple[str, Any]]:
    expected = outcome(spec, library_class(spec, cycle_safe), faster=False)
    assert outcome(spec, ours_class(spec), faster=True) == expected
    return expected


def test_the_installed_versions_are_the_verified_ones() -> None:
    # If this fails after an upgrade, run scripts/validator_equivalence.py and this file with the new
    # versions, then update VERIFIED_WITH: until then validation falls back to the library as it is.
    assert validator_speedups.unverified() is None
    assert validate._validator_class("3.1") is not validate._library_validator_class("3.1")


@pytest.mark.parametrize("version", ["3.0", "3.1"])
def test_the_document_schema_read_as_json_is_the_one_the_library_reads(
    version: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The speed-up hands the library's lazy document schema its file read as JSON; the library reads the same
    file through its YAML loader. Both in one process share that proxy, so the verdict tests cannot tell them
    apart: the contents are compared here, numbers' types and key order included."""
    from lazy_object_proxy import Proxy
    from openapi_spec_validator import schemas
    from openapi_spec_validator.schemas.utils import get_schema_content

    def unread() -> None:
        raise AssertionError("the library's own reading ran")

    digits = version.replace(".", "")
    fresh, validator = Proxy(unread), object()
    monkeypatch.setattr(schemas, f"schema_v{digits}", fresh)
    monkeypatch.setattr(schemas, f"openapi_v{digits}_schema_validator", validator)
    validator_speedups._read_as_json(validator)
    assert fresh.__resolved__
    ours, library = fresh.__wrapped__, get_schema_content(version)
    assert json.dumps(ours) == json.dumps(library) and repr(ours) == repr(library)


@pytest.mark.skipif(not SMALL, reason="the shared corpus is not available")
@pytest.mark.parametrize("name", SMALL)
def test_same_verdicts_on_corpus_specs(name: str) -> None:
    assert_same(load_spec(ENTRIES[name].entry))


# --- mutated copies of real specs: errors of every kind the validator reports ---------------------------

SCHEMA_MUTATIONS: list[tuple[str, Any]] = [
    ("type", "strin"), ("type", 5), ("type", ["string", "string"]), ("type", []), ("required", "name"),
    ("required", ["a", "a"]), ("minLength", -1), ("minLength", "3"), ("maxItems", 1.5), ("pattern", "(unclosed"),
    ("pattern", 7), ("items", []), ("items", "x"), ("properties", []), ("properties", {"p": 3}), ("enum", "A"),
    ("enum", []), ("allOf", []), ("anyOf", {}), ("oneOf", [3]), ("not", "x"), ("additionalProperties", "no"),
    ("multipleOf", 0), ("maximum", "9"), ("exclusiveMinimum", "x"), ("uniqueItems", "yes"), ("title", 3),
    ("description", ["x"]), ("readOnly", "true"), ("deprecated", 1), ("nullable", "yes"), ("format", 4),
    ("default", {"unexpected": [1, 2]}), ("default", 12), ("default", None), ("discriminator", {"mapping": 3}),
    ("discriminator", {"propertyName": "kind", "extra": 1}), ("xml", {"attribute": "yes"}), ("externalDocs", {}),
    ("externalDocs", {"url": 3, "x-ok": 1}), ("example", object), ("examples", "x"), ("$ref", 3),
    ("$comment", 3), ("patternProperties", {"(": {}}), ("patternProperties", {"^a": 3}), ("const", None),
    ("dependentRequired", {"a": "b"}), ("prefixItems", []), ("contains", 3), ("minContains", -2),
    ("propertyNames", "x"), ("if", []), ("$defs", []), ("$anchor", "1bad"), ("$id", "x#frag"),
    ("unevaluatedProperties", 2), ("contentSchema", 1), ("dependencies", {"a": 3}), ("definitions", 2),
    ("exclusiveMaximum", True), ("required", []), ("x-vendor", {"anything": [1]}), ("enum", ["a", "a"]),
    ("enum", [1, True, 1.0]), ("enum", [None, "a"]), ("items", [{"type": "string"}]), ("type", ["string", "null"]),
    ("discriminator", {"propertyName": "k", "x-a": 1, "mapping": {"a": "b"}}), ("xml", {"name": "n", "wrapped": True}),
    ("externalDocs", {"url": "http://x", "description": "d"}), ("minimum", 1.5), ("maxLength", 2.0),
    ("maxLength", True), ("pattern", "^[a-z]+$"), ("pattern", "\\p{L}"), ("patternProperties", {"^x": {"type": "string"}}),
    ("$schema", "https://spec.openapis.org/oas/3.1/dialect/base"), ("$schema", "https://json-schema.org/draft/2020-12/schema"),
    ("$schema", 3), ("$dynamicRef", "#meta"), ("additionalProperties", False), ("properties", {"p": True}),
    ("multipleOf", float("nan")), ("dependencies", {"a": ["b"], "c": {"type": "string"}}), ("exclusiveMinimum", 2),
    ("additionalItems", {"type": "string"}), ("contentEncoding", "base64"), ("if", {"type": "string"}),
]  # fmt: skip


def _schemas(node: Any, found: list[dict[str, Any]], under_schema: bool = False) -> None:
    """Every mapping that stands where a schema does (under `schema`, `schemas`, `properties`, ...)."""
    if isinstance(node, dict):
        if under_schema and "$ref" not in node:
            found.append(node)
        for key, value in node.items():
            if key in ("schema", "items", "not", "additionalProperties"):
                _schemas(value, found, True)
            elif key in ("schemas", "properties"):
                for each in value.values() if isinstance(value, dict) else []:
                    _schemas(each, found, True)
            elif key in ("allOf", "anyOf", "oneOf"):
                for each in value if isinstance(value, list) else []:
                    _schemas(each, found, True)
            else:
                _schemas(value, found, False)
    elif isinstance(node, list):
        for each in node:
            _schemas(each, found, under_schema)


def _operations(root: dict[str, Any]) -> list[dict[str, Any]]:
    return [op for item in root.get("paths", {}).values() if isinstance(item, dict)
            for method, op in item.items() if method in ("get", "put", "post", "delete", "patch")]  # fmt: skip


def mutate(root: dict[str, Any], seed: int, count: int) -> dict[str, Any]:
    """A copy of `root` with `count` errors injected at places drawn with `seed`."""
    root = copy.deepcopy(root)
    rng = random.Random(seed)
    found: list[dict[str, Any]] = []
    _schemas(root, found)
    operations = _operations(root)
    for _ in range(count):
        if operations and rng.random() < 0.15:
            operation = rng.choice(operations)
            choice = rng.randrange(4)
            if choice == 0:
                operation["operationId"] = "same-everywhere"
            elif choice == 1:
                operation["parameters"] = [
                    {"name": "ghost", "in": "path", "required": True, "schema": {"type": "string"}}
                ]
            elif choice == 2:
                operation["parameters"] = [
                    {"name": "q", "in": "query", "schema": {"type": "integer", "default": "x"}}
                ] * 2
            else:
                operation["responses"] = {"200": {"description": 3}}
        elif found:
            schema = rng.choice(found)
            key, value = rng.choice(SCHEMA_MUTATIONS)
            schema[key] = value() if value is object else copy.deepcopy(value)
    for _ in range(rng.randrange(3)):  # the document's own shape: what its schema (not a keyword validator) finds
        rng.choice(DOCUMENT_MUTATIONS)(root)
    return root


def _first(mapping: Any) -> Any:
    return (
        next((value for value in mapping.values() if isinstance(value, dict)), {}) if isinstance(mapping, dict) else {}
    )


DOCUMENT_MUTATIONS: list[Any] = [
    lambda root: root.__setitem__("tags", [{"name": "dup"}, {"name": "dup"}]),
    lambda root: root.get("info", {}).pop("title", None),
    lambda root: root.__setitem__("servers", [{"url": 3}]),
    lambda root: root.setdefault("paths", {}).__setitem__("no-slash", {}),
    lambda root: root.__setitem__("security", {"a": []}),
    lambda root: root.setdefault("components", {}).setdefault("schemas", {}).__setitem__("bad name!", {}),
    lambda root: root.__setitem__("x-vendor", {"anything": None}),
    lambda root: root.__setitem__("unknown", 1),
    lambda root: _first(_first(root.get("paths"))).__setitem__("parameters", [{"name": "p", "in": "body"}]),
    lambda root: _first(_first(root.get("paths"))).__setitem__("responses", {}),
    lambda root: _first(root.get("paths")).__setitem__("get", {"responses": {"2XX": {"description": "d"}}}),
    lambda root: root.setdefault("components", {}).__setitem__("securitySchemes", {"s": {"type": "http"}}),
]


MUTATED = [("opc-baseline-3.1", seed) for seed in range(3)] + [("adyen-transfer-webhooks-v4", seed) for seed in range(2)] + [
    ("twilio-verify-v2", seed) for seed in range(2)] + [("oai-petstore-expanded", seed) for seed in range(3)]  # fmt: skip


@pytest.mark.skipif(not SMALL, reason="the shared corpus is not available")
@pytest.mark.parametrize(("name", "seed"), MUTATED)
def test_same_errors_on_mutated_corpus_specs(name: str, seed: int) -> None:
    spec = load_spec(ENTRIES[name].entry)
    spec.documents[spec.entry].data = mutate(spec.root, seed, count=25)
    problems = assert_same(spec)
    assert problems, "the mutations must give errors to compare"


def test_same_errors_on_every_schema_mutation(tmp_path: Path) -> None:
    """Each mutation alone, in a 3.0 and a 3.1 document, in a component and nested in one."""
    for version in ("3.0.3", "3.1.0"):
        for key, value in SCHEMA_MUTATIONS:
            inner = {"type": "object", "properties": {"n": {"type": "string"}}}
            inner[key] = value() if value is object else copy.deepcopy(value)
            schemas = {"Top": copy.deepcopy(inner), "Outer": {"type": "object", "properties": {"inner": inner}}}
            document = spec_document({"paths": {}, "components": {"schemas": schemas}}, openapi=version, server=None)
            path = tmp_path / "spec.yaml"
            path.write_text(json.dumps(document, default=str))
            assert_same(load_spec(path))


def test_same_errors_on_deeply_nested_schemas(tmp_path: Path) -> None:
    for version in ("3.0.3", "3.1.0"):
        for bad in (False, True):
            schema: dict[str, Any] = {"type": "string", "minLength": -1 if bad else 1}
            for _ in range(40):  # deeper than the walk goes: the library's check decides
                schema = {"type": "object", "properties": {"p": schema}}
            fragment = {"paths": {}, "components": {"schemas": {"Deep": schema}}}
            document = spec_document(fragment, openapi=version, server=None)
            path = tmp_path / "spec.json"
            path.write_text(json.dumps(document))
            assert bool(assert_same(load_spec(path))) is bad


# --- the fuzz profile's documents ------------------------------------------------------------------------


@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(extended=extended_documents())
def test_same_verdicts_on_fuzz_documents(extended: Extended, tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    drawn = extended.drawn
    spec_path = folder / f"spec.{drawn.fmt}"
    text = json.dumps(drawn.document) if drawn.fmt == "json" else yaml.safe_dump(drawn.document, allow_unicode=True)
    spec_path.write_text(text, encoding="utf-8")
    for name, content in extended.files.items():
        (folder / name).write_text(content, encoding="utf-8")
    try:
        spec = load_spec(spec_path)
    except validate.GeneratorError:
        return  # a `$ref` cycle: refused before validation
    assert_same(spec, cycle_safe=True)
    spec.documents[spec.entry].data = mutate(spec.root, seed=len(text), count=6)
    assert_same(spec, cycle_safe=True)


# --- the test suite's own specs: the fuzz profile's written-out documents, the hostile ones, the shared ones ------


def suite_specs() -> list[tuple[str, str, str]]:
    """(label, file name, text) of every spec the test suite keeps: the documents the fuzz `ci` profile draws
    (tests/golden/fuzz/), the bad-input and fuzz-regression documents of tests/robustness/, the shared test
    specs (tests/specs/) and the seed (specs/)."""
    from tests.robustness import test_bad_input, test_fuzz_regressions

    root = Path(__file__).resolve().parents[2]
    files = [*sorted((root / "tests/golden/fuzz").glob("*.*")), *sorted((root / "tests/specs").glob("*.yaml"))]
    files += [path for path in sorted((root / "specs").glob("*.yaml")) if path.name.count(".") == 1]  # not configs
    found = [(path.relative_to(root).as_posix(), path.name, path.read_text(encoding="utf-8")) for path in files]
    for module in (test_bad_input, test_fuzz_regressions):
        for name, value in sorted(vars(module).items()):
            if name.isupper() and isinstance(value, str) and value.startswith(("openapi:", "swagger:")):
                found.append((f"{module.__name__.rsplit('.', 1)[-1]} {name}", "spec.yaml", value))
            elif name.isupper() and isinstance(value, dict) and "openapi" in value:
                found.append((f"{module.__name__.rsplit('.', 1)[-1]} {name}", "spec.json", json.dumps(value)))
    return found


SUITE_SPECS = suite_specs()


@pytest.mark.parametrize(("label", "file_name", "text"), SUITE_SPECS, ids=[label for label, _, _ in SUITE_SPECS])
def test_same_verdicts_on_the_test_suites_specs(label: str, file_name: str, text: str, tmp_path: Path) -> None:
    """Passes and errors alike; each also mutated, so that its failing verdicts are compared too. The fuzz
    profile's documents may include themselves, which the library as shipped follows forever: they are compared
    with the library plus our fix for that alone (`cycle_safe`), as in the property test above."""
    cycle_safe = label.startswith("tests/golden/fuzz/")
    path = tmp_path / file_name
    path.write_text(text, encoding="utf-8")
    try:
        spec = load_spec(path)
    except validate.GeneratorError:
        return  # refused before validation (bad YAML, a missing `$ref` target, a `$ref` cycle)
    assert_same(spec, cycle_safe)
    spec.documents[spec.entry].data = mutate(spec.root, seed=len(text), count=6)
    assert_same(spec, cycle_safe)  # some draws are valid mutations: passes are compared too


# --- any other version: the library as it is, with a warning -------------------------------------------


def test_other_versions_fall_back_to_the_library_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setitem(validator_speedups.VERIFIED_WITH, "referencing", "0.0.1")
    validate._validator_class.cache_clear()
    validate._speedups_refused.cache_clear()
    try:
        assert validate._validator_class("3.1") is validate._library_validator_class("3.1")
        spec = load_spec(ENTRIES["oai-petstore"].entry) if SMALL else None
        if spec is not None:
            assert validate.validate_spec(spec) == []
        err = capsys.readouterr().err
        assert err.count("warning: referencing") == 1
        assert "verified with 0.0.1; validating with the library as it is (slower)" in err
    finally:
        validate._validator_class.cache_clear()
        validate._speedups_refused.cache_clear()


def test_valid_schemas_skip_the_librarys_metaschema_check(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The walk answers for ordinary valid schemas (else it would save nothing); an invalid one goes to the library."""
    from openapi_schema_validator.validators import OAS30Validator, OAS31Validator

    checked: list[Any] = []
    for version, library in (("3.0.3", OAS30Validator), ("3.1.0", OAS31Validator)):
        validate._validator_class(version[:3])  # built before the library's check is wrapped below

        def counted(cls: Any, schema: Any, *args: Any, original: Any = library.check_schema.__func__, **kw: Any) -> Any:
            checked.append(schema)
            return original(cls, schema, *args, **kw)

        monkeypatch.setattr(library, "check_schema", classmethod(counted))
        good = {"type": "object", "required": ["a"], "properties": {"a": {"type": "string", "pattern": "^a+$"}}}
        bad = {"type": "object", "properties": {"a": {"type": "string", "minLength": -1}}}
        fragment = {"paths": {}, "components": {"schemas": {"Good": good, "Bad": bad}}}
        document = spec_document(fragment, openapi=version, server=None)
        path = tmp_path / "spec.json"
        path.write_text(json.dumps(document))
        problems = validate.validate_spec(load_spec(path), lenient=True)
        assert problems
        assert checked == [bad]
        checked.clear()


@pytest.mark.skipif(not SMALL, reason="the shared corpus is not available")
def test_a_valid_30_document_skips_the_librarys_document_check() -> None:
    checker = validate._validator_class("3.0").schema_validator
    assert isinstance(checker, validator_speedups._ValidFirst)
    for name in ("oai-petstore", "twilio-verify-v2"):
        assert checker.quick.valid(load_spec(ENTRIES[name].entry).root, checker.quick.root, 0)
    spec = load_spec(ENTRIES["oai-petstore"].entry)
    spec.root["info"].pop("title")
    assert not checker.quick.valid(spec.root, checker.quick.root, 0)
    assert [error.message for error in checker.iter_errors(spec.root)] == ["'title' is a required property"]


def test_the_validators_process_does_without_requests() -> None:
    """In a fresh process as in the validator's: with `requests` hidden, the library imports and takes the
    standard library's URL handler (jsonschema-path without its `requests` extra), and validates as before."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from generator import validate, validator_speedups\n"
        "validator_speedups.without_requests()\n"
        "from generator.spec.load import load_spec\n"
        "from pathlib import Path\n"
        "import jsonschema_path.handlers as handlers\n"
        "assert sys.modules['requests'] is None\n"
        "print(type(handlers.default_handlers['https']).__name__)\n"
        "print(validate.validate_spec(load_spec(Path('specs/conductor.yaml'))))\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[:2] == ["UrllibHandler", "[]"]
