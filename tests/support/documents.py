"""The one way tests build a spec: a fragment (paths, components, webhooks...) under a standard header.

A test says only what it is about -- the paths and schemas -- and the header (`openapi`, `info`, `servers`) is
filled in here, once. A fragment is a dict or YAML text; any header key it sets itself is kept, so a test about
`info` or about OpenAPI 3.0 says so in its fragment (or with `openapi=`/`title=`). Whole documents shared by
several test files, or too long to read inline, are files under tests/specs/ (`shared_spec("pets.yaml")`).

    document = spec_document({"paths": {"/pets": {...}}})              # a dict, header filled in
    path = write_spec(tmp_path, "paths:\\n  /pets: ...", title="Pets")  # a file (YAML text kept line for line)

The `generate_package` fixture (tests/conftest.py) goes one step further: fragment -> generated, imported package.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

SPECS = Path(__file__).resolve().parent.parent / "specs"

# The header every test spec gets unless its fragment says otherwise (title "Test API": client class `TestApi`).
OPENAPI = "3.1.0"
TITLE = "Test API"
VERSION = "1.0.0"
SERVER = "https://api.example.com/v1"

Fragment = dict[str, Any] | str
HEADER_KEYS = ("openapi", "title", "version", "server")  # the keyword arguments that change the header


def header(
    *, openapi: str = OPENAPI, title: str = TITLE, version: str = VERSION, server: str | None = SERVER
) -> dict[str, Any]:
    """The standard `openapi`, `info` and `servers` keys (`server=None`: no `servers`)."""
    head: dict[str, Any] = {"openapi": openapi, "info": {"title": title, "version": version}}
    if server is not None:
        head["servers"] = [{"url": server}]
    return head


def spec_document(fragment: dict[str, Any], **head: Any) -> dict[str, Any]:
    """`fragment` with the header keys it does not set itself (header first, as a spec is written)."""
    return {**{key: value for key, value in header(**head).items() if key not in fragment}, **fragment}


def spec_text(fragment: Fragment, **head: Any) -> str:
    """The spec as YAML text. Text keeps its own lines (the header goes above them), so the line numbers a test
    expects in a message are the fragment's own plus the header's; a dict is dumped in its own key order."""
    if isinstance(fragment, dict):
        return yaml.safe_dump(spec_document(fragment, **head), sort_keys=False, allow_unicode=True)
    present = yaml.safe_load(fragment) or {}
    missing = {key: value for key, value in header(**head).items() if key not in present}
    if not missing:
        return fragment
    return yaml.safe_dump(missing, sort_keys=False, allow_unicode=True) + fragment


def write_spec(folder: Path, fragment: Fragment, name: str = "openapi.yaml", **head: Any) -> Path:
    """Write the spec to `folder/name` (`.json`: as JSON) and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if path.suffix == ".json":
        document = spec_document(fragment if isinstance(fragment, dict) else yaml.safe_load(fragment), **head)
        path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    else:
        path.write_text(spec_text(fragment, **head), encoding="utf-8")
    return path


def shared_spec(name: str) -> str:
    """The text of a shared spec file, tests/specs/`name`."""
    return (SPECS / name).read_text(encoding="utf-8")
