"""`$ref`s never make the generator read what the spec's author should not reach: URLs, files outside the
spec's folder (by `..`, an absolute path or a symlink), devices. Each is refused with its place, exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _spec_with_ref(ref: str) -> str:
    return f"""\
openapi: 3.1.0
info: {{title: Refs, version: "1"}}
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
"""


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
