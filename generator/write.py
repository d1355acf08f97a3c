"""Stage 5: put the rendered files on disk, or compare them with what is there.

Only files listed in the output folder's manifest (the ones this generator wrote) are ever replaced
or removed; anything else in the folder is left alone. Nothing is written outside the folder.

All or nothing, whenever the process dies: every new file is staged (and synced) in `.generator-staging`
first; then one journal file, `.generator-journal`, is renamed into place, which is the moment the new
output counts as written; then the staged files are moved over the old ones (a staged folder whose place in
the output is empty moves whole), the removed ones deleted, and the journal and staging folder deleted. A run
killed before the journal exists left the old files untouched (its staging folder is discarded); one killed
after it is finished by the next run (`recover`, called by `write` first), whose moves are the same and simply
skip what was already moved.

One run at a time: `exclusive` holds an OS lock on `.generator-lock` from before `recover` to the end of the
run, so two runs into one folder never mix their files or discard each other's staging folder; the second one
stops, naming the first one's process. No scratch or state file is opened through a symbolic link: one found
at any of the generator's scratch names is refused, and every scratch file is created afresh (`O_EXCL`,
`O_NOFOLLOW`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import hashlib
import json
import os
import shutil
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from generator.custom import is_user_path
from generator.errors import GeneratorError, Problem

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: runs into one folder are not kept apart
    fcntl = None  # type: ignore[assignment]

MANIFEST = ".generator-manifest"
_MANIFEST_HEADER = (
    "# Files written by the SDK generator. Regenerate instead of editing them, or keep an edit with\n"
    "# `python -m generator keep FILE` (it becomes a patch in patches/ that every run applies).\n"
)
STAGING = ".generator-staging"
JOURNAL = ".generator-journal"
_JOURNAL_VERSION = 1
CACHE = ".generator-cache"
_CACHE_VERSION = 2
_VALIDATED = "# spec content validated by openapi-spec-validator: "
_INPUTS = "# run: "
_NO_KEY = "-"  # a listed file without a format key: copied as it is, or not Python
LOCK = ".generator-lock"
# Every name the generator creates in the output folder besides the files it lists (the generated
# .gitignore ignores them all).
SCRATCH = (STAGING, JOURNAL, f"{JOURNAL}.tmp", CACHE, f"{CACHE}.tmp", LOCK)
# Opened without following a link, and (for a scratch file) only when it does not exist yet.
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_held: set[Path] = set()  # output folders this process holds the lock of (`exclusive` nests)


@contextmanager
def exclusive(out: Path) -> Iterator[None]:
    """Hold the output folder's lock for the block: one run at a time writes into a folder. A run that finds
    the lock held stops (exit 2) naming the process that holds it. The lock goes with its process, however that
    ends, so a killed run never leaves a folder locked; the lock file is deleted when the block ends."""
    key = out.resolve()
    if key in _held or fcntl is None:
        yield
        return
    refuse_links(out)
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    descriptor = _lock(out)
    _held.add(key)
    try:
        yield
    finally:
        _held.discard(key)
        # Deleted while still locked: a run that opened it meanwhile finds it gone once it gets the lock, and
        # takes a new one (`_lock`).
        (out / LOCK).unlink(missing_ok=True)
        os.close(descriptor)
        if created:
            with contextlib.suppress(OSError):  # not empty, or gone: left as it is
                out.rmdir()  # a run that wrote nothing leaves no folder behind either


def _lock(out: Path) -> int:
    """An open descriptor of `out/.generator-lock`, locked, holding this process's id."""
    assert fcntl is not None
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    while True:
        descriptor = os.open(out / LOCK, flags, 0o666)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 32, 0).decode("ascii", "replace").strip()
            os.close(descriptor)
            raise GeneratorError(
                Problem(
                    f"another generate is writing {out}"
                    + (f" (pid {holder})" if holder else "")
                    + "; run again when it has finished",
                    str(out),
                )
            ) from None
        except BaseException:
            os.close(descriptor)
            raise
        try:
            current = os.stat(out / LOCK, follow_symlinks=False)
        except FileNotFoundError:
            current = None
        if current is not None and current.st_ino == os.fstat(descriptor).st_ino:
            os.pwrite(descriptor, f"{os.getpid()}\n".encode("ascii"), 0)
            return descriptor
        os.close(descriptor)  # locked a file the run that held it had just deleted: take the new one


def refuse_links(out: Path) -> None:
    """Stop (exit 2) if any of the generator's scratch names in `out` is a symbolic link: writing or deleting
    through it would touch a file or folder somewhere else."""
    links = [out / name for name in SCRATCH if (out / name).is_symlink()]
    if links:
        raise GeneratorError(
            [
                Problem(
                    "is a symbolic link; the generator never writes through one: delete it "
                    "(it only ever holds the generator's scratch files) and run again",
                    str(link),
                )
                for link in links
            ]
        )


def after_failure(out: Path) -> str:
    """What a run that failed or was interrupted while writing into `out` left there, for its message."""
    if (out / JOURNAL).is_file():
        return f"{out} holds part of this run's output: the next `python -m generator generate` into it " "completes it"
    return f"{out} was left as it was before this run"


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
    files: dict[str, str],
    format_keys: Mapping[str, str] | None = None,
    validated: str | None = None,
    record: Mapping[str, Any] | None = None,
) -> dict[str, str]:
    """The files plus the manifest that lists them.

    The manifest also carries the stamps a later run may trust (docs/speed.md has the trust model): for
    each Python file laid out in black's layout, the key of the text the templates produced; for every
    file, the digest of its text as written; `validated`, the digest of a spec content that was
    validated without a problem, so it is not validated again; and `record` (generator/freshness.py:
    the digest of the run's inputs, the spec files it read, the code samples file's digest), which lets
    `check` on a fresh clone recognise output it would write again without rendering it.
    """
    for path in files:
        _check_relative(path)
    keys = format_keys or {}
    listing = "".join(f"{path}\t{keys.get(path, _NO_KEY)}\t{digest(files[path])}\n" for path in sorted(files))
    stamp = f"{_VALIDATED}{validated}\n" if validated else ""
    inputs = f"{_INPUTS}{json.dumps({**record, 'listing': digest(listing)}, sort_keys=True)}\n" if record else ""
    return {**files, MANIFEST: _MANIFEST_HEADER + stamp + inputs + listing}


def read_record(out: Path) -> tuple[dict[str, Any], dict[str, str]] | None:
    """The manifest's record of the run that wrote it and the digest of every file it lists, when the
    listing is the one the record was made with; None for a manifest without them."""
    try:
        lines = (out / MANIFEST).read_text(encoding="utf-8").splitlines(keepends=True)
    except (OSError, UnicodeDecodeError):
        return None
    record = next((line[len(_INPUTS) :] for line in lines if line.startswith(_INPUTS)), None)
    listing = [line for line in lines if not line.startswith("#")]
    try:
        data = json.loads(record) if record is not None else None
        if not isinstance(data, dict) or data.get("listing") != digest("".join(listing)):
            return None
        digests = {}
        for line in listing:
            path, _, file_digest = line.rstrip("\n").split("\t")
            _check_relative(path)
            digests[path] = file_digest
    except (ValueError, GeneratorError):
        return None
    return data, digests


def same_manifest(old: str, new: str) -> bool:
    """Manifests that differ at most in their record line list the same files as the same bytes."""

    def without_record(text: str) -> list[str]:
        return [line for line in text.splitlines() if not line.startswith(_INPUTS)]

    return without_record(old) == without_record(new)


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
        if key == _NO_KEY:
            continue
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
            (out / f"{CACHE}.tmp").unlink(missing_ok=True)  # a leftover, or a link: removed, never followed
            create_file(out / f"{CACHE}.tmp", text, sync=False)
            os.replace(out / f"{CACHE}.tmp", out / CACHE)  # never half a cache, whenever the run dies
    except (OSError, UnicodeDecodeError):
        pass


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def compare(out: Path, files: dict[str, str], strict_record: bool = True) -> Changes:
    """What writing `files` (manifest included) into `out` would add, change and remove. With
    `strict_record` False (`check`), a manifest whose only difference is its record line is not a
    difference: the record names the generator's own code too, which may change without changing output."""
    changes = Changes()
    for path, text in sorted(files.items()):
        target = out / path
        if not target.is_file():
            changes.added.append(path)
        elif (data := target.read_bytes()) != text.encode("utf-8") and (
            strict_record or path != MANIFEST or not same_manifest(data.decode("utf-8", "replace"), text)
        ):
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
            difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{path}", f"b/{path}")
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
            if _stays_inside(out, line) and not is_user_path(line):  # the user's lib/ and patches/: never ours
                paths.append(line)
    return paths


def _stays_inside(out: Path, path: str) -> bool:
    """False when a folder on the way to `path` is a link leading out of `out`."""
    return (out / path).parent.resolve().is_relative_to(out.resolve())


class _Folders:
    """`_stays_inside` and `mkdir` once per folder rather than once per file (1,500 files share about 260
    folders on a large API; resolving each file's folder took most of the write stage)."""

    def __init__(self, out: Path) -> None:
        self.out, self.root = out, out.resolve()
        self.inside: dict[str, bool] = {}
        self.made: set[str] = set()  # folders (absolute, as strings: cheaper than paths in the staging loop)
        self.present: dict[str, bool] = {}  # folder (relative) -> whether anything is at its place

    def stays_inside(self, path: str) -> bool:
        folder = path.rpartition("/")[0]
        if folder not in self.inside:
            self.inside[folder] = (self.out / folder).resolve().is_relative_to(self.root)
        return self.inside[folder]

    def new_folder(self, path: str) -> str | None:
        """The outermost folder on the way to `path` that is not in the output folder (nothing at its place,
        not even a link), or None."""
        parts = path.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            folder = "/".join(parts[:depth])
            if folder not in self.present:
                self.present[folder] = os.path.lexists(self.out / folder)
            if not self.present[folder]:
                return folder
        return None

    def moved(self, folder: str) -> None:
        self.present[folder] = True
        self.made.add(str(self.out / folder))

    def make_parent(self, file: str) -> None:
        parent = os.path.dirname(file)
        if parent not in self.made:
            os.makedirs(parent, exist_ok=True)  # another thread may be making it too
            self.made.add(parent)


def write(out: Path, files: dict[str, str], force: bool = False) -> Changes:
    """Make `out` hold exactly `files` among the generator's files; return what changed.

    All or nothing: if the process dies at any point, the folder holds the old files or, once the next
    run has called `recover`, the new ones. A folder without a manifest is not the generator's: files
    in it are replaced only with `force`.
    """
    if out.exists() and not out.is_dir():
        raise GeneratorError(Problem("output path exists and is not a folder", str(out)))
    with exclusive(out):
        return _write(out, files, force)


def _write(out: Path, files: dict[str, str], force: bool) -> Changes:
    recover(out)
    changes = compare(out, files)
    if not changes.differs:
        return changes
    if not force:
        _refuse_foreign(out, changes.changed)
    out.mkdir(parents=True, exist_ok=True)
    folders = _Folders(out)
    escaping = [p for p in [*changes.added, *changes.changed] if not folders.stays_inside(p)]
    if escaping:
        raise GeneratorError(
            Problem(f"refusing to write through a symbolic link that leads out of the folder: {escaping[0]}", str(out))
        )
    staging = out / STAGING
    # The manifest goes last so it never lists a file that is not there, even between two moves.
    moves = sorted([*changes.added, *changes.changed], key=lambda p: p == MANIFEST)
    staging.mkdir()  # afresh: `recover` removed any earlier one, and a link there was refused
    try:
        _stage(staging, moves, files, folders)
        if hasattr(os, "sync"):
            # Every staged file is on disk before the journal says the new output is complete: one
            # sync of the file system instead of one fsync a file (1,500 of them cost seconds on a large API).
            os.sync()
        _write_journal(out, moves, changes.removed)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)  # nothing was moved: the old output stands
        (out / f"{JOURNAL}.tmp").unlink(missing_ok=True)
        raise
    _apply_journal(out)
    return changes


PARALLEL_STAGING_FILES = 256  # below, creating the files takes a few milliseconds: threads would cost more
_STAGING_RUN = 64  # files a thread stages at a time, in path order: its files share folders


def _stage(staging: Path, paths: list[str], files: dict[str, str], folders: _Folders) -> None:
    """Create each of `paths` (and its folders) in `staging`. Many files are created from a few threads: creating a
    file is the kernel's work, which runs on every core, and on some file systems it is slow (1,500 files took
    a whole second of one core after a large folder was deleted on ext4)."""
    sync = not hasattr(os, "sync")  # else one sync of the whole file system follows

    def stage(run: list[str]) -> None:
        for path in run:
            staged = f"{staging}/{path}"
            folders.make_parent(staged)
            create_file(staged, files[path], sync=sync)

    threads = _staging_threads()
    if threads == 1 or len(paths) < PARALLEL_STAGING_FILES:
        stage(paths)
        return
    with ThreadPoolExecutor(threads, thread_name_prefix="stage") as pool:
        staged = [pool.submit(stage, paths[i : i + _STAGING_RUN]) for i in range(0, len(paths), _STAGING_RUN)]
        try:
            for run in staged:
                run.result()
        except BaseException:
            for run in staged:
                run.cancel()  # the runs under way finish before the pool is left, and the caller removes them
            raise


def _staging_threads() -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(cores, 4)  # more threads only contend for the same folders and the interpreter's lock


def _refuse_foreign(out: Path, changed: list[str]) -> None:
    """Stop before replacing a file the generator did not write: every file of a folder without a manifest,
    and in one with a manifest, a file it does not list (a project's own LICENSE or CI workflow at a path a
    newer generator writes)."""
    ours = set(previous_files(out)) | {MANIFEST}
    foreign = [path for path in changed if path not in ours]
    if not foreign:
        return
    shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
    if (out / MANIFEST).is_file():
        why = f"generating would replace files the generator did not write (its {MANIFEST} does not list them): {shown}"
    else:
        why = (
            f"this folder was not written by the generator (it has no {MANIFEST}), "
            f"and generating would replace its {shown}"
        )
    raise GeneratorError(
        Problem(f"{why}; move them away, choose another folder, or pass --force to take them over", str(out))
    )


def recover(out: Path) -> bool:
    """Finish a write that an earlier run was killed in; True when there was one to finish.

    With a journal the new output was complete in staging: the moves are made (again). Without one the
    old output was never touched: the staging folder is discarded.
    """
    refuse_links(out)
    if (out / JOURNAL).is_file():
        _apply_journal(out)
        return True
    (out / f"{JOURNAL}.tmp").unlink(missing_ok=True)
    if (out / STAGING).is_dir() and not (out / STAGING).is_symlink():
        shutil.rmtree(out / STAGING)
    return False


def create_file(path: Path | str, text: str, sync: bool = True) -> None:
    """Create `path` (it must not exist, not even as a link) holding `text`."""
    descriptor = os.open(path, _NEW_FILE, 0o666)
    try:
        data = text.encode("utf-8", "surrogatepass")
        while data:
            data = data[os.write(descriptor, data) :]
        if sync:
            os.fsync(descriptor)
    except OSError as error:  # a full disk, a file size limit: the message names the file
        raise OSError(error.errno, error.strerror, str(path)) from None
    finally:
        os.close(descriptor)


def _write_journal(out: Path, moves: list[str], removals: list[str]) -> None:
    text = json.dumps({"version": _JOURNAL_VERSION, "move": moves, "remove": removals}, indent=0)
    create_file(out / f"{JOURNAL}.tmp", text)
    os.replace(out / f"{JOURNAL}.tmp", out / JOURNAL)  # the new output is written from here on
    _sync_folder(out)


def _sync_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _apply_journal(out: Path) -> None:
    """Move every staged file into place and delete the removed ones; each step may already be done."""
    journal, staging = out / JOURNAL, out / STAGING
    try:
        data = json.loads(journal.read_text(encoding="utf-8"))
        moves, removals = data["move"], data["remove"]
        if data.get("version") != _JOURNAL_VERSION or not all(isinstance(p, str) for p in [*moves, *removals]):
            raise ValueError("unknown contents")
        for path in [*moves, *removals]:
            _check_relative(path)  # a tampered journal never makes us touch files outside the folder
    except (OSError, ValueError, TypeError, KeyError, UnicodeDecodeError, GeneratorError) as exc:
        raise GeneratorError(
            Problem(
                f"cannot finish the interrupted write this journal describes ({exc}); delete it and the "
                f"{STAGING} folder, then generate again",
                str(journal),
            )
        ) from None
    folders = _Folders(out)
    for path in moves:
        staged, target = staging / path, out / path
        if not staged.is_file() or not folders.stays_inside(path):
            continue  # moved already (alone, or with its folder), or its place is behind a link out of the folder
        new_folder = folders.new_folder(path)
        if new_folder is not None:
            # Nothing is at the folder's place in the output yet: the staged folder moves whole, every file in
            # it with one rename (a first run's `src/` and `tests/` instead of 1,500 moves and 260 folders).
            os.rename(staging / new_folder, out / new_folder)
            folders.moved(new_folder)
            continue
        folders.make_parent(str(target))
        os.replace(staged, target)
    for path in removals:
        if _stays_inside(out, path) and (out / path).is_file():
            (out / path).unlink()
            _remove_empty_parents(out, (out / path).parent)
    journal.unlink()
    shutil.rmtree(staging, ignore_errors=True)


def _remove_empty_parents(out: Path, folder: Path) -> None:
    while folder != out and not folder.is_symlink() and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _check_relative(path: str) -> None:
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or any(c in path for c in "\\:\t\n\r") or not pure.parts:
        raise GeneratorError(Problem(f"internal error: refusing to write outside the output folder: {path!r}"))
