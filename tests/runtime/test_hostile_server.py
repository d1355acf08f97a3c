"""A generated client facing a hostile server (or a proxy in between): redirects that would carry credentials
away or loop, absurd `Retry-After` dates, bodies too big, too deep or too slow, and credentials that must not
show in any error or log line. End to end against local servers on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import Generated, GeneratePackage, LocalServer, Reply

SPEC = """\
security: [{HeaderKey: [], CookieKey: [], QueryKey: []}]
paths:
  /items/{id}:
    get:
      operationId: getItem
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Item"}}}}
  /items:
    post:
      operationId: createItem
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/Item"}}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Item"}}}}
  /anything:
    get:
      operationId: getAnything
      responses:
        "200": {description: ok, content: {application/json: {schema: {}}}}
components:
  securitySchemes:
    HeaderKey: {type: apiKey, in: header, name: X-API-Key}
    CookieKey: {type: apiKey, in: cookie, name: sid}
    QueryKey: {type: apiKey, in: query, name: api_key}
  schemas:
    Item:
      type: object
      required: [id]
      properties:
        id: {type: string}
        children: {type: array, items: {$ref: "#/components/schemas/Item"}}
"""

HEADER_KEY, COOKIE_KEY, QUERY_KEY = "HSECRET-71c", "CSECRET-0d4", "QSECRET-e95"
ITEM = {"id": "i1"}


@pytest.fixture(scope="module")
def generated(generate_package: GeneratePackage) -> Iterator[Generated]:
    with generate_package(SPEC, title="Harbor", package="harbor") as generated:
        yield generated


@pytest.fixture(scope="module")
def project(generated: Generated) -> Path:
    return generated.project


@pytest.fixture(scope="module")
def harbor(generated: Generated) -> ModuleType:
    return generated.package


def client(harbor: ModuleType, server: LocalServer, *, async_: bool = False, **options: Any) -> Any:
    keys = {"api_key": HEADER_KEY, "cookie_key": COOKIE_KEY, "query_key": QUERY_KEY}
    cls = harbor.AsyncHarbor if async_ else harbor.Harbor
    return cls(base_url=server.url, **{**keys, "max_retries": 0, **options})


# --- item 10: redirects ---------------------------------------------------------------------------


@pytest.fixture
def other_origin() -> Iterator[LocalServer]:
    """A second server: another port on 127.0.0.1 is another origin."""
    local = LocalServer()
    local.thread.start()
    yield local
    local.httpd.shutdown()
    local.httpd.server_close()


def _credentials_in(received: Any) -> list[str]:
    sent = f"{received.path} {received.headers}"
    return [key for key in (HEADER_KEY, COOKIE_KEY, QUERY_KEY) if key in sent]


@pytest.mark.parametrize("async_", [False, True])
def test_a_redirect_to_another_origin_carries_no_credential(
    harbor: ModuleType, server: LocalServer, other_origin: LocalServer, async_: bool
) -> None:
    """Before, the `X-API-Key` header went along (httpx strips only Authorization and Cookie); a Location
    that repeats the query (as redirect rules that keep the query string do) carried the query key too."""
    elsewhere = other_origin.url.replace("/v1", "")
    server.reply(Reply(302, None, {"Location": f"{elsewhere}/moved/i1?api_key={QUERY_KEY}&keep=1"}))
    api = client(harbor, server, async_=async_)

    async def call() -> Any:
        async with api:
            return await api.items.retrieve("i1")

    item = asyncio.run(call()) if async_ else api.items.retrieve("i1")
    assert item.id == "end_usr_1234567abcdefg"  # the other server's default reply: followed
    (first,), (moved,) = server.received, other_origin.received
    assert _credentials_in(first) == [HEADER_KEY, COOKIE_KEY, QUERY_KEY]
    assert moved.path == "/moved/i1?keep=1" and _credentials_in(moved) == []


def test_a_redirect_within_the_origin_keeps_the_credentials_and_the_body(
    harbor: ModuleType, server: LocalServer
) -> None:
    """Before, httpx sent the redirect without the cookie and (the Location having no query) the query key."""
    server.reply(Reply(307, None, {"Location": "/v1/items-again"}), Reply(200, ITEM))
    assert client(harbor, server).items.create(id="i1").id == "i1"
    first, again = server.received
    assert again.method == "POST" and again.path == f"/v1/items-again?api_key={QUERY_KEY}"
    assert again.body == first.body and _credentials_in(again) == [HEADER_KEY, COOKIE_KEY, QUERY_KEY]
    assert again.headers["Cookie"] == f"sid={COOKIE_KEY}"  # httpx alone dropped the cookie


@pytest.mark.parametrize("async_", [False, True])
def test_a_redirect_loop_raises_the_sdk_error(harbor: ModuleType, server: LocalServer, async_: bool) -> None:
    """Before, a bare `httpx.TooManyRedirects`."""
    loop = Reply(307, None, {"Location": "/v1/items"})
    server.reply(*[loop] * 21)
    api = client(harbor, server, async_=async_)

    async def call() -> Any:
        async with api:
            return await api.items.create(id="i1")

    with pytest.raises(harbor.APIConnectionError, match="Too many redirects: more than 20") as looped:
        asyncio.run(call()) if async_ else api.items.create(id="i1")
    assert str(looped.value) == f"Too many redirects: more than 20, the last to {server.url}/items?api_key=hidden"
    assert len(server.received) == 21 and {r.method for r in server.received} == {"POST"}


def test_redirects_are_not_followed_when_the_http_client_says_so(harbor: ModuleType, server: LocalServer) -> None:
    import httpx

    server.reply(Reply(302, {"error": "moved"}, {"Location": "/v1/elsewhere"}))
    api = client(harbor, server, http_client=httpx.Client(follow_redirects=False))
    with pytest.raises(harbor.APIStatusError) as answered:
        api.items.retrieve("i1")
    assert answered.value.status_code == 302 and len(server.received) == 1


# --- item 11: a Retry-After date no calendar holds ---------------------------------------------

ABSURD_DATES = ["Mon, 01 Jan 99999 00:00:00 GMT", "Mon, 01 Jan 99999999999999999999 00:00:00 GMT"]


@pytest.mark.parametrize("status", [429, 503])
def test_an_absurd_retry_after_date_is_ignored_sync_and_async(
    harbor: ModuleType, server: LocalServer, status: int
) -> None:
    """The call retries after its own backoff, as for a header it cannot parse; before, a bare ValueError."""
    for date in ABSURD_DATES:
        server.reply(Reply(status, {"error": "busy"}, {"Retry-After": date}), Reply(200, ITEM))
        assert client(harbor, server, max_retries=1).items.retrieve("i1").id == "i1"

    async def main() -> str:
        async with client(harbor, server, async_=True, max_retries=1) as api:
            return (await api.items.retrieve("i1")).id

    server.reply(Reply(status, {"error": "busy"}, {"Retry-After": ABSURD_DATES[0]}), Reply(200, ITEM))
    assert asyncio.run(main()) == "i1"
    assert len(server.received) == 6


def test_retry_after_values_that_are_not_a_delay(harbor: ModuleType) -> None:
    import httpx
    from harbor._base_client import _retry_after

    for value in [*ABSURD_DATES, "Mon, 01 Jan 2020 00:00:00 +99999999", "soon", ""]:
        delay = _retry_after(httpx.Headers({"Retry-After": value}))
        assert delay is None or isinstance(delay, float), value
    assert _retry_after(httpx.Headers({"Retry-After": "2"})) == 2.0


# --- item 13: no credential in any error message or log line -----------------------------------


def _everything_shown(error: BaseException) -> str:
    import traceback

    return "".join(traceback.format_exception(error)) + repr(error)


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        # a key read from a file, with its newline: no header can carry it, so the client is not even built
        ({"api_key": HEADER_KEY + "\n"}, "HarborError"),
        ({"cookie_key": COOKIE_KEY + "\n"}, "HarborError"),
        ({"api_key": HEADER_KEY + " "}, "APIConnectionError"),  # refused by h11, which quotes the value
        ({"cookie_key": COOKIE_KEY + " "}, "APIConnectionError"),
    ],
)
def test_a_malformed_credential_is_refused_without_being_shown(
    harbor: ModuleType, server: LocalServer, keys: dict[str, str], expected: Any
) -> None:
    error_class = getattr(harbor, expected) if isinstance(expected, str) else expected
    with pytest.raises(error_class) as refused:
        client(harbor, server, **keys).items.retrieve("i1")
    shown = _everything_shown(refused.value)
    assert HEADER_KEY not in shown and COOKIE_KEY not in shown, shown
    assert "<hidden>" in shown or "holds a control character" in shown, shown
    assert server.received == []


def test_credentials_from_the_environment_lose_surrounding_whitespace(
    harbor: ModuleType, server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HARBOR_API_KEY", f"  {HEADER_KEY}\n")
    monkeypatch.setenv("HARBOR_COOKIE_KEY", f"{COOKIE_KEY}\r\n")
    monkeypatch.setenv("HARBOR_QUERY_KEY", f"\t{QUERY_KEY}\n")
    server.reply(Reply(200, ITEM))
    api = harbor.Harbor(base_url=server.url, max_retries=0)
    assert (api.api_key, api.cookie_key, api.query_key) == (HEADER_KEY, COOKIE_KEY, QUERY_KEY)
    assert api.items.retrieve("i1").id == "i1"
    (sent,) = server.received
    assert sent.headers["X-API-Key"] == HEADER_KEY and sent.headers["Cookie"] == f"sid={COOKIE_KEY}"
    assert sent.path.endswith(f"api_key={QUERY_KEY}")


def test_httpx_log_lines_hide_a_query_credential(
    harbor: ModuleType, server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    server.reply(Reply(200, ITEM), Reply(404, {"error": "gone"}))
    api = client(harbor, server)
    api.items.retrieve("i1")
    with pytest.raises(harbor.NotFoundError):
        api.items.retrieve("i2")
    httpx_lines = [record.getMessage() for record in caplog.records if record.name == "httpx"]
    assert len(httpx_lines) == 2 and all("api_key=hidden" in line for line in httpx_lines), httpx_lines
    assert not [record for record in caplog.records if QUERY_KEY in record.getMessage()]


# --- item 12: bodies too big, too deep or too slow ---------------------------------------------


def gzip_bomb(inflated_mib: int) -> bytes:
    """A gzip body of about 1 KiB per MiB it inflates to: one MiB of zeros compressed, the block repeated
    (each block starts afresh after a full flush, so repeats are valid; the trailer is never reached)."""
    import zlib

    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    mib = bytes(1 << 20)
    head = compressor.compress(mib) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(mib) + compressor.flush(zlib.Z_FULL_FLUSH)
    return head + block * (inflated_mib - 1)


BOMB_CLIENT = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))  # 1 GiB: the whole 3 GiB body cannot fit
sys.path.insert(0, sys.argv[1])
import harbor
api = harbor.Harbor(base_url=sys.argv[2], api_key="k", cookie_key="c", query_key="q", max_retries=0)
try:
    api.items.retrieve("i1")
except harbor.APIResponseTooLargeError as error:
    print(type(error).__name__, error.status_code, error)
"""


def test_a_gzip_bomb_is_refused_while_it_inflates(project: Path, server: LocalServer) -> None:
    """3 MB of gzip inflating to 3 GiB, against the default limit (100 MiB), in a process allowed 1 GiB of
    address space: before, httpx inflated all of it and the process died of a MemoryError."""
    import subprocess
    import sys

    bomb = gzip_bomb(3 * 1024)
    assert len(bomb) < 4_000_000
    server.reply(Reply(200, bomb, {"Content-Encoding": "gzip"}))
    done = subprocess.run([sys.executable, "-c", BOMB_CLIENT, str(project / "src"), server.url],
                          capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith(
        "APIResponseTooLargeError 200 The response body is larger than max_response_size (104,857,600 bytes)"
    ), done.stdout


def test_the_size_limit_per_client_per_call_and_for_streamed_reads(harbor: ModuleType, server: LocalServer) -> None:
    import gzip
    import json

    big = json.dumps({"id": "x" * 5000}).encode()
    api = client(harbor, server, max_response_size=1000)
    server.reply(Reply(200, big))
    with pytest.raises(harbor.APIResponseTooLargeError, match=r"\(1,000 bytes\): it declares 5,010 bytes"):
        api.items.retrieve("i1")  # refused unread: the Content-Length says it is too large
    server.reply(Reply(200, gzip.compress(big), {"Content-Encoding": "gzip"}))
    with pytest.raises(harbor.APIResponseTooLargeError, match="more than 1,000 bytes arrived"):
        api.items.retrieve("i1")  # 5 KB compressed to little: counted as it is decoded
    server.reply(Reply(500, big))
    with pytest.raises(harbor.APIResponseTooLargeError) as error_status:
        api.items.retrieve("i1")
    assert error_status.value.status_code == 500
    server.reply(Reply(200, big), Reply(200, big))
    assert len(api.with_options(max_response_size=None).items.retrieve("i1").id) == 5000
    assert len(api.with_options(max_response_size=5010).items.retrieve("i1").id) == 5000
    server.reply(Reply(200, big))
    with api.items.with_streaming_response.retrieve("i1") as streamed:
        with pytest.raises(harbor.APIResponseTooLargeError):
            streamed.parse()
        assert streamed.http_response.is_closed
    with pytest.raises(ValueError, match="max_response_size"):
        client(harbor, server, max_response_size=-1)


def test_the_size_limit_async(harbor: ModuleType, server: LocalServer) -> None:
    big = {"id": "x" * 5000}

    async def main() -> None:
        async with client(harbor, server, async_=True, max_response_size=1000) as api:
            with pytest.raises(harbor.APIResponseTooLargeError):
                await api.items.retrieve("i1")
            assert len((await api.with_options(max_response_size=None).items.retrieve("i1")).id) == 5000
            async with api.items.with_streaming_response.retrieve("i1") as streamed:
                with pytest.raises(harbor.APIResponseTooLargeError):
                    await streamed.parse()

    server.reply(Reply(200, big), Reply(200, big), Reply(200, big))
    asyncio.run(main())


DEEP = ("[" * 100_000 + "]" * 100_000).encode()  # 200 KB


@pytest.mark.parametrize("status", [200, 400, 500])
def test_json_nested_too_deeply_is_an_sdk_error(harbor: ModuleType, server: LocalServer, status: int) -> None:
    """Before, a bare RecursionError (the error body, or the body kept on a validation error, parsed with
    the standard json module); now an SDK error keeping the body as text."""
    expected = {200: harbor.APIResponseValidationError, 400: harbor.BadRequestError,
                500: harbor.InternalServerError}[status]  # fmt: skip
    server.reply(Reply(status, DEEP))
    with pytest.raises(expected) as raised:
        client(harbor, server).items.retrieve("i1")
    assert raised.value.body == DEEP.decode()
    if status == 200:
        assert "recursion limit exceeded" in str(raised.value)
        server.reply(Reply(status, DEEP))
        assert client(harbor, server, strict_response_validation=False).items.retrieve("i1") == DEEP.decode()


class TrickleServer:
    """Answers every request with headers at once and then a 200-byte body, one byte every 50 ms (10 s in
    all); records how many body bytes went out before the client hung up."""

    def __init__(self) -> None:
        import socket
        import threading

        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.closing = threading.Event()
        self.sent: list[int] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}/v1"

    def _serve(self) -> None:
        import time

        while not self.closing.is_set():  # no client at all (one that failed before sending): end
            try:
                connection, _ = self.listener.accept()
                break
            except TimeoutError:
                continue
        else:
            return
        connection.settimeout(None)
        with connection:
            connection.recv(65536)
            head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n"
            connection.sendall(head)
            sent = 0
            try:
                for _ in range(200):
                    time.sleep(0.05)
                    connection.sendall(b" ")
                    sent += 1
            except OSError:
                pass
            self.sent.append(sent)

    def close(self) -> None:
        self.closing.set()
        self.thread.join(timeout=15)
        self.listener.close()


@pytest.mark.parametrize("async_", [False, True])
def test_total_timeout_bounds_a_body_sent_one_byte_at_a_time(harbor: ModuleType, async_: bool) -> None:
    """`timeout` bounds each read (each byte comes in time); `total_timeout` bounds the call. Before, no
    such option: the call took as long as the server liked (20 s with timeout=2 in the report)."""
    trickle = TrickleServer()
    keys = {"api_key": HEADER_KEY, "cookie_key": COOKIE_KEY, "query_key": QUERY_KEY}
    options = {"base_url": trickle.url, "max_retries": 0, "timeout": 2.0, "total_timeout": 0.5, **keys}
    try:
        if async_:

            async def main() -> None:
                async with harbor.AsyncHarbor(**options) as api:
                    await api.items.retrieve("i1")

            with pytest.raises(harbor.APITimeoutError, match="total_timeout"):
                asyncio.run(main())
        else:
            with pytest.raises(harbor.APITimeoutError, match="total_timeout"):
                harbor.Harbor(**options).items.retrieve("i1")
    finally:
        trickle.close()
    assert len(trickle.sent) == 1 and trickle.sent[0] < 200  # the client hung up before the end


def test_total_timeout_leaves_no_time_for_a_retry_after_that_would_pass_it(
    harbor: ModuleType, server: LocalServer
) -> None:
    server.reply(Reply(503, {"error": "later"}, {"Retry-After": "30"}))
    with pytest.raises(harbor.InternalServerError):
        client(harbor, server, max_retries=2, total_timeout=1.0).items.retrieve("i1")
    assert len(server.received) == 1  # answered at once, instead of waiting 30 s to try again
    with pytest.raises(ValueError, match="total_timeout"):
        client(harbor, server, total_timeout=0)


def test_total_timeout_bounds_a_chain_of_slow_redirects(harbor: ModuleType, server: LocalServer) -> None:
    """Each hop is answered in time, 0.3 s after it was sent; before, the chain ran its 21 hops (6 s)."""
    server.reply(*[Reply(302, None, {"Location": "/v1/items/i1"}, delay=0.3)] * 21)
    with pytest.raises(harbor.APITimeoutError):
        client(harbor, server, total_timeout=1.0).items.retrieve("i1")
    assert 2 <= len(server.received) <= 5
