"""The operations this server offers: the generated catalog, narrowed by the rules it started with.

An operation the rules leave out does not exist for the agent: it is not listed, not described, not
a tool, and calling it fails exactly as calling a name that never existed does.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class Operation:
    """One catalog entry (docs/mcp.md of the generator says what each key means)."""

    name: str
    call: tuple[str, ...]
    method: str
    path: str
    kind: str  # "read" or "write"
    summary: str
    description: str
    deprecated: bool
    input_schema: dict[str, Any]
    output: str
    example: dict[str, Any]
    annotations: dict[str, Any]
    dry_run_argument: str
    page_arguments: dict[str, str] | None

    @property
    def sdk_path(self) -> str:
        """How the SDK reaches it: `end_users.delete`."""
        return ".".join(self.call)

    @property
    def is_write(self) -> bool:
        return self.kind != "read"

    @classmethod
    def from_entry(cls, entry: dict[str, Any]) -> Operation:
        return cls(
            name=entry["name"],
            call=tuple(entry["call"]),
            method=entry["method"],
            path=entry["path"],
            kind=entry["kind"],
            summary=entry["summary"],
            description=entry["description"],
            deprecated=entry["deprecated"],
            input_schema=entry["input_schema"],
            output=entry["output"],
            example=entry["example"],
            annotations=entry["annotations"],
            dry_run_argument=entry["dry_run_argument"],
            page_arguments=entry.get("page_arguments"),
        )


@dataclass(frozen=True)
class Rule:
    """`METHOD /path-glob` (`DELETE /end-users/*`, `* /admin/*`), or a glob of the SDK path or of
    the tool name (`end_users.*`, `*_list`). Globs are fnmatch's: `*` also crosses `/` and `.`."""

    text: str

    def matches(self, operation: Operation) -> bool:
        method, _, path = self.text.strip().partition(" ")
        if path.strip():
            return fnmatchcase(operation.method, method.upper()) and fnmatchcase(
                operation.path, path.strip()
            )
        pattern = self.text.strip()
        return fnmatchcase(operation.sdk_path, pattern) or fnmatchcase(operation.name, pattern)


@dataclass(frozen=True)
class Policy:
    """Which operations exist for the agent, and how writes behave."""

    allow: tuple[Rule, ...] = (Rule("*"),)
    deny: tuple[Rule, ...] = ()
    allow_writes: bool = False
    require_dry_run: bool = False

    def permits(self, operation: Operation) -> bool:
        if operation.is_write and not self.allow_writes:
            return False
        if not any(rule.matches(operation) for rule in self.allow):
            return False
        return not any(rule.matches(operation) for rule in self.deny)


@dataclass(frozen=True)
class Settings:
    """Everything the server was started with (the catalog's defaults, a config file, flags)."""

    policy: Policy
    max_result_bytes: int
    per_operation_tools_max: int
    page_size: int
    tools: str = "auto"  # "auto", "catalog" (three tools) or "per-operation" (one tool each)


@dataclass
class Catalog:
    """The generated catalog: the server's identity, how to reach the SDK, and every operation."""

    server: dict[str, Any]
    sdk: dict[str, Any]
    defaults: dict[str, Any]
    operations: list[Operation] = field(default_factory=list)

    @classmethod
    def load(cls) -> Catalog:
        text = (
            resources.files(__name__.rpartition(".")[0])
            .joinpath("catalog.json")
            .read_text(encoding="utf-8")
        )
        data = json.loads(text)
        return cls(
            server=data["server"],
            sdk=data["sdk"],
            defaults=data["defaults"],
            operations=[Operation.from_entry(entry) for entry in data["operations"]],
        )

    def allowed(self, policy: Policy) -> Offered:
        return Offered(
            [operation for operation in self.operations if policy.permits(operation)], policy
        )


@dataclass
class Offered:
    """The operations the rules let through: the only ones the tools know."""

    operations: list[Operation]
    policy: Policy

    def __post_init__(self) -> None:
        self._by_name = {operation.name: operation for operation in self.operations}

    def get(self, name: str) -> Operation | None:
        return self._by_name.get(name)

    def search(self, query: str | None, resource: str | None) -> list[Operation]:
        """Operations whose name, path or summary hold `query`'s words, below `resource`."""
        found: Iterable[Operation] = self.operations
        if resource:
            prefix = resource.strip(".")
            found = [
                op for op in found if op.sdk_path == prefix or op.sdk_path.startswith(prefix + ".")
            ]
        if query:
            words = query.lower().split()
            found = [op for op in found if all(word in _haystack(op) for word in words)]
        return list(found)


def _haystack(operation: Operation) -> str:
    op = operation
    return f"{op.name} {op.sdk_path} {op.method} {op.path} {op.summary}".lower()


def page(
    items: Sequence[Operation], cursor: str | None, size: int
) -> tuple[list[Operation], str | None]:
    """One page of `items` from `cursor` (an offset written as text), and the next page's cursor."""
    start = int(cursor) if cursor and cursor.isdigit() else 0
    end = start + size
    return list(items[start:end]), str(end) if end < len(items) else None
