"""The corpus harness itself (tests/support/corpus/): values it builds, and how it goes on when Prism crashes.

A stand-in for Prism (a small Python server, through the harness's `PRISM` override) makes the crash
deterministic and keeps this file fast; it does not need Prism installed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.support.corpus import harness
from tests.support.corpus.specdoc import Node, SpecDocs
from tests.support.corpus.values import ValueBuilder
from tests.support.documents import spec_document

ONE_OF_SPEC = spec_document(
    {
        "paths": {},
        "components": {
            "schemas": {
                "Free": {"type": "object"},
                "Closed": {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": False},
                "Either": {"oneOf": [{"$ref": "#/components/schemas/Free"}, {"$ref": "#/components/schemas/Closed"}]},
                "EitherOrNull": {
                    "oneOf": [
                        {"$ref": "#/components/schemas/Closed"},
                        {"$ref": "#/components/schemas/Closed"},
                        {"type": "null"},
                    ]
                },
            }
        },
    },
    title="t",
    server=None,
)


def test_one_of_value_matches_exactly_one_member(tmp_path: Path) -> None:
    # `{}` is valid under both members, which a oneOf refuses
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(ONE_OF_SPEC))
    docs = SpecDocs(spec)
    values = ValueBuilder(docs)
    for name in ("Either", "EitherOrNull"):
        node = Node({"$ref": f"#/components/schemas/{name}"}, spec, "")
        value = values.for_schema(node)
        assert values.errors(value, node) == [], (name, value)
    assert values.for_schema(Node({"$ref": "#/components/schemas/EitherOrNull"}, spec, "")) is None


FAKE_PRISM = """\
import http.server, sys
port = int(sys.argv[sys.argv.index("-p") + 1])

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith("/crash"):
            print("TypeError: invalid media type", flush=True)
            sys.stdout.flush()
            import os
            os._exit(1)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass

server = http.server.HTTPServer(("127.0.0.1", port), Handler)
print("Prism is listening", flush=True)
server.serve_forever()
"""

CRASH_SPEC = spec_document(
    {
        "paths": {
            path: {
                "get": {
                    "operationId": name,
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}
                    },
                }
            }
            for path, name in (("/before", "before"), ("/crash", "crash"), ("/after", "after"), ("/last", "last"))
        },
    },
    title="Crashy",
    server=None,
)


def test_calls_go_on_against_a_fresh_prism_after_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "prism"
    fake.write_text(f"#!{sys.executable}\n{FAKE_PRISM}")
    fake.chmod(0o755)
    monkeypatch.setenv("PRISM", str(fake))
    spec = tmp_path / "crashy.json"
    spec.write_text(json.dumps(CRASH_SPEC))
    entry = harness.Entry("crashy", spec, "3.1.0", spec.stat().st_size, 4)
    result = harness.run_entry(entry, work=tmp_path)
    outcomes = {key: op.outcome for key, op in result.operations.items()}
    assert outcomes == {
        "GET /before": "accepted_parsed",
        "GET /crash": "server_error",
        "GET /after": "accepted_parsed",
        "GET /last": "accepted_parsed",
    }
    crashed = result.operations["GET /crash"]
    assert "Prism crashed answering this request (Prism exited: TypeError: invalid media type)" in (
        crashed.detail or ""
    )
    assert "RemoteProtocolError" in (crashed.detail or "")  # what the client saw, from the error's cause


def test_values_are_keyed_as_users_write_them() -> None:
    """The harness sends snake_case keys, as users do, so the corpus run checks the client's renaming."""
    types = {
        "CustomerParam": {"fullName": ("full_name", "str"), "address": ("address", "AddressParam")},
        "AddressParam": {"postalCode": ("postal_code", "str")},
    }
    value = {"fullName": "Ann", "address": {"postalCode": "1"}, "extra": {"postalCode": "2"}}
    assert harness.python_keys(value, "CustomerParam", types) == {
        "full_name": "Ann", "address": {"postal_code": "1"}, "extra": {"postalCode": "2"},
    }  # fmt: skip
    assert harness.python_keys([{"postalCode": "1"}], "List[AddressParam]", types) == [{"postal_code": "1"}]
    by_key = {"north": {"postalCode": "1"}}
    assert harness.python_keys(by_key, "Mapping[str, AddressParam]", types) == {"north": {"postal_code": "1"}}
    assert harness.python_keys({"postalCode": "1"}, "Mapping[str, object]", types) == {"postalCode": "1"}
