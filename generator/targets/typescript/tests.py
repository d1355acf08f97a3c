"""The generated SDK's tests: `tests/api-resources/**` mirroring the resources (`client.qbd.invoices` <->
`tests/api-resources/qbd/invoices.test.ts`), run by `node --test` after tsc compiles them (`tests/tsconfig.json`).

Per method: "only required params" checks that `.asResponse()` gives a `Response`, that the awaited value is
not one and that `.withResponse()` gives both; "required and optional params" (when there are optional ones)
awaits the call with every parameter; a string path parameter passed empty must be refused before anything is
sent. The values are the model's examples (the spec's, else built to fit the schema: the same as the code
samples'), and the client calls `TEST_API_BASE_URL` (default the mock server of `scripts/mock`).
"""

from __future__ import annotations

from generator.model import types as t
from generator.targets.typescript import examples
from generator.targets.typescript import layout as d
from generator.targets.typescript.escaping import string
from generator.targets.typescript.package import json_text
from generator.targets.typescript.plan import Method, Plan, ResourceFile, credential_options
from generator.targets.typescript.resources import HEADER

MOCK_URL = "http://127.0.0.1:4010"
TEST_INDENT = 4  # a test's statements: inside `describe`, inside `test`

TESTS_TSCONFIG = {
    "extends": "../tsconfig.json",
    "include": ["."],
    "compilerOptions": {
        "rootDir": ".",
        "outDir": "../dist-tests",
        "module": "node16",
        "moduleResolution": "node16",
        "types": ["node"],
        "declaration": False,
        "sourceMap": False,
    },
}


def test_files(plan: Plan, npm_name: str) -> dict[str, str]:
    """The test files and their tsconfig; nothing for an API without operations (tsc refuses a project without
    inputs: the scripts skip the tests when tests/tsconfig.json is missing)."""
    files: dict[str, str] = {}
    for resource in plan.all_files():
        if resource.methods:
            path = resource.file.removeprefix("resources/")
            files[f"tests/api-resources/{path}.test.ts"] = render_resource_tests(plan, resource, npm_name)
    if files:
        files["tests/tsconfig.json"] = json_text(TESTS_TSCONFIG)
    return files


def render_resource_tests(plan: Plan, resource: ResourceFile, npm_name: str) -> str:
    client = plan.client_class
    options: list[d.Doc] = [f"{o.name}: {string('My ' + o.name)}," for o in credential_options(plan)]
    options.append("baseURL: process.env['TEST_API_BASE_URL'] ?? " + string(MOCK_URL) + ",")
    head: list[d.Doc] = [
        HEADER,
        "",
        "import assert from 'node:assert/strict';",
        "import { describe, test } from 'node:test';",
        "",
        f"import {client} from {string(npm_name)};",
        "",
        (f"const client = new {client}({{", d.indent(d.HARDLINE, d.join(d.HARDLINE, options)), d.HARDLINE, "});"),
    ]
    tests: list[d.Doc] = []
    for method in resource.methods:
        tests += _method_tests(plan, resource, method)
    attribute = ".".join(examples.attributes(plan, resource))
    suite = (f"describe({string('resource ' + attribute)}, () => ", d.block(tests, blank_lines=True), ");")
    return d.render((d.join(d.HARDLINE, head), d.HARDLINE, d.HARDLINE, suite)) + "\n"


def _method_tests(plan: Plan, resource: ResourceFile, method: Method) -> list[d.Doc]:
    positional, required = examples.argument_parts(plan, method)
    _, every = examples.argument_parts(plan, method, every=True)
    target = "client." + ".".join([*examples.attributes(plan, resource), method.name])
    checks: list[d.Doc] = [
        _assigned("const responsePromise", target, positional, required, examples.poorly_breakable(plan, method)),
        "const rawResponse = await responsePromise.asResponse();",
        "assert.ok(rawResponse instanceof Response);",
        "const response: unknown = await responsePromise;",
        "assert.ok(!(response instanceof Response));",
        "const dataAndResponse = await responsePromise.withResponse();",
        "assert.equal(dataAndResponse.data, response);",
        "assert.equal(dataAndResponse.response, rawResponse);",
    ]
    tests = [_test(f"{method.name}: only required params", checks)]
    if len(every) > len(required):
        every_call: d.Doc = ("await ", call(target, positional, every, "await "), ";")
        tests.append(_test(f"{method.name}: required and optional params", [every_call]))
    if method.positional is not None and method.positional.type.tree == t.STRING:
        refused = f"{plan.client_class}.{plan.base_error}"
        rejects = "await assert.rejects("
        statement: d.Doc = (rejects, "async () => ", call(target, ["''"], required, rejects + "async () => "))
        if len(d.flat(statement)) + len(f", {refused});") + TEST_INDENT <= d.PRINT_WIDTH:
            statement = (statement, f", {refused});")
        else:  # the arguments one a line; the arrow's body on the next line when it does not fit after `=>`
            arrow: d.Doc = ("async () => ", call(target, ["''"], required, "async () => ", TEST_INDENT + 2), ",")
            if len(d.flat(arrow)) + TEST_INDENT + 2 > d.PRINT_WIDTH:
                body = call(target, ["''"], required, "", TEST_INDENT + 4)
                arrow = ("async () =>", d.indent(d.HARDLINE, body, ","))
            statement = (rejects, d.indent(d.HARDLINE, arrow, d.HARDLINE, refused, ","), d.HARDLINE, ");")
        tests.append(_test(f"{method.name}: an empty path parameter is refused before sending", [statement]))
    return tests


def _assigned(left: str, target: str, positional: list[d.Doc], entries: list[d.Doc], poor: bool) -> d.Doc:
    """`const x = target(...);`: a call prettier cannot break well (`poor`) moves to the next line whole."""
    if poor:
        return examples.assignment(left, (target, d.delimited("(", [*positional], ")"), ";"))
    return (left, " = ", call(target, positional, entries, left + " = "), ";")


def _test(name: str, statements: list[d.Doc]) -> d.Doc:
    """`test('name', async () => { ... });`: prettier keeps a test call's head on one line, however long."""
    return (f"test({string(name)}, async () => ", d.block(statements), ");")


def call(target: str, positional: list[d.Doc], entries: list[d.Doc], before: str, indent: int = TEST_INDENT) -> d.Doc:
    """`target(positional, { entries })` as prettier prints a call: flat when it fits; else, when the line up
    to the params object's `{` fits, the object hugs the parentheses, one entry a line; else every argument on
    its own line. `before` is what precedes the call on its line (after the indentation)."""
    params: list[d.Doc] = [d.delimited("{", entries, "}", padded=True)] if entries else []
    arguments = [*positional, *params]
    flat = d.flat((target, "(", d.join(", ", arguments), ")"))
    if indent + len(before) + len(flat) + 1 <= d.PRINT_WIDTH or not entries:
        return (target, d.delimited("(", arguments, ")"))
    head = target + "(" + "".join(d.flat(p) + ", " for p in positional) + "{"
    if indent + len(before) + len(head) <= d.PRINT_WIDTH:
        hugged = ("{", d.indent(d.HARDLINE, d.join((",", d.HARDLINE), entries), ","), d.HARDLINE, "}")
        return (target, "(", *(part for p in positional for part in (p, ", ")), hugged, ")")
    return (target, d.broken("(", arguments, ")"))
