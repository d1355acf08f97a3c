"""Documented resource limits (generator/limits.py, README "Limits"): past each one the generator stops at
once with one clear message naming the file and JSON pointer, exit code 2, no traceback, and the output
folder exactly as it was. Just within the nesting limit, generation still works.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.spec import limits
from generator.cli import main
from tests.robustness.test_bad_input import baseline, error_lines, out, run_failing, snapshot  # noqa: F401 - fixtures
from tests.support.documents import spec_document

ROOT = Path(__file__).resolve().parents[2]
OK_RESPONSE = {"200": {"description": "ok"}}


def spec_with(schema: Any = None, **extra: Any) -> dict[str, Any]:
    response: dict[str, Any] = {"description": "ok"}
    if schema is not None:
        response["content"] = {"application/json": {"schema": schema}}
    paths = {"/things": {"get": {"responses": {"200": response}}}}
    return spec_document({"paths": paths, **extra}, title="Limits", server=None)


def write_json(tmp_path: Path, doc: dict[str, Any]) -> Path:
    spec = tmp_path / "specs" / "spec.json"
    spec.parent.mkdir(parents=True, exist_ok=True)
    spec.write_text(json.dumps(doc), encoding="utf-8")
    return spec


def nested_arrays(levels: int) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(levels):
        schema = {"type": "array", "items": schema}
    return schema


# Levels above the schema: document -> paths -> /things -> get -> responses -> 200 -> content -> media -> schema.
SCHEMA_DEPTH = 9


def failing_line(capsys: pytest.CaptureFixture[str], out: Path, spec: Path) -> str:  # noqa: F811
    _, err = run_failing(capsys, out, str(spec))
    (line,) = error_lines(err)
    return line


def test_nesting_deeper_than_the_limit(
    tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:  # noqa: F811
    spec = write_json(tmp_path, spec_with(nested_arrays(limits.MAX_NESTING_DEPTH - SCHEMA_DEPTH + 1)))
    line = failing_line(capsys, out, spec)
    assert f"{spec.resolve()} at /paths/~1things/get/responses/200/content/application~1json/schema/items/items" in line
    assert f"nested more than {limits.MAX_NESTING_DEPTH} levels deep" in line


def test_nesting_through_a_chain_of_refs_counts(
    tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:  # noqa: F811
    """Each schema shallow, but S0 -> S1 -> ... through `$ref`s: the depth the model builder would recurse."""
    count = limits.MAX_NESTING_DEPTH
    schemas = {f"S{i}": {"type": "array", "items": {"$ref": f"#/components/schemas/S{i + 1}"}} for i in range(count)}
    schemas[f"S{count}"] = {"type": "string"}
    spec = write_json(tmp_path, spec_with({"$ref": "#/components/schemas/S0"}, components={"schemas": schemas}))
    line = failing_line(capsys, out, spec)
    assert f"{spec.resolve()} at /components/schemas/S" in line
    assert f"nested more than {limits.MAX_NESTING_DEPTH} levels deep (counting each $ref" in line


def test_nesting_just_within_the_limit_generates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Each array is one level: the innermost `{type: string}` is exactly MAX_NESTING_DEPTH levels deep.
    spec = write_json(tmp_path, spec_with(nested_arrays(limits.MAX_NESTING_DEPTH - SCHEMA_DEPTH)))
    assert main(["generate", str(spec), "-o", str(tmp_path / "out")]) == 0, capsys.readouterr().err
    # Every file is Python that Python itself compiles (black parses more deeply nested code than Python does).
    for path in sorted((tmp_path / "out").rglob("*.py")):
        compile(path.read_text(encoding="utf-8"), str(path), "exec", dont_inherit=True)


def test_nesting_just_within_the_limit_generates_from_the_command_line(tmp_path: Path) -> None:
    """`python -m generator generate` into a new folder starts the validator's process before the command
    line raises Python's recursion limit: that process must raise it too."""
    spec = write_json(tmp_path, spec_with(nested_arrays(limits.MAX_NESTING_DEPTH - SCHEMA_DEPTH)))
    done = subprocess.run(
        [sys.executable, "-m", "generator", "generate", str(spec), "-o", str(tmp_path / "out"), "-q"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_deep_nesting_in_a_subprocess_is_a_clean_error(tmp_path: Path, out: Path) -> None:  # noqa: F811
    """Far deeper than the stack allows: still the limit message, never a RecursionError."""
    # Written as text: json.dumps itself would hit the recursion limit.
    text = json.dumps(spec_with({"$placeholder": True}))
    deep = '{"type": "array", "items": ' * 5000 + '{"type": "string"}' + "}" * 5000
    spec = tmp_path / "specs" / "deep.json"
    spec.parent.mkdir(parents=True, exist_ok=True)
    spec.write_text(text.replace('{"$placeholder": true}', deep), encoding="utf-8")
    before = snapshot(out)
    done = subprocess.run(
        [sys.executable, "-m", "generator", "generate", str(spec), "-o", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "RecursionError" not in done.stderr
    assert f"nested more than {limits.MAX_NESTING_DEPTH} levels deep" in done.stderr
    assert done.stderr.count("error:") == 1
    assert snapshot(out) == before


def test_enum_larger_than_the_limit(
    tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:  # noqa: F811
    values = [f"v{i}" for i in range(limits.MAX_ENUM_VALUES + 1)]
    spec = write_json(tmp_path, spec_with({"type": "string", "enum": values}))
    line = failing_line(capsys, out, spec)
    assert f"{spec.resolve()} at /paths/~1things/get/responses/200/content/application~1json/schema/enum:" in line
    assert f"enum with {limits.MAX_ENUM_VALUES + 1:,} values; the limit is {limits.MAX_ENUM_VALUES:,}" in line


def test_more_properties_than_the_limit(
    tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:  # noqa: F811
    properties = {f"p{i}": {"type": "string"} for i in range(limits.MAX_PROPERTIES + 1)}
    spec = write_json(
        tmp_path, spec_with(components={"schemas": {"Wide": {"type": "object", "properties": properties}}})
    )
    line = failing_line(capsys, out, spec)
    assert f"{spec.resolve()} at /components/schemas/Wide/properties:" in line
    assert f"schema with {limits.MAX_PROPERTIES + 1:,} properties; the limit is {limits.MAX_PROPERTIES:,}" in line


def test_more_operations_than_the_limit(
    tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:  # noqa: F811
    doc = spec_with()
    doc["paths"] = {f"/p{i}": {"get": {"responses": OK_RESPONSE}} for i in range(limits.MAX_OPERATIONS + 1)}
    spec = write_json(tmp_path, doc)
    line = failing_line(capsys, out, spec)
    assert f"{spec.resolve()} at /paths:" in line
    assert f"{limits.MAX_OPERATIONS + 1:,} operations; the limit is {limits.MAX_OPERATIONS:,}" in line


def test_more_component_schemas_than_the_limit(
    tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:  # noqa: F811
    schemas = {f"S{i}": {"type": "string"} for i in range(limits.MAX_SCHEMAS + 1)}
    spec = write_json(tmp_path, spec_with(components={"schemas": schemas}))
    line = failing_line(capsys, out, spec)
    assert f"{spec.resolve()} at /components/schemas:" in line
    assert f"{limits.MAX_SCHEMAS + 1:,} component schemas; the limit is {limits.MAX_SCHEMAS:,}" in line
