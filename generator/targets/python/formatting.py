"""Black's layout for every Python file the target writes: laid out by the templates (layout.py) where they can
vouch for it, by the pinned black otherwise (in a process pool on large projects), never twice for one text.

The copied runtime modules are already in black's layout (tests/test_speed.py proves it), so only rendered
Python goes through black, and not even that when an earlier run's manifest vouches for the result (`format
keys`). black is imported when first needed.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import signal
from collections.abc import Mapping
from functools import cache, lru_cache
from typing import TYPE_CHECKING

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
    keys = {path: format_key(text) for path, text in files.items() if path.endswith(".py") and path not in static}
    formatted: dict[str, str] = {}
    if not verify:
        formatted = {path: cache[key] for path, key in keys.items() if key in cache}
        formatted |= _settled({path: files[path] for path in keys if path not in formatted})
    python = [path for path in keys if path not in formatted]
    progress.total(len(python))
    workers = min(os.cpu_count() or 1, 8)
    if workers > 1 and len(python) >= PARALLEL_FORMAT_THRESHOLD:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=workers, initializer=_end_on_sigterm) as pool:
            results = []
            for result in pool.map(_format_one, python, [files[p] for p in python], chunksize=8):
                results.append(result)
                progress.advance()
    else:
        results = []
        for path in python:
            results.append(_format_one(path, files[path]))
            progress.advance()
    for path, (text, error) in zip(python, results, strict=True):
        if error is not None:
            # The generator produced invalid Python: a bug in the generator, never in the spec.
            raise GeneratorError(
                Problem(f"internal error: generated {path} is not valid Python: {error}"), exit_code=EXIT_INTERNAL
            )
        formatted[path] = text
    merged = {**files, **formatted}
    return Rendered({path: merged[path] for path in sorted(merged)}, keys)


def _settled(files: Mapping[str, str]) -> dict[str, str]:
    """The files `layout.settle` lays out in black's layout, their few pending long statements laid out
    by black in one batch (generator/layout.py); the others are left for black to format whole."""
    settled = {path: result for path, text in files.items() if (result := settle(text)) is not None}
    pending = [line for result in settled.values() for line in result.pending.values()]
    laid_out: dict[tuple[str, str], str] | None = {}
    if pending:
        import black

        try:
            laid_out = lay_out_pending(pending, format_with_black)
        except black.parsing.InvalidInput:
            laid_out = None
    if laid_out is None:
        settled = {path: result for path, result in settled.items() if not result.pending}
        laid_out = {}
    texts = {path: result.text(laid_out) for path, result in settled.items()}
    for path, text in texts.items():
        try:  # black would have refused it; nothing else parses these files before they are written
            compile(text, path, "exec", dont_inherit=True)
        except (SyntaxError, ValueError) as exc:
            raise GeneratorError(
                Problem(f"internal error: generated {path} is not valid Python: {exc}"), exit_code=EXIT_INTERNAL
            ) from None
    return texts


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
