"""The forked validator is third-party code: whatever happens to it (an exception, runaway recursion or
memory, a crash, a kill, a hang) the run ends with one readable problem, "could not validate: ...", exit 2
(a warning with --lenient); never its traceback, never exit 70, never a half-written output folder."""

from __future__ import annotations

import faulthandler
import json
import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from generator import cli, validate
from generator.errors import GeneratorError
from generator.spec.load import load_spec
from tests.support.documents import spec_document

X = {"type": "object", "properties": {"x": {"type": "string"}}}


def _spec(tmp_path: Path, schemas: dict[str, Any] | None = None) -> Path:
    schema = {"$ref": "#/components/schemas/A"}
    document = spec_document({
        "paths": {"/a": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}}}},
        "components": {"schemas": schemas or {"A": X}},
    }, title="Faults", server=None)  # fmt: skip
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(document), encoding="utf-8")
    return spec


def _generate(tmp_path: Path, spec: Path, capsys: pytest.CaptureFixture[str], *options: str) -> tuple[int, str]:
    code = cli.main(["generate", str(spec), "-o", str(tmp_path / "out"), *options])
    return code, capsys.readouterr().err


def _assert_one_clean_error(code: int, stderr: str, tmp_path: Path, message: str) -> None:
    assert code == 2, stderr
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    errors = [line for line in stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and f"could not validate: {message}" in errors[0], stderr
    assert not (tmp_path / "out").exists()


def _problem_of_validating(spec: Path) -> str:
    """What validating `spec` in a forked process (as `generate` does) reports."""
    validation = validate.Validation(load_spec(spec), lenient=False)
    assert validation._process is not None  # forked
    with pytest.raises(GeneratorError) as raised:
        validation.result()
    assert len(raised.value.problems) == 1 and raised.value.exit_code == 2
    problem = raised.value.problems[0]
    assert problem.file == str(spec)
    return problem.message


def test_a_schema_that_makes_the_validator_recurse(tmp_path: Path) -> None:
    # The validator checks a default against its schema by following it: A = allOf[A, ...] never ends.
    spec = _spec(tmp_path, {"A": {"allOf": [{"$ref": "#/components/schemas/A"}, X], "default": {}}})
    message = _problem_of_validating(spec)
    assert message.startswith("could not validate: the validator recursed too deeply"), message


def test_any_exception_in_the_validator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> None:
        raise KeyError("components")

    monkeypatch.setattr(validate, "_iter_errors", broken)  # the forked process inherits it
    message = _problem_of_validating(_spec(tmp_path))
    assert message == "could not validate: the validator failed: KeyError: 'components'"


def _crash(*args: object) -> None:
    faulthandler.disable()  # pytest's fault handler would print the stack; the generator has none
    os.kill(os.getpid(), signal.SIGSEGV)


def test_the_validator_process_crashes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validate, "_problems", _crash)
    message = _problem_of_validating(_spec(tmp_path))
    assert message == "could not validate: the validator process died (SIGSEGV: out of memory, a crash, or killed from outside)"


def test_the_validator_runs_out_of_its_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validate, "VALIDATE_EXTRA_BYTES", 256 * 1024**2)
    monkeypatch.setattr(validate, "_problems", lambda *args: [bytearray(1024**3)])  # more than the cap allows
    assert _problem_of_validating(_spec(tmp_path)) == "could not validate: the validator ran out of memory"


def test_the_validator_killed_from_outside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validate, "_problems", lambda *args: time.sleep(60))
    validation = validate.Validation(load_spec(_spec(tmp_path)), lenient=False)
    assert validation._process is not None and validation._process.pid is not None
    os.kill(validation._process.pid, signal.SIGKILL)
    with pytest.raises(GeneratorError) as raised:
        validation.result()
    assert [p.message for p in raised.value.problems] == [
        "could not validate: the validator process died (SIGKILL: out of memory, a crash, or killed from outside)"
    ]


def test_a_validator_that_hangs_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validate, "VALIDATE_SECONDS", 1)
    monkeypatch.setattr(validate, "_problems", lambda *args: time.sleep(60))
    assert _problem_of_validating(_spec(tmp_path)) == "could not validate: the validator did not finish within 1 s"


def test_lenient_reports_it_as_a_warning_and_goes_on(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validate, "_problems", lambda *args: os.kill(os.getpid(), signal.SIGKILL))
    code, stderr = _generate(tmp_path, _spec(tmp_path), capsys, "--lenient")
    assert code == 0, stderr
    assert "warning: " in stderr and "could not validate: the validator process died (SIGKILL" in stderr
    assert (tmp_path / "out" / "src" / "faults" / "types" / "a.py").is_file()


def test_validating_in_line_is_guarded_too(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validate, "_iter_errors", lambda *args: iter([1]).__next__() and None)  # TypeError
    code = cli.main(["validate", str(_spec(tmp_path))])
    stderr = capsys.readouterr().err
    assert code == 2 and "could not validate: the validator failed: TypeError" in stderr, stderr
    assert "Traceback" not in stderr


def test_a_validator_started_before_loading_reports_as_validating_in_line(tmp_path: Path) -> None:
    """`generate` starts the validator's process before the spec is loaded and sends it the loaded spec: its
    problems are the in-line validator's, each with its YAML line (looked up in this process)."""
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "openapi: 3.1.0\ninfo:\n  title: Lines\n  version: '1'\npaths:\n  /a:\n    get:\n      responses:\n"
        "        '200':\n          description: 7\n",
        encoding="utf-8",
    )
    loaded = load_spec(spec)
    validator = validate.Validator.start()
    assert validator is not None
    try:
        validation = validate.Validation(loaded, lenient=True, validator=validator)
        assert validation._process is validator.process
        problems = validation.result()
    finally:
        validator.close()
    assert problems == validate.validate_spec(loaded, lenient=True)
    assert [problem.line for problem in problems] == [10]


def test_a_validator_not_needed_ends_and_one_that_died_is_replaced_by_a_fork(tmp_path: Path) -> None:
    validator = validate.Validator.start()
    assert validator is not None
    validator.close()  # validation skipped, or the run failed: the process ends
    assert not validator.process.is_alive()
    died = validate.Validator.start()
    assert died is not None
    died.process.kill()
    died.process.join()
    validation = validate.Validation(load_spec(_spec(tmp_path)), lenient=False, validator=died)
    assert validation._process is not None and validation._process is not died.process  # forked afresh
    assert validation.result() == []
