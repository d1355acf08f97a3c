"""The state of one comparison: both sides, the changes recorded so far, and the schema pairs already compared."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.diff.changes import Change, Level, SideName
from generator.diff.sides import Side
from generator.spec.nodes import Location


@dataclass
class Comparison:
    old: Side
    new: Side
    changes: list[Change] = field(default_factory=list)
    # (old schema, new schema, direction, what it is): a schema reached twice the same way is compared once
    seen: set[tuple[str, str, str, str]] = field(default_factory=set)

    def add(self, level: Level, subject: str, message: str, rule: str, location: Location, side: SideName) -> None:
        place = (self.new if side == "new" else self.old).place(location)
        self.changes.append(Change(level.rank, subject, message, rule, place, side))
