"""The generated MCP server, driven by the `mcp` package's client over stdio and Streamable HTTP, calling the
generated SDK, which calls a real HTTP server on 127.0.0.1 (tests/targets/mcp/petstore.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import anyio

from tests.targets.mcp.conftest import Projects, http_session, server_env, stdio_session
from tests.targets.mcp.petstore import BIG_NAME, SECRET, PetServer

UNKNOWN = "unknown operation"


def test_catalog_tools_over_stdio(petstore: Projects, pet_server: PetServer, tmp_path: Path) -> None:
    """Writes allowed, deletes denied by a rule, results cut at 1000 bytes: list, describe, call (path, query,
    body), a dry run, pagination, argument errors, an API error, the size cut; the key never shown."""
    args = ["--tools", "catalog", "--allow-writes", "--deny", "DELETE /pets/*", "--max-result-bytes", "1000"]

    async def scenario() -> None:
        env = server_env(petstore, pet_server.url)
        async with stdio_session(petstore, env, args, tmp_path / "stderr") as session:
            assert await session.tool_names() == ["list_operations", "describe_operation", "call_operation"]
            listed = await session.call_json("list_operations", {})
            names = {op["name"]: op["kind"] for op in listed["operations"]}
            assert names == {"pets_list": "read", "pets_create": "write", "pets_retrieve": "read"}
            assert listed["next_cursor"] is None
            found = await session.call_json("list_operations", {"query": "create"})
            assert [op["name"] for op in found["operations"]] == ["pets_create"]

            # The denied delete: not listed (above), not described, not callable; as a name that never existed.
            for tool, arguments in [
                ("describe_operation", {"name": "pets_delete"}),
                ("call_operation", {"name": "pets_delete", "arguments": {"pet_id": "pet_1"}}),
                ("call_operation", {"name": "pets_delete", "arguments": {"pet_id": "pet_1"}, "dry_run": True}),
            ]:
                is_error, text = await session.call(tool, arguments)
                assert (
                    is_error
                    and text == f"{UNKNOWN} 'pets_delete': list_operations names the operations this server offers"
                )
            assert not any(r.method == "DELETE" for r in pet_server.received)

            described = await session.call_json("describe_operation", {"name": "pets_create"})
            schema = described["input_schema"]
            assert schema["required"] == ["name"] and set(schema["properties"]) == {"name", "birth_date", "owner"}
            # Past half the size limit, the schema's definitions are asked for one by one.
            assert "$defs" not in schema and described["definitions"] == ["OwnerParam"]
            owner = await session.call_json("describe_operation", {"name": "pets_create", "definition": "OwnerParam"})
            assert set(owner["schema"]["properties"]) == {"email", "full_name"}
            assert described["example"] == {"name": "pets_create", "arguments": {"name": "Rex"}}
            assert described["http"] == "POST /pets" and "dry_run" in described

            # A path parameter.
            pet = await session.call_json("call_operation", {"name": "pets_retrieve", "arguments": {"pet_id": "pet_2"}})
            assert pet == {"id": "pet_2", "name": "Pet 2"}
            assert pet_server.received[-1].headers["Authorization"] == f"Bearer {SECRET}"

            # Query parameters and one page with the arguments of the next.
            first = await session.call_json("call_operation", {"name": "pets_list", "arguments": {"species": "cat"}})
            assert [p["id"] for p in first["items"]] == ["pet_1", "pet_2"] and first["has_more"] is True
            assert first["next_arguments"] == {"species": "cat", "cursor": "2"}
            assert pet_server.received[-1].path == "/v1/pets?species=cat"
            last = await session.call_json(
                "call_operation", {"name": "pets_list", "arguments": first["next_arguments"]}
            )
            assert [p["id"] for p in last["items"]] == ["pet_3"]
            assert last["has_more"] is False and last["next_arguments"] is None

            # A body, sent under the API's names (birth_date -> birthDate).
            created = await session.call_json(
                "call_operation",
                {
                    "name": "pets_create",
                    "arguments": {
                        "name": "Rex",
                        "birth_date": "2020-02-29",
                        "owner": {"email": "a@b.c", "full_name": "A B"},
                    },
                },
            )
            sent_body = {"name": "Rex", "birthDate": "2020-02-29", "owner": {"email": "a@b.c", "fullName": "A B"}}
            assert created == {"id": "pet_new", **sent_body}
            assert json.loads(pet_server.received[-1].body) == sent_body

            # A dry run: the request, its key redacted, and nothing sent.
            sent = len(pet_server.received)
            preview = await session.call_json(
                "call_operation", {"name": "pets_create", "arguments": {"name": "Tom"}, "dry_run": True}
            )
            assert len(pet_server.received) == sent
            assert preview["method"] == "POST" and preview["url"] == f"{pet_server.url}/pets"
            assert preview["body"] == {"name": "Tom"} and preview["headers"]["authorization"] == "[redacted]"

            # Arguments that do not fit: each bad one named, nothing sent.
            is_error, text = await session.call(
                "call_operation", {"name": "pets_list", "arguments": {"species": "cow", "limit": "ten", "color": 1}}
            )
            assert is_error and len(pet_server.received) == sent, text
            assert "argument `limit`: 'ten' is not of type 'integer'" in text
            assert "argument `species`: 'cow' is not one of ['cat', 'dog']" in text
            assert "'color' was unexpected" in text
            is_error, text = await session.call("call_operation", {"name": "pets_create", "arguments": {"owner": {}}})
            assert is_error and "'name' is a required property" in text
            assert "argument `owner`: 'email' is a required property" in text

            # An API error: status, message and request id; the key the API echoed is redacted.
            is_error, text = await session.call(
                "call_operation", {"name": "pets_retrieve", "arguments": {"pet_id": "nope"}}
            )
            assert is_error
            error = json.loads(text)
            assert error["status"] == 404 and error["request_id"] == f"req_{len(pet_server.received)}"
            assert "no pet nope" in error["body"] and "[redacted]" in error["body"]

            # A result past the limit: cut, with a note.
            is_error, text = await session.call(
                "call_operation", {"name": "pets_retrieve", "arguments": {"pet_id": "big"}}
            )
            assert not is_error and len(text.encode()) < 1300
            size = len(json.dumps({"id": "big", "name": BIG_NAME}))
            assert text.endswith(f"[cut: the result is {size} bytes, past this server's limit of 1000; "
                                 "ask for less: a smaller page, a narrower query]")  # fmt: skip

            transcript = [
                await session.call(t, a)
                for t, a in [("list_operations", {}), ("describe_operation", {"name": "pets_retrieve"})]
            ]
            assert all(SECRET not in text for _, text in transcript)

    anyio.run(scenario)
    stderr = (tmp_path / "stderr").read_text()
    assert "call pets_create (dry run)" in stderr
    assert SECRET not in stderr and "Traceback" not in stderr


def test_one_tool_per_operation_with_required_dry_runs(
    petstore: Projects, pet_server: PetServer, tmp_path: Path
) -> None:
    """A config file allows writes but requires dry runs; four operations: one tool each, with annotations."""
    config = tmp_path / "mcp.json"
    config.write_text(json.dumps({"allow_writes": True, "require_dry_run": True}))

    async def scenario() -> None:
        env = server_env(petstore, pet_server.url)
        async with stdio_session(petstore, env, ["--config", str(config)], tmp_path / "stderr") as session:
            tools = {tool.name: tool for tool in (await session.client.list_tools()).tools}
            assert sorted(tools) == ["pets_create", "pets_delete", "pets_list", "pets_retrieve"]
            assert tools["pets_list"].annotations.read_only_hint is True
            delete = tools["pets_delete"].annotations
            assert delete.read_only_hint is False and delete.destructive_hint is True and delete.idempotent_hint
            assert tools["pets_create"].annotations.idempotent_hint is False
            assert "dry_run" in tools["pets_create"].input_schema["properties"]
            assert "dry_run" not in tools["pets_list"].input_schema["properties"]

            sent = len(pet_server.received)
            is_error, text = await session.call("pets_delete", {"pet_id": "pet_1"})
            assert is_error and "only previews" in text
            preview = await session.call_json("pets_delete", {"pet_id": "pet_1", "dry_run": True})
            assert preview["method"] == "DELETE" and preview["url"].endswith("/v1/pets/pet_1")
            assert len(pet_server.received) == sent
            pet = await session.call_json("pets_retrieve", {"pet_id": "pet_3"})
            assert pet["name"] == "Pet 3"

    anyio.run(scenario)


def test_read_only_default_over_http(petstore: Projects, pet_server: PetServer, tmp_path: Path) -> None:
    """The defaults: writes do not exist. The key comes from each request's Authorization header, never from
    the server's environment, and is never shown."""

    async def scenario() -> None:
        env = server_env(petstore, pet_server.url, key=None)
        args = ["--tools", "catalog"]
        async with http_session(petstore, env, args, tmp_path / "stderr", f"Bearer {SECRET}") as session:
            listed = await session.call_json("list_operations", {})
            assert [op["name"] for op in listed["operations"]] == ["pets_list", "pets_retrieve"]
            for name in ("pets_create", "pets_delete"):
                is_error, text = await session.call("describe_operation", {"name": name})
                assert is_error and text.startswith(f"{UNKNOWN} '{name}'")
                is_error, text = await session.call("call_operation", {"name": name, "arguments": {}, "dry_run": True})
                assert is_error and text.startswith(f"{UNKNOWN} '{name}'")
            pet = await session.call_json("call_operation", {"name": "pets_retrieve", "arguments": {"pet_id": "pet_1"}})
            assert pet["id"] == "pet_1"
            assert pet_server.received[-1].headers["Authorization"] == f"Bearer {SECRET}"
            is_error, text = await session.call(
                "call_operation", {"name": "pets_retrieve", "arguments": {"pet_id": "x"}}
            )
            assert is_error and json.loads(text)["status"] == 404 and SECRET not in text
        async with http_session(petstore, env, args, tmp_path / "stderr2", None) as session:
            is_error, text = await session.call(
                "call_operation", {"name": "pets_retrieve", "arguments": {"pet_id": "pet_1"}}
            )
            assert is_error and "Authorization header" in text

    anyio.run(scenario)
    assert SECRET not in (tmp_path / "stderr").read_text()


def test_config_file_checked_and_list(petstore: Projects, pet_server: PetServer, tmp_path: Path) -> None:
    """`--list` prints what a configuration offers; a config file of the wrong shape stops the server with one
    line naming the key (a string of rules must not become one rule per character)."""
    env = {**os.environ, **server_env(petstore, pet_server.url)}
    command = [sys.executable, "-m", petstore.package]
    config = tmp_path / "mcp.json"
    config.write_text(json.dumps({"allow_writes": True, "deny": ["pets.create"]}))
    listed = subprocess.run([*command, "--config", str(config), "--list"], env=env, capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr
    assert [line.split("\t")[0] for line in listed.stdout.splitlines()] == ["pets_list", "pets_retrieve", "pets_delete"]
    for bad, message in [
        ({"allow": "GET *"}, 'allow must be a list of rules, not "GET *"'),
        ({"allow_writes": "yes"}, 'allow_writes must be true or false, not "yes"'),
        ({"colour": 1}, "unknown key 'colour'"),
    ]:
        config.write_text(json.dumps(bad))
        done = subprocess.run([*command, "--config", str(config), "--list"], env=env, capture_output=True, text=True)
        assert done.returncode == 2 and done.stdout == "", done.stderr
        assert message in done.stderr and "Traceback" not in done.stderr
