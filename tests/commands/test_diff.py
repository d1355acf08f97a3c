"""`python -m generator diff`: one small spec pair per rule, the CLI contract, and real spec histories."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import pipeline
from tests.support.documents import spec_document

ROOT = Path(__file__).resolve().parents[2]
HISTORY = ROOT.parent / "shared" / "corpus" / "history"

ITEM = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {
        "id": {"type": "string"},
        "name": {"type": "string", "description": "Display name."},
        "price": {"type": "integer"},
        "status": {"type": "string", "enum": ["active", "archived"]},
        "note": {"type": "string"},
    },
}
NEW_ITEM = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "maxLength": 50},
        "price": {"type": "integer", "minimum": 0},
        "status": {"type": "string", "enum": ["active", "archived"]},
        "code": {"type": "string"},
    },
}
ID_PARAM = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
# fmt: off
BASE: dict[str, Any] = spec_document({
    "security": [{"key": []}],
    "components": {
        "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}},
        "schemas": {"Item": ITEM},
    },
    "paths": {
        "/items": {
            "get": {
                "summary": "List items",
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "format": "int32", "default": 10}},
                    {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["active", "archived"]}},
                ],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}},
                }}}}},
            },
            "post": {
                "requestBody": {"required": True, "content": {"application/json": {"schema": NEW_ITEM}}},
                "responses": {"201": {"description": "created", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}}},
            },
        },
        "/items/{id}": {
            "get": {
                "parameters": [ID_PARAM],
                "responses": {"200": {"description": "ok", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}}},
            },
            "delete": {"parameters": [ID_PARAM], "responses": {"204": {"description": "gone"}}},
        },
    },
}, title="Shop", version="1")
# fmt: on


def _paths(spec: dict[str, Any]) -> dict[str, Any]:
    return spec["paths"]  # type: ignore[no-any-return]


def _list_params(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return _paths(spec)["/items"]["get"]["parameters"]  # type: ignore[no-any-return]


def _body(spec: dict[str, Any]) -> dict[str, Any]:
    return _paths(spec)["/items"]["post"]["requestBody"]["content"]["application/json"]["schema"]  # type: ignore[no-any-return]


def _item(spec: dict[str, Any]) -> dict[str, Any]:
    return spec["components"]["schemas"]["Item"]  # type: ignore[no-any-return]


def _retrieve(spec: dict[str, Any]) -> dict[str, Any]:
    return _paths(spec)["/items/{id}"]["get"]  # type: ignore[no-any-return]


def _set(getter: Callable[[dict[str, Any]], Any], key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda spec: getter(spec).__setitem__(key, value)


def _move_body_into_components(spec: dict[str, Any]) -> None:
    spec["components"]["schemas"]["NewItem"] = _body(spec)
    _paths(spec)["/items"]["post"]["requestBody"]["content"]["application/json"]["schema"] = {
        "$ref": "#/components/schemas/NewItem"
    }


# (rule, edit of the NEW spec, expected level, expected subject, a fragment of the expected message)
RULES: list[tuple[str, Callable[[dict[str, Any]], None], str, str, str]] = [
    ("operation-removed", lambda s: _paths(s)["/items/{id}"].pop("delete"), "breaking", "items.delete",
     "method removed (DELETE /items/{id}: operation removed)"),
    ("operation-removed", lambda s: _paths(s).pop("/items/{id}"), "breaking", "items.retrieve",
     "method removed (GET /items/{id}: path removed)"),
    ("operation-added", lambda s: _paths(s)["/items/{id}"].__setitem__("put", {
        "parameters": [ID_PARAM], "responses": {"204": {"description": "ok"}}}), "minor", "items.update",
     "new method (PUT /items/{id})"),
    ("parameter-added-required", lambda s: _list_params(s).append(
        {"name": "region", "in": "query", "required": True, "schema": {"type": "string"}}), "breaking", "items.list",
     "new required parameter `region` (query)"),
    ("parameter-added-optional", lambda s: _list_params(s).append(
        {"name": "sortBy", "in": "query", "schema": {"type": "string"}}), "minor", "items.list",
     "new optional keyword `sort_by` (query)"),
    ("parameter-removed", lambda s: _list_params(s).pop(1), "breaking", "items.list", "parameter `status` removed (query)"),
    ("parameter-renamed", lambda s: _list_params(s)[0].__setitem__("name", "pageSize"), "breaking", "items.list",
     "query parameter renamed `limit` -> `pageSize` (keyword `limit` -> `page_size`)"),
    ("parameter-moved", lambda s: _list_params(s)[1].__setitem__("in", "header"), "breaking", "items.list",
     "parameter `status` moved from query to header"),
    ("type-changed", lambda s: _retrieve(s)["parameters"].__setitem__(0, {**ID_PARAM, "schema": {"type": "integer"}}),
     "breaking", "items.retrieve", "parameter `id` changed type str -> int"),
    ("format-changed", lambda s: _list_params(s)[0]["schema"].__setitem__("format", "int64"), "breaking", "items.list",
     "parameter `limit` format changed int32 -> int64"),
    ("parameter-made-required", lambda s: _list_params(s)[0].__setitem__("required", True), "breaking", "items.list",
     "parameter `limit` is now required"),
    ("default-changed", lambda s: _list_params(s)[0]["schema"].__setitem__("default", 20), "possibly breaking",
     "items.list", "parameter `limit` default changed 10 -> 20"),
    ("enum-value-removed", lambda s: _list_params(s)[1]["schema"].__setitem__("enum", ["active"]), "breaking",
     "items.list", "parameter `status` enum value \"archived\" removed"),
    ("enum-value-added", lambda s: _list_params(s)[1]["schema"]["enum"].append("draft"), "minor", "items.list",
     "parameter `status` enum value \"draft\" added"),
    ("property-removed", lambda s: _body(s)["properties"].pop("code"), "breaking", "items.create",
     "keyword `code` removed"),
    ("property-added-required", lambda s: (_body(s)["properties"].__setitem__("sku", {"type": "string"}),
                                           _body(s)["required"].append("sku")), "breaking", "items.create",
     "keyword `sku` added as required"),
    ("property-added-optional", lambda s: _body(s)["properties"].__setitem__("sku", {"type": "string"}), "minor",
     "items.create", "keyword `sku` added (optional)"),
    ("type-changed", lambda s: _body(s)["properties"].__setitem__("price", {"type": "string"}), "breaking",
     "items.create", "keyword `price` changed type int -> str"),
    ("type-changed", lambda s: _body(s)["properties"].__setitem__("price", {"type": "number", "minimum": 0}), "minor",
     "items.create", "keyword `price` changed type int -> float"),
    ("constraint-tightened", lambda s: _body(s)["properties"]["name"].__setitem__("maxLength", 20), "breaking",
     "items.create", "keyword `name` maxLength tightened: 50 -> 20"),
    ("constraint-tightened", lambda s: _body(s)["properties"]["price"].__setitem__("minimum", 1), "breaking",
     "items.create", "keyword `price` minimum tightened: 0 -> 1"),
    ("constraint-tightened", lambda s: _body(s)["properties"]["code"].__setitem__("pattern", "^[A-Z]+$"), "breaking",
     "items.create", "keyword `code` pattern tightened: (none) -> \"^[A-Z]+$\""),
    ("constraint-relaxed", lambda s: _body(s)["properties"]["name"].__setitem__("maxLength", 100), "minor",
     "items.create", "keyword `name` maxLength relaxed: 50 -> 100"),
    ("enum-value-removed", lambda s: _body(s)["properties"]["status"].__setitem__("enum", ["active"]), "breaking",
     "items.create", "keyword `status` enum value \"archived\" removed"),
    ("property-required-changed", lambda s: _body(s)["required"].append("price"), "breaking", "items.create",
     "keyword `price` is now required"),
    ("body-added", lambda s: _paths(s)["/items/{id}"]["delete"].__setitem__("requestBody", {
        "required": True, "content": {"application/json": {"schema": {"type": "object"}}}}), "breaking",
     "items.delete", "new required request body"),
    ("body-media-type-removed", lambda s: _paths(s)["/items"]["post"]["requestBody"].__setitem__("content", {
        "application/x-www-form-urlencoded": {"schema": NEW_ITEM}}), "breaking", "items.create",
     "request media type application/json removed"),
    ("property-removed", lambda s: _item(s)["properties"].pop("note"), "breaking", "Item.note", "removed"),
    ("type-changed", lambda s: _item(s)["properties"].__setitem__("price", {"type": "string"}), "breaking",
     "Item.price", "changed type int -> str"),
    ("type-changed", lambda s: _item(s)["properties"].__setitem__("price", {"type": "number"}), "breaking",
     "Item.price", "changed type int -> float"),
    ("format-changed", lambda s: _item(s)["properties"]["id"].__setitem__("format", "date-time"), "breaking",
     "Item.id", "changed type str -> datetime (format changed (none) -> date-time)"),
    ("property-required-changed", lambda s: _item(s)["required"].remove("name"), "breaking", "Item.name",
     "is now optional"),
    ("property-required-changed", lambda s: _item(s)["required"].append("note"), "minor", "Item.note",
     "is now required"),
    ("nullable-changed", lambda s: _item(s)["properties"]["name"].__setitem__("type", ["string", "null"]), "breaking",
     "Item.name", "may now be null"),
    ("enum-value-added", lambda s: _item(s)["properties"]["status"]["enum"].append("deleted"), "possibly breaking",
     "Item.status", "enum value \"deleted\" added"),
    ("enum-value-removed", lambda s: _item(s)["properties"]["status"].__setitem__("enum", ["active"]), "minor",
     "Item.status", "enum value \"archived\" removed"),
    ("property-added", lambda s: _item(s)["properties"].__setitem__("sku", {"type": "string"}), "minor", "Item.sku",
     "added"),
    ("response-status-removed", lambda s: _paths(s)["/items"]["post"]["responses"].__setitem__(
        "200", _paths(s)["/items"]["post"]["responses"].pop("201")), "breaking", "items.create",
     "response status 201 removed"),
    ("response-media-type-removed", lambda s: _retrieve(s)["responses"]["200"].__setitem__("content", {
        "application/xml": {"schema": {"$ref": "#/components/schemas/Item"}}}), "breaking", "items.retrieve",
     "response 200: media type application/json removed"),
    ("security-changed", lambda s: (s["components"]["securitySchemes"].__setitem__(
        "token", {"type": "http", "scheme": "bearer"}), s.__setitem__("security", [{"token": []}])), "breaking",
     "items.list", "requires different credentials: key -> token"),
    ("security-changed", lambda s: _retrieve(s).__setitem__("security", []), "minor", "items.retrieve",
     "may now be called without credentials: key -> none"),
    ("security-scheme-changed", lambda s: s["components"]["securitySchemes"]["key"].__setitem__("name", "X-Api-Key"),
     "breaking", "client", "security scheme `key` changed: name X-Key -> X-Api-Key"),
    ("server-changed", lambda s: s.__setitem__("servers", [{"url": "https://api.example.com/v2"}]), "breaking",
     "client", "default base URL changed https://api.example.com/v1 -> https://api.example.com/v2"),
    ("operation-doc-changed", _set(lambda s: _paths(s)["/items"]["get"], "summary", "List all items"), "patch",
     "items.list", "summary changed (documentation only)"),
    ("schema-doc-changed", lambda s: _item(s)["properties"]["name"].__setitem__("description", "The name."), "patch",
     "Item.name", "description changed (documentation only)"),
    ("operation-deprecated", _set(lambda s: _paths(s)["/items/{id}"]["delete"], "deprecated", True), "minor",
     "items.delete", "deprecated"),
    ("additional-properties-closed", lambda s: _body(s).__setitem__("additionalProperties", False),
     "possibly breaking", "items.create", "request body no longer accepts properties it does not list"),
    ("body-media-type-added", lambda s: _paths(s)["/items"]["post"]["requestBody"]["content"].__setitem__(
        "application/x-www-form-urlencoded", {"schema": NEW_ITEM}), "minor", "items.create",
     "request media type application/x-www-form-urlencoded added"),
    ("body-removed", lambda s: _paths(s)["/items"]["post"].pop("requestBody"), "breaking", "items.create",
     "request body removed"),
    ("enum-added", lambda s: _body(s)["properties"]["code"].__setitem__("enum", ["A"]), "breaking", "items.create",
     'keyword `code` now limited to ["A"]'),
    ("enum-removed", lambda s: _list_params(s)[1]["schema"].pop("enum"), "minor", "items.list",
     "parameter `status` no longer limited to a list of values"),
    ("keyword-renamed", lambda s: _list_params(s).insert(0, {"name": "Limit", "in": "header", "schema": {"type": "string"}}),
     "breaking", "items.list", "keyword `limit` renamed `query_limit`"),
    ("parameter-deprecated", lambda s: _list_params(s)[0].__setitem__("deprecated", True), "minor", "items.list",
     "parameter `limit` deprecated"),
    ("parameter-doc-changed", lambda s: _list_params(s)[0].__setitem__("description", "Page size."), "patch",
     "items.list", "parameter `limit`: description changed (documentation only)"),
    ("parameter-serialization-changed", lambda s: _list_params(s)[1].__setitem__("explode", False), "breaking",
     "items.list", "parameter `status`: explode changed None -> False (sent differently)"),
    ("response-doc-changed", lambda s: _retrieve(s)["responses"]["200"].__setitem__("description", "The item."),
     "patch", "items.retrieve", "response 200: description changed (documentation only)"),
    ("response-header-added", lambda s: _retrieve(s)["responses"]["200"].__setitem__(
        "headers", {"X-Rate": {"schema": {"type": "integer"}}}), "minor", "items.retrieve",
     "response 200: header x-rate added"),
    ("response-media-type-added", lambda s: _retrieve(s)["responses"]["200"]["content"].__setitem__(
        "application/xml", {"schema": {"$ref": "#/components/schemas/Item"}}), "minor", "items.retrieve",
     "response 200: media type application/xml added"),
    ("response-status-added", lambda s: _retrieve(s)["responses"].__setitem__("404", {"description": "none"}),
     "minor", "items.retrieve", "response status 404 added"),
    ("return-type-changed", lambda s: _retrieve(s)["responses"]["200"]["content"]["application/json"].__setitem__(
        "schema", {"type": "string"}), "breaking", "items.retrieve", "returns `str` instead of `Item`"),
    ("schema-deprecated", lambda s: _item(s)["properties"]["note"].__setitem__("deprecated", True), "minor",
     "Item.note", "deprecated"),
    ("server-added", lambda s: s["servers"].append({"url": "https://eu.example.com/v1"}), "minor", "client",
     "server https://eu.example.com/v1 added"),
]  # fmt: skip

UNION = {"oneOf": [{"type": "string"}, {"type": "integer"}]}

# Rules that need the OLD side edited too: (rule, edit of OLD, edit of NEW, level, subject, message fragment)
PAIR_RULES: list[tuple[str, Callable[[dict[str, Any]], Any], Callable[[dict[str, Any]], Any], str, str, str]] = [
    ("parameter-made-optional", lambda s: _list_params(s)[0].__setitem__("required", True), lambda s: None,
     "minor", "items.list", "parameter `limit` is now optional"),
    ("response-header-removed", lambda s: _retrieve(s)["responses"]["200"].__setitem__(
        "headers", {"X-Rate": {"schema": {"type": "integer"}}}), lambda s: None, "possibly breaking",
     "items.retrieve", "response 200: header x-rate removed"),
    ("server-removed", lambda s: s["servers"].append({"url": "https://eu.example.com/v1"}), lambda s: None,
     "breaking", "client", "server https://eu.example.com/v1 removed"),
    ("union-member-removed", lambda s: _body(s)["properties"].__setitem__("code", copy.deepcopy(UNION)),
     lambda s: _body(s)["properties"].__setitem__("code", {"oneOf": [{"type": "string"}]}), "breaking",
     "items.create", "keyword `code` no longer accepts the oneOf member #2 (integer)"),
    ("union-member-added", lambda s: _body(s)["properties"].__setitem__("code", {"oneOf": [{"type": "string"}]}),
     lambda s: _body(s)["properties"].__setitem__("code", copy.deepcopy(UNION)), "minor", "items.create",
     "keyword `code` oneOf member #2 (integer) added"),
]  # fmt: skip


def _write(path: Path, spec: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def _diff(
    tmp_path: Path, edit: Callable[[dict[str, Any]], Any], edit_old: Callable[[dict[str, Any]], Any] | None = None
) -> list[tuple[str, str, str, str]]:
    old, new = copy.deepcopy(BASE), copy.deepcopy(BASE)
    if edit_old is not None:
        edit_old(old)
        edit_old(new)  # both sides share it; `edit` then changes the new side
    edit(new)
    old_file = _write(tmp_path / "old" / "shop.yaml", old)
    new_file = _write(tmp_path / "new" / "shop.yaml", new)
    result = pipeline.diff(str(old_file), str(new_file))
    return [(c.rule, c.level.value, c.subject, c.message) for c in result.changes]


@pytest.mark.parametrize(("rule", "edit", "level", "subject", "message"), RULES,
                         ids=[f"{r[0]}-{i}" for i, r in enumerate(RULES)])  # fmt: skip
def test_each_rule_is_found_and_classified(
    tmp_path: Path, rule: str, edit: Callable[[dict[str, Any]], Any], level: str, subject: str, message: str
) -> None:
    changes = _diff(tmp_path, edit)
    assert (rule, level, subject, message) in changes, changes


@pytest.mark.parametrize(("rule", "edit_old", "edit_new", "level", "subject", "message"), PAIR_RULES,
                         ids=[r[0] for r in PAIR_RULES])  # fmt: skip
def test_rules_that_need_the_old_side_edited(
    tmp_path: Path, rule: str, edit_old: Callable[[dict[str, Any]], Any], edit_new: Callable[[dict[str, Any]], Any],
    level: str, subject: str, message: str,
) -> None:  # fmt: skip
    old, new = copy.deepcopy(BASE), copy.deepcopy(BASE)
    edit_old(old)
    edit_new(new)
    old_file = _write(tmp_path / "old" / "shop.yaml", old)
    new_file = _write(tmp_path / "new" / "shop.yaml", new)
    changes = [(c.rule, c.level.value, c.subject, c.message) for c in pipeline.diff(str(old_file), str(new_file)).changes]
    assert (rule, level, subject, message) in changes, changes


def test_identical_specs_and_a_schema_moved_into_components_have_no_changes(tmp_path: Path) -> None:
    assert _diff(tmp_path, lambda spec: None) == []
    assert _diff(tmp_path, _move_body_into_components) == []


def test_union_members_sharing_a_title_are_paired_by_occurrence(tmp_path: Path) -> None:
    """Three members titled `array` (openai's embeddings input): unchanged, no change is found; a change to the
    third is reported at the third, not as changes of every member against the first."""
    tokens = {"oneOf": [
        {"type": "string", "title": "string"},
        {"type": "array", "title": "array", "items": {"type": "string"}},
        {"type": "array", "title": "array", "items": {"type": "integer"}},
        {"type": "array", "title": "array", "items": {"type": "array", "items": {"type": "integer"}}},
    ]}  # fmt: skip

    def shared(spec: dict[str, Any]) -> None:
        _body(spec)["properties"]["input"] = copy.deepcopy(tokens)

    assert _diff(tmp_path / "same", lambda spec: None, shared) == []
    changes = _diff(tmp_path / "edited", lambda spec: _body(spec)["properties"]["input"]["oneOf"][3].__setitem__(
        "maxItems", 8), shared)  # fmt: skip
    assert [(rule, subject) for rule, _, subject, _ in changes] == [("constraint-tightened", "items.create")], changes
    assert changes[0][3] == "keyword `input` maxItems tightened: (none) -> 8", changes


def test_a_recursive_request_schema_is_compared_once_around_its_cycle(tmp_path: Path) -> None:
    """A body whose property holds more of itself (a comment's replies): walking it again at each level would
    never end (it ended in a RecursionError); a change inside is reported once, where the cycle begins."""

    def recursive(spec: dict[str, Any]) -> None:
        spec["components"]["schemas"]["Comment"] = {"type": "object", "properties": {
            "text": {"type": "string", "maxLength": 100},
            "replies": {"type": "array", "items": {"$ref": "#/components/schemas/Comment"}},
        }}  # fmt: skip
        _body(spec)["properties"]["comment"] = {"$ref": "#/components/schemas/Comment"}

    assert _diff(tmp_path / "same", lambda spec: None, recursive) == []
    changes = _diff(tmp_path / "edited", lambda spec: spec["components"]["schemas"]["Comment"]["properties"][
        "text"].__setitem__("maxLength", 50), recursive)  # fmt: skip
    assert changes == [("constraint-tightened", "breaking", "items.create",
                        "keyword `comment.text` maxLength tightened: 100 -> 50")]  # fmt: skip


def test_each_change_is_listed_once_and_breaking_first(tmp_path: Path) -> None:
    def edit(spec: dict[str, Any]) -> None:
        _item(spec)["properties"].pop("note")  # Item is returned by three methods: still one change
        _item(spec)["properties"]["name"]["description"] = "Renamed."
        _list_params(spec).append({"name": "q", "in": "query", "schema": {"type": "string"}})

    changes = _diff(tmp_path, edit)
    assert [c[1] for c in changes] == ["breaking", "minor", "patch"]
    assert changes[0][2:] == ("Item.note", "removed")


def test_method_renamed_by_config_is_breaking(tmp_path: Path) -> None:
    old_file = _write(tmp_path / "old" / "shop.yaml", BASE)
    new_file = _write(tmp_path / "new" / "shop.yaml", BASE)
    (new_file.parent / "shop.config.yaml").write_text('method_names:\n  "DELETE /items/{id}": remove\n', encoding="utf-8")
    changes = pipeline.diff(str(old_file), str(new_file)).changes
    assert [(c.rule, c.level.value, c.subject, c.message) for c in changes] == [
        ("method-renamed", "breaking", "items.delete", "method renamed to `items.remove`")
    ]


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], check=False, capture_output=True, text=True,
                          cwd=cwd, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})  # fmt: skip


def test_cli_formats_and_fail_on(tmp_path: Path) -> None:
    new = copy.deepcopy(BASE)
    _item(new)["properties"].pop("note")
    _list_params(new).append({"name": "q", "in": "query", "schema": {"type": "string"}})
    old_file = str(_write(tmp_path / "old.yaml", BASE))
    new_file = str(_write(tmp_path / "new.yaml", new))

    text = _cli("diff", old_file, new_file)
    assert text.returncode == 0, text.stderr
    assert "2 changes: 1 breaking, 1 minor; version bump: minor" in text.stdout
    assert "Item.note: removed (breaking)\n      at old /components/schemas/Item/properties/note" in text.stdout

    as_json = json.loads(_cli("diff", old_file, new_file, "--json").stdout)
    assert as_json["bump"] == "minor" and as_json["highest"] == "breaking"
    assert as_json["counts"] == {"breaking": 1, "possibly breaking": 0, "minor": 1, "patch": 0}
    assert as_json["changes"][1] == {"level": "minor", "rule": "parameter-added-optional", "subject": "items.list",
                                     "message": "new optional keyword `q` (query)", "side": "new",
                                     "location": "/paths/~1items/get/parameters/2"}  # fmt: skip

    markdown = _cli("diff", old_file, new_file, "--markdown").stdout
    assert "#### Breaking changes (1)\n\n- `Item.note`: removed" in markdown

    failing = _cli("diff", old_file, new_file, "--fail-on", "breaking")
    assert failing.returncode == 1 and "--fail-on breaking" in failing.stderr
    assert _cli("diff", old_file, old_file, "--fail-on", "breaking").returncode == 0


def test_cli_reads_git_history_and_reports_bad_references(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    spec = _write(repo / "specs" / "shop.yaml", BASE)

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)

    git("init", "-q")
    git("-c", "user.email=t@example.com", "-c", "user.name=t", "add", ".")
    git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "v1")
    changed = copy.deepcopy(BASE)
    _paths(changed)["/items/{id}"].pop("delete")
    _write(spec, changed)

    done = _cli("diff", "HEAD:specs/shop.yaml", "specs/shop.yaml", cwd=repo)
    assert done.returncode == 0, done.stderr
    assert "items.delete: method removed (DELETE /items/{id}: operation removed) (breaking)" in done.stdout
    assert (repo / "specs" / "shop.yaml").read_text() == yaml.safe_dump(changed, sort_keys=False)  # untouched

    missing = _cli("diff", "HEAD:specs/nope.yaml", "specs/shop.yaml", cwd=repo)
    assert missing.returncode == 2 and "specs/nope.yaml does not exist at HEAD" in missing.stderr
    bad_ref = _cli("diff", "no-such-branch:specs/shop.yaml", "specs/shop.yaml", cwd=repo)
    assert bad_ref.returncode == 2 and "no commit named 'no-such-branch'" in bad_ref.stderr
    assert "Traceback" not in missing.stderr + bad_ref.stderr


# --- real histories: consecutive published versions, checked against a reading of the two files --------

# (folder, older file prefix) -> the changes, as verified by reading `diff OLD NEW` of the YAML files.
HISTORY_EXPECTED: dict[tuple[str, str], list[tuple[str, str, str]]] = {
    # Email.bounce (an object of message/type/subType/diagnosticCode) was removed from the schema.
    ("resend", "01"): [("breaking", "Email.bounce", "removed")],
    # 04 -> 05 added two properties to ListDomainsItem.
    ("resend", "04"): [("minor", "ListDomainsItem.click_tracking", "added"),
                       ("minor", "ListDomainsItem.open_tracking", "added")],
    # only operationIds were added; our method names do not change (CRUD verbs and path-derived names)
    ("resend", "05"): [],
    ("resend", "06"): [("minor", "automations.duplicate", "new method (POST /automations/{automation_id}/duplicate)")],
    ("resend", "07"): [("minor", "api_keys.update", "new method (PATCH /api-keys/{api_key_id})")],
    ("resend", "08"): [("minor", "emails.share", "new method (POST /emails/{email_id}/share)")],
    ("resend", "09"): [("minor", "broadcasts.recipients.list", "new method (GET /broadcasts/{id}/recipients)")],
    ("resend", "10"): [("minor", "broadcasts.clicked_links.list", "new method (GET /broadcasts/{id}/clicked-links)")],
    ("resend", "11"): [("minor", "emails.metrics.list", "new method (GET /emails/metrics)")],
    # only `x-twilio.mountName` changed: an extension the SDK does not read
    ("twilio-verify-v2", "01"): [],
    # a description was added to the risk_check enum schema, used by the verifications.create body
    ("twilio-verify-v2", "02"): [("patch", "services.verifications.create",
                                  "keyword `risk_check` description changed (documentation only)")],
    # only a top-level `x-twilio` extension was added
    ("twilio-verify-v2", "03"): [],
    ("twilio-verify-v2", "04"): [
        ("minor", "services.verifications.create", "keyword `custom_message` deprecated"),
        ("patch", "services.verifications.create", "keyword `custom_message` description changed (documentation only)"),
    ],
    # a description changed; `options` moved within two response objects (same properties: no change)
    ("twilio-verify-v2", "05"): [("patch", "services.verifications.create",
                                  "keyword `tags` description changed (documentation only)")],
}  # fmt: skip


def _pair(folder: str, prefix: str) -> tuple[Path, Path]:
    files = sorted((HISTORY / folder).glob("*.yaml"))
    index = next(i for i, f in enumerate(files) if f.name.startswith(prefix + "-"))
    return files[index], files[index + 1]


@pytest.mark.parametrize(("folder", "prefix"), sorted(HISTORY_EXPECTED))
def test_real_history_pairs(folder: str, prefix: str) -> None:
    old, new = _pair(folder, prefix)
    changes = pipeline.diff(str(old), str(new)).changes
    assert [(c.level.value, c.subject, c.message) for c in changes] == HISTORY_EXPECTED[(folder, prefix)]


def test_real_history_format_removed_from_42_response_timestamps() -> None:
    """resend 02 -> 03 dropped `format: date-time` from 42 timestamp properties (counted in the YAML diff):
    the fields turn from `datetime` into `str`, which breaks code that uses them as datetimes. Two of those
    properties belong to ContactImport, which GetContactImportResponseSuccess also holds through `allOf`:
    two SDK classes change there, so 44 changes at 42 places."""
    old, new = _pair("resend", "02")
    changes = pipeline.diff(str(old), str(new)).changes
    assert len(changes) == 44 and len({c.location for c in changes}) == 42
    assert {c.subject for c in changes if c.location.startswith("/components/schemas/ContactImport/")} == {
        # named as users import them: both classes live in `types/contacts/`
        "contacts.ContactImport.completed_at", "contacts.ContactImport.created_at",
        "contacts.GetContactImportResponseSuccess.completed_at", "contacts.GetContactImportResponseSuccess.created_at",
    }  # fmt: skip
    assert {(c.level.value, c.rule) for c in changes} == {("breaking", "format-changed")}
    assert {c.message for c in changes} == {"changed type datetime -> str (format changed date-time -> (none))"}
    assert ("ApiKey.created_at", "/components/schemas/ApiKey/properties/created_at") in {
        (c.subject, c.location) for c in changes
    }


def test_real_history_new_method() -> None:
    old, new = _pair("resend", "03")
    changes = pipeline.diff(str(old), str(new)).changes
    assert [(c.level.value, c.subject, c.message) for c in changes] == [
        ("minor", "broadcasts.cancel", "new method (POST /broadcasts/{id}/cancel)")
    ]


def test_request_body_made_required(tmp_path: Path) -> None:
    old = copy.deepcopy(BASE)
    _paths(old)["/items"]["post"]["requestBody"]["required"] = False
    old_file = _write(tmp_path / "old" / "shop.yaml", old)
    new_file = _write(tmp_path / "new" / "shop.yaml", BASE)
    changes = pipeline.diff(str(old_file), str(new_file)).changes
    assert [(c.rule, c.level.value, c.subject, c.message) for c in changes] == [
        ("body-made-required", "breaking", "items.create", "request body is now required")
    ]


def _rename_item(spec: dict[str, Any]) -> None:
    """`Item` becomes `Article`, every reference with it: the same schema under a new component name."""
    text = json.dumps(spec).replace('"#/components/schemas/Item"', '"#/components/schemas/Article"')
    spec.clear()
    spec.update(json.loads(text))
    spec["components"]["schemas"]["Article"] = spec["components"]["schemas"].pop("Item")


def test_a_renamed_type_of_the_same_shape_names_the_config_line_that_keeps_its_name(tmp_path: Path) -> None:
    changes = _diff(tmp_path, _rename_item)
    renamed = [c for c in changes if c[0] == "return-type-changed"]
    assert {c[2] for c in renamed} == {"items.create", "items.retrieve"}
    hint = '; the same shape: `type_names: {"#/components/schemas/Article": Item}` in the config keeps the name `Item`'
    assert all(c[3] == "return type renamed `Item` -> `Article`" + hint for c in renamed)
    # With that line in the new side's config, nothing a user imports is renamed.
    new = copy.deepcopy(BASE)
    _rename_item(new)
    old_file, new_file = _write(tmp_path / "o" / "shop.yaml", BASE), _write(tmp_path / "n" / "shop.yaml", new)
    (new_file.parent / "shop.config.yaml").write_text('type_names:\n  "#/components/schemas/Article": Item\n', "utf-8")
    assert pipeline.diff(str(old_file), str(new_file)).changes == []


def test_the_suggested_type_names_line_works_in_one_config_for_both_versions(tmp_path: Path) -> None:
    """diff, copy the line it suggests into a config, diff again with `-c`: the rename is nothing for users.
    The pin points at the new version's component, which the old one does not have; a pin neither has is an error."""
    new = copy.deepcopy(BASE)
    _rename_item(new)
    old_file, new_file = str(_write(tmp_path / "old.yaml", BASE)), str(_write(tmp_path / "new.yaml", new))
    first = _cli("diff", old_file, new_file)
    assert first.returncode == 0, first.stderr
    suggested = re.search(r"`type_names: \{(.+?): (\w+)\}`", first.stdout)
    assert suggested is not None, first.stdout
    config = tmp_path / "sdk.config.yaml"
    config.write_text(f"type_names:\n  {suggested[1]}: {suggested[2]}\n", "utf-8")
    again = _cli("diff", old_file, new_file, "-c", str(config))
    assert again.returncode == 0, again.stderr
    assert again.stdout.rstrip().endswith(": no changes"), again.stdout
    config.write_text('type_names:\n  "#/components/schemas/Nowhere": Item\n', "utf-8")
    typo = _cli("diff", old_file, new_file, "-c", str(config))
    assert typo.returncode == 2 and "type_names #/components/schemas/Nowhere" in typo.stderr, typo.stderr


def test_a_renamed_type_whose_shape_changed_gets_no_config_hint(tmp_path: Path) -> None:
    def rename_and_change(spec: dict[str, Any]) -> None:
        _rename_item(spec)
        spec["components"]["schemas"]["Article"]["properties"]["extra"] = {"type": "string"}

    renamed = [c for c in _diff(tmp_path, rename_and_change) if c[0] == "return-type-changed"]
    assert renamed and all(c[3] == "return type renamed `Item` -> `Article`" for c in renamed)
