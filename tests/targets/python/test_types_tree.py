"""The types tree mirrors the client (issue 11, types): `types/<namespace>/` per group of resources, one module per
named schema holding its nested inline objects as classes named by property path, `<resource>_<method>_params.py`
modules, a group's prefix dropped from schema names, keywords as `class_.py`, and imports written as by hand."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from generator.model.schemas import Hint, type_name, type_namespace
from generator.targets.python.naming import PYTHON_NAMING
from tests.conftest import Generated, GeneratePackage, LocalServer, Reply
from tests.support.documents import shared_spec

# Shaped like Conductor's spec: paths under a prefix the config renames (`quickbooks-desktop` -> `qbd`), schemas
# carrying that prefix, objects nested several levels deep, schemas shared inside and outside the group, a cursor
# page, a schema named by a keyword, and two schemas that refer to each other.
SPEC = shared_spec("types_tree_conductor_shaped.yaml")
CONFIG = "package_name: ledger\nresource_names:\n  quickbooks-desktop: qbd\n"

# Every module under types/ and the names it defines (`__all__`).
EXPECTED_TREE = {
    "__init__.py": ["Address", "AddressParam", "Customer", "EndUser", "EndUserCreateParams"],
    "address.py": ["Address"],
    "address_param.py": ["AddressParam"],
    "customer.py": ["Customer"],
    "end_user.py": ["EndUser"],
    "end_user_create_params.py": ["EndUserCreateParams"],
    "qbd/__init__.py": ["Account", "AccountGroup", "Class", "Invoice", "InvoiceCreateParams", "InvoiceListParams",
                        "InvoiceListResponse"],
    "qbd/account.py": ["Account", "AccountGroup"],  # they refer to each other: one module
    "qbd/class_.py": ["Class", "Parent"],
    "qbd/invoice.py": ["Customer", "Invoice", "Line", "LineGroup", "LineGroupLine", "LineGroupLineItem", "LineItem"],
    "qbd/invoice_create_params.py": ["InvoiceCreateParams", "Line", "LineGroup", "LineGroupLine"],
    "qbd/invoice_list_params.py": ["InvoiceListParams"],
    "qbd/invoice_list_response.py": ["InvoiceListResponse"],
}  # fmt: skip

INVOICE = {
    "id": "inv_1", "objectType": "qbd_invoice", "customer": {"id": "c1", "fullName": "Ann"},
    "shipTo": {"id": "c2", "email": "a@example.com"}, "billingAddress": {"line1": "1 Main St"},
    "lines": [{"id": "l1", "item": {"fullName": "Widget"}}],
    "lineGroups": [{"id": "g1", "lines": [{"id": "gl1", "item": {"fullName": "Gadget"}}]}],
}  # fmt: skip


@pytest.fixture(scope="module")
def generated(generate_package: GeneratePackage) -> Iterator[Generated]:
    with generate_package(SPEC, config=CONFIG) as generated:
        yield generated


@pytest.fixture(scope="module")
def project(generated: Generated) -> Path:
    return generated.project


@pytest.fixture(scope="module")
def ledger(generated: Generated) -> ModuleType:
    return generated.package


def _all(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and "__all__" in ast.unparse(node).split("=")[0]:
            assert node.value is not None
            return sorted(ast.literal_eval(node.value))
    raise AssertionError(f"{path} has no __all__")


def test_the_types_tree_and_its_names(project: Path) -> None:
    types = project / "src" / "ledger" / "types"
    found = {p.relative_to(types).as_posix(): _all(p) for p in sorted(types.rglob("*.py"))}
    assert found == EXPECTED_TREE


def test_imports_read_like_hand_written_code(project: Path) -> None:
    types = project / "src" / "ledger" / "types"
    invoice = (types / "qbd" / "invoice.py").read_text(encoding="utf-8")
    # the nested `customer` object is `Customer` here; the shared schema is imported under another name
    assert "from ..customer import Customer as SharedCustomer\n" in invoice and "from ..address import Address\n" in invoice
    assert "customer: Customer | None = None" in invoice and "ship_to: SharedCustomer | None" in invoice
    assert "lines: List[LineGroupLine] | None = None" in invoice
    # nested classes come before the model holding them, so nothing there needs a rebuild
    assert invoice.index("class LineGroupLine(") < invoice.index("class LineGroup(") < invoice.index("class Invoice(")
    assert "model_rebuild" not in invoice
    assert "from .invoice import Invoice\n" in (types / "qbd" / "invoice_list_response.py").read_text(encoding="utf-8")
    assert "Account.model_rebuild()" in (types / "qbd" / "account.py").read_text(encoding="utf-8")
    params = (types / "qbd" / "invoice_create_params.py").read_text(encoding="utf-8")
    assert "class InvoiceCreateParams(TypedDict, total=False):" in params
    assert "conductor_end_user_id: Required[str]" in params and "line_groups: List[LineGroup]" in params
    assert "from ..address_param import AddressParam\n" in params  # the arguments TypedDict is never renamed as one
    resource = (project / "src" / "ledger" / "resources" / "qbd" / "invoices.py").read_text(encoding="utf-8")
    assert "from ...types.qbd.invoice_create_params import Line, Line_wire, LineGroup, LineGroup_wire\n" in resource
    imports = [line for p in types.rglob("*.py") for line in p.read_text(encoding="utf-8").splitlines() if line.startswith("from .")]
    assert imports and not [line for line in imports if "types" in line.split(" import ")[0]]


def test_types_import_from_their_namespaces(ledger: ModuleType) -> None:
    from ledger.types import Customer as SharedCustomer
    from ledger.types.qbd import Account, AccountGroup, Class, Invoice, InvoiceCreateParams
    from ledger.types.qbd.invoice import Customer, Line, LineGroup, LineGroupLine

    assert Invoice.__module__ == "ledger.types.qbd.invoice" and Class.__module__ == "ledger.types.qbd.class_"
    assert Invoice.model_fields["lines"].annotation is not None and Customer is not SharedCustomer
    assert {Line.__name__, LineGroup.__name__, LineGroupLine.__name__} == {"Line", "LineGroup", "LineGroupLine"}
    assert AccountGroup.__module__ == Account.__module__ == "ledger.types.qbd.account"
    assert "line_groups" in InvoiceCreateParams.__annotations__


def test_the_client_parses_into_those_classes(ledger: ModuleType, server: LocalServer) -> None:
    from ledger.types.qbd import Account, Invoice
    from ledger.types.qbd.invoice import Customer, LineGroup, LineGroupLineItem

    server.reply(
        Reply(200, {"data": [INVOICE], "nextCursor": "c2", "hasMore": True}),
        Reply(200, {"data": [{**INVOICE, "id": "inv_2"}], "nextCursor": None, "hasMore": False}),
        Reply(200, INVOICE),
        Reply(200, {"id": "a1", "group": {"id": "g1", "accounts": [{"id": "a2"}]}}),
    )
    with ledger.Ledger(base_url=server.url) as client:
        invoices = list(client.qbd.invoices.list(conductor_end_user_id="end_usr_1"))
        created = client.qbd.invoices.create(
            conductor_end_user_id="end_usr_1", customer_id="c1",
            line_groups=[{"item_group_id": "ig1", "lines": [{"item_id": "i1"}]}],
        )  # fmt: skip
        account = client.qbd.accounts.retrieve("a1")
    assert [i.id for i in invoices] == ["inv_1", "inv_2"] and all(isinstance(i, Invoice) for i in invoices)
    assert isinstance(created.customer, Customer) and isinstance(created.line_groups[0], LineGroup)
    item = created.line_groups[0].lines[0].item
    assert isinstance(item, LineGroupLineItem) and item.full_name == "Gadget"
    assert isinstance(account, Account) and account.group is not None and account.group.accounts[0].id == "a2"
    assert "cursor=c2" in server.received[1].path
    sent = json.loads(server.received[2].body)
    assert sent == {"customerId": "c1", "lineGroups": [{"itemGroupId": "ig1", "lines": [{"itemId": "i1"}]}]}


def test_touching_one_resource_imports_only_its_types(project: Path) -> None:
    program = (
        "import sys, ledger\n"
        "ledger.Ledger(base_url='http://127.0.0.1:9').qbd.classes\n"
        "print(sorted(m for m in sys.modules if m.startswith('ledger.types')))\n"
    )
    done = subprocess.run([sys.executable, "-c", program], cwd=project / "src", capture_output=True, text=True, check=True)
    assert done.stdout.strip() == str(["ledger.types", "ledger.types.qbd", "ledger.types.qbd.class_"])


def test_user_code_annotated_with_the_published_paths_type_checks(project: Path) -> None:
    user_code = project / "src" / "user_code.py"
    user_code.write_text(
        "from ledger import Ledger\n"
        "from ledger.types.qbd import Invoice, InvoiceCreateParams\n"
        "from ledger.types.qbd.invoice import Line, LineGroup\n\n"
        "def first_line(invoice: Invoice) -> Line:\n    return invoice.lines[0]\n\n"
        "def groups(invoice: Invoice) -> list[LineGroup]:\n    return invoice.line_groups or []\n\n"
        "params: InvoiceCreateParams = {'conductor_end_user_id': 'u', 'customer_id': 'c', 'lines': [{'item_id': 'i'}]}\n"
        "invoice: Invoice = Ledger().qbd.invoices.create(**params)\n",
        encoding="utf-8",
    )
    try:
        done = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "src"],
                              cwd=project, capture_output=True, text=True, check=False)  # fmt: skip
    finally:
        user_code.unlink()
    assert done.returncode == 0, done.stdout


def test_namespace_and_names_of_a_type() -> None:
    assert type_namespace(("qbd", "invoices")) == ("qbd",) and type_namespace(("end_users",)) == ()
    assert type_namespace(("qbd",)) == ()  # a group's own method (`client.qbd.health_check()`): at the top
    assert type_name(Hint("qbd_invoice", "x", "schema"), ("qbd",), request=False) == "invoice"
    assert type_name(Hint("qbd_invoice", "x", "schema"), ("qbd",), request=True) == "invoice param"
    assert type_name(Hint("qbd_invoice", "x", "schema"), (), request=False) == "qbd invoice"
    assert type_name(Hint("qbd", "x", "schema"), ("qbd",), request=False) == "qbd"  # nothing would be left
    # operation types are named after their resource, and a group's own method keeps the group's name
    assert type_name(Hint("QbdHealthCheckResponse", "x"), (), request=False) == "qbd health check response"
    hint = Hint("Invoice", "x").below("LineGroups").item(PYTHON_NAMING).below("Lines").item(PYTHON_NAMING)
    assert hint.text(PYTHON_NAMING) == "InvoiceLineGroupLine"


def test_relative_imports_and_spelling() -> None:
    from generator.model import types as t
    from generator.model.ir import WireShape
    from generator.targets.python.imports import relative_module
    from generator.targets.python.types import annotation
    from generator.targets.python.wire_tables import source

    assert relative_module("types.qbd.invoice", "types.end_user") == "..end_user"
    assert relative_module("types.qbd.invoice", "types.qbd.line") == ".line"
    assert relative_module("types.qbd.invoice", "_models") == "..._models"
    assert relative_module("resources.end_users", "types.qbd.invoice") == "..types.qbd.invoice"
    # a module's spelling names the models and their tables; a Literal's values stay as they are
    names = {"QbdInvoice": "Invoice"}
    tree = t.Union((t.ListOf(t.ModelRef("QbdInvoice")), t.Const(("QbdInvoice",))))
    assert annotation(tree, names) == 'List[Invoice] | Literal["QbdInvoice"]'
    lines = WireShape("list", members=(WireShape("keys", "QbdInvoice"),))
    assert source(lines, names) == "ListOf(Invoice_wire)"
    assert source(WireShape("union", members=(lines, WireShape("keys", "Other"))), names) == (
        "OneOf(ListOf(Invoice_wire), Other_wire)"
    )
