"""The MCP target's files: the generated package (the static server code, the catalog as JSON package data),
its pyproject.toml and its README.

Nothing here is rendered from spec text into code: the server modules are copied as they are (they are
already in black's layout, a test proves it), and spec text reaches only catalog.json (json.dumps), the TOML
strings (escaped) and the README (Markdown-escaped).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from generator.model.ir import Api
from generator.targets import GITIGNORE_SCRATCH
from generator.targets.mcp.catalog import Catalog, build_catalog, rule_matches
from generator.targets.mcp.options import McpNames, McpOptions, names
from generator.targets.python.escaping import markdown_code, markdown_text, toml_string

TEMPLATES = Path(__file__).parent / "templates"
SERVER_MODULES = ("__main__.py", "calls.py", "catalog.py", "server.py")
MCP_REQUIREMENT = "mcp>=2.3,<3"  # the server API used here (lowlevel Server, stdio and Streamable HTTP)
README_OPERATIONS_MAX = 200  # operations listed in the README's table; the rest are counted


def render_mcp(api: Api, options: McpOptions) -> dict[str, str]:
    """Every file of the MCP server project: {POSIX path relative to the output folder: text}."""
    package_names = names(api, options)
    catalog = build_catalog(api, options, package_names)
    package = f"src/{package_names.package}"
    files = {f"{package}/{name}": server_module(name) for name in SERVER_MODULES}
    files[f"{package}/__init__.py"] = _init_module(api)
    files[f"{package}/catalog.json"] = catalog.json()
    files[f"{package}/py.typed"] = ""
    files["pyproject.toml"] = _pyproject(api, package_names)
    files["README.md"] = _readme(api, package_names, catalog, options)
    files[".gitignore"] = f"__pycache__/\n*.egg-info/\n.venv/\ndist/\n\n{GITIGNORE_SCRATCH}"
    return dict(sorted(files.items()))


@cache
def server_module(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


def _init_module(api: Api) -> str:
    # The version is the SDK's: the server is generated with it and pinned to it (pyproject.toml).
    return (
        '"""An MCP server for the API: its operations as tools, calling the generated Python SDK."""\n\n'
        f"__version__ = {json.dumps(api.version)}\n"
    )


def _pyproject(api: Api, package_names: McpNames) -> str:
    dependencies = [
        f"{api.distribution}=={api.version}",  # the SDK generated from the same spec
        MCP_REQUIREMENT,
        "httpx>=0.23.0, <1",
        "jsonschema>=4.18",  # checks the arguments (already a dependency of mcp)
        "pydantic>=2.0, <3",
        "starlette>=0.27",  # the HTTP transport's /health route (a dependency of mcp)
        "uvicorn>=0.23",  # serves the HTTP transport (a dependency of mcp)
        "anyio>=4",
    ]
    lines = [
        "[build-system]",
        'requires = ["hatchling>=1.21"]',
        'build-backend = "hatchling.build"',
        "",
        "[project]",
        f"name = {toml_string(package_names.distribution)}",
        f"version = {toml_string(api.version)}",
        f"description = {toml_string('An MCP server for the ' + api.title)}",
        'readme = "README.md"',
        'requires-python = ">=3.10"',
        "dependencies = [",
        *(f"    {toml_string(requirement)}," for requirement in dependencies),
        "]",
        "",
        "[project.scripts]",
        f'{toml_string(package_names.script)} = "{package_names.package}.server:main"',
        "",
        "[tool.hatch.build.targets.wheel]",
        f'packages = ["src/{package_names.package}"]',
        "",
        "[tool.ruff]",
        "line-length = 100",
        "",
        "[tool.mypy]",
        "strict = true",
        "",
        "[[tool.mypy.overrides]]",
        'module = ["jsonschema", "jsonschema.*"]',
        "ignore_missing_imports = true  # jsonschema ships no types (types-jsonschema is not a dependency)",
        "",
    ]
    return "\n".join(lines)


def _readme(api: Api, package_names: McpNames, catalog: Catalog, options: McpOptions) -> str:
    script = package_names.script
    env = {c.env_var: "<your key>" for c in api.credentials[:1]}
    stdio_config = {"mcpServers": {script: {"command": script, "args": [], "env": env}}}
    http_config = {
        "mcpServers": {
            script: {
                "type": "http",
                "url": "http://127.0.0.1:8000/mcp",
                "headers": {"Authorization": "Bearer <your key>"},
            }
        }
    }
    key = f"`{api.credentials[0].env_var}`" if api.credentials else "no key (the API takes none)"
    defaults = catalog.data["defaults"]
    out = [
        f"# {markdown_text(api.title)} MCP server",
        "",
        f"An [MCP](https://modelcontextprotocol.io) server that lets AI agents call the {markdown_text(api.title)}"
        f" through its Python SDK (`{api.distribution}`). Generated from the same OpenAPI document as the SDK;"
        " do not edit it by hand.",
        "",
        "## Install and run",
        "",
        "```sh",
        f"pip install {package_names.distribution}",
        f"{script}                                  # stdio, the key from {key.strip('`')}",
        f"{script} --transport http --port 8000     # Streamable HTTP on 127.0.0.1:8000/mcp, /health",
        "```",
        "",
        f"Over stdio the API key comes from the environment ({key}); over HTTP from each MCP request's"
        " `Authorization: Bearer <key>` header. The key is never logged, and never appears in a result or"
        " an error.",
        "",
        "## Client setup",
        "",
        "Claude Desktop (`claude_desktop_config.json`), Claude Code (`.mcp.json`) and Cursor"
        " (`.cursor/mcp.json`) take a server as JSON of this shape (VS Code's `.vscode/mcp.json` the same"
        " entries under `servers`). Over stdio:",
        "",
        "```json",
        json.dumps(stdio_config, indent=2),
        "```",
        "",
        "Over HTTP (start the server with `--transport http` first; for clients that take remote servers"
        " with headers):",
        "",
        "```json",
        json.dumps(http_config, indent=2),
        "```",
        "",
        *_safety_section(defaults),
        *_tools_section(defaults),
        *_operations_section(catalog, options),
    ]
    return "\n".join(out) + "\n"


def _safety_section(defaults: dict[str, object]) -> list[str]:
    allow = ", ".join(f"`{markdown_code(str(rule))}`" for rule in defaults["allow"])  # type: ignore[attr-defined]
    deny = ", ".join(f"`{markdown_code(str(rule))}`" for rule in defaults["deny"]) or "none"  # type: ignore[attr-defined]
    writes = "allowed" if defaults["allow_writes"] else "not offered (read-only)"
    return [
        "## Safety",
        "",
        "What the agent may do is what the server contains: an operation the rules leave out is not listed,"
        " not described and not callable; asking for it fails as asking for a name that never existed does.",
        "",
        "- **Read-only by default**: only GET and HEAD operations exist unless writes are allowed"
        " (`--allow-writes`).",
        "- **Rules** (`--allow RULE`, `--deny RULE`, repeatable; deny wins): `METHOD /path-glob`"
        " (`DELETE /users/*`, `* /admin/*`), or a glob of the SDK path or the tool name (`users.*`, `*_list`).",
        "- **Dry runs**: a write called with `dry_run: true` answers with the HTTP request it would send"
        " (method, URL, headers with secrets redacted, body) and sends nothing; with `--require-dry-run` a write"
        " without it is refused.",
        "- **Results** past `--max-result-bytes` are cut, with a note; lists answer one page and the arguments"
        " that ask for the next.",
        "- A JSON file given with `--config` sets the same keys (`allow`, `deny`, `allow_writes`,"
        " `require_dry_run`, `tools`, `max_result_bytes`); flags win over it.",
        "",
        f"Defaults built into this server: allow {allow}; deny {deny}; writes {writes}; dry runs"
        f" {'required' if defaults['require_dry_run'] else 'on request'}; results cut past"
        f" {defaults['max_result_bytes']} bytes.",
        "",
    ]


def _tools_section(defaults: dict[str, object]) -> list[str]:
    return [
        "## Tools",
        "",
        f"With at most {defaults['per_operation_tools_max']} operations allowed, each is a tool of its own"
        " (`--tools per-operation`). Otherwise (`--tools catalog`) three tools reach them all without"
        " flooding the agent's context:",
        "",
        "- `list_operations(query?, resource?, cursor?)`: names, read or write, one-line summaries, paged;",
        "- `describe_operation(name, definition?)`: the arguments' JSON Schema, what it returns, an example"
        " call (a large schema's definitions one at a time);",
        "- `call_operation(name, arguments, dry_run?)`: checks the arguments, calls the API, answers JSON.",
        "",
        "API errors come back as tool errors with the status, the message and the request id.",
        "",
    ]


def _operations_section(catalog: Catalog, options: McpOptions) -> list[str]:
    operations = catalog.operations
    offered = [entry for entry in operations if _offered_by_default(entry, options)]
    out = [
        "## Operations",
        "",
        f"{len(operations)} in the catalog, {len(offered)} offered with the defaults above; flags or a config"
        " file change which (`--list` prints the ones a configuration offers).",
        "",
        "| Tool | Kind | HTTP | Offered by default | Summary |",
        "| --- | --- | --- | --- | --- |",
    ]
    for entry in operations[:README_OPERATIONS_MAX]:
        http = markdown_code(entry["method"] + " " + entry["path"])
        default = "yes" if entry in offered else "no"
        out.append(
            f"| `{entry['name']}` | {entry['kind']} | `{http}` | {default} | {markdown_text(entry['summary'])} |"
        )
    if len(operations) > README_OPERATIONS_MAX:
        out.append(f"| ... | | | | {len(operations) - README_OPERATIONS_MAX} more |")
    if catalog.excluded:
        out += ["", "Not offered (they cannot be called with JSON arguments and a JSON result):", ""]
        out += [f"- `{markdown_code(e.operation)}`: {e.reason}" for e in catalog.excluded]
    return out


def _offered_by_default(entry: dict[str, Any], options: McpOptions) -> bool:
    """What the server offers when started without flags (the server's `Policy.permits`)."""
    if entry["kind"] != "read" and not options.allow_writes:
        return False
    return rule_matches(options.allow, entry) and not rule_matches(options.deny, entry)
