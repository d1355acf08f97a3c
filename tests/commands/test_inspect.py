"""`inspect` prints any spec it accepts, a lone surrogate in its text included (standard output is UTF-8)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "Pets \ud800", "version": "1"},
    "paths": {
        "/pets\udfff": {
            "get": {
                "operationId": "listPets",
                "description": "Lists \udc80 pets.",
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}}},
            }
        }
    },
}


def _inspect(spec: Path, *flags: str) -> subprocess.CompletedProcess[bytes]:
    command = [sys.executable, "-m", "generator", "inspect", str(spec), *flags]
    return subprocess.run(command, cwd=ROOT, capture_output=True, timeout=120, check=False)


def test_lone_surrogates_are_printed_as_escapes(tmp_path: Path) -> None:
    spec = tmp_path / "pets.json"
    spec.write_text(json.dumps(SPEC), encoding="ascii")  # json.dumps writes each surrogate as an escape
    as_json = _inspect(spec, "--json")
    assert as_json.returncode == 0, as_json.stderr.decode()
    document = json.loads(as_json.stdout.decode("utf-8"))  # strict UTF-8: no raw surrogate bytes
    assert document["title"] == "Pets \ud800"
    assert document["operations"][0]["path"] == "/pets\udfff"
    as_text = _inspect(spec)
    assert as_text.returncode == 0, as_text.stderr.decode()
    assert "Pets \\ud800 -> package" in as_text.stdout.decode("utf-8")
    assert "[GET /pets\\udfff]" in as_text.stdout.decode("utf-8")
