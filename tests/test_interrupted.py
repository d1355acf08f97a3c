"""A run killed while it writes (SIGKILL: no cleanup, no `finally`) leaves the previous output intact,
byte for byte, and the next run succeeds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.write import MANIFEST, STAGING
from tests.specs import SPEC_A

ROOT = Path(__file__).resolve().parent.parent
LARGE_SPEC = Path("/work/shared/corpus/jira-platform/platform-swagger.v3.json")  # hundreds of files to stage


def snapshot(folder: Path) -> dict[str, bytes | None]:
    return {
        p.relative_to(folder).as_posix(): None if p.is_dir() else p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if STAGING not in p.relative_to(folder).parts
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
