"""The client's behaviour against a local HTTP server: retries, errors, timeouts, raw responses.

Each test starts a small server on 127.0.0.1 that answers as the test says (no mock server of the API
is needed) and calls this operation:

    `client.end_users.delete` (DELETE /end-users/{id})

Response validation is off here: these tests are about the transport; the per-resource tests check
parsing.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from conductor import APITimeoutError, AsyncConductor, Conductor, InternalServerError, NotFoundError

SUCCESS_BODY: Any = {"id": "end_usr_1234567abcdefg", "objectType": "end_user", "deleted": True}
REQUEST_ID_HEADER = "Conductor-Request-Id"


@dataclass
class Answer:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class Server:
    """Answers requests in order (the last answer repeats) and records what it was sent."""

    def __init__(self) -> None:
        self.answers: list[Answer] = [Answer(body=SUCCESS_BODY)]
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        handler = self._handler()
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}"
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)
        self._thread.start()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def answer(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                server.requests.append((self.command, self.path, dict(self.headers)))
                answer = server.answers[min(len(server.requests), len(server.answers)) - 1]
                time.sleep(answer.delay)
                payload = json.dumps(answer.body).encode()
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = answer

            def log_message(self, format: str, *args: object) -> None:
                return

        return Handler

    def close(self) -> None:
        self._http.shutdown()
        self._http.server_close()


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    yield running
    running.close()


def make_client(server: Server, **options: Any) -> Conductor:
    return Conductor(
        base_url=server.url, api_key="test-credential", strict_response_validation=False, **options
    )


def test_retries_a_server_error_then_succeeds(server: Server) -> None:
    server.answers = [
        Answer(503, {"error": "unavailable"}, {"retry-after-ms": "10"}),
        Answer(body=SUCCESS_BODY),
    ]
    with make_client(server, max_retries=2) as client:
        response = client.end_users.with_raw_response.delete(
            "end_usr_1234567abcdefg",
        )
    assert response.retries_taken == 1
    assert response.status_code == 200
    assert server.requests[0][:2] == server.requests[1][:2]  # the same request, sent again


def test_gives_up_after_max_retries(server: Server) -> None:
    server.answers = [Answer(500, {"error": "boom"}, {"retry-after-ms": "10"})]
    with make_client(server, max_retries=1) as client, pytest.raises(InternalServerError) as raised:
        client.end_users.delete(
            "end_usr_1234567abcdefg",
        )
    assert raised.value.status_code == 500
    assert len(server.requests) == 2


def test_an_error_status_raises_its_error_with_body_and_request_id(server: Server) -> None:
    server.answers = [Answer(404, {"error": "not found"}, {REQUEST_ID_HEADER: "req_123"})]
    with make_client(server) as client, pytest.raises(NotFoundError) as raised:
        client.end_users.delete(
            "end_usr_1234567abcdefg",
        )
    assert raised.value.status_code == 404
    assert raised.value.body == {"error": "not found"}
    assert raised.value.request_id == "req_123"
    assert len(server.requests) == 1  # a 404 is not retried


def test_a_slow_answer_times_out(server: Server) -> None:
    # Far beyond the timeout, so a test process stalled by a busy machine still sees no answer in time.
    server.answers = [Answer(body=SUCCESS_BODY, delay=5.0)]
    with make_client(server, max_retries=0, timeout=0.1) as client, pytest.raises(APITimeoutError):
        client.end_users.delete(
            "end_usr_1234567abcdefg",
        )


def test_raw_response_has_status_headers_and_parses(server: Server) -> None:
    server.answers = [
        Answer(body=SUCCESS_BODY, headers={REQUEST_ID_HEADER: "req_456", "X-Extra": "yes"})
    ]
    with make_client(server) as client:
        response = client.end_users.with_raw_response.delete(
            "end_usr_1234567abcdefg",
        )
        assert response.status_code == 200
        assert response.headers["x-extra"] == "yes"
        assert response.request_id == "req_456"
        assert response.retries_taken == 0
        response.parse()


def test_async_client_retries_too(server: Server) -> None:
    server.answers = [
        Answer(429, {"error": "slow down"}, {"retry-after-ms": "10"}),
        Answer(body=SUCCESS_BODY),
    ]

    async def main() -> None:
        async with AsyncConductor(
            base_url=server.url, api_key="test-credential", strict_response_validation=False
        ) as client:
            await client.end_users.delete(
                "end_usr_1234567abcdefg",
            )

    asyncio.run(main())
    assert len(server.requests) == 2
