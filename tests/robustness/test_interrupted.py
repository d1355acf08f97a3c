"""A run killed while it writes (SIGKILL: no cleanup, no `finally`) leaves the previous output intact,
byte for byte, and the next run succeeds."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from generator import pipeline, write as writing
from generator.write import CACHE, JOURNAL, LOCK, MANIFEST, STAGING, recover, with_manifest, write, write_cache
from tests.support.documents import shared_spec

SPEC_A = shared_spec("pets_and_owners.yaml")  # two operations in two resources

ROOT = Path(__file__).resolve().parents[2]
LARGE_SPEC = Path("/work/shared/corpus/jira-platform/platform-swagger.v3.json")  # hundreds of files to stage


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """The folder without the scratch a killed run cannot clean up: its staging folder and its lock file (which
    holds no lock once its process is gone)."""
    return {
        p.relative_to(folder).as_posix(): None if p.is_dir() else p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if not {STAGING, LOCK} & set(p.relative_to(folder).parts)
    }


def generate(spec: Path, out: Path, *options: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "generate", str(spec), "-o", str(out), *options],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: the kill reaches the validator and formatter workers too
    )  # fmt: skip


@pytest.mark.skipif(not LARGE_SPEC.is_file(), reason="needs the corpus in /work/shared/corpus")
def test_killed_mid_write_leaves_previous_output_intact(tmp_path: Path) -> None:
    small = tmp_path / "pet.yaml"
    small.write_text(SPEC_A, encoding="utf-8")
    out = tmp_path / "out"
    previous = generate(small, out)
    assert previous.wait(timeout=300) == 0, previous.stderr.read() if previous.stderr else ""
    (out / "NOTES.md").write_text("the user's own file\n", encoding="utf-8")
    before = snapshot(out)

    run = generate(LARGE_SPEC, out, "--lenient")
    staging = out / STAGING
    while run.poll() is None and not staging.exists():
        time.sleep(0.001)
    assert run.poll() is None, "the run ended before it started writing"
    os.killpg(run.pid, signal.SIGKILL)
    run.wait(timeout=60)
    assert run.returncode == -signal.SIGKILL

    assert snapshot(out) == before  # every file as it was; at most a half-filled staging folder beside them

    again = generate(LARGE_SPEC, out, "--lenient")
    assert again.wait(timeout=600) == 0, again.stderr.read() if again.stderr else ""
    assert not staging.exists()
    assert (out / "NOTES.md").read_text(encoding="utf-8") == "the user's own file\n"
    manifest = (out / MANIFEST).read_text(encoding="utf-8").splitlines()
    assert not any("pet" in line for line in manifest)  # the small spec's files were replaced
    for line in manifest:
        if line and not line.startswith("#"):
            assert (out / line.split("\t")[0]).is_file(), line  # the path, then a Python file's stamps


# --- a kill at every step ---------------------------------------------------------------------------
# Deterministic fault injection: a forked copy of this process counts every filesystem call that changes
# something (or could), and dies with os._exit (no cleanup, like SIGKILL) just before the k-th, for every k.

_STEPS = ("open", "write", "fsync", "sync", "close", "replace", "rename", "unlink", "rmdir", "mkdir")
_KILLED = 37  # the exit status of a child killed before the journal was in place
_KILLED_COMMITTED = 38  # after: the new output counts as written


def _write_in_child(out: Path, result: pipeline.Result, kill_at: int | None, record: Path | None = None) -> int:
    """Run generate's writing part (files, then cache) in a fork; return its exit status. `record` gets
    the number of steps and the step that put the journal in place."""
    pid = os.fork()
    if pid == 0:  # the child: never returns
        try:
            steps, journal_at, lock, creators = [0], [0], threading.Lock(), set()

            def counted(name: str, real: Any) -> Any:
                def step(*args: Any, **kwargs: Any) -> Any:
                    with lock:  # files may be staged from several threads
                        steps[0] += 1
                        if steps[0] == kill_at:
                            os._exit(_KILLED_COMMITTED if journal_at[0] else _KILLED)
                        if name == "replace" and Path(args[1]).name == JOURNAL:
                            journal_at[0] = steps[0]
                        if name == "open" and f"/{STAGING}/" in str(args[0]):
                            creators.add(threading.get_ident())
                    return None if name in ("fsync", "sync") else real(*args, **kwargs)  # syncing only costs time here

                return step

            for name in _STEPS:
                setattr(os, name, counted(name, getattr(os, name)))
            write(out, result.files)
            write_cache(out, result.validated, result.validation_problems)
            if record is not None:
                off_main = len(creators - {threading.main_thread().ident})  # threads other than this one
                record.write_text(f"{steps[0]} {journal_at[0]} {off_main}")
            os._exit(0)
        except BaseException:  # noqa: BLE001
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def _files(folder: Path) -> dict[str, bytes]:
    """The folder's files, the cache aside (it only saves time: any version of it, or none, is correct), and the
    lock file a killed run leaves (no lock is held once its process is gone)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name not in (CACHE, f"{CACHE}.tmp", LOCK)
    }


@dataclass
class Runs:
    pristine: Path  # the old output, with two files of the user's
    new: pipeline.Result  # what the next run writes
    old_files: dict[str, bytes]
    new_files: dict[str, bytes]
    steps: int  # filesystem steps the write takes
    journal_at: int  # the step that puts the journal in place


def _project(version: str, modules: range) -> dict[str, str]:
    """Files shaped like a generated project: nested packages, a few that change, some that go, and (modules 10 and
    up) a new nested folder, which the write moves into place whole."""
    files = {f"src/pkg/{'extra/deep' if i >= 10 else 'resources'}/m{i}.py": f"# module {i}\n" for i in modules}
    files["src/pkg/_version.py"] = f'__version__ = "{version}"\n'
    files["src/pkg/__init__.py"] = "".join(f"from .resources import m{i}\n" for i in modules)
    files["README.md"] = f"# pkg {version}\n"
    return with_manifest(files)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    tmp_path = tmp_path_factory.mktemp("kills")
    pristine = tmp_path / "pristine"
    old = _project("1.0.0", range(8))
    write(pristine, old)
    write_cache(pristine, "old stamp")
    (pristine / "NOTES.md").write_text("the user's own file\n", encoding="utf-8")
    (pristine / "src" / "mine.py").write_text("# the user's own module\n", encoding="utf-8")
    # Version 2 drops modules 0-3 (one whole folder goes with the last), changes three files, adds four (two in a
    # new folder).
    new = pipeline.Result(api=None, files=_project("2.0.0", range(4, 12)), validated="new stamp")  # type: ignore[arg-type]
    old_files = _files(pristine)
    new_files = {**{p: t.encode() for p, t in new.files.items()}, "NOTES.md": old_files["NOTES.md"],
                 "src/mine.py": old_files["src/mine.py"]}  # fmt: skip
    out, record = tmp_path / "out", tmp_path / "record"
    shutil.copytree(pristine, out)
    assert _write_in_child(out, new, None, record) == 0
    assert _files(out) == new_files
    steps, journal_at, _ = map(int, record.read_text().split())
    return Runs(pristine, new, old_files, new_files, steps, journal_at)


def _fresh(runs: Runs, out: Path) -> None:
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(runs.pristine, out)


def test_a_kill_at_every_step_leaves_the_old_output_or_the_new_one(runs: Runs, tmp_path: Path) -> None:
    _kill_at_every_step(runs, tmp_path / "out")


def test_a_kill_at_every_step_while_threads_stage_the_files(
    runs: Runs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large project's files are staged from several threads (write.PARALLEL_STAGING_FILES): the same."""
    monkeypatch.setattr(writing, "PARALLEL_STAGING_FILES", 1)
    monkeypatch.setattr(writing, "_STAGING_RUN", 2)
    monkeypatch.setattr(writing, "_staging_threads", lambda: 3)
    record = tmp_path / "record"
    _fresh(runs, tmp_path / "out")
    assert _write_in_child(tmp_path / "out", runs.new, None, record) == 0
    assert int(record.read_text().split()[2]) >= 1  # the staged files were created by the pool's threads
    _kill_at_every_step(runs, tmp_path / "out", threads=True)


def _kill_at_every_step(runs: Runs, out: Path, threads: bool = False) -> None:
    """Kill a write at its k-th step, for every k: the next run's recovery leaves the old output when the journal
    was not in place yet, the new one when it was. With threads the steps before the journal come in another order,
    and their number varies by a few (two threads may both make a folder, one finding it made)."""
    assert runs.steps > 50 and 0 < runs.journal_at < runs.steps  # staging, journal, moves, removals, cache
    outcomes = {"old": 0, "new": 0}
    bookkeeping = (JOURNAL, f"{JOURNAL}.tmp")
    for k in range(1, runs.steps + 1):
        _fresh(runs, out)
        status = _write_in_child(out, runs.new, k)
        if not threads:
            assert status == (_KILLED if k <= runs.journal_at else _KILLED_COMMITTED), k
        # With threads a run may also take fewer steps (a folder made with its parent): it ended before the k-th.
        assert status in ((_KILLED, _KILLED_COMMITTED, 0) if threads else (_KILLED, _KILLED_COMMITTED)), (k, status)
        left = {p: d for p, d in _files(out).items() if p not in bookkeeping and not p.startswith(STAGING + "/")}
        if status == _KILLED:
            assert left == runs.old_files, k  # not committed: every old file as it was
        recover(out)  # what the next run does first
        after = _files(out)
        assert after == (runs.old_files if status == _KILLED else runs.new_files), k
        assert not (out / STAGING).exists() and not (out / JOURNAL).exists(), k
        outcomes["old" if after == runs.old_files else "new"] += 1
        write(out, runs.new.files)  # and the next run completes
        assert _files(out) == runs.new_files, k
    if not threads:
        assert outcomes == {"old": runs.journal_at, "new": runs.steps - runs.journal_at}
    assert outcomes["old"] > 20 and outcomes["new"] > 10


def test_a_kill_while_finishing_an_interrupted_write(runs: Runs, tmp_path: Path) -> None:
    """Recovery is itself killed at each of its steps; the run after it still ends with the new output."""
    out, interrupted = tmp_path / "out", tmp_path / "interrupted"
    _fresh(runs, out)
    assert _write_in_child(out, runs.new, runs.journal_at + 3) == _KILLED_COMMITTED  # the journal and one file moved
    shutil.copytree(out, interrupted)
    for j in range(1, runs.steps + 1):
        shutil.rmtree(out)
        shutil.copytree(interrupted, out)
        status = _recover_in_child(out, j)
        recover(out)
        assert _files(out) == runs.new_files, j
        if status == 0:
            assert j > 5  # it was killed at each of its steps before finishing
            break
    else:
        pytest.fail("recovery never finished")


def _recover_in_child(out: Path, kill_at: int) -> int:
    pid = os.fork()
    if pid == 0:
        try:
            steps = [0]

            def counted(real: Any) -> Any:
                def step(*args: Any, **kwargs: Any) -> Any:
                    steps[0] += 1
                    if steps[0] == kill_at:
                        os._exit(_KILLED)
                    return real(*args, **kwargs)

                return step

            for name in _STEPS:
                setattr(os, name, counted(getattr(os, name)))
            recover(out)
            os._exit(0)
        except BaseException:  # noqa: BLE001
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)
