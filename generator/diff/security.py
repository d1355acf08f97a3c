"""Changes to the credentials an operation accepts."""

from __future__ import annotations

from collections.abc import Mapping

from generator.diff.changes import Level
from generator.diff.comparison import Comparison, in_new
from generator.spec.nodes import Document, Location, Operation

Requirements = frozenset[frozenset[str]]


def compare_security(c: Comparison, subject: str, old: Operation, new: Operation, at: Location) -> None:
    before = _requirements(old, c.old.document)
    after = _requirements(new, c.new.document)
    if before == after:
        return
    if frozenset() in after or not after:
        level, what = Level.MINOR, "may now be called without credentials"
    elif before and before <= after:
        level, what = Level.MINOR, "accepts more kinds of credentials"
    else:
        level, what = Level.BREAKING, "requires different credentials"
    c.add(level, subject, f"{what}: {_text(before)} -> {_text(after)}", "security-changed", in_new(at))


def _requirements(op: Operation, document: Document) -> Requirements:
    """The alternatives of scheme names the operation accepts (its own, else the document's)."""
    written: tuple[Mapping[str, tuple[str, ...]], ...] | None = (
        op.security if op.security is not None else document.security
    )
    return frozenset(frozenset(alternative) for alternative in written or ())


def _text(requirements: Requirements) -> str:
    if not requirements:
        return "none"
    return " or ".join(sorted(" + ".join(sorted(r)) or "no credentials" for r in requirements))
