"""Prism (the Stoplight mock server) from tools/prism, started once per spec and always stopped.

`scripts/install-prism.sh` installs it; `PRISM` in the environment may name another executable.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parents[3]
PRISM_DIR = ROOT / "tools" / "prism"
READY_TEXT = "Prism is listening"
START_TIMEOUT = 180.0  # openai takes about 25 s on 2 cores; leave room for a busy machine


class PrismError(RuntimeError):
    pass


def executable() -> Path | None:
    """The Prism to use, or None when it is not installed (or Node.js is missing)."""
    override = os.environ.get("PRISM")
    if override:
        return Path(override) if Path(override).exists() else None
    candidate = PRISM_DIR / "node_modules" / ".bin" / "prism"
    if candidate.exists() and shutil.which("node"):
        return candidate
    return None


def installed_version() -> str | None:
    manifest = PRISM_DIR / "node_modules" / "@stoplight" / "prism-cli" / "package.json"
    if not manifest.exists():
        return None
    import json

    return str(json.loads(manifest.read_text(encoding="utf-8")).get("version"))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrismServer:
    """`with PrismServer(entry, log) as prism:` ... `prism.url`; the process group is killed on exit."""

    def __init__(
        self, entry: Path, log_path: Path, start_timeout: float = START_TIMEOUT, extra_args: list[str] | None = None
    ) -> None:
        self.entry = entry
        self.extra_args = list(extra_args or [])
        self.log_path = log_path
        self.start_timeout = start_timeout
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.startup_seconds = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> PrismServer:  # noqa: PYI034 - a final class in practice
        self.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def start(self) -> None:
        prism = executable()
        if prism is None:
            raise PrismError("Prism is not installed: run `bash scripts/install-prism.sh`")
        last_error = ""
        for _attempt in range(3):  # the port may be taken between choosing and binding it
            self.port = free_port()
            started = time.monotonic()
            with open(self.log_path, "wb") as log:
                self.process = subprocess.Popen(
                    [str(prism), "mock", str(self.entry), "-h", "127.0.0.1", "-p", str(self.port), *self.extra_args],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,  # its own process group: stop() kills node and any children
                    env={**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0"},
                )
            try:
                self._wait_ready(started)
                self.startup_seconds = time.monotonic() - started
                return
            except PrismError as exc:
                last_error = str(exc)
                self.stop()
                if "EADDRINUSE" not in last_error:
                    break
        raise PrismError(last_error)

    def _wait_ready(self, started: float) -> None:
        assert self.process is not None
        while True:
            log = self.log_path.read_text(encoding="utf-8", errors="replace")
            if self.process.poll() is not None:
                raise PrismError(f"Prism exited with code {self.process.returncode}: {_tail(log)}")
            if READY_TEXT in log and _port_open(self.port):
                return
            if time.monotonic() - started > self.start_timeout:
                raise PrismError(f"Prism was not ready after {self.start_timeout:.0f} s: {_tail(log)}")
            time.sleep(0.2)

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        for sig, wait in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                break
            try:
                process.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        # the group may outlive its leader: make sure nothing of it is left
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def log_tail(self) -> str:
        try:
            return _tail(self.log_path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            return ""


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _tail(text: str, lines: int = 8) -> str:
    return " | ".join(line.strip() for line in text.strip().splitlines()[-lines:])
