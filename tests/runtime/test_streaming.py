"""Server-sent events: `text/event-stream` operations return `Stream[T]` / `AsyncStream[T]`.

The client generated from an inline spec talks to a local server that writes events in chunks and, at
scripted points, waits for the test: a test that sets the server's event only after receiving the first
item proves that items arrive before the body has ended, without measuring time.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from generator import pipeline
from generator.cli import main
from tests.conftest import CHECKERS, ROOT, Generated, GeneratePackage, imported_package
from tests.support.documents import shared_spec

CHAT_SPEC = shared_spec("streaming_chat_events.yaml")
KEY = "sk-test"


def chunk(n: int) -> bytes:
    return f'data: {{"id": "c{n}", "delta": "d{n}"}}\n\n'.encode()


@dataclass
class Die:
    """Close the connection without ending the chunked body."""


@dataclass
class EventServer:
    """Answers every request with `script`: bytes are written (and flushed) as one HTTP chunk each, an
    Event is waited for (set by the test; the timeout is only a safety net), `Die` drops the connection."""

    script: list[bytes | threading.Event | Die] = field(default_factory=list)
    json_body: dict[str, Any] = field(default_factory=lambda: {"id": "cmpl_1", "text": "hello"})
    sent: list[bytes] = field(default_factory=list)
    requests: list[tuple[str, str, dict[str, str], bytes]] = field(default_factory=list)
    waits: list[threading.Event] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def events() -> Iterator[EventServer]:
    state = EventServer()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            state.requests.append((self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            if self.command == "POST" and not json.loads(body or b"{}").get("stream"):
                payload = json.dumps(state.json_body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.send_header("x-request-id", "req_json")
                self.end_headers()
                self.wfile.write(payload)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("x-request-id", "req_stream")
            self.end_headers()
            self.wfile.flush()
            try:
                for step in state.script:
                    if isinstance(step, threading.Event):
                        step.wait(30)
                    elif isinstance(step, Die):
                        self.close_connection = True
                        self.wfile.flush()
                        self.connection.shutdown(2)
                        return
                    else:
                        state.sent.append(step)  # before writing: the client may read it before this thread goes on
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(step), step))
                        self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()
            except OSError:  # the client went away (a test that breaks out of the loop)
                self.close_connection = True

        do_GET = do_POST = _handle

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    host, port = httpd.server_address[:2]
    state.url = f"http://{host!s}:{port}/v1"
    yield state
    for step in state.script:  # release a handler still waiting, so shutdown does not wait for it
        if isinstance(step, threading.Event):
            step.set()
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def generated_chat(generate_package: GeneratePackage) -> Iterator[Generated]:
    with generate_package(CHAT_SPEC, package="chat", spec_name="chat.yaml") as generated:
        yield generated


@pytest.fixture(scope="module")
def chat_project(generated_chat: Generated) -> Path:
    return generated_chat.project


@pytest.fixture
def chat(generated_chat: Generated) -> ModuleType:
    return generated_chat.package


# --- the decoder: WHATWG's rules for text/event-stream ------------------------------------------


def decode(chat: ModuleType, *chunks: bytes) -> list[Any]:
    from chat._streaming import SSEDecoder

    decoder = SSEDecoder()
    found = [event for piece in chunks for event in decoder.feed(piece)]
    return found + decoder.flush()


def test_decoder_fields_multiline_data_comments_and_defaults(chat: ModuleType) -> None:
    from chat._streaming import ServerSentEvent as E

    body = (
        b": a comment, ignored\n"
        b"event: update\ndata: first\ndata:  second keeps one space\nid: 7\nretry: 1500\n\n"
        b"data\n\n"  # a field without a colon: data with an empty value
        b"data: after\nunknown: ignored\nretry: 12x\n\n"  # retry not all digits: ignored; id carries over
        b"id: bad\0id\ndata: nul\n\n"  # an id containing NUL is ignored
        b"event: nothing\n\n"  # no data: not delivered, and its type does not leak into the next event
        b"id\ndata: x\n\n"  # `id` with an empty value resets the last event id
    )
    assert decode(chat, body) == [
        E("first\n second keeps one space", "update", "7", 1500),
        E("", "message", "7"),
        E("after", "message", "7"),
        E("nul", "message", "7"),
        E("x", "message", ""),
    ]


def test_decoder_line_endings_bom_and_a_trailing_event(chat: ModuleType) -> None:
    from chat._streaming import ServerSentEvent as E

    expected = [E("a"), E("b\nc"), E("d")]
    for newline in (b"\n", b"\r", b"\r\n"):
        body = b"\xef\xbb\xbfdata: a" + newline * 2 + b"data: b" + newline + b"data: c" + newline * 2 + b"data: d"
        assert decode(chat, body) == expected, newline  # the last event has no blank line after it
        # byte by byte: CR LF split between chunks is one line break, UTF-8 split between chunks is one character
        assert decode(chat, *(body[i : i + 1] for i in range(len(body)))) == expected, newline
    assert decode(chat, "data: é€😀\r".encode()[:-3], "data: é€😀\r".encode()[-3:], b"\n\n") == [E("é€😀")]
    assert decode(chat, b"data: a\r", b"\n", b"\r\n") == [E("a")]  # CR | LF CR LF: two line breaks, one event
    assert decode(chat, b"data: a\r", b"\r\n") == [E("a")]  # CR CR LF: an empty line after the data line
    assert decode(chat, b"data: x\n", b"\n", b"event: e") == [E("x")]  # a trailing event with no data is dropped


def test_decoder_yields_each_event_as_its_blank_line_arrives(chat: ModuleType) -> None:
    from chat._streaming import ServerSentEvent as E
    from chat._streaming import SSEDecoder

    decoder = SSEDecoder()
    assert decoder.feed(b"data: one\n") == []
    assert decoder.feed(b"\ndata: tw") == [E("one")]
    assert decoder.feed(b"o\n\n") == [E("two")]
    assert decoder.flush() == []


def test_decoder_bounds_one_event_not_the_stream(chat: ModuleType) -> None:
    from chat._streaming import ServerSentEvent as E
    from chat._streaming import SSEDecoder

    decoder = SSEDecoder(max_event_size=10)
    assert [decoder.feed(b"data: 12345678\n\n") for _ in range(50)] == [[E("12345678")]] * 50  # a long stream
    with pytest.raises(SSEDecoder.EventTooLarge, match="more than 10 characters"):
        decoder.feed(b"data: 123456789")  # a line that has not ended yet
        decoder.feed(b"0123")
    lines = SSEDecoder(max_event_size=10)
    assert lines.feed(b"data: 1234\n") == []
    with pytest.raises(SSEDecoder.EventTooLarge):
        lines.feed(b"data: 56789\n")  # two data lines of one event (5 and 6 characters, with the newline)


# --- the model: which operations stream, and how ------------------------------------------------


def test_the_model_types_streams_from_the_spec(chat_project: Path) -> None:
    chat_py = (chat_project / "src/chat/resources/chat/completions.py").read_text()
    assert "stream: Literal[True],\n" in chat_py and ") -> Stream[Chunk]: ..." in chat_py
    assert "stream: Literal[False] | None | NotGiven = NOT_GIVEN," in chat_py and ") -> Completion: ..." in chat_py
    assert ") -> Completion | AsyncStream[Chunk]:" in chat_py
    events_py = (chat_project / "src/chat/resources/events.py").read_text()
    assert "-> Stream[Chunk | Completion]:" in events_py and "-> AsyncStream[Chunk | Completion]:" in events_py
    assert "-> Stream[ServerSentEvent]:" in (chat_project / "src/chat/resources/logs.py").read_text()
    # audio or events, chosen by an enum rather than a boolean: the binary answer stays the result
    assert "-> bytes:" in (chat_project / "src/chat/resources/speech.py").read_text()
    api_md = (chat_project / "api.md").read_text()
    assert "create(model=..., ...) -&gt; Completion (with stream=True: Stream[Chunk])" in api_md
    assert "list(...) -&gt; Stream[Chunk | Completion]" in api_md


def test_inspect_shows_each_stream(chat_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", str(chat_project.parent / "chat.yaml"), "--json"]) == 0
    operations = {op["path"]: op for op in json.loads(capsys.readouterr().out)["operations"]}
    assert operations["/chat/completions"]["stream"] == {"item_type": "Chunk", "switch": "stream"}
    assert operations["/chat/completions"]["return_type"] == "Completion"
    assert operations["/events"]["stream"] == {"item_type": "Chunk | Completion", "switch": None}
    assert operations["/events"]["return_type"] == "Stream[Chunk | Completion]"
    assert operations["/logs"]["stream"] == {"item_type": "ServerSentEvent", "switch": None}
    assert operations["/speech"]["stream"] is None


def test_only_clients_with_event_streams_get_the_streaming_module(chat_project: Path) -> None:
    # The committed Conductor client (kept equal to its generation by the drift check) has no stream.
    assert (ROOT / "generated/src/conductor/_client.py").exists()
    assert not (ROOT / "generated/src/conductor/_streaming.py").exists()
    assert (chat_project / "src/chat/_streaming.py").exists()


TYPED_PROGRAM = """\
from typing import assert_type

from chat import AsyncChat, Chat
from chat._streaming import AsyncStream, ServerSentEvent, Stream
from chat.types.chunk import Chunk
from chat.types.completion import Completion


def sync(client: Chat, flag: bool) -> None:
    assert_type(client.chat.completions.create(model="m"), Completion)
    assert_type(client.chat.completions.create(model="m", stream=False), Completion)
    assert_type(client.chat.completions.create(model="m", stream=None), Completion)
    stream = client.chat.completions.create(model="m", stream=True)
    assert_type(stream, Stream[Chunk])
    for item in stream:
        assert_type(item, Chunk)
    assert_type(client.chat.completions.create(model="m", stream=flag), Completion | Stream[Chunk])
    assert_type(client.events.list(topic="t"), Stream[Chunk | Completion])
    assert_type(next(client.logs.list()), ServerSentEvent)
    raw = client.chat.completions.with_raw_response.create(model="m", stream=True)
    assert_type(raw.parse(), Stream[Chunk])
    with client.chat.completions.with_streaming_response.create(model="m", stream=True) as response:
        assert_type(response.parse(), Stream[Chunk])
    with client.events.list() as events:
        assert_type(events.request_id, str | None)


async def asynchronous(client: AsyncChat) -> None:
    assert_type(await client.chat.completions.create(model="m"), Completion)
    stream = await client.chat.completions.create(model="m", stream=True)
    assert_type(stream, AsyncStream[Chunk])
    async for item in stream:
        assert_type(item, Chunk)
    async with await client.events.list() as events:
        assert_type(await events.__anext__(), Chunk | Completion)
"""


def test_the_client_and_calls_of_each_form_type_check(chat_project: Path) -> None:
    """mypy --strict, pyright and ruff accept the generated client, and the overloads as a user sees them:
    each call of the program above type-checks and has the type it asserts."""
    (chat_project / "typed_usage.py").write_text(TYPED_PROGRAM)
    commands = {
        "mypy": [*CHECKERS["mypy"][:-1], "typed_usage.py", "src"],
        "pyright": [*CHECKERS["pyright"][:-1], "typed_usage.py", "src"],  # pyright finds `src` itself
        "ruff": CHECKERS["ruff"],
    }
    try:
        for name, command in commands.items():
            done = subprocess.run(command, cwd=chat_project, capture_output=True, text=True, timeout=600, check=False)
            assert done.returncode == 0, f"{name}: {done.stdout}{done.stderr}"
    finally:
        (chat_project / "typed_usage.py").unlink()


# --- against the local server: sync and async, httpx and aiohttp ---------------------------------


def test_items_arrive_before_the_body_ends_sync(chat: ModuleType, events: EventServer) -> None:
    first_seen = threading.Event()
    events.script = [chunk(1), first_seen, chunk(2), b": keep-alive\n\n" + chunk(3), b"data: [DONE]\n\n", chunk(4)]
    client = chat.Chat(api_key=KEY, base_url=events.url, max_retries=0)
    stream = client.chat.completions.create(model="small-1", stream=True)
    assert stream.request_id == "req_stream"
    received, sent_at_first = [], -1
    for item in stream:
        received.append((item.id, item.delta, item._request_id))
        if len(received) == 1:
            sent_at_first = len(events.sent)
            first_seen.set()
    assert sent_at_first == 1  # the server was still waiting to send the rest
    assert received == [("c1", "d1", "req_stream"), ("c2", "d2", "req_stream"), ("c3", "d3", "req_stream")]
    assert stream.response.is_closed
    method, path, headers, body = events.requests[0]
    assert (method, path, json.loads(body)) == ("POST", "/v1/chat/completions", {"model": "small-1", "stream": True})
    assert headers["accept"] == "text/event-stream"
    # without stream=True the same method answers JSON
    completion = client.chat.completions.create(model="small-1")
    assert (type(completion).__name__, completion.text, completion._request_id) == ("Completion", "hello", "req_json")
    assert events.requests[1][2]["accept"] == "application/json"


@pytest.mark.parametrize("transport", ["httpx", "aiohttp"])
def test_items_arrive_before_the_body_ends_async(chat: ModuleType, events: EventServer, transport: str) -> None:
    first_seen = threading.Event()
    events.script = [
        b'data: {"id": "c1", "delta": "d1"}\r\n\r\n',
        first_seen,
        b'event: done\r\ndata: {"id": "x", "text": "t"}',
    ]

    async def main() -> tuple[list[Any], int]:
        http_client = chat.DefaultAioHttpClient() if transport == "aiohttp" else None
        async with chat.AsyncChat(api_key=KEY, base_url=events.url, max_retries=0, http_client=http_client) as client:
            stream = await client.events.list(topic="news")
            assert stream.request_id == "req_stream"
            received, sent_at_first = [], -1
            async with stream:
                async for item in stream:
                    received.append(item)
                    if len(received) == 1:
                        sent_at_first = len(events.sent)
                        first_seen.set()
            assert stream.response.is_closed
            return received, sent_at_first

    received, sent_at_first = asyncio.run(main())
    assert sent_at_first == 1
    assert [(type(i).__name__, i.id) for i in received] == [
        ("Chunk", "c1"),
        ("Completion", "x"),
    ]  # the trailing event too
    assert events.requests[0][1] == "/v1/events?topic=news"


def test_break_close_and_with_release_the_connection_sync(chat: ModuleType, events: EventServer) -> None:
    """On a pool of one connection, each next call only gets through if the stream before it let go."""
    never = threading.Event()  # the server never goes on: only the client can end these streams
    events.script = [chunk(1), never, chunk(2)]
    pool = httpx.Client(limits=httpx.Limits(max_connections=1), timeout=httpx.Timeout(10, pool=10))
    client = chat.Chat(api_key=KEY, base_url=events.url, max_retries=0, http_client=pool)
    stream = client.chat.completions.create(model="m", stream=True)
    for _ in stream:
        break
    assert stream.response.is_closed
    assert list(stream) == []  # closed: nothing more
    second = client.chat.completions.create(model="m", stream=True)
    assert next(second).id == "c1"
    second.close()
    with client.chat.completions.create(model="m", stream=True) as third:
        assert next(third).id == "c1"
    assert third.response.is_closed
    assert client.chat.completions.create(model="m").text == "hello"
    assert len(events.requests) == 4


def test_break_releases_the_connection_async(chat: ModuleType, events: EventServer) -> None:
    never = threading.Event()
    events.script = [chunk(1), never, chunk(2)]

    async def main() -> list[str]:
        pool = httpx.AsyncClient(limits=httpx.Limits(max_connections=1), timeout=httpx.Timeout(10, pool=10))
        async with chat.AsyncChat(api_key=KEY, base_url=events.url, max_retries=0, http_client=pool) as client:
            ids = []
            for _ in range(2):
                stream = await client.chat.completions.create(model="m", stream=True)
                async for item in stream:
                    ids.append(item.id)
                    break
            stream = await client.chat.completions.create(model="m", stream=True)
            ids.append((await stream.__anext__()).id)
            await stream.close()
            ids.append((await client.chat.completions.create(model="m")).text)
            return ids

    assert asyncio.run(main()) == ["c1", "c1", "c1", "hello"]


def stream_until_error(
    chat: ModuleType, events: EventServer, transport: str, error: type[Exception], **options: Any
) -> tuple[list[str], Exception]:
    """The ids a streamed call yields before it raises `error` (which it must), over `transport`."""
    options = {"api_key": KEY, "base_url": events.url, "max_retries": 0, **options}

    def sync() -> tuple[list[str], Exception]:
        received = []
        with pytest.raises(error) as caught:
            for item in chat.Chat(**options).chat.completions.create(model="m", stream=True):
                received.append(item.id)
        return received, caught.value

    async def asynchronous() -> tuple[list[str], Exception]:
        http_client = chat.DefaultAioHttpClient() if transport == "aiohttp" else None
        async with chat.AsyncChat(**options, http_client=http_client) as client:
            received = []
            with pytest.raises(error) as caught:
                async for item in await client.chat.completions.create(model="m", stream=True):
                    received.append(item.id)
            return received, caught.value

    return sync() if transport == "httpx-sync" else asyncio.run(asynchronous())


@pytest.mark.parametrize("transport", ["httpx-sync", "httpx-async", "aiohttp"])
def test_a_stream_that_dies_midway_raises_a_connection_error(
    chat: ModuleType, events: EventServer, transport: str
) -> None:
    events.script = [chunk(1), Die()]
    received, error = stream_until_error(chat, events, transport, chat.APIConnectionError)
    assert received == ["c1"]
    assert type(error).__name__ == "APIConnectionError" and "stream ended early" in str(error)
    assert error.request_id == "req_stream"  # type: ignore[attr-defined]


@pytest.mark.parametrize("transport", ["httpx-sync", "httpx-async"])
def test_an_event_past_max_response_size_is_refused(chat: ModuleType, events: EventServer, transport: str) -> None:
    """A server that never ends a line cannot make the client buffer without bound: max_response_size applies to
    each event (a stream of many small events is fine)."""
    events.script = [chunk(1), *(b"data: " + b"x" * 4000 for _ in range(10))]
    error_class = chat.APIResponseTooLargeError
    received, error = stream_until_error(chat, events, transport, error_class, max_response_size=10_000)
    assert received == ["c1"]
    assert "An event of the stream is larger than max_response_size (10,000 bytes)" in str(error)


def test_raw_and_streaming_responses_of_a_stream(chat: ModuleType, events: EventServer) -> None:
    first_seen = threading.Event()
    events.script = [chunk(1), first_seen, chunk(2)]
    client = chat.Chat(api_key=KEY, base_url=events.url, max_retries=0)
    with client.chat.completions.with_streaming_response.create(model="m", stream=True) as response:
        assert response.headers["content-type"] == "text/event-stream" and response.request_id == "req_stream"
        ids = []
        for item in response.parse():
            ids.append(item.id)
            if len(ids) == 1:
                assert len(events.sent) == 1  # not read up front
                first_seen.set()
    assert ids == ["c1", "c2"] and response.http_response.is_closed
    raw = client.chat.completions.with_raw_response.create(model="m", stream=True)
    assert raw.status_code == 200 and [i.delta for i in raw.parse()] == ["d1", "d2"]
    assert client.chat.completions.with_raw_response.create(model="m").parse().text == "hello"
    logs = client.logs.with_raw_response.list().parse()
    assert [(e.event, e.json()) for e in logs] == [
        ("message", {"id": "c1", "delta": "d1"}),
        ("message", {"id": "c2", "delta": "d2"}),
    ]


def test_an_event_that_does_not_fit_its_type(chat: ModuleType, events: EventServer) -> None:
    events.script = [chunk(1), b'data: {"id": 5}\n\n']
    client = chat.Chat(api_key=KEY, base_url=events.url, max_retries=0)
    stream = client.chat.completions.create(model="m", stream=True)
    assert next(stream).id == "c1"
    with pytest.raises(chat.APIResponseValidationError, match="An event of the stream does not match") as caught:
        next(stream)
    assert caught.value.body == {"id": 5} and caught.value.request_id == "req_stream"
    lenient = chat.Chat(api_key=KEY, base_url=events.url, max_retries=0, strict_response_validation=False)
    assert [getattr(i, "id", None) for i in lenient.chat.completions.create(model="m", stream=True)] == ["c1", 5]


def test_the_readme_streaming_example_runs(chat_project: Path, events: EventServer) -> None:
    """The README's streaming section, built from the spec (the first streaming operation, `stream=True`)."""
    section = (chat_project / "README.md").read_text().split("## Streaming (server-sent events)", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    assert "stream=True," in code
    events.script = [chunk(1), chunk(2)]
    env = {**os.environ, "CHAT_API_KEY": KEY, "CHAT_BASE_URL": events.url, "PYTHONPATH": str(chat_project / "src")}
    program = "from chat import Chat\n\nclient = Chat()\n" + code
    done = subprocess.run(
        [sys.executable, "-c", program], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "id='c1' delta='d1'\nid='c2' delta='d2'\n"
    assert json.loads(events.requests[0][3]) == {"model": "small-1", "stream": True}


def test_a_schema_named_like_the_stream_classes_does_not_shadow_them(tmp_path: Path) -> None:
    spec = CHAT_SPEC.replace("Chunk", "Stream").replace("Completion", "ServerSentEvent")
    (tmp_path / "clash.yaml").write_text(spec)
    pipeline.generate(pipeline.Options(spec=tmp_path / "clash.yaml", output=tmp_path / "out"))
    source = (tmp_path / "out/src/chat/resources/events.py").read_text()
    assert "from .._streaming import AsyncStream, Stream\n" in source
    assert "-> Stream[Stream2 | ServerSentEvent2]:" in source
    with imported_package(tmp_path / "out/src", "chat") as chat:
        from chat.resources.events import EventsResource

        assert EventsResource.list.__annotations__["return"] == "Stream[Stream2 | ServerSentEvent2]"
        assert chat.Chat  # the package imports


def test_text_events_are_given_as_text(chat: ModuleType, events: EventServer) -> None:
    events.script = [b"data: plain text\ndata: two lines\n\n", b'data: {"a": 1}\n\n']
    client = chat.Chat(api_key=KEY, base_url=events.url, max_retries=0)
    assert list(client.ticks.list()) == ["plain text\ntwo lines", '{"a": 1}']
