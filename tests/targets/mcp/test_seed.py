"""The seed spec's MCP server (conductor-mcp) over both transports, calling the Conductor SDK, which calls a
real HTTP server on 127.0.0.1 (tests/conftest.py `server`)."""

from __future__ import annotations

from pathlib import Path

import anyio

from generator import pipeline
from tests.conftest import SPEC, LocalServer
from tests.targets.mcp.conftest import Projects, http_session, stdio_session

KEY = "sk_conductor_secret_42"


def test_seed_server_over_both_transports(conductor_project: Path, server: LocalServer, tmp_path: Path) -> None:
    pipeline.generate(pipeline.Options(spec=SPEC, output=tmp_path / "mcp", target="mcp"))
    projects = Projects(conductor_project, tmp_path / "mcp", "conductor_mcp")
    env = {"PYTHONPATH": projects.pythonpath(), "CONDUCTOR_BASE_URL": server.url}

    async def scenario() -> None:
        # Read-only by default: the seed's one operation is a DELETE, so there is nothing to offer.
        async with stdio_session(projects, {**env, "CONDUCTOR_SECRET_KEY": KEY}, [], tmp_path / "e1") as session:
            assert await session.tool_names() == []
        async with stdio_session(
            projects, {**env, "CONDUCTOR_SECRET_KEY": KEY}, ["--allow-writes"], tmp_path / "e2"
        ) as session:
            assert await session.tool_names() == ["end_users_delete"]
            deleted = await session.call_json("end_users_delete", {"id": "end_usr_1"})
            assert deleted == {"id": "end_usr_1234567abcdefg", "objectType": "end_user", "deleted": True}
            assert server.received[-1].method == "DELETE"
            assert server.received[-1].path == "/v1/end-users/end_usr_1"
            assert server.received[-1].headers["Authorization"] == f"Bearer {KEY}"
        args = ["--allow-writes", "--tools", "catalog"]
        async with http_session(projects, env, args, tmp_path / "e3", f"Bearer {KEY}") as session:
            described = await session.call_json("describe_operation", {"name": "end_users_delete"})
            assert described["example"]["arguments"] == {"id": "end_usr_1234567abcdefg"}
            sent = len(server.received)
            arguments = {"name": "end_users_delete", "arguments": {"id": "end_usr_2"}}
            preview = await session.call_json("call_operation", {**arguments, "dry_run": True})
            assert preview["headers"]["authorization"] == "[redacted]" and len(server.received) == sent
            deleted = await session.call_json("call_operation", arguments)
            assert deleted["deleted"] is True and server.received[-1].path == "/v1/end-users/end_usr_2"
            assert server.received[-1].headers["Authorization"] == f"Bearer {KEY}"

    anyio.run(scenario)
    for log in ("e1", "e2", "e3"):
        assert KEY not in (tmp_path / log).read_text()
