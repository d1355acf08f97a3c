"""Where a spec argument points: a file on disk, or `GITREF:path` read from git history.

A spec read from git is exported with every file of its folder (a multi-file spec's `$ref`s and the
config beside it come along) into a temporary folder; nothing in the working tree is touched.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from generator.errors import GeneratorError, Problem


@dataclass(frozen=True)
class SpecSource:
    """A spec file to read, and how to name it in messages."""

    path: Path
    label: str  # what the user wrote: `specs/conductor.yaml` or `main:specs/conductor.yaml`
    temporary_root: Path | None = None  # set when the files were exported from git

    def display(self, file: str) -> str:
        """A file name from a message, as the user knows it (the git ref instead of the temp folder)."""
        if self.temporary_root is None:
            return file
        root = str(self.temporary_root.resolve())
        return f"{self.label.split(':', 1)[0]}:{file[len(root) + 1:]}" if file.startswith(root + "/") else file


def is_git_reference(argument: str) -> bool:
    """`REF:path` and not a file that happens to contain a colon."""
    ref, colon, path = argument.partition(":")
    return bool(colon and ref and path) and not Path(argument).exists() and len(ref) > 1


@contextmanager
def open_source(argument: str) -> Iterator[SpecSource]:
    """The spec file behind `argument`; a git export lives until the block ends."""
    if not is_git_reference(argument):
        yield SpecSource(Path(argument), argument)
        return
    ref, _, path = argument.partition(":")
    folder = Path(tempfile.mkdtemp(prefix="sdkgen-git-"))
    try:
        exported = _export(ref, PurePosixPath(path), folder)
        yield SpecSource(exported, argument, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


_SPEC_SUFFIXES = (".yaml", ".yml", ".json")


def _export(ref: str, path: PurePosixPath, into: Path) -> Path:
    """Write the spec files (YAML, JSON) of `path`'s folder as they are at `ref` under `into`.

    Their layout is kept, so relative `$ref`s and the config beside the spec still resolve.
    """
    top = _git(["rev-parse", "--show-toplevel"], f"{ref}:{path}").strip()
    prefix = _git(["rev-parse", "--show-prefix"], f"{ref}:{path}").strip()  # cwd relative to the top
    wanted = PurePosixPath(prefix) / path if prefix else path
    _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], f"{ref}:{path}", f"no commit named {ref!r}")
    listing = _git(["ls-tree", "-r", "-z", "--name-only", ref, "--", f"{wanted.parent}/"], f"{ref}:{path}", cwd=top)
    names = [n for n in listing.split("\0") if n.endswith(_SPEC_SUFFIXES)]
    if str(wanted) not in names:
        raise GeneratorError(Problem(f"{path} does not exist at {ref}", file=f"{ref}:{path}"))
    for name in names:
        content = subprocess.run(["git", "show", f"{ref}:{name}"], cwd=top, capture_output=True, check=True).stdout
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return into / wanted


def _git(args: list[str], label: str, failure: str | None = None, cwd: str | None = None) -> str:
    try:
        done = subprocess.run(["git", *args], check=False, capture_output=True, text=True, cwd=cwd)
    except FileNotFoundError:
        raise GeneratorError(Problem("git is not installed; a REF:path spec needs it", file=label)) from None
    if done.returncode != 0:
        detail = failure or (done.stderr.strip().splitlines() or ["git failed"])[-1]
        raise GeneratorError(Problem(detail, file=label))
    return done.stdout
