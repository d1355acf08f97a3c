"""Semantic versions: which part a set of changes bumps, and the bumped version."""

from __future__ import annotations

import re
from typing import Literal

from generator.diff import Level

Bump = Literal["major", "minor", "patch"]
_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


def bump_for(level: Level | None, version: str) -> Bump | None:
    """Breaking -> major (minor below 1.0, where the minor number carries breaking changes);
    possibly breaking and additions -> minor; documentation only -> patch; no change -> None."""
    if level is None:
        return None
    if level is Level.BREAKING:
        return "major" if parse(version)[0] >= 1 else "minor"
    if level in (Level.POSSIBLY_BREAKING, Level.MINOR):
        return "minor"
    return "patch"


def parse(version: str) -> tuple[int, int, int]:
    match = _VERSION.match(version)
    if match is None:
        raise ValueError(f"version {version!r} is not MAJOR.MINOR.PATCH")
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def bumped(version: str, bump: Bump) -> str:
    major, minor, patch = parse(version)
    if bump == "major":
        return f"{major + 1}.0.0"
    if bump == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"
