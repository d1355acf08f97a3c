"""The state of one comparison: both sides, the changes recorded so far, and the schema pairs already compared."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.diff.changes import Change, Level, SideName
from generator.diff.sides import Side
from generator.diff.where import Where
from generator.spec.nodes import Location


@dataclass(frozen=True)
class At:
    """Where a change is shown: a place in the old or the new document."""

    location: Location
    side: SideName


def in_old(location: Location) -> At:
    return At(location, "old")


def in_new(location: Location) -> At:
    return At(location, "new")


@dataclass
class Comparison:
    old: Side
    new: Side
    changes: list[Change] = field(default_factory=list)
    # (old schema, new schema, direction, what it is): a schema reached twice the same way is compared once
    seen: set[tuple[str, str, str, str]] = field(default_factory=set)
    # (old schema, new schema, direction) being compared now, below which the same pair again is a cycle: a
    # recursive schema (a comment whose replies are comments) would otherwise be walked with ever longer labels
    descending: set[tuple[str, str, str]] = field(default_factory=set)

    def add(self, level: Level, subject: str, message: str, rule: str, at: At) -> None:
        place = (self.new if at.side == "new" else self.old).place(at.location)
        self.changes.append(Change(level.rank, subject, message, rule, place, at.side))

    def report(self, where: Where, level: Level, message: str, rule: str, at: At) -> None:
        """A change to the thing at `where`; inside a model the field is the subject: `EndUser.email`."""
        subject, thing = where.subject_and_thing()
        self.add(level, subject, f"{thing} {message}" if thing else message, rule, at)
