"""The CI integration users copy: the pre-commit hooks (run by pre-commit itself) and the GitHub workflow's commands."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
GIT_USER = ["-c", "user.email=ci@example.com", "-c", "user.name=ci"]


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *GIT_USER, *args], cwd=repo, check=True, capture_output=True, text=True)
    return done.stdout.strip()


def _sdk_repository(at: Path) -> Path:
    """A user's repository: the Conductor spec and its generated client, committed on `main`."""
    shutil.copytree(ROOT / "specs", at / "specs")
    # Not __pycache__, which a clone lacks and tests in other workers may be writing (tests/conftest.py).
    shutil.copytree(ROOT / "generated", at / "generated", ignore=shutil.ignore_patterns("__pycache__"))
    _git(at, "init", "-q", "-b", "main")
    _git(at, "add", ".")
    _git(at, "commit", "-qm", "SDK")
    return at


def _remove_operation(repo: Path) -> None:
    spec = repo / "specs" / "conductor.yaml"
    data = yaml.safe_load(spec.read_text(encoding="utf-8"))
    data["paths"]["/end-users/{id}"]["get"] = data["paths"]["/end-users/{id}"].pop("delete")
    spec.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_pre_commit_hooks_run_by_pre_commit(tmp_path: Path) -> None:
    # The generator as pre-commit fetches it: a git repository holding this working tree's hook definitions.
    hooks = tmp_path / "generator-repo"
    shutil.copytree(ROOT / "generator", hooks / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy(ROOT / name, hooks / name)
    _git(hooks, "init", "-q")
    _git(hooks, "add", ".")
    _git(hooks, "commit", "-qm", "generator")
    rev = _git(hooks, "rev-parse", "HEAD")

    repo = _sdk_repository(tmp_path / "sdk")
    config = {"repos": [{"repo": str(hooks), "rev": rev, "hooks": [
        {"id": "sdk-drift", "args": ["specs/conductor.yaml", "--output", "generated"]},
        {"id": "sdk-breaking-changes", "args": ["main:specs/conductor.yaml", "specs/conductor.yaml"]},
    ]}]}  # fmt: skip
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"], cwd=repo, env=env,
                              capture_output=True, text=True, check=False)  # fmt: skip

    clean = run()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "generated SDK matches its spec" in clean.stdout and "Passed" in clean.stdout

    edited = repo / "generated" / "src" / "conductor" / "_version.py"
    edited.write_text(edited.read_text() + "# edited by hand\n")
    drift = run()
    assert drift.returncode == 1
    assert "differs  src/conductor/_version.py" in drift.stdout

    _git(repo, "checkout", "--", "generated")
    _remove_operation(repo)
    breaking = run()
    assert breaking.returncode == 1
    assert "end_users.delete: method removed (DELETE /end-users/{id}: operation removed) (breaking)" in breaking.stdout


def test_github_workflow_commands_run_as_written(tmp_path: Path) -> None:
    """Each `run:` of docs/ci/github-workflow.yml, with GitHub's expressions filled in, in a user's repository."""
    workflow = yaml.safe_load((ROOT / "docs" / "ci" / "github-workflow.yml").read_text(encoding="utf-8"))
    steps = [s["run"] for s in workflow["jobs"]["sdk"]["steps"] if "run" in s and "pip install" not in s["run"]]
    assert len(steps) == 2

    repo = _sdk_repository(tmp_path / "sdk")
    _git(repo, "update-ref", "refs/remotes/origin/main", "main")  # what actions/checkout fetches
    summary = tmp_path / "summary.md"
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "PYTHONPATH": str(ROOT),
           "GITHUB_STEP_SUMMARY": str(summary)}  # fmt: skip

    def run_steps() -> list[subprocess.CompletedProcess[str]]:
        results = []
        for script in steps:
            script = script.replace("${{ github.base_ref }}", "main").replace("python ", f"{sys.executable} ")
            results.append(subprocess.run(["bash", "-e", "-c", script], cwd=repo, env=env, capture_output=True,
                                          text=True, check=False))  # fmt: skip
        return results

    assert [r.returncode for r in run_steps()] == [0, 0]
    _remove_operation(repo)
    drift, breaking = run_steps()
    assert drift.returncode == 1 and "run `python -m generator generate` to update it" in drift.stdout
    assert breaking.returncode == 1 and "--fail-on breaking" in breaking.stderr
    assert "#### Breaking changes (1)" in summary.read_text()
