"""Responses that are not one JSON value, and cookie parameters, against a real HTTP server on 127.0.0.1: a
download is the fetch `Response` (bytes intact), server-sent events an async iterable of each event's parsed
data (or of the events themselves where the spec gives no schema), switched on by a `stream` body property
where the spec has one; an endless line ends the stream with an error; cookie parameters are sent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import LocalServer, Reply
from tests.targets.typescript.conftest import run_node

EVENTS = (
    b'\xef\xbb\xbfdata: {"id":"a"}\n\n'  # a byte order mark first
    b": a comment\r\n"
    b"event: update\r\nid: 7\r\nretry: 150\r\n"
    b'data: {"id":\r\ndata: "b"}\r\n\r\n'  # two data lines, joined by a newline
    b"event: empty\n\n"  # no data: not delivered
    b"data: [DONE]\n\n"
    b'data: {"id":"after-done"}\n\n'
)


def _node(sdk: Path, server: LocalServer, tmp_path: Path, body: str) -> Any:
    entry = json.dumps((sdk / "dist" / "esm" / "index.js").as_posix())
    script = f"""import Features from {entry};
const client = new Features({{ baseURL: process.env.BASE_URL, maxRetries: 0, apiKey: 'tok' }});
{body}
"""
    done = run_node(script, tmp_path, BASE_URL=server.url)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _events(body: bytes) -> Reply:
    return Reply(200, body, {"Content-Type": "text/event-stream"})


def test_downloads_and_cookie_parameters(features_sdk: Path, server: LocalServer, tmp_path: Path) -> None:
    pdf = bytes(range(256)) * 4
    server.reply(Reply(200, pdf, {"Content-Type": "application/pdf"}), Reply(200, {"id": "prefs"}))
    body = """
const response = await client.reports.pdf.retrieve('r 1');
const bytes = Array.from(new Uint8Array(await response.arrayBuffer()));
const prefs = await client.preferences.retrieve({ theme: 'dark', lang: 'en GB', verbose: true });
console.log(JSON.stringify({ isResponse: response instanceof Response, bytes, prefs }));"""
    result = _node(features_sdk, server, tmp_path, body)
    assert result["isResponse"] is True and bytes(result["bytes"]) == pdf
    assert result["prefs"] == {"id": "prefs"}
    download, preferences = server.received
    assert (download.path, download.headers["Accept"]) == ("/v1/reports/r%201/pdf", "application/pdf")
    assert preferences.path == "/v1/preferences?verbose=true"
    assert preferences.headers["Cookie"] == "theme=dark; lang=en%20GB"


def test_server_sent_events_typed_untyped_and_switched(features_sdk: Path, server: LocalServer, tmp_path: Path) -> None:
    server.reply(
        _events(EVENTS),
        _events(EVENTS),
        Reply(200, {"id": "whole"}),
        _events(b'data: {"id":"chunk-1"}\n\ndata: {"id":"chunk-2"}'),  # the last event lacks its blank line
    )
    body = """
const typed = [];
for await (const thing of await client.events.list()) typed.push(thing.id);
const raw = [];
for await (const event of await client.rawEvents.list()) raw.push(event);
const whole = await client.completions.create({ prompt: 'hi' });
const chunks = [];
for await (const chunk of await client.completions.create({ prompt: 'hi', stream: true })) chunks.push(chunk.id);
console.log(JSON.stringify({ typed, raw, whole, chunks }));"""
    result = _node(features_sdk, server, tmp_path, body)
    assert result == {
        "typed": ["a", "b"],
        "raw": [
            {"event": "message", "data": '{"id":"a"}', "id": ""},
            {"event": "update", "data": '{"id":\n"b"}', "id": "7", "retry": 150},
        ],
        "whole": {"id": "whole"},
        "chunks": ["chunk-1", "chunk-2"],
    }
    assert [r.headers.get("Accept") for r in server.received[:2]] == ["text/event-stream"] * 2
    assert [json.loads(r.body) for r in server.received[2:]] == [{"prompt": "hi"}, {"prompt": "hi", "stream": True}]


def test_an_endless_event_line_ends_the_stream(features_sdk: Path, server: LocalServer, tmp_path: Path) -> None:
    server.reply(_events(b'data: {"id":"a"}\n\ndata: ' + b"x" * (16 * 1024 * 1024 + 10) + b"\n\n"))
    body = """
const seen = [];
try {
  for await (const thing of await client.events.list()) seen.push(thing.id);
  console.log(JSON.stringify({ seen, error: null }));
} catch (e) {
  console.log(JSON.stringify({ seen, error: `${e.name}: ${e.message}` }));
}"""
    result = _node(features_sdk, server, tmp_path, body)
    assert result == {
        "seen": ["a"],
        "error": "FeaturesError: An event stream line is longer than 16777216 characters; stopping",
    }


def test_the_event_decoder_reads_lines_split_anywhere(features_sdk: Path, tmp_path: Path) -> None:
    core = json.dumps((features_sdk / "dist" / "esm" / "core" / "streaming.js").as_posix())
    script = f"""import {{ SSEDecoder }} from {core};
const decoder = new SSEDecoder();
const events = [];
for (const piece of ['\\ufeffda', 'ta: a\\r', '\\ndata: b', 'c', 'd\\r', '\\r', 'event: last\\ndata: e']) {{
  events.push(...decoder.feed(piece));
}}
events.push(...decoder.flush());
console.log(JSON.stringify(events.map((e) => [e.event, e.data])));
"""
    done = run_node(script, tmp_path)
    assert done.returncode == 0, done.stderr
    # `\r` then `\n` in the next chunk is one line break; `\r\r` ends the event; the last one lacks its blank line
    assert json.loads(done.stdout) == [["message", "a\nbcd"], ["last", "e"]]
