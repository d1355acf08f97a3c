"""Property-based: random valid OpenAPI documents built from hostile names and text (tests/support/hostile_specs.py).

For every document, through the public command line:
- `generate` succeeds, or fails with exit code 2 and one-line messages (never a traceback);
- a second generation into another folder is byte-identical;
- the output compiles and every module imports in a fresh interpreter without running a payload;
- one random operation, called with its required arguments, reaches a local server with the expected
  method and path, and its reply parses.

CI runs the `ci` hypothesis profile (bounded, derandomized); `scripts/fuzz.sh` runs the `long` one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from hypothesis import HealthCheck, event, given, reject, settings
from hypothesis.control import currently_in_test_context

from generator.config import load_config
from generator.model.build import build_api
from generator.model.ir import Api, Operation, Parameter
from generator.spec.load import load_spec
from generator.targets.python.naming import PYTHON_NAMING
from tests.conftest import LocalServer, Reply, not_black_formatted
from tests.support.hostile_specs import Drawn, Extended, Unsatisfiable, documents, extended_documents, sample

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
PATH_VALUE = "a b/ü"  # percent-encoded by the client; the server must see it inside one segment
INT_VALUE = 7
GENERATE_TIMEOUT = float(os.environ.get("FUZZ_GENERATE_TIMEOUT", "600"))  # a hang is a failure, not a stuck CI job

# Runs in a fresh interpreter with the generated `src` on sys.path: compile everything, read
# pyproject.toml, import every module (a payload would exit with 3), then make one call and print what came back.
CALLER = textwrap.dedent(
    """\
    import compileall, importlib, json, pkgutil, sys, tomllib
    src, plan_file = sys.argv[1], sys.argv[2]
    assert compileall.compile_dir(src, quiet=1, legacy=False), "compileall failed"
    tomllib.load(open(src + "/../pyproject.toml", "rb"))  # pip must be able to read it
    sys.path.insert(0, src)
    plan = json.load(open(plan_file, encoding="utf-8"))
    package = importlib.import_module(plan["package"])
    for module in pkgutil.walk_packages(package.__path__, plan["package"] + "."):
        importlib.import_module(module.name)
    client = getattr(package, plan["client"])(base_url=plan["url"], max_retries=0)
    target = client
    for attribute in plan["resource"]:
        target = getattr(target, attribute)
    result = getattr(target, plan["method"])(*plan["args"], **plan["kwargs"])
    client.close()
    print("ROUND TRIP OK", type(result).__name__)
    """
)


@pytest.fixture(scope="module")
def local_server() -> Iterator[LocalServer]:
    """One server for every example (a function-scoped fixture would be shared across examples anyway)."""
    server = LocalServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def generate_twice(spec: Path, outs: tuple[Path, Path]) -> list[subprocess.CompletedProcess[str]]:
    """Two independent `generate` runs at once (two cores), each into its own folder."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "generator", "generate", str(spec), "-o", str(out)],
            cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for out in outs
    ]
    results = []
    for process, out in zip(processes, outs):
        stdout, stderr = process.communicate(timeout=GENERATE_TIMEOUT)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr))
    return results


def assert_clean_failure(done: subprocess.CompletedProcess[str]) -> None:
    """Exit 2 with one readable line per problem: `error: file at /pointer: message`, no traceback."""
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    errors = [line for line in lines if line.startswith("error: ")]
    assert errors, done.stderr
    assert all(line.startswith(("error: ", "warning: ", "timing: ")) or line.endswith(("errors", "warnings")) for line in lines)


def find_operation(api: Api, path: str, method: str) -> Operation:
    return next(op for op in api.operations if op.path == path and op.http_method == method.upper())


def argument(param_schema: Any, location: str, document: dict[str, Any]) -> Any:
    if location == "path":
        return INT_VALUE if isinstance(param_schema, dict) and param_schema.get("type") == "integer" else PATH_VALUE
    return sample(param_schema, document)


def written(param: Parameter) -> Any:
    """The parameter's schema as the fuzzed document writes it: what `sample` reads, `$ref`s into `document`."""
    return param.schema.written if param.schema is not None else None


def plan_call(api: Api, op: Operation, document: dict[str, Any], url: str) -> dict[str, Any]:
    args = [argument(written(p), "path", document) for p in op.positional]
    kwargs = {p.name: argument(written(p), p.location, document) for p in op.keyword if p.required}
    return {"package": api.package, "client": api.client_name, "url": url, "resource": list(op.resource_path),
            "method": op.name, "args": args, "kwargs": kwargs}  # fmt: skip


def reply_for(document: dict[str, Any], path: str, method: str) -> Reply:
    (status, response), *_ = document["paths"][path][method]["responses"].items()
    content = response.get("content")
    body = sample(content["application/json"]["schema"], document) if content else None
    return Reply(int(status), body, {"x-request-id": "req_fuzz"})


def expected_path(op: Operation, plan: dict[str, Any]) -> str:
    path = op.path
    values = dict(zip((p.name for p in op.positional), plan["args"], strict=True)) | plan["kwargs"]
    for param in op.located("path"):  # the last path parameter is positional, the others keywords
        path = path.replace("{" + param.wire_name + "}", str(values[param.name]))
    return "/v1" + path


def note_event(text: str) -> None:
    if currently_in_test_context():  # the regression tests call check_document outside hypothesis
        event(text)


def check_document(drawn: Drawn, server: LocalServer) -> None:
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        root = Path(tmp)
        spec = root / f"spec.{drawn.fmt}"
        spec.write_text(drawn.dump(), encoding="utf-8", errors="surrogatepass")
        if os.environ.get("FUZZ_KEEP"):  # keep every drawn spec, to study a slow or failing one
            keep = Path(os.environ["FUZZ_KEEP"])
            keep.mkdir(parents=True, exist_ok=True)
            (keep / f"{len(list(keep.iterdir())):04d}.{drawn.fmt}").write_text(drawn.dump(), encoding="utf-8", errors="surrogatepass")
        first, second = generate_twice(spec, (root / "out", root / "again"))
        assert first.returncode in (0, 2), first.stderr
        assert second.returncode == first.returncode, second.stderr
        note_event(f"generate exit code {first.returncode}")  # shown by --hypothesis-show-statistics
        if first.returncode == 2:
            assert_clean_failure(first)
            assert not (root / "out").exists()
            return
        assert snapshot(root / "out") == snapshot(root / "again")
        assert not_black_formatted(root / "out") == []  # every file is exactly what black makes of it

        api = build_api(load_spec(spec), load_config(None), PYTHON_NAMING)
        path, method = drawn.call
        op = find_operation(api, path, method)
        try:
            plan = plan_call(api, op, drawn.document, server.url)
            reply = reply_for(drawn.document, path, method)
        except Unsatisfiable:
            note_event("no finite value for a required argument or the reply")
            reject()
        server.received.clear()
        server.reply(reply)
        plan_file = root / "plan.json"
        plan_file.write_text(json.dumps(plan), encoding="utf-8")
        done = subprocess.run([sys.executable, "-c", CALLER, str(root / "out" / "src"), str(plan_file)],
                              capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
        while not server.replies.empty():  # never leave a reply for the next example
            server.replies.get_nowait()
        assert done.returncode == 0, f"exit {done.returncode}\n{done.stderr[-3000:]}"
        assert done.stdout.startswith("ROUND TRIP OK"), done.stdout

        (request,) = server.received
        assert request.method == method.upper()
        url = urlsplit(request.path)
        assert unquote(url.path) == expected_path(op, plan)
        assert url.path.count("/") == ("/v1" + op.path).count("/")  # a path value never adds a segment
        query = parse_qs(url.query, keep_blank_values=True)
        for param in op.located("query"):
            value = plan["kwargs"].get(param.name)
            if param.required and isinstance(value, (str, int, float)):
                assert param.wire_name in query, (param.wire_name, url.query)
        for param in op.located("header"):
            if param.required:
                assert param.wire_name.lower() in {h.lower() for h in request.headers}
        if op.body is not None and op.body.flattened:
            sent = json.loads(request.body) if request.body else {}
            for param in op.located("body"):
                if param.required:
                    assert param.wire_name in sent, (param.wire_name, sent)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
@given(drawn=documents())
def test_random_hostile_documents(drawn: Drawn, local_server: LocalServer) -> None:
    check_document(drawn, local_server)


IMPORT_ALL = textwrap.dedent(
    """\
    import compileall, importlib, pkgutil, sys
    src, package = sys.argv[1], sys.argv[2]
    assert compileall.compile_dir(src, quiet=1, legacy=False), "compileall failed"
    sys.path.insert(0, src)
    root = importlib.import_module(package)
    for module in pkgutil.walk_packages(root.__path__, package + "."):
        importlib.import_module(module.name)
    print("IMPORT OK")
    """
)


def check_extended(extended: Extended) -> None:
    """Generate twice: the exit code expected (a cycle: 2, naming it), byte-identical output that imports."""
    drawn = extended.drawn
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        root = Path(tmp)
        spec = root / f"spec.{drawn.fmt}"
        spec.write_text(drawn.dump(), encoding="utf-8", errors="surrogatepass")
        for name, content in extended.files.items():
            (root / name).write_text(content, encoding="utf-8", errors="surrogatepass")
        first, second = generate_twice(spec, (root / "out", root / "again"))
        note_event(f"extended: generate exit code {first.returncode}")
        assert second.returncode == first.returncode, second.stderr
        if extended.expect is not None:
            assert first.returncode == extended.expect, first.stderr
        assert first.returncode in (0, 2), first.stderr
        if first.returncode == 2:
            assert_clean_failure(first)
            if extended.message is not None and extended.message not in first.stderr:
                assert extended.modelled and "cycle" not in first.stderr, first.stderr  # the spec's other errors came first
            assert not (root / "out").exists()
            return
        assert snapshot(root / "out") == snapshot(root / "again")
        package = build_api(load_spec(spec), load_config(None), PYTHON_NAMING).package
        done = subprocess.run([sys.executable, "-c", IMPORT_ALL, str(root / "out" / "src"), package],
                              capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
        assert done.stdout.startswith("IMPORT OK"), done.stderr[-3000:]


# A quarter of the profile's examples (CI: 7): each costs two generations.
@settings(max_examples=max(4, settings.default.max_examples // 4),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])  # fmt: skip
@given(extended=extended_documents())
def test_random_documents_with_security_bodies_hooks_files_and_cycles(extended: Extended) -> None:
    check_extended(extended)
