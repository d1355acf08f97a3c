"""The document-level nodes (info, licence, servers, security schemes) that the model's package names,
base URL and credentials are read from."""

from __future__ import annotations

from pathlib import Path

from generator.spec.build import build_document
from generator.spec.load import load_spec
from generator.spec.nodes import Document


def document(tmp_path: Path, text: str) -> Document:
    entry = tmp_path / "openapi.yaml"
    entry.write_text(text, encoding="utf-8")
    return build_document(load_spec(entry))


def test_info_license_and_server_variables_are_typed(tmp_path: Path) -> None:
    doc = document(
        tmp_path,
        """\
openapi: 3.1.0
info:
  title: Shop API
  version: 2
  license: {name: MIT, identifier: MIT}
servers:
  - url: https://{region}.example.com:{port}/v1
    variables:
      region: {default: eu, description: where}
      port: {default: 8443}
paths: {}
""",
    )
    assert (doc.info.title, doc.info.version, doc.info.description) == ("Shop API", "2", None)
    assert doc.info.license is not None
    assert (doc.info.license.name, doc.info.license.identifier, doc.info.license.url) == ("MIT", "MIT", None)
    assert str(doc.info.license.location).endswith("#/info/license")
    (server,) = doc.servers
    assert server.url == "https://{region}.example.com:{port}/v1"
    assert {name: v.default for name, v in server.variables.items()} == {"region": "eu", "port": "8443"}
    assert server.variables["region"].description == "where"
    assert str(server.location).endswith("#/servers/0")


def test_an_unwritten_version_is_empty_and_every_scope_is_kept(tmp_path: Path) -> None:
    doc = document(
        tmp_path,
        """\
openapi: 3.1.0
info: {title: T}
paths: {}
components:
  securitySchemes:
    oauth:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: https://auth.example.com/token
          scopes: {read: Read things, write: null}
""",
    )
    assert doc.info.version == "" and doc.info.license is None
    (flow,) = doc.components.security_schemes["oauth"].flows
    assert (flow.kind, flow.token_url) == ("clientCredentials", "https://auth.example.com/token")
    assert dict(flow.scopes) == {"read": "Read things", "write": ""}
