"""`python -m generator release` on a copy of the Conductor project: versions, changelog, build, install."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SOURCE_DATE_EPOCH": "1800000000"}  # 2027-01-15
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, cwd=project,
                          env=env, check=False)  # fmt: skip


def _project(tmp_path: Path) -> Path:
    """The Conductor spec, config and generated client, as a user's repository holds them."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "specs", project / "specs", ignore=shutil.ignore_patterns("released"))
    # Not __pycache__: tests running in parallel write bytecode there (atomically, but a file listed by the copy
    # may be renamed away before it is read); a clone has none.
    shutil.copytree(ROOT / "generated", project / "generated", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.rmtree(project / "specs" / "released", ignore_errors=True)
    (project / "generated" / "CHANGELOG.md").unlink(missing_ok=True)
    return project


def _edit_spec(project: Path, edit: object) -> None:
    path = project / "specs" / "conductor.yaml"
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(spec)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")


def _add_retrieve(spec: dict[str, object]) -> None:
    item = spec["paths"]["/end-users/{id}"]  # type: ignore[index]
    item["get"] = {**item["delete"], "operationId": "retrieveEndUser", "summary": "Retrieve an end-user"}


def test_first_release_then_a_minor_release_is_built_checked_installed_and_recorded(tmp_path: Path) -> None:
    project = _project(tmp_path)

    first = _cli(project, "release")
    assert first.returncode == 0, first.stderr
    assert "first release" in first.stdout and "version 0.1.0" in first.stdout
    assert (project / "specs" / "released" / "conductor.yaml").read_bytes() == (ROOT / "specs" / "conductor.yaml").read_bytes()
    assert (project / "dist" / "conductor_py-0.1.0-py3-none-any.whl").is_file()
    assert (project / "dist" / "conductor_py-0.1.0.tar.gz").is_file()
    assert (project / "generated" / "CHANGELOG.md").read_text() == (
        "# Changelog\n\n## 0.1.0 (2027-01-15)\n\nFirst release, generated from `conductor.yaml`.\n"
    )

    _edit_spec(project, _add_retrieve)
    second = _cli(project, "release")
    assert second.returncode == 0, second.stderr
    # what each step did, in order
    assert "1 changes: 1 minor; version bump: minor" in second.stdout
    assert "version 0.1.0 -> 0.2.0 (minor)" in second.stdout
    assert "built and checked: conductor_py-0.2.0-py3-none-any.whl, conductor_py-0.2.0.tar.gz" in second.stdout
    assert "end_users.retrieve(...) sent GET /end-users/end_usr_" in second.stdout
    assert "(User-Agent conductor/Python 0.2.0) to a local server and parsed the answer" in second.stdout
    # the config, the generated project, the changelog and the snapshot all say 0.2.0
    assert "version: 0.2.0\n" in (project / "specs" / "conductor.config.yaml").read_text()
    assert '__version__ = "0.2.0"' in (project / "generated" / "src" / "conductor" / "_version.py").read_text()
    assert 'version = "0.2.0"' in (project / "generated" / "pyproject.toml").read_text()
    assert "version: 0.2.0" in (project / "specs" / "released" / "conductor.config.yaml").read_text()
    changelog = (project / "generated" / "CHANGELOG.md").read_text()
    assert changelog.startswith(
        "# Changelog\n\n## 0.2.0 (2027-01-15)\n\nChanges to `conductor.yaml` since 0.1.0, in terms of this SDK:\n\n"
        "### Additions (minor)\n\n- `end_users.retrieve`: new method (GET /end-users/{id})\n"
    )
    assert changelog.endswith("## 0.1.0 (2027-01-15)\n\nFirst release, generated from `conductor.yaml`.\n")
    with zipfile.ZipFile(project / "dist" / "conductor_py-0.2.0-py3-none-any.whl") as wheel:
        assert "def retrieve(" in wheel.read("conductor/resources/end_users.py").decode()
    # the committed output is what `check` expects, and a release with no spec change does nothing
    assert _cli(project, "check").returncode == 0
    again = _cli(project, "release")
    assert again.returncode == 0 and "nothing to release: the spec has not changed since version 0.2.0" in again.stdout


def _remove_deleted(spec: dict[str, object]) -> None:
    response = spec["paths"]["/end-users/{id}"]["delete"]["responses"]["200"]  # type: ignore[index]
    schema = response["content"]["application/json"]["schema"]
    schema["properties"].pop("deleted")
    schema["required"].remove("deleted")


def test_dry_run_of_a_breaking_change_writes_nothing(tmp_path: Path) -> None:
    project = _project(tmp_path)
    released = project / "specs" / "released"
    released.mkdir()
    shutil.copy(project / "specs" / "conductor.yaml", released / "conductor.yaml")
    shutil.copy(project / "specs" / "conductor.config.yaml", released / "conductor.config.yaml")
    _edit_spec(project, _remove_deleted)
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}

    done = _cli(project, "release", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "version 0.1.0 -> 0.2.0 (minor)" in done.stdout  # breaking below 1.0 bumps the minor number
    assert "- `EndUserDeleteResponse.deleted`: removed" in done.stdout
    assert "dry run: nothing written" in done.stdout
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before


def test_release_without_a_config_says_where_the_version_goes(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "specs" / "conductor.config.yaml").unlink()
    done = _cli(project, "release")
    assert done.returncode == 2
    assert "create conductor.config.yaml beside the spec" in done.stderr and "Traceback" not in done.stderr
