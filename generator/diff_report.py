"""A spec diff as text (terminal), JSON (tools) or Markdown (a pull-request comment)."""

from __future__ import annotations

import json
from typing import Any

from generator.diff import Change, Level, group_by_level, highest
from generator.versioning import Bump

_HEADINGS = {
    Level.BREAKING: "Breaking changes",
    Level.POSSIBLY_BREAKING: "Possibly breaking changes",
    Level.MINOR: "Additions (minor)",
    Level.PATCH: "Documentation and other patch-level changes",
}


def summary(changes: list[Change], bump: Bump | None) -> str:
    if not changes:
        return "no changes"
    grouped = group_by_level(changes)
    counts = ", ".join(f"{len(grouped[level])} {level.value}" for level in Level if grouped[level])
    return f"{len(changes)} changes: {counts}; version bump: {bump or 'none'}"


def as_text(old: str, new: str, changes: list[Change], bump: Bump | None) -> str:
    lines = [f"{old} -> {new}: {summary(changes, bump)}"]
    for level, items in group_by_level(changes).items():
        if items:
            lines += ["", f"{_HEADINGS[level]}:"]
            lines += [f"  {c.text()}\n      at {c.side} {c.location}" for c in items]
    return "\n".join(lines) + "\n"


def as_json(old: str, new: str, changes: list[Change], bump: Bump | None) -> str:
    document: dict[str, Any] = {
        "old": old,
        "new": new,
        "highest": level.value if (level := highest(changes)) else None,
        "bump": bump,
        "counts": {level.value: len(items) for level, items in group_by_level(changes).items()},
        "changes": [
            {
                "level": c.level.value,
                "rule": c.rule,
                "subject": c.subject,
                "message": c.message,
                "location": c.location,
                "side": c.side,
            }
            for c in changes
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def as_markdown(old: str, new: str, changes: list[Change], bump: Bump | None) -> str:
    lines = [f"### SDK changes: `{_code(old)}` → `{_code(new)}`", "", summary(changes, bump) + "."]
    for level, items in group_by_level(changes).items():
        if not items:
            continue
        lines += ["", f"#### {_HEADINGS[level]} ({len(items)})", ""]
        lines += [f"- `{_code(c.subject)}`: {_markdown(c.message)} <sub>{_markdown(c.location)}</sub>" for c in items]
    return "\n".join(lines) + "\n"


def changelog_lines(changes: list[Change]) -> list[str]:
    """Markdown bullets for a changelog entry, grouped like the report."""
    lines: list[str] = []
    for level, items in group_by_level(changes).items():
        if items:
            lines += [f"### {_HEADINGS[level]}", ""]
            lines += [f"- `{_code(c.subject)}`: {_markdown(c.message)}" for c in items]
            lines.append("")
    return lines


def _code(text: str) -> str:
    return text.replace("`", "'")


def _markdown(text: str) -> str:
    """Spec text is shown, never interpreted as HTML (names inside backticks stay readable)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")
