"""Shared fixtures: a freshly generated Conductor client and a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import importlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import Phase, settings

from generator import pipeline

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "specs" / "conductor.yaml"


# How each checker is run on a generated project; run inside it, so ruff reads its pyproject.toml.
CHECKERS = {
    "compileall": [sys.executable, "-m", "compileall", "-q", "src"],
    "mypy": [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "src"],
    "pyright": [sys.executable, "-m", "pyright", "--pythonpath", sys.executable, "src"],
    "ruff": [sys.executable, "-m", "ruff", "check", "--no-cache", "src", "tests"],  # tests: the generated ones too
}


def run_checker(name: str, project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(CHECKERS[name], cwd=project, capture_output=True, text=True, timeout=600, check=False)


@pytest.fixture(scope="session")
def conductor_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Conductor client generated from specs/ into a temporary folder, importable as `conductor`."""
    out = tmp_path_factory.mktemp("conductor-client")
    pipeline.generate(pipeline.Options(spec=SPEC, output=out))
    sys.path.insert(0, str(out / "src"))
    for name in [m for m in sys.modules if m == "conductor" or m.startswith("conductor.")]:
        del sys.modules[name]
    return out


# The suite runs in parallel workers (pyproject.toml: `-n auto --dist loadfile --no-loadscope-reorder`): each
# file runs whole in one worker, so its module-scoped fixtures and module state are built once, and files are
# handed out in collection order. These files come first, slowest first (seconds measured serially on the 2-core
# machine, see README "Test suite"), so that the workers start on the long ones and end on short ones together.
# A file not listed keeps its place after them; a name that no longer exists only loses its place.
SLOWEST_FIRST = (
    "test_corpus_static.py",  # 342 s: ruff, mypy and pyright over 13 corpus clients
    "test_corpus.py",  # 297 s: corpus specs through Prism
    "test_fuzz.py",  # 91 s
    "test_outputs_unchanged.py",  # about 60 s: every command over the seed, the corpus and its history
    "test_outputs_unchanged_fuzz.py",  # about 60 s: the same over the fuzz profile's 30 specs
    "test_ci_integration.py",  # 33 s
    "test_release.py",  # 32 s
    "test_action_methods.py",  # 17 s
    "test_resource_tree.py",  # 14 s
    "test_diff.py",  # 14 s
    "test_interrupted.py",  # 14 s
    "test_client_e2e.py",  # 13 s
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: index for index, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: a file's own order is kept


@dataclass
class Reply:
    status: int = 200
    body: object = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class LocalServer:
    """A threaded HTTP server on 127.0.0.1 that answers with scripted replies and records requests."""

    def __init__(self) -> None:
        self.replies: queue.Queue[Reply] = queue.Queue()
        self.default = Reply(200, {"id": "end_usr_1234567abcdefg", "objectType": "end_user", "deleted": True},
                             {"Conductor-Request-Id": "req_default"})  # fmt: skip
        self.received: list[Received] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                server.received.append(Received(self.command, self.path, dict(self.headers.items()), body))
                try:
                    reply = server.replies.get_nowait()
                except queue.Empty:
                    reply = server.default
                if reply.delay:
                    threading.Event().wait(reply.delay)
                payload = b"" if reply.body is None else reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
                self.send_response(reply.status)
                headers = {"Content-Type": "application/json", **reply.headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def reply(self, *replies: Reply) -> None:
        for reply in replies:
            self.replies.put(reply)


@contextmanager
def imported_package(src: Path, package: str) -> Iterator[ModuleType]:
    """`package` imported from the generated project's `src`; on exit, the modules of that name that were
    loaded before (another client generated as `conductor`, say) are back, and `src` is off `sys.path`."""
    saved = {name: sys.modules.pop(name) for name in list(sys.modules) if name.split(".")[0] == package}
    sys.path.insert(0, str(src))
    try:
        yield importlib.import_module(package)
    finally:
        sys.path.remove(str(src))
        for name in [n for n in sys.modules if n.split(".")[0] == package]:
            del sys.modules[name]
        sys.modules.update(saved)


class Hung(Exception):
    """Raised by `within_seconds` when its block has not finished in time."""


@contextmanager
def within_seconds(seconds: float) -> Iterator[None]:
    """Fail a block that hangs (a bound generous enough never to trip on a slow machine, not a speed check)."""

    def expire(signum: int, frame: object) -> None:
        raise Hung(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except Hung:
        # Raised afresh: the handler's exception lands mid-bytecode, a traceback pytest cannot render.
        raise Hung(f"still running after {seconds} s") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    local = LocalServer()
    local.thread.start()
    yield local
    local.httpd.shutdown()
    local.httpd.server_close()


# Hypothesis profiles (tests/test_fuzz.py): `ci` is the default, bounded and deterministic;
# `long` is for scripts/fuzz.sh (`pytest --hypothesis-profile=long`); `dev` and `hunt` skip shrinking (a failing
# spec shrinks slowly: each example runs the generator twice), for a quick look or a search for new failures.
settings.register_profile("ci", max_examples=30, deadline=None, derandomize=True, print_blob=True)
settings.register_profile("long", max_examples=500, deadline=None, print_blob=True)
settings.register_profile("dev", max_examples=10, deadline=None, print_blob=True, phases=[Phase.explicit, Phase.generate])
settings.register_profile("hunt", max_examples=80, deadline=None, print_blob=True, phases=[Phase.generate])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def not_black_formatted(project: Path) -> list[str]:
    """Python files of a generated project that the pinned black (with the generator's mode) would change:
    the oracle for `generator/targets/python/formatting.py`, which formats only what it cannot vouch for."""
    import black

    from generator.targets.python.formatting import black_mode

    changed = []
    for path in sorted(project.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if black.format_str(text, mode=black_mode()) != text:
            changed.append(path.relative_to(project).as_posix())
    return changed
