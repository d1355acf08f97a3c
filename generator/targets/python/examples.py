"""Example code for the generated docs and tests, built from the spec's own operations and examples.

Every example is Python source made of literals (via `pysource.literal`) and the generated package's
own names, so it type-checks against the generated client.
"""

from __future__ import annotations

import builtins
import datetime
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.model.example_values import PLACEHOLDERS as _PLACEHOLDERS
from generator.model.example_values import STRING_FORMATS as _STRING_FORMATS
from generator.model.ir import Api, Model, Operation, Pagination, Parameter
from generator.model.naming import singular
from generator.spec.nodes import Schema
from generator.targets.python.naming import snake_case
from generator.targets.python.pysource import literal
from generator.targets.python.types import annotation as python_annotation

MAX_DEPTH = 3


@dataclass
class Call:
    """Source lines calling one operation, and the helpers from `<package>._utils` they need."""

    lines: list[str]
    helpers: set[str] = field(default_factory=set)
    result: str | None = None  # the variable holding the result, if any


@dataclass(frozen=True)
class Caller:
    """How an example call is written: awaited or not, the variable holding the client, a paginated list walked
    item by item (`iterate`), the models (so the print can show an item's id) and the names the result
    variable must not take (`reserved`)."""

    await_: str = ""
    client: str = "client"
    iterate: bool = False
    models: Mapping[str, Model] = field(default_factory=dict)
    reserved: frozenset[str] | set[str] = frozenset()


_PLAIN = Caller()
_AWAITED = Caller(await_="await ")


def _source(lines: list[str]) -> str:
    """The lines as source, a call without arguments closed where it opens (`client.things.list()`, and
    `for thing in client.things.list():`), as black writes it."""
    joined: list[str] = []
    for line in lines:
        previous = joined[-1] if joined else ""
        indent = len(previous) - len(previous.lstrip())
        if previous.endswith("(") and line.startswith(" " * indent + ")"):
            joined[-1] = previous + line.lstrip()
        else:
            joined.append(line)
    return "\n".join(joined)


def example_program(api: Api, is_async: bool) -> str:
    """A complete program calling the first operation (one with a model response when there is one)."""
    return program(api, pick_operation(api), is_async)


def program(
    api: Api, operation: Operation | None, is_async: bool, client: str = "client", iterate: bool = False
) -> str:
    """A complete program: imports, the client built with its credential from the environment, one call.

    The README's usage example and the code samples (`generator/samples.py`) are both made here. `client`
    is the variable holding the client; `iterate` shows a paginated list walked item by item.
    """
    client_class = api.async_client_name if is_async else api.client_name
    await_ = "await " if is_async else ""
    call = (
        example_call(operation, Caller(await_, client, iterate, _models(api), _reserved(api, client)))
        if operation
        else Call([])
    )
    lines = ["import os"] if api.credentials else []
    if is_async:
        lines.append("import asyncio")
    lines.append(f"from {api.package} import {client_class}")
    if call.helpers:
        lines.append(f"from {api.package}._utils import {', '.join(sorted(call.helpers))}")
    lines += ["", f"{client} = {client_class}("]
    if api.credentials:
        credential = api.credentials[0]
        lines.append(
            f'    {credential.name}=os.environ.get("{credential.env_var}"),  # This is the default and can be omitted'
        )
    lines.append(")")
    if is_async and call.lines:
        lines += [
            "",
            "",
            "async def main() -> None:",
            *("    " + line for line in call.lines),
            "",
            "",
            "asyncio.run(main())",
        ]
    else:
        lines += call.lines
    return _source(lines)


def aiohttp_program(api: Api) -> str:
    """The async example program, sending through aiohttp (`DefaultAioHttpClient`), the client closed by
    `async with`."""
    operation = pick_operation(api)
    call = (
        example_call(operation, Caller("await ", models=_models(api), reserved=_reserved(api, "client")))
        if operation
        else Call([])
    )
    lines = ["import os"] if api.credentials else []
    lines += ["import asyncio", f"from {api.package} import {api.async_client_name}, DefaultAioHttpClient"]
    if call.helpers:
        lines.append(f"from {api.package}._utils import {', '.join(sorted(call.helpers))}")
    lines += ["", "", "async def main() -> None:", f"    async with {api.async_client_name}("]
    if api.credentials:
        credential = api.credentials[0]
        lines.append(
            f'        {credential.name}=os.environ.get("{credential.env_var}"),'
            "  # This is the default and can be omitted"
        )
    lines += ["        http_client=DefaultAioHttpClient(),", "    ) as client:"]
    lines += [f"        {line}" for line in call.lines or ["pass"]]
    lines += ["", "", "asyncio.run(main())"]
    return _source(lines)


def sample_client_variable(api: Api) -> str:
    """The variable a code sample keeps its client in: the package's name (`conductor = Conductor(...)`),
    unless that name is taken in the sample (a module it imports, a builtin); then `client`."""
    taken = {"os", "asyncio", "main", api.client_name, api.async_client_name, *_BUILTINS}
    return "client" if api.package in taken or api.package.startswith("_") else api.package


def _models(api: Api) -> dict[str, Model]:
    return {model.name: model for model in api.models}


def _reserved(api: Api, client: str) -> set[str]:
    """Names a result variable must not take: what the program imports or defines, and the builtins."""
    return {client, "os", "asyncio", "main", api.client_name, api.async_client_name, api.package, *_BUILTINS}


_BUILTINS = frozenset(name for name in dir(builtins) if not name.startswith("_"))


def pick_operation(api: Api) -> Operation | None:
    """The operation README and client-test examples use: one returning a model, not deprecated, if any."""
    current = [op for op in api.operations if not op.deprecated] or list(api.operations)
    # Not one that always streams: its result is a `Stream`, which the examples built on this one do not show.
    candidates = [op for op in current if op.return_type.models and not _always_streams(op)] or current
    return candidates[0] if candidates else None


def example_call(op: Operation, caller: Caller = _PLAIN, file: str = 'b"file contents"') -> Call:
    """`variable = client.resource.method(required arguments)` and a print of something useful.

    `file` is the source of the value passed for file arguments. With `caller.iterate`, a paginated list is
    walked instead (`for item in client.resource.list(...):`, every item of every page).
    """
    noun = snake_case(singular((op.resource_path[-1] if op.resource_path else op.name).rstrip("_")), "result")
    variable = "page" if op.pagination else noun
    if variable in caller.reserved:
        variable = f"{variable}_result"
    returns = op.pagination is not None or python_annotation(op.return_type) != "None"
    target = f"{caller.client}.{'.'.join([*op.resource_path, op.name])}("
    if caller.iterate and op.pagination:
        return _walking_call(op, caller, target, noun, file)
    call = Call([f"{variable + ' = ' if returns else ''}{caller.await_}{target}"])
    call.lines += ["    " + line for line in example_arguments(op, call.helpers, file=file)]
    call.lines.append(")")
    if returns:
        call.result = variable
        field_ = _printable_field(op)
        call.lines.append(f"print({variable}.{field_})" if field_ else f"print({variable})")
    return call


def _walking_call(op: Operation, caller: Caller, target: str, noun: str, file: str) -> Call:
    """`for item in client.resource.list(...):` and a print of each item (its id when it has one)."""
    assert op.pagination is not None
    item = noun if noun not in caller.reserved and noun != "page" else "item"
    call = Call([f"{'async ' if caller.await_ else ''}for {item} in {target}"])
    call.lines += ["    " + line for line in example_arguments(op, call.helpers, file=file)]
    field_ = _item_id(op.pagination, caller.models)
    call.lines += ["):", f"    print({item}.{field_})" if field_ else f"    print({item})"]
    return call


def example_arguments(
    op: Operation, helpers: set[str], every: bool = False, file: str = 'b"file contents"'
) -> list[str]:
    """The arguments of an example call, one per line with its trailing comma (`"id_123",`, `name="x",`): the
    path parameters, then the keyword arguments the example needs (with `every`, all of them). `helpers`
    collects what the values need from `<package>._utils`."""
    lines = []
    for param in [*op.positional, *(p for p in op.keyword if every or p.required or p.in_example)]:
        code = file if _is_file(param) else f"[{file}]" if _is_file_list(param) else _argument(param, helpers)
        lines.append(f"{code}," if param in op.positional else f"{param.name}={code},")
    return lines


def _item_id(pagination: Pagination, models: Mapping[str, Model]) -> str | None:
    """`id` when a page's items are one model with an `id` field."""
    model = models.get(next(iter(pagination.item.models))) if len(pagination.item.models) == 1 else None
    if model is None or python_annotation(pagination.item) != model.name:
        return None
    return "id" if any(f.name == "id" for f in model.fields) else None


def _always_streams(op: Operation) -> bool:
    return op.stream is not None and op.stream.switch is None


def _printable_field(op: Operation) -> str | None:
    if op.pagination:
        return "data"
    if _always_streams(op):
        return None
    schema = response_node(op)
    return "id" if op.return_type.models and schema is not None and "id" in schema.properties else None


def _is_file(param: Parameter) -> bool:
    """A file argument: `FileTypes`, or a union that takes one (`List[FileTypes] | FileTypes`)."""
    return python_annotation(param.type).startswith("FileTypes") or "FileTypes" in python_annotation(param.type).split(
        " | "
    )


def _is_file_list(param: Parameter) -> bool:
    """A list of files only (`List[FileTypes]`): its example is a list holding the example file."""
    return "List[FileTypes]" in python_annotation(param.type).split(" | ") and not _is_file(param)


def _argument(param: Parameter, helpers: set[str]) -> str:
    """Source for a value of `param`'s type: dates go through the package's parse helpers."""
    value = param.example
    for kind, helper in (("date", "parse_date"), ("datetime", "parse_datetime")):
        if python_annotation(param.type).split(" | ")[0] == kind:
            helpers.add(helper)
            fallback = _STRING_FORMATS["date" if kind == "date" else "date-time"]
            text = value if isinstance(value, str) and _parses_as(kind, value) else fallback
            return f"{helper}({literal(text)})"
    return literal(value)


def _parses_as(kind: str, text: str) -> bool:
    """Whether the generated `parse_date`/`parse_datetime` accept the spec's example (some say "string")."""
    try:
        if kind == "date":
            datetime.date.fromisoformat(text)
        else:
            datetime.datetime.fromisoformat(text)  # 3.11 reads a trailing Z
    except ValueError:
        return False
    return True


def example_value(schema: Schema | None, depth: int = 0) -> Any:
    """A JSON value that fits `schema` (None: any value): its own example when it has one, else one built from its
    type."""
    if schema is None:
        return "string"  # any value will do
    for value in (schema.example, schema.default, schema.const):
        if _is_json(value):
            return value
    for values in (schema.examples, schema.enum):
        if values and _is_json(values[0]):
            return values[0]
    if schema.type_is_list:
        type_ = next((t for t in schema.types if t != "null"), None)
    else:
        type_ = schema.types[0] if schema.types else None
    if type_ == "object" or schema.has("properties"):
        required = [n for n in schema.required if n in schema.properties] if depth < MAX_DEPTH else []
        return {name: example_value(_inline(schema.properties[name]), depth + 1) for name in required}
    if type_ == "array":
        items = _inline(schema.items)
        return [example_value(items, depth + 1)] if items is not None and depth < MAX_DEPTH else []
    if type_ == "string" and schema.format in _STRING_FORMATS:
        return _STRING_FORMATS[str(schema.format)]
    return _PLACEHOLDERS.get(str(type_), "string")


def _inline(schema: Schema | None) -> Schema | None:
    """A nested schema as written; a `$ref` is not followed here, so it is no schema (None), as `{}` is."""
    if schema is None or not schema.is_mapping or not schema.keywords or schema.has("$ref"):
        return None
    return schema


def _is_json(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool, list, dict))


def readme_snippets(api: Api) -> dict[str, str]:
    """Short examples for the README's sections, each using one of the API's own operations."""
    snippets: dict[str, str] = {}
    operation = pick_operation(api)
    if operation is None:
        return snippets
    raw = example_call(operation)
    raw.lines[0] = f"response = client.{'.'.join(operation.resource_path)}.with_raw_response.{operation.name}("
    raw.lines[-1:] = (
        [
            f"print(response.status_code, response.headers.get({literal(api.request_id_header)}),"
            " response.retries_taken)",
            f"{raw.result or 'result'} = response.parse()  # the same object the plain call returns",
        ]
        if raw.result
        else ["print(response.status_code)"]
    )
    snippets["raw"] = _source(raw.lines)
    streamed = example_call(operation)
    streamed.lines[0] = f"with client.{'.'.join(operation.resource_path)}.with_streaming_response.{operation.name}("
    streamed.lines[-2 if streamed.result else -1 :] = [
        ") as response:",
        "    for line in response.iter_lines():",
        "        print(line)",
    ]
    snippets["streaming"] = _source(streamed.lines)
    options = example_call(operation)
    options.lines[0] = options.lines[0].replace("client.", "client.with_options(max_retries=5, timeout=20.0).", 1)
    snippets["options"] = _source(options.lines)
    paged = next((op for op in api.operations if op.pagination), None)
    if paged is not None:
        listing = example_call(paged)
        listing.lines[0] = listing.lines[0].replace("page = ", "for item in ", 1)
        listing.lines[-2:] = ["):", "    print(item)  # every item of every page, fetched as needed"]
        pages = example_call(paged)
        pages.lines[-1:] = [
            "print(page.data)",
            "while page.has_next_page():",
            "    page = page.get_next_page()",
            "    print(page.data)",
        ]
        snippets["pagination"] = _source(listing.lines) + "\n\n# or page by page\n" + _source(pages.lines)
    snippets["errors"] = _errors_snippet(api, operation)
    upload = next((op for op in api.operations if any(_is_file(p) for p in op.parameters)), None)
    if upload is not None:
        snippets["upload"] = _upload_snippet(upload)
    download = next(
        (op for op in api.operations if python_annotation(op.return_type) == "bytes" and not op.pagination), None
    )
    if download is not None:
        snippets["download"] = _download_snippet(download)
    streamed_ops = [op for op in api.operations if op.stream] if api.operations else []
    events = next((op for op in streamed_ops if not op.deprecated), streamed_ops[0] if streamed_ops else None)
    if events is not None:
        snippets["events"] = events_snippet(events)
    return snippets


def events_snippet(op: Operation, client: str = "client") -> str:
    """Server-sent events: the call (with `stream=True` where a boolean argument chooses the stream), each item
    printed as it arrives, and the stream closed by its `with` block."""
    call = example_call(op, Caller(client=client))
    call.lines[0] = f"stream = {client}.{'.'.join(op.resource_path)}.{op.name}("
    end = call.lines.index(")")
    if op.stream is not None and op.stream.switch is not None:
        call.lines.insert(end, f"    {op.stream.switch}=True,")
        end += 1
    call.lines[end:] = [
        ")",
        "with stream:  # closes the connection at the end, also when you break out early",
        "    for event in stream:  # each one as soon as it arrives",
        "        print(event)",
    ]
    return _source(call.lines)


def _errors_snippet(api: Api, op: Operation) -> str:
    call = example_call(op)
    if call.result:
        call.lines.pop()  # the print
    call.lines[0] = call.lines[0].split(" = ", 1)[-1] if call.result else call.lines[0]
    return _source(
        [
            f"import {api.package}",
            "",
            f"client = {api.package}.{api.client_name}()",
            "",
            "try:",
            *("    " + line for line in call.lines),
            f"except {api.package}.APIConnectionError as e:",
            '    print("The server could not be reached:", e)',
            f"except {api.package}.RateLimitError as e:",
            '    print("Too many requests; retry later. Request id:", e.request_id)',
            f"except {api.package}.APIStatusError as e:",
            "    print(e.status_code, e.request_id, e.body)",
        ]
    )


def _upload_snippet(op: Operation) -> str:
    """A file argument given as a path (streamed from disk), then as bytes with a file name and content type."""
    from_path = example_call(op, file='Path("/path/to/file.pdf")')
    from_bytes = example_call(op, file='("file.pdf", b"...", "application/pdf")')
    return _source(
        [
            "from pathlib import Path",
            "",
            *from_path.lines,
            "",
            "# or bytes, with a file name and content type",
            *from_bytes.lines,
        ]
    )


def _download_snippet(op: Operation) -> str:
    """The body written to a file as it arrives, then the whole body as bytes."""
    streamed = example_call(op)
    streamed.lines[0] = f"with client.{'.'.join(op.resource_path)}.with_streaming_response.{op.name}("
    streamed.lines[-2:] = [
        ") as response:",
        '    response.write_to_file("downloaded.bin")  # streamed to disk as it arrives',
    ]
    whole = example_call(op)
    whole.lines[-1] = f"print(len({whole.result}))  # bytes, read into memory"
    return _source([*streamed.lines, "", "# or the whole body at once", *whole.lines])


@dataclass
class ClientTest:
    """What the generated `tests/test_client.py` needs: one operation called in each way, and its answer."""

    call: list[str]  # `client.<resource>.<method>(...)` with example arguments, as a statement
    raw_call: list[str]  # the same through `with_raw_response`, into `response`
    async_call: list[str]  # `await client...`
    success_body: str  # a Python literal: the JSON body of a successful answer
    helpers: set[str]  # from `<package>._utils`
    description: str  # `client.end_users.delete` (DELETE /end-users/{id})


def client_test(api: Api) -> ClientTest | None:
    """Calls of the operation the README shows, for tests of retries, errors, timeouts and raw responses."""
    op = pick_operation(api)
    if op is None:
        return None
    call, raw, async_ = example_call(op), example_call(op), example_call(op, _AWAITED)
    method = f"client.{'.'.join(op.resource_path)}.{op.name}("
    call.lines[0] = method
    raw.lines[0] = f"response = client.{'.'.join(op.resource_path)}.with_raw_response.{op.name}("
    async_.lines[0] = f"await {method}"
    for each in (call, raw, async_):
        if each.result:
            each.lines.pop()  # the example's print
        if each.lines[1:2] == [")"]:  # no arguments: the call on one line, as black writes it
            each.lines[0:2] = [each.lines[0] + ")"]
    body = example_value(response_node(op)) if python_annotation(op.return_type) != "None" else {}
    return ClientTest(
        call.lines,
        raw.lines,
        async_.lines,
        literal(body),
        call.helpers | raw.helpers,
        f"`client.{'.'.join(op.resource_path)}.{op.name}` ({op.http_method} {op.path})",
    )


def oauth_snippet(api: Api) -> str | None:
    """The client built from an OAuth2 client id and secret, and a call that fetches the token it sends."""
    flow = api.oauth_flows[0] if api.oauth_flows else None
    if flow is None:
        return None
    env = {c.name: c.env_var for c in api.credentials}
    uses = [op for op in api.operations if flow.credential in op.security]
    op = next((op for op in uses if not op.deprecated), uses[0] if uses else None)
    call = example_call(op) if op is not None else Call([])
    lines = ["import os", f"from {api.package} import {api.client_name}"]
    if call.helpers:
        lines.append(f"from {api.package}._utils import {', '.join(sorted(call.helpers))}")
    lines += ["", f"client = {api.client_name}("]
    for keyword in (flow.client_id, flow.client_secret):
        lines.append(f'    {keyword}=os.environ.get("{env[keyword]}"),  # This is the default and can be omitted')
    lines.append(")")
    if call.lines:
        lines += [
            "# The first call fetches a token; later calls reuse it until shortly before it expires.",
            *call.lines,
        ]
    return _source(lines)


def webhook_snippet(api: Api) -> str | None:
    """A handler verifying and parsing a webhook request with `client.<webhooks>.unwrap`."""
    hooks = api.webhook_verification
    if hooks is None:
        return None
    secret = next((c for c in api.credentials if c.name == hooks.credential), None)
    comment = f"  # {secret.name} defaults to the {secret.env_var} environment variable" if secret else ""
    unwrap = f"client.{hooks.attribute}.unwrap(body, headers)" if secret else f"client.{hooks.attribute}.unwrap(body)"
    return "\n".join(
        [
            f"from {api.package} import {api.client_name}",
            "",
            f"client = {api.client_name}(){comment}",
            "",
            "",
            "def handle_webhook(body: bytes, headers: dict[str, str]) -> None:",
            '    """Called with the raw body and the headers of a request the API sent,'
            ' as your web framework received them."""',
            f"    event = {unwrap}",
            "    print(event)",
        ]
    )


def webhook_example_payload(api: Api) -> tuple[str, str] | None:
    """(webhook name, JSON text) of the first webhook with a payload: the spec's example of it, else one built."""
    for webhook in api.webhooks:
        if isinstance(webhook.example, (dict, list)) and python_annotation(webhook.payload) != "None":
            text = json.dumps(webhook.example, indent=2, ensure_ascii=False)
            if "```" not in text:  # it goes in a Markdown code block
                return webhook.name, text
    return None


def response_node(op: Operation) -> Schema | None:
    """The schema of the operation's success response, where it is an object or another mapping (not `true`)."""
    schema = op.response_schema
    return schema if schema is not None and schema.is_mapping else None
