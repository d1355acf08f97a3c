"""Requests and answers beyond JSON, against a local server: a form is sent urlencoded, a multipart body with
its file part, and an operation answering text asks for it with `Accept` and gets the text back. Each call
sends the credentials its operation asks for, not every one the client has; a documented 303 is a result."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from tests.conftest import LocalServer, Reply
from tests.targets.typescript.conftest import run_node


def _node(sdk: Path, server: LocalServer, tmp_path: Path, body: str) -> str:
    entry = json.dumps((sdk / "dist" / "esm" / "index.js").as_posix())
    client = "new Pager({ baseURL: process.env.BASE_URL, token: 'tok', username: 'ann', password: 'secret' })"
    script = f"import Pager from {entry};\nconst client = {client};\n{body}\n"
    done = run_node(script, tmp_path, BASE_URL=server.url)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _headers(headers: dict[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def test_a_form_body_is_urlencoded_and_a_text_answer_is_text(
    small_sdk: Path, server: LocalServer, tmp_path: Path
) -> None:
    server.reply(Reply(200, b"token-123", {"Content-Type": "text/plain"}))
    body = (
        "const token = await client.tokens.create({ grant_type: 'client credentials', scope: ['a', 'b'] });\n"
        "console.log(JSON.stringify(token));"
    )
    assert _node(small_sdk, server, tmp_path, body) == '"token-123"\n'
    sent = server.received[0]
    headers = _headers(sent.headers)
    assert headers["content-type"].startswith("application/x-www-form-urlencoded")
    assert headers["accept"] == "text/plain"
    assert sent.body == b"grant_type=client+credentials&scope=a&scope=b"
    assert headers["authorization"] == "Basic " + base64.b64encode(b"ann:secret").decode()  # this operation's


def test_a_multipart_body_sends_the_file_as_a_part(small_sdk: Path, server: LocalServer, tmp_path: Path) -> None:
    server.reply(Reply(200, {"id": "file_1"}))
    body = (
        "const file = new File(['hello, file'], 'notes.txt', { type: 'text/plain' });\n"
        "console.log((await client.files.create({ file, purpose: 'notes' })).id);"
    )
    assert _node(small_sdk, server, tmp_path, body) == "file_1\n"
    sent = server.received[0]
    content_type = _headers(sent.headers)["content-type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    text = sent.body.decode()
    assert 'name="file"; filename="notes.txt"' in text and "hello, file" in text
    assert 'name="purpose"' in text and "notes" in text
    assert _headers(sent.headers)["authorization"] == "Bearer tok"  # the API's default security


def test_a_documented_redirect_is_the_result(small_sdk: Path, server: LocalServer, tmp_path: Path) -> None:
    server.reply(Reply(303, {"id": "export_1"}), Reply(404, {"message": "gone"}))
    body = (
        "console.log((await client.exports.create()).id);\n"
        "try {\n  await client.files.create({ file: new Blob(['x']) });\n} catch (e) {\n  console.log(e.name);\n}"
    )
    assert _node(small_sdk, server, tmp_path, body) == "export_1\nNotFoundError\n"
