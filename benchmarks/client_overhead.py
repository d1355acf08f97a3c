"""Benchmark: the runtime cost of our generated client against the published reference SDK, conductor-py.

Measured, not asserted. In one run, against references measured in the same run:

1. cold start: a fresh interpreter imports the client, constructs it, touches one resource and makes one
   call against a local HTTP server; for the client we generate from the largest corpus spec (openai,
   288 operations) against conductor-py (Stainless-generated, 262 methods), plus our own Conductor
   client and a bare interpreter for scale. Medians over N fresh interpreters, and where the import time
   goes by package (`python -X importtime`).
2. per-call overhead of `client.end_users.delete("end_usr_1")`: ours, conductor-py and plain httpx
   doing the same DELETE with the same headers and parsing the JSON, over loopback (a tiny threaded
   server in this process) and in memory (`httpx.MockTransport` passed as `http_client`).
3. client construction, with and without a shared `http_client`.
4. where our per-call time goes: the in-memory loop of (2) split into stages without a profiler, then
   under cProfile (top functions, and the time by package).

Both SDKs are imported as `conductor`, so they never share an interpreter: every measurement runs in a
subprocess of benchmarks/.venv-client (run benchmarks/setup-client.sh first), with our package first on
PYTHONPATH for ours. Usage:

    python benchmarks/client_overhead.py [--quick] [--markdown] [-n N] [--openai-client DIR]

Standard library only in this process; the workers also import httpx and the SDK they measure.
"""

from __future__ import annotations

import argparse
import ast
import filecmp
import io
import json
import os
import platform
import re
import shutil
import socketserver
import statistics
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("SDKGEN_CORPUS", ROOT.parent / "shared" / "corpus"))
OPENAI_SPEC = CORPUS / "openai" / "openapi.yaml"
OUR_PYTHON = ROOT / ".venv" / "bin" / "python"  # runs the generator
CLIENT_VENV = ROOT / "benchmarks" / ".venv-client"
CLIENT_PYTHON = CLIENT_VENV / "bin" / "python"  # runs every measurement
OURS_DIR = CLIENT_VENV / "ours"  # our conductor package, installed with --target
GENERATED_PACKAGE = ROOT / "generated" / "src" / "conductor"

TARGET_COLD = 0.25  # ours at most a quarter of the reference's import + first call
TARGET_LOOPBACK = 1.25  # ours at most 1.25x plain httpx per call over loopback
TARGET_MEMORY = 1.5  # ... and 1.5x in memory

# What the local server (and the in-memory transport) answers.
REQUEST_ID = "req_bench_1"
CONDUCTOR_BODY = b'{"id":"end_usr_1","objectType":"end_user","deleted":true}'
LIST_BODY = b'{"object":"list","data":[]}'  # for `client.models.list()` of the openai client
MEMORY_BASE_URL = "http://bench.invalid/v1"  # never resolved: the MockTransport answers
# The headers our client sends for end_users.delete; the plain httpx baseline sends the same.
PLAIN_HEADERS = {"Accept": "application/json", "User-Agent": "conductor/Python 0.1.0", "Authorization": "Bearer x"}


# --- the local HTTP server ----------------------------------------------------------------------------


def _http_response(body: bytes) -> bytes:
    head = (
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConductor-Request-Id: {REQUEST_ID}\r\n\r\n"
    )
    return head.encode() + body


class _Handler(socketserver.StreamRequestHandler):
    """Keep-alive HTTP/1.1: any request gets 200 and a fixed JSON body (the list body for `.../models`)."""

    disable_nagle_algorithm = True
    conductor_response = _http_response(CONDUCTOR_BODY)
    list_response = _http_response(LIST_BODY)

    def handle(self) -> None:
        while True:
            line = self.rfile.readline(65537)
            if not line:
                return
            if not line.strip():
                continue
            parts = line.split()
            path = parts[1].split(b"?", 1)[0] if len(parts) > 1 else b"/"
            length, close = 0, False
            while True:
                header = self.rfile.readline(65537)
                if not header.strip():
                    break
                name, _, value = header.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value)
                elif name == b"connection" and value.strip().lower() == b"close":
                    close = True
            if length:
                self.rfile.read(length)
            self.wfile.write(self.list_response if path.endswith(b"/models") else self.conductor_response)
            if close:
                return


class LocalServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


# --- the worker: one per client, in benchmarks/.venv-client -------------------------------------------
#
# `python client_overhead.py --worker KIND BASE_URL` reads one JSON command a line from stdin and answers
# with one JSON line on stdout. KIND is ours, reference or httpx; ours and reference import `conductor`
# (which one depends on PYTHONPATH), httpx imports no SDK at all.


class _Worker:
    def __init__(self, kind: str, base_url: str) -> None:
        import httpx

        self.kind = kind
        self.base_url = base_url
        self.timeout = httpx.Timeout(60.0, connect=5.0)
        self.last_headers: list[str] = []
        self.record_headers = True
        self.entered = self.left = 0.0  # perf_counter() when the transport got the request / returned
        clock = time.perf_counter

        def answer(request: httpx.Request) -> httpx.Response:
            self.entered = clock()
            if self.record_headers:
                self.last_headers = list(request.headers.keys())
            response = httpx.Response(
                200,
                headers={"Content-Type": "application/json", "Conductor-Request-Id": REQUEST_ID},
                content=CONDUCTOR_BODY,
            )
            self.left = clock()
            return response

        self.transport = httpx.MockTransport(answer)
        if kind == "httpx":
            self.module_file = httpx.__file__
            self.calls = {
                "loopback": self._plain_delete(httpx.Client(follow_redirects=True, timeout=self.timeout), base_url),
                "memory": self._plain_delete(
                    httpx.Client(transport=self.transport, follow_redirects=True, timeout=self.timeout),
                    MEMORY_BASE_URL,
                ),
            }
        else:
            import importlib

            conductor = importlib.import_module("conductor")  # ours or the reference, by PYTHONPATH
            self.conductor = conductor
            self.module_file = str(conductor.__file__)
            loopback = conductor.Conductor(api_key="x", base_url=base_url)
            memory = conductor.Conductor(
                api_key="x", base_url=MEMORY_BASE_URL, http_client=httpx.Client(transport=self.transport)
            )
            self.calls = {"loopback": loopback.end_users.delete, "memory": memory.end_users.delete}

    @staticmethod
    def _plain_delete(http: Any, base_url: str) -> Callable[[str], object]:
        def delete(id: str) -> object:
            response = http.delete(f"{base_url}/end-users/{id}", headers=PLAIN_HEADERS)
            response.raise_for_status()
            return response.json()

        return delete

    # --- commands -----------------------------------------------------------------------------------

    def op_setup(self) -> dict[str, Any]:
        import importlib.metadata as md

        checks = {}
        for transport, call in self.calls.items():
            result = call("end_usr_1")
            if self.kind == "httpx":
                ok = isinstance(result, dict) and result.get("id") == "end_usr_1"
            else:
                # conductor-py has no `_request_id`; ours must carry the header's value.
                ok = getattr(result, "id", None) == "end_usr_1" and (
                    self.kind == "reference" or getattr(result, "_request_id", None) == REQUEST_ID
                )
            checks[transport] = "ok" if ok else f"unexpected result {result!r}"[:200]
        self.record_headers = False
        versions = {name: md.version(name) for name in ("httpx", "pydantic", "pydantic-core")}
        if self.kind == "reference":
            versions["conductor-py"] = md.version("conductor-py")
        return {"module_file": self.module_file, "checks": checks, "versions": versions, "headers": self.last_headers}

    def op_calls(self, transport: str, n: int) -> dict[str, Any]:
        call = self.calls[transport]
        start = time.perf_counter()
        for _ in range(n):
            call("end_usr_1")
        return {"seconds": time.perf_counter() - start}

    def op_construct(self, shared: bool, n: int) -> dict[str, Any]:
        import httpx

        if self.kind == "httpx":
            if shared:
                return {"seconds": None}
            timeout = self.timeout

            def make() -> object:
                return httpx.Client(follow_redirects=True, timeout=timeout)

        else:
            cls, base_url = self.conductor.Conductor, self.base_url
            http_client = httpx.Client() if shared else None

            def make() -> object:
                return cls(api_key="x", base_url=base_url, http_client=http_client)

        start = time.perf_counter()
        for _ in range(n):
            make()
        return {"seconds": time.perf_counter() - start}

    def op_split(self, n: int) -> dict[str, Any]:
        """The in-memory call split at the transport (no profiler): microseconds per call before the
        MockTransport is called (building and sending the request), inside it (the same for every
        client), and after it returns (reading, status checks, parsing)."""
        call, clock = self.calls["memory"], time.perf_counter
        before = inside = after = 0.0
        for _ in range(n):
            start = clock()
            call("end_usr_1")
            end = clock()
            before += self.entered - start
            inside += self.left - self.entered
            after += end - self.left
        return {"before": before / n * 1e6, "inside": inside / n * 1e6, "after": after / n * 1e6}

    def op_validate(self, n: int) -> dict[str, Any]:
        """Strict pydantic validation of the body into the SDK's response model, alone."""
        import importlib

        import pydantic

        types = importlib.import_module("conductor.types")
        adapter = pydantic.TypeAdapter(types.EndUserDeleteResponse)
        body = CONDUCTOR_BODY
        start = time.perf_counter()
        for _ in range(n):
            adapter.validate_json(body, strict=True)
        return {"us": (time.perf_counter() - start) / n * 1e6}

    def op_profile(self, n: int, top: int) -> dict[str, Any]:
        import cProfile
        import pstats

        call = self.calls["memory"]
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(n):
            call("end_usr_1")
        profiler.disable()
        stats: dict[Any, Any] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
        rows = []
        edges: dict[tuple[str, str, str], list[float]] = {}
        for (filename, line, name), (_, ncalls, tottime, cumtime, callers) in stats.items():
            where, package = _where(filename, line, name)
            if package != "conductor":
                # Calls from our code into a dependency: what each boundary costs, callees included.
                for (c_file, c_line, c_name), (c_calls, _, _, c_cum) in callers.items():
                    caller, c_package = _where(c_file, c_line, c_name)
                    if c_package == "conductor":
                        edge = edges.setdefault((caller, where, package), [0.0, 0.0])
                        edge[0] += c_calls / n
                        edge[1] += c_cum / n * 1e6
            rows.append(
                {
                    "function": where,
                    "package": package,
                    "calls": ncalls / n,
                    "self_us": tottime / n * 1e6,
                    "cum_us": cumtime / n * 1e6,
                }
            )
        by_package: dict[str, float] = {}
        for row in rows:
            by_package[row["package"]] = by_package.get(row["package"], 0.0) + row["self_us"]
        own = [row for row in rows if row["package"] == "conductor"]
        return {
            "total_us": sum(row["self_us"] for row in rows),
            "by_self": sorted(rows, key=lambda r: -r["self_us"])[:top],
            "own_by_cum": sorted(own, key=lambda r: -r["cum_us"])[:top],
            "boundary": [
                {"caller": caller, "callee": callee, "package": package, "calls": calls, "cum_us": cum}
                for (caller, callee, package), (calls, cum) in sorted(edges.items(), key=lambda kv: -kv[1][1])
            ][:top],
            "by_package": by_package,
        }


_STDLIB = sysconfig.get_paths()["stdlib"]
_PACKAGE_GROUPS = {
    "httpcore": "httpx",  # the transport stack is reported as one
    "h11": "httpx",
    "anyio": "httpx",
    "sniffio": "httpx",
    "idna": "httpx",
    "certifi": "httpx",
    "pydantic_core": "pydantic",
    "annotated_types": "pydantic",
    "typing_inspection": "pydantic",
}


def _where(filename: str, line: int, name: str) -> tuple[str, str]:
    """A profile entry as `package/module.py:line(function)` and the package it counts towards."""
    if filename == "~":  # a built-in: pydantic-core's validators are the only heavy ones here
        package = "pydantic" if "pydantic_core" in name else "builtins"
        return name, package
    if filename == "<string>":  # code the stdlib generates (namedtuple's __new__)
        return f"<string>:{line}({name})", "stdlib"
    path = Path(filename)
    if path == Path(__file__).resolve():
        return f"{path.name}:{line}({name})", "harness"
    for base in (OURS_DIR, Path(sysconfig.get_paths()["purelib"])):
        try:
            relative = path.relative_to(base)
        except ValueError:
            continue
        top = relative.parts[0]
        return f"{relative}:{line}({name})", _PACKAGE_GROUPS.get(top, top)
    if filename.startswith(_STDLIB):
        return f"{os.path.relpath(filename, _STDLIB)}:{line}({name})", "stdlib"
    return f"{filename}:{line}({name})", "other"


def worker_main(kind: str, base_url: str) -> int:
    worker = _Worker(kind, base_url)
    for line in sys.stdin:
        command = json.loads(line)
        op = command.pop("op")
        if op == "exit":
            break
        try:
            answer = getattr(worker, f"op_{op}")(**command)
        except Exception as exc:  # noqa: BLE001 - report it and keep serving
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        print(json.dumps(answer), flush=True)
    return 0


# --- running subprocesses -----------------------------------------------------------------------------


def client_env(pythonpath: Path) -> dict[str, str]:
    """The environment of a measurement: only `pythonpath` on PYTHONPATH (an empty folder for the
    reference, so every interpreter searches the same number of folders)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(pythonpath)
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # bytecode was compiled ahead; runs read it and never write
    env.pop("CONDUCTOR_LOG", None)
    env.pop("CONDUCTOR_SECRET_KEY", None)
    return env


class WorkerProcess:
    def __init__(self, kind: str, pythonpath: Path, base_url: str, stderr_dir: Path) -> None:
        self.kind = kind
        self.stderr_path = stderr_dir / f"worker-{kind}.stderr"
        with open(self.stderr_path, "wb") as stderr:  # the child keeps its own copy of the descriptor
            self.proc = subprocess.Popen(
                [str(CLIENT_PYTHON), "-s", str(Path(__file__).resolve()), "--worker", kind, base_url],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
                env=client_env(pythonpath),
                text=True,
            )

    def ask(self, op: str, **args: Any) -> dict[str, Any]:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps({"op": op, **args}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            tail = self.stderr_path.read_text(errors="replace").strip().splitlines()[-5:]
            raise RuntimeError(f"the {self.kind} worker died: " + " / ".join(tail))
        answer: dict[str, Any] = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"the {self.kind} worker failed {op}: {answer['error']}")
        return answer

    def close(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin
            try:
                self.proc.stdin.write(json.dumps({"op": "exit"}) + "\n")
                self.proc.stdin.close()
                self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()


# --- 1. cold start ------------------------------------------------------------------------------------

# Runs with `python -s -c`, so nothing but `time` is imported before the client (this script's own
# imports would warm modules httpx needs). json is imported after the last measurement.
COLD_SNIPPET = """
import time
_t0 = time.perf_counter()
from {module} import {cls} as _Client
_t1 = time.perf_counter()
_client = _Client(api_key="x", base_url={base_url!r})
_t2 = time.perf_counter()
_resource = _client
for _part in {resource!r}.split("."):
    _resource = getattr(_resource, _part)
_t3 = time.perf_counter()
try:
    _client.{call}
    _outcome = "ok"
except Exception as _exc:
    _outcome = type(_exc).__name__
_t4 = time.perf_counter()
import json, sys
print(json.dumps({{"import": _t1 - _t0, "construct": _t2 - _t1, "resource": _t3 - _t2, "call": _t4 - _t3,
                  "total": _t4 - _t0, "outcome": _outcome, "file": sys.modules[{module!r}].__file__}}))
"""


# The least any client built on httpx and pydantic v2 must do for one call: import both, define one
# response model, create an httpx.Client (which builds its SSL context), send the request and validate
# the body. No SDK can start faster on these two dependencies, so its time is the floor of the cold-start
# ratio; it is written into the run's temporary folder and measured like the SDKs.
FLOOR_MODULE = """
import httpx
import pydantic


class Deleted(pydantic.BaseModel):
    id: str
    deleted: bool


class EndUsers:
    def __init__(self, http: httpx.Client) -> None:
        self._http = http

    def delete(self, id: str) -> Deleted:
        response = self._http.delete(f"end-users/{id}")
        response.raise_for_status()
        return Deleted.model_validate_json(response.content)


class Floor:
    def __init__(self, api_key: str, base_url: str) -> None:
        self._http = httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {api_key}"})
        self.end_users = EndUsers(self._http)
"""


@dataclass
class ColdCase:
    label: str
    operations: str
    pythonpath: Path
    module: str
    cls: str
    resource: str
    call: str
    runs: list[dict[str, Any]] = field(default_factory=list)
    walls: list[float] = field(default_factory=list)
    error: str = ""

    def snippet(self, base_url: str) -> str:
        return COLD_SNIPPET.format(
            module=self.module, cls=self.cls, base_url=base_url, resource=self.resource, call=self.call
        )

    def median(self, key: str) -> float:
        return float(statistics.median(run[key] for run in self.runs))


def run_cold(case: ColdCase, base_url: str, round_: int = -1) -> None:
    cmd = (
        [str(CLIENT_PYTHON), "-s", "-c", case.snippet(base_url)]
        if case.module
        else [str(CLIENT_PYTHON), "-s", "-c", "pass"]
    )
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=client_env(case.pythonpath), capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        case.error = (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1][:200]
        return
    case.walls.append(wall)
    if case.module:
        case.runs.append({**json.loads(proc.stdout.strip().splitlines()[-1]), "round": round_, "wall": wall})


def import_breakdown(case: ColdCase) -> dict[str, float]:
    """Self import time in ms per group of packages, from one `python -X importtime` run."""
    proc = subprocess.run(
        [str(CLIENT_PYTHON), "-s", "-X", "importtime", "-c", f"import {case.module}"],
        env=client_env(case.pythonpath),
        capture_output=True,
        text=True,
        check=False,
    )
    groups: dict[str, float] = {}
    modules = 0
    for line in proc.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)", line)
        if not match:
            continue
        modules += 1
        top = match.group(2).split(".")[0]
        if top == case.module:
            group = "own package"
        elif _PACKAGE_GROUPS.get(top, top) in ("pydantic", "httpx"):
            group = _PACKAGE_GROUPS.get(top, top)
        else:
            group = "other"
        groups[group] = groups.get(group, 0.0) + int(match.group(1)) / 1000
    groups["total"] = sum(groups.values())
    groups["modules"] = modules
    return groups


def client_class(package_dir: Path) -> str:
    """The sync client class: the class in the package's `_client.py` that subclasses `SyncAPIClient`."""
    tree = ast.parse((package_dir / "_client.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and any(getattr(base, "id", None) == "SyncAPIClient" for base in node.bases):
            return node.name
    raise SystemExit(f"no client class (a SyncAPIClient subclass) in {package_dir / '_client.py'}")


def _count_operations(package: Path) -> str:
    """Sync methods that send a request (the async twins say `await self._client...`)."""
    pattern = re.compile(r"(?:return|=) self\._client\.request(?:_page)?\(")
    return str(sum(len(pattern.findall(p.read_text())) for p in (package / "resources").rglob("*.py")))


def _count_reference_operations() -> str:
    """conductor-py's methods that send a request: sync `return self._get(` and friends, plus its list
    methods (`self._get_api_list(`, written alike in the sync and async classes)."""
    packages = sorted(CLIENT_VENV.glob("lib/python3*/site-packages/conductor/resources"))
    if not packages:
        return "-"
    plain = re.compile(r"return self\._(?:get|post|delete|patch|put)\(")
    lists = re.compile(r"self\._get_api_list\(")
    texts = [p.read_text() for p in packages[-1].rglob("*.py")]
    return str(sum(len(plain.findall(t)) for t in texts) + sum(len(lists.findall(t)) for t in texts) // 2)


def openai_client(args: argparse.Namespace, workdir: Path) -> tuple[Path | None, str]:
    """The src folder of the generated openai client, and how many operations it has (or an error)."""
    if args.openai_client:
        src = Path(args.openai_client).resolve() / "src"
        if not (src / "open_ai").is_dir():
            return None, f"no src/open_ai in {args.openai_client}"
        return src, _count_operations(src / "open_ai")
    cwd, env = ROOT, dict(os.environ)
    if args.generator_at:
        # The generator as committed at a revision (git archive: read-only), for a work tree mid-edit.
        cwd = workdir / "generator-at"
        cwd.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", args.generator_at, "generator", "templates"],
            capture_output=True,
            check=False,
        )
        if archive.returncode != 0:
            return None, f"git archive {args.generator_at} failed: {archive.stderr.decode(errors='replace').strip()}"
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(cwd, filter="data")
        env["PYTHONPATH"] = str(cwd)
    out = workdir / "openai-client"
    where = f"as of {args.generator_at}" if args.generator_at else "from the work tree"
    print(f"  generating the openai client into {out} ({where}) ...", file=sys.stderr, flush=True)
    start = time.perf_counter()
    proc = subprocess.run(
        [str(OUR_PYTHON), "-m", "generator", "generate", str(OPENAI_SPEC), "-o", str(out), "--lenient"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        lines = [line for line in proc.stderr.splitlines() if line.strip() and not line.startswith("warning:")]
        hint = "" if args.generator_at else " (a work tree mid-edit? try --generator-at HEAD)"
        return None, f"generation failed (exit {proc.returncode}): {(lines or ['?'])[-1][:200]}{hint}"
    summary = re.search(r"^(\d+) operations -> ", proc.stdout, re.MULTILINE)
    print(f"  generated in {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    return out / "src", summary.group(1) if summary else _count_operations(out / "src" / "open_ai")


# --- report -------------------------------------------------------------------------------------------


def plain_table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    text = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    text.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(text)


def markdown_table(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(row) + " |" for row in rows]
    lines.insert(1, "|" + "|".join(" --- " for _ in rows[0]) + "|")
    return "\n".join(lines)


class Report:
    def __init__(self) -> None:
        self.markdown: list[str] = []

    def section(self, title: str, rows: list[list[str]], notes: list[str]) -> None:
        print(f"\n## {title}\n")
        print(plain_table(rows))
        if notes:
            print("\n".join(notes), flush=True)
        self.markdown += [f"### {title}", "", markdown_table(rows), "", *(f"- {note}" for note in notes), ""]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def _verdict(name: str, value: float, target: float, what: str) -> str:
    met = value <= target
    return f"TARGET {'MET' if met else 'NOT MET'} for {name}: {value:.2f}x {what} (target at most {target:g}x)"


def _output(*cmd: str) -> str:
    return subprocess.run(cmd, check=False, capture_output=True, text=True).stdout.strip()


def environment(versions: dict[str, str]) -> str:
    git = ["git", "--no-optional-locks", "-C", str(ROOT)]  # read-only: never touches the index
    commit = _output(*git, "rev-parse", "--short", "HEAD")
    dirty = " (with uncommitted changes)" if _output(*git, "status", "--porcelain", "--untracked-files=no") else ""
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    pins = ", ".join(f"{name} {version}" for name, version in versions.items())
    return f"ours: {commit}{dirty}; {pins}; Python {platform.python_version()}; {os.cpu_count()} cores; load average {load}"


def stale_copy() -> list[str]:
    """Files where the installed copy of ours differs from generated/src/conductor."""
    differ: list[str] = []

    def walk(cmp: filecmp.dircmp[str], prefix: str) -> None:
        differ.extend(prefix + name for name in cmp.diff_files + cmp.left_only + cmp.right_only)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(GENERATED_PACKAGE, OURS_DIR / "conductor", ignore=["__pycache__"]), "")
    return differ


# --- the run ------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and calls (about a minute plus generation)")
    parser.add_argument(
        "-n", "--cold-runs", type=int, help="fresh interpreters per cold-start case (default 10, quick 3)"
    )
    parser.add_argument("--calls", type=int, help="calls per timed batch (default 1000, quick 300)")
    parser.add_argument("--batches", type=int, help="timed batches per client and transport (default 15, quick 5)")
    parser.add_argument(
        "--openai-client", metavar="DIR", help="use this generated openai client project, don't generate"
    )
    parser.add_argument(
        "--generator-at",
        metavar="REV",
        help="generate the openai client with the generator committed at REV (e.g. HEAD), not the work tree",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (and the generated client)")
    parser.add_argument("--profile-calls", type=int, help="calls under cProfile (default 5000, quick 1000)")
    parser.add_argument("--top", type=int, default=15, help="rows in the profile tables (default 15)")
    parser.add_argument("--markdown", action="store_true", help="also print every table as Markdown at the end")
    parser.add_argument("--worker", nargs=2, metavar=("KIND", "BASE_URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker_main(*args.worker)

    quick = args.quick
    cold_runs = args.cold_runs or (3 if quick else 10)
    calls = args.calls or (300 if quick else 1000)
    batches = args.batches or (5 if quick else 15)
    profile_calls = args.profile_calls or (1000 if quick else 5000)
    construct_new, construct_shared = (20, 300) if quick else (100, 2000)
    if not CLIENT_PYTHON.exists() or not (OURS_DIR / "conductor").is_dir():
        sys.exit("the client virtualenv is missing: run benchmarks/setup-client.sh first")

    workdir = Path(tempfile.mkdtemp(prefix="bench-client-"))
    empty = workdir / "empty"  # the reference's PYTHONPATH
    empty.mkdir()
    server = LocalServer()
    workers: dict[str, WorkerProcess] = {}
    report = Report()
    try:
        # Start the workers first: their setup tells the versions for the first line.
        for kind, path in (("httpx", empty), ("ours", OURS_DIR), ("reference", empty)):
            workers[kind] = WorkerProcess(kind, path, server.base_url, workdir)
        setups = {kind: worker.ask("setup") for kind, worker in workers.items()}
        if not setups["ours"]["module_file"].startswith(str(OURS_DIR)) or setups["reference"]["module_file"].startswith(
            str(OURS_DIR)
        ):
            sys.exit(f"wrong conductor imported: {setups['ours']['module_file']}, {setups['reference']['module_file']}")
        print(environment({**setups["reference"]["versions"]}), flush=True)
        stale = stale_copy()
        if stale:
            print(
                f"warning: the installed copy of ours differs from generated/src/conductor ({', '.join(stale[:5])}):"
                " run benchmarks/setup-client.sh to measure the current one",
                flush=True,
            )
        for kind, setup in setups.items():
            bad = {t: c for t, c in setup["checks"].items() if c != "ok"}
            if bad:
                print(f"warning: {kind} returned something unexpected: {bad}", flush=True)

        cold(args, workdir, empty, server.base_url, cold_runs, report)
        per_call(workers, setups, calls, batches, report)
        construction(workers, construct_new, construct_shared, report)
        profile(workers, calls, batches, profile_calls, args.top, report)
    finally:
        for worker in workers.values():
            worker.close()
        server.stop()
        if args.keep:
            print(f"\nkept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.markdown:
        print("\n" + "\n".join(report.markdown))
    return 0


def cold(args: argparse.Namespace, workdir: Path, empty: Path, base_url: str, n: int, report: Report) -> None:
    src, operations = openai_client(args, workdir)
    cases: list[ColdCase] = []
    notes: list[str] = []
    if src is None:
        notes.append(f"ours (openai): {operations}")
    else:
        # Compile ahead, as pip does for an installed package (PYTHONDONTWRITEBYTECODE is set here).
        subprocess.run([str(CLIENT_PYTHON), "-m", "compileall", "-q", str(src)], check=False, stdout=subprocess.DEVNULL)
        cls = client_class(src / "open_ai")
        cases.append(ColdCase(f"ours: open_ai.{cls}", operations, src, "open_ai", cls, "models", "models.list()"))
    reference_ops = _count_reference_operations()
    reference = ColdCase(
        "conductor-py: Conductor",
        reference_ops,
        empty,
        "conductor",
        "Conductor",
        "end_users",
        'end_users.delete("end_usr_1")',
    )
    qbd = ColdCase(
        "conductor-py, qbd.invoices first",
        reference_ops,
        empty,
        "conductor",
        "Conductor",
        "qbd.invoices",
        'end_users.delete("end_usr_1")',
    )
    ours_conductor = ColdCase(
        "ours: conductor.Conductor",
        "1",
        OURS_DIR,
        "conductor",
        "Conductor",
        "end_users",
        'end_users.delete("end_usr_1")',
    )
    floor_dir = workdir / "floor"
    floor_dir.mkdir()
    (floor_dir / "floor_client.py").write_text(FLOOR_MODULE)
    floor = ColdCase(
        "floor: httpx + pydantic, one model",
        "1",
        floor_dir,
        "floor_client",
        "Floor",
        "end_users",
        'end_users.delete("end_usr_1")',
    )
    bare = ColdCase("python -c pass", "-", empty, "", "", "", "")
    cases += [reference, qbd, ours_conductor, floor, bare]
    for case in cases:  # warm-up: page cache, and a first look at errors
        run_cold(case, base_url)
        case.runs.clear()
        case.walls.clear()
    for i in range(n):
        print(f"  cold start: round {i + 1}/{n}", file=sys.stderr, flush=True)
        for case in cases[i % len(cases) :] + cases[: i % len(cases)]:  # rotate the order
            run_cold(case, base_url, i)

    rows = [
        [
            "client",
            "ops",
            "resource, call",
            "import",
            "construct",
            "1st resource",
            "1st call",
            "in-process",
            "process wall",
            "call result",
        ]
    ]
    for case in cases:
        if case.error or not case.walls:
            rows.append([case.label, case.operations, "", "", "", "", "", "", "", f"error: {case.error}"])
            continue
        wall = _ms(statistics.median(case.walls))
        if not case.module:
            rows.append([case.label, "-", "-", "-", "-", "-", "-", "-", wall, "-"])
            continue
        outcomes = sorted({run["outcome"] for run in case.runs})
        rows.append(
            [
                case.label,
                case.operations,
                f"{case.resource}, {case.call}",
                *(_ms(case.median(key)) for key in ("import", "construct", "resource", "call", "total")),
                wall,
                "/".join(outcomes),
            ]
        )
    notes.insert(
        0, f"milliseconds, median of {n} fresh interpreters each (after one warm-up run); local server {base_url}"
    )
    if cases[0].module == "open_ai" and cases[0].runs and reference.runs:
        # Paired by round (the two ran within seconds of each other), then the median of the ratios.
        ref_by_round = {run["round"]: run for run in reference.runs}
        pairs = [(run, ref_by_round[run["round"]]) for run in cases[0].runs if run["round"] in ref_by_round]
        in_process = statistics.median(ours["total"] / ref["total"] for ours, ref in pairs)
        wall = statistics.median(ours["wall"] / ref["wall"] for ours, ref in pairs)
        notes.append(
            f"ratio ours (openai) / conductor-py, median of the {len(pairs)} per-round ratios: in-process "
            f"{in_process:.2f}x, process wall {wall:.2f}x (ratio of the medians: "
            f"{cases[0].median('total') / reference.median('total'):.2f}x in-process)"
        )
        notes.append(_verdict("cold start", in_process, TARGET_COLD, "conductor-py's in-process time"))
        if floor.runs:
            floor_by_round = {run["round"]: run for run in floor.runs}
            floor_ratio = statistics.median(
                floor_by_round[ref["round"]]["total"] / ref["total"]
                for _, ref in pairs
                if ref["round"] in floor_by_round
            )
            over_floor = statistics.median(
                ours["total"] / floor_by_round[ours["round"]]["total"]
                for ours, _ in pairs
                if ours["round"] in floor_by_round
            )
            notes.append(
                f"floor (httpx + pydantic, one model, one call) / conductor-py: {floor_ratio:.2f}x; "
                f"ours (openai) / floor: {over_floor:.2f}x (medians of the per-round ratios)"
            )
            if floor_ratio > TARGET_COLD:
                notes.append(
                    f"the target ({TARGET_COLD}x) is below the floor: no client built on httpx and pydantic "
                    "can reach it on this machine"
                )
    report.section("1. Cold start: import, construct, first resource, first call", rows, notes)

    # Where the import time goes.
    rows = [["client", "own package", "pydantic", "httpx", "other (stdlib, ...)", "total", "modules"]]
    for case in cases:
        if not case.module or case.error or case in (qbd, floor):
            continue
        groups = import_breakdown(case)
        rows.append(
            [case.label]
            + [f"{groups.get(key, 0.0):.1f}" for key in ("own package", "pydantic", "httpx", "other", "total")]
            + [str(int(groups["modules"]))]
        )
    report.section(
        "1b. Import time by package (self ms from one `python -X importtime -c 'import PKG'`)",
        rows,
        [
            (
                "-X importtime adds its own overhead, so totals exceed the import column above; "
                "'httpx' includes httpcore, h11, anyio, sniffio, idna, certifi; 'pydantic' includes pydantic-core"
            ),
            "resources are imported lazily on first access by both SDKs, so they are not in these numbers",
        ],
    )


def _timed_batches(
    workers: dict[str, WorkerProcess], transports: tuple[str, ...], calls: int, batches: int
) -> dict[tuple[str, str], list[float]]:
    """Per-call microseconds of every batch, interleaving the clients batch by batch."""
    kinds = list(workers)
    for kind in kinds:  # warm-up: connections, adapters, caches
        for transport in transports:
            workers[kind].ask("calls", transport=transport, n=max(200, calls // 4))
    times: dict[tuple[str, str], list[float]] = {(k, t): [] for k in kinds for t in transports}
    for b in range(batches):
        print(f"  per call: batch {b + 1}/{batches}", file=sys.stderr, flush=True)
        for kind in kinds[b % len(kinds) :] + kinds[: b % len(kinds)]:
            for transport in transports:
                seconds = workers[kind].ask("calls", transport=transport, n=calls)["seconds"]
                times[(kind, transport)].append(seconds / calls * 1e6)
    return times


def _spread(values: list[float]) -> str:
    return f"±{(max(values) - min(values)) / 2 / statistics.median(values) * 100:.0f}%"


def per_call(
    workers: dict[str, WorkerProcess], setups: dict[str, dict[str, Any]], calls: int, batches: int, report: Report
) -> None:
    transports = ("loopback", "memory")
    times = _timed_batches(workers, transports, calls, batches)
    median = {key: statistics.median(values) for key, values in times.items()}

    def ratio(kind: str, transport: str, to: str = "httpx") -> float:
        """Median over the rounds of this round's ratio (the batches of one round ran back to back)."""
        pairs = zip(times[(kind, transport)], times[(to, transport)], strict=True)
        return float(statistics.median(a / b for a, b in pairs))

    labels = {"httpx": "plain httpx", "ours": "ours (conductor)", "reference": "conductor-py"}
    rows = [
        ["client", "loopback µs/call", "spread", "x httpx", "in-memory µs/call", "spread", "x httpx", "headers sent"]
    ]
    for kind, label in labels.items():
        row = [label]
        for transport in transports:
            value = median[(kind, transport)]
            row += [f"{value:.1f}", _spread(times[(kind, transport)]), f"{ratio(kind, transport):.2f}"]
        rows.append(row + [str(len(setups[kind]["headers"]))])
    ours_loop, ours_mem = ratio("ours", "loopback"), ratio("ours", "memory")
    ref_loop, ref_mem = ratio("reference", "loopback"), ratio("reference", "memory")
    extra = sorted(set(setups["reference"]["headers"]) - set(setups["ours"]["headers"]))
    notes = [
        (
            f"µs: median of {batches} batches of {calls} calls each after a warm-up, the clients taking turns batch "
            "by batch; spread: half the min-max range over the median; x httpx: median of the per-round ratios"
        ),
        (
            "plain httpx: a shared httpx.Client, client.delete(url, headers=...) with our headers, "
            "raise_for_status(), .json(); in memory every client gets httpx.Client(transport=httpx.MockTransport(...))"
        ),
        f"headers conductor-py sends that ours does not: {', '.join(extra) or 'none'}",
        (
            f"ours / conductor-py: loopback {ratio('ours', 'loopback', 'reference'):.2f}x, "
            f"in memory {ratio('ours', 'memory', 'reference'):.2f}x "
            f"(conductor-py is {ref_loop:.2f}x / {ref_mem:.2f}x httpx)"
        ),
        (
            "ratios of the fastest batches (the least disturbed by other load), ours / conductor-py to httpx: "
            + ", ".join(
                f"{transport} {min(times[('ours', transport)]) / min(times[('httpx', transport)]):.2f}x / "
                f"{min(times[('reference', transport)]) / min(times[('httpx', transport)]):.2f}x"
                for transport in transports
            )
        ),
        _verdict("loopback", ours_loop, TARGET_LOOPBACK, "plain httpx"),
        _verdict("in memory", ours_mem, TARGET_MEMORY, "plain httpx"),
    ]
    report.section("2. Per-call overhead: end_users.delete('end_usr_1')", rows, notes)


def construction(workers: dict[str, WorkerProcess], new: int, shared: int, report: Report) -> None:
    results: dict[tuple[str, bool], list[float]] = {(k, s): [] for k in workers for s in (False, True)}
    kinds = list(workers)
    for b in range(4):  # the first round is a warm-up
        print(f"  construction: round {b + 1}/4", file=sys.stderr, flush=True)
        for kind in kinds[b % len(kinds) :] + kinds[: b % len(kinds)]:
            for is_shared, n in ((False, new), (True, shared)):
                seconds = workers[kind].ask("construct", shared=is_shared, n=n)["seconds"]
                if seconds is not None and b:
                    results[(kind, is_shared)].append(seconds / n * 1e6)
    median = {key: statistics.median(values) for key, values in results.items() if values}
    rows = [["client", "new httpx.Client each µs", "shared http_client µs"]]
    for kind, label in (
        ("httpx", "httpx.Client() alone"),
        ("ours", "ours: Conductor(...)"),
        ("reference", "conductor-py: Conductor(...)"),
    ):
        rows.append([label] + [f"{median[(kind, s)]:.1f}" if (kind, s) in median else "-" for s in (False, True)])
    notes = [
        (
            f"median of 3 rounds of {new} (new client) and {shared} (shared) constructions, after a warm-up round; "
            "each client is dropped at once, so its cleanup counts too"
        ),
        (
            f"ours / conductor-py: {median[('ours', False)] / median[('reference', False)]:.2f}x with a new http client, "
            f"{median[('ours', True)] / median[('reference', True)]:.2f}x with a shared one"
        ),
    ]
    report.section("3. Client construction: Conductor(api_key='x', base_url=...)", rows, notes)


def profile(workers: dict[str, WorkerProcess], calls: int, batches: int, n: int, top: int, report: Report) -> None:
    # Without a profiler: every client's in-memory call split at the transport, interleaved by batch.
    kinds = list(workers)
    splits: dict[str, list[dict[str, float]]] = {kind: [] for kind in kinds}
    for b in range(batches):
        print(f"  split at the transport: batch {b + 1}/{batches}", file=sys.stderr, flush=True)
        for kind in kinds[b % len(kinds) :] + kinds[: b % len(kinds)]:
            splits[kind].append(workers[kind].ask("split", n=calls))
    part = {
        kind: {key: statistics.median(run[key] for run in runs) for key in ("before", "inside", "after")}
        for kind, runs in splits.items()
    }
    validate = statistics.median(workers["ours"].ask("validate", n=calls)["us"] for _ in range(batches))
    labels = {"httpx": "plain httpx", "ours": "ours (conductor)", "reference": "conductor-py"}
    rows = [["client", "before the transport µs", "in the transport µs", "after it µs", "total µs"]]
    for kind, label in labels.items():
        p = part[kind]
        rows.append([label, *(f"{p[key]:.1f}" for key in ("before", "inside", "after")), f"{sum(p.values()):.1f}"])
    ours, plain = part["ours"], part["httpx"]
    notes = [
        (
            f"in memory, medians of {batches} batches of {calls} calls, timed with perf_counter() around the call and "
            "inside the MockTransport handler (no profiler); 'before' is building and sending the request down to "
            "the transport, 'after' is everything from the transport's response to the returned value"
        ),
        (
            f"ours over plain httpx: {ours['before'] - plain['before']:+.1f} µs before the transport, "
            f"{ours['after'] - plain['after']:+.1f} µs after it; strict pydantic validation of this body "
            f"(TypeAdapter.validate_json, alone) is {validate:.1f} µs of ours' 'after' (plain httpx does json.loads instead)"
        ),
    ]
    report.section("4. Where the per-call time goes, without a profiler (in memory)", rows, notes)

    result = workers["ours"].ask("profile", n=n, top=top)
    total = sum(part["ours"].values())
    rows = [["function (by self time)", "package", "calls/call", "self µs", "self %", "cum µs"]]
    for row in result["by_self"]:
        rows.append(
            [
                row["function"],
                row["package"],
                f"{row['calls']:g}",
                f"{row['self_us']:.1f}",
                f"{row['self_us'] / result['total_us']:.1%}",
                f"{row['cum_us']:.1f}",
            ]
        )
    notes = [
        (
            f"ours, cProfile over {n} in-memory calls after warm-up: {result['total_us']:.0f} µs/call under the profiler "
            f"against {total:.0f} µs without it ({result['total_us'] / total:.1f}x); read the shares rather than the "
            "times: the profiler's cost per function call inflates code that makes many small calls"
        )
    ]
    report.section("4b. cProfile of ours: top functions by self time, per call", rows, notes)

    rows = [["package", "self µs/call", "share"]]
    for package, value in sorted(result["by_package"].items(), key=lambda kv: -kv[1]):
        rows.append([package, f"{value:.1f}", f"{value / result['total_us']:.1%}"])
    report.section(
        "4c. cProfile of ours: self time by package",
        rows,
        [
            (
                "conductor is our generated runtime; httpx includes httpcore and h11; pydantic includes pydantic-core's "
                "validators (C); builtins are other C functions (dict, str, isinstance, ...); harness is this script's "
                "MockTransport handler, which every client pays alike"
            )
        ],
    )

    rows = [["our function (by cumulative time)", "calls/call", "cum µs", "cum %", "self µs"]]
    for row in result["own_by_cum"]:
        rows.append(
            [
                row["function"],
                f"{row['calls']:g}",
                f"{row['cum_us']:.1f}",
                f"{row['cum_us'] / result['total_us']:.1%}",
                f"{row['self_us']:.1f}",
            ]
        )
    report.section("4d. cProfile of ours: our generated code by cumulative time, per call", rows, [])

    rows = [["our function", "calls into", "package", "calls/call", "cum µs", "cum %"]]
    for row in result["boundary"]:
        rows.append(
            [
                row["caller"],
                row["callee"],
                row["package"],
                f"{row['calls']:g}",
                f"{row['cum_us']:.1f}",
                f"{row['cum_us'] / result['total_us']:.1%}",
            ]
        )
    report.section(
        "4e. cProfile of ours: calls from our code into dependencies, by cumulative time",
        rows,
        [
            (
                "each row is one call edge from the generated runtime into httpx, pydantic or the stdlib, with "
                "everything beneath it: what each dependency call made by our code costs"
            )
        ],
    )


if __name__ == "__main__":
    sys.exit(main())
