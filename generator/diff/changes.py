"""What a change is and how serious: the levels, one recorded change, and grouping by level."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Literal

Direction = Literal["request", "response"]
SideName = Literal["old", "new"]


class Level(Enum):
    BREAKING = "breaking"
    POSSIBLY_BREAKING = "possibly breaking"
    MINOR = "minor"
    PATCH = "patch"

    @property
    def rank(self) -> int:
        return _RANKS[self]


_RANKS = {Level.BREAKING: 3, Level.POSSIBLY_BREAKING: 2, Level.MINOR: 1, Level.PATCH: 0}


@dataclass(frozen=True)
class Change:
    """One difference. `location` is a JSON pointer (with its file when that is not the entry file)."""

    level_rank: int  # Level.rank: 3 breaking ... 0 patch
    subject: str  # the SDK thing concerned: `end_users.delete`, `EndUser.email`, `client`
    message: str
    rule: str  # stable identifier of the rule, for --json consumers and tests
    location: str
    side: SideName  # which document `location` is in

    @property
    def level(self) -> Level:
        return next(level for level, rank in _RANKS.items() if rank == self.level_rank)

    def text(self) -> str:
        return f"{self.subject}: {self.message} ({self.level.value})"


def group_by_level(changes: Iterable[Change]) -> dict[Level, list[Change]]:
    grouped: dict[Level, list[Change]] = {level: [] for level in Level}
    for change in changes:
        grouped[change.level].append(change)
    return grouped


def highest(changes: Iterable[Change]) -> Level | None:
    ranks = [c.level_rank for c in changes]
    return next(level for level, rank in _RANKS.items() if rank == max(ranks)) if ranks else None


def ordered(changes: Iterable[Change]) -> list[Change]:
    """Breaking first, each change listed once."""
    return sorted(set(changes), key=lambda c: (-c.level_rank, c.subject, c.message, c.location))
