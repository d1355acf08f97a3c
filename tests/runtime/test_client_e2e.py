"""The generated Conductor client against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import SPEC, LocalServer, Reply

KEY = "sk_test_secret_123"


def seed_python_sample() -> str:
    """The Python code sample published in the spec itself (x-codeSamples), verbatim."""
    spec = yaml.safe_load(SPEC.read_text())
    operation = spec["paths"]["/end-users/{id}"]["delete"]
    (sample,) = [s["source"] for s in operation["x-codeSamples"] if s["lang"] == "Python"]
    return str(sample)


def client(server: LocalServer, **options: Any) -> Any:
    from conductor import Conductor

    return Conductor(api_key=KEY, base_url=server.url, **options)


def test_seed_code_sample_runs_verbatim(conductor_project: Path, server: LocalServer) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONDUCTOR_")}
    env.update(CONDUCTOR_SECRET_KEY=KEY, CONDUCTOR_BASE_URL=server.url, PYTHONPATH=str(conductor_project / "src"))
    done = subprocess.run(
        [sys.executable, "-c", seed_python_sample()], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "end_usr_1234567abcdefg\n"
    (request,) = server.received
    assert request.method == "DELETE"
    assert request.path == "/v1/end-users/end_usr_1234567abcdefg"
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert request.headers["User-Agent"].startswith("conductor/Python ")


def test_response_is_typed_and_carries_the_request_id(conductor_project: Path, server: LocalServer) -> None:
    from conductor.types import EndUserDeleteResponse

    server.reply(Reply(200, {"id": "end_usr_1", "objectType": "end_user", "deleted": True, "extra": 1},
                       {"Conductor-Request-Id": "req_42"}))  # fmt: skip
    with client(server) as conductor:
        end_user = conductor.end_users.delete("end_usr_1")
    assert isinstance(end_user, EndUserDeleteResponse)
    assert (end_user.id, end_user.object_type, end_user.deleted) == ("end_usr_1", "end_user", True)
    assert end_user._request_id == "req_42"
    # Wire names come back once each, unknown fields are kept.
    assert end_user.to_dict() == {"id": "end_usr_1", "objectType": "end_user", "deleted": True, "extra": 1}
    assert json.loads(end_user.to_json()) == end_user.to_dict()
    assert end_user.to_json().count("objectType") == 1


def test_invalid_response_raises_a_validation_error_naming_the_field(
    conductor_project: Path, server: LocalServer
) -> None:
    from conductor import APIResponseValidationError

    server.reply(
        Reply(200, {"id": "end_usr_1", "objectType": "end_user", "deleted": "yes"}, {"Conductor-Request-Id": "req_v"})
    )
    with pytest.raises(APIResponseValidationError) as caught:
        client(server).end_users.delete("end_usr_1")
    assert "deleted" in str(caught.value)
    assert caught.value.request_id == "req_v"
    assert caught.value.body == {"id": "end_usr_1", "objectType": "end_user", "deleted": "yes"}


def test_async_client(conductor_project: Path, server: LocalServer) -> None:
    from conductor import AsyncConductor

    async def main() -> Any:
        async with AsyncConductor(api_key=KEY, base_url=server.url) as conductor:
            return await conductor.end_users.delete("end_usr_async")

    end_user = asyncio.run(main())
    assert end_user.id == "end_usr_1234567abcdefg" and end_user._request_id == "req_default"
    (request,) = server.received
    assert (request.method, request.path) == ("DELETE", "/v1/end-users/end_usr_async")
    assert request.headers["Authorization"] == f"Bearer {KEY}"


def test_async_client_over_aiohttp(conductor_project: Path, server: LocalServer) -> None:
    """`DefaultAioHttpClient` (the `aiohttp` extra): concurrent calls, a retried 500 and an error, all through aiohttp."""
    from conductor import AsyncConductor, DefaultAioHttpClient, InternalServerError
    from httpx_aiohttp import AiohttpTransport

    server.reply(Reply(500, {"error": "busy"}, {"Retry-After": "0"}))

    async def main() -> list[Any]:
        http_client = DefaultAioHttpClient()
        assert isinstance(http_client._transport, AiohttpTransport)
        async with AsyncConductor(api_key=KEY, base_url=server.url, http_client=http_client) as conductor:
            results: list[Any] = list(
                await asyncio.gather(*(conductor.end_users.delete(f"end_usr_{i}") for i in range(5)))
            )
            server.reply(*[Reply(503, {"error": "down"}, {"Retry-After": "0"})] * 3)
            try:
                await conductor.with_options(max_retries=2).end_users.delete("end_usr_down")
            except InternalServerError as exc:
                results.append(exc.status_code)
        assert http_client.is_closed
        return results

    *deleted, status = asyncio.run(main())
    assert [d.id for d in deleted] == ["end_usr_1234567abcdefg"] * 5 and status == 503
    paths = sorted(r.path for r in server.received)
    # 5 calls, one of them retried after the 500; then the failing call and its 2 retries
    assert len(paths) == 9 and paths.count("/v1/end-users/end_usr_down") == 3
    headers = [
        {name.lower(): value for name, value in r.headers.items()} for r in server.received
    ]  # aiohttp sends lower case
    assert all(h["authorization"] == f"Bearer {KEY}" for h in headers)
    assert all(h["user-agent"].startswith("conductor/Python ") for h in headers)


def test_aiohttp_client_without_the_extra_says_what_to_install(conductor_project: Path) -> None:
    program = (
        "import sys\n"
        "sys.modules['httpx_aiohttp'] = None  # as if the extra were not installed\n"
        "from conductor import DefaultAioHttpClient\n"
        "DefaultAioHttpClient()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(conductor_project / "src")}
    done = subprocess.run(
        [sys.executable, "-c", program], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        "ImportError: DefaultAioHttpClient needs aiohttp and httpx-aiohttp: pip install 'conductor-py[aiohttp]'"
    )


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, "BadRequestError"),
        (401, "AuthenticationError"),
        (403, "PermissionDeniedError"),
        (404, "NotFoundError"),
        (409, "ConflictError"),
        (422, "UnprocessableEntityError"),
        (429, "RateLimitError"),
        (500, "InternalServerError"),
        (503, "InternalServerError"),
        (418, "APIStatusError"),
    ],
)
def test_each_error_status_maps_to_its_exception(
    conductor_project: Path, server: LocalServer, status: int, error: str
) -> None:
    import conductor

    body = {"error": {"message": "nope", "code": status}}
    server.reply(Reply(status, body, {"Conductor-Request-Id": f"req_{status}"}))
    with pytest.raises(conductor.APIStatusError) as caught:
        client(server, max_retries=0).end_users.delete("end_usr_1")
    assert type(caught.value) is getattr(conductor, error)
    assert isinstance(caught.value, conductor.APIError)
    assert caught.value.status_code == status
    assert caught.value.body == body
    assert caught.value.request_id == f"req_{status}"
    assert len(server.received) == 1


def test_retries_honour_retry_after_then_succeed(
    conductor_project: Path, server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import conductor._base_client as base

    delays: list[float] = []
    monkeypatch.setattr(base.time, "sleep", delays.append)
    server.reply(
        Reply(429, {"error": "slow down"}, {"Retry-After": "3"}),
        Reply(503, {"error": "busy"}, {"retry-after-ms": "250"}),
    )
    end_user = client(server, max_retries=2).end_users.delete("end_usr_1")
    assert end_user.deleted is True
    assert delays == [3.0, 0.25]
    assert len(server.received) == 3


def test_retry_backoff_without_retry_after_and_give_up(
    conductor_project: Path, server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import conductor
    import conductor._base_client as base

    delays: list[float] = []
    monkeypatch.setattr(base.time, "sleep", delays.append)
    server.reply(*[Reply(500, {"error": "down"}) for _ in range(3)])
    with pytest.raises(conductor.InternalServerError):
        client(server, max_retries=2).end_users.delete("end_usr_1")
    assert len(server.received) == 3
    assert 0.375 <= delays[0] <= 0.5 and 0.75 <= delays[1] <= 1.0  # 0.5 s doubling, up to 25 % jitter


def test_no_retry_on_400_or_when_disabled(conductor_project: Path, server: LocalServer) -> None:
    import conductor

    server.reply(Reply(400, {"error": "bad"}))
    with pytest.raises(conductor.BadRequestError):
        client(server).end_users.delete("end_usr_1")
    server.reply(Reply(503, {"error": "busy"}))
    with pytest.raises(conductor.InternalServerError):
        client(server, max_retries=0).end_users.delete("end_usr_1")
    assert len(server.received) == 2


def test_x_should_retry_header_overrides(
    conductor_project: Path, server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import conductor
    import conductor._base_client as base

    monkeypatch.setattr(base.time, "sleep", lambda _: None)
    server.reply(Reply(400, {"e": 1}, {"x-should-retry": "true"}))
    assert client(server).end_users.delete("end_usr_1").deleted
    server.reply(Reply(503, {"e": 1}, {"x-should-retry": "false"}))
    with pytest.raises(conductor.InternalServerError):
        client(server).end_users.delete("end_usr_1")
    assert len(server.received) == 3


def test_timeouts_are_retried_then_raise(
    conductor_project: Path, server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import conductor
    import conductor._base_client as base

    monkeypatch.setattr(base.time, "sleep", lambda _: None)
    server.reply(Reply(200, {"id": "x"}, delay=1.0), Reply(200, {"id": "x"}, delay=1.0))
    with pytest.raises(conductor.APITimeoutError):
        client(server, max_retries=1, timeout=0.2).end_users.delete("end_usr_1")
    # the client gave up on the second attempt; under load the server's thread may record it a little later
    deadline = time.monotonic() + 5
    while len(server.received) < 2 and time.monotonic() < deadline:
        threading.Event().wait(0.01)  # time.sleep is patched out above
    assert len(server.received) == 2


def test_connection_error(conductor_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    import conductor
    import conductor._base_client as base

    monkeypatch.setattr(base.time, "sleep", lambda _: None)
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(conductor.APIConnectionError) as caught:
        conductor.Conductor(api_key=KEY, base_url=f"http://127.0.0.1:{port}", max_retries=1).end_users.delete("x")
    assert not isinstance(caught.value, conductor.APITimeoutError)
    assert str(caught.value).startswith("Connection error: ")  # with httpx's reason, e.g. "Connection refused"
    assert "refused" in str(caught.value).lower()


@pytest.mark.parametrize(
    ("value", "path"),
    [("a/b", "/v1/end-users/a%2Fb"), ("a?b=1#c", "/v1/end-users/a%3Fb%3D1%23c"), ("100%", "/v1/end-users/100%25"),
     ("ü ñ", "/v1/end-users/%C3%BC%20%C3%B1"), ("...", "/v1/end-users/...")],
)  # fmt: skip
def test_path_parameters_are_percent_encoded(
    conductor_project: Path, server: LocalServer, value: str, path: str
) -> None:
    client(server).end_users.delete(value)
    assert server.received[0].path == path


@pytest.mark.parametrize("value", ["", ".", ".."])
def test_path_parameters_that_would_change_the_path_are_refused(
    conductor_project: Path, server: LocalServer, value: str
) -> None:
    with pytest.raises(ValueError, match="id"):
        client(server).end_users.delete(value)
    assert server.received == []


def test_missing_api_key_is_a_clear_error(conductor_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import conductor

    monkeypatch.delenv("CONDUCTOR_SECRET_KEY", raising=False)
    with pytest.raises(conductor.ConductorError, match="CONDUCTOR_SECRET_KEY"):
        conductor.Conductor()
    with pytest.raises(conductor.ConductorError, match="CONDUCTOR_SECRET_KEY"):
        conductor.AsyncConductor()


def test_a_key_no_header_can_carry_is_refused_without_showing_it(
    conductor_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key pasted with a typographic character or a stray control character fails when the client is built,
    with the client's own error, not with an encoding error from deep inside httpx at the first call."""
    import conductor

    for key, kind in (("sk_live_\u201cabc\u201d", "non-ASCII"), ("sk_live_abc\x7f", "control")):
        for client_class in (conductor.Conductor, conductor.AsyncConductor):
            with pytest.raises(conductor.ConductorError, match=f"api_key client option holds a {kind} character") as caught:
                client_class(api_key=key)
            assert "abc" not in str(caught.value)
        monkeypatch.setenv("CONDUCTOR_SECRET_KEY", key)
        with pytest.raises(conductor.ConductorError, match=kind):
            conductor.Conductor()


def test_environment_configures_key_and_base_url(
    conductor_project: Path, server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conductor import Conductor

    monkeypatch.setenv("CONDUCTOR_SECRET_KEY", "sk_from_env")
    monkeypatch.setenv("CONDUCTOR_BASE_URL", server.url)
    Conductor().end_users.delete("end_usr_1")
    assert server.received[0].headers["Authorization"] == "Bearer sk_from_env"
    monkeypatch.delenv("CONDUCTOR_BASE_URL")
    assert str(Conductor().base_url) == "https://api.conductor.is/v1/"


def test_per_call_options_reach_the_server(conductor_project: Path, server: LocalServer) -> None:
    conductor = client(server, default_headers={"X-Team": "sdk"}, default_query={"trace": "1"})
    conductor.end_users.delete("end_usr_1", extra_headers={"X-Extra": "yes"}, extra_query={"dry_run": "true"})
    request = server.received[0]
    assert request.path == "/v1/end-users/end_usr_1?trace=1&dry_run=true"
    assert request.headers["X-Team"] == "sdk" and request.headers["X-Extra"] == "yes"


def test_header_values_with_line_breaks_are_refused(conductor_project: Path, server: LocalServer) -> None:
    with pytest.raises(ValueError, match="line break"):
        client(server).end_users.delete("end_usr_1", extra_headers={"X-Evil": "a\r\nInjected: 1"})
    assert server.received == []


def test_debug_logging_never_shows_the_key(conductor_project: Path, server: LocalServer) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONDUCTOR_")}
    env.update(CONDUCTOR_SECRET_KEY=KEY, CONDUCTOR_BASE_URL=server.url, CONDUCTOR_LOG="debug",
               PYTHONPATH=str(conductor_project / "src"))  # fmt: skip
    program = "from conductor import Conductor\nc = Conductor()\nc.end_users.delete('end_usr_1')\nprint(repr(c))"
    done = subprocess.run(
        [sys.executable, "-c", program], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "DELETE" in done.stderr and "end-users/end_usr_1" in done.stderr  # it did log
    assert KEY not in done.stderr + done.stdout


def test_retried_calls_carry_one_idempotency_key(
    conductor_project: Path, server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import conductor._base_client as base

    monkeypatch.setattr(base.time, "sleep", lambda _: None)
    server.reply(Reply(503, {"e": 1}), Reply(200, {"id": "a", "objectType": "end_user", "deleted": True}))
    api = client(server)
    api.end_users.delete("end_usr_1")
    api.end_users.delete("end_usr_2")
    first, retry, other = (r.headers["Idempotency-Key"] for r in server.received)
    assert first == retry != other  # the same key on every attempt of one call, a new one per call


def test_response_validation_can_be_turned_off(conductor_project: Path, server: LocalServer) -> None:
    server.reply(
        Reply(200, {"id": "end_usr_1", "objectType": "end_user", "deleted": "yes"}),
        Reply(200, {"id": "end_usr_1", "objectType": "end_user", "deleted": "maybe"}, {"Conductor-Request-Id": "r"}),
    )
    api = client(server, strict_response_validation=False)
    assert api.end_users.delete("end_usr_1").deleted is True  # coerced leniently, as pydantic's lax mode does
    end_user = api.end_users.delete("end_usr_1")
    assert (end_user.id, end_user.deleted, end_user._request_id) == ("end_usr_1", "maybe", "r")  # as sent


def test_every_readme_example_runs(conductor_project: Path, server: LocalServer) -> None:
    """The generated README's code blocks run as written (fragments after the usage example's client)."""
    readme = (conductor_project / "README.md").read_text()
    blocks = [block.split("```", 1)[0] for block in readme.split("```python\n")[1:]]
    setup = "import os\nfrom conductor import Conductor\n\nclient = Conductor()\n"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONDUCTOR_")}
    env.update(CONDUCTOR_SECRET_KEY=KEY, CONDUCTOR_BASE_URL=server.url, PYTHONPATH=str(conductor_project / "src"))
    assert len(blocks) >= 5
    for block in blocks:
        program = block if block.startswith(("import ", "from ")) else setup + block
        done = subprocess.run(
            [sys.executable, "-c", program], env=env, capture_output=True, text=True, timeout=60, check=False
        )
        assert done.returncode == 0, f"{block}\n{done.stderr}"
    assert len(server.received) >= len(blocks) - 1
