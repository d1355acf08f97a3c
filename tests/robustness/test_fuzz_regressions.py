"""Bugs the property-based tests (tests/robustness/test_fuzz.py) found, each kept as a plain, fast test.

Every document here also runs through the full property check (`check_document`): generate twice,
compile, import, round trip.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from generator import pipeline
from generator.targets.python.pysource import docstring_text
from tests.conftest import LocalServer
from tests.robustness.test_fuzz import check_document, local_server  # noqa: F401 - fixture
from tests.support.documents import spec_document
from tests.support.hostile_specs import Drawn


def pets(title: str = "Pets", version: str = "1", **schema: Any) -> dict[str, Any]:
    response: dict[str, Any] = {"description": "ok"}
    if schema:
        response["content"] = {"application/json": {"schema": schema}}
    paths = {"/pets": {"get": {"responses": {"200": response}}}}
    return spec_document({"paths": paths}, title=title, version=version, server=None)


def generate(tmp_path: Path, document: dict[str, Any]) -> Path:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(document), encoding="utf-8")  # ASCII: a lone surrogate is written \\udXXX
    pipeline.generate(pipeline.Options(spec=spec, output=tmp_path / "out"))
    return tmp_path / "out"


# 1. A lone surrogate in the title: CPython cannot create a class whose docstring holds one (it encodes
#    `__doc__` as UTF-8), so importing the client failed; and TOML has no escape for it, so
#    pyproject.toml was unreadable.
LONE_SURROGATE = pets(title="Pets \udfff", version="1\ud800")


def test_lone_surrogate_in_a_class_docstring_is_shown_as_text(tmp_path: Path) -> None:
    out = generate(tmp_path, LONE_SURROGATE)
    done = subprocess.run([sys.executable, "-c", "import pets; print(pets.Pets.__doc__)"], cwd=out / "src",
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Client for the Pets \\udfff.\n"
    assert docstring_text("a\ud800b") == "a\\\\ud800b"


def test_lone_surrogate_never_reaches_pyproject_toml(tmp_path: Path) -> None:
    out = generate(tmp_path, LONE_SURROGATE)
    project = tomllib.loads((out / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["description"] == "The official Python library for the Pets \ufffd"


# 2. A character outside the Basic Multilingual Plane (or DEL) in the title: pyproject.toml was written with
#    JSON's escapes, a surrogate pair (`\udb12\udfb4`) that TOML refuses.
ASTRAL_TITLE = pets(title="foo_2dateä\U000d4bb4: \x7f \U0001f600 \"\\")


def test_any_title_makes_a_readable_pyproject_toml(tmp_path: Path) -> None:
    out = generate(tmp_path, ASTRAL_TITLE)
    project = tomllib.loads((out / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["description"] == "The official Python library for the " + ASTRAL_TITLE["info"]["title"]


@pytest.mark.parametrize("document", [LONE_SURROGATE, ASTRAL_TITLE], ids=["lone-surrogate", "astral-title"])
def test_found_documents_pass_the_property(document: dict[str, Any], local_server: LocalServer) -> None:  # noqa: F811
    check_document(Drawn(document, "json", ("/pets", "get")), local_server)


# 3. A response property whose name holds a lone surrogate: pydantic-core cannot build an alias from it, so
#    importing the client failed. No UTF-8 JSON from a server can carry such a key: refused, with its place.
def test_lone_surrogate_in_a_response_property_name_is_refused_clearly(tmp_path: Path) -> None:
    document = pets(type="object", properties={"na\udfffme": {"type": "string"}})
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(document), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "generator", "generate", str(spec), "-o", str(tmp_path / "out")],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "holds a lone surrogate; no response can contain such a key" in done.stderr
    assert "/paths/~1pets/get/responses/200/content/application~1json/schema/properties/na" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "out").exists()


# 4. A query parameter, or a property of an object query parameter (its keys become query names), whose name holds
#    a lone surrogate: every call failed in httpx, which encodes the URL as UTF-8. Refused, with its place.
@pytest.mark.parametrize(
    ("parameter", "pointer"),
    [
        ({"name": "q\udfff", "in": "query", "schema": {"type": "string"}}, "/parameters/0/name"),
        (
            {"name": "filter", "in": "query", "schema": {"type": "object", "properties": {"a\udfffb": {}}}},
            "/parameters/0/schema/properties/a",
        ),
    ],
    ids=["name", "object-property"],
)
def test_lone_surrogate_in_a_query_name_is_refused_clearly(tmp_path: Path, parameter: dict[str, Any], pointer: str) -> None:
    document = pets()
    document["paths"]["/pets"]["get"]["parameters"] = [parameter]
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(document), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "generator", "generate", str(spec), "-o", str(tmp_path / "out")],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "holds a lone surrogate; no request can carry it" in done.stderr
    assert f"/paths/~1pets/get{pointer}" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "out").exists()
