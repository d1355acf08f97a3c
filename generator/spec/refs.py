"""What following a `$ref` gives or raises: the bottom of the spec layer (load.py and limits.py both use it)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


class RefError(Exception):
    """A `$ref` that cannot be followed; the caller knows where the `$ref` stands."""


class RefCycleError(RefError):
    """`$ref`s that only refer to each other, round to the first: `places` (file, pointer) of each."""

    def __init__(self, message: str, places: list[tuple[Path, str]]) -> None:
        super().__init__(message)
        self.places = places


@dataclass(frozen=True)
class Target:
    """What a `$ref` (or a plain node) stands for: the value and where it lives."""

    value: Any
    file: Path
    pointer: str
