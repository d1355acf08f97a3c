"""Nothing changed: recognising, without loading anything, that a run would reproduce the output folder.

The output of a run is a function of its inputs alone: the bytes of every spec file it read and of the
config, the options, the generator's own code and templates, and the versions of Python and the
libraries that shape the text (black, jinja2, pyyaml, openapi-spec-validator). `inputs_digest` names
all of them. After a run, the cache beside the output (`.generator-cache`, git-ignored, this machine
only) records that digest, the spec files read, and the digest of every file written. When the next run
finds the same inputs and every one of those files still byte for byte as written (and the manifest
with them, so no stale file can hide), it would write the same bytes again: `generate` and `check`
stop there. Anything else, a hand edit included, takes the full path.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import sys
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

_LIBRARIES = ("black", "jinja2", "pyyaml", "openapi-spec-validator")


@lru_cache(maxsize=1)
def generator_digest() -> str:
    """The generator's code and templates, and the versions of what shapes its output."""
    from generator.targets.python.environment import templates_dir

    digest = hashlib.sha256(sys.version.encode())
    for library in _LIBRARIES:
        digest.update(f"\0{library} {importlib.metadata.version(library)}".encode())
    package = Path(__file__).resolve().parent
    for root in (package, templates_dir()):
        files = (p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")
        for path in sorted(files):
            digest.update(f"\0{path.relative_to(root).as_posix()}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def spec_names(base: Path, files: Iterable[Path]) -> list[str]:
    """The spec files as the cache records them: relative to the spec's folder where they are inside it
    (the output does not depend on where the spec is), absolute otherwise."""
    return sorted(path.relative_to(base).as_posix() if path.is_relative_to(base) else str(path) for path in files)


def inputs_digest(flags: tuple[object, ...], config: Path | None, base: Path, spec_files: Iterable[str]) -> str | None:
    """Everything a run's output depends on; None when one of the files cannot be read. `flags`: the
    options that shape the output; `spec_files` as `spec_names` gives them."""
    digest = hashlib.sha256(f"{generator_digest()}\0{flags!r}\0".encode())
    try:
        digest.update(hashlib.sha256(config.read_bytes()).digest() if config else b"no config")
        for name in sorted(spec_files):
            digest.update(f"\0{name}\0".encode())
            digest.update(hashlib.sha256((base / name).read_bytes()).digest())
    except OSError:
        return None
    return digest.hexdigest()[:32]


def file_digests(out: Path, paths: Iterable[str]) -> dict[str, str] | None:
    """sha256 of each file's bytes; None when one is missing."""
    digests = {}
    for path in paths:
        try:
            digests[path] = hashlib.sha256((out / path).read_bytes()).hexdigest()[:32]
        except OSError:
            return None
    return digests
