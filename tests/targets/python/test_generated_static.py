"""The generated package compiles and passes mypy --strict, pyright and ruff; the committed copy is current."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import main
from tests.conftest import CHECKERS, ROOT, SPEC, run_checker


def test_committed_client_matches_the_spec(capsys: pytest.CaptureFixture[str]) -> None:
    """The spec-drift check CI relies on: generated/ is exactly what specs/ produces."""
    assert main(["check", str(SPEC), "-o", str(ROOT / "generated")]) == 0, capsys.readouterr().out


@pytest.mark.parametrize("checker", sorted(CHECKERS))
def test_generated_package_passes(conductor_project: Path, checker: str) -> None:
    done = run_checker(checker, conductor_project)
    assert done.returncode == 0, done.stdout + done.stderr


def test_inspect_json_is_the_documented_contract(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", str(SPEC), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["format_version"] == 1
    assert (document["package"], document["client_class"], document["async_client_class"]) == (
        "conductor", "Conductor", "AsyncConductor",
    )  # fmt: skip
    (operation,) = document["operations"]
    assert operation["resource"] == ["end_users"]
    assert (operation["method"], operation["http_method"], operation["path"]) == ("delete", "DELETE", "/end-users/{id}")
    (parameter,) = operation["parameters"]
    assert parameter == {
        "name": "id",
        "wire_name": "id",
        "location": "path",
        "required": True,
        "type": "str",
        "schema": {"type": "string", "description": "The ID of the end-user to delete.", "example": "end_usr_1234567abcdefg"},
    }
    assert operation["request_body"] is None
    assert operation["return_type"] == "EndUserDeleteResponse"
    assert operation["response_schema"]["required"] == ["id", "objectType", "deleted"]
    (model,) = document["types"]
    assert model["module"] == "conductor.types.end_user_delete_response"
    assert {"name": "object_type", "wire_name": "objectType", "type": 'Literal["end_user"]', "required": True} in model["fields"]


def test_generated_project_installs_with_pip(tmp_path: Path) -> None:
    """`pip install ./generated` gives an importable, typed `conductor` package (pyproject, hatchling)."""
    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(ROOT / "generated")],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr
    assert (target / "conductor" / "py.typed").is_file()
    program = "import conductor, conductor.types; print(conductor.__file__, conductor.Conductor.__name__)"
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=tmp_path, env={"PYTHONPATH": str(target)},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(str(target / "conductor")) and done.stdout.endswith(" Conductor\n")
