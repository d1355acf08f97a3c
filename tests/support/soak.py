"""Soak test of the generated client (the committed Conductor client in generated/) under faults and load.

A local server on 127.0.0.1 answers `DELETE /end-users/{id}`; for every attempt it draws, from a seeded
generator keyed by (seed, call, attempt), one of: a good answer, a dropped connection (before or after
applying the call), a stall longer than the client's timeout, 500/503, 429 with `retry-after-ms`, a body
cut short, invalid JSON. Many calls run at once from threads (sync client) and tasks (async client, on
httpx's transport and on aiohttp's). Afterwards, from the server's record of each call's attempts:

- every call ended with its result, or exactly the exception the documented retry rules lead to
  (connection errors, timeouts, 429 and >=500 are retried up to `max_retries` times; invalid JSON is not);
- it was attempted exactly as many times as those rules say;
- every attempt of a call carried the same idempotency key, no two calls shared one, and the server
  applied each key at most once (a retry after a lost answer is replayed, not applied again);
- no file descriptor (socket) is left open, and no server connection is left behind once clients close.

`run(profile)` returns a Report; tests/robustness/test_soak.py runs a short profile, scripts/soak.py a long one.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import socket
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "generated" / "src"

FAULTS = ("drop", "applied_drop", "stall", "500", "503", "429", "truncate", "invalid_json")
RETRIED = {"drop", "applied_drop", "stall", "500", "503", "429", "truncate"}
# The exception the client raises when a fault hits its last allowed attempt (names in conductor).
RAISES = {"drop": "APIConnectionError", "applied_drop": "APIConnectionError", "truncate": "APIConnectionError",
          "stall": "APITimeoutError", "500": "InternalServerError", "503": "InternalServerError",
          "429": "RateLimitError", "invalid_json": "APIResponseValidationError"}  # fmt: skip
CALL_HEADER = "X-Soak-Call"
KEY_HEADER = "Idempotency-Key"


@dataclass(frozen=True)
class Profile:
    calls: int  # per client kind
    seed: int = 13
    fault_rate: float = 0.35  # share of attempts that get a fault
    stall_share: float = 0.1  # of the faults, how many are stalls (each costs a timeout)
    timeout: float = 2.0  # the client's timeout, seconds
    stall: float = 3.0  # how long a stall lasts (more than the timeout)
    max_retries: int = 2
    threads: int = 16  # sync calls at once
    tasks: int = 32  # async calls at once
    kinds: tuple[str, ...] = ("sync", "async-httpx", "async-aiohttp")


SHORT = Profile(calls=30, fault_rate=0.4, stall_share=0.05)
LONG = Profile(calls=1500)


@dataclass
class Report:
    profile: Profile
    calls: Counter[str] = field(default_factory=Counter)  # per kind
    outcomes: Counter[str] = field(default_factory=Counter)  # "OK" or exception class name
    faults: Counter[str] = field(default_factory=Counter)  # injected, by kind of fault
    attempts: int = 0
    applied: int = 0  # keys applied (once each)
    replayed: int = 0  # attempts with a key already applied: answered from the record
    transport_resends: int = 0  # calls with more attempts than max_retries allows (the transport resent one)
    seconds: float = 0.0
    longest_call: float = 0.0
    longest_allowed: float = 0.0  # timeout and retry delays allowed by the documented rules
    fds_before: int = 0
    fds_after: int = 0
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        p = self.profile
        return [
            (f"profile: {p.calls} calls per client kind ({', '.join(p.kinds)}), seed {p.seed}, "
             f"fault rate {p.fault_rate:.0%}, timeout {p.timeout} s, max_retries {p.max_retries}"),
            f"calls made: {sum(self.calls.values())} ({dict(sorted(self.calls.items()))}); attempts: {self.attempts}",
            f"faults injected: {sum(self.faults.values())} ({dict(sorted(self.faults.items()))})",
            f"outcomes: {dict(sorted(self.outcomes.items()))}",
            f"idempotency: {self.applied} keys applied once each, {self.replayed} retried attempts replayed",
            (f"calls the transport itself resent beyond max_retries (aiohttp, a dropped keep-alive connection): "
             f"{self.transport_resends}"),
            f"longest call: {self.longest_call:.2f} s (allowed by timeout and retries: {self.longest_allowed:.2f} s)",
            f"file descriptors: {self.fds_before} before, {self.fds_after} after",
            f"wall time: {self.seconds:.1f} s",
            f"problems: {len(self.problems)}",
            *(f"  {problem}" for problem in self.problems[:20]),
        ]


@dataclass
class _Call:
    keys: list[str | None] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)  # per attempt: a fault, "ok" or "replay"


class SoakServer:
    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.lock = threading.Lock()
        self.calls: dict[str, _Call] = {}
        self.applied: Counter[str] = Counter()
        self.handlers: set[threading.Thread] = set()
        soak = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive: the client's connection pool is exercised

            def setup(self) -> None:
                super().setup()
                with soak.lock:
                    soak.handlers.add(threading.current_thread())

            def do_DELETE(self) -> None:
                soak.answer(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.request_queue_size = 128
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def _draw(self, call: str, attempt: int) -> str:
        rng = random.Random(f"{self.profile.seed}:{call}:{attempt}")
        if rng.random() >= self.profile.fault_rate:
            return "ok"
        if rng.random() < self.profile.stall_share:
            return "stall"
        return rng.choice([f for f in FAULTS if f != "stall"])

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        call = handler.headers.get(CALL_HEADER, "?")
        key = handler.headers.get(KEY_HEADER)
        with self.lock:
            record = self.calls.setdefault(call, _Call())
            fault = self._draw(call, len(record.faults))
            record.keys.append(key)
            applies = fault in ("ok", "applied_drop", "truncate", "invalid_json")
            if applies and key is not None and self.applied[key]:
                fault = "replay" if fault == "ok" else fault  # answered from the record, not applied again
            elif applies:
                self.applied[key or f"no key {call}"] += 1
            record.faults.append(fault)
        body = json.dumps({"id": call, "objectType": "end_user", "deleted": True}).encode()
        if fault in ("drop", "applied_drop"):
            handler.close_connection = True
            handler.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault == "stall":
            time.sleep(self.profile.stall)
            handler.close_connection = True
            return
        status, headers = 200, {"Content-Type": "application/json"}
        if fault in ("500", "503"):
            status, body = int(fault), b'{"error": {"message": "try again"}}'
        elif fault == "429":
            status, body = 429, b'{"error": {"message": "slow down"}}'
            headers["retry-after-ms"] = "20"
        elif fault == "invalid_json":
            body = b'{"id": "' + call.encode() + b'", "objectType": '
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if fault == "truncate":
            handler.wfile.write(body[: len(body) // 2])
            handler.wfile.flush()
            handler.close_connection = True
            handler.connection.shutdown(socket.SHUT_RDWR)
            return
        handler.wfile.write(body)


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _import_conductor() -> Any:
    if str(SRC) not in sys.path:
        sys.path.insert(0, str(SRC))
    import conductor  # type: ignore[import-not-found]  # the committed client, importable once SRC is on the path

    return conductor


def run(profile: Profile) -> Report:
    conductor = _import_conductor()
    import httpx

    report = Report(profile)
    outcomes: dict[str, tuple[str, float]] = {}  # call -> (outcome, seconds)
    report.fds_before = _open_fds()
    started = time.perf_counter()
    server = SoakServer(profile)
    server.thread.start()
    options: dict[str, Any] = {"api_key": "sk_soak", "base_url": server.url, "max_retries": profile.max_retries,
                               "timeout": httpx.Timeout(profile.timeout)}  # fmt: skip

    def outcome_of(call: Callable[[], Any]) -> tuple[str, float]:
        begun = time.perf_counter()
        try:
            result = call()
            name = "OK" if isinstance(result, conductor.types.EndUserDeleteResponse) else f"wrong result {result!r}"
        except conductor.APIError as error:
            name = type(error).__name__
        return name, time.perf_counter() - begun

    try:
        if "sync" in profile.kinds:
            with conductor.Conductor(**options) as client:

                def one(i: int) -> None:
                    name = f"sync-{i}"
                    outcomes[name] = outcome_of(
                        lambda: client.end_users.delete(name, extra_headers={CALL_HEADER: name})
                    )

                with ThreadPoolExecutor(profile.threads) as pool:
                    list(pool.map(one, range(profile.calls)))
            report.calls["sync"] = profile.calls
        for kind in ("async-httpx", "async-aiohttp"):
            if kind in profile.kinds:
                asyncio.run(_run_async(conductor, kind, options, profile, outcomes))
                report.calls[kind] = profile.calls
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
    for thread in list(server.handlers):  # each ends once its client closed the connection
        thread.join(timeout=profile.stall + 10)
    left = [t for t in server.handlers if t.is_alive()]
    if left:
        report.problems.append(f"{len(left)} server connections still open after every client closed")
    report.seconds = time.perf_counter() - started
    report.fds_after = _open_fds()
    if report.fds_after > report.fds_before:
        report.problems.append(f"file descriptors leaked: {report.fds_before} before, {report.fds_after} after")
    _check(report, server, outcomes)
    return report


async def _run_async(conductor: Any, kind: str, options: dict[str, Any], profile: Profile,
                     outcomes: dict[str, tuple[str, float]]) -> None:  # fmt: skip
    http_client = conductor.DefaultAioHttpClient() if kind == "async-aiohttp" else None
    limit = asyncio.Semaphore(profile.tasks)
    async with conductor.AsyncConductor(**options, http_client=http_client) as client:

        async def one(i: int) -> None:
            name = f"{kind}-{i}"
            async with limit:
                begun = time.perf_counter()
                try:
                    result = await client.end_users.delete(name, extra_headers={CALL_HEADER: name})
                    outcome = "OK" if isinstance(result, conductor.types.EndUserDeleteResponse) else f"wrong {result!r}"
                except conductor.APIError as error:
                    outcome = type(error).__name__
                outcomes[name] = (outcome, time.perf_counter() - begun)

        await asyncio.gather(*(one(i) for i in range(profile.calls)))
    if http_client is not None:
        await http_client.aclose()


def _expected(faults: list[str], max_retries: int, transparent: bool) -> set[tuple[str, int]]:
    """The (outcome, attempts) the documented retry rules allow for these server answers.

    `transparent`: the transport may itself resend once a request whose reused keep-alive connection the
    server closed without answering (aiohttp does, for idempotent methods, as RFC 9112 section 9.3.1
    allows); such an attempt reaches the server but is not one of the client's retries.
    """
    allowed: set[tuple[str, int]] = set()

    def walk(index: int, retries: int, resent: bool) -> None:
        if index == len(faults):
            return
        fault = faults[index]
        if transparent and not resent and fault in ("drop", "applied_drop"):
            walk(index + 1, retries, True)  # the transport resent it: the same client attempt goes on
        if fault in ("ok", "replay"):
            allowed.add(("OK", index + 1))
        elif fault not in RETRIED or retries == max_retries:
            allowed.add((RAISES[fault], index + 1))
        else:
            walk(index + 1, retries + 1, False)

    walk(0, 0, False)
    return allowed


def _check(report: Report, server: SoakServer, outcomes: dict[str, tuple[str, float]]) -> None:
    p = report.profile
    # The longest a call may take: every attempt may wait a timeout (a stall can time out on connect, write
    # or read, each `timeout`), plus the backoff between attempts (0.5 s doubling; Retry-After is 20 ms here).
    report.longest_allowed = (p.max_retries + 1) * p.stall + sum(0.5 * 2**n for n in range(p.max_retries))
    keys_seen: dict[str, str] = {}
    for name, (outcome, seconds) in sorted(outcomes.items()):
        report.outcomes[outcome] += 1
        report.longest_call = max(report.longest_call, seconds)
        record = server.calls.get(name)
        if record is None:
            report.problems.append(f"{name}: never reached the server ({outcome})")
            continue
        report.attempts += len(record.faults)
        report.faults.update(f for f in record.faults if f not in ("ok", "replay"))
        report.replayed += record.faults.count("replay")
        allowed = _expected(record.faults, p.max_retries, transparent=name.startswith("async-aiohttp"))
        if (outcome, len(record.faults)) not in allowed:
            report.problems.append(f"{name}: server answered {record.faults}; the client ended with {outcome} "
                                   f"after {len(record.faults)} attempts; the rules allow {sorted(allowed)}")  # fmt: skip
        if len(record.faults) > p.max_retries + 1:
            report.transport_resends += 1
        keys = set(record.keys)
        if len(keys) != 1 or None in keys:
            report.problems.append(f"{name}: attempts carried idempotency keys {record.keys}")
        for key in keys - {None}:
            if keys_seen.setdefault(str(key), name) != name:
                report.problems.append(f"{name}: shares idempotency key {key} with {keys_seen[str(key)]}")
    report.applied = len(server.applied)
    twice = [key for key, count in server.applied.items() if count > 1]
    if twice:
        report.problems.append(f"{len(twice)} idempotency keys applied more than once: {twice[:3]}")
    expected_calls = p.calls * len(p.kinds)
    if len(outcomes) != expected_calls:
        report.problems.append(f"{expected_calls - len(outcomes)} calls never ended")
