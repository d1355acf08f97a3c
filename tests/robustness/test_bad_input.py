"""The command line on bad input: one readable message, exit code 2, no traceback, output folder untouched.

Also the `check` command (the CI spec-drift check): 0 when up to date, 1 when a generated file changed
or went missing, with the paths listed and, with `--diff`, a unified diff.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import main
from tests.support.documents import shared_spec

SPEC_A = shared_spec("pets_and_owners.yaml")  # two operations in two resources

ROOT = Path(__file__).resolve().parents[2]

# Two operations in two resources; no config, so names are derived from the spec.
VALID_SPEC = SPEC_A

# Line 3 holds a second `:` inside a plain scalar: a YAML syntax error on that line.
INVALID_YAML = """\
openapi: 3.1.0
info:
  title: Pet: API
  version: 1.0.0
paths: {}
"""

# OpenAPI 3.0 requires `responses` on every operation; line 7 is `get:`.
NO_RESPONSES_30 = """\
openapi: 3.0.3
info:
  title: Pet API
  version: 1.0.0
paths:
  /pets:
    get:
      summary: List pets
"""

INFO_NOT_A_MAPPING = """\
openapi: 3.1.0
info: just a string
paths: {}
"""

# Line 14 holds the `$ref`.
UNRESOLVED_REF = """\
openapi: 3.1.0
info:
  title: Pet API
  version: 1.0.0
paths:
  /pets:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Nope'
components:
  schemas:
    Pet:
      type: object
"""
REF_POINTER = "/paths/~1pets/get/responses/200/content/application~1json/schema/$ref"

MISSING_FILE_REF = UNRESOLVED_REF.replace("'#/components/schemas/Nope'", "'schemas/pet.yaml#/Pet'")

SWAGGER_2 = """\
swagger: "2.0"
info:
  title: Pet API
  version: 1.0.0
paths: {}
"""

# `info` appears twice; the second one is on line 5.
DUPLICATE_KEYS = """\
openapi: 3.1.0
info:
  title: Pet API
  version: 1.0.0
info:
  title: Other API
  version: 2.0.0
paths: {}
"""

TWO_BAD_REFS = UNRESOLVED_REF.replace(
    "components:\n", "components:\n  responses:\n    Gone:\n      $ref: '#/components/responses/AlsoNope'\n"
)


# --- helpers -----------------------------------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file's bytes and every folder (value None) under `folder`, by relative path."""
    result: dict[str, bytes | None] = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        result[key] = None if path.is_dir() else path.read_bytes()
    return result


def write_spec(tmp_path: Path, text: str, name: str = "spec.yaml") -> Path:
    spec = tmp_path / "specs" / name
    spec.parent.mkdir(parents=True, exist_ok=True)
    spec.write_text(text, encoding="utf-8")
    return spec


def error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("error:")]


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """VALID_SPEC generated once; tests get a copy of it."""
    root = tmp_path_factory.mktemp("baseline")
    spec = write_spec(root, VALID_SPEC)
    assert main(["generate", str(spec), "-o", str(root / "out")]) == 0
    return root / "out"


@pytest.fixture
def out(baseline: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A populated output folder (a copy of the baseline) in this test's tmp_path."""
    target = tmp_path / "out"
    shutil.copytree(baseline, target)
    capsys.readouterr()
    return target


def run_failing(capsys: pytest.CaptureFixture[str], out: Path, *argv: str, expect_code: int = 2) -> tuple[str, str]:
    """Run `generate ... -o out`, assert it fails cleanly and leaves `out` exactly as it was."""
    before = snapshot(out)
    assert before, "the output folder must be populated before the failing run"
    code = main(["generate", *argv, "-o", str(out)])
    captured = capsys.readouterr()
    assert code == expect_code, captured
    assert "Traceback" not in captured.err and "Traceback" not in captured.out
    assert "internal error" not in captured.err
    assert snapshot(out) == before
    return captured.out, captured.err


# --- bad input to `generate` ---------------------------------------------------------------------------


def test_invalid_yaml_names_file_and_line(tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write_spec(tmp_path, INVALID_YAML)
    _, err = run_failing(capsys, out, str(spec))
    (line,) = error_lines(err)
    assert f"{spec.resolve()}:3" in line
    assert "invalid YAML" in line


def test_missing_responses_on_30_fails_validation_with_pointer_and_line(
    tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = write_spec(tmp_path, NO_RESPONSES_30)
    _, err = run_failing(capsys, out, str(spec))
    (line,) = error_lines(err)
    assert f"{spec.resolve()}:7 at /paths/~1pets/get" in line
    assert "'responses' is a required property" in line


def test_info_of_wrong_type_fails_validation(tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write_spec(tmp_path, INFO_NOT_A_MAPPING)
    _, err = run_failing(capsys, out, str(spec))
    lines = error_lines(err)
    assert lines, err
    assert any(f"{spec.resolve()}:2 at /info:" in line for line in lines), err


def test_lenient_still_refuses_a_document_the_model_cannot_read(
    tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = write_spec(tmp_path, INFO_NOT_A_MAPPING)
    _, err = run_failing(capsys, out, str(spec), "--lenient")
    assert any("at /info: 'info' must be a mapping" in line for line in error_lines(err)), err


def test_unresolvable_local_ref_names_the_ref_location(
    tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = write_spec(tmp_path, UNRESOLVED_REF)
    _, err = run_failing(capsys, out, str(spec))
    (line,) = error_lines(err)
    assert f"{spec.resolve()}:14 at {REF_POINTER}:" in line
    assert "#/components/schemas/Nope" in line


def test_ref_to_missing_file(tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write_spec(tmp_path, MISSING_FILE_REF)
    _, err = run_failing(capsys, out, str(spec))
    (line,) = error_lines(err)
    assert f"{spec.resolve()}:14 at {REF_POINTER}:" in line
    assert "schemas/pet.yaml" in line
    assert "does not exist" in line


def test_every_bad_ref_is_reported_in_one_run(tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write_spec(tmp_path, TWO_BAD_REFS)
    _, err = run_failing(capsys, out, str(spec))
    lines = error_lines(err)
    assert len(lines) == 2, err
    assert any("#/components/schemas/Nope" in line for line in lines)
    assert any("#/components/responses/AlsoNope" in line for line in lines)
    assert "2 errors" in err


def test_missing_spec_file(tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "specs" / "does-not-exist.yaml"
    _, err = run_failing(capsys, out, str(spec))
    (line,) = error_lines(err)
    assert str(spec.resolve()) in line
    assert "not found" in line


def test_unknown_config_key_names_key_and_config_file(
    tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = write_spec(tmp_path, VALID_SPEC)
    config = tmp_path / "my.config.yaml"
    config.write_text("pakage_name: x\n", encoding="utf-8")
    _, err = run_failing(capsys, out, str(spec), "-c", str(config))
    (line,) = error_lines(err)
    assert str(config) in line
    assert "'pakage_name'" in line
    assert "/pakage_name" in line
    assert "package_name" in line  # the known keys are listed, so the typo is easy to spot


# Each value passed the config's checks before (a `$` pattern matches before a final newline; keywords are
# identifiers to the regex) and then crashed the run or generated a client whose every request failed.
@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("version", '"1.0.0\\n"'),
        ("idempotency_header", '"Idempotency-Key\\n"'),
        ("request_id_header", '"X-Request-Id\\n"'),
        ("package_name", '"things\\n"'),
        ("distribution_name", '"things\\n"'),
        ("client_name", '"Things\\n"'),
        ("env", '{api_key: "THINGS_KEY\\n"}'),
        ("resource_names", '{pets: "animals\\n"}'),
        ("package_name", "class"),
        ("package_name", "None"),
        ("client_name", "'True'"),
        ("async_client_name", "__debug__"),
        ("package_name", "aux"),  # a device name on Windows: `src/aux/` cannot be checked out there
    ],
)
def test_config_values_with_a_line_break_or_a_keyword_are_refused(
    tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str], key: str, value: str
) -> None:
    spec = write_spec(tmp_path, VALID_SPEC)
    config = tmp_path / "my.config.yaml"
    config.write_text(f"{key}: {value}\n", encoding="utf-8")
    _, err = run_failing(capsys, out, str(spec), "-c", str(config))
    (line,) = error_lines(err)
    assert line.startswith(f"error: {config} at /{key}"), line


def test_swagger_2_gets_a_clear_message(tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write_spec(tmp_path, SWAGGER_2)
    _, err = run_failing(capsys, out, str(spec))
    (line,) = error_lines(err)
    assert str(spec.resolve()) in line
    assert "Swagger 2.0" in line


def test_duplicate_yaml_keys_are_an_error(tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write_spec(tmp_path, DUPLICATE_KEYS)
    _, err = run_failing(capsys, out, str(spec))
    (line,) = error_lines(err)
    assert f"{spec.resolve()}:5" in line
    assert "duplicate key 'info'" in line


def test_output_path_that_is_a_file_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write_spec(tmp_path, VALID_SPEC)
    target = tmp_path / "out.txt"
    target.write_bytes(b"not a folder")
    code = main(["generate", str(spec), "-o", str(target)])
    captured = capsys.readouterr()
    assert code == 2
    (line,) = error_lines(captured.err)
    assert str(target) in line
    assert "Traceback" not in captured.err
    assert target.read_bytes() == b"not a folder"


def test_lenient_turns_validation_errors_into_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write_spec(tmp_path, NO_RESPONSES_30)
    assert main(["generate", str(spec), "-o", str(tmp_path / "strict")]) == 2
    assert not (tmp_path / "strict").exists()
    capsys.readouterr()

    code = main(["generate", str(spec), "--lenient", "-o", str(tmp_path / "out")])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert error_lines(captured.err) == []
    warnings = [line for line in captured.err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1, captured.err
    assert f"{spec.resolve()}:7 at /paths/~1pets/get" in warnings[0]
    assert "'responses' is a required property" in warnings[0]
    manifest = (tmp_path / "out" / ".generator-manifest").read_text(encoding="utf-8")
    assert any(line.startswith("src/") and "/resources/pets.py" in line for line in manifest.splitlines())


def test_subprocess_bad_input_exits_2_without_traceback(tmp_path: Path, out: Path) -> None:
    spec = write_spec(tmp_path, UNRESOLVED_REF)
    before = snapshot(out)
    done = subprocess.run(
        [sys.executable, "-m", "generator", "generate", str(spec), "-o", str(out)],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.count("error:") == 1
    assert f"{spec.resolve()}:14 at {REF_POINTER}:" in done.stderr
    assert snapshot(out) == before


# --- `check` -------------------------------------------------------------------------------------------


def generate_fresh(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path, Path]:
    """(spec, output folder, package folder) right after a successful generate."""
    spec = write_spec(tmp_path, VALID_SPEC)
    out = tmp_path / "out"
    assert main(["generate", str(spec), "-o", str(out)]) == 0
    capsys.readouterr()
    (package,) = [p for p in (out / "src").iterdir() if p.is_dir()]
    return spec, out, package


def test_check_passes_right_after_generate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec, out, _ = generate_fresh(tmp_path, capsys)
    before = snapshot(out)
    code = main(["check", str(spec), "-o", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.out
    assert "up to date" in captured.out
    assert snapshot(out) == before


def test_check_fails_when_one_byte_of_a_generated_file_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec, out, package = generate_fresh(tmp_path, capsys)
    target = package / "resources" / "pets.py"
    data = bytearray(target.read_bytes())
    middle = len(data) // 2
    data[middle] = ord("#") if data[middle] != ord("#") else ord("!")
    target.write_bytes(bytes(data))
    before = snapshot(out)

    code = main(["check", str(spec), "-o", str(out)])
    captured = capsys.readouterr()
    assert code == 1
    relative = target.relative_to(out).as_posix()
    listed = [line.split() for line in captured.out.splitlines() if line.startswith("  ")]
    assert listed == [["differs", relative]], captured.out
    assert snapshot(out) == before  # check never writes


def test_check_fails_when_a_generated_file_is_deleted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec, out, package = generate_fresh(tmp_path, capsys)
    target = package / "types" / "__init__.py"
    target.unlink()
    code = main(["check", str(spec), "-o", str(out)])
    captured = capsys.readouterr()
    assert code == 1
    listed = [line.split() for line in captured.out.splitlines() if line.startswith("  ")]
    assert listed == [["missing", target.relative_to(out).as_posix()]], captured.out
    assert not target.exists()


def test_check_diff_prints_a_unified_diff(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec, out, package = generate_fresh(tmp_path, capsys)
    target = package / "resources" / "pets.py"
    original = target.read_text(encoding="utf-8")
    target.write_text(original + "EXTRA_LINE = 1\n", encoding="utf-8")
    relative = target.relative_to(out).as_posix()

    code = main(["check", str(spec), "-o", str(out), "--diff"])
    captured = capsys.readouterr()
    assert code == 1
    lines = captured.out.splitlines()
    assert f"--- a/{relative}" in lines
    assert f"+++ b/{relative}" in lines
    assert any(line.startswith("@@ -") for line in lines)
    assert "-EXTRA_LINE = 1" in lines
    assert not any(line.startswith("+") and "EXTRA_LINE" in line for line in lines)

    # Without --diff, only the list of paths.
    assert main(["check", str(spec), "-o", str(out)]) == 1
    assert "--- a/" not in capsys.readouterr().out


def test_yaml_alias_bombs_are_refused_quickly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A few hundred bytes of nested aliases would expand to 10^9 nodes ("billion laughs")."""
    levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        previous, name = chr(96 + i), chr(97 + i)
        levels.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 10)}]")
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("openapi: 3.1.0\ninfo: {title: b, version: '1'}\npaths: {}\n" + "\n".join(levels) + "\n")
    loop = tmp_path / "loop.yaml"
    loop.write_text("openapi: 3.1.0\ninfo: {title: b, version: '1'}\npaths: {}\nx: &a [1, *a]\n")
    assert main(["validate", str(bomb)]) == 2
    assert "more than 5,000,000 nodes" in capsys.readouterr().err
    assert main(["validate", str(loop)]) == 2
    assert "endless tree" in capsys.readouterr().err
