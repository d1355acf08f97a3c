"""What the generated per-resource tests (`tests/api_resources/...`) call and check, method by method.

Each method gets, sync and async: a call with its required arguments, a call with every argument (when it
has optional ones), a call through `with_raw_response` and one through `with_streaming_response`, and, per
string path parameter, a call with it empty that must be refused before anything is sent. Arguments come
from `examples.example_arguments`, the builder the README and code samples use; results are checked against
the declared type all the way down by the generated `tests/utils.py`.
"""

from __future__ import annotations

import builtins
import re
from dataclasses import dataclass

from generator.model.ir import Api, Operation, Resource
from generator.model.naming import singular
from generator.model.types import NONE, STRING
from generator.targets.python.environment import render_template
from generator.targets.python.examples import example_arguments
from generator.targets.python.imports import Import, import_block
from generator.targets.python.naming import snake_case
from generator.targets.python.pysource import literal
from generator.targets.python.spelling import ModelIndex, spelling
from generator.targets.python.types import annotation as python_annotation
from generator.targets.python.types import python_type

# Names a result variable must not take in a test module: what the module imports or the tests define, and the
# builtins (a variable `float` would hide the type in `list[float]`).
_RESERVED = frozenset(
    {
        "client",
        "async_client",
        "response",
        "pytest",
        "self",
        "assert_matches_type",
        "next_page",
        *(name for name in dir(builtins) if not name.startswith("_")),
    }
)


@dataclass
class Check:
    """How a test checks a result held in a variable: source lines with `{}` standing for the variable."""

    sync: list[str]
    async_: list[str]


@dataclass
class MethodTest:
    name: str  # the method's name, in the tests' names
    call: str  # `end_users.delete`, after `client.`
    raw: str  # `end_users.with_raw_response.delete`
    streaming: str  # `end_users.with_streaming_response.delete`
    http_method: str
    required: list[str]  # argument lines of the call with the required arguments only
    every: list[str] | None  # argument lines with every argument; None when there is no optional one
    variable: str | None  # where the result goes; None when the method returns None
    check: Check
    empty_paths: list[
        tuple[str, list[str]]
    ]  # per string path parameter: (the refusal's pattern, arguments with it empty)
    always_streams: bool  # the result is a stream of events: no raw or streaming-response tests
    pages: Check | None = None  # a paginated method: fetching the second page and checking it
    skip: str | None = None  # config `skip_tests`: why the method's tests are skipped


@dataclass
class ResourceTests:
    class_name: str  # `EndUsers`: the test classes are `TestEndUsers` and `TestAsyncEndUsers`
    methods: list[MethodTest]


def resource_tests(api: Api, resource: Resource, spelling: dict[str, str]) -> ResourceTests:
    """The tests of one resource's methods. `spelling` says how the test module writes each model's name."""
    skips = dict(api.test_skips)
    methods = [_method_test(op, spelling, skips.get(f"{op.http_method} {op.path}")) for op in resource.operations]
    class_name = resource.class_name.removesuffix("Resource") or resource.class_name
    return ResourceTests(class_name, methods)


def used_models(resource: Resource) -> set[str]:
    """The models a resource's tests name: return types and page items."""
    used: set[str] = set()
    for op in resource.operations:
        if not _always_streams(op):  # a stream is checked to be a `Stream`, its events are not named
            used |= op.pagination.item.models if op.pagination else op.return_type.models
    return used


def test_imports(api: Api, resource: Resource) -> set[Import]:
    """What a resource's tests import besides the models (absolute, from the package or the standard library)."""
    imports = {Import("pytest", ""), Import(api.package, api.client_name), Import(api.package, api.async_client_name)}
    if any(op.pagination or (not _always_streams(op) and op.return_type.tree != NONE) for op in resource.operations):
        imports.add(Import("tests.utils", "assert_matches_type"))  # what checks the results
    for op in resource.operations:
        type_ = op.pagination.item if op.pagination else op.return_type
        if not _always_streams(op):
            imports |= {_absolute(api.package, i) for i in python_type(type_).imports}
        if op.pagination:
            imports |= {
                Import(f"{api.package}.pagination", f"{kind}{op.pagination.page_class}") for kind in ("Sync", "Async")
            }
        elif _always_streams(op):
            imports |= {Import(f"{api.package}._streaming", name) for name in ("Stream", "AsyncStream")}
        helpers: set[str] = set()
        example_arguments(op, helpers, every=True)
        imports |= {Import(f"{api.package}._utils", helper) for helper in helpers}
    return imports


def _absolute(package: str, item: Import) -> Import:
    """An annotation's import as a test module writes it: `.._models` and `.types.x` from the package root."""
    if item.module.startswith(".."):
        return Import(f"{package}.{item.module[2:]}", item.name)
    if item.module.startswith("."):
        return Import(f"{package}{item.module}", item.name)
    return item


def _always_streams(op: Operation) -> bool:
    return op.stream is not None and op.stream.switch is None


def _method_test(op: Operation, spelling: dict[str, str], skip: str | None) -> MethodTest:
    helpers: set[str] = set()  # imported once per module by `test_imports`
    prefix = ".".join(op.resource_path)
    required = example_arguments(op, helpers)
    every = example_arguments(op, helpers, every=True)
    noun = snake_case(singular((op.resource_path[-1] if op.resource_path else op.name).rstrip("_")), "result")
    variable: str | None = "page" if op.pagination else noun
    if variable in _RESERVED or variable in spelling.values():
        variable = f"{variable}_result"
    if op.pagination is None and op.return_type.tree == NONE:
        variable = None
    check, pages = _checks(op, spelling)
    return MethodTest(
        name=op.name,
        call=f"{prefix}.{op.name}",
        raw=f"{prefix}.with_raw_response.{op.name}",
        streaming=f"{prefix}.with_streaming_response.{op.name}",
        http_method=op.http_method,
        required=required,
        every=every if every != required else None,
        variable=variable,
        check=check,
        empty_paths=_empty_paths(op, helpers),
        always_streams=_always_streams(op),
        pages=pages,
        skip=skip,
    )


def _checks(op: Operation, spelling: dict[str, str]) -> tuple[Check, Check | None]:
    """How a result is checked; for a paginated method also how its second page is."""
    if op.pagination is not None:
        item = python_annotation(op.pagination.item, spelling)
        page = op.pagination.page_class
        check = Check(
            [f"assert isinstance({{}}, Sync{page})", f'assert_matches_type(list[{item}], {{}}.data, path=["data"])'],
            [f"assert isinstance({{}}, Async{page})", f'assert_matches_type(list[{item}], {{}}.data, path=["data"])'],
        )
        # Walked across two pages: the next page is fetched as the first one says, and has the same shape.
        walk = [f'assert_matches_type(list[{item}], next_page.data, path=["next page", "data"])']
        pages = Check(
            ["if {}.has_next_page():", "    next_page = {}.get_next_page()", *("    " + line for line in walk)],
            ["if {}.has_next_page():", "    next_page = await {}.get_next_page()", *("    " + line for line in walk)],
        )
        return check, pages
    if _always_streams(op):
        return Check(["assert isinstance({}, Stream)"], ["assert isinstance({}, AsyncStream)"]), None
    if op.return_type.tree == NONE:
        return Check([], []), None
    annotation = python_annotation(op.return_type, spelling)
    line = f'assert_matches_type({annotation}, {{}}, path=["response"])'
    return Check([line], [line]), None


def _empty_paths(op: Operation, helpers: set[str]) -> list[tuple[str, list[str]]]:
    """For each string path parameter, the `match=` pattern of its refusal and the required arguments with it empty."""
    found = []
    for index, param in enumerate(op.positional):
        if param.type.tree != STRING:
            continue
        arguments = example_arguments(op, helpers)
        arguments[index] = '"",'
        found.append((refused_pattern(param.wire_name, param.name), arguments))
    return found


def refused_pattern(wire_name: str, name: str) -> str:
    """The `match=` of the empty path parameter's ValueError, as Python source: the message names the parameter
    by its wire name or (as the runtime may) its argument name."""
    names = [_escaped(wire_name)] + ([_escaped(name)] if name != wire_name else [])
    either = names[0] if len(names) == 1 else f"(?:{'|'.join(names)})"
    return literal(f"Expected a non-empty value for `{either}`")


def _escaped(text: str) -> str:
    return "".join("\\" + c if c in _REGEX_SPECIAL else c for c in text)


_REGEX_SPECIAL = frozenset(".^$*+?{}[]\\|()")


# --- the test modules ------------------------------------------------------------------------------


def render_conftest(api: Api) -> str:
    """`tests/conftest.py`: the clients of the mock server the resource tests use, strict and lax."""
    imports = {
        Import("os", ""),
        Import("pytest", ""),
        Import("collections.abc", "AsyncIterator"),
        Import("collections.abc", "Iterator"),
        Import(api.package, api.client_name),
        Import(api.package, api.async_client_name),
    }
    arguments = ["base_url=_base_url()", "max_retries=0", "strict_response_validation=request.param"]
    arguments += [f'{c.name}="test-credential"' for c in api.credentials]
    return render_template(
        "tests/conftest.py.jinja",
        api=api,
        imports=import_block(imports, first_party=api.package),
        client_args=arguments,
    )


def render_resource_tests(api: Api, resource: Resource, index: ModelIndex) -> str:
    """`tests/api_resources/<resource>.py` (this module), the models imported absolutely, renamed where
    two share a name."""
    imports = test_imports(api, resource)
    reserved = {i.name for i in imports} | {"pytest", "assert_matches_type"}
    names, model_imports = spelling("_tests", used_models(resource), (), index, reserved)
    imports |= {Import(f"{api.package}{i.module}", i.name) for i in model_imports}  # `.types.x` from the root
    text = render_template(
        "tests/test_resource.py.jinja",
        api=api,
        resource=resource,
        tests=resource_tests(api, resource, names),
        imports=import_block(imports, first_party=api.package, local=frozenset({"tests"})),
    )
    return re.sub(r"\n{4,}", "\n\n\n", text).rstrip("\n") + "\n"  # the loops leave a blank line after each test


def client_test_imports(api: Api, helpers: set[str]) -> list[str]:
    modules = ("asyncio", "json", "threading", "time")
    imports = {Import(module, "") for module in modules} | {Import("pytest", "")}
    imports |= {
        Import("collections.abc", "Iterator"),
        Import("dataclasses", "dataclass"),
        Import("dataclasses", "field"),
        Import("http.server", "BaseHTTPRequestHandler"),
        Import("http.server", "ThreadingHTTPServer"),
        Import("typing", "Any"),
    }
    errors = ("APITimeoutError", "InternalServerError", "NotFoundError")
    imports |= {Import(api.package, name) for name in (api.client_name, api.async_client_name, *errors)}
    imports |= {Import(f"{api.package}._utils", helper) for helper in helpers}
    return import_block(imports, first_party=api.package)
