"""The client's surface beyond calls, against a real HTTP server on 127.0.0.1 with the seed's SDK: `withOptions`,
`client.get/post(path, {query, body, headers})`, default and custom headers (`<PREFIX>_CUSTOM_HEADERS`),
`fetchOptions`, idempotency keys as the Python SDK sends them, and logging (`logLevel`, `logger`, `<PREFIX>_LOG`)
with credentials hidden."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.conftest import LocalServer, Reply
from tests.targets.typescript.conftest import run_node


def _node(sdk: Path, server: LocalServer, tmp_path: Path, body: str, **env: str) -> Any:
    entry = json.dumps((sdk / "dist" / "esm" / "index.js").as_posix())
    script = f"import Conductor from {entry};\n{body}\n"
    done = run_node(script, tmp_path, BASE_URL=server.url, **env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def _headers(index: int, server: LocalServer) -> dict[str, str]:
    return {name.lower(): value for name, value in server.received[index].headers.items()}


def test_with_options_undocumented_calls_and_every_header_layer(
    seed_sdk: Path, server: LocalServer, tmp_path: Path
) -> None:
    body = """
const seen = [];
const client = new Conductor({
  apiKey: 'sk_test', baseURL: process.env.BASE_URL, maxRetries: 0,
  defaultHeaders: { 'X-Team': 'core', 'X-Drop': 'me' }, defaultQuery: { region: 'eu' },
  fetchOptions: { keepalive: true },
  fetch: (url, init) => { seen.push(init.keepalive); return fetch(url, init); },
});
const derived = client.withOptions({ timeout: 5000, defaultHeaders: { 'X-Team': 'edge' } });
await client.post('/custom/things', { query: { tags: ['a', 'b'] }, body: { name: 'x' }, headers: { 'X-Drop': null } });
await derived.get('/custom/things');
console.log(JSON.stringify({ seen, timeout: derived.timeout, key: derived.apiKey, url: derived.baseURL === client.baseURL,
  same: derived instanceof Conductor, original: client.timeout }));"""
    result = _node(seed_sdk, server, tmp_path, body, CONDUCTOR_CUSTOM_HEADERS="X-Env: one\nX-Other:  two \nbroken")
    assert result == {"seen": [True, True], "timeout": 5000, "key": "sk_test", "url": True, "same": True,
                      "original": 60000}  # fmt: skip
    posted, got = server.received
    assert (posted.method, urlsplit(posted.path).path) == ("POST", "/v1/custom/things")
    assert parse_qs(urlsplit(posted.path).query) == {"region": ["eu"], "tags": ["a", "b"]}
    assert json.loads(posted.body) == {"name": "x"}
    first, second = _headers(0, server), _headers(1, server)
    assert first["authorization"] == second["authorization"] == "Bearer sk_test"
    assert (first["x-team"], first["x-env"], first["x-other"]) == ("core", "one", "two")
    assert "x-drop" not in first  # null in the request's headers removes a default one
    assert (second["x-team"], second["x-env"]) == ("edge", "one")
    assert "x-drop" not in second  # withOptions replaced the default headers
    assert (got.method, got.path) == ("GET", "/v1/custom/things?region=eu")


def test_idempotency_keys_as_the_python_sdk_sends_them(seed_sdk: Path, server: LocalServer, tmp_path: Path) -> None:
    body = """
const client = new Conductor({ apiKey: 'sk_test', baseURL: process.env.BASE_URL, maxRetries: 0 });
await client.endUsers.delete('end_usr_1');
await client.endUsers.delete('end_usr_1', { idempotencyKey: 'mine-1' });
await client.get('/end-users');
console.log('{}');"""
    _node(seed_sdk, server, tmp_path, body)
    keys = [_headers(i, server).get("idempotency-key") for i in range(3)]
    assert re.fullmatch(r"sdk-retry-[0-9a-f]{32}", keys[0] or ""), keys
    assert keys[1:] == ["mine-1", None]  # a GET carries none


def test_logs_follow_the_level_and_hide_credentials(seed_sdk: Path, server: LocalServer, tmp_path: Path) -> None:
    server.reply(Reply(503, {"message": "busy"}, {"retry-after-ms": "1", "Set-Cookie": "session=secret"}))
    body = """
const lines = [];
const logger = Object.fromEntries(['error', 'warn', 'info', 'debug'].map((level) =>
  [level, (message, details) => lines.push({ level, message, details })]));
const fromEnv = new Conductor({ apiKey: 'sk_secret', baseURL: process.env.BASE_URL, maxRetries: 1, logger });
await fromEnv.endUsers.delete('end_usr_1', { headers: { 'X-Api-Key': 'also_secret' } });
const quiet = fromEnv.withOptions({ logLevel: 'warn' });
await quiet.endUsers.delete('end_usr_1');
const wrong = new Conductor({ apiKey: 'sk', logger, logLevel: 'loud' });
console.log(JSON.stringify({ lines, levels: [fromEnv.logLevel, quiet.logLevel, wrong.logLevel] }));"""
    result = _node(seed_sdk, server, tmp_path, body, CONDUCTOR_LOG="debug")
    assert result["levels"] == ["debug", "warn", "debug"]  # a wrong option falls back to the environment
    lines = result["lines"]
    messages = [(line["level"], line["message"]) for line in lines]
    url = f"{server.url}/end-users/end_usr_1"
    assert messages[:5] == [
        ("debug", f"Request: DELETE {url}"),
        ("debug", f"Response: DELETE {url} 503"),
        ("info", f"Retrying DELETE {url} in 0.00 s (status 503)"),
        ("debug", f"Request: DELETE {url}"),
        ("debug", f"Response: DELETE {url} 200"),
    ]
    assert lines[0]["details"]["headers"]["authorization"] == "***"
    assert lines[0]["details"]["headers"]["x-api-key"] == "***"
    assert lines[1]["details"]["headers"]["set-cookie"] == "***"
    assert "sk_secret" not in json.dumps(lines) and "also_secret" not in json.dumps(lines)
    # the client at `warn` logged nothing; the wrong level was reported
    assert messages[5:] == [
        ("warn", 'ClientOptions.logLevel was set to "loud", expected one of: off, error, warn, info, debug')
    ]
