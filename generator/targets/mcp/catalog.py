"""The catalog of the API's operations, as the generated MCP server reads it (JSON package data).

One entry per operation the server can call: a stable tool name, how to reach the SDK method, the HTTP method and
path, read or write, the input JSON Schema under the SDK's argument names (built from the model's type tree), a
summary of the output, an example call and MCP annotations. Everything is data: the server code never changes
with the API, and no spec text is ever placed in code (json.dumps writes it).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from generator.errors import GeneratorError, Problem
from generator.model import types as t
from generator.model.ir import Api, Model, Operation, Parameter
from generator.targets.mcp.options import DEFAULT_PAGE_SIZE, McpNames, McpOptions

TOOL_NAME_MAX = 64  # MCP clients refuse longer tool names
DESCRIPTION_MAX = 1000  # characters of an operation's description kept in the catalog
FIELD_DESCRIPTION_MAX = 300  # of a parameter's or a property's
OUTPUT_FIELDS_MAX = 24  # fields named in an output summary
READ_METHODS = frozenset({"GET", "HEAD"})  # reads unless `read_operations` or `x-mcp` say otherwise
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
DRY_RUN = "dry_run"
EXTENSION = "x-mcp"  # an operation's own say: {kind: read|write, hidden, destructive, idempotent}
_EXTENSION_KEYS = {"kind": str, "hidden": bool, "destructive": bool, "idempotent": bool}

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass
class Excluded:
    operation: str  # METHOD /path
    reason: str


@dataclass
class Catalog:
    data: dict[str, Any]
    excluded: list[Excluded] = field(default_factory=list)

    @property
    def operations(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self.data["operations"]
        return result

    def json(self) -> str:
        return json.dumps(self.data, indent=1, ensure_ascii=False) + "\n"


def build_catalog(api: Api, options: McpOptions, names: McpNames) -> Catalog:
    models = {model.name: model for model in api.models}
    operations: list[dict[str, Any]] = []
    excluded: list[Excluded] = []
    taken: set[str] = set()
    for operation in api.operations:
        hints = extension_hints(operation)
        reason = "hidden by its x-mcp extension" if hints.get("hidden") else _unsupported(operation)
        if reason is not None:
            excluded.append(Excluded(f"{operation.http_method} {operation.path}", reason))
            continue
        entry = _entry(operation, _tool_name(operation, taken), models, options, hints)
        operations.append(entry)
    data = {
        "server": {"name": names.distribution, "title": f"{api.title} MCP server", "version": api.version},
        "sdk": _sdk(api),
        "defaults": {
            "allow": list(options.allow),
            "deny": list(options.deny),
            "allow_writes": options.allow_writes,
            "require_dry_run": options.require_dry_run,
            "per_operation_tools_max": options.per_operation_tools_max,
            "max_result_bytes": options.max_result_bytes,
            "page_size": DEFAULT_PAGE_SIZE,
        },
        "operations": operations,
    }
    return Catalog(data, excluded)


def _sdk(api: Api) -> dict[str, Any]:
    return {
        "package": api.package,
        "client": api.async_client_name,
        "base_url_env": api.base_url_env,
        "credentials": [
            {"argument": c.name, "env": c.env_var, "kind": c.kind, "header": _secret_header(c.kind, c.wire_name)}
            | ({"query": c.wire_name} if c.kind == "query" else {})
            for c in api.credentials
        ],
    }


def _secret_header(kind: str, wire_name: str | None) -> str | None:
    """The header a credential travels in (redacted from dry runs), if it travels in one."""
    if kind in ("bearer", "basic", "basic_password"):
        return "Authorization"
    return wire_name if kind == "header" else None


def _unsupported(operation: Operation) -> str | None:
    """Why an operation cannot be called with JSON arguments and a JSON result, if it cannot."""
    if any(t.contains_file(p.type.tree) for p in operation.parameters):
        return "takes a file upload"
    if operation.stream is not None and operation.stream.switch is None:
        return "answers with an event stream"
    return None


def _tool_name(operation: Operation, taken: set[str]) -> str:
    """`<resource path>_<method>`: stable while the SDK's names are, unique, within 64 characters."""
    full = _UNSAFE_NAME.sub("_", "_".join((*operation.resource_path, operation.name)))
    name = full
    if len(name) > TOOL_NAME_MAX or name in taken:
        digest = hashlib.sha256(f"{operation.http_method} {operation.path} {full}".encode()).hexdigest()[:8]
        name = f"{full[: TOOL_NAME_MAX - 9]}_{digest}"
    taken.add(name)
    return name


def extension_hints(operation: Operation) -> dict[str, Any]:
    """The operation's `x-mcp` extension, checked: a wrong one is an error naming its file and pointer."""
    value = operation.extensions.get(EXTENSION)
    if value is None:
        return {}
    file, _, pointer = operation.source.partition("#")
    where = f"{pointer}/{EXTENSION}"
    if not isinstance(value, dict):
        raise GeneratorError(
            Problem(f"{EXTENSION} must be an object (kind, hidden, destructive, idempotent)", file, where)
        )
    problems = []
    for key, item in value.items():
        expected = _EXTENSION_KEYS.get(key)
        if expected is None:
            problems.append(
                Problem(f"unknown key {key!r} (known: {', '.join(_EXTENSION_KEYS)})", file, f"{where}/{key}")
            )
        elif not isinstance(item, expected) or (key == "kind" and item not in ("read", "write")):
            wanted = "read or write" if key == "kind" else "true or false"
            problems.append(Problem(f"{EXTENSION}.{key} must be {wanted}", file, f"{where}/{key}"))
    if problems:
        raise GeneratorError(problems)
    return dict(value)


def _entry(
    operation: Operation, name: str, models: dict[str, Model], options: McpOptions, hints: dict[str, Any]
) -> dict[str, Any]:
    where = {
        "name": name,
        "call": [*operation.resource_path, operation.name],
        "method": operation.http_method,
        "path": operation.path,
    }
    read = operation.http_method in READ_METHODS or rule_matches(options.read_operations, where)
    if "kind" in hints:
        read = hints["kind"] == "read"
    arguments = [p for p in operation.parameters if not _is_stream_switch(operation, p)]
    entry: dict[str, Any] = {
        **where,
        "kind": "read" if read else "write",
        "summary": _one_line(operation.summary or operation.description or f"{operation.http_method} {operation.path}"),
        "description": _clip(operation.description or "", DESCRIPTION_MAX),
        "deprecated": operation.deprecated,
        "input_schema": input_schema(arguments, models),
        "output": output_summary(operation, models),
        "example": {p.name: p.example for p in arguments if p.required or p.in_example},
        "annotations": {
            "title": _clip(_one_line(operation.summary or name), 120),
            "readOnlyHint": read,
            "destructiveHint": hints.get("destructive", not read and operation.http_method in ("DELETE", "PUT")),
            "idempotentHint": hints.get("idempotent", read or operation.http_method in IDEMPOTENT_METHODS),
            "openWorldHint": True,
        },
        "dry_run_argument": _dry_run_argument(arguments),
    }
    if operation.pagination is not None:
        # The runtime's next page is a set of query parameters (wire names): the agent passes them back under
        # the SDK's argument names.
        entry["page_arguments"] = {p.wire_name: p.name for p in arguments if p.location == "query"}
    return entry


def _is_stream_switch(operation: Operation, parameter: Parameter) -> bool:
    return operation.stream is not None and operation.stream.switch == parameter.name


def _dry_run_argument(arguments: list[Parameter]) -> str:
    """The name of the one-tool-per-operation tools' dry-run flag: `dry_run`, unless the API takes one."""
    names = {p.name for p in arguments}
    candidate = DRY_RUN
    while candidate in names:
        candidate = "_" + candidate
    return candidate


def rule_matches(rules: tuple[str, ...], entry: dict[str, Any]) -> bool:
    """Whether a catalog entry matches one of the rules, as the server reads them (templates/catalog.py
    `Rule`): `METHOD /path-glob`, or a glob of the SDK path or of the tool name."""
    for rule in rules:
        method, _, path = rule.strip().partition(" ")
        if path.strip():
            if fnmatchcase(entry["method"], method.upper()) and fnmatchcase(entry["path"], path.strip()):
                return True
        elif fnmatchcase(".".join(entry["call"]), rule.strip()) or fnmatchcase(entry["name"], rule.strip()):
            return True
    return False


# --- JSON Schema of the arguments ------------------------------------------------------------------------------


def input_schema(arguments: list[Parameter], models: dict[str, Model]) -> dict[str, Any]:
    """The JSON Schema of an operation's arguments, keyed by the SDK's argument names; request objects are in
    `$defs`, keyed as the SDK's TypedDicts are."""
    defs: dict[str, Any] = {}
    properties: dict[str, Any] = {}
    for parameter in arguments:
        schema = _schema(parameter.type.tree, models, defs)
        description = _clip(_one_line(parameter.description or ""), FIELD_DESCRIPTION_MAX)
        schema["description"] = f"{description} {_where(parameter)}" if description else _where(parameter)
        if parameter.deprecated:
            schema["deprecated"] = True
        properties[parameter.name] = schema
    result: dict[str, Any] = {"type": "object", "properties": properties}
    required = [p.name for p in arguments if p.required]
    if required:
        result["required"] = required
    result["additionalProperties"] = False
    if defs:
        result["$defs"] = defs
    return result


def _where(parameter: Parameter) -> str:
    """Where an argument goes, and its wire name when the SDK's differs: (body property `birthDate`)."""
    if parameter.location == "body" and parameter.name == "body":
        return "(body)"
    kind = "body property" if parameter.location == "body" else f"{parameter.location} parameter"
    renamed = f" `{parameter.wire_name}`" if parameter.wire_name != parameter.name else ""
    return f"({kind}{renamed})"


def _schema(tree: t.Type, models: dict[str, Model], defs: dict[str, Any]) -> dict[str, Any]:  # noqa: PLR0911
    if isinstance(tree, t.Primitive):
        return _primitive(tree)
    if isinstance(tree, t.Const):
        return {"const": tree.values[0]} if len(tree.values) == 1 else {"enum": list(tree.values)}
    if isinstance(tree, t.ListOf):
        return {"type": "array", "items": _schema(tree.item, models, defs)}
    if isinstance(tree, t.MapOf):
        return {"type": "object", "additionalProperties": _schema(tree.value, models, defs)}
    if isinstance(tree, t.Union):
        return _any_of([_schema(member, models, defs) for member in tree.members])
    if isinstance(tree, t.ModelRef):
        _define(tree.name, models, defs)
        return {"$ref": f"#/$defs/{tree.name}"}
    if isinstance(tree, t.NoneType):
        return {"type": "null"}
    return {}  # any JSON value


def _any_of(members: list[dict[str, Any]]) -> dict[str, Any]:
    """A union's schema. The SDK takes a date or its text (`str | date`): in JSON both are a string, so a
    plain string beside a formatted one is dropped, leaving the format as the hint."""
    if any(m.get("type") == "string" and "format" in m for m in members):
        members = [m for m in members if m != {"type": "string"}]
    unique = [m for i, m in enumerate(members) if m not in members[:i]]
    return unique[0] if len(unique) == 1 else {"anyOf": unique}


def _primitive(tree: t.Primitive) -> dict[str, Any]:
    kind = "string" if tree.kind == "bytes" else tree.kind
    schema: dict[str, Any] = {"type": kind}
    if tree.format is not None and kind == "string":
        schema["format"] = tree.format
    return schema


def _define(name: str, models: dict[str, Model], defs: dict[str, Any]) -> None:
    """Adds a model to `$defs` once (a recursive one refers to itself)."""
    if name in defs:
        return
    model = models.get(name)
    if model is None:
        defs[name] = {}
        return
    defs[name] = {}  # placed first, so that a model reaching itself finds it
    if model.alias is not None:
        defs[name] = _schema(model.alias.tree, models, defs)
        return
    properties: dict[str, Any] = {}
    for f in model.fields:
        schema = _schema(f.type.tree, models, defs)
        description = _clip(_one_line(f.description or ""), FIELD_DESCRIPTION_MAX)
        properties[f.name] = {**schema, "description": description} if description else schema
    result: dict[str, Any] = {"type": "object", "properties": properties}
    required = [f.name for f in model.fields if f.required]
    if required:
        result["required"] = required
    defs[name] = result


# --- what an operation returns, in a line ------------------------------------------------------------------------


def output_summary(operation: Operation, models: dict[str, Model]) -> str:
    if operation.pagination is not None:
        item = type_name(operation.pagination.item.tree)
        fields = _fields_summary(operation.pagination.item.tree, models)
        return f"one page of {item} items{fields}, and the arguments that ask for the next page"
    tree = operation.return_type.tree
    if isinstance(tree, t.NoneType):
        return "nothing (a success status)"
    return type_name(tree) + _fields_summary(tree, models)


def _fields_summary(tree: t.Type, models: dict[str, Model]) -> str:
    model = models.get(tree.name) if isinstance(tree, t.ModelRef) else None
    if model is None or not model.fields:
        return ""
    shown = [f"{f.wire_name}: {type_name(f.type.tree)}" for f in model.fields[:OUTPUT_FIELDS_MAX]]
    more = len(model.fields) - len(shown)
    return " {" + ", ".join(shown) + (f", ... {more} more" if more else "") + "}"


def type_name(tree: t.Type) -> str:  # noqa: PLR0911
    """A short, language-neutral name of a type, for summaries: `list[Invoice]`, `string | null`."""
    if isinstance(tree, t.Primitive):
        return "string" if tree.kind == "bytes" else tree.kind
    if isinstance(tree, t.Const):
        return " | ".join(json.dumps(v) for v in tree.values)
    if isinstance(tree, t.ListOf):
        return f"list[{type_name(tree.item)}]"
    if isinstance(tree, t.MapOf):
        return f"map[string, {type_name(tree.value)}]"
    if isinstance(tree, t.Union):
        return " | ".join(type_name(member) for member in tree.members)
    if isinstance(tree, t.ModelRef):
        return tree.name
    if isinstance(tree, t.NoneType):
        return "null"
    return "any"


def _one_line(text: str) -> str:
    """The first paragraph, on one line."""
    return " ".join(text.strip().split("\n\n", 1)[0].split())


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."
