"""Action methods, method groups and the published SDK's calling convention, for any API shaped like Conductor's.

- An action on an item is a method of its collection: `POST /invoices/{id}/void` is `invoices.void(id)`, and
  `POST /end-users/{id}/passthrough/{integrationSlug}` is `end_users.passthrough(integration_slug, *, id)`.
- A method group: fixed GETs under one segment are methods of one resource (`reports.aging()`).
- With several path parameters the last is positional and the others keyword-only.
- A whole body's argument takes its name from `body_names`; examples honour `minProperties`.

The end-to-end part generates one client (per module) of a small Conductor-shaped spec and runs, against a
threaded server on 127.0.0.1, tests written as the published SDK's own suite writes them: per method a plain
call, one with every parameter, a raw response, a streaming response and the empty-path-parameter check, sync
and async (over httpx and over aiohttp), with strict and lax response validation.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from generator.cli import main
from generator.config import Config
from generator.model.build import build_api
from generator.spec.load import load_spec
from generator.targets.python.naming import PYTHON_NAMING
from tests.conftest import Generated, GeneratePackage
from tests.support.corpus import prism
from tests.support.documents import shared_spec, write_spec
from tests.support.http_server import Answer, Received, RecordingServer

SPEC = shared_spec("conductor_action_methods.yaml")

CONFIG = """\
package_name: conductor
client_name: Conductor
async_client_name: AsyncConductor
resource_names: {quickbooks-desktop: qbd}
body_names: {"POST /end-users/{id}/passthrough/{integrationSlug}": qbd_payload}
"""

# What the server answers, by method and path (after the `/v1` base path).
ANSWERS: list[tuple[str, str, object]] = [
    ("DELETE", r"/end-users/[^/]+", {"id": "end_usr_1", "objectType": "end_user", "deleted": True}),
    ("POST", r"/end-users/[^/]+/passthrough/[^/]+", {"echo": "ok"}),
    ("POST", r"/quickbooks-desktop/invoices/[^/]+/void", {"id": "inv_1", "objectType": "qbd_invoice", "voided": True}),
    ("GET", r"/quickbooks-desktop/invoices/[^/]+", {"id": "inv_1", "objectType": "qbd_invoice"}),
    ("GET", r"/quickbooks-desktop/company", {"name": "Acme"}),
    ("GET", r"/quickbooks-desktop/reports/[a-z-]+", {"objectType": "qbd_report", "reportName": "Aging"}),
]


class RoutingServer(RecordingServer):
    """A threaded HTTP server on 127.0.0.1 answering each route with its JSON body; it records the requests.
    `invalid` makes every answer one that does not fit the spec (for strict validation)."""

    def __init__(self) -> None:
        self.invalid = False
        super().__init__(self._route)
        self.start()

    def _route(self, request: Received) -> Answer:
        path = request.path.split("?", 1)[0].removeprefix("/v1")
        found = next((a for m, p, a in ANSWERS if m == request.method and re.fullmatch(p, path)), None)
        answer = {"voided": "not a boolean", "deleted": [], "reportName": 1} if self.invalid else found
        body = json.dumps(answer).encode()
        return Answer(200 if found is not None else 404, body, {"Content-Type": "application/json"})


@pytest.fixture(scope="module")
def generated(generate_package: GeneratePackage) -> Iterator[Generated]:
    with generate_package(SPEC, config=CONFIG, spec_name="conductor.yaml") as generated:
        yield generated


@pytest.fixture(scope="module")
def project(generated: Generated) -> Path:
    return generated.project


@pytest.fixture(scope="module")
def conductor(generated: Generated) -> ModuleType:
    return generated.package


@pytest.fixture(scope="module")
def server() -> Iterator[RoutingServer]:
    running = RoutingServer()
    yield running
    running.close()


# --- the generated tree: call paths and type names ------------------------------------------------------------


def test_call_paths_type_names_and_modules_are_the_published_ones(project: Path, conductor: ModuleType) -> None:
    from conductor.types import EndUserDeleteResponse, EndUserPassthroughResponse  # type: ignore[import-not-found]
    from conductor.types.qbd import InvoiceVoidResponse, Report  # type: ignore[import-not-found]

    assert (
        EndUserPassthroughResponse == dict[str, object] or str(EndUserPassthroughResponse) == "typing.Dict[str, object]"
    )
    assert {InvoiceVoidResponse.__name__, Report.__name__, EndUserDeleteResponse.__name__} == {
        "InvoiceVoidResponse", "Report", "EndUserDeleteResponse"
    }  # fmt: skip
    types = project / "src" / "conductor" / "types"
    for module in ("qbd/report_aging_params.py", "qbd/report_budget_summary_params.py", "qbd/invoice_void_response.py",
                   "qbd/invoice_void_params.py", "end_user_passthrough_response.py", "end_user_passthrough_params.py"):  # fmt: skip
        assert (types / module).is_file(), module
    api = (project / "api.md").read_text(encoding="utf-8")
    for call in ("client.qbd.invoices.<a", "void(id, conductor_end_user_id=...) -&gt; InvoiceVoidResponse",
                 "passthrough(integration_slug, id=..., qbd_payload=...) -&gt; EndUserPassthroughResponse",
                 "aging(conductor_end_user_id=..., ...) -&gt; Report", "budget_summary(", "company.<a"):  # fmt: skip
        assert call in api, call
    client = conductor.Conductor(api_key="sk", base_url="http://127.0.0.1:9")
    assert callable(client.qbd.invoices.void) and callable(client.end_users.passthrough)
    assert callable(client.qbd.reports.aging) and callable(client.qbd.company.retrieve)


def test_generated_tests_send_what_the_schema_needs_and_prism_accepts_it(project: Path, tmp_path: Path) -> None:
    # `minProperties: 1` on a free-form body: Prism answers `{}` with 422.
    tests = (project / "tests" / "api_resources" / "test_end_users.py").read_text(encoding="utf-8")
    assert 'qbd_payload={"key": "value"}' in tests and "qbd_payload={}" not in tests
    assert '"quickbooks_desktop",\n            id="string",' in tests  # the last path parameter first, positional
    if prism.executable() is None:
        pytest.skip("Prism is not installed: run `bash scripts/install-prism.sh`")
    with prism.PrismServer(project.parent / "conductor.yaml", tmp_path / "prism.log") as mock:
        env = {**os.environ, "TEST_API_BASE_URL": mock.url, "PYTHONPATH": str(project / "src")}
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/api_resources"],
                              cwd=project, env=env, capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert done.returncode == 0 and "skipped" not in done.stdout, done.stdout + done.stderr


# --- the published suite's shape, against a real local server -------------------------------------------------

SYNC = ["loose", "strict"]
ASYNC = ["loose", "strict", "aiohttp"]
END_USER = "end_usr_1"


def sync_client(conductor: ModuleType, server: RoutingServer, kind: str) -> Any:
    return conductor.Conductor(api_key="sk", base_url=server.url, strict_response_validation=kind == "strict")


def async_client(conductor: ModuleType, server: RoutingServer, kind: str) -> Any:
    http_client = conductor.DefaultAioHttpClient() if kind == "aiohttp" else None
    return conductor.AsyncConductor(
        api_key="sk", base_url=server.url, strict_response_validation=kind == "strict", http_client=http_client
    )


# Per method: (call path, arguments of a plain call, arguments of a call with every parameter, the type module
# and name of the result, the path parameter an empty value of which must raise before sending).
METHODS: list[tuple[str, tuple[Any, ...], dict[str, Any], dict[str, Any], str, str | None]] = [
    ("end_users.delete", ("end_usr_1",), {}, {}, "EndUserDeleteResponse", "id"),
    ("end_users.passthrough", ("quickbooks_desktop",), {"id": "end_usr_1", "qbd_payload": {"key": "value"}},
     {"id": "end_usr_1", "qbd_payload": {"key": "value", "other": 1}}, "EndUserPassthroughResponse", "id"),
    ("qbd.invoices.void", ("inv_1",), {"conductor_end_user_id": END_USER}, {"conductor_end_user_id": END_USER},
     "qbd.InvoiceVoidResponse", "id"),
    ("qbd.invoices.retrieve", ("inv_1",), {"conductor_end_user_id": END_USER}, {"conductor_end_user_id": END_USER},
     "qbd.Invoice", "id"),
    ("qbd.company.retrieve", (), {"conductor_end_user_id": END_USER}, {"conductor_end_user_id": END_USER},
     "qbd.CompanyRetrieveResponse", None),
    ("qbd.reports.aging", (), {"conductor_end_user_id": END_USER},
     {"conductor_end_user_id": END_USER, "as_of_date": "2024-01-31", "include_zero_balances": True}, "qbd.Report", None),
    ("qbd.reports.budget_summary", (), {"conductor_end_user_id": END_USER},
     {"conductor_end_user_id": END_USER, "fiscal_year": 2024}, "qbd.Report", None),
]  # fmt: skip
IDS = [m[0] for m in METHODS]


def resolve(root: Any, dotted: str) -> Any:
    for name in dotted.split("."):
        root = getattr(root, name)
    return root


def result_type(conductor: ModuleType, name: str) -> Any:
    *namespace, type_name = name.split(".")
    module = resolve(conductor.types, ".".join(namespace)) if namespace else conductor.types
    found = getattr(module, type_name)
    return dict if found is getattr(conductor.types, "EndUserPassthroughResponse", None) else found


def wrapped(client: Any, wrapper: str, dotted: str) -> Any:
    *resource, method = dotted.split(".")
    return getattr(getattr(resolve(client, ".".join(resource)), wrapper), method)


def swap_path_param(args: tuple[Any, ...], kwargs: dict[str, Any], name: str) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The call with `name` empty: the positional one, or a keyword."""
    return ((("",) + args[1:]) if name not in kwargs else args), ({**kwargs, name: ""} if name in kwargs else kwargs)


@pytest.mark.parametrize("kind", SYNC)
@pytest.mark.parametrize(("dotted", "args", "plain", "every", "type_name", "path_param"), METHODS, ids=IDS)
def test_sync_methods_as_the_published_suite_calls_them(
    conductor: ModuleType, server: RoutingServer, kind: str, dotted: str, args: tuple[Any, ...],
    plain: dict[str, Any], every: dict[str, Any], type_name: str, path_param: str | None,
) -> None:  # fmt: skip
    expected = result_type(conductor, type_name)
    with sync_client(conductor, server, kind) as client:
        assert isinstance(resolve(client, dotted)(*args, **plain), expected)
        assert isinstance(resolve(client, dotted)(*args, **every), expected)

        response = wrapped(client, "with_raw_response", dotted)(*args, **plain)
        assert response.is_closed is True
        assert response.http_request.headers.get("Authorization") == "Bearer sk"
        assert isinstance(response.parse(), expected)

        with wrapped(client, "with_streaming_response", dotted)(*args, **plain) as streamed:
            assert not streamed.is_closed
            assert streamed.http_request.headers.get("Authorization") == "Bearer sk"
            assert isinstance(streamed.parse(), expected)
        assert streamed.is_closed is True

        if path_param is not None:
            sent = len(server.received)
            empty_args, empty_kwargs = swap_path_param(args, plain, path_param)
            with pytest.raises(ValueError, match=rf"Expected a non-empty value for `{path_param}` but received ''"):
                wrapped(client, "with_raw_response", dotted)(*empty_args, **empty_kwargs)
            assert len(server.received) == sent  # nothing was sent


@pytest.mark.parametrize("kind", ASYNC)
@pytest.mark.parametrize(("dotted", "args", "plain", "every", "type_name", "path_param"), METHODS, ids=IDS)
def test_async_methods_as_the_published_suite_calls_them(
    conductor: ModuleType, server: RoutingServer, kind: str, dotted: str, args: tuple[Any, ...],
    plain: dict[str, Any], every: dict[str, Any], type_name: str, path_param: str | None,
) -> None:  # fmt: skip
    expected = result_type(conductor, type_name)

    async def main() -> None:
        async with async_client(conductor, server, kind) as client:
            assert isinstance(await resolve(client, dotted)(*args, **plain), expected)
            assert isinstance(await resolve(client, dotted)(*args, **every), expected)

            response = await wrapped(client, "with_raw_response", dotted)(*args, **plain)
            assert response.is_closed is True
            assert response.http_request.headers.get("Authorization") == "Bearer sk"
            assert isinstance(await response.parse(), expected)

            async with wrapped(client, "with_streaming_response", dotted)(*args, **plain) as streamed:
                assert not streamed.is_closed
                assert isinstance(await streamed.parse(), expected)
            assert streamed.is_closed is True

            if path_param is not None:
                empty_args, empty_kwargs = swap_path_param(args, plain, path_param)
                with pytest.raises(ValueError, match=rf"Expected a non-empty value for `{path_param}` but received ''"):
                    await wrapped(client, "with_raw_response", dotted)(*empty_args, **empty_kwargs)

    asyncio.run(main())


def test_every_parameter_goes_where_the_spec_says(conductor: ModuleType, server: RoutingServer) -> None:
    with sync_client(conductor, server, "strict") as client:
        sent = len(server.received)
        client.end_users.passthrough("quickbooks_desktop", id="end_usr_1", qbd_payload={"ItemQueryRq": {"a": 1}})
        client.qbd.reports.aging(conductor_end_user_id=END_USER, as_of_date="2024-01-31", include_zero_balances=True)
        client.qbd.invoices.void("inv/1", conductor_end_user_id=END_USER)
    passthrough, report, void = server.received[sent:]
    assert (passthrough.method, passthrough.path, json.loads(passthrough.body)) == (
        "POST", "/v1/end-users/end_usr_1/passthrough/quickbooks_desktop", {"ItemQueryRq": {"a": 1}}
    )  # fmt: skip
    assert report.path == "/v1/quickbooks-desktop/reports/aging?asOfDate=2024-01-31&includeZeroBalances=true"
    assert report.headers["Conductor-End-User-Id"] == END_USER
    assert void.path == "/v1/quickbooks-desktop/invoices/inv%2F1/void"


def test_an_empty_path_parameter_is_named_as_the_argument(conductor: ModuleType, server: RoutingServer) -> None:
    with sync_client(conductor, server, "strict") as client:
        passthrough = client.end_users.with_raw_response.passthrough
        with pytest.raises(ValueError, match=r"Expected a non-empty value for `integration_slug` but received ''"):
            passthrough(integration_slug="", id="end_usr_1", qbd_payload={"key": "value"})
        with pytest.raises(ValueError, match=r"Expected a non-empty value for `id` but received ''"):
            passthrough(integration_slug="quickbooks_desktop", id="", qbd_payload={"key": "value"})


def test_strict_validation_refuses_what_lax_validation_passes_through(conductor: ModuleType) -> None:
    invalid = RoutingServer()
    invalid.invalid = True
    try:
        with sync_client(conductor, invalid, "strict") as strict, sync_client(conductor, invalid, "loose") as lax:
            with pytest.raises(conductor.APIResponseValidationError):
                strict.qbd.invoices.void("inv_1", conductor_end_user_id=END_USER)
            assert lax.qbd.invoices.void("inv_1", conductor_end_user_id=END_USER).voided == "not a boolean"
    finally:
        invalid.close()


# --- the rules, on small specs ---------------------------------------------------------------------------------

ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
OK = {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}}


def op(*params: str) -> dict[str, Any]:
    return {"parameters": [{**ID, "name": name} for name in params], "responses": OK}


def method_paths(tmp_path: Path, paths: dict[str, Any], config: Config | None = None) -> dict[str, str]:
    spec = load_spec(write_spec(tmp_path, {"paths": paths}, "t.yaml"))
    api = build_api(spec, config or Config(), PYTHON_NAMING)
    return {f"{o.http_method} {o.path}": ".".join((*o.resource_path, o.name)) for o in api.operations}


def test_actions_on_items_are_methods_of_the_collection(tmp_path: Path) -> None:
    paths = {
        "/payments/{id}": {"get": op("id"), "delete": op("id")},
        "/payments/{id}/refund": {"post": op("id")},  # a verb
        "/payments/{id}/submit_tool_outputs": {"put": op("id")},  # a verb first
        "/payments/{id}/notes": {"post": op("id")},  # a plural noun: a collection created into
        "/payments/{id}/lock": {"post": op("id"), "delete": op("id")},  # two operations: a sub-resource
        "/payments/{id}/cancel": {"delete": op("id")},  # DELETE removes something: never an action
        "/payments/{id}/capture": {"post": op("id")},
        "/payments/{id}/capture/items": {"get": op("id")},  # a path below it: a sub-resource
        "/payments/{id}/delete": {"post": op("id")},  # `payments.delete` is taken: stays where it was
        "/users/{id}/passthrough/{slug}": {"post": op("id", "slug")},  # a singular word before a parameter
        "/users/{id}/files/{path}": {"put": op("id", "path")},  # a plural word: an item of a collection
    }
    assert method_paths(tmp_path, paths) == {
        # (`payments.delete` the resource takes the name from the DELETE method, as before: `delete_by_id`)
        "GET /payments/{id}": "payments.retrieve", "DELETE /payments/{id}": "payments.delete_by_id",
        "POST /payments/{id}/refund": "payments.refund",
        "PUT /payments/{id}/submit_tool_outputs": "payments.submit_tool_outputs",
        "POST /payments/{id}/notes": "payments.notes.create",
        "POST /payments/{id}/lock": "payments.lock.create", "DELETE /payments/{id}/lock": "payments.lock.delete",
        "DELETE /payments/{id}/cancel": "payments.cancel.delete",
        "POST /payments/{id}/capture": "payments.capture.create",
        "GET /payments/{id}/capture/items": "payments.capture.items.list",
        "POST /payments/{id}/delete": "payments.delete.create",
        "POST /users/{id}/passthrough/{slug}": "users.passthrough",
        "PUT /users/{id}/files/{path}": "users.files.update",
    }  # fmt: skip


def test_method_groups_and_mixed_groups(tmp_path: Path) -> None:
    paths = {
        "/accounting/reports/aging": {"get": op()},
        "/accounting/reports/budget-summary": {"get": op()},
        "/accounting/company": {"get": op()},  # beside collections: today's rule
        "/accounting/invoices": {"get": op(), "post": op()},
        "/accounting/invoices/{id}": {"get": op("id")},
        "/stats/daily": {"get": op()},  # one child only: a namespace, not a group of methods
        "/exports/csv": {"get": op()},
        "/exports/json": {"post": op()},  # not a GET: no group
    }
    found = method_paths(tmp_path, paths)
    assert {k: v for k, v in found.items() if "invoices" not in k} == {
        "GET /accounting/reports/aging": "accounting.reports.aging",
        "GET /accounting/reports/budget-summary": "accounting.reports.budget_summary",
        "GET /accounting/company": "accounting.company.retrieve",
        "GET /stats/daily": "stats.daily.retrieve",
        "GET /exports/csv": "exports.csv.retrieve", "POST /exports/json": "exports.json.create",
    }  # fmt: skip


def test_both_rules_yield_to_the_config(tmp_path: Path) -> None:
    paths = {
        "/payments/{id}/refund": {"post": op("id")},
        "/payments/{id}/capture": {"post": op("id")},
        "/reports/aging": {"get": op()},
        "/reports/job": {"get": op()},
    }
    config = Config(
        resource_names={"capture": "capture", "job": "job"},  # a segment the config names stays a resource
        method_names={"POST /payments/{id}/refund": "payments.refunds.create"},
    )
    assert method_paths(tmp_path, paths, config) == {
        "POST /payments/{id}/refund": "payments.refunds.create", "POST /payments/{id}/capture": "payments.capture.create",
        "GET /reports/aging": "reports.aging", "GET /reports/job": "reports.job.retrieve",
    }  # fmt: skip


def test_the_last_path_parameter_is_positional_and_the_others_keyword_only(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, {"paths": {"/a/{first}/b/{second}/c/{third}": {"get": op("first", "second", "third")}}})
    (only,) = build_api(load_spec(spec), Config(), PYTHON_NAMING).operations
    assert [p.name for p in only.positional] == ["third"]
    assert [p.name for p in only.keyword if p.location == "path"] == ["first", "second"]


BAD_BODY_NAMES = [
    ('"POST /nope": payload', "POST ~1nope", "the spec has no such operation"),
    ('"POST /things": payload', "POST ~1things", "the operation has no request body passed as one argument"),
    ('"POST /blobs": class', "POST ~1blobs", "'class' is not a Python identifier"),
]


@pytest.mark.parametrize(("entry", "pointer", "message"), BAD_BODY_NAMES, ids=[m[2][:30] for m in BAD_BODY_NAMES])
def test_bad_body_names_are_clear_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], entry: str, pointer: str, message: str
) -> None:
    obj = {"type": "object", "properties": {"name": {"type": "string"}}}
    paths = {
        "/things": {"post": {"requestBody": {"content": {"application/json": {"schema": obj}}}, "responses": OK}},
        "/blobs": {"post": {"requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
                            "responses": OK}},
    }  # fmt: skip
    write_spec(tmp_path, {"paths": paths}, "t.yaml")
    config = tmp_path / "t.config.yaml"
    config.write_text(f"body_names:\n  {entry}\n", encoding="utf-8")
    code = main(["generate", str(tmp_path / "t.yaml"), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and not (tmp_path / "out").exists()
    assert f"{config} at /body_names/{pointer}: " in err and message in err, err
