"""The MCP target's options: the generated package's names and the safety defaults baked into its catalog."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.model.ir import Api

DEFAULT_PER_OPERATION_TOOLS_MAX = 16  # up to this many allowed operations: one tool each, else the three catalog tools
DEFAULT_MAX_RESULT_BYTES = 40_000  # a result past this is cut, with a note (about 10k tokens)
DEFAULT_PAGE_SIZE = 50  # entries per page of list_operations

_DISTRIBUTION_SUFFIX = re.compile(r"[-_.](py|python)$", re.IGNORECASE)
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
_PACKAGE = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass(frozen=True)
class McpOptions:
    """What the config's `targets.mcp` section may set; every field has a default derived from the API."""

    package_name: str | None = None  # import package: `<SDK package>_mcp`
    distribution_name: str | None = None  # `<SDK distribution without -py>-mcp`
    script_name: str | None = None  # console script: the distribution name
    allow: tuple[str, ...] = ("*",)  # rules an operation must match one of (docs/mcp.md: Rules)
    deny: tuple[str, ...] = ()  # rules that remove an operation even if allowed
    allow_writes: bool = False  # read-only by default: only GET and HEAD operations exist
    require_dry_run: bool = False  # writes only answer with the request they would send
    per_operation_tools_max: int = DEFAULT_PER_OPERATION_TOOLS_MAX
    max_result_bytes: int = DEFAULT_MAX_RESULT_BYTES
    read_operations: tuple[str, ...] = ()  # rules marking non-GET operations as reads (a POST search)


@dataclass(frozen=True)
class McpNames:
    package: str
    distribution: str
    script: str


def names(api: Api, options: McpOptions) -> McpNames:
    distribution = options.distribution_name or _DISTRIBUTION_SUFFIX.sub("", api.distribution) + "-mcp"
    return McpNames(
        package=options.package_name or f"{api.package}_mcp",
        distribution=distribution,
        script=options.script_name or distribution,
    )


_LISTS = ("allow", "deny", "read_operations")
_BOOLS = ("allow_writes", "require_dry_run")
_INTS = ("per_operation_tools_max", "max_result_bytes")
_NAMES = ("package_name", "distribution_name", "script_name")


def options_problems(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(key, message) for every key of a `targets.mcp` section that is unknown or of the wrong shape."""
    problems: list[tuple[str, str]] = []
    for key, value in values.items():
        if key in _LISTS:
            if not (isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)):
                problems.append((key, f"{key} must be a list of rules (strings such as 'GET /items/*')"))
        elif key in _BOOLS:
            if not isinstance(value, bool):
                problems.append((key, f"{key} must be true or false"))
        elif key in _INTS:
            if not (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
                problems.append((key, f"{key} must be a whole number, 0 or more"))
        elif key in _NAMES:
            pattern = _PACKAGE if key == "package_name" else _NAME
            if not (isinstance(value, str) and pattern.match(value)):
                problems.append((key, f"{key} must match {pattern.pattern}"))
        else:
            known = ", ".join(sorted((*_LISTS, *_BOOLS, *_INTS, *_NAMES)))
            problems.append((key, f"unknown key {key!r} (known: {known})"))
    return problems


def make_options(values: Mapping[str, Any]) -> McpOptions:
    """Options from a section `options_problems` found no problem in."""
    converted: dict[str, Any] = {key: tuple(value) if key in _LISTS else value for key, value in values.items()}
    return McpOptions(**converted)
