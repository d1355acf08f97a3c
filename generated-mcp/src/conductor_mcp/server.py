"""The MCP server: its command line, its tools, and the stdio and Streamable HTTP transports.

Tools: with few operations allowed, one tool per operation; otherwise three tools that reach every
allowed operation without listing them all up front: `list_operations`, `describe_operation` and
`call_operation`.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from typing import Any

import anyio
import mcp_types as types
from mcp.server.lowlevel import Server

from .calls import Caller, Outcome, RedactingFilter
from .catalog import Catalog, Offered, Operation, Policy, Rule, Settings, page

logger = logging.getLogger(__package__)

LIST_OPERATIONS = "list_operations"
DESCRIBE_OPERATION = "describe_operation"
CALL_OPERATION = "call_operation"


def main(argv: Sequence[str] | None = None) -> None:
    catalog = Catalog.load()
    args = _parser(catalog).parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactingFilter())
    try:
        settings = _settings(catalog, args)
    except (OSError, ValueError) as exc:
        print(f"{catalog.server['name']}: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    offered = catalog.allowed(settings.policy)
    if args.list:
        for operation in offered.operations:
            print(f"{operation.name}\t{operation.kind}\t{operation.method} {operation.path}")
        return
    tools = Tools(catalog, offered, settings)
    logger.info(
        "%d of %d operations allowed; %s tools",
        len(offered.operations),
        len(catalog.operations),
        "one per operation" if tools.per_operation else "catalog",
    )
    if args.transport == "http":
        _serve_http(tools, args.host, args.port)
    else:
        anyio.run(_serve_stdio, tools)


def _parser(catalog: Catalog) -> argparse.ArgumentParser:
    defaults = catalog.defaults
    parser = argparse.ArgumentParser(
        prog=catalog.server["name"],
        description=f"{catalog.server['title']}: the API's operations as MCP tools.",
    )
    parser.add_argument("--transport", choices=("stdio", "http"), default="stdio")
    parser.add_argument("--host", default="127.0.0.1", help="HTTP: the address to bind")
    parser.add_argument("--port", type=int, default=8000, help="HTTP: the port to bind")
    parser.add_argument(
        "--config", help="a JSON file with allow, deny, allow_writes, require_dry_run, ..."
    )
    parser.add_argument(
        "--allow",
        action="append",
        metavar="RULE",
        help=f"offer only the operations a rule matches (repeatable; default {defaults['allow']})",
    )
    parser.add_argument(
        "--deny", action="append", metavar="RULE", help="never offer what this rule matches"
    )
    parser.add_argument(
        "--allow-writes",
        action="store_true",
        default=None,
        help="offer operations that change data (default: only reads)",
    )
    parser.add_argument(
        "--require-dry-run",
        action="store_true",
        default=None,
        help="writes only show the request they would send",
    )
    parser.add_argument("--tools", choices=("auto", "catalog", "per-operation"), default=None)
    parser.add_argument("--max-result-bytes", type=int, default=None)
    parser.add_argument("--list", action="store_true", help="print the allowed operations and exit")
    return parser


def _settings(catalog: Catalog, args: argparse.Namespace) -> Settings:
    """The catalog's defaults, then the config file's values, then the flags."""
    values: dict[str, Any] = dict(catalog.defaults)
    values["tools"] = "auto"
    if args.config:
        with open(args.config, encoding="utf-8") as file:
            try:
                config = json.load(file)
            except ValueError as exc:
                raise ValueError(f"{args.config} is not JSON: {exc}") from None
        if not isinstance(config, dict):
            raise ValueError(f"{args.config} must hold a JSON object")
        _check_config(config, args.config)
        values |= config
    flags = {
        "allow": args.allow,
        "deny": (values["deny"] + args.deny) if args.deny else None,
        "allow_writes": args.allow_writes,
        "require_dry_run": args.require_dry_run,
        "tools": args.tools,
        "max_result_bytes": args.max_result_bytes,
    }
    values |= {key: value for key, value in flags.items() if value is not None}
    policy = Policy(
        allow=tuple(Rule(text) for text in values["allow"]),
        deny=tuple(Rule(text) for text in values["deny"]),
        allow_writes=bool(values["allow_writes"]),
        require_dry_run=bool(values["require_dry_run"]),
    )
    return Settings(
        policy=policy,
        max_result_bytes=int(values["max_result_bytes"]),
        per_operation_tools_max=int(values["per_operation_tools_max"]),
        page_size=int(values["page_size"]),
        tools=str(values["tools"]),
    )


_CONFIG_KINDS = {
    "allow": "a list of rules",
    "deny": "a list of rules",
    "allow_writes": "true or false",
    "require_dry_run": "true or false",
    "tools": "auto, catalog or per-operation",
    "max_result_bytes": "a whole number",
    "per_operation_tools_max": "a whole number",
    "page_size": "a whole number, 1 or more",
}


def _check_config(config: dict[str, Any], path: str) -> None:
    """Each key of a config file known and of its kind: a wrong one stops the server, naming it (a
    string where a list of rules belongs must not become one rule per character)."""
    for key, value in config.items():
        kind = _CONFIG_KINDS.get(key)
        if kind is None:
            raise ValueError(f"{path}: unknown key {key!r} (known: {', '.join(_CONFIG_KINDS)})")
        if kind == "a list of rules":
            fits = isinstance(value, list) and all(isinstance(rule, str) for rule in value)
        elif kind == "true or false":
            fits = isinstance(value, bool)
        elif key == "tools":
            fits = value in ("auto", "catalog", "per-operation")
        else:
            fits = (
                isinstance(value, int)
                and not isinstance(value, bool)
                and value >= (key == "page_size")
            )
        if not fits:
            raise ValueError(f"{path}: {key} must be {kind}, not {json.dumps(value)}")


class Tools:
    """The tools over the allowed operations, and what each call does."""

    def __init__(self, catalog: Catalog, offered: Offered, settings: Settings) -> None:
        self.catalog = catalog
        self.offered = offered
        self.settings = settings
        self.caller = Caller(catalog.sdk, settings.max_result_bytes)
        if settings.tools == "auto":
            self.per_operation = len(offered.operations) <= settings.per_operation_tools_max
        else:
            self.per_operation = settings.tools == "per-operation"

    def list(self) -> list[types.Tool]:
        if self.per_operation:
            return [self._operation_tool(operation) for operation in self.offered.operations]
        return _catalog_tools()

    def _operation_tool(self, operation: Operation) -> types.Tool:
        schema = json.loads(json.dumps(operation.input_schema))
        if operation.is_write:
            schema["properties"][operation.dry_run_argument] = {
                "type": "boolean",
                "description": "Only show the HTTP request this call would send; send nothing.",
            }
        description = operation.summary
        if operation.description and operation.description != operation.summary:
            description += "\n\n" + operation.description
        description += f"\n\n{operation.method} {operation.path}. Returns {operation.output}."
        return types.Tool(
            name=operation.name,
            description=description,
            input_schema=schema,
            annotations=types.ToolAnnotations.model_validate(operation.annotations),
        )

    async def call(
        self, name: str, arguments: dict[str, Any], authorization: str | None
    ) -> Outcome:
        from_environment = authorization is None
        if self.per_operation:
            operation = self.offered.get(name)
            if operation is None:
                return Outcome(_unknown_tool(name), is_error=True)
            arguments = dict(arguments)
            dry_run = bool(arguments.pop(operation.dry_run_argument, False))
            return await self._call(operation, arguments, dry_run, authorization, from_environment)
        if name == LIST_OPERATIONS:
            return self._list_operations(arguments)
        if name == DESCRIBE_OPERATION:
            return self._describe(arguments)
        if name == CALL_OPERATION:
            operation = self.offered.get(str(arguments.get("name", "")))
            if operation is None:
                return Outcome(_unknown_operation(arguments.get("name")), is_error=True)
            dry_run = arguments.get("dry_run", False) is True
            operation_arguments = arguments.get("arguments") or {}
            return await self._call(
                operation, operation_arguments, dry_run, authorization, from_environment
            )
        return Outcome(_unknown_tool(name), is_error=True)

    async def _call(
        self,
        operation: Operation,
        arguments: Any,
        dry_run: bool,
        authorization: str | None,
        from_environment: bool,
    ) -> Outcome:
        try:
            checked = self.caller.check_arguments(operation, arguments)
        except Exception as exc:  # noqa: BLE001 - reported to the agent
            return Outcome(str(exc), is_error=True)
        if operation.is_write and self.settings.policy.require_dry_run and not dry_run:
            return Outcome(
                f"{operation.name} changes data, and this server only previews such calls:"
                " call it again with dry_run set to true",
                is_error=True,
            )
        logger.info("call %s%s", operation.name, " (dry run)" if dry_run else "")
        return await self.caller.call(
            operation,
            checked,
            dry_run=dry_run,
            authorization=authorization,
            from_environment=from_environment,
        )

    def _list_operations(self, arguments: dict[str, Any]) -> Outcome:
        found = self.offered.search(arguments.get("query"), arguments.get("resource"))
        shown, cursor = page(found, arguments.get("cursor"), self.settings.page_size)
        result = {
            "operations": [
                {"name": op.name, "kind": op.kind, "summary": op.summary} for op in shown
            ],
            "total": len(found),
            "next_cursor": cursor,
        }
        return Outcome(json.dumps(result, ensure_ascii=False))

    def _describe(self, arguments: dict[str, Any]) -> Outcome:
        operation = self.offered.get(str(arguments.get("name", "")))
        if operation is None:
            return Outcome(_unknown_operation(arguments.get("name")), is_error=True)
        definitions: dict[str, Any] = operation.input_schema.get("$defs", {})
        wanted = arguments.get("definition")
        if wanted is not None:
            if wanted not in definitions:
                return Outcome(
                    f"{operation.name} has no definition {wanted!r}; it has {sorted(definitions)}",
                    is_error=True,
                )
            answer = {"name": operation.name, "definition": wanted, "schema": definitions[wanted]}
            return Outcome(self.caller.limited(json.dumps(answer, ensure_ascii=False)))
        result: dict[str, Any] = {
            "name": operation.name,
            "kind": operation.kind,
            "http": f"{operation.method} {operation.path}",
            "summary": operation.summary,
            "input_schema": operation.input_schema,
            "output": operation.output,
            "example": {"name": operation.name, "arguments": operation.example},
        }
        if operation.description and operation.description != operation.summary:
            result["description"] = operation.description
        if len(json.dumps(operation.input_schema)) > self.settings.max_result_bytes // 2:
            # A schema too large to read at once: its definitions are asked for one by one.
            result["input_schema"] = {
                key: value for key, value in operation.input_schema.items() if key != "$defs"
            }
            result["definitions"] = sorted(definitions)
            result["definitions_note"] = (
                "the schema refers to these as #/$defs/NAME: describe_operation with"
                " definition NAME shows one"
            )
        if operation.deprecated:
            result["deprecated"] = True
        if operation.is_write:
            result["dry_run"] = (
                "required: pass dry_run true to see the request; it is never sent"
                if self.settings.policy.require_dry_run
                else "pass dry_run true to see the request without sending it"
            )
        if operation.page_arguments is not None:
            result["pagination"] = (
                "returns one page: call again with next_arguments merged into the arguments"
            )
        return Outcome(self.caller.limited(json.dumps(result, ensure_ascii=False)))


def _unknown_operation(name: object) -> str:
    return f"unknown operation {name!r}: list_operations names the operations this server offers"


def _unknown_tool(name: str) -> str:
    return f"unknown tool {name!r}"


def _catalog_tools() -> list[types.Tool]:
    return [
        types.Tool(
            name=LIST_OPERATIONS,
            description=(
                "List the API operations this server offers: name, read or write, one-line summary."
                " Paged: pass next_cursor back as cursor."
            ),
            input_schema={
                "type": "object",
                "properties": {
                    "query": {"type": "string", "description": "words to look for"},
                    "resource": {"type": "string", "description": "an SDK path: `invoices`"},
                    "cursor": {"type": "string", "description": "next_cursor of the last page"},
                },
                "additionalProperties": False,
            },
            annotations=types.ToolAnnotations(read_only_hint=True, open_world_hint=False),
        ),
        types.Tool(
            name=DESCRIBE_OPERATION,
            description=(
                "Describe an operation: its arguments' JSON Schema, what it returns, an example."
            ),
            input_schema={
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "definition": {
                        "type": "string",
                        "description": "one of the definitions of a schema too large to show",
                    },
                },
                "required": ["name"],
                "additionalProperties": False,
            },
            annotations=types.ToolAnnotations(read_only_hint=True, open_world_hint=False),
        ),
        types.Tool(
            name=CALL_OPERATION,
            description=(
                "Call an operation with arguments that fit its schema (describe_operation) and"
                " get its JSON result. dry_run: only show the HTTP request a write would send."
            ),
            input_schema={
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "arguments": {"type": "object"},
                    "dry_run": {"type": "boolean"},
                },
                "required": ["name"],
                "additionalProperties": False,
            },
            annotations=types.ToolAnnotations(
                read_only_hint=False, destructive_hint=True, open_world_hint=True
            ),
        ),
    ]


def build_server(tools: Tools) -> Server[Any]:
    async def list_tools(ctx: Any, params: Any) -> types.ListToolsResult:
        return types.ListToolsResult(tools=tools.list())

    async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        outcome = await tools.call(params.name, params.arguments or {}, _authorization(ctx))
        return types.CallToolResult(
            content=[types.TextContent(text=outcome.text)], is_error=outcome.is_error
        )

    return Server(
        tools.catalog.server["name"],
        version=tools.catalog.server["version"],
        title=tools.catalog.server["title"],
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )


def _authorization(ctx: Any) -> str | None:
    """The HTTP request's Authorization header; None over stdio (the key is in the environment)."""
    request = getattr(ctx, "request", None)
    headers = getattr(request, "headers", None)
    if headers is None:
        return None
    value = headers.get("authorization")
    return value if isinstance(value, str) else ""


async def _serve_stdio(tools: Tools) -> None:
    from mcp.server.stdio import stdio_server

    server = build_server(tools)
    async with stdio_server() as (read_stream, write_stream):
        await server.run(read_stream, write_stream, server.create_initialization_options())


def _serve_http(tools: Tools, host: str, port: int) -> None:
    import uvicorn
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "operations": len(tools.offered.operations)})

    app = build_server(tools).streamable_http_app(
        host=host, custom_starlette_routes=[Route("/health", health, methods=["GET"])]
    )
    logger.info("serving MCP on http://%s:%d/mcp", host, port)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
