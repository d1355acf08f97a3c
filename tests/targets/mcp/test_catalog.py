"""The MCP target's generated files, without running them: tool names, schemas, annotations, the options."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator import pipeline
from generator.errors import GeneratorError
from generator.targets.mcp.catalog import TOOL_NAME_MAX
from generator.targets.mcp.options import McpOptions
from generator.targets.mcp.project import SERVER_MODULES, TEMPLATES, render_mcp
from generator.targets.python.formatting import format_with_black
from tests.support.documents import write_spec
from tests.targets.mcp.petstore import CONFIG, SPEC

ROOT = Path(__file__).resolve().parents[3]


def _api(tmp_path: Path, spec_text: str, config: dict[str, object] | None = None) -> pipeline.Api:
    spec = write_spec(tmp_path, spec_text, "openapi.yaml")
    config_path = tmp_path / "openapi.config.yaml"
    config_path.write_text(yaml.safe_dump(config or {}), encoding="utf-8")
    return pipeline.model(pipeline.Options(spec=spec, config=config_path))


def _catalog(files: dict[str, str], package: str) -> dict[str, object]:
    data: dict[str, object] = json.loads(files[f"src/{package}/catalog.json"])
    return data


@pytest.mark.parametrize("name", SERVER_MODULES)
def test_server_modules_are_in_blacks_layout(name: str) -> None:
    """They are copied as they are into every generated server, so they must already be what black makes."""
    text = (TEMPLATES / name).read_text(encoding="utf-8")
    assert format_with_black(text) == text


def test_seed_names_and_determinism() -> None:
    api = pipeline.model(pipeline.Options(spec=ROOT / "specs" / "conductor.yaml"))
    files = render_mcp(api, McpOptions())
    assert files == render_mcp(api, McpOptions())
    assert '"conductor-mcp" = "conductor_mcp.server:main"' in files["pyproject.toml"]
    assert '"conductor-py==0.1.0",' in files["pyproject.toml"]
    [operation] = _catalog(files, "conductor_mcp")["operations"]  # type: ignore[misc]
    assert operation["name"] == "end_users_delete" and operation["kind"] == "write"
    assert operation["annotations"] == {
        "title": "Delete an end-user",
        "readOnlyHint": False,
        "destructiveHint": True,
        "idempotentHint": True,
        "openWorldHint": True,
    }
    assert operation["example"] == {"id": "end_usr_1234567abcdefg"}
    renamed = render_mcp(api, McpOptions(package_name="qb_tools", distribution_name="qb-tools", script_name="qb"))
    assert "src/qb_tools/server.py" in renamed and '"qb" = "qb_tools.server:main"' in renamed["pyproject.toml"]


def test_petstore_schemas(tmp_path: Path) -> None:
    files = render_mcp(_api(tmp_path, SPEC, CONFIG), McpOptions(read_operations=("pets.delete",)))
    operations = {op["name"]: op for op in _catalog(files, "petstore_mcp")["operations"]}  # type: ignore[attr-defined]
    listing = operations["pets_list"]
    assert listing["input_schema"]["properties"]["species"] == {
        "enum": ["cat", "dog"],
        "description": "(query parameter)",
    }
    assert set(listing["page_arguments"]) == {"cursor", "limit", "species"}
    assert listing["output"].startswith("one page of Pet items {id: string, name: string, birthDate: string | null}")
    create = operations["pets_create"]["input_schema"]
    assert create["properties"]["birth_date"] == {
        "type": "string",
        "format": "date",
        "description": "(body property `birthDate`)",
    }
    assert create["additionalProperties"] is False
    # A rule marks the delete as a read (as a POST that only searches would be).
    assert operations["pets_delete"]["kind"] == "read"
    assert "| `pets_create` | write | `POST /pets` | no | Create a pet |" in files["README.md"]
    assert "| `pets_list` | read | `GET /pets` | yes | List pets |" in files["README.md"]


def test_tool_names_are_short_unique_and_safe(tmp_path: Path) -> None:
    long = "a" * 80
    spec = f"""
paths:
  /{long}/items:
    get:
      operationId: list{long}
      responses: {{'200': {{description: ok}}}}
  /items/{{id}}:
    get:
      operationId: getItem
      parameters: [{{in: path, name: id, required: true, schema: {{type: string}}}}]
      responses: {{'200': {{description: ok}}}}
  /uploads:
    post:
      operationId: upload
      requestBody:
        content:
          multipart/form-data:
            schema: {{type: object, properties: {{file: {{type: string, format: binary}}}}}}
      responses: {{'200': {{description: ok}}}}
"""
    files = render_mcp(_api(tmp_path, spec, {"package_name": "things"}), McpOptions())
    names = [op["name"] for op in _catalog(files, "things_mcp")["operations"]]  # type: ignore[attr-defined]
    assert len(names) == len(set(names)) == 2
    assert all(len(name) <= TOOL_NAME_MAX and name.replace("_", "").replace("-", "").isalnum() for name in names)
    assert "- `POST /uploads`: takes a file upload" in files["README.md"]


def test_hostile_text_stays_data(tmp_path: Path) -> None:
    """Spec text reaches only JSON, TOML strings and escaped Markdown: the server modules are the same for
    every API."""
    spec = """
info: {title: "Evil\\"\\n[x]\\nimport os", version: 1.0.0}
paths:
  /x:
    get:
      operationId: getX
      summary: "\\"; import os; os.system('rm -rf /') #"
      responses: {'200': {description: ok}}
"""
    files = render_mcp(_api(tmp_path, spec, {"package_name": "evil"}), McpOptions())
    for name in SERVER_MODULES:
        assert files[f"src/evil_mcp/{name}"] == (TEMPLATES / name).read_text(encoding="utf-8")
    import tomllib

    project = tomllib.loads(files["pyproject.toml"])["project"]
    assert project["description"] == 'An MCP server for the Evil"\n[x]\nimport os'
    assert json.loads(files["src/evil_mcp/catalog.json"])["operations"][0]["summary"].startswith('"; import os')


def test_options_problems_name_the_key(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, "paths: {}", "openapi.yaml")
    config = tmp_path / "openapi.config.yaml"
    section = {"output": "mcp", "allow": "GET *", "allow_writes": "yes", "colour": 1}
    config.write_text(yaml.safe_dump({"targets": {"mcp": section}}), encoding="utf-8")
    with pytest.raises(GeneratorError) as raised:
        pipeline.generate(pipeline.Options(spec=spec, output=tmp_path / "mcp", config=config, target="mcp"))
    messages = {(p.pointer, p.message.split(" ")[0]) for p in raised.value.problems}
    assert messages == {("/targets/mcp/allow", "allow"), ("/targets/mcp/allow_writes", "allow_writes"),
                        ("/targets/mcp/colour", "unknown")}  # fmt: skip


def test_generated_server_passes_the_checkers(tmp_path: Path) -> None:
    """ruff, mypy --strict and pyright over the seed's server, with its own pyproject.toml (the server modules
    are the same for every API; only catalog.json differs)."""
    pipeline.generate(pipeline.Options(spec=ROOT / "specs" / "conductor.yaml", output=tmp_path, target="mcp"))
    commands = {
        "ruff": [sys.executable, "-m", "ruff", "check", "--no-cache", "src"],
        "mypy": [sys.executable, "-m", "mypy", "--no-incremental", "src"],
        "pyright": [sys.executable, "-m", "pyright", "--pythonpath", sys.executable, "src"],
    }
    for name, command in commands.items():
        done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False)
        assert done.returncode == 0, f"{name}:\n{done.stdout}\n{done.stderr}"


EXTENSIONS_SPEC = """
paths:
  /search:
    post:
      operationId: search
      x-mcp: {kind: read}
      responses: {'200': {description: ok}}
  /items/{id}:
    parameters: [{in: path, name: id, required: true, schema: {type: string}}]
    delete:
      operationId: archiveItem
      x-mcp: {destructive: false, idempotent: false}
      responses: {'204': {description: ok}}
    put:
      operationId: purgeItem
      x-mcp: {hidden: true}
      responses: {'204': {description: ok}}
"""


def test_x_mcp_extension(tmp_path: Path) -> None:
    """The API's own say on an operation: a POST that only reads, a DELETE that destroys nothing, an operation
    never offered."""
    files = render_mcp(_api(tmp_path, EXTENSIONS_SPEC, {"package_name": "items"}), McpOptions())
    operations = {op["name"]: op for op in _catalog(files, "items_mcp")["operations"]}  # type: ignore[attr-defined]
    assert len(operations) == 2
    search = next(op for op in operations.values() if op["method"] == "POST")
    assert search["kind"] == "read" and search["annotations"]["readOnlyHint"] is True
    archive = next(op for op in operations.values() if op["method"] == "DELETE")
    assert archive["kind"] == "write"
    assert archive["annotations"]["destructiveHint"] is False and archive["annotations"]["idempotentHint"] is False
    assert not any(op["method"] == "PUT" for op in operations.values())
    assert "- `PUT /items/{id}`: hidden by its x-mcp extension" in files["README.md"]

    bad = EXTENSIONS_SPEC.replace("x-mcp: {kind: read}", "x-mcp: {kind: maybe, colour: 1}")
    with pytest.raises(GeneratorError) as raised:
        render_mcp(_api(tmp_path, bad, {"package_name": "items"}), McpOptions())
    found = {(p.pointer, p.message) for p in raised.value.problems}
    assert found == {
        ("/paths/~1search/post/x-mcp/kind", "x-mcp.kind must be read or write"),
        ("/paths/~1search/post/x-mcp/colour", "unknown key 'colour' (known: kind, hidden, destructive, idempotent)"),
    }
    assert all(p.file and p.file.endswith("openapi.yaml") for p in raised.value.problems)
