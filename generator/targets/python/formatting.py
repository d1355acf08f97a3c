"""Black's layout for every Python file the target writes: laid out by the templates (layout.py) where they can
vouch for it, by the pinned black otherwise (in a process pool on large projects), never twice for one text.

The copied runtime modules are already in black's layout (tests/test_speed.py proves it), so only rendered
Python goes through black, and not even that when an earlier run's manifest vouches for the result (`format
keys`). black is imported when first needed.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from generator.errors import EXIT_INTERNAL, GeneratorError, Problem
from generator.progress import SILENT, Progress
from generator.targets import Rendered
from generator.targets.python.environment import PACKAGE_TEMPLATES, templates_dir
from generator.targets.python.layout import lay_out_pending, settle

if TYPE_CHECKING:
    import black

BLACK_VERSION = importlib.metadata.version("black")
LINE_LENGTH = 100
PARALLEL_FORMAT_THRESHOLD = 64  # below this, starting worker processes costs more than it saves
STABLE_LIST = ".black-stable"  # format keys of the copied modules that are black's output (scripts/black_stable.py)


@lru_cache(maxsize=1)
def black_mode() -> black.Mode:
    import black

    return black.Mode(line_length=LINE_LENGTH, target_versions={black.mode.TargetVersion.PY310})


def format_key(text: str) -> str:
    """Identifies black's input: the same key always formats to the same output (black is pinned)."""
    digest = hashlib.sha256(f"black {BLACK_VERSION} {LINE_LENGTH} py310\0".encode())
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


@cache
def known_stable(name: str) -> bool:
    """Whether a copied module is listed as already in black's layout: the list names its exact text, so a
    module edited since (a merge, a hand edit) is formatted like any other until the list is refreshed."""
    try:
        listed = (templates_dir() / PACKAGE_TEMPLATES / STABLE_LIST).read_text(encoding="utf-8").split()
    except OSError:
        return False
    return name.endswith(".py") and format_key(static_file(name)) in listed[::2]


@cache
def static_file(name: str) -> str:
    """A runtime module copied as it is: the same text on every run, already in black's layout."""
    return (templates_dir() / PACKAGE_TEMPLATES / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def static_package_files() -> list[str]:
    root = templates_dir() / PACKAGE_TEMPLATES
    # Only Python sources and the py.typed marker: caches that tools leave beside them are not ours.
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file()
        and (p.suffix == ".py" or p.name == "py.typed")
        and not any(part.startswith((".", "__pycache__")) for part in p.relative_to(root).parts)
    )


def format_all(
    files: dict[str, str],
    cache: Mapping[str, str],
    static: frozenset[str] = frozenset(),
    progress: Progress = SILENT,
    verify: bool = False,
) -> Rendered:
    """Run black over the rendered Python files that need it (all of them with `verify`), on large
    projects across all cores. The `static` files (copied runtime modules) are already in black's layout,
    and so is a rendered file that `layout.settle` vouches for; `cache` holds black's output of earlier runs."""
    global _FILES
    keys = {path: format_key(text) for path, text in files.items() if path.endswith(".py") and path not in static}
    formatted = {} if verify else {path: cache[key] for path, key in keys.items() if key in cache}
    todo = [path for path in keys if path not in formatted]
    _FILES = files
    try:
        with _Workers() as workers:
            if sum(len(files[path]) for path in todo) < PARALLEL_SETTLE_CHARACTERS:
                formatted |= _format_group(todo, verify, workers, progress)
            else:
                # A large project: settling, parsing and black's share of every group of files in one worker,
                # the groups across the cores (the validator has usually finished by now).
                workers.start(True)
                progress.total(len(todo))
                groups = _groups(todo, files, workers.workers)
                done = workers.map(_format_group_apart, [(group, verify) for group in groups])
                for group, result in zip(groups, done.each(), strict=True):
                    if isinstance(result, str):
                        raise GeneratorError(Problem(result), exit_code=EXIT_INTERNAL)
                    formatted |= result
                    progress.advance(len(group))
    finally:
        _FILES = {}
    merged = {**files, **formatted}
    return Rendered({path: merged[path] for path in sorted(merged)}, keys)


PARALLEL_SETTLE_CHARACTERS = 1_000_000  # of rendered Python: below, settling and parsing it take about 0.1 s


# The rendered files while `format_all` runs: worker processes forked then inherit them instead of receiving
# their text through a pipe.
_FILES: Mapping[str, str] = {}


def _format_group(paths: list[str], verify: bool, workers: _Workers, progress: Progress = SILENT) -> dict[str, str]:
    """`paths` in black's layout: settled where `layout.settle` vouches for a file (its long statements laid out
    by black, in chunks for the whole group), formatted whole by black otherwise (every one with `verify`)."""
    settled = {} if verify else {path: laid for path in paths if (laid := _settled(path)) is not None}
    whole = [path for path in paths if path not in settled]
    pending = sorted({line for laid in settled.values() for line in laid.pending.values()})
    progress.total(len(whole))
    characters = sum(len(_FILES[path]) for path in whole) + sum(len(line) for _, line in pending)
    workers.start(len(whole) >= PARALLEL_FORMAT_THRESHOLD or characters >= PARALLEL_CHARACTERS)
    # All of black's work at once: the pending statements of the settled files, in chunks, and the files it
    # formats whole.
    chunks = workers.map(_lay_out_chunk, [(chunk,) for chunk in _chunks(pending)])
    results = workers.map(_format_one, [(path, _FILES[path]) for path in whole], progress.advance)
    laid_out = _merged(chunks.result())
    if laid_out is None:  # black's output of a snippet could not be taken apart: those files go through it whole
        again = [path for path, laid in settled.items() if laid.pending]
        settled = {path: laid for path, laid in settled.items() if not laid.pending}
        laid_out, whole = {}, [*whole, *again]
        results.extend(workers.map(_format_one, [(path, _FILES[path]) for path in again]))
    formatted = {
        path: laid.text if not laid.pending else _checked(path, laid.with_pending(laid_out))
        for path, laid in settled.items()
    }
    for path, (text, error) in zip(whole, results.result(), strict=True):
        if error is not None:
            # The generator produced invalid Python: a bug in the generator, never in the spec.
            raise GeneratorError(
                Problem(f"internal error: generated {path} is not valid Python: {error}"), exit_code=EXIT_INTERNAL
            )
        formatted[path] = text
    return formatted


def _format_group_apart(paths: list[str], verify: bool) -> dict[str, str] | str:
    """`_format_group` in a worker process: its files, or the message of the error it stopped at."""
    try:
        return _format_group(paths, verify, _Workers(workers=1))
    except GeneratorError as error:
        return error.problems[0].message


@dataclass(frozen=True)
class _Laid:
    """A file `layout.settle` vouched for: its text in black's layout, each pending statement still as one line
    (the text parses, that line and all), and those lines by line number in the text."""

    text: str
    pending: dict[int, tuple[str, str]]

    def with_pending(self, laid_out: dict[tuple[str, str], str]) -> str:
        lines = self.text.split("\n")
        for number, key in self.pending.items():
            lines[number] = laid_out[key]
        return "\n".join(lines)


def _settled(path: str) -> _Laid | None:
    """The file settled and parsed (`_checked`), or None: black formats it whole."""
    result = settle(_FILES[path])
    if result is None:
        return None
    # A line laid out over several lines is one item of `result.lines`: the pending statements by line number.
    pending: dict[int, tuple[str, str]] = {}
    number = 0
    for index, line in enumerate(result.lines):
        if index in result.pending:
            pending[number] = result.pending[index]
        number += line.count("\n") + 1
    return _Laid(_checked(path, "\n".join(result.lines)), pending)


def _groups(paths: list[str], files: Mapping[str, str], workers: int) -> list[list[str]]:
    """`paths` in runs of about equal text, a few per worker so that one slow run does not hold the others up."""
    size = max(sum(len(files[path]) for path in paths) // (workers * 4), 1)
    return _runs(paths, size, lambda path: len(files[path]))


_T = TypeVar("_T")


def _runs(items: list[_T], size: int, length: Callable[[_T], int]) -> list[list[_T]]:
    """`items` in order, cut into runs of about `size` (each item counting `length(item)`)."""
    runs: list[list[_T]] = []
    filled = size
    for item in items:
        if filled >= size:
            runs.append([])
            filled = 0
        runs[-1].append(item)
        filled += length(item)
    return runs


_CHUNK_CHARACTERS = 12_000  # of pending statements per black call: small enough to share across the cores
PARALLEL_CHARACTERS = 60_000  # of black's input below which worker processes cost more than they save


def _chunks(pending: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """`pending` (sorted) in runs of about `_CHUNK_CHARACTERS`; each statement is laid out on its own, so the
    chunks give black's layout of each whatever the cut."""
    return _runs(pending, _CHUNK_CHARACTERS, lambda item: len(item[1]))


def _lay_out_chunk(chunk: list[tuple[str, str]]) -> dict[tuple[str, str], str] | None:
    import black

    try:
        return lay_out_pending(chunk, format_with_black)
    except black.parsing.InvalidInput:
        return None


def _merged(parts: list[dict[tuple[str, str], str] | None]) -> dict[tuple[str, str], str] | None:
    merged: dict[tuple[str, str], str] = {}
    for part in parts:
        if part is None:
            return None
        merged |= part
    return merged


def _checked(path: str, text: str) -> str:
    """`text` (laid out without black), parsed as Python: black would have refused a file that does not parse,
    and nothing else parses these files before they are written."""
    try:
        compile(text, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        raise GeneratorError(
            Problem(f"internal error: generated {path} is not valid Python: {exc}"), exit_code=EXIT_INTERNAL
        ) from None
    return text


_R = TypeVar("_R")


class _Results(Generic[_R]):
    """The results of `_Workers.map`, in the order of its calls; `result()` waits for them."""

    def __init__(self, done: list[_R], futures: list[Future[_R]], advance: Callable[[], None] | None) -> None:
        self._done, self._futures, self._advance = done, futures, advance

    def extend(self, other: _Results[_R]) -> None:
        self._done += other._done
        self._futures += other._futures

    def each(self) -> Iterator[_R]:
        """The results one by one, in order, each as soon as it is there."""
        yield from self._done
        for future in self._futures:
            yield future.result()

    def result(self) -> list[_R]:
        results = list(self._done)
        for future in self._futures:
            results.append(future.result())
            if self._advance is not None:
                self._advance()
        return results


class _Workers:
    """Runs the format stage's work in this process, or, once `start` is told the work is large and there are
    several cores, in a pool of worker processes forked once black is imported here."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or min(os.cpu_count() or 1, 8)
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> _Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    def start(self, large: bool) -> None:
        """Start the pool, if the work is `large`, there are several cores and processes can be forked."""
        if self._pool is None and large and self.workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            import black  # noqa: F401 - imported once, here, for every worker to inherit

            context = multiprocessing.get_context("fork")
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context, initializer=_end_on_sigterm)

    def map(
        self, function: Callable[..., _R], calls: list[tuple[Any, ...]], advance: Callable[[], None] | None = None
    ) -> _Results[_R]:
        """`function(*call)` for each call: run now, or submitted to the pool (then `advance` is called as each
        result is taken)."""
        if self._pool is None:
            results = []
            for call in calls:
                results.append(function(*call))
                if advance is not None:
                    advance()
            return _Results(results, [], None)
        return _Results([], [self._pool.submit(function, *call) for call in calls], advance)


def _end_on_sigterm() -> None:
    """In a formatting worker: SIGTERM ends it at once, not through the command line's handler (which raises in
    the main process so that the run reports it; in a worker that would only print a second traceback)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _format_one(path: str, text: str) -> tuple[str, str | None]:
    """(formatted text, None) or (original text, error message); plain values so it works in a worker."""
    import black

    try:
        return black.format_str(text, mode=black_mode()), None
    except black.parsing.InvalidInput as exc:
        return text, str(exc)


def format_with_black(source: str) -> str:
    """Python source in the pinned black's layout, as the generated code is."""
    import black

    return black.format_str(source, mode=black_mode())
