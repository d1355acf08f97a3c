"""How each generated Python module writes the names of the models it uses, and the IR spelled for one module.

A model's name is unique in the API (`QbdInvoice`); its class has a shorter name in its own module (`Invoice`),
and another module imports it under that name or, where the name is taken there, under an alias. `spelling`
settles that for one module; `spelled_*` give the templates the module's view (types as `PythonType`s).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from generator.model.ir import Model, Operation, Resource, TypeRef
from generator.targets.python.imports import Import, relative_module
from generator.targets.python.naming import pascal_case
from generator.targets.python.types import PythonType, python_type
from generator.targets.python.wire_tables import TABLE_SUFFIX


class ModelIndex:
    """The API's models by name and by module, and each module's first exported class: built once per project
    (a project has a thousand modules, and every one of them asks how to write the models it uses)."""

    def __init__(self, models: Iterable[Model]) -> None:
        self.by_name: dict[str, Model] = {}
        self.by_module: dict[str | None, list[Model]] = {}
        self.mains: dict[str, str] = {}
        for model in models:
            self.by_name[model.name] = model
            self.by_module.setdefault(model.module, []).append(model)
            if model.exported:
                self.mains.setdefault(model.module, model.python_name)


def spelling(
    importer: str, used: Iterable[str], tables: Iterable[str], index: ModelIndex, reserved: Iterable[str]
) -> tuple[dict[str, str], set[Import]]:
    """How the module `importer` writes the models it uses (and the renaming tables of `tables`), and the imports.

    Its own models by their class names; others imported under theirs (`from ..end_user import EndUser`), or,
    where the name is taken (by one of its own classes, another import or `reserved`), under an alias named after
    where the class lives: `QbdInvoice` for `types/qbd/`, `SharedCustomer` for `types/`, `InvoiceLine` for a class
    nested in `invoice.py`. Deterministic: imports are settled in order of module and class name.
    """
    module = importer.removeprefix("types.") if importer.startswith("types.") else None
    models, mains = index.by_name, index.mains
    own = index.by_module.get(module, [])
    taken = set(reserved) | {m.python_name for m in own}
    names = {m.name: m.python_name for m in own}
    imports: set[Import] = set()
    wanted = {n for n in (*used, *tables) if n not in names and n in models}
    for name in sorted(wanted, key=lambda n: (models[n].module, models[n].python_name)):
        model = models[name]
        spelled = model.python_name
        if spelled in taken:
            namespace = model.module.split(".")[:-1]
            prefix = (pascal_case(" ".join(namespace)) if namespace else "Shared") if model.exported else ""
            prefix = prefix or mains.get(model.module) or pascal_case(model.module.split(".")[-1])
            spelled, number = prefix + model.python_name, 2
            while spelled in taken:
                spelled, number = f"{prefix}{model.python_name}{number}", number + 1
        taken.add(spelled)
        names[name] = spelled
    for name in wanted:
        model, spelled = models[name], names[name]
        source = relative_module(importer, f"types.{model.module}")
        suffixes = ([""] if name in used else []) + ([TABLE_SUFFIX] if name in tables else [])
        for suffix in suffixes:
            as_ = "" if spelled == model.python_name else f" as {spelled}{suffix}"
            imports.add(Import(source, f"{model.python_name}{suffix}{as_}"))
    return names, imports


def spelled_type(type_: TypeRef, names: Mapping[str, str]) -> PythonType:
    return python_type(type_, names)


def as_spelled(type_: TypeRef) -> PythonType:
    """A type of a model or operation already spelled for its module (`spelled_operation`, `spelled_model`)."""
    assert isinstance(type_, PythonType)
    return type_


def spelled_model(model: Model, names: Mapping[str, str]) -> Model:
    """The model as its module writes it: its class name, its fields' types spelled there."""
    fields = tuple(dataclasses.replace(f, type=spelled_type(f.type, names)) for f in model.fields)
    alias = spelled_type(model.alias, names) if model.alias else None
    return dataclasses.replace(model, name=model.python_name, fields=fields, alias=alias)


def spelled_operation(op: Operation, names: Mapping[str, str]) -> Operation:
    parameters = tuple(dataclasses.replace(p, type=spelled_type(p.type, names)) for p in op.parameters)
    page = dataclasses.replace(op.pagination, item=spelled_type(op.pagination.item, names)) if op.pagination else None
    stream = dataclasses.replace(op.stream, item=spelled_type(op.stream.item, names)) if op.stream else None
    return dataclasses.replace(
        op, parameters=parameters, return_type=spelled_type(op.return_type, names), pagination=page, stream=stream
    )


def spelled_resource(resource: Resource, names: Mapping[str, str]) -> Resource:
    return dataclasses.replace(resource, operations=tuple(spelled_operation(op, names) for op in resource.operations))
