"""Stage 5: put the rendered files on disk, or compare them with what is there.

Only files listed in the output folder's manifest (the ones this generator wrote) are ever replaced
or removed; anything else in the folder is left alone. Nothing is written outside the folder.
All files are staged first, then moved into place, so a failure before the move leaves the folder
as it was.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from generator.errors import GeneratorError, Problem

MANIFEST = ".generator-manifest"
_MANIFEST_HEADER = "# Files written by the SDK generator. Regenerate instead of editing them.\n"
STAGING = ".generator-staging"
CACHE = ".generator-cache"
_CACHE_VERSION = 2
_VALIDATED = "# spec content validated by openapi-spec-validator: "


@dataclass
class Changes:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def differs(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def with_manifest(
    files: dict[str, str], format_keys: Mapping[str, str] | None = None, validated: str | None = None
) -> dict[str, str]:
    """The files plus the manifest that lists them.

    The manifest also carries the stamps a later run may trust (docs/speed.md has the trust model): for
    each Python file black formatted, the key of black's input and the digest of its output, so an
    unchanged file is never formatted again on any machine, a fresh clone included; and `validated`, the
    digest of a spec content that was validated without a problem, so it is not validated again.
    """
    for path in files:
        _check_relative(path)
    keys = format_keys or {}
    listing = "".join(
        f"{path}\t{keys[path]}\t{digest(files[path])}\n" if path in keys else f"{path}\n" for path in sorted(files)
    )
    stamp = f"{_VALIDATED}{validated}\n" if validated else ""
    return {**files, MANIFEST: _MANIFEST_HEADER + stamp + listing}


@dataclass
class Stamps:
    """What the manifest in the output folder vouches for (see `with_manifest`).

    `formatted`: format key -> text of a file still exactly as black wrote it (its digest matches);
    `validated`: the digest of the spec content found valid, if any.
    """

    validated: str | None = None
    formatted: dict[str, str] = field(default_factory=dict)


def read_stamps(out: Path) -> Stamps:
    """The stamps of the manifest in `out`; a missing, damaged or edited entry only costs time."""
    stamps = Stamps()
    try:
        lines = (out / MANIFEST).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return stamps
    root = out.resolve()
    inside: dict[str, bool] = {}  # folder -> whether it resolves into the output folder (checked once each)
    for line in lines:
        if line.startswith(_VALIDATED):
            stamps.validated = line[len(_VALIDATED) :].strip() or None
        parts = line.split("\t")
        if line.startswith("#") or len(parts) != 3:
            continue
        path, key, expected = parts
        try:
            _check_relative(path)
            folder = path.rpartition("/")[0]
            if folder not in inside:
                inside[folder] = (out / path).parent.resolve().is_relative_to(root)
            text = (out / path).read_text(encoding="utf-8") if inside[folder] else None
        except (GeneratorError, OSError, UnicodeDecodeError):
            continue
        if text is not None and digest(text) == expected:  # edited by hand: formatted afresh
            stamps.formatted[key] = text
    return stamps


@dataclass
class Cache:
    """What an earlier run learned, kept beside its output (git-ignored) so the next run can skip work:
    the stamp of the spec content and validator it validated, and what that found (the warnings of a
    lenient run, which the manifest does not record)."""

    validated: str | None = None
    problems: list[Problem] = field(default_factory=list)
    fresh: dict[str, Any] = field(default_factory=dict)  # generator/freshness.py: inputs and outputs of the run


def read_cache(out: Path) -> Cache:
    try:
        data = json.loads((out / CACHE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Cache()
    if not isinstance(data, dict) or data.get("version") != _CACHE_VERSION:
        return Cache()
    cache = Cache(validated=data.get("validated") if isinstance(data.get("validated"), str) else None)
    try:
        cache.problems = [Problem(**problem) for problem in data.get("problems") or []]
    except TypeError:  # written by another version: validate again
        cache.validated = None
    cache.fresh = data["fresh"] if isinstance(data.get("fresh"), dict) else {}
    return cache


def write_cache(
    out: Path, validated: str | None, problems: list[Problem] | None = None, fresh: Mapping[str, Any] | None = None
) -> None:
    """Record what `read_cache` may reuse; losing it only costs time, so failures are ignored."""
    data = {
        "version": _CACHE_VERSION,
        "validated": validated,
        "problems": [dataclasses.asdict(problem) for problem in problems or []],
        "fresh": dict(fresh or {}),
    }
    text = json.dumps(data, indent=0, sort_keys=True)
    try:
        if not (out / CACHE).is_file() or (out / CACHE).read_text(encoding="utf-8") != text:
            (out / CACHE).write_text(text, encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        pass


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def compare(out: Path, files: dict[str, str]) -> Changes:
    """What writing `files` (manifest included) into `out` would add, change and remove."""
    changes = Changes()
    for path, text in sorted(files.items()):
        target = out / path
        if not target.is_file():
            changes.added.append(path)
        elif target.read_bytes() != text.encode("utf-8"):
            changes.changed.append(path)
        else:
            changes.unchanged += 1
    changes.removed = sorted(p for p in previous_files(out) if p not in files and (out / p).is_file())
    return changes


def unified_diff(out: Path, files: dict[str, str], changes: Changes) -> str:
    chunks: list[str] = []
    for path in [*changes.added, *changes.changed, *changes.removed]:
        old = (out / path).read_text(encoding="utf-8", errors="replace") if (out / path).is_file() else ""
        new = files.get(path, "")
        chunks.extend(
            difflib.unified_diff(
                old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{path}", f"b/{path}"
            )
        )
    return "".join(chunks)


def previous_files(out: Path) -> list[str]:
    """Paths listed in the manifest of an earlier run (those are ours to replace or remove)."""
    manifest = out / MANIFEST
    if not manifest.is_file():
        return []
    paths = []
    for line in manifest.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            line = line.split("\t", 1)[0]  # the path, without its stamps
            try:
                _check_relative(line)
            except GeneratorError:
                continue  # a tampered manifest never makes us touch files outside the folder
            if _stays_inside(out, line):
                paths.append(line)
    return paths


def _stays_inside(out: Path, path: str) -> bool:
    """False when a folder on the way to `path` is a link leading out of `out`."""
    return (out / path).parent.resolve().is_relative_to(out.resolve())


def write(out: Path, files: dict[str, str]) -> Changes:
    """Make `out` hold exactly `files` among the generator's files; return what changed."""
    if out.exists() and not out.is_dir():
        raise GeneratorError(Problem("output path exists and is not a folder", str(out)))
    changes = compare(out, files)
    if not changes.differs:
        return changes
    out.mkdir(parents=True, exist_ok=True)
    escaping = [p for p in [*changes.added, *changes.changed] if not _stays_inside(out, p)]
    if escaping:
        raise GeneratorError(
            Problem(f"refusing to write through a symbolic link that leads out of the folder: {escaping[0]}", str(out))
        )
    staging = out / STAGING
    if staging.exists():
        shutil.rmtree(staging)  # left by an interrupted run; nothing had been moved from it
    try:
        for path in [*changes.added, *changes.changed]:
            staged = staging / path
            staged.parent.mkdir(parents=True, exist_ok=True)
            with open(staged, "w", encoding="utf-8", newline="") as handle:
                handle.write(files[path])
                handle.flush()
                os.fsync(handle.fileno())
        # Everything is staged; the manifest goes last so it never lists a file that is not there.
        for path in sorted([*changes.added, *changes.changed], key=lambda p: p == MANIFEST):
            target = out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / path, target)
        for path in changes.removed:
            (out / path).unlink(missing_ok=True)
            _remove_empty_parents(out, (out / path).parent)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return changes


def _remove_empty_parents(out: Path, folder: Path) -> None:
    while folder != out and not folder.is_symlink() and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _check_relative(path: str) -> None:
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or any(c in path for c in "\\:\t\n\r") or not pure.parts:
        raise GeneratorError(Problem(f"internal error: refusing to write outside the output folder: {path!r}"))
