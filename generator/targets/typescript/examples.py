"""JavaScript examples of the generated SDK: a whole program per operation (the docs' code sample: import,
client, call, print) and the call alone (each method's `@example`). Values are the model's examples, spelled
as JavaScript literals with the keys the SDK takes (wire names; header parameters camelCase)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from generator.model import types as t
from generator.model.ir import Model, Operation, Parameter
from generator.targets.typescript import layout as d
from generator.targets.typescript import naming
from generator.targets.typescript.escaping import string
from generator.targets.typescript.plan import Method, Plan, ResourceFile, parameter_id

CLIENT = "client"


def program(plan: Plan, resource: ResourceFile, method: Method, npm_name: str) -> str:
    """The code sample of one operation: the program a user copies, as prettier lays it out."""
    client = _client_variable(plan)
    lines: list[d.Doc] = [f"import {plan.client_class} from {string(npm_name)};", ""]
    options = [
        f"{naming.camel(c.name)}: process.env[{string(c.env_var)}], // This is the default and can be omitted"
        for c in plan.api.credentials
        if c.required and c.kind in ("bearer", "header", "query", "cookie", "basic")
    ]
    if options:
        settings = d.indent(d.HARDLINE, d.join(d.HARDLINE, options))
        lines.append((f"const {client} = new {plan.client_class}({{", settings, d.HARDLINE, "});"))
    else:
        lines.append(assignment(f"const {client}", f"new {plan.client_class}();"))
    lines += ["", *call(plan, resource, method, client)]
    return d.render(d.join(d.HARDLINE, lines))


def example_lines(plan: Plan, resource: ResourceFile, method: Method) -> list[str]:
    """A method's `@example` for its doc comment: the call and what it prints, in a `ts` block."""
    text = d.render(d.join(d.HARDLINE, call(plan, resource, method)), width=d.PRINT_WIDTH - len(" * ") - 2)
    return ["@example", "```ts", *text.split("\n"), "```"]


def call(plan: Plan, resource: ResourceFile, method: Method, client: str = CLIENT) -> list[d.Doc]:
    """`const endUser = await client.endUsers.delete('end_usr_1');`, then a line printing something useful."""
    operation = method.operation
    noun = naming.binding(naming.singular_pascal(resource.resource.name))
    if noun == client:
        noun = "result"
    invocation = invoke(plan, resource, method, client)
    printed = _printed(plan, operation)
    if method.paging is not None:
        item = _printed(plan, operation, method.paging.item.tree)
        body = f"console.log({noun}.{item});" if item else f"console.log({noun});"
        return [("for await (const ", noun, " of ", invocation, ") ", d.block([body]))]
    if operation.stream is not None and operation.stream.switch is None:  # an APIPromise of a Stream
        return [("for await (const ", noun, " of await ", invocation, ") ", d.block([f"console.log({noun});"]))]
    if isinstance(operation.return_type.tree, t.NoneType):
        return [("await ", invocation, ";")]
    shown = f"{noun}.{printed}" if printed else noun
    if poorly_breakable(plan, method):
        assigned = assignment(f"const {noun}", ("await ", invocation, ";"))
    else:
        assigned = ("const ", noun, " = await ", invocation, ";")
    return [assigned, "", f"console.log({shown});"]


def assignment(left: str, right: d.Doc) -> d.Doc:
    """`left = right`, or, when that does not fit, `right` on the next line, indented: prettier's layout of an
    assignment whose value it cannot break well (a call with no argument or one short literal)."""
    return d.group(left, " =", d.indent(d.LINE, right))


def poorly_breakable(plan: Plan, method: Method) -> bool:
    """Whether the example call has no arguments or a lone short literal (prettier's `isLoneShortArgument`:
    at most a quarter of the print width), which prettier moves to the next line rather than break."""
    positional, entries = argument_parts(plan, method)
    if entries or len(positional) > 1:
        return False
    if not positional:
        return True
    value = positional[0]
    return isinstance(value, str) and not value.startswith("new ") and len(value) <= d.PRINT_WIDTH / 4


def invoke(
    plan: Plan, resource: ResourceFile, method: Method, client: str = CLIENT, extra: Sequence[d.Doc] = ()
) -> d.Doc:
    """`client.endUsers.delete('end_usr_1')`: the method called with the example's arguments (then `extra`
    ones: request options)."""
    target = f"{client}.{'.'.join([*attributes(plan, resource), method.name])}"
    positional, entries = argument_parts(plan, method)
    if entries and not extra:
        # The params object last: prettier hugs it, `call('id', {` then a property a line, when it breaks.
        hugged = d.delimited("{", entries, "}", padded=True)
        return (target, "(", d.join(", ", [*positional, hugged]), ")")
    arguments = _arguments(plan, method)
    if extra and method.params_type and len(arguments) == (method.positional is not None):
        arguments.append("{}")  # the request options come after the params object, even an empty one
    return (target, d.delimited("(", [*arguments, *extra], ")"))


def _client_variable(plan: Plan) -> str:
    name = naming.binding(plan.client_class)
    return name if name not in (plan.client_class, "process", "console") else CLIENT


def attributes(plan: Plan, resource: ResourceFile) -> list[str]:
    """The attributes from the client to `resource` (`endUsers`, `qbd.invoices`)."""
    path: list[str] = []

    def find(files: list[ResourceFile], trail: list[str]) -> bool:
        for candidate in files:
            here = [*trail, candidate.attribute]
            if candidate is resource:
                path.extend(here)
                return True
            if find(candidate.children, here):
                return True
        return False

    find(plan.resources, [])
    return path


def _printed(plan: Plan, operation: Operation, tree: t.Type | None = None) -> str | None:
    """`id` when the result (or a page's item) is a model with an `id` property."""
    models = plan.models_by_name()
    root = tree if tree is not None else operation.return_type.tree
    model = models.get(root.name) if isinstance(root, t.ModelRef) else None
    return "id" if model is not None and any(f.wire_name == "id" for f in model.fields) else None


def _arguments(plan: Plan, method: Method) -> list[d.Doc]:
    positional, entries = argument_parts(plan, method)
    arguments = list(positional)
    if entries:
        arguments.append(d.delimited("{", entries, "}", padded=True))
    return arguments


def argument_parts(plan: Plan, method: Method, every: bool = False) -> tuple[list[d.Doc], list[d.Doc]]:
    """The example call's positional argument (if any) and the `key: value` entries of its params object: the
    required parameters and those the example needs, or (`every`) all of them."""
    operation = method.operation
    models = plan.models_by_name()
    positional: list[d.Doc] = []
    if method.positional is not None:
        positional.append(_value(method.positional.example, method.positional.type.tree, models))
    entries: list[d.Doc] = []
    for parameter in operation.parameters:
        if parameter is method.positional or not (every or parameter.required or parameter.in_example):
            continue
        if every and _read_only(parameter):
            continue  # the server sets it: a request that sends it breaks `additionalProperties: false` schemas
        key = naming.property_key(method.keys[parameter_id(parameter)])
        entries.append(property_(key, _value(parameter.example, parameter.type.tree, models)))
    return positional, entries


def _read_only(parameter: Parameter) -> bool:
    """A body property the spec marks readOnly (its `$ref`s followed)."""
    return parameter.location == "body" and parameter.schema is not None and parameter.schema.resolved.read_only


def property_(key: str, value: d.Doc) -> d.Doc:
    """`key: value` of an object literal; a string value that does not fit moves to the next line, indented, as
    prettier lays it out (it breaks after the colon of a string, which cannot break itself)."""
    # A key shorter than the indentation plus 3 stays with its value: moving the value would gain too little.
    if isinstance(value, str) and value[:1] in ("'", '"') and len(key) >= len(d.INDENT) + 3:
        return d.group(key, ":", d.indent(d.LINE, value))
    return (key, ": ", value)


FILE = "new Blob(['file contents'])"


def _value(example: Any, tree: t.Type, models: dict[str, Model]) -> d.Doc:
    """A parameter's example as JavaScript: a file is a `Blob` (the JSON example of a file is a string)."""
    members = t.union_members(tree)
    if any(isinstance(m, t.File) for m in members):
        return FILE
    if any(isinstance(m, t.ListOf) and isinstance(m.item, t.File) for m in members):
        return f"[{FILE}]"
    return literal(_wire(example, tree, models))


def literal(value: Any) -> d.Doc:
    """A JSON value as a JavaScript literal."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, str):
        return string(value)
    if isinstance(value, list):
        return d.delimited("[", [literal(v) for v in value], "]")
    if isinstance(value, dict):
        entries = [property_(naming.property_key(str(k)), literal(v)) for k, v in value.items()]
        return d.delimited("{", entries, "}", padded=True)
    return string(str(value))


def _wire(value: Any, tree: t.Type, models: dict[str, Model]) -> Any:
    """An example keyed as the model's request objects are (Python keys) turned to the wire names the
    TypeScript SDK takes."""
    if isinstance(tree, t.ModelRef) and isinstance(value, dict) and tree.name in models:
        fields = {f.name: f for f in models[tree.name].fields}
        return {
            fields[k].wire_name if k in fields else k: _wire(v, fields[k].type.tree, models) if k in fields else v
            for k, v in value.items()
        }
    if isinstance(tree, t.ListOf) and isinstance(value, list):
        return [_wire(v, tree.item, models) for v in value]
    if isinstance(tree, t.MapOf) and isinstance(value, dict):
        return {k: _wire(v, tree.value, models) for k, v in value.items()}
    if isinstance(tree, t.Union) and isinstance(value, dict):
        for member in tree.members:
            if isinstance(member, t.ModelRef) and member.name in models:
                names = {f.name for f in models[member.name].fields}
                if set(value) <= names:
                    return _wire(value, member, models)
    return value
