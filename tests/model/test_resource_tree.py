"""The resource tree of a Conductor-shaped API: groups as packages (`resources/qbd/`), generated tests mirroring
them (`tests/api_resources/qbd/`), a method on a group from a dotted `method_names` value
(`client.qbd.health_check()`), singleton GETs named `retrieve`, and config `type_names`.

The client is generated once and used against a real local server; its own tests run against Prism."""

from __future__ import annotations

import ast
import asyncio
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from generator import pipeline
from generator.cli import main
from generator.config import Config
from generator.model.build import build_api
from generator.spec.load import load_spec
from generator.targets.python.naming import PYTHON_NAMING
from tests.conftest import Generated, GeneratePackage, LocalServer, Reply, imported_package, run_checker
from tests.support.corpus import prism
from tests.support.documents import shared_spec, write_spec

# Paths under a prefix the config renames (`qbd`), schemas named with that prefix, nested inline objects, a
# group-level action, two singleton GETs, a list with a cursor page, and a resource below an item.
SPEC = shared_spec("conductor_resource_groups.yaml")

CONFIG = """\
package_name: conductor
client_name: Conductor
resource_names:
  quickbooks-desktop: qbd
method_names:
  "GET /quickbooks-desktop/health-check": qbd.health_check
"""

RESOURCES = {
    "__init__.py", "end_users.py",
    "qbd/__init__.py", "qbd/qbd.py", "qbd/company.py", "qbd/invoices.py", "qbd/preferences.py",
    "qbd/customers/__init__.py", "qbd/customers/customers.py", "qbd/customers/notes.py",
}  # fmt: skip
API_RESOURCE_TESTS = {
    "__init__.py", "test_end_users.py", "test_qbd.py",
    "qbd/__init__.py", "qbd/test_company.py", "qbd/test_invoices.py", "qbd/test_preferences.py", "qbd/test_customers.py",
    "qbd/customers/__init__.py", "qbd/customers/test_notes.py",
}  # fmt: skip
# The public classes of each resource module and their methods (the six wrapper classes aside).
CLASSES = {
    "end_users.py": {"EndUsersResource": ["delete"]},
    "qbd/qbd.py": {"QbdResource": ["company", "customers", "health_check", "invoices", "preferences"]},
    "qbd/company.py": {"QbdCompanyResource": ["retrieve"]},
    "qbd/preferences.py": {"QbdPreferencesResource": ["retrieve"]},
    "qbd/invoices.py": {"QbdInvoicesResource": ["create", "list", "retrieve"]},
    "qbd/customers/customers.py": {"QbdCustomersResource": ["list", "notes"]},
    "qbd/customers/notes.py": {"QbdCustomersNotesResource": ["list"]},
}


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


def files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def public_methods(module: Path) -> dict[str, list[str]]:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    return {
        node.name: sorted(n.name for n in node.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
                          and not n.name.startswith("_") and not n.name.startswith("with_"))
        for node in tree.body
        if isinstance(node, ast.ClassDef) and not node.name.startswith("Async") and "With" not in node.name
    }  # fmt: skip


def test_groups_are_packages_and_the_tests_mirror_them(project: Path) -> None:
    resources = project / "src" / "conductor" / "resources"
    assert files_under(resources) == RESOURCES
    assert files_under(project / "tests" / "api_resources") == API_RESOURCE_TESTS
    for module, classes in CLASSES.items():
        assert public_methods(resources / module) == classes, module
    # The group's own test module calls its own method; a child's, the child's.
    assert "client.qbd.health_check(" in (project / "tests" / "api_resources" / "test_qbd.py").read_text()
    assert (
        "client.qbd.customers.notes.list(" in (project / "tests/api_resources/qbd/customers/test_notes.py").read_text()
    )
    api_md = (project / "api.md").read_text()
    assert '<a href="./src/conductor/resources/qbd/qbd.py">health_check() -&gt; QbdHealthCheckResponse</a>' in api_md
    assert '<a href="./src/conductor/resources/qbd/company.py">retrieve() -&gt; Company</a>' in api_md


def test_the_group_method_and_singletons_against_a_local_server(conductor: ModuleType, server: LocalServer) -> None:
    server.reply(Reply(200, {"duration": 0.5}), Reply(200, {"duration": 1.5}, {"Conductor-Request-Id": "req_1"}),
                 Reply(200, {"companyName": "Acme", "address": {"city": "Oslo"}}))  # fmt: skip
    client = conductor.Conductor(api_key="sk", base_url=server.url, max_retries=0)
    assert client.qbd.health_check().duration == 0.5
    raw = client.qbd.with_raw_response.health_check()
    assert raw.headers["Conductor-Request-Id"] == "req_1" and raw.parse().duration == 1.5
    company = client.qbd.company.retrieve()
    assert company.company_name == "Acme" and company.address.city == "Oslo"
    assert [(r.method, r.path) for r in server.received] == [("GET", "/v1/quickbooks-desktop/health-check")] * 2 + [
        ("GET", "/v1/quickbooks-desktop/company")
    ]
    assert server.received[0].headers["Authorization"] == "Bearer sk"
    assert not hasattr(client.qbd.company, "list")

    server.reply(Reply(200, {"duration": 2.5}), Reply(200, {"accounting": {"isUsingClassTracking": True}}))

    async def main() -> tuple[float, bool]:
        async with conductor.AsyncConductor(api_key="sk", base_url=server.url, max_retries=0) as api:
            check = await api.qbd.health_check()
            preferences = await api.qbd.preferences.retrieve()
            return check.duration, preferences.accounting.is_using_class_tracking

    assert asyncio.run(main()) == (2.5, True)


def test_the_invoices_list_pages_by_cursor(conductor: ModuleType, server: LocalServer) -> None:
    server.reply(Reply(200, {"data": [{"id": "i1"}, {"id": "i2"}], "nextCursor": "c2", "hasMore": True}),
                 Reply(200, {"data": [{"id": "i3"}], "nextCursor": None, "hasMore": False}))  # fmt: skip
    client = conductor.Conductor(api_key="sk", base_url=server.url, max_retries=0)
    assert [invoice.id for invoice in client.qbd.invoices.list(limit=2)] == ["i1", "i2", "i3"]
    assert [r.path for r in server.received] == ["/v1/quickbooks-desktop/invoices?limit=2",
                                                 "/v1/quickbooks-desktop/invoices?limit=2&cursor=c2"]  # fmt: skip


def test_the_group_method_singletons_and_pages_over_aiohttp(conductor: ModuleType, server: LocalServer) -> None:
    """The same calls through `DefaultAioHttpClient` (the `aiohttp` extra), the async twin of every method."""
    server.reply(Reply(200, {"duration": 0.5}), Reply(200, {"companyName": "Acme", "address": {"city": "Oslo"}}),
                 Reply(200, {"data": [{"id": "i1"}], "nextCursor": "c2", "hasMore": True}),
                 Reply(200, {"data": [{"id": "i2"}], "nextCursor": None, "hasMore": False}))  # fmt: skip

    async def main() -> tuple[float, str, list[str]]:
        http_client = conductor.DefaultAioHttpClient()
        async with conductor.AsyncConductor(api_key="sk", base_url=server.url, http_client=http_client) as api:
            check = await api.qbd.health_check()
            company = await api.qbd.company.retrieve()
            ids = [invoice.id async for invoice in api.qbd.invoices.list(limit=1)]
        assert http_client.is_closed
        return check.duration, company.address.city, ids

    assert asyncio.run(main()) == (0.5, "Oslo", ["i1", "i2"])
    assert [r.path for r in server.received] == [
        "/v1/quickbooks-desktop/health-check", "/v1/quickbooks-desktop/company",
        "/v1/quickbooks-desktop/invoices?limit=1", "/v1/quickbooks-desktop/invoices?limit=1&cursor=c2",
    ]  # fmt: skip


def test_touching_one_resource_of_a_group_imports_only_its_modules(project: Path) -> None:
    program = (
        "import sys, conductor\n"
        "client = conductor.Conductor(api_key='sk')\n"
        "client.qbd.invoices\n"
        "print(sorted(m for m in sys.modules if m.startswith('conductor.resources')))\n"
        "from conductor.resources.qbd import QbdInvoicesResource, AsyncQbdResource\n"
        "print(QbdInvoicesResource is type(client.qbd.invoices), AsyncQbdResource.__module__)\n"
        "print('conductor.resources.qbd.company' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(project / "src")}
    done = subprocess.run([sys.executable, "-c", program], env=env, capture_output=True, text=True, check=True)
    loaded, reexported, company = done.stdout.splitlines()
    assert loaded == str(["conductor.resources", "conductor.resources.qbd", "conductor.resources.qbd.invoices",
                          "conductor.resources.qbd.qbd"])  # fmt: skip
    assert reexported == "True conductor.resources.qbd.qbd" and company == "False"


def test_the_project_type_checks_and_its_own_tests_pass(project: Path, tmp_path: Path) -> None:
    checked = run_checker("mypy", project)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    if prism.executable() is None:
        pytest.skip("Prism is not installed: run `bash scripts/install-prism.sh`")
    with prism.PrismServer(project.parent / "conductor.yaml", tmp_path / "prism.log") as mock:
        env = {**os.environ, "TEST_API_BASE_URL": mock.url, "PYTHONPATH": str(project / "src")}
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], cwd=project,
                              env=env, capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    # At least a plain call, a raw and a streaming response, sync and async, strict and lax, for each of the 9
    # operations, and the 6 client tests; none skipped
    passed = re.search(r"(\d+) passed", done.stdout)
    assert passed and int(passed[1]) >= 9 * 3 * 2 * 2 + 6 and "skipped" not in done.stdout, done.stdout


# --- method names: the retrieve rule and dotted `method_names` ------------------------------------------------------


def method_paths(tmp_path: Path, paths: dict[str, Any], config: Config | None = None) -> dict[str, str]:
    spec = load_spec(write_spec(tmp_path, {"paths": paths}, "t.yaml"))
    api = build_api(spec, config or Config(), PYTHON_NAMING)
    return {f"{op.http_method} {op.path}": ".".join((*op.resource_path, op.name)) for op in api.operations}


def answers(schema: dict[str, Any], *query: str) -> dict[str, Any]:
    parameters = [{"name": name, "in": "query", "schema": {"type": "string"}} for name in query]
    content = {"application/json": {"schema": schema}}
    return {"get": {"parameters": parameters, "responses": {"200": {"description": "ok", "content": content}}}}


def test_a_get_without_path_parameters_answering_one_object_is_retrieve(tmp_path: Path) -> None:
    obj = {"type": "object", "properties": {"name": {"type": "string"}, "tags": {"type": "array", "items": {}}}}
    page = {"type": "object", "properties": {"data": {"type": "array", "items": {"type": "string"}}}}
    named_like_path = {"type": "object", "properties": {"audits": {"type": "array", "items": {"type": "string"}}}}
    paths = {
        "/company": answers(obj),
        "/settings/preferences": answers({"allOf": [obj]}),
        "/audits": answers(named_like_path),  # holds many audits
        "/events": answers(page),  # a page
        "/reports": answers(obj, "limit"),  # a paging parameter
        "/tags": answers({"type": "array", "items": {"type": "string"}}),
        "/owners": answers(obj),  # items below it: a collection
        "/owners/{id}": {"delete": {"parameters": [{"name": "id", "in": "path", "required": True,
                                                    "schema": {"type": "string"}}],
                                     "responses": {"204": {"description": "gone"}}}},
        "/export": {"get": {"responses": {"200": {"description": "ok", "content": {"text/csv": {"schema": {}}}}}}},
    }  # fmt: skip
    assert method_paths(tmp_path, paths) == {
        "GET /company": "company.retrieve", "GET /settings/preferences": "settings.preferences.retrieve",
        "GET /audits": "audits.list", "GET /events": "events.list", "GET /reports": "reports.list",
        "GET /tags": "tags.list", "GET /owners": "owners.list", "DELETE /owners/{id}": "owners.delete",
        "GET /export": "export.list",
    }  # fmt: skip


def test_a_dotted_method_name_places_the_method_on_that_resource(tmp_path: Path) -> None:
    obj = {"type": "object", "properties": {"ok": {"type": "boolean"}}}
    config = Config(method_names={"GET /shop/status/check": "shop.check", "GET /shop/items": "shop.items.all"})
    found = method_paths(tmp_path, {"/shop/status/check": answers(obj), "/shop/items": answers(obj)}, config)
    assert found == {"GET /shop/status/check": "shop.check", "GET /shop/items": "shop.items.all"}


BAD_METHOD_NAMES = [
    ('"GET /quickbooks-desktop/nope": qbd.nope', "GET ~1quickbooks-desktop~1nope", "the spec has no such operation"),
    ('"GET /quickbooks-desktop/health-check": qbd.class', "GET ~1quickbooks-desktop~1health-check",
     "'qbd.class' is not a Python identifier"),
    ('"GET /quickbooks-desktop/health-check": qbd.2x', "GET ~1quickbooks-desktop~1health-check",
     "'qbd.2x' is not a Python identifier"),
    ('"GET /quickbooks-desktop/health-check": qbd.invoices', "GET ~1quickbooks-desktop~1health-check",
     "'qbd.invoices' is a resource"),
    ('"GET /quickbooks-desktop/health-check": qbd.invoices.list', "GET ~1quickbooks-desktop~1health-check",
     "'qbd.invoices.list' is also the name of GET /quickbooks-desktop/invoices"),
    ('"GET /quickbooks-desktop/company": qbd.check\n  "GET /quickbooks-desktop/preferences": qbd.check',
     "GET ~1quickbooks-desktop~1company", "'qbd.check' is also the name of GET /quickbooks-desktop/preferences"),
    ('"GET /quickbooks-desktop/health-check": qbd.with_raw_response', "GET ~1quickbooks-desktop~1health-check",
     "'with_raw_response' is an attribute every resource has"),
    ('"GET /quickbooks-desktop/health-check": close.check', "GET ~1quickbooks-desktop~1health-check",
     "'close' is an attribute of the client"),
]  # fmt: skip


@pytest.mark.parametrize(("entry", "pointer", "message"), BAD_METHOD_NAMES, ids=[m[2][:30] for m in BAD_METHOD_NAMES])
def test_bad_method_names_are_clear_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], entry: str, pointer: str, message: str
) -> None:
    write_spec(tmp_path, SPEC, "c.yaml")
    config = tmp_path / "c.config.yaml"
    config.write_text(f"resource_names: {{quickbooks-desktop: qbd}}\nmethod_names:\n  {entry}\n", encoding="utf-8")
    code = main(["generate", str(tmp_path / "c.yaml"), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and not (tmp_path / "out").exists()
    assert f"{config} at /method_names/{pointer}: " in err and message in err, err


# --- type_names -------------------------------------------------------------------------------------------------


INVOICES_ITEM = "#/paths/~1quickbooks-desktop~1invoices~1{id}/get/responses/200/content/application~1json/schema"


def model_names(tmp_path: Path, spec: str, type_names: dict[str, str]) -> dict[str, str]:
    """Model name -> its module, generated with `type_names` in the config."""
    config = Config(type_names=type_names, file="t.config.yaml")
    api = build_api(load_spec(write_spec(tmp_path, spec, "t.yaml")), config, PYTHON_NAMING)
    return {m.name: m.module for m in api.models}


def test_type_names_pin_a_name_across_a_move_into_components(tmp_path: Path) -> None:
    pinned = model_names(tmp_path, SPEC, {"#/components/schemas/qbd_invoice": "Invoice",
                                          "#/components/schemas/qbd_company": "Company"})  # fmt: skip
    assert {"Invoice", "InvoiceCustomer", "InvoiceLine", "Company", "CompanyAddress"} <= set(pinned)
    # a pinned schema is the root of a module named after the pin, its nested objects classes of that module
    assert pinned["Invoice"] == pinned["InvoiceLine"] == "quickbooks_desktop.invoice" and "QbdInvoice" not in pinned
    # The schema renamed in components (`qbd_invoice` -> `qbd_bill`): the pin on its new pointer keeps `Invoice`.
    moved = SPEC.replace("qbd_invoice", "qbd_bill")
    assert "Invoice" in model_names(tmp_path, moved, {"#/components/schemas/qbd_bill": "Invoice"})
    # An inline schema pinned by its pointer (a `$ref` there pins the schema it names).
    assert "QbdInvoice" not in model_names(tmp_path, SPEC, {INVOICES_ITEM: "Bill"})
    assert "Bill" in model_names(tmp_path, SPEC, {INVOICES_ITEM: "Bill"})


BAD_TYPE_NAMES = [
    ({"#/components/schemas/nope": "X"}, "#~1components~1schemas~1nope", "no schema there"),
    ({"#/components/schemas/qbd_invoice/properties/id": "Id"}, "#~1components~1schemas~1qbd_invoice~1properties~1id",
     "this schema does not become a type"),
    ({"#/components/schemas/qbd_invoice": "A", "#/components/schemas/qbd_company": "A"},
     "#~1components~1schemas~1qbd_company", "two types would be named 'A'"),
    ({"#/components/schemas/qbd_invoice": "QbdCompany"}, "#~1components~1schemas~1qbd_invoice",
     "'QbdCompany' is also the name of the schema at c.yaml#/components/schemas/qbd_company"),
    ({"#/components/schemas/qbd_invoice": "BaseModel"}, "#~1components~1schemas~1qbd_invoice",
     "a name the generated modules use themselves"),
    ({"#/components/schemas/qbd_invoice": "not-a-name"}, "#~1components~1schemas~1qbd_invoice",
     "'not-a-name' is not a Python identifier"),
    ({"components/schemas/qbd_invoice": "X"}, "components~1schemas~1qbd_invoice", "must be a JSON pointer"),
]  # fmt: skip


@pytest.mark.parametrize(("names", "pointer", "message"), BAD_TYPE_NAMES, ids=[m[2][:30] for m in BAD_TYPE_NAMES])
def test_bad_type_names_are_clear_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], names: dict[str, str], pointer: str, message: str
) -> None:
    write_spec(tmp_path, SPEC, "c.yaml")
    config = tmp_path / "c.config.yaml"
    config.write_text(yaml.safe_dump({"type_names": names}, sort_keys=False), encoding="utf-8")
    code = main(["generate", str(tmp_path / "c.yaml"), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and not (tmp_path / "out").exists()
    assert f"{config} at /type_names/{pointer}: " in err and message in err, err


def test_a_group_whose_child_has_its_name_keeps_its_own_class_in_another_module(tmp_path: Path) -> None:
    obj = {"type": "object", "properties": {"ok": {"type": "boolean"}}}
    paths = {"/shop": answers(obj), "/shop/shop": answers(obj), "/shop/items/{id}/notes/{n}": {"delete": {
        "parameters": [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}} for p in ("id", "n")],
        "responses": {"204": {"description": "gone"}}}}}  # fmt: skip
    spec = load_spec(write_spec(tmp_path, {"paths": paths}, "t.yaml"))
    api = build_api(spec, Config(), PYTHON_NAMING)
    found = {".".join(r.path): (r.module, r.package, r.test_module) for r in api.all_resources()}
    assert found == {
        "shop": ("shop.shop_2", "shop", "test_shop"),
        "shop.items": ("shop.items.items", "shop.items", "shop.test_items"),
        "shop.items.notes": ("shop.items.notes", "", "shop.items.test_notes"),
        "shop.shop": ("shop.shop", "", "shop.test_shop"),
    }


# Paths and schemas named as Windows devices (`aux`, `con`, `nul`, `com1`, `lpt1`), in any case and as a
# group with a child, and a title that would name the package `aux`.
DEVICE_NAMES_SPEC = """\
paths:
  /aux:
    get:
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Con"}}}}
  /con/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Nul"}}}}
  /con/nul:
    get:
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Lpt1"}}}}
  /Com1:
    get:
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Con"}}}}
components:
  schemas:
    Con: {type: object, properties: {a: {type: string}}}
    Nul: {type: object, properties: {b: {type: string}}}
    Lpt1: {type: object, properties: {c: {type: string}}}
"""


def test_no_generated_path_is_a_windows_device_name(tmp_path: Path, server: LocalServer) -> None:
    """`aux.py`, `types/con.py`, `src/aux/` cannot be checked out on Windows; they get the treatment of a name
    taken in their folder (`aux_2.py`), while the client's attributes keep the spec's names."""
    spec = write_spec(tmp_path, DEVICE_NAMES_SPEC, "aux.yaml", title="Aux API")  # the title would name it `aux`
    out = tmp_path / "out"
    result = pipeline.generate(pipeline.Options(spec=spec, output=out))
    devices = {"con", "prn", "aux", "nul", "com1", "lpt1"}
    bad = [path for path in result.files if any(part.split(".")[0].lower() in devices for part in path.split("/"))]
    assert bad == []
    assert "src/aux_api/resources/con_2/nul_2.py" in result.files  # a group and its child, both renamed
    server.reply(Reply(200, {"a": "x"}), Reply(200, {"b": "y"}), Reply(200, {"c": "z"}), Reply(200, {"a": "w"}))
    with imported_package(out / "src", "aux_api") as aux:
        client = aux.Aux(base_url=server.url, max_retries=0)
        assert client.aux.retrieve().a == "x"
        assert client.con.retrieve("1").b == "y"
        assert client.con.nul.retrieve().c == "z"
        assert client.com1.retrieve().a == "w"
    assert [r.path for r in server.received] == ["/v1/aux", "/v1/con/1", "/v1/con/nul", "/v1/Com1"]
