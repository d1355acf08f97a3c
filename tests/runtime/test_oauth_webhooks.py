"""OAuth2 client credentials and webhook verification in a generated client, against servers on 127.0.0.1.

One client is generated from SPEC (an oauth2 clientCredentials scheme and two 3.1 webhooks) and used by
every test here: the token endpoint and the API are one local server that counts token fetches and
accepts only the tokens it issued and has not revoked.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, unquote_plus

import pytest

from generator.config import load_config
from generator.model.build import build_api
from generator.spec.load import load_spec
from generator.targets.python.naming import PYTHON_NAMING
from generator.targets.python.types import annotation as python_annotation
from tests.conftest import Generated, GeneratePackage
from tests.support.documents import write_spec

SPEC = """\
security: [{oauth: []}]
paths:
  /entries/{id}:
    get:
      operationId: getEntry
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Entry"}}}}
components:
  securitySchemes:
    oauth:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: /oauth/token
          scopes: {"entries:read": read entries, "entries:write": write entries, "x\\"\\"\\"'); `import os #\\n": hostile}
  schemas:
    Entry:
      type: object
      required: [id, amount]
      properties: {id: {type: string}, amount: {type: integer}}
    EntryCreated:
      type: object
      required: [type, entry]
      properties: {type: {type: string, const: entry.created}, entry: {$ref: "#/components/schemas/Entry"}}
    EntryDeleted:
      type: object
      required: [type, id]
      properties: {type: {type: string, enum: [entry.deleted]}, id: {type: string}}
webhooks:
  entry.created:
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/EntryCreated"}
            example: {type: entry.created, entry: {id: ent_1, amount: 5}}
      responses: {"200": {description: ok}}
  entry.deleted:
    post:
      requestBody:
        content: {application/json: {schema: {$ref: "#/components/schemas/EntryDeleted"}}}
      responses: {"200": {description: ok}}
"""

CLIENT_ID = "ledger app:1"  # a space and a colon: form-encoded before HTTP Basic (RFC 6749 §2.3.1)
CLIENT_SECRET = "s3cr3t/with+odd=chars"
WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"the webhook key, 32 bytes long!!").decode()


@pytest.fixture(scope="module")
def generated(generate_package: GeneratePackage) -> Iterator[Generated]:
    with generate_package(SPEC, title="Ledger", package="ledger") as generated:
        yield generated


@pytest.fixture(scope="module")
def project(generated: Generated) -> Path:
    return generated.project


@pytest.fixture(scope="module")
def ledger(generated: Generated) -> ModuleType:
    return generated.package


@dataclass
class TokenServer:
    """POST /oauth/token issues tok_1, tok_2, ...; GET /v1/entries/<id> answers 200 to a live token, else 401."""

    expires_in: object = 3600
    token_status: int = 200
    token_body: object = None  # instead of a token
    token_delay: float = 0.0
    fetches: list[dict[str, Any]] = field(default_factory=list)
    api_calls: list[str] = field(default_factory=list)  # the Authorization header of each API request
    live: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                form = parse_qs(self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode())
                with server.lock:
                    server.fetches.append({"form": form, "authorization": self.headers.get("Authorization")})
                    token = f"tok_{len(server.fetches)}"
                if server.token_delay:
                    threading.Event().wait(server.token_delay)  # lets concurrent first calls pile up
                if server.token_body is not None or server.token_status != 200:
                    return self._answer(server.token_status, server.token_body)
                server.live.add(token)
                body = {"access_token": token, "token_type": "Bearer"}
                self._answer(200, body if server.expires_in is None else {**body, "expires_in": server.expires_in})

            def do_GET(self) -> None:
                authorization = self.headers.get("Authorization", "")
                with server.lock:
                    server.api_calls.append(authorization)
                if authorization.removeprefix("Bearer ") in server.live:
                    return self._answer(200, {"id": self.path.rsplit("/", 1)[-1], "amount": 5})
                self._answer(401, {"error": "invalid token"})

            def _answer(self, status: int, body: object) -> None:
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


@pytest.fixture
def tokens() -> Iterator[TokenServer]:
    state = TokenServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), state.handler())
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    host, port = httpd.server_address[:2]
    state.url = f"http://{host!s}:{port}/v1"
    yield state
    httpd.shutdown()
    httpd.server_close()


def make(ledger: ModuleType, tokens: TokenServer, *, is_async: bool = False, **options: Any) -> Any:
    options.setdefault("client_id", CLIENT_ID)
    options.setdefault("client_secret", CLIENT_SECRET)
    return (ledger.AsyncLedger if is_async else ledger.Ledger)(base_url=tokens.url, max_retries=0, **options)


# --- OAuth2 client credentials ------------------------------------------------------------------------


def test_the_first_call_fetches_a_token_that_later_calls_and_copies_reuse(
    ledger: ModuleType, tokens: TokenServer
) -> None:
    client = make(ledger, tokens)
    assert client.entries.retrieve("ent_1").amount == 5
    assert client.entries.retrieve("ent_2").id == "ent_2"
    assert client.with_options(timeout=5.0).entries.retrieve("ent_3").id == "ent_3"  # a copy shares the token
    assert len(tokens.fetches) == 1 and tokens.api_calls == ["Bearer tok_1"] * 3
    fetch = tokens.fetches[0]
    # The scopes as the spec spells them, a hostile one too (it reached the generated code only as a string literal).
    scopes = 'entries:read entries:write x"""\'); `import os #\n'
    assert fetch["form"] == {"grant_type": ["client_credentials"], "scope": [scopes]}
    user, _, password = base64.b64decode(fetch["authorization"].removeprefix("Basic ")).decode().partition(":")
    assert (unquote_plus(user), unquote_plus(password)) == (CLIENT_ID, CLIENT_SECRET)

    async def calls() -> list[str]:
        async with make(ledger, tokens, is_async=True) as async_client:
            return [(await async_client.entries.retrieve(f"ent_{i}")).id for i in range(2)]

    assert asyncio.run(calls()) == ["ent_0", "ent_1"] and len(tokens.fetches) == 2  # its own client: one fetch


def test_a_token_is_replaced_shortly_before_it_expires(ledger: ModuleType, tokens: TokenServer) -> None:
    tokens.expires_in = 120  # replaced 12 s early (10% of its lifetime)
    client = make(ledger, tokens)
    now = [1000.0]
    client._api_key_oauth.clock = lambda: now[0]
    client.entries.retrieve("a")
    now[0] += 107
    client.entries.retrieve("b")
    assert len(tokens.fetches) == 1
    now[0] += 2  # 109 s after the fetch: within 12 s of expiring
    client.entries.retrieve("c")
    assert len(tokens.fetches) == 2 and tokens.api_calls == ["Bearer tok_1", "Bearer tok_1", "Bearer tok_2"]
    tokens.expires_in = "0"  # as text, as some servers send it: every call needs a new token
    now[0] += 200  # tok_2 has expired
    client.entries.retrieve("d")
    now[0] += 0.001
    client.entries.retrieve("e")
    assert len(tokens.fetches) == 4
    tokens.expires_in = None  # no lifetime: kept until the API refuses it
    client.entries.retrieve("f")
    now[0] += 10**9
    client.entries.retrieve("g")
    assert len(tokens.fetches) == 5


def test_a_401_fetches_a_new_token_once_and_sends_the_call_again(ledger: ModuleType, tokens: TokenServer) -> None:
    client = make(ledger, tokens)
    client.entries.retrieve("a")
    tokens.live.clear()  # the server revokes tok_1
    assert client.entries.retrieve("b").id == "b"
    assert tokens.api_calls == ["Bearer tok_1", "Bearer tok_1", "Bearer tok_2"] and len(tokens.fetches) == 2
    tokens.live.clear()
    tokens.token_body, tokens.token_status = {"access_token": "tok_dead"}, 200  # a token the API refuses too
    with pytest.raises(ledger.AuthenticationError) as caught:
        client.entries.retrieve("c")
    assert caught.value.status_code == 401 and caught.value.body == {"error": "invalid token"}
    assert len(tokens.fetches) == 3 and tokens.api_calls[-2:] == ["Bearer tok_2", "Bearer tok_dead"]  # once, not a loop

    async def revoked() -> str:
        async with make(ledger, tokens, is_async=True) as async_client:
            tokens.token_body = None
            first = (await async_client.entries.retrieve("x")).id
            tokens.live.clear()
            return first + (await async_client.entries.retrieve("y")).id

    assert asyncio.run(revoked()) == "xy" and tokens.api_calls[-3:] == ["Bearer tok_4", "Bearer tok_4", "Bearer tok_5"]


def test_concurrent_first_calls_fetch_one_token(ledger: ModuleType, tokens: TokenServer) -> None:
    tokens.token_delay = 0.3
    client = make(ledger, tokens)
    start = threading.Barrier(12)
    results: list[str] = []

    def call(i: int) -> None:
        start.wait()
        results.append(client.entries.retrieve(f"t{i}").id)

    threads = [threading.Thread(target=call, args=(i,)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 12 and len(tokens.fetches) == 1 and set(tokens.api_calls) == {"Bearer tok_1"}

    async def tasks() -> list[str]:
        async with make(ledger, tokens, is_async=True) as async_client:
            return [e.id for e in await asyncio.gather(*(async_client.entries.retrieve(f"a{i}") for i in range(12)))]

    assert len(asyncio.run(tasks())) == 12 and len(tokens.fetches) == 2


def test_token_endpoint_errors_are_authentication_errors_that_say_so(ledger: ModuleType, tokens: TokenServer) -> None:
    tokens.token_status, tokens.token_body = 401, {"error": "invalid_client", "error_description": "Unknown client"}
    with pytest.raises(ledger.AuthenticationError) as caught:
        make(ledger, tokens).entries.retrieve("a")
    message = str(caught.value)
    assert "token endpoint" in message and "invalid_client: Unknown client" in message and "status 401" in message
    assert caught.value.status_code == 401 and tokens.api_calls == []  # the API was never called
    tokens.token_status, tokens.token_body = 200, {"token": "not-an-access-token"}
    with pytest.raises(ledger.AuthenticationError, match="answered without an access_token") as missing:
        make(ledger, tokens).entries.retrieve("a")
    assert "not-an-access-token" not in str(missing.value) and missing.value.body is None
    tokens.token_body = {"access_token": "tok_huge", "padding": "x" * (2 * 1024 * 1024)}  # never read whole
    with pytest.raises(ledger.AuthenticationError, match="answered with more than 1,048,576 bytes"):
        make(ledger, tokens).entries.retrieve("a")

    async def huge() -> None:
        async with make(ledger, tokens, is_async=True) as async_client:
            await async_client.entries.retrieve("a")

    with pytest.raises(ledger.AuthenticationError, match="answered with more than 1,048,576 bytes"):
        asyncio.run(huge())
    assert tokens.api_calls == []


def test_secrets_and_tokens_never_reach_logs_reprs_or_errors(
    ledger: ModuleType, tokens: TokenServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: the client's and httpx's
    client = make(ledger, tokens)
    shown: list[str] = [repr(client), repr(client._api_key_oauth), repr(client.with_options(max_retries=1))]
    client.entries.retrieve("a")
    tokens.live.clear()
    raw = client.entries.with_raw_response.retrieve("b")  # refreshed after a 401
    shown += [repr(raw), repr(raw.http_request), repr(raw.http_request.headers), str(raw.headers)]
    tokens.live.clear()
    tokens.token_status, tokens.token_body = 400, {"error": "invalid_client"}
    with pytest.raises(ledger.AuthenticationError) as caught:
        client.entries.retrieve("c")
    error = caught.value
    shown += [str(error), repr(error), repr(error.request), repr(error.request.headers), repr(error.body)]
    text = "\n".join(shown + [caplog.text])
    assert "Fetched an OAuth2 token" in caplog.text and "/oauth/token" in caplog.text  # logging was on
    for secret in (CLIENT_SECRET, "tok_1", "tok_2", base64.b64encode(CLIENT_SECRET.encode()).decode()):
        assert secret not in text
    assert "s3cr3t" not in text


def test_a_token_given_directly_is_sent_without_a_fetch_and_credentials_are_checked(
    ledger: ModuleType, tokens: TokenServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    tokens.live.add("direct")
    client = make(ledger, tokens, api_key="direct", client_id=None, client_secret=None)
    assert client.entries.retrieve("a").id == "a" and tokens.api_calls == ["Bearer direct"] and tokens.fetches == []
    for name in ("LEDGER_API_KEY", "LEDGER_CLIENT_ID", "LEDGER_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ledger.LedgerError, match="api_key client option, or client_id and client_secret"):
        ledger.Ledger(base_url=tokens.url)
    with pytest.raises(ledger.LedgerError, match="must be given together"):
        ledger.Ledger(base_url=tokens.url, client_id="only-the-id")
    monkeypatch.setenv("LEDGER_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("LEDGER_CLIENT_SECRET", CLIENT_SECRET)
    assert ledger.Ledger(base_url=tokens.url).entries.retrieve("b").id == "b" and len(tokens.fetches) == 1


def test_the_readme_oauth_example_runs(project: Path, tokens: TokenServer) -> None:
    readme = (project / "README.md").read_text()
    block = readme.split("## OAuth2 client credentials", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    env = {"LEDGER_CLIENT_ID": CLIENT_ID, "LEDGER_CLIENT_SECRET": CLIENT_SECRET, "LEDGER_BASE_URL": tokens.url,
           "PYTHONPATH": str(project / "src")}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", block], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "string" and len(tokens.fetches) == 1


def test_only_specs_with_a_client_credentials_flow_get_it(tmp_path: Path) -> None:
    authorization_code = "authorizationCode:\n          authorizationUrl: /authorize\n         "
    code_flow = SPEC.replace("clientCredentials:", authorization_code)
    spec = write_spec(tmp_path, code_flow.replace("webhooks:", "x-webhooks:"), "code.yaml", title="Ledger")
    api = build_api(load_spec(spec), load_config(None), PYTHON_NAMING)
    assert api.oauth_flows == () and [c.name for c in api.credentials] == ["api_key"]
    assert api.webhook_verification is None


# --- webhooks -------------------------------------------------------------------------------------------


def sign(body: bytes, secret: str, *, message_id: str = "msg_1", timestamp: int | None = None) -> dict[str, str]:
    """Standard Webhooks headers for `body`, written from the specification (not from the generated code)."""
    sent_at = int(time.time()) if timestamp is None else timestamp
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{message_id}.{sent_at}.".encode() + body, hashlib.sha256).digest()
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(sent_at),
        "webhook-signature": "v1," + base64.b64encode(digest).decode(),
    }


CREATED = b'{"type": "entry.created", "entry": {"id": "ent_9", "amount": 12}}'


def test_unwrap_verifies_and_returns_the_typed_payload(ledger: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    from ledger.types import EntryCreated, EntryDeleted

    client = ledger.Ledger(api_key="k", webhook_secret=WEBHOOK_SECRET)
    event = client.webhooks.unwrap(CREATED, sign(CREATED, WEBHOOK_SECRET))
    assert isinstance(event, EntryCreated) and (event.entry.id, event.entry.amount) == ("ent_9", 12)
    deleted = '{"type": "entry.deleted", "id": "ent_9"}'  # text works too; header names in any case
    headers = {k.title(): v for k, v in sign(deleted.encode(), WEBHOOK_SECRET).items()}
    assert isinstance(client.webhooks.unwrap(deleted, headers), EntryDeleted)
    assert client.webhooks.verify_signature(b"not even json", sign(b"not even json", WEBHOOK_SECRET)) is None
    moved = b'{"type": "entry.moved", "id": "ent_9"}'  # signed, but an event type the spec does not know
    with pytest.raises(ledger.LedgerError, match="does not match WebhookEvent"):
        client.webhooks.unwrap(moved, sign(moved, WEBHOOK_SECRET))
    lenient = ledger.Ledger(api_key="k", webhook_secret=WEBHOOK_SECRET, strict_response_validation=False)
    built = lenient.webhooks.unwrap(moved, sign(moved, WEBHOOK_SECRET))  # built as far as it fits, values as sent
    assert (built.type, built.id) == ("entry.moved", "ent_9")  # type: ignore[union-attr]
    monkeypatch.setenv("LEDGER_WEBHOOK_SECRET", WEBHOOK_SECRET)  # the default secret
    assert isinstance(ledger.Ledger(api_key="k").webhooks.unwrap(CREATED, sign(CREATED, WEBHOOK_SECRET)), EntryCreated)
    monkeypatch.delenv("LEDGER_WEBHOOK_SECRET")
    with pytest.raises(ledger.LedgerError, match="No webhook secret"):
        ledger.Ledger(api_key="k").webhooks.verify_signature(CREATED, sign(CREATED, WEBHOOK_SECRET))


@pytest.mark.parametrize(
    "case",
    ["tampered body", "wrong secret", "stale timestamp", "future timestamp", "other message id", "no signature header"],
)
def test_unwrap_refuses_requests_not_signed_now_with_the_secret(ledger: ModuleType, case: str) -> None:
    client = ledger.Ledger(api_key="k", webhook_secret=WEBHOOK_SECRET)
    body, now = CREATED, int(time.time())
    other = "whsec_" + base64.b64encode(b"another key").decode()
    headers = {
        "tampered body": sign(CREATED, WEBHOOK_SECRET),
        "wrong secret": sign(CREATED, other),
        "stale timestamp": sign(CREATED, WEBHOOK_SECRET, timestamp=now - 10 * 60),
        "future timestamp": sign(CREATED, WEBHOOK_SECRET, timestamp=now + 10 * 60),
        "other message id": {**sign(CREATED, WEBHOOK_SECRET), "webhook-id": "msg_2"},
        "no signature header": {k: v for k, v in sign(CREATED, WEBHOOK_SECRET).items() if k != "webhook-signature"},
    }[case]
    if case == "tampered body":
        body = CREATED.replace(b"12", b"99")
    with pytest.raises(ledger.WebhookVerificationError):
        client.webhooks.unwrap(body, headers)
    with pytest.raises(ledger.WebhookVerificationError):
        client.webhooks.verify_signature(body, headers)
    # Well inside the five minutes, both ways, the same request verifies.
    for sent_at in (now - 4 * 60, now + 4 * 60):
        client.webhooks.verify_signature(CREATED, sign(CREATED, WEBHOOK_SECRET, timestamp=sent_at))


def test_rotated_secrets_several_signatures_in_one_header(ledger: ModuleType) -> None:
    client = ledger.Ledger(api_key="k")
    old, new = WEBHOOK_SECRET, "whsec_" + base64.b64encode(b"the new key after rotation").decode()
    now = int(time.time())
    signatures = [sign(CREATED, s, timestamp=now)["webhook-signature"] for s in (old, new)]
    headers = {**sign(CREATED, old, timestamp=now), "webhook-signature": " ".join(["v1a,ignored", *signatures])}
    for secret in (old, new):
        assert client.webhooks.unwrap(CREATED, headers, secret=secret).entry.id == "ent_9"
    with pytest.raises(ledger.WebhookVerificationError):
        client.webhooks.unwrap(CREATED, headers, secret="whsec_" + base64.b64encode(b"a third key").decode())
    with pytest.raises(ValueError, match="not a Standard Webhooks secret"):
        client.webhooks.unwrap(CREATED, headers, secret="whsec_***not base64***")


def test_the_readme_webhook_example_runs_on_the_specs_example(project: Path, ledger: ModuleType) -> None:
    readme = (project / "README.md").read_text()
    section = readme.split("\n## Webhooks\n", 1)[1].split("\n## ", 1)[0]
    handler = section.split("```python\n", 1)[1].split("```", 1)[0]
    payload = section.split("```json\n", 1)[1].split("```", 1)[0].encode()
    assert json.loads(payload) == {"type": "entry.created", "entry": {"id": "ent_1", "amount": 5}}  # the spec's example
    program = (
        handler + "\nimport json, sys\nargs = json.loads(sys.argv[1])\nhandle_webhook(args[0].encode(), args[1])\n"
    )
    arguments = json.dumps([payload.decode(), sign(payload, WEBHOOK_SECRET)])
    env = {"LEDGER_WEBHOOK_SECRET": WEBHOOK_SECRET, "LEDGER_API_KEY": "k", "PYTHONPATH": str(project / "src")}
    done = subprocess.run([sys.executable, "-c", program, arguments], env=env, capture_output=True, text=True, timeout=60,
                          check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "ent_1" in done.stdout and "entry.created" in done.stdout


def test_the_event_union_is_tagged_only_where_the_payloads_allow_it(tmp_path: Path) -> None:
    tagged = _api(tmp_path, SPEC)
    assert tagged.webhook_verification is not None and tagged.webhook_verification.tag == "type"
    assert "Discriminator" in python_annotation(tagged.webhook_verification.event)
    same = _api(tmp_path, SPEC.replace("enum: [entry.deleted]", "enum: [entry.created]"))  # both pin one value
    assert same.webhook_verification is not None and same.webhook_verification.tag is None
    assert python_annotation(same.webhook_verification.event) == "EntryCreated | EntryDeleted"
    one = _api(
        tmp_path,
        SPEC.replace('{$ref: "#/components/schemas/EntryDeleted"}', '{$ref: "#/components/schemas/EntryCreated"}'),
    )
    assert one.webhook_verification is not None and python_annotation(one.webhook_verification.event) == "EntryCreated"


def test_config_chooses_an_hmac_header_scheme_or_none(tmp_path: Path, ledger: ModuleType) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("webhooks: {scheme: hmac, header: X-Hub-Signature-256, prefix: 'sha256=', encoding: hex}\n")
    hooks = _api(tmp_path, SPEC, config).webhook_verification
    assert hooks is not None and (hooks.scheme, hooks.header, hooks.prefix, hooks.algorithm) == (
        "hmac",
        "X-Hub-Signature-256",
        "sha256=",
        "sha256",
    )
    config.write_text("webhooks: {scheme: none}\n")
    hooks = _api(tmp_path, SPEC, config).webhook_verification
    assert hooks is not None and hooks.credential is None
    config.write_text("webhooks: {scheme: hmac}\n")
    with pytest.raises(Exception, match="needs 'header'"):
        load_config(config)
    # The runtime the hmac scheme calls (the same module every client with webhooks gets).
    from ledger._webhooks import verify_hmac

    digest = hmac.new(b"gh-secret", CREATED, hashlib.sha256).hexdigest()
    options = {"header": "X-Hub-Signature-256", "algorithm": "sha256", "encoding": "hex", "prefix": "sha256="}
    verify_hmac(CREATED, {"x-hub-signature-256": f"sha256={digest.upper()}"}, "gh-secret", **options)
    for headers in ({"X-Hub-Signature-256": f"sha256={digest}"}, {"X-Hub-Signature-256": digest}, {}):
        with pytest.raises(ledger.WebhookVerificationError):
            verify_hmac(CREATED + (b" " if "sha256=" in str(headers) else b""), headers, "gh-secret", **options)


def _api(tmp_path: Path, text: str, config: Path | None = None) -> Any:
    spec = write_spec(tmp_path, text, "spec.yaml", title="Ledger")
    return build_api(load_spec(spec), load_config(config), PYTHON_NAMING)
