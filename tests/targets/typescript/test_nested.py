"""Nested interfaces by property path: an inline object of a model or of a method's params is declared in a
namespace named after its parent (`Invoice.Line`, `InvoiceCreateParams.LineGroup.Line`), reached through the
client's namespace like the published SDK's; a nested name never hides a type its namespace mentions."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import LocalServer, Reply
from tests.targets.typescript.conftest import prettier_check, run_node, typecheck


def test_nested_objects_are_interfaces_in_their_parents_namespace(features_sdk: Path) -> None:
    source = (features_sdk / "src" / "resources" / "invoices.ts").read_text(encoding="utf-8")
    assert "export namespace Invoice {" in source
    assert "  lines: Array<Invoice.Line>;" in source
    assert "    tax?: Invoice.Line.Tax | null;" in source
    # the inline `customer` does not hide the component `Customer` its lines mention, nor `record` the global Record
    assert "  customer?: Invoice.CustomerType | null;" in source
    assert "  record?: Invoice.RecordType | null;" in source
    assert "    owner?: Customer | null;" in source
    assert "    lines?: Array<InvoiceCreateParams.LineGroup.Line>;" in source
    assert "export interface InvoiceLine" not in source  # no API-wide names for nested objects
    consumer = """import Features from 'sdk';
const line: Features.Invoice.Line = { amount: '1.00', owner: { id: 'c_1' }, tax: { rate: 0.2 } };
const tax: Features.Invoices.Invoice.Line.Tax = { rate: 0.1 };
const group: Features.InvoiceCreateParams.LineGroup = { name: 'g', lines: [{ amount: '2.00' }] };
const params: Features.InvoiceCreateParams = { customerId: 'c_1', lineGroups: [group] };
const customer: Features.Invoice.CustomerType = { name: 'Ada' };
// @ts-expect-error: a line needs its amount
const wrong: Features.InvoiceCreateParams.LineGroup.Line = {};
console.log(line, tax, params, customer, wrong);"""
    compiled = typecheck(features_sdk, consumer, "nested")
    assert compiled.returncode == 0, compiled.stdout[:3000]
    checked = prettier_check(features_sdk)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_nested_params_body_is_sent_as_written(features_sdk: Path, server: LocalServer, tmp_path: Path) -> None:
    entry = json.dumps((features_sdk / "dist" / "esm" / "index.js").as_posix())
    script = f"""import Features from {entry};
const client = new Features({{ baseURL: process.env.BASE_URL, maxRetries: 0, apiKey: 'tok' }});
const invoice = await client.invoices.create({{ customerId: 'c_1', lineGroups: [{{ lines: [{{ amount: '1' }}] }}] }});
console.log(JSON.stringify(invoice));
"""
    server.reply(Reply(200, {"id": "inv_1", "lines": [{"amount": "1", "tax": {"rate": 0.2}}]}))
    done = run_node(script, tmp_path, BASE_URL=server.url)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"id": "inv_1", "lines": [{"amount": "1", "tax": {"rate": 0.2}}]}
    assert json.loads(server.received[0].body) == {"customerId": "c_1", "lineGroups": [{"lines": [{"amount": "1"}]}]}
