"""The client surface a user of the reference SDK reaches for: response wrappers on every path, requests to
undocumented paths, `copy(set_default_...)`, the package's extra exports, and method names of sub-resources."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from generator import pipeline
from tests.conftest import ROOT, GeneratePackage, LocalServer, Reply
from tests.support.documents import write_spec

SPEC = """\
security: [{BearerAuth: []}]
paths:
  /quickbooks-desktop/invoices:
    get:
      parameters:
        - {name: cursor, in: query, schema: {type: string}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [data, nextCursor, hasMore]
                properties:
                  data: {type: array, items: {type: object, properties: {id: {type: string}}}}
                  nextCursor: {type: [string, "null"]}
                  hasMore: {type: boolean}
  /files/{file_id}/content:
    get:
      parameters: [{name: file_id, in: path, required: true, schema: {type: string}}]
      responses:
        "200": {description: ok, content: {application/octet-stream: {schema: {type: string, format: binary}}}}
  /files/{file_id}/labels:
    get:
      parameters: [{name: file_id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {type: object, properties: {labels: {type: array, items: {type: string}}}}}}
  /files:
    post:
      requestBody:
        content:
          multipart/form-data:
            schema: {type: object, required: [file], properties: {file: {type: string, format: binary}}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object, properties: {id: {type: string}}}}}}
components:
  securitySchemes:
    BearerAuth: {type: http, scheme: bearer}
"""


@pytest.fixture(scope="module")
def conductor(generate_package: GeneratePackage) -> Iterator[ModuleType]:
    # Conductor's config, copied beside the spec: it names a code samples file there, which `generate` writes
    config = (ROOT / "specs" / "conductor.config.yaml").read_text(encoding="utf-8")
    head = {"title": "Conductor API", "server": "https://api.conductor.is/v1"}
    with generate_package(SPEC, **head, config=config) as generated:
        yield generated.package


def client(conductor: ModuleType, server: LocalServer) -> Any:
    return conductor.Conductor(api_key="sk", base_url=server.url, max_retries=0)


PAGE = Reply(200, {"data": [{"id": "a"}], "nextCursor": None, "hasMore": False})


def test_a_singleton_below_an_item_is_retrieved_and_a_collection_listed(conductor: ModuleType) -> None:
    files = conductor.Conductor(api_key="sk").files
    assert hasattr(files.content, "retrieve") and not hasattr(files.content, "list")
    assert hasattr(files.labels, "list")  # an object holding an array named like the path: many things


def test_group_and_client_level_raw_responses_reach_every_method(conductor: ModuleType, server: LocalServer) -> None:
    server.reply(PAGE, PAGE, Reply(200, b"BYTES", {"Content-Type": "application/octet-stream"}))
    api = client(conductor, server)
    for raw in (api.qbd.with_raw_response.invoices.list(), api.with_raw_response.qbd.invoices.list()):
        assert isinstance(raw, conductor.APIResponse) and raw.status_code == 200
        assert [i.id for i in raw.parse().data] == ["a"]
    raw = api.files.with_raw_response.content.retrieve("f1")
    assert raw.parse() == b"BYTES" and server.received[2].path == "/v1/files/f1/content"


def test_streaming_responses_reach_sub_resources(conductor: ModuleType, server: LocalServer, tmp_path: Path) -> None:
    server.reply(Reply(200, b"CHUNKS", {"Content-Type": "application/octet-stream"}), PAGE)
    api = client(conductor, server)
    with api.with_streaming_response.files.content.retrieve("f1") as response:
        response.write_to_file(tmp_path / "out.bin")
    assert (tmp_path / "out.bin").read_bytes() == b"CHUNKS"
    with api.qbd.with_streaming_response.invoices.list() as response:
        assert json.loads(response.read())["data"] == [{"id": "a"}]


def test_async_group_and_client_level_wrappers(conductor: ModuleType, server: LocalServer) -> None:
    server.reply(PAGE, Reply(200, b"B", {"Content-Type": "application/octet-stream"}), PAGE)

    async def main() -> tuple[list[str], bytes, int]:
        async with conductor.AsyncConductor(api_key="sk", base_url=server.url) as api:
            raw = await api.qbd.with_raw_response.invoices.list()
            page = await raw.parse()
            content = await (await api.with_raw_response.files.content.retrieve("f1")).parse()
            async with api.with_streaming_response.qbd.invoices.list() as streamed:
                status = streamed.status_code
            return [i.id for i in page.data], content, status

    assert asyncio.run(main()) == (["a"], b"B", 200)


def test_raw_responses_are_closed_and_streamed_ones_open_until_their_block_ends(
    conductor: ModuleType, server: LocalServer
) -> None:
    # What code written against the published SDK (and its own test suite) reads of a response object.
    server.reply(
        PAGE,
        Reply(200, {"labels": ["x"]}, {"Conductor-Request-Id": "req_1"}),
        Reply(200, b"a\nb\n", {"Content-Type": "text/plain"}),
    )
    api = client(conductor, server)
    raw = api.files.with_raw_response.labels.list("f1")
    assert raw.is_closed is True
    with api.files.with_streaming_response.labels.list("f1") as streamed:
        assert streamed.is_closed is False
        assert streamed.http_request.headers["Authorization"] == "Bearer sk" and streamed.method == "GET"
        assert str(streamed.url).endswith("/v1/files/f1/labels") and streamed.retries_taken == 0
        assert streamed.headers["Conductor-Request-Id"] == "req_1" and streamed.status_code == 200
        assert streamed.parse().labels == ["x"] and streamed.json() == {"labels": ["x"]}
    assert streamed.is_closed is True and streamed.elapsed.total_seconds() >= 0
    with api.files.with_streaming_response.content.retrieve("f1") as lines:
        assert list(lines.iter_lines()) == ["a", "b"]
    assert lines.is_closed is True


def test_async_raw_and_streamed_responses_read_like_sync_ones(conductor: ModuleType, server: LocalServer) -> None:
    server.reply(
        Reply(200, {"labels": ["x"]}),
        Reply(200, {"labels": ["y"]}),
        Reply(200, b"t1t2", {"Content-Type": "text/plain"}),
    )

    async def main() -> list[object]:
        async with conductor.AsyncConductor(api_key="sk", base_url=server.url) as api:
            raw = await api.files.with_raw_response.labels.list("f1")
            seen: list[object] = [raw.is_closed, (await raw.parse()).labels, await raw.text()]
            async with api.files.with_streaming_response.labels.list("f1") as streamed:
                seen += [streamed.is_closed, await streamed.json()]
            seen.append(streamed.is_closed)
            async with api.files.with_streaming_response.content.retrieve("f1") as chunks:
                seen.append("".join([text async for text in chunks.iter_text()]))
            return seen

    assert asyncio.run(main()) == [True, ["x"], '{"labels": ["x"]}', False, {"labels": ["y"]}, True, "t1t2"]


def test_requests_to_undocumented_paths_send_credentials_options_and_bodies(
    conductor: ModuleType, server: LocalServer
) -> None:
    server.reply(Reply(200, {"ok": True}), Reply(200, {"ok": 1}), Reply(200, b"", {}), Reply(200, {"x": 1}))
    api = client(conductor, server)
    options = {"headers": {"X-Extra": "1"}, "params": {"q": "v"}, "timeout": 5.0}
    assert api.get("/custom/thing", cast_to=dict, options=options) == {"ok": True}
    first = server.received[0]
    assert first.method == "GET" and first.path == "/v1/custom/thing?q=v"
    assert first.headers["Authorization"] == "Bearer sk" and first.headers["X-Extra"] == "1"
    assert api.post("custom", cast_to=object, body={"a": 1}, options={"extra_json": {"b": 2}}) == {"ok": 1}
    assert json.loads(server.received[1].body) == {"a": 1, "b": 2}
    api.put("/upload", cast_to=type(None), body={"purpose": "p"}, files={"file": ("n.txt", b"DATA", "text/plain")})
    upload = server.received[2]
    assert upload.method == "PUT" and upload.headers["Content-Type"].startswith("multipart/form-data")
    assert b'name="purpose"' in upload.body and b'filename="n.txt"' in upload.body and b"DATA" in upload.body

    async def main() -> object:
        async with conductor.AsyncConductor(api_key="sk", base_url=server.url) as async_api:
            return await async_api.delete("/things/1", cast_to=object)

    assert asyncio.run(main()) == {"x": 1} and server.received[3].method == "DELETE"


def test_copy_can_replace_default_headers_and_query(conductor: ModuleType, server: LocalServer) -> None:
    api = conductor.Conductor(api_key="sk", base_url=server.url, default_headers={"A": "1"}, default_query={"k": "1"})
    merged = api.copy(default_headers={"B": "2"})
    replaced = api.copy(set_default_headers={"B": "2"}, set_default_query={"j": "2"})
    assert merged._default_headers == {"A": "1", "B": "2"} and merged._default_query == {"k": "1"}
    assert replaced._default_headers == {"B": "2"} and replaced._default_query == {"j": "2"}
    with pytest.raises(ValueError, match="mutually exclusive"):
        api.copy(default_headers={"B": "2"}, set_default_headers={})
    server.reply(PAGE)
    replaced.qbd.invoices.list()
    assert server.received[0].path == "/v1/quickbooks-desktop/invoices?j=2" and "A" not in server.received[0].headers


def test_package_exports_of_the_reference_sdk(conductor: ModuleType, tmp_path: Path) -> None:
    assert conductor.Client is conductor.Conductor and conductor.AsyncClient is conductor.AsyncConductor
    assert conductor.AsyncAPIResponse.__name__ == "AsyncAPIResponse"
    (tmp_path / "report.csv").write_bytes(b"a,b")
    assert conductor.file_from_path(tmp_path / "report.csv") == ("report.csv", b"a,b")
    with conductor.DefaultHttpxClient() as http:
        assert http.follow_redirects and http.timeout == conductor.DEFAULT_TIMEOUT
    with conductor.DefaultHttpxClient(follow_redirects=False) as http:
        assert not http.follow_redirects
    assert asyncio.run(_async_default(conductor))


async def _async_default(conductor: ModuleType) -> bool:
    async with conductor.DefaultAsyncHttpxClient() as http:
        return bool(http.follow_redirects and http.timeout == conductor.DEFAULT_TIMEOUT)


def test_readme_shows_uploads_downloads_and_errors_and_api_md_lists_groups(
    conductor: ModuleType, server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = Path(conductor.__file__).parents[2]
    readme = (project / "README.md").read_text()
    blocks = {block.split("\n", 1)[0]: block for block in readme.split("\n## ")[1:]}
    assert "file=Path(" in blocks["File uploads"] and "file_from_path" in blocks["File uploads"]
    download = blocks["Binary responses"].split("```python\n", 1)[1].split("```", 1)[0]
    assert ".with_streaming_response.retrieve(" in download and "write_to_file" in download
    assert "except conductor.APIStatusError as e:" in blocks["Handling errors"]
    assert "CONDUCTOR_LOG=debug" in blocks["Logging"] and "every response received" in blocks["Logging"]
    server.default = Reply(200, b"FILE", {"Content-Type": "application/octet-stream"})
    monkeypatch.chdir(tmp_path)
    exec(download, {"client": client(conductor, server)})  # noqa: S102 - the example runs as written
    assert (tmp_path / "downloaded.bin").read_bytes() == b"FILE"
    api_md = (project / "api.md").read_text()
    assert "## `client.qbd`\n\nGroups [`client.qbd.invoices`](#clientqbdinvoices).\n" in api_md


def test_top_level_resources_do_not_shadow_the_clients_own_methods(tmp_path: Path) -> None:
    ok = '{responses: {"200": {description: ok}}}'
    paths = "".join(f"  /{name}:\n    get: {ok}\n" for name in ("get", "delete", "with_raw_response", "things"))
    spec = write_spec(tmp_path, "paths:\n" + paths, "names.yaml", title="Names")
    api = pipeline.model(pipeline.Options(spec=spec))
    assert sorted(r.name for r in api.resources) == ["delete_", "get_", "things", "with_raw_response_"]
