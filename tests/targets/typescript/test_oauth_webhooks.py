"""OAuth2 client credentials and webhook verification in the TypeScript SDK of one small spec. Against a real
HTTP server on 127.0.0.1 playing the token endpoint and the API: the token is fetched with HTTP Basic (id and
secret form-encoded) and the scopes, cached, fetched once for concurrent calls, fetched again when it expires or
the API refuses it, not fetched when a token is given; a refusing or oversized token answer ends in an error.
Webhooks: Standard Webhooks signatures checked (several while a secret rotates, the timestamp within five
minutes), the payload parsed; an HMAC header scheme checked by the runtime's `verifyHmac`."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from tests.conftest import LocalServer, Reply
from tests.targets.typescript.conftest import build, generate, node_tools, run_node

SPEC = """\
openapi: 3.1.0
info: {title: Ledger, version: '1'}
servers: [{url: 'https://ledger.test/v1'}]
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
          scopes: {"entries:read": read entries, "entries:write": write entries}
  schemas:
    Entry:
      type: object
      required: [id]
      properties: {id: {type: string}}
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
        content: {application/json: {schema: {$ref: "#/components/schemas/EntryCreated"}}}
      responses: {"200": {description: ok}}
  entry.deleted:
    post:
      requestBody:
        content: {application/json: {schema: {$ref: "#/components/schemas/EntryDeleted"}}}
      responses: {"200": {description: ok}}
"""
WEBHOOK_KEY = b"the webhook key, 32 bytes long!!"
WEBHOOK_SECRET = "whsec_" + base64.b64encode(WEBHOOK_KEY).decode()
ENTRY = Reply(200, {"id": "ent_1"})


@pytest.fixture(scope="module")
def ledger_sdk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    node_tools()
    folder = tmp_path_factory.mktemp("ledger")
    (folder / "ledger.yaml").write_text(SPEC, encoding="utf-8")
    done = generate(folder / "ledger.yaml", folder / "sdk")
    assert done.returncode == 0, done.stderr
    build(folder / "sdk")
    return folder / "sdk"


def _token(token: str, expires_in: int = 3600) -> Reply:
    return Reply(200, {"access_token": token, "token_type": "Bearer", "expires_in": expires_in})


def _node(sdk: Path, server: LocalServer, tmp_path: Path, body: str) -> Any:
    entry = json.dumps((sdk / "dist" / "esm" / "index.js").as_posix())
    script = f"""import Ledger from {entry};
const options = {{ baseURL: process.env.BASE_URL, maxRetries: 0, clientId: 'ledger app:1', clientSecret: 's3cr3t/+=' }};
const outcome = async (call) => {{
  try {{
    return (await call()).id;
  }} catch (e) {{
    return `${{e.name}}: ${{e.message}}`;
  }}
}};
{body}
"""
    done = run_node(script, tmp_path, BASE_URL=server.url)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _authorizations(server: LocalServer) -> list[str]:
    return [f"{r.method} {r.path} {r.headers.get('Authorization', '')}" for r in server.received]


def test_the_token_is_fetched_cached_shared_refreshed_and_refetched_once_refused(
    ledger_sdk: Path, server: LocalServer, tmp_path: Path
) -> None:
    server.reply(
        _token("tok_1"), ENTRY, ENTRY,  # fetched once, then cached
        Reply(401, {"message": "revoked"}), _token("tok_2"), ENTRY,  # refused: fetched again, the call sent again
        _token("tok_3", expires_in=5), ENTRY, ENTRY,  # a new client: two calls at once share one fetch
        _token("tok_4"), ENTRY,  # then its token has expired
        ENTRY,  # a copy made by withOptions shares the cache
        _token("tok_5"), ENTRY,  # one with other credentials does not
    )  # fmt: skip
    body = """
const client = new Ledger(options);
const results = [await outcome(() => client.entries.retrieve('a')), await outcome(() => client.entries.retrieve('b'))];
results.push(await outcome(() => client.entries.retrieve('c')));
const other = new Ledger(options);
results.push(...(await Promise.all([other.entries.retrieve('d'), other.entries.retrieve('e')])).map((e) => e.id));
other.apiKeyCredentials.now = () => Date.now() + 5000;  // past the 5 s the token lives (minus 0.5 s)
results.push(await outcome(() => other.entries.retrieve('f')));
results.push(await outcome(() => other.withOptions({ timeout: 9000 }).entries.retrieve('g')));
results.push(await outcome(() => other.withOptions({ clientId: 'another' }).entries.retrieve('h')));
console.log(JSON.stringify(results));"""
    assert _node(ledger_sdk, server, tmp_path, body) == ["ent_1"] * 8
    secret = "Basic " + base64.b64encode(b"ledger+app%3A1:s3cr3t%2F%2B%3D").decode()
    sent = _authorizations(server)
    sent[7:9] = sorted(sent[7:9])  # `d` and `e` are sent at once: either may arrive first
    assert sent == [
        f"POST /oauth/token {secret}",
        "GET /v1/entries/a Bearer tok_1",
        "GET /v1/entries/b Bearer tok_1",
        "GET /v1/entries/c Bearer tok_1",
        f"POST /oauth/token {secret}",
        "GET /v1/entries/c Bearer tok_2",
        f"POST /oauth/token {secret}",
        "GET /v1/entries/d Bearer tok_3",
        "GET /v1/entries/e Bearer tok_3",
        f"POST /oauth/token {secret}",
        "GET /v1/entries/f Bearer tok_4",
        "GET /v1/entries/g Bearer tok_4",
        "POST /oauth/token " + "Basic " + base64.b64encode(b"another:s3cr3t%2F%2B%3D").decode(),
        "GET /v1/entries/h Bearer tok_5",
    ]
    form = parse_qs(server.received[0].body.decode())
    assert form == {"grant_type": ["client_credentials"], "scope": ["entries:read entries:write"]}


def test_a_given_token_a_refusal_and_an_oversized_answer(ledger_sdk: Path, server: LocalServer, tmp_path: Path) -> None:
    server.reply(
        ENTRY,  # a token given: nothing fetched
        Reply(400, {"error": "invalid_client", "error_description": "unknown client"}),
        Reply(200, b'{"access_token": "' + b"x" * (1024 * 1024) + b'"}'),
    )
    body = """
const given = await outcome(() => new Ledger({ ...options, apiKey: 'tok_given' }).entries.retrieve('a'));
const refused = await outcome(() => new Ledger(options).entries.retrieve('b'));
const oversized = await outcome(() => new Ledger(options).entries.retrieve('c'));
let missing;
try { new Ledger({ baseURL: 'http://127.0.0.1:9', clientId: 'only-the-id' }); } catch (e) { missing = e.message; }
console.log(JSON.stringify({ given, refused, oversized, missing }));"""
    result = _node(ledger_sdk, server, tmp_path, body)
    assert result == {
        "given": "ent_1",
        "refused": "AuthenticationError: 400 The OAuth2 token endpoint "
        f"{server.url.removesuffix('/v1')}/oauth/token refused the client credentials (invalid_client: unknown client)",
        "oversized": f"LedgerError: The OAuth2 token endpoint {server.url.removesuffix('/v1')}/oauth/token answered "
        "with more than 1048576 bytes",
        "missing": "The clientId and clientSecret options must be given together.",
    }
    assert _authorizations(server)[0] == "GET /v1/entries/a Bearer tok_given"
    assert len(server.received) == 3


def _signed(body: bytes, timestamp: int, key: bytes = WEBHOOK_KEY) -> dict[str, str]:
    signed = f"msg_1.{timestamp}.".encode() + body
    signature = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    wrong = base64.b64encode(b"x" * 32).decode()
    return {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(timestamp),
        "webhook-signature": f"v1,{wrong} v1,{signature}",
    }


def test_webhooks_are_verified_then_parsed(ledger_sdk: Path, tmp_path: Path) -> None:
    body = json.dumps({"type": "entry.created", "entry": {"id": "ent_1"}}).encode()
    now = int(time.time())
    cases = {
        "good": (body.decode(), _signed(body, now)),
        "tampered": (body.decode().replace("ent_1", "ent_2"), _signed(body, now)),
        "old": (body.decode(), _signed(body, now - 600)),
        "future": (body.decode(), _signed(body, now + 600)),
        "other key": (body.decode(), _signed(body, now, b"another key, also 32 bytes long!")),
        "unsigned": (body.decode(), {"webhook-id": "msg_1", "webhook-timestamp": str(now)}),
    }
    github = hmac.new(b"gh-secret", body, hashlib.sha256).hexdigest()
    entry = json.dumps((ledger_sdk / "dist" / "esm" / "index.js").as_posix())
    core = json.dumps((ledger_sdk / "dist" / "esm" / "core" / "webhooks.js").as_posix())
    script = f"""import Ledger from {entry};
import {{ verifyHmac }} from {core};
const client = new Ledger({{ apiKey: 'tok', webhookSecret: process.env.SECRET }});
const outcome = async (call) => {{
  try {{
    const value = await call();
    return value === undefined ? 'ok' : value;
  }} catch (e) {{
    return `${{e.name}}: ${{e.message}}`;
  }}
}};
const cases = {json.dumps(cases)};
const results = {{}};
for (const [name, [body, headers]] of Object.entries(cases)) {{
  results[name] = await outcome(() => client.webhooks.unwrap(body, headers));
}}
results.bytes = await outcome(() => client.webhooks.unwrap(new TextEncoder().encode(cases.good[0]), new Headers(cases.good[1])));
results.noSecret = await outcome(() => new Ledger({{ apiKey: 'tok' }}).webhooks.unwrap(...cases.good));
const scheme = {{ header: 'X-Hub-Signature-256', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' }};
results.hmac = await outcome(() => verifyHmac(cases.good[0], {{ 'x-hub-signature-256': 'sha256={github}' }}, 'gh-secret', scheme));
results.hmacWrong = await outcome(() => verifyHmac(cases.good[0], {{ 'x-hub-signature-256': 'sha256=00' }}, 'gh-secret', scheme));
console.log(JSON.stringify(results));
"""
    done = run_node(script, tmp_path, SECRET=WEBHOOK_SECRET, LEDGER_WEBHOOK_SECRET="")
    assert done.returncode == 0, done.stderr
    failure = "WebhookVerificationError: "
    assert json.loads(done.stdout) == {
        "good": {"type": "entry.created", "entry": {"id": "ent_1"}},
        "tampered": failure + "No signature of the webhook request matches the secret",
        "old": failure + "The webhook timestamp is too old: the request may be a replay",
        "future": failure + "The webhook timestamp is in the future",
        "other key": failure + "No signature of the webhook request matches the secret",
        "unsigned": failure + "The webhook request has no webhook-signature header",
        "bytes": {"type": "entry.created", "entry": {"id": "ent_1"}},
        "noSecret": "LedgerError: No webhook secret: pass { secret } or set the webhookSecret client option or "
        "the LEDGER_WEBHOOK_SECRET environment variable",
        "hmac": "ok",
        "hmacWrong": failure + "The X-Hub-Signature-256 signature does not match the secret",
    }


def test_the_verifier_makes_way_for_a_webhooks_resource(tmp_path: Path) -> None:
    """An API with its own `webhooks` resource (resend's): the verifier is `client.webhookEvents`."""
    from generator.config import load_config
    from generator.model.build import build_api
    from generator.spec.load import load_spec
    from generator.targets.typescript.target import TYPESCRIPT, render_typescript

    spec = SPEC.replace(
        "paths:\n",
        "paths:\n  /webhooks:\n    get:\n      operationId: listWebhooks\n"
        '      responses: {"200": {description: ok, content: {application/json: {schema: {type: object}}}}}\n',
    )
    (tmp_path / "spec.yaml").write_text(spec, encoding="utf-8")
    files = render_typescript(build_api(load_spec(tmp_path / "spec.yaml"), load_config(None), TYPESCRIPT.naming))
    client = files["src/client.ts"]
    assert "  webhooks: Webhooks = new Webhooks(this);" in client
    assert "  webhookEvents: WebhookEvents = new WebhookEvents(this);" in client
    assert "export class WebhookEvents {" in files["src/webhooks.ts"]
    assert "export { WebhookEvents, type WebhookEvent } from './webhooks.js';" in files["src/index.ts"]
