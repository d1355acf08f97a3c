"""The output folder under hostile conditions (generator/write.py): runs racing each other into one folder, links
planted at the generator's scratch names, a folder that is not the generator's, a file system that refuses a
write, and a run interrupted or terminated. Real processes, real signals, real links on the real file system."""

from __future__ import annotations

import errno
import itertools
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import pipeline, write
from generator.cli import main
from generator.write import CACHE, JOURNAL, LOCK, MANIFEST, SCRATCH, STAGING, exclusive
from tests.support.documents import shared_spec

SPEC_A = shared_spec("pets_and_owners.yaml")  # two operations in two resources
SPEC_B = shared_spec("pets.yaml")  # SPEC_A with the owners resource gone

ROOT = Path(__file__).resolve().parents[2]
SECONDS = 300  # a bound that only a hang reaches


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file's bytes and every folder (None) under `folder`, links included as what they are."""
    result: dict[str, bytes | None] = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        result[key] = os.readlink(path).encode() if path.is_symlink() else None if path.is_dir() else path.read_bytes()
    return result


def spec_file(folder: Path, text: str, version: str = "1.0.0") -> Path:
    """The spec in its own folder, with a config beside it that names the version."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "spec.config.yaml").write_text(f"package_name: pets\nversion: {version}\n", encoding="utf-8")
    spec = folder / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    return spec


def run(spec: Path, out: Path, *options: str, **popen: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "generate", str(spec), "-o", str(out), "-q", *options],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, **popen,  # type: ignore[call-overload]
    )  # fmt: skip


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    """An output folder holding SPEC_A's client."""
    out = tmp_path / "out"
    pipeline.generate(pipeline.Options(spec=spec_file(tmp_path / "a", SPEC_A), output=out))
    return out


# --- 1. one run at a time --------------------------------------------------------------------------


def test_a_run_into_a_folder_another_run_is_writing_stops_and_names_it(generated: Path, tmp_path: Path) -> None:
    before = snapshot(generated)
    with exclusive(generated):  # the OS lock, as a run writing the folder holds it
        second = run(spec_file(tmp_path / "b", SPEC_B, "2.0.0"), generated)
        _, err = second.communicate(timeout=SECONDS)
    assert second.returncode == 2, err
    assert f"error: {generated}: another generate is writing {generated} (pid {os.getpid()})" in err
    assert snapshot(generated) == before


def test_runs_racing_into_one_folder_leave_exactly_one_clean_output(tmp_path: Path) -> None:
    """Three real processes, two specs and two versions, one folder: each either writes or stops with exit 2,
    and the folder ends as the complete output of one of them, with no scratch file left behind."""
    out = tmp_path / "out"
    specs = [spec_file(tmp_path / "a", SPEC_A, "1.0.0"), spec_file(tmp_path / "b", SPEC_B, "2.0.0")]
    runs = [run(spec, out) for spec in (*specs, specs[0])]
    results = [(process.wait(timeout=SECONDS), process.communicate()[1]) for process in runs]
    assert all(code == 0 or (code == 2 and "another generate is writing" in err) for code, err in results), results
    assert any(code == 0 for code, _ in results)
    assert not any((out / name).exists() for name in (STAGING, JOURNAL, LOCK, f"{JOURNAL}.tmp"))
    clean = [spec for spec in specs if not pipeline.check(pipeline.Options(spec=spec, output=out)).changes.differs]  # type: ignore[union-attr]
    assert len(clean) == 1


# --- 2. nothing written through a link -------------------------------------------------------------


@pytest.mark.parametrize("name", [STAGING, f"{CACHE}.tmp", CACHE, JOURNAL])
def test_a_link_at_a_scratch_name_is_refused(
    generated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "README.md").write_text("someone else's\n", encoding="utf-8")  # at a path the generator writes
    target = victim if name == STAGING else victim / "README.md"
    (generated / name).unlink(missing_ok=True)
    (generated / name).symlink_to(target)
    before, victim_before = snapshot(generated), snapshot(victim)
    code = main(["generate", str(spec_file(tmp_path / "b", SPEC_B, "2.0.0")), "-o", str(generated)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"error: {generated / name}: is a symbolic link; the generator never writes through one" in err
    assert snapshot(victim) == victim_before and snapshot(generated) == before


def test_keep_never_writes_through_a_linked_patches_folder(
    generated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (generated / "patches").symlink_to(elsewhere, target_is_directory=True)
    readme = generated / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "\nAn edit to keep.\n", encoding="utf-8")
    spec = tmp_path / "a" / "spec.yaml"
    code = main(["keep", str(readme), "--spec", str(spec), "-o", str(generated)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"error: {generated / 'patches'}: is a symbolic link; patches are never written through one" in err
    assert list(elsewhere.iterdir()) == []


def test_the_generated_gitignore_ignores_every_scratch_name(generated: Path) -> None:
    ignored = (generated / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert [name for name in SCRATCH if name not in ignored] == []


# --- 3. a folder that is not the generator's -------------------------------------------------------


def test_a_folder_without_a_manifest_is_not_taken_over_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "project"
    out.mkdir()
    (out / "README.md").write_text("# My project\n", encoding="utf-8")
    (out / "pyproject.toml").write_text("[project]\nname = 'mine'\n", encoding="utf-8")
    (out / "notes.txt").write_text("not a name the generator writes\n", encoding="utf-8")
    before = snapshot(out)
    spec = spec_file(tmp_path / "a", SPEC_A)
    code = main(["generate", str(spec), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"error: {out}: this folder was not written by the generator (it has no {MANIFEST})" in err
    assert "replace its README.md, pyproject.toml;" in err and "--force" in err
    assert snapshot(out) == before

    assert main(["generate", str(spec), "-o", str(out), "--force"]) == 0
    assert "changed  " in capsys.readouterr().out
    assert (out / MANIFEST).is_file() and (out / "notes.txt").read_text(encoding="utf-8").startswith("not a name")
    assert not pipeline.check(pipeline.Options(spec=spec, output=out)).changes.differs  # type: ignore[union-attr]


def test_a_file_the_manifest_does_not_list_is_not_replaced_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder an older generator wrote, where the project added its own file at a path a newer generator
    writes (its own CONTRIBUTING.md): the manifest does not list it, so it is the project's, not ours."""
    out, spec = tmp_path / "project", spec_file(tmp_path / "a", SPEC_A)
    assert main(["generate", str(spec), "-o", str(out)]) == 0
    manifest = out / MANIFEST
    lines = manifest.read_text(encoding="utf-8").splitlines(keepends=True)
    manifest.write_text("".join(line for line in lines if not line.startswith("CONTRIBUTING.md")), encoding="utf-8")
    (out / "CONTRIBUTING.md").write_text("# How we work\n", encoding="utf-8")
    capsys.readouterr()
    before = snapshot(out)
    assert main(["generate", str(spec), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "would replace files the generator did not write" in err and "CONTRIBUTING.md;" in err, err
    assert snapshot(out) == before

    assert main(["generate", str(spec), "-o", str(out), "--force"]) == 0
    assert (out / "CONTRIBUTING.md").read_text(encoding="utf-8") != "# How we work\n"


def test_a_folder_where_nothing_would_be_replaced_is_written(tmp_path: Path) -> None:
    """A fresh repository (`.git`, a notes file): the generator adds its files and leaves the others alone."""
    out = tmp_path / "project"
    (out / ".git").mkdir(parents=True)
    (out / "NOTES.md").write_text("mine\n", encoding="utf-8")
    assert main(["generate", str(spec_file(tmp_path / "a", SPEC_A)), "-o", str(out), "-q"]) == 0
    assert (out / MANIFEST).is_file() and (out / "NOTES.md").read_text(encoding="utf-8") == "mine\n"


# --- 7. the file system refuses ----------------------------------------------------------------------


def _small_files_only() -> None:  # in the child, before it runs: any file write past 2 KiB fails with EFBIG
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (2048, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))


def test_a_write_the_kernel_refuses_is_reported_with_the_folder_and_exit_2(generated: Path, tmp_path: Path) -> None:
    before = snapshot(generated)
    process = run(spec_file(tmp_path / "b", SPEC_B, "2.0.0"), generated, preexec_fn=_small_files_only)
    _, err = process.communicate(timeout=SECONDS)
    assert process.returncode == 2, err
    assert f"error: {generated}: cannot write {generated / STAGING}/" in err and "File too large" in err
    assert f"{generated} was left as it was before this run" in err
    assert "internal error" not in err and "Traceback" not in err
    assert snapshot(generated) == before


def test_a_disk_full_after_the_journal_says_the_next_run_completes_it(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = spec_file(tmp_path / "b", SPEC_B, "2.0.0")
    real_replace, calls = os.replace, []

    def full_after_the_journal(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        calls.append(target)
        if len(calls) > 1:  # the first is the journal's: from there on the new output counts as written
            raise OSError(errno.ENOSPC, "No space left on device", str(target))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", full_after_the_journal)
    assert main(["generate", str(spec), "-o", str(generated)]) == 2
    err = capsys.readouterr().err
    assert "No space left on device" in err
    assert f"{generated} holds part of this run's output: the next `python -m generator generate` into it completes it" in err
    monkeypatch.setattr(os, "replace", real_replace)
    assert main(["generate", str(spec), "-o", str(generated), "-q"]) == 0
    assert not pipeline.check(pipeline.Options(spec=spec, output=generated)).changes.differs  # type: ignore[union-attr]


# --- 8. interrupts -----------------------------------------------------------------------------------


def _children(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text(encoding="ascii").split()
    except OSError:
        return []


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="finds the validator process through /proc")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupt_while_validating_prints_one_message_and_no_traceback(tmp_path: Path, signum: int) -> None:
    """Ctrl-C reaches the whole process group, the forked validator too; SIGTERM is handled as Ctrl-C."""
    process = run(spec_file(tmp_path / "a", SPEC_A), tmp_path / "out", start_new_session=True)
    deadline = time.monotonic() + SECONDS
    while process.poll() is None and not _children(process.pid) and time.monotonic() < deadline:
        time.sleep(0.001)
    assert process.poll() is None, "the run ended before it started validating"
    os.killpg(process.pid, signum)
    _, err = process.communicate(timeout=SECONDS)
    name = "interrupted" if signum == signal.SIGINT else "terminated"
    assert process.returncode == 128 + signum, err
    assert err.strip() == f"{name}; {tmp_path / 'out'} was left as it was before this run"


def test_ctrl_c_after_the_journal_says_the_next_run_completes_it(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = spec_file(tmp_path / "b", SPEC_B, "2.0.0")
    real_replace, calls = os.replace, []

    def interrupted_after_the_journal(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        calls.append(target)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", interrupted_after_the_journal)
    assert main(["generate", str(spec), "-o", str(generated)]) == 130
    err = capsys.readouterr().err
    assert err.strip() == (f"interrupted; {generated} holds part of this run's output: the next "
                           "`python -m generator generate` into it completes it")  # fmt: skip
    monkeypatch.setattr(os, "replace", real_replace)
    assert main(["generate", str(spec), "-o", str(generated), "-q"]) == 0
    assert not pipeline.check(pipeline.Options(spec=spec, output=generated)).changes.differs  # type: ignore[union-attr]


@pytest.fixture(params=["one thread", "threads"])
def staging(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """How the files are staged: in the main thread (a small project), or, as a large project's are, from several
    threads (write.PARALLEL_STAGING_FILES): here each file on its own, two threads at a time."""
    if request.param == "threads":
        monkeypatch.setattr(write, "PARALLEL_STAGING_FILES", 1)
        monkeypatch.setattr(write, "_STAGING_RUN", 1)
        monkeypatch.setattr(write, "_staging_threads", lambda: 2)
    return str(request.param)


def _before_staged_file(monkeypatch: pytest.MonkeyPatch, number: int, action: Callable[[str | Path], None]) -> None:
    """`action(path)` runs just before the `number`-th staged file is created, by whichever thread creates it."""
    real_create_file, count = write.create_file, itertools.count(1)

    def create_file(path: str | Path, text: str, sync: bool = True) -> None:
        if next(count) == number:
            action(path)
        real_create_file(path, text, sync)

    monkeypatch.setattr(write, "create_file", create_file)


def _disk_full(path: str | Path) -> None:
    raise OSError(errno.ENOSPC, "No space left on device", str(path))


@pytest.mark.usefixtures("staging")
def test_a_disk_full_while_staging_leaves_the_folder_as_it_was(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(generated)
    _before_staged_file(monkeypatch, 5, _disk_full)
    assert main(["generate", str(spec_file(tmp_path / "b", SPEC_B, "2.0.0")), "-o", str(generated)]) == 2
    err = capsys.readouterr().err
    assert f"error: {generated}: cannot write {generated / STAGING}/" in err and "No space left on device" in err
    assert f"{generated} was left as it was before this run" in err and "Traceback" not in err
    assert snapshot(generated) == before  # no staging folder left behind, whatever the other thread staged


@pytest.mark.usefixtures("staging")
def test_sigterm_while_staging_removes_the_staging_folder(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(generated)
    _before_staged_file(monkeypatch, 3, lambda path: os.kill(os.getpid(), signal.SIGTERM))  # a real signal

    class Unhandled(Exception):
        pass

    def unhandled(signum: int, frame: object) -> None:
        raise Unhandled("the generator did not handle SIGTERM")  # instead of ending the test run

    previous = signal.signal(signal.SIGTERM, unhandled)
    try:
        code = main(["generate", str(spec_file(tmp_path / "b", SPEC_B, "2.0.0")), "-o", str(generated)])
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert code == 128 + signal.SIGTERM
    assert capsys.readouterr().err.strip() == f"terminated; {generated} was left as it was before this run"
    assert snapshot(generated) == before  # no staging folder left behind
