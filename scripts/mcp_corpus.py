"""The MCP target on a large spec (openai by default): generate its SDK and MCP server, measure the tools an
agent sees, and drive list, describe and call through Prism over stdio and Streamable HTTP.

    .venv/bin/python scripts/mcp_corpus.py                                  # openai from ../shared/corpus
    .venv/bin/python scripts/mcp_corpus.py SPEC --operation models_list --transcript transcript.md

Prints: operations in the catalog (and those left out, with why), the tools listed in catalog mode and their
size, the largest tool one operation would make in one-tool-per-operation mode (description plus input schema,
bytes of JSON), the largest describe_operation answer, and a session transcript per transport. docs/mcp.md
keeps the figures. Prism is tools/prism's (`bash scripts/install-prism.sh`).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import anyio

from generator import pipeline
from generator.targets.mcp.options import McpOptions
from generator.targets.mcp.project import render_mcp
from tests.support.corpus import prism
from tests.targets.mcp.conftest import Projects, http_session, stdio_session

DEFAULT_SPEC = ROOT.parent / "shared" / "corpus" / "openai" / "openapi.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("spec", nargs="?", type=Path, default=DEFAULT_SPEC)
    parser.add_argument("--operation", help="the operation to describe and call (default: the first read)")
    parser.add_argument("--transcript", type=Path, help="also write the sessions as Markdown here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mcp-corpus-") as folder:
        run(args.spec.resolve(), Path(folder), args.operation, args.transcript)


def run(spec: Path, out: Path, operation: str | None, transcript_path: Path | None) -> None:
    started = time.perf_counter()
    result = pipeline.generate(pipeline.Options(spec=spec, output=out / "sdk", lenient=True))
    print(f"SDK generated in {time.perf_counter() - started:.1f} s: {len(result.api.operations)} operations")
    started = time.perf_counter()
    files = render_mcp(result.api, McpOptions())
    print(f"MCP server rendered in {time.perf_counter() - started:.2f} s")
    for path, text in files.items():
        (out / "mcp" / path).parent.mkdir(parents=True, exist_ok=True)
        (out / "mcp" / path).write_text(text, encoding="utf-8")
    package = next(p.split("/")[1] for p in files if p.endswith("/catalog.json"))
    catalog = json.loads(files[f"src/{package}/catalog.json"])
    measure(catalog)
    reads = [op["name"] for op in catalog["operations"] if op["kind"] == "read" and not op["example"]]
    name = operation or (reads[0] if reads else catalog["operations"][0]["name"])
    projects = Projects(out / "sdk", out / "mcp", package)
    sdk = catalog["sdk"]
    lines: list[str] = []
    with prism.PrismServer(spec, out / "prism.log") as mock:
        print(f"Prism ready in {mock.startup_seconds:.1f} s")
        env = {"PYTHONPATH": projects.pythonpath(), sdk["base_url_env"]: mock.url}
        key = "sk-test-mcp-corpus-0000"
        for credential in sdk["credentials"]:
            env[credential["env"]] = key
        lines += anyio.run(session, projects, env, name, "stdio", out, key)
        # Over HTTP the key comes from the MCP request's Authorization header, not from the server's environment.
        http_env = {k: v for k, v in env.items() if k not in {c["env"] for c in sdk["credentials"]}}
        lines += anyio.run(session, projects, http_env, name, "http", out, key)
        for log in ("stdio.stderr", "http.stderr"):
            assert key not in (out / log).read_text(), f"the key is in {log}"
    text = "\n".join(lines)
    print(text)
    if transcript_path is not None:
        transcript_path.write_text(text + "\n", encoding="utf-8")


def measure(catalog: dict[str, Any]) -> None:
    operations = catalog["operations"]
    print(f"catalog: {len(operations)} operations ({sum(op['kind'] == 'read' for op in operations)} reads)")
    sizes = []
    for op in operations:
        description = op["summary"] + ("\n\n" + op["description"] if op["description"] else "")
        tool = {"name": op["name"], "description": description, "inputSchema": op["input_schema"]}
        sizes.append((len(json.dumps(tool, ensure_ascii=False).encode()), len(description.encode()), op["name"]))
    sizes.sort(reverse=True)
    print(f"one tool per operation: {len(operations)} tools, {sum(s[0] for s in sizes)} bytes of tool definitions")
    print(f"  largest tool definition: {sizes[0][0]} bytes ({sizes[0][2]}); largest description alone:"
          f" {max(s[1] for s in sizes)} bytes")  # fmt: skip
    print(f"  median tool definition: {sizes[len(sizes) // 2][0]} bytes")


async def _checks(mcp: Any, transport: str, name: str) -> list[str]:
    """An argument error, an operation the rules leave out, an API error (Prism's own validation)."""
    lines = []
    is_error, text = await mcp.call("call_operation", {"name": name, "arguments": {"limit": "ten"}})
    assert is_error and "argument `limit`" in text, text
    lines += [f"-> bad argument: {text!r}", ""]
    left_out = "assistants_delete" if transport == "stdio" else "assistants_create"  # denied / read-only
    for tool, arguments in [("describe_operation", {"name": left_out}), ("call_operation", {"name": left_out})]:
        is_error, text = await mcp.call(tool, arguments)
        assert is_error and text.startswith("unknown operation"), text
    listed = json.loads((await mcp.call("list_operations", {"query": left_out.split("_")[1]}))[1])
    assert left_out not in [op["name"] for op in listed["operations"]]
    lines += [f"-> {left_out} (left out): {text!r}", ""]
    if transport == "stdio":  # maxLength 256 is not in the tool's schema; Prism checks it
        arguments = {"model": "gpt-4o", "name": "x" * 300}
        is_error, text = await mcp.call("call_operation", {"name": "assistants_create", "arguments": arguments})
        lines += [f"-> assistants_create with a 300-character name: is_error={is_error} {text[:600]!r}", ""]
    return lines


async def _all_after(mcp: Any, cursor: str | None) -> list[dict[str, Any]]:
    operations: list[dict[str, Any]] = []
    while cursor is not None:
        _, text = await mcp.call("list_operations", {"cursor": cursor})
        page = json.loads(text)
        operations += page["operations"]
        cursor = page["next_cursor"]
    return operations


async def session(projects: Projects, env: dict[str, str], name: str, transport: str, out: Path, key: str) -> list[str]:
    """list, describe, call over one transport; the transcript as Markdown lines."""
    lines = [f"### {transport}", ""]
    stderr = out / f"{transport}.stderr"
    # stdio: writes allowed, so that every operation is described and a write is tried as a dry run;
    # HTTP: the read-only default.
    args = ["--tools", "catalog", *(["--allow-writes", "--deny", "DELETE *"] if transport == "stdio" else [])]
    opened = (
        stdio_session(projects, env, args, stderr)
        if transport == "stdio"
        else http_session(projects, env, args, stderr, f"Bearer {key}")
    )
    async with opened as mcp:
        tools = (await mcp.client.list_tools()).tools
        listed = json.dumps([t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools])
        print(f"{transport}: tools/list: {len(tools)} tools, {len(listed.encode())} bytes;"
              f" largest description {max(len((t.description or '').encode()) for t in tools)} bytes")  # fmt: skip
        _, text = await mcp.call("list_operations", {})
        page = json.loads(text)
        print(f"{transport}: list_operations: {page['total']} operations, {len(page['operations'])} a page")
        largest = 0
        for op in page["operations"] + await _all_after(mcp, page["next_cursor"]):
            _, described = await mcp.call("describe_operation", {"name": op["name"]})
            largest = max(largest, len(described.encode()))
        print(f"{transport}: largest describe_operation answer: {largest} bytes")
        steps: list[tuple[str, dict[str, Any]]] = [
            ("list_operations", {"query": name.split("_")[0]}),
            ("describe_operation", {"name": name}),
            ("call_operation", {"name": name, "arguments": {}}),
        ]
        for tool, arguments in steps:
            started = time.perf_counter()
            is_error, text = await mcp.call(tool, arguments)
            elapsed = time.perf_counter() - started
            shown = text if len(text) <= 1500 else text[:1500] + f"... ({len(text.encode())} bytes)"
            lines += [f"-> `{tool}` `{json.dumps(arguments)}`", "", f"<- {'error' if is_error else 'result'}"
                      f" ({elapsed * 1000:.0f} ms):", "", "```json", shown, "```", ""]  # fmt: skip
            assert not is_error, f"{tool} failed over {transport}: {text}"
        lines += await _checks(mcp, transport, name)
        if transport == "stdio":
            write = next(op for op in await _all_after(mcp, "0") if op["kind"] == "write")
            described = json.loads((await mcp.call("describe_operation", {"name": write["name"]}))[1])
            arguments = {"name": write["name"], "arguments": described["example"]["arguments"], "dry_run": True}
            is_error, text = await mcp.call("call_operation", arguments)
            assert not is_error and key not in text, text
            lines += [
                f"-> `call_operation` `{json.dumps(arguments)}`",
                "",
                "<- result:",
                "",
                "```json",
                text,
                "```",
                "",
            ]
    return lines


if __name__ == "__main__":
    main()
