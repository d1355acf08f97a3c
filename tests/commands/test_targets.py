"""Choosing targets: `--target`, the config's `targets`, and `generate`/`check` over every configured target.

Only the Python target is a product target here; the runs over two folders register a tiny target of this
file's own (`echo`, one text file naming each operation) in the registry for the test's duration.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from generator import pipeline, registry
from generator.cli import main
from generator.errors import EXIT_DRIFT, EXIT_OK
from generator.spec.load import load_spec
from generator.targets import Job, OptionsSection, Rendered, Target
from generator.targets.python.naming import PYTHON_NAMING
from generator.validate import Validation
from generator.write import CACHE
from tests.conftest import SPEC
from tests.support.documents import shared_spec


@dataclass(frozen=True)
class EchoOptions:
    greeting: str = "hello"


def parse_echo(section: OptionsSection) -> EchoOptions:
    for key in section.values:
        if key != "greeting":
            section.problem(f"unknown key {key!r}; known keys: greeting", key)
    greeting = section.values.get("greeting", "hello")
    if not isinstance(greeting, str):
        section.problem(f"'greeting' must be a string, got {greeting!r}", "greeting")
        return EchoOptions()
    return EchoOptions(greeting)


def render_echo(job: Job[EchoOptions]) -> Rendered:
    lines = [f"{job.options.greeting} {operation.name}\n" for operation in job.api.operations]
    return Rendered({"operations.txt": "".join(lines)})


ECHO: Target[EchoOptions] = Target("echo", "one line per operation", render_echo, parse_echo, PYTHON_NAMING)


@pytest.fixture
def echo() -> Iterator[None]:
    registry.TARGETS[ECHO.name] = ECHO
    try:
        yield
    finally:
        del registry.TARGETS[ECHO.name]


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    copy = tmp_path / "pets.yaml"
    copy.write_text(shared_spec("pets.yaml"), encoding="utf-8")
    return copy


def write_config(folder: Path, text: str) -> Path:
    config = folder / "pets.config.yaml"
    config.write_text(text, encoding="utf-8")
    return config


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--quiet"] if argv[0] in ("generate", "check") else list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and CACHE not in path.relative_to(folder).parts
    }


# --- the config's `targets`, checked -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pointer", "message"),
    [
        ("targets: [python]", "/targets", "'targets' must be a mapping from a target name to its section"),
        ("targets: {}", "/targets", "'targets' must be a mapping from a target name to its section"),
        ("targets: {nope: {output: out}}", "/targets/nope", "unknown target 'nope'; known targets: echo, mcp, python"),
        ("targets: {python: {}}", "/targets/python", "targets.python.output must be the folder the target writes"),
        ("targets: {python: {output: 3}}", "/targets/python/output", "targets.python.output must be the folder"),
        ("targets: {python: out}", "/targets/python", "targets.python must be a mapping with at least 'output'"),
        (
            "targets: {python: {output: out, style: x}}",
            "/targets/python/style",
            "unknown key 'style': this target takes no options beside 'output'",
        ),
        (
            "targets: {python: {output: out}, echo: {output: out, greeting: 1}}",
            "/targets/echo/output",
            "targets python and echo both write into out: each target needs a folder of its own",
        ),
        (
            "targets: {python: {output: out}, echo: {output: out/echo}}",
            "/targets/echo/output",
            "targets.echo.output out/echo is inside targets.python.output out",
        ),
        ("targets: {echo: {output: out, greeting: 1}}", "/targets/echo/greeting", "'greeting' must be a string"),
    ],
)
def test_bad_targets_are_one_message_naming_the_key(
    echo: None, spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, pointer: str, message: str
) -> None:
    config = write_config(tmp_path, text)
    for command in ("generate", "check"):
        code, _, err = run(capsys, command, str(spec), "-c", str(config))
        assert code == 2
        assert f"error: {config} at {pointer}: {message}" in err, err
        assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_unknown_target_lists_the_known_ones(spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "generate", str(spec), "--target", "cobol", "-o", str(tmp_path / "out"))
    assert (code, out) == (2, "")
    assert err == f"error: unknown target 'cobol'; known targets: {', '.join(sorted(registry.TARGETS))}\n"
    assert {"python", "mcp", "typescript"} <= set(registry.TARGETS)
    assert not (tmp_path / "out").exists()


# --- which targets a run writes, and where ----------------------------------------------------------


def test_target_python_is_the_default_run(spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "generate", str(spec), "-o", str(tmp_path / "default"))[0] == EXIT_OK
    assert run(capsys, "generate", str(spec), "--target", "python", "-o", str(tmp_path / "named"))[0] == EXIT_OK
    default, named = tree(tmp_path / "default"), tree(tmp_path / "named")
    assert "pyproject.toml" in default
    assert named == default  # the manifest too: the same inputs, the same record
    # Each checks against the other's run: `--target python` is the run without it.
    assert run(capsys, "check", str(spec), "--target", "python", "-o", str(tmp_path / "default"))[0] == EXIT_OK
    assert run(capsys, "check", str(spec), "-o", str(tmp_path / "named"))[0] == EXIT_OK


def test_every_configured_target_is_generated_and_checked(
    echo: None, spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, "targets:\n  python: {output: sdk}\n  echo: {output: echo, greeting: hi}\n")
    code, out, _ = run(capsys, "generate", str(spec), "-c", str(config))
    assert code == EXIT_OK
    assert f"-> {tmp_path / 'sdk'} (python):" in out and f"-> {tmp_path / 'echo'} (echo):" in out
    assert (tmp_path / "echo" / "operations.txt").read_text(encoding="utf-8").startswith("hi ")
    assert (tmp_path / "sdk" / "pyproject.toml").is_file()
    assert not (tmp_path / "generated").exists()

    code, out, _ = run(capsys, "check", str(spec), "-c", str(config))
    assert code == EXIT_OK, out
    assert f"{tmp_path / 'sdk'} (python) is up to date" in out and f"{tmp_path / 'echo'} (echo) is up to date" in out

    (tmp_path / "echo" / "operations.txt").write_text("edited\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", str(spec), "-c", str(config))
    assert code == EXIT_DRIFT
    assert f"{tmp_path / 'sdk'} (python) is up to date" in out
    assert f"{tmp_path / 'echo'} (echo) differs from what {spec} generates:\n  differs  operations.txt\n" in out
    assert f"differs: {tmp_path / 'echo'} (echo)\n" in out

    # `--target` checks and writes that one alone
    assert run(capsys, "check", str(spec), "-c", str(config), "--target", "python")[0] == EXIT_OK
    assert run(capsys, "generate", str(spec), "-c", str(config), "--target", "echo")[0] == EXIT_OK
    assert run(capsys, "check", str(spec), "-c", str(config))[0] == EXIT_OK


def test_several_targets_load_and_validate_the_spec_once(
    echo: None, spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """One `generate` or `check` over every configured target loads the spec once and validates it once; each
    target still reports the validation's problems (lenient: as warnings) and writes what it writes alone."""
    schema = "\n            type: string\n"  # the path parameter's
    spec.write_text(spec.read_text(encoding="utf-8").replace(schema, f"{schema}            minLength: -1\n", 1))
    config = write_config(tmp_path, "targets:\n  python: {output: sdk}\n  echo: {output: echo}\n")
    run(capsys, "generate", str(spec), "-c", str(config), "--target", "echo", "-o", str(tmp_path / "alone"), "--lenient")
    loads: list[object] = []
    validations: list[object] = []
    monkeypatch.setattr(pipeline, "load_spec", lambda *a, **k: loads.append(a) or load_spec(*a, **k))
    monkeypatch.setattr(pipeline, "Validation", lambda *a, **k: validations.append(a) or Validation(*a, **k))
    for command in ("generate", "check --full"):  # `check --full`: no stamp or cache spares it a stage
        loads.clear(), validations.clear()
        code, out, err = run(capsys, *command.split(), str(spec), "-c", str(config), "--lenient")
        assert code == EXIT_OK, out + err
        assert (len(loads), len(validations)) == (1, 1), command
        assert err.count("minLength") == 2, err  # the problem, as a warning of each target's run
    assert tree(tmp_path / "echo") == tree(tmp_path / "alone")


def test_one_output_folder_for_several_targets_is_refused(
    echo: None, spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, "targets:\n  python: {output: sdk}\n  echo: {output: echo}\n")
    code, out, err = run(capsys, "generate", str(spec), "-c", str(config), "-o", str(tmp_path / "out"))
    assert (code, out) == (2, "")
    assert "-o names one folder, but the config names 2 targets (python, echo)" in err
    assert "add --target NAME" in err and "give -o one of their folders" in err
    # with --target, -o is that target's folder
    code, out, err = run(
        capsys, "generate", str(spec), "-c", str(config), "--target", "echo", "-o", str(tmp_path / "out")
    )
    assert code == EXIT_OK, err
    assert sorted(tree(tmp_path / "out")) == [".generator-manifest", "operations.txt"]
    assert not (tmp_path / "sdk").exists() and not (tmp_path / "echo").exists()


def test_output_that_is_a_configured_folder_runs_that_target(
    echo: None, spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A CI step written before the config named more targets (`check -o sdk`) keeps meaning the same thing."""
    config = write_config(tmp_path, "targets:\n  python: {output: sdk}\n  echo: {output: echo}\n")
    code, out, err = run(capsys, "generate", str(spec), "-c", str(config), "-o", str(tmp_path / "sdk"))
    assert code == EXIT_OK, err
    assert (tmp_path / "sdk" / "pyproject.toml").is_file() and not (tmp_path / "echo").exists()
    assert f"-> {tmp_path / 'sdk'} (python):" not in out  # one run, of the default target: no label
    code, out, err = run(capsys, "check", str(spec), "-c", str(config), "-o", f"{tmp_path}/sdk/")
    assert code == EXIT_OK, out + err
    code, _, err = run(capsys, "check", str(spec), "-c", str(config), "-o", str(tmp_path / "echo"))
    assert code == EXIT_DRIFT, err  # echo's folder: the echo target, never generated


def test_a_target_the_config_does_not_place_needs_an_output(
    echo: None, spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "generate", str(spec), "--target", "echo")
    assert code == 2
    assert "error: target 'echo' has no output folder: give -o OUT" in err
    config = write_config(tmp_path, "targets:\n  echo: {output: echo}\n")
    code, _, err = run(capsys, "generate", str(spec), "-c", str(config), "--target", "python")
    assert code == 2
    assert "target 'python' has no output folder: give -o OUT, or add targets.python.output to the config" in err


def test_another_targets_folder_is_refused_as_output(
    echo: None, spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, "targets:\n  python: {output: sdk}\n  echo: {output: echo}\n")
    assert run(capsys, "generate", str(spec), "-c", str(config))[0] == EXIT_OK
    before = tree(tmp_path / "sdk")
    for output in ("sdk", "sdk/inner", "."):
        code, _, err = run(
            capsys, "generate", str(spec), "-c", str(config), "--target", "echo", "-o", str(tmp_path / output)
        )
        assert code == 2
        assert f"at /targets/python/output: -o {tmp_path / output} overlaps targets.python.output" in err, err
    assert tree(tmp_path / "sdk") == before


def test_keep_works_in_the_python_targets_folder(
    spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, "targets:\n  python: {output: sdk}\n")
    assert run(capsys, "generate", str(spec), "-c", str(config))[0] == EXIT_OK
    readme = tmp_path / "sdk" / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "Kept.\n", encoding="utf-8")
    code, out, err = run(capsys, "keep", str(readme), "--spec", str(spec), "-c", str(config))
    assert code == EXIT_OK, err
    assert f"kept     {readme}: 1 hunk in {tmp_path / 'sdk' / 'patches' / 'README.md.patch'}" in out
    assert run(capsys, "check", str(spec), "-c", str(config))[0] == EXIT_OK


def test_every_product_target_ignores_the_generators_scratch_files() -> None:
    """A generated project is committed by its user: the cache, lock and journal beside it must not be."""
    from generator.targets import GITIGNORE_SCRATCH
    from generator.write import SCRATCH

    assert set(GITIGNORE_SCRATCH.split("\n")[1:-1]) == set(SCRATCH)
    config = yaml.safe_load((SPEC.parent / "conductor.config.yaml").read_text(encoding="utf-8"))
    assert set(config["targets"]) == set(registry.TARGETS)  # Conductor's committed projects: one per target
    for name, section in config["targets"].items():
        ignored = (SPEC.parent / section["output"] / ".gitignore").read_text(encoding="utf-8").splitlines()
        assert set(ignored) >= set(SCRATCH), (name, set(SCRATCH) - set(ignored))
