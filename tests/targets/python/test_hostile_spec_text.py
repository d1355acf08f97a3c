"""Hostile names and text in a spec become inert, valid, deterministic Python."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from generator import pipeline
from tests.conftest import CHECKERS, LocalServer, Reply, run_checker

PAYLOAD = "__import__('os')._exit(3)"
HOSTILE_SPEC = textwrap.dedent(
    '''\
    openapi: 3.1.0
    info:
      title: 'Evil """ API \\ {{ x }}'
      version: "1"
      description: "ends \\"\\"\\" here\\n%(payload)s\\n# {%% raw %%}"
    servers:
      - url: "http://localhost/\\"; %(payload)s; #"
    paths:
      /close/{class}:
        post:
          summary: "Ends \\"\\"\\" here'; %(payload)s"
          description: "line1\\n\\"\\"\\"\\n%(payload)s\\n\\\\"
          parameters:
            - {name: class, in: path, required: true, schema: {type: string}}
            - {name: from, in: query, schema: {type: integer}, description: "\\u202e\\u0000 rlo and nul"}
            - {name: extra_headers, in: query, schema: {type: string}}
            - {name: "X-Trace'Id", in: header, schema: {type: string}}
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  required: [self]
                  properties:
                    self: {type: string}
                    objectType: {type: string, enum: ["a\\"b", "c'd", "{{x}}", "\\"\\"\\""]}
                    object_type: {type: string}
                    "2fa": {type: boolean}
                    timeout: {type: number}
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      json: {type: string, description: '"""'}
                      model_config: {type: string}
                      str: {type: string}
                      def: {type: integer}
                      "\\")%(payload)s#": {type: string, const: "\\"); %(payload)s #"}
    '''
) % {"payload": PAYLOAD}


@pytest.fixture(scope="module")
def hostile_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    spec = root / "evil.yaml"
    spec.write_text(HOSTILE_SPEC, encoding="utf-8")
    pipeline.generate(pipeline.Options(spec=spec, output=root / "out"))
    return root / "out"


def test_hostile_spec_generates_code_that_imports_without_running_anything(hostile_project: Path) -> None:
    package = next((hostile_project / "src").iterdir()).name
    program = f"import {package}, {package}.types, {package}.resources.close_, {package}.types.close_update_response\nprint('imported')"
    done = subprocess.run([sys.executable, "-c", program], cwd=hostile_project / "src", capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr  # the payload would exit with 3
    assert done.stdout == "imported\n"


def test_hostile_names_become_readable_identifiers(hostile_project: Path) -> None:
    package = next((hostile_project / "src").iterdir())
    resource = (package / "resources" / "close_.py").read_text()
    assert "class_: str" in resource and "from_: int | NotGiven" in resource
    assert "extra_headers_: str | NotGiven" in resource  # the SDK's own keyword keeps its meaning
    assert "self_: str,\n" in resource and "n_2fa: bool | NotGiven" in resource  # required by the body schema
    assert "timeout_: float | NotGiven" in resource
    assert "object_type:" in resource and "body_object_type:" in resource
    client = (package / "_client.py").read_text()
    assert "def close_(self)" in client  # a `/close` resource does not hide client.close()


def test_hostile_client_round_trip(hostile_project: Path, server: LocalServer) -> None:
    src = str(hostile_project / "src")
    sys.path.insert(0, src)
    try:
        package = next(Path(src).iterdir()).name
        module = __import__(package)
        server.reply(Reply(200, {"json": "j", "model_config": "m", "str": "s", "def": 1, '")' + PAYLOAD + "#": '"); ' + PAYLOAD + " #"}))
        client = getattr(module, next(n for n in module.__all__ if n.startswith("Evil")))(base_url=server.url)
        result = client.close_.update(
            "a/b", self_="me", from_=1, extra_headers_="q", x_trace_id="t", object_type='a"b', n_2fa=True, timeout_=1.5
        )
        client.close()
    finally:
        sys.path.remove(src)
    request = server.received[0]
    assert request.path == "/v1/close/a%2Fb?from=1&extra_headers=q"
    assert request.headers["X-Trace'Id"] == "t"
    assert json.loads(request.body) == {"self": "me", "objectType": 'a"b', "2fa": True, "timeout": 1.5}
    assert (result.json_, result.model_config_, result.str_, result.def_) == ("j", "m", "s", 1)


def test_generation_is_byte_identical(tmp_path: Path, hostile_project: Path) -> None:
    spec = tmp_path / "evil.yaml"
    spec.write_text(HOSTILE_SPEC, encoding="utf-8")
    again = pipeline.build(pipeline.Options(spec=spec, output=tmp_path / "out"))
    for path, text in again.files.items():
        assert (hostile_project / path).read_text(encoding="utf-8") == text, path


@pytest.mark.parametrize("checker", sorted(CHECKERS))
def test_hostile_output_passes(hostile_project: Path, checker: str) -> None:
    done = run_checker(checker, hostile_project)
    assert done.returncode == 0, done.stdout + done.stderr
