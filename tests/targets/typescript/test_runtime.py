"""The generated runtime against a real HTTP server on 127.0.0.1: errors by status, retries (Retry-After obeyed
within bounds), per-attempt timeouts, path parameters encoded or refused, the raw response and request ids.
Each test runs a small ES module with node against the seed's built SDK."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import LocalServer, Reply
from tests.targets.typescript.conftest import run_node


def _entry(sdk: Path) -> str:
    """The built SDK's ES module entry, as a string literal for `import`."""
    return json.dumps((sdk / "dist" / "esm" / "index.js").as_posix())


def _script(sdk: Path, body: str) -> str:
    return (
        f"import Conductor from {_entry(sdk)};\n"
        "const client = new Conductor({ apiKey: 'sk_test', baseURL: process.env.BASE_URL, maxRetries: 0 });\n"
        "const describe = (e) => ({ name: e.name, status: e.status, message: e.message, requestID: e.requestID });\n"
        f"{body}\n"
    )


def _headers(headers: dict[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def _node(sdk: Path, server: LocalServer, tmp_path: Path, body: str) -> Any:
    done = run_node(_script(sdk, body), tmp_path, BASE_URL=server.url)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_an_error_status_throws_its_class_with_status_body_and_request_id(
    seed_sdk: Path, server: LocalServer, tmp_path: Path
) -> None:
    server.reply(
        Reply(404, {"error": {"message": "No such end-user", "code": "NOT_FOUND"}}, {"Conductor-Request-Id": "req_9"})
    )
    body = """
try {
  await client.endUsers.delete('end_usr_1');
} catch (e) {
  console.log(JSON.stringify({ ...describe(e), notFound: e instanceof Conductor.NotFoundError,
    api: e instanceof Conductor.APIError, base: e instanceof Conductor.ConductorError, error: e.error }));
}"""
    result = _node(seed_sdk, server, tmp_path, body)
    assert result == {
        "name": "NotFoundError",
        "status": 404,
        "message": "404 No such end-user",
        "requestID": "req_9",
        "notFound": True,
        "api": True,
        "base": True,
        "error": {"error": {"message": "No such end-user", "code": "NOT_FOUND"}},
    }
    sent = server.received[0]
    assert (sent.method, sent.path) == ("DELETE", "/v1/end-users/end_usr_1")
    headers = _headers(sent.headers)
    assert headers["authorization"] == "Bearer sk_test"
    assert headers["user-agent"] == "Conductor/JS 0.1.0"


def test_retries_obey_retry_after_and_send_one_idempotency_key(
    seed_sdk: Path, server: LocalServer, tmp_path: Path
) -> None:
    server.reply(
        Reply(503, {"message": "busy"}, {"retry-after-ms": "10"}),
        Reply(429, {"message": "slow down"}, {"Retry-After": "0"}),
        Reply(500, {"message": "boom"}, {"Retry-After": "86400"}),  # a day: past the bound, the backoff applies
    )
    body = """
const result = await client.endUsers.delete('end_usr_1', { maxRetries: 3 });
console.log(JSON.stringify(result));"""
    assert _node(seed_sdk, server, tmp_path, body) == {
        "id": "end_usr_1234567abcdefg",
        "objectType": "end_user",
        "deleted": True,
    }
    assert [_headers(r.headers)["x-retry-count"] for r in server.received] == ["0", "1", "2", "3"]
    keys = {_headers(r.headers)["idempotency-key"] for r in server.received}
    assert len(keys) == 1 and keys != {""}


def test_no_retry_when_the_server_says_so_or_the_status_is_final(
    seed_sdk: Path, server: LocalServer, tmp_path: Path
) -> None:
    server.reply(Reply(503, {"message": "down"}, {"x-should-retry": "false"}), Reply(400, {"message": "bad"}))
    body = """
for (let i = 0; i < 2; i++) {
  try {
    await client.endUsers.delete('end_usr_1', { maxRetries: 2 });
  } catch (e) {
    console.log(JSON.stringify(describe(e)));
  }
}"""
    done = run_node(_script(seed_sdk, body), tmp_path, BASE_URL=server.url)
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(e["name"], e["status"]) for e in lines] == [("InternalServerError", 503), ("BadRequestError", 400)]
    assert len(server.received) == 2


def test_each_attempt_times_out_and_the_last_one_throws_the_timeout_error(
    seed_sdk: Path, server: LocalServer, tmp_path: Path
) -> None:
    slow = {"id": "late", "objectType": "end_user", "deleted": True}
    # Each attempt's timeout is long enough for its request to arrive on a loaded machine, and the replies come
    # far later than it.
    server.reply(Reply(200, slow, delay=4.0), Reply(200, slow, delay=4.0))
    body = """
try {
  await client.endUsers.delete('end_usr_1', { timeout: 600, maxRetries: 1 });
} catch (e) {
  console.log(JSON.stringify({ ...describe(e), connection: e instanceof Conductor.APIConnectionError }));
}"""
    result = _node(seed_sdk, server, tmp_path, body)
    assert result["name"] == "APIConnectionTimeoutError" and result["connection"] is True
    assert "status" not in result  # no response came
    assert len(server.received) == 2  # the first attempt timed out and was retried


def test_path_parameters_are_encoded_and_empty_ones_refused_before_sending(
    seed_sdk: Path, server: LocalServer, tmp_path: Path
) -> None:
    body = """
await client.endUsers.delete('a/b c?#%');
const refused = [];
for (const id of ['', '.', '..', null, { id: 1 }]) {
  try {
    await client.endUsers.delete(id);
    refused.push('sent');
  } catch (e) {
    refused.push(e.name);
  }
}
console.log(JSON.stringify(refused));"""
    assert _node(seed_sdk, server, tmp_path, body) == ["ConductorError"] * 5
    assert [r.path for r in server.received] == ["/v1/end-users/a%2Fb%20c%3F%23%25"]


def test_with_response_and_as_response_give_the_raw_response(
    seed_sdk: Path, server: LocalServer, tmp_path: Path
) -> None:
    body = """
const { data, response, requestID } = await client.endUsers.delete('end_usr_1').withResponse();
const raw = await client.endUsers.delete('end_usr_1').asResponse();
console.log(JSON.stringify({ id: data.id, status: response.status, requestID, raw: raw instanceof Response,
  unread: raw.bodyUsed === false, header: raw.headers.get('conductor-request-id') }));"""
    assert _node(seed_sdk, server, tmp_path, body) == {
        "id": "end_usr_1234567abcdefg",
        "status": 200,
        "requestID": "req_default",
        "raw": True,
        "unread": True,
        "header": "req_default",
    }
    assert len(server.received) == 2  # each call sent once


def test_a_missing_api_key_throws_in_the_constructor(seed_sdk: Path, tmp_path: Path) -> None:
    script = (
        f"import {{ Conductor, ConductorError }} from {_entry(seed_sdk)};\n"
        "try {\n  new Conductor();\n} catch (e) {\n  console.log(e instanceof ConductorError, e.message);\n}\n"
    )
    done = run_node(script, tmp_path, CONDUCTOR_SECRET_KEY="  ")
    assert done.stdout.startswith("true The CONDUCTOR_SECRET_KEY environment variable is missing or empty"), done.stderr
