"""What a long run is doing, on stderr: one line per finished stage, and a live counter on a terminal.

Every stage that finishes prints `timing: STAGE SECONDS s` (with a note in parentheses for some), once
the run has lasted `after` seconds: a quick run prints nothing, a long one prints the stages it already
went through at that moment and every later one as it ends, then `timing: total SECONDS s`. These lines
are the same whether stderr is a terminal or not, so a log can be parsed. Only on a terminal, a stage
that counts its work (rendering modules, formatting files) also shows `STAGE DONE/TOTAL` on a line it
keeps rewriting, erased before the next line is printed.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

AFTER_SECONDS = 2.0
REFRESH_SECONDS = 0.1


class Progress:
    def __init__(self, stream: TextIO | None = None, after: float = AFTER_SECONDS, live: bool | None = None) -> None:
        self.stream = stream
        self.after = after
        self.live = bool(live if live is not None else stream is not None and stream.isatty())
        self.started = time.perf_counter()
        self.timings: list[tuple[str, float, str]] = []  # (stage, seconds, note), every finished stage
        self._printed = 0  # how many of `timings` are on the stream
        self._stage = ""
        self._done = 0
        self._total: int | None = None
        self._drawn = 0.0  # when the live line was last drawn; 0: no live line on screen

    @contextmanager
    def stage(self, name: str, total: int | None = None) -> Iterator[None]:
        outer = (self._stage, self._done, self._total)
        self._stage, self._done, self._total = name, 0, total
        started = time.perf_counter()
        try:
            yield
        finally:
            self._stage, self._done, self._total = outer
            self.record(name, time.perf_counter() - started)

    def record(self, name: str, seconds: float, note: str = "") -> None:
        self.timings.append((name, seconds, note))
        self._flush()

    def total(self, total: int) -> None:
        self._total = total

    def advance(self, count: int = 1) -> None:
        self._done += count
        if self.live and self.stream is not None:
            now = time.perf_counter()
            if now - self._drawn >= REFRESH_SECONDS and now - self.started >= self.after:
                counter = f"{self._done}/{self._total}" if self._total is not None else str(self._done)
                self.stream.write(f"\r\x1b[K{self._stage} {counter}")
                self.stream.flush()
                self._drawn = now

    def finish(self) -> None:
        """The total, if the run printed its stages."""
        self._flush()
        if self._printed and self.stream is not None:
            self._write(f"timing: total {time.perf_counter() - self.started:.2f} s")

    def _flush(self) -> None:
        if self.stream is None or time.perf_counter() - self.started < self.after:
            return
        for name, seconds, note in self.timings[self._printed :]:
            self._write(f"timing: {name} {seconds:.2f} s" + (f" ({note})" if note else ""))
        self._printed = len(self.timings)

    def _write(self, line: str) -> None:
        assert self.stream is not None
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self._drawn = 0.0
        self.stream.write(line + "\n")
        self.stream.flush()


class _Silent(Progress):
    def record(self, name: str, seconds: float, note: str = "") -> None:
        pass  # shared by every caller that does not want progress: keeps nothing


SILENT = _Silent(None)


def for_command(quiet: bool) -> Progress:
    return Progress(None if quiet else sys.stderr, after=AFTER_SECONDS)
