"""The package-level settings `build_api` reads from the typed document: base URL, licence, request-id header
and credentials."""

from __future__ import annotations

from pathlib import Path

from generator.config import Config
from generator.model.build import build_api
from generator.model.ir import Api
from generator.spec.load import load_spec
from generator.targets.python.naming import PYTHON_NAMING


def _api(tmp_path: Path, body: str) -> Api:
    entry = tmp_path / "openapi.yaml"
    entry.write_text(body, encoding="utf-8")
    return build_api(load_spec(entry), Config(), PYTHON_NAMING)


_SPEC = """\
openapi: 3.1.0
info:
  title: Shop API
  version: '2'
  license: {name: "  Apache  2.0 ", url: https://www.apache.org/licenses/LICENSE-2.0}
servers:
  - url: https://{region}.example.com/v1/
    variables: {region: {default: eu}}
security: [{token: []}]
paths:
  /orders:
    post:
      operationId: createOrder
      responses:
        '201': {$ref: '#/components/responses/Created'}
    get:
      operationId: listOrders
      security: [{basic: []}, {}]
      responses:
        '200':
          description: ok
          headers: {Shop-Request-Id: {schema: {type: string}}}
components:
  responses:
    Created:
      description: created
      headers: {X-Request-Id: {schema: {type: string}}}
  securitySchemes:
    token: {type: http, scheme: bearer}
    basic: {type: http, scheme: basic}
    unused: {type: apiKey, in: header, name: X-Unused}
"""


def test_settings_come_from_the_document(tmp_path: Path) -> None:
    api = _api(tmp_path, _SPEC)
    assert (api.title, api.api_version, api.package, api.client_name) == ("Shop API", "2", "shop", "Shop")
    assert api.base_url == "https://eu.example.com/v1"
    assert api.license is not None and (api.license.name, api.license.identifier) == ("Apache 2.0", None)
    # only a header written in place names it: the referenced response's `X-Request-Id` is not read
    assert api.request_id_header == "Shop-Request-Id"
    keywords = {c.name: (c.scheme, c.kind, c.required) for c in api.credentials}
    assert keywords == {
        "api_key": ("token", "bearer", True),
        "basic_username": ("basic", "basic", False),
        "basic_password": ("basic", "basic_password", False),
    }
