"""The modules under `resources/`: a class per resource (sync and async), a method per operation ending in the
request statement, in black's layout; the renaming shapes its requests use, built once per module."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from typing import Any

from generator.model import wire
from generator.model.ir import Api, Location, Operation, Pagination, Parameter, Resource, WireShape
from generator.targets.python.environment import PACKAGE_TEMPLATES, render_template
from generator.targets.python.imports import Import, all_key, import_block, module_file, relocated
from generator.targets.python.layout import bracket
from generator.targets.python.package import bases, mixin_imports
from generator.targets.python.pysource import string_literal
from generator.targets.python.spelling import ModelIndex, as_spelled, spelled_resource, spelling
from generator.targets.python.types import is_type, stream_annotation
from generator.targets.python.types import spell as spell_type
from generator.targets.python.wire_tables import RUNTIME, source, uses


def render_resource(api: Api, resource: Resource, index: ModelIndex) -> dict[str, str]:
    """A resource's module under `resources/` (and a group's `__init__`), as {path under the package: text}."""
    files: dict[str, str] = {}
    if resource.package:
        exported = [(relative(resource.module, resource.package), name) for name in resource_class_names(resource)]
        exported += [
            (relative(c.module, resource.package), n) for c in resource.children for n in resource_class_names(c)
        ]
        files[f"resources/{module_file(resource.package)}/__init__.py"] = render_template(
            f"{PACKAGE_TEMPLATES}/resources/group__init__.py.jinja",
            resource=resource,
            exported=exported,
            checking=import_block(Import(module, name) for module, name in exported),
            exports=sorted((name for _, name in exported), key=all_key),
        )
    shapes = _shape_constants(resource, api.renamed)
    mixins = mixin_imports(api, [resource.class_name, resource.async_class_name], _ROOT_FROM_SUBPACKAGE)
    imports, names = _resource_imports(resource, index, api.renamed, set(shapes.values()), mixins)
    wired = _Wired(api.renamed, shapes, names)
    spelled = spelled_resource(resource, names)  # its types as this module writes them
    request_context = {
        "op_groups": {op.name: _argument_groups(op, wired) for op in resource.operations},
        "body_values": {op.name: wired.value(_body_argument(op), op.located("body")) for op in resource.operations},
        "query_styles": {op.name: [p for p in op.located("query") if not p.default_style] for op in spelled.operations},
        "required_headers": {op.name: [p for p in op.located("header") if p.required] for op in spelled.operations},
    }
    files[f"resources/{module_file(resource.module)}.py"] = render_template(
        f"{PACKAGE_TEMPLATES}/resources/resource.py.jinja",
        api=api,
        resource=spelled,
        children={c.name: relative(c.module, resource.package) for c in resource.children},
        imports=imports,
        bases={
            resource.class_name: bases(api, resource.class_name, "SyncAPIResource"),
            resource.async_class_name: bases(api, resource.async_class_name, "AsyncAPIResource"),
        },
        exports=sorted([resource.class_name, resource.async_class_name], key=all_key),
        request_statement=functools.partial(_request_statement, context=request_context),
        shapes=[{"name": name, "source": source(shape, names)} for shape, name in shapes.items()],
        streams={op.name: _stream_signatures(op) for op in spelled.operations if op.stream},
    )
    return files


# Where a generated module sits relative to the package root decides its relative-import prefix.
_ROOT_FROM_SUBPACKAGE = ".."


_RESPONSE_WRAPPERS = (
    "async_to_raw_response_wrapper",
    "async_to_streamed_response_wrapper",
    "to_raw_response_wrapper",
    "to_streamed_response_wrapper",
)


_GROUPS: tuple[tuple[Location, str], ...] = (
    ("path", "path_params"),
    ("query", "query"),
    ("header", "headers"),
    ("cookie", "cookies"),
)


def resource_class_names(resource: Resource) -> list[str]:
    """The classes a resource module defines: the resource, sync and async, and their response wrappers."""
    names = [resource.class_name, resource.async_class_name]
    return names + [f"{name}With{kind}Response" for name in names for kind in ("Raw", "Streaming")]


def relative(module: str, package: str) -> str:
    """The relative import of the dotted `module` (under resources/) from a module of `package`."""
    return "." + (module[len(package) + 1 :] if package else module)


def _resource_imports(
    resource: Resource,
    index: ModelIndex,
    renamed: frozenset[str],
    constants: set[str],
    mixins: Iterable[Import] = (),
) -> tuple[list[str], dict[str, str]]:
    """The import lines of a resource module, and how it spells the models and tables it uses (see `spelling`).

    `mixins` are the user's classes from `lib/` the resource classes inherit from, written as from `resources/`."""
    importer = f"resources.{resource.module}"
    refs = [p.type for op in resource.operations for p in op.parameters] + [
        op.return_type for op in resource.operations
    ]
    pages = [op.pagination for op in resource.operations if op.pagination]
    refs += [page.item for page in pages]
    streamed = [op.stream for op in resource.operations if op.stream]
    refs += [s.item for s in streamed]
    imports: set[Import] = set().union(*(spell_type(ref.tree)[1] for ref in refs))
    tables: set[str] = set()
    shapes = [s for op in resource.operations for p in op.parameters if (s := wire.prune(p.type.shape, renamed))]
    for shape in shapes:
        found_tables, wrappers = uses(shape)
        tables |= found_tables
        imports |= {Import(RUNTIME, w) for w in wrappers} | {Import(RUNTIME, "to_wire")}
    imports |= {Import(module, "") for module in ("warnings",) if any(op.deprecated for op in resource.operations)}
    if any(not is_type(op.return_type.tree) for op in resource.operations):
        imports |= {Import("typing", "cast"), Import(".._types", "type_of")}
    imports |= {Import(".._streaming", name) for name in ("AsyncStream", "Stream")} if streamed else set()
    imports |= (
        {Import("typing", name) for name in ("Literal", "overload")} if any(s.switch for s in streamed) else set()
    )
    imports |= {Import("..pagination", f"{kind}{page.page_class}") for page in pages for kind in ("Sync", "Async")}
    imports |= {Import("..pagination", "AsyncPaginator"), Import("..pagination", "PageSpec")} if pages else set()
    imports |= {Import(".._resource", "AsyncAPIResource"), Import(".._resource", "SyncAPIResource")}
    imports.add(Import("functools", "cached_property"))  # with_raw_response, child resources
    if resource.operations:
        imports |= {Import(".._response", name) for name in _RESPONSE_WRAPPERS}
        imports |= {
            Import(".._types", name) for name in ("NOT_GIVEN", "Body", "Headers", "NotGiven", "Query", "Timeout")
        }
    if resource.children:
        imports.add(Import("typing", "TYPE_CHECKING"))
    imports |= set(mixins)
    children = {
        Import(relative(c.module, resource.package), n) for c in resource.children for n in resource_class_names(c)
    }
    reserved = {i.name for i in imports | children} | set(resource_class_names(resource)) | constants
    used = {n for ref in refs for n in ref.models}
    names, model_imports = spelling(importer, used, tables, index, reserved)
    lines = import_block(relocated(imports, importer) | model_imports)
    if resource.children:
        lines += ["", "if TYPE_CHECKING:", *("    " + line for line in import_block(children))]
    return lines, names


def _shape_constants(resource: Resource, renamed: frozenset[str]) -> dict[WireShape, str]:
    """Shapes other than a plain table -> module constant: built once at import, not on every call."""
    constants: dict[WireShape, str] = {}
    for op in resource.operations:
        for param in op.parameters:
            shape = wire.prune(param.type.shape, renamed)
            if shape is not None and shape.kind != "keys":
                constants.setdefault(shape, f"_WIRE_{len(constants) + 1}")
    return constants


class _Wired:
    """How a resource module sends an argument: as it is, or through `to_wire` with its shape (a module constant,
    or a table named as the module writes it)."""

    def __init__(self, renamed: frozenset[str], constants: dict[WireShape, str], names: Mapping[str, str]) -> None:
        self.renamed, self.constants, self.names = renamed, constants, names

    def value(self, name: str, params: Iterable[Parameter]) -> str:
        """`name`, or `to_wire(name, <shape>)` when its value holds request keys to rename (see
        generator/model/wire.py)."""
        shape = next((s for p in params if (s := wire.prune(p.type.shape, self.renamed)) is not None), None)
        if shape is None:
            return name
        constant = self.constants.get(shape)
        return f"to_wire({name}, {constant or source(shape, self.names)})"


def _argument_groups(op: Operation, wired: _Wired) -> list[tuple[str, list[tuple[str, str]]]]:
    """Per keyword of `request(...)`: (wire name, the expression sending the argument) for each parameter."""
    groups = [(keyword, list(op.located(location))) for location, keyword in _GROUPS]
    if op.body is not None and op.body.flattened:
        groups.append(("body", list(op.located("body"))))
    return [
        # path parameters by their Python names, which `_python_path` puts in the path
        (
            keyword,
            [(p.name if keyword == "path_params" else p.wire_name, wired.value(p.name, [p])) for p in params],
        )
        for keyword, params in groups
        if params
    ]


def _body_argument(op: Operation) -> str:
    """The argument holding a whole request body: `body`, or the config's `body_names` name for it."""
    return next((p.name for p in op.located("body")), "body")


def _python_path(op: Operation) -> str:
    """The path with each parameter's placeholder named as its argument (`{integration_slug}`), so an empty value
    raises naming the argument the caller passed, as the published SDKs do."""
    names = {p.wire_name: p.name for p in op.located("path")}
    return re.sub(r"\{([^{}]+)\}", lambda m: "{" + names.get(m[1], m[1]) + "}", op.path)


def _stream_signatures(op: Operation) -> dict[bool, dict[str, Any]]:
    """Per sync/async: what a streaming method returns and, where a boolean argument chooses between JSON
    and the stream, its overloads (`Literal[False]` or omitted -> the JSON type, `Literal[True]` -> the
    stream, any bool -> either), each as the switch's annotation and the return type."""
    assert op.stream is not None
    result: dict[bool, dict[str, Any]] = {}
    for is_async in (False, True):
        stream = stream_annotation(as_spelled(op.stream.item).annotation, is_async)
        switch = next((p for p in op.keyword if p.name == op.stream.switch), None)
        if switch is None:
            result[is_async] = {"returns": stream, "overloads": []}
            continue
        either = f"{as_spelled(op.return_type).annotation} | {stream}"
        nullable = " | None" if "None" in as_spelled(switch.type).annotation.split(" | ") else ""
        off = {
            "annotation": f"Literal[False]{nullable}" + ("" if switch.required else " | NotGiven"),
            "optional": not switch.required,
            "returns": as_spelled(op.return_type).annotation,
        }
        on = {"annotation": "Literal[True]", "optional": False, "returns": stream}
        any_ = {"annotation": as_spelled(switch.type).annotation, "optional": False, "returns": either}
        result[is_async] = {"returns": either, "overloads": [off, on, any_]}
    return result


def _request_statement(op: Operation, is_async: bool, page_type: str, returns: str, context: Mapping[str, Any]) -> str:
    """The statement ending a resource method: `self._client.request(...)` (or `request_page`, in an
    `AsyncPaginator` for an async list) with its arguments, in black's layout at the method body's indent."""
    page = op.pagination
    indent = 12 if page and is_async else 8  # an async list's call sits inside `AsyncPaginator(lambda: ...)`
    args = _page_arguments(page, page_type, indent + 4) if page else []
    args += [string_literal(op.http_method), string_literal(_python_path(op))]
    args += _parameter_arguments(op, context, indent + 4)
    args += _body_arguments(op, context, indent + 4)
    args += _response_arguments(op, is_async, indent + 4)
    args += ["extra_headers=extra_headers", "extra_query=extra_query", "extra_body=extra_body", "timeout=timeout"]
    inner = " " * (indent + 4)
    call = "".join(f"{inner}{arg}{'' if arg.endswith(',') else ','}\n" for arg in args) + " " * indent + ")"
    if page and is_async:
        return f"return AsyncPaginator(\n            lambda: self._client.request_page(\n{call}\n        )"
    if page:
        return f"return self._client.request_page(\n{call}"
    awaited = "await " if is_async else ""
    if as_spelled(op.return_type).is_type:
        return f"return {awaited}self._client.request(\n{call}"
    return f"response = {awaited}self._client.request(\n{call}\n        return cast({returns}, response)"


def _page_arguments(page: Pagination, page_type: str, indent: int) -> list[str]:
    """The page class and its `PageSpec(...)`: where the items, the next page and the totals are."""
    spec = [string_literal(page.items)]
    spec += [
        f"{name}={string_literal(getattr(page, name))}"
        for name in ("param", "next", "has_more", "total", "total_pages", "item_id")
        if getattr(page, name)
    ]
    spec += ["has_more_inverted=True"] if page.has_more_inverted else []
    return [page_type, bracket("PageSpec(", spec, "),", indent, call=True)]


def _tuple_argument(keyword: str, items: list[str], indent: int) -> str:
    """`keyword=(a, b),` in black's layout, a one-item tuple with its comma."""
    return bracket(f"{keyword}=(", [item + ("," if len(items) == 1 else "") for item in items], "),", indent)


def _parameter_arguments(op: Operation, context: Mapping[str, Any], indent: int) -> list[str]:
    """The parameters by where they go (`path_params={...}`, `query={...}`, ...), the required headers and the
    query parameters not in the default style."""
    args: list[str] = []
    for keyword, params in context["op_groups"][op.name]:
        pairs = [f"{string_literal(wire_name)}: {value}" for wire_name, value in params]
        args.append(bracket(f"{keyword}={{", pairs, "},", indent))
    if required := context["required_headers"][op.name]:
        args.append(_tuple_argument("required_headers", [string_literal(p.wire_name) for p in required], indent))
    if styles := context["query_styles"][op.name]:
        pairs = [f"{string_literal(p.wire_name)}: ({string_literal(p.style)}, {p.explode})" for p in styles]
        args.append(bracket("query_styles={", pairs, "},", indent))
    return args


def _body_arguments(op: Operation, context: Mapping[str, Any], indent: int) -> list[str]:
    """The request body (unless its fields are the method's arguments), its kind, part types and content type."""
    if not op.body:
        return []
    args = [] if op.body.flattened else [f"body={context['body_values'][op.name]}"]
    if op.body.kind != "json":
        args.append(f"body_kind={string_literal(op.body.kind)}")
    if op.body.part_types:
        pairs = [f"{string_literal(name)}: {string_literal(kind)}" for name, kind in op.body.part_types]
        args.append(bracket("part_types={", pairs, "},", indent))
    args.append(f"content_type={string_literal(op.body.content_type)}")
    return args


def _response_arguments(op: Operation, is_async: bool, indent: int) -> list[str]:
    """What the response must be: the Accept header, extra success statuses, the security schemes, the stream
    and the type the answer is parsed into (`cast_to`)."""
    args = [f"accept={string_literal(op.accept)}"] if op.accept else []
    if op.redirect_success:
        args.append(_tuple_argument("success_statuses", [str(code) for code in op.redirect_success], indent))
    if op.security:
        args.append(_tuple_argument("security", [string_literal(name) for name in op.security], indent))
    return args + _result_arguments(op, is_async)


def _result_arguments(op: Operation, is_async: bool) -> list[str]:
    """`stream=...`, `stream_cls=...` and `cast_to=...`: how the answer is read."""
    stream = stream_annotation(as_spelled(op.stream.item).annotation, is_async) if op.stream else ""
    if op.stream and op.stream.switch:
        return [f"stream={op.stream.switch} is True", f"stream_cls={stream}", *_cast_to(op)]
    if op.stream:
        return ["stream=True", f"cast_to={stream}"]
    return _cast_to(op)


def _cast_to(op: Operation) -> list[str]:
    spelled = as_spelled(op.return_type)
    if spelled.is_type:
        return [f"cast_to={spelled.runtime or spelled.annotation}"]
    return [f"cast_to=type_of({spelled.annotation})"]
