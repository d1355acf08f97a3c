"""Fixtures of the MCP target's tests: the petstore's SDK and MCP server generated once per worker, a server
process driven by the `mcp` package's own client over stdio or Streamable HTTP."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from generator.cli import main
from tests.support.documents import write_spec
from tests.targets.mcp.petstore import CONFIG, SECRET, SPEC, PetServer


@dataclass(frozen=True)
class Projects:
    sdk: Path
    mcp: Path
    package: str  # the MCP server's import package

    def pythonpath(self) -> str:
        return os.pathsep.join([str(self.sdk / "src"), str(self.mcp / "src")])


def generate_both(root: Path, spec_text: str, config: dict[str, Any], mcp_options: dict[str, Any]) -> Projects:
    """The SDK and the MCP server generated from one spec by one `generate`, each into the folder the config's
    `targets` gives it, as a project would; `check` then finds both up to date."""
    spec = write_spec(root, spec_text, "openapi.yaml")
    settings = {**config, "targets": {"python": {"output": "sdk"}, "mcp": {"output": "mcp", **mcp_options}}}
    config_path = root / "openapi.config.yaml"
    config_path.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    for command in ("generate", "check"):
        code = main([command, str(spec), "-c", str(config_path), "--quiet"])
        assert code == 0, f"{command} exited with {code}"
    return Projects(root / "sdk", root / "mcp", f"{config['package_name']}_mcp")


@pytest.fixture(scope="session")
def petstore(tmp_path_factory: pytest.TempPathFactory) -> Projects:
    return generate_both(tmp_path_factory.mktemp("petstore"), SPEC, CONFIG, {})


@pytest.fixture(scope="module")
def pet_server() -> Iterator[PetServer]:
    server = PetServer()
    yield server
    server.close()


@dataclass
class Session:
    """An initialized MCP client session, and where the server's stderr goes."""

    client: Any
    stderr: Path

    async def call(self, tool: str, arguments: dict[str, Any]) -> tuple[bool, str]:
        """(is_error, text) of a tool call."""
        result = await self.client.call_tool(tool, arguments)
        return result.is_error, "".join(block.text for block in result.content)

    async def call_json(self, tool: str, arguments: dict[str, Any]) -> Any:
        is_error, text = await self.call(tool, arguments)
        assert not is_error, text
        return json.loads(text)

    async def tool_names(self) -> list[str]:
        return [tool.name for tool in (await self.client.list_tools()).tools]


def server_env(projects: Projects, base_url: str, key: str | None = SECRET) -> dict[str, str]:
    env = {"PYTHONPATH": projects.pythonpath(), "PETSTORE_BASE_URL": base_url}
    if key is not None:
        env["PETSTORE_API_KEY"] = key
    return env


@asynccontextmanager
async def stdio_session(
    projects: Projects, env: dict[str, str], args: list[str], stderr: Path
) -> AsyncIterator[Session]:
    from mcp.client.session import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client

    parameters = StdioServerParameters(command=sys.executable, args=["-m", projects.package, *args], env=env)
    with stderr.open("w") as errlog:
        async with stdio_client(parameters, errlog=errlog) as (read, write), ClientSession(read, write) as client:
            await client.initialize()
            yield Session(client, stderr)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@asynccontextmanager
async def http_session(
    projects: Projects, env: dict[str, str], args: list[str], stderr: Path, authorization: str | None
) -> AsyncIterator[Session]:
    """The server started with `--transport http` on a free port; the client sends `authorization`."""
    import httpx2
    from mcp.client.session import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    port = free_port()
    command = [sys.executable, "-m", projects.package, "--transport", "http", "--port", str(port), *args]
    with stderr.open("w") as errlog:
        process = subprocess.Popen(command, env={**os.environ, **env}, stderr=errlog, stdout=subprocess.DEVNULL)
        try:
            wait_healthy(f"http://127.0.0.1:{port}/health", process)
            headers = {"Authorization": authorization} if authorization else {}
            async with (
                httpx2.AsyncClient(headers=headers, timeout=30) as http,
                streamable_http_client(f"http://127.0.0.1:{port}/mcp", http_client=http) as (read, write),
                ClientSession(read, write) as client,
            ):
                await client.initialize()
                yield Session(client, stderr)
        finally:
            process.terminate()
            process.wait(timeout=10)


def wait_healthy(url: str, process: subprocess.Popen[bytes]) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}")
        try:
            response = httpx.get(url, timeout=1)
            if response.status_code == 200:
                health: dict[str, Any] = response.json()
                return health
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} did not answer within 30 s")
