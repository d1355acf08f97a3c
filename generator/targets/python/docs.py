"""The content of README.md and api.md: the example programs, the API reference (a signature per method, the
types it returns as users import them), a renamed TypedDict key to show."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from generator.model.ir import Api, Credential, Model
from generator.targets.python.escaping import markdown_anchor
from generator.targets.python.examples import aiohttp_program, example_program
from generator.targets.python.formatting import format_with_black
from generator.targets.python.imports import isort_key, module_file
from generator.targets.python.layout import lay_out_programs
from generator.targets.python.types import annotation, stream_annotation


def readme_example(api: Api) -> dict[str, str]:
    programs = lay_out_programs(
        [example_program(api, is_async=False), example_program(api, is_async=True), aiohttp_program(api)],
        format_with_black,
    )
    return dict(zip(("sync", "async_", "aiohttp"), programs, strict=True))


def api_reference(api: Api) -> list[dict[str, Any]]:
    """Per resource: its path, module, the types its methods return and a one-line signature per method."""
    entries = []
    # as users import them: `Report`, not the model's unique name `QbdReport`
    classes = {m.name: m.python_name for m in api.models if m.python_name != m.name}
    models = {m.name: m for m in api.models}

    for resource in api.all_resources():
        methods = []
        types: set[str] = set()
        for op in resource.operations:
            returned = (
                f"Sync{op.pagination.page_class}[{annotation(op.pagination.item, classes)}]"
                if op.pagination
                else annotation(op.return_type, classes)
            )
            types |= (op.pagination.item.models if op.pagination else set()) | op.return_type.models
            arguments = [p.name for p in op.positional] + [f"{p.name}=..." for p in op.keyword if p.required]
            if any(not p.required for p in op.keyword):
                arguments.append("...")
            if op.stream is not None and op.stream.switch is not None:
                returned += (
                    f" (with {op.stream.switch}=True: {stream_annotation(annotation(op.stream.item, classes), False)})"
                )
                types |= op.stream.item.models
            methods.append({"op": op, "signature": f"{op.name}({', '.join(arguments)}) -> {returned}"})
        children = [
            {"path": child.path, "anchor": markdown_anchor(f"client.{'.'.join(child.path)}")}
            for child in resource.children
        ]
        entries.append(
            {
                "resource": resource,
                "methods": methods,
                "type_imports": _type_import_lines(api.package, models, types),
                "children": children,
                "file": f"resources/{module_file(resource.module)}.py",
            }
        )
    return entries


def _type_import_lines(package: str, models: Mapping[str, Model], names: set[str]) -> list[str]:
    """`pkg.types.qbd import Invoice, ...` per module the types are imported from: a namespace for its main
    classes, the defining module for nested ones."""
    found: dict[str, set[str]] = {}
    for name in names:
        model = models[name]
        module = model.module.rsplit(".", 1)[0] if "." in model.module else ""
        where = (
            f"{package}.types" + (f".{module}" if module else "")
            if model.exported
            else f"{package}.types.{model.module}"
        )
        found.setdefault(where, set()).add(model.python_name)
    return [f"{where} import {', '.join(sorted(found[where], key=isort_key))}" for where in sorted(found)]


def renamed_key(api: Api) -> dict[str, str] | None:
    """A TypedDict key sent under another name, for the README: the first one the API has whose wire name can
    sit in a Markdown code span as it is (printable, no backtick)."""
    for model in api.models:
        fields = model.fields if model.name in api.renamed else ()
        field = next(
            (f for f in fields if f.name != f.wire_name and f.wire_name.isprintable() and "`" not in f.wire_name), None
        )
        if field is not None:
            return {
                "model": model.python_name,
                "module": f"{api.package}.types.{model.module}",
                "key": f'"{field.name}"',
                "wire_name": f'"{field.wire_name}"',
            }
    return None


def first(items: Sequence[Credential]) -> Credential | None:
    return items[0] if items else None
