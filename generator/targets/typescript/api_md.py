"""The TypeScript SDK's api.md: every resource (a heading per level of nesting, `# Qbd`, `## Invoices`), the types
declared beside it and each method with its signature, its HTTP request and what it returns, linked to the file.

The entries are inline HTML (`<code title="get /invoices">...</code>`), as the published SDK's api.md has them:
every piece of spec text in them (paths, type spellings with their literals) is HTML-escaped here.
"""

from __future__ import annotations

import html

from generator.model import types as t
from generator.targets.typescript import layout as d
from generator.targets.typescript import naming, types
from generator.targets.typescript.plan import Method, Plan, ResourceFile


def render_api_md(plan: Plan) -> str:
    client = plan.client_class
    lines = [
        f"# {client} API",
        "",
        f"Every method of the client, by resource: `client` is a `new {client}()`. Each method also takes the",
        "request options (`timeout`, `maxRetries`, `headers`, `query`, `signal`, `fetchOptions`) last, and",
        "returns an `APIPromise` (`.asResponse()`, `.withResponse()`). Every type is also reached through the",
        f"client's namespace: `{client}.<Resource>.<Type>`.",
        "",
    ]
    for resource in plan.resources:
        lines += _resource(plan, resource, [], 1)
    if plan.shared:
        lines += ["# Shared", "", "Types:", ""]
        lines += [_type_entry(plan.type_names[m.name], "resources/shared") for m in plan.shared]
        lines.append("")
    return "\n".join(lines)


def _resource(plan: Plan, resource: ResourceFile, trail: list[str], level: int) -> list[str]:
    here = [*trail, resource.attribute]
    lines = ["#" * min(level, 6) + " " + resource.class_name, ""]
    model_names = [plan.type_names[m.name] for m in resource.models]
    if model_names:
        lines += ["Types:", ""]
        lines += [_type_entry(name, resource.file) for name in model_names]
        lines.append("")
    if resource.methods:
        lines += ["Methods:", ""]
        lines += [_method_entry(plan, resource, method, here) for method in resource.methods]
        lines.append("")
    for child in resource.children:
        lines += _resource(plan, child, here, level + 1)
    return lines


def _type_entry(name: str, file: str) -> str:
    return f'- <code><a href="./src/{html.escape(file)}.ts">{html.escape(name)}</a></code>'


def _method_entry(plan: Plan, resource: ResourceFile, method: Method, attributes: list[str]) -> str:
    operation = method.operation
    title = html.escape(f"{operation.http_method.lower()} {operation.path}")
    link = f'<a href="./src/{html.escape(resource.file)}.ts">{html.escape(method.name)}</a>'
    arguments = []
    if method.positional is not None:
        arguments.append(naming.binding(method.positional.wire_name))
    if method.params_type:
        arguments.append("{ ...params }")
    signature = html.escape(f"({', '.join(arguments)}) -> {returns(plan, method)}")
    return f'- <code title="{title}">client.{html.escape(".".join(attributes))}.{link}{signature}</code>'


def returns(plan: Plan, method: Method) -> str:
    """What a method's promise gives, in one line: `EndUserDeleteResponse`, `PagePromise<Body, Item>`."""

    def name(model: str) -> str:
        return plan.type_names[model]

    tree = method.operation.return_type.tree
    spelled = "void" if isinstance(tree, t.NoneType) else d.flat(types.spell(tree, name, nested=True))
    if method.paging is not None:
        item = d.flat(types.spell(method.paging.item.tree, name, nested=True))
        return f"PagePromise<{spelled}, {item}>"
    return spelled
