"""The modules under `types/`: pydantic models, request TypedDicts and type aliases, with their renaming tables,
in the order Python needs them; and the namespaces' `__init__` modules that re-export them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from generator.model import wire
from generator.model.ir import Api, Model
from generator.targets.python.environment import PACKAGE_TEMPLATES, render_template
from generator.targets.python.imports import Import, all_key, import_block, natural_key, relocated
from generator.targets.python.layout import bracket, fits
from generator.targets.python.naming import RESERVED_MODEL_NAMES
from generator.targets.python.pysource import string_literal
from generator.targets.python.spelling import ModelIndex, spelled_model, spelling
from generator.targets.python.types import spell as spell_type
from generator.targets.python.wire_tables import RUNTIME, TABLE_SUFFIX, table, uses


def render_types_module(api: Api, module: str, members: list[Model], index: ModelIndex) -> str:
    """One module under `types/`: its classes in dependency order, aliases, renaming tables, rebuilds."""
    importer = f"types.{module}"
    refs = [field.type for model in members for field in model.fields] + [m.alias for m in members if m.alias]
    tables: set[str] = set()
    wrappers: set[str] = set()
    here = {m.name for m in members}
    for model in (m for m in members if m.name in api.wire_tables):
        for field in model.fields:
            shape = wire.prune(field.type.shape, api.renamed)
            if shape is not None:
                found_tables, found_wrappers = uses(shape)
                tables |= found_tables - here
                wrappers |= found_wrappers
    names, model_imports = spelling(
        importer, {n for ref in refs for n in ref.models}, tables, index, RESERVED_MODEL_NAMES
    )
    imports: set[Import] = set().union(*(spell_type(ref.tree)[1] for ref in refs))
    imports |= {Import(RUNTIME, w) for w in wrappers}
    if any(m.name in api.wire_tables for m in members):
        imports.add(Import(RUNTIME, "Renames"))
    if any(m.alias is None and not m.request for m in members):
        imports.add(Import(".._models", "BaseModel"))
    if any(m.request for m in members):
        imports.add(Import("typing_extensions", "TypedDict"))
    if any(f.required for m in members if m.request for f in m.fields):
        imports.add(Import("typing_extensions", "Required"))
    if any(m.alias is not None for m in members):
        imports.add(Import("typing", "TypeAlias"))
    if any(f.name != f.wire_name for m in members if not m.request for f in m.fields):
        imports.add(Import("pydantic", "Field"))
    classes = _definition_order([m for m in members if m.alias is None])
    aliases = _aliases_in_dependency_order([m for m in members if m.alias is not None])
    return render_template(
        f"{PACKAGE_TEMPLATES}/types/model.py.jinja",
        api=api,
        models=[spelled_model(m, names) for m in classes],
        aliases=[spelled_model(m, names) for m in aliases],
        exports=sorted((m.python_name for m in members), key=all_key),
        module_doc=", ".join(m.python_name for m in members if m.exported) + ".",
        imports=import_block(relocated(imports, importer) | model_imports),
        rebuild=[names[n] for n in _rebuilt([*classes, *aliases])],
        tables=[_table(m, api.renamed, names) for m in members if m.name in api.wire_tables],
    )


def _table(model: Model, renamed: frozenset[str], names: Mapping[str, str]) -> dict[str, Any]:
    """A TypedDict's renaming table, its shapes spelled as its module writes them."""
    rows = table(model, renamed, names)
    name = model.python_name + TABLE_SUFFIX
    entries = [
        f"{string_literal(key)}: ({string_literal(wire_name)}, {shape or 'None'})" for key, wire_name, shape in rows
    ]
    one_line = f"{name}: Renames = Renames(lambda: {{{', '.join(entries)}}})"
    source = (
        one_line if fits(one_line) else f"{name}: Renames = Renames(\n    {bracket('lambda: {', entries, '}', 4)}\n)"
    )
    return {"name": name, "model": model.python_name, "rows": rows, "source": source}


def _definition_order(models: list[Model]) -> list[Model]:
    """Classes in the order a reader (and pydantic) wants them: what a class uses before it, nested classes before
    the model holding them; otherwise in the order they were met. Cycles keep that order (and are rebuilt)."""
    by_name = {m.name: m for m in models}
    done: dict[str, Model] = {}
    visiting: set[str] = set()
    for root in models:
        stack = [(root.name, False)]
        while stack:
            name, expanded = stack.pop()
            if name in done or (name in visiting and not expanded):
                continue
            if expanded:
                visiting.discard(name)
                done[name] = by_name[name]
                continue
            visiting.add(name)
            stack.append((name, True))
            uses = [n for f in by_name[name].fields for n in sorted(f.type.models) if n in by_name and n != name]
            stack.extend((n, False) for n in reversed(list(dict.fromkeys(uses))) if n not in done and n not in visiting)
    return list(done.values())


def _rebuilt(members: list[Model]) -> list[str]:
    """pydantic models that use (directly or through other classes of the module) one defined after them, or
    themselves: they are rebuilt at the end of the module, when every name is defined."""
    position = {m.name: i for i, m in enumerate(members)}
    uses = {
        m.name: {
            n
            for ref in [*(f.type for f in m.fields), *([m.alias] if m.alias else [])]
            for n in ref.models
            if n in position
        }
        for m in members
    }
    result = []
    for model in members:
        if model.alias is not None or model.request:
            continue
        seen: set[str] = set()
        stack = list(uses[model.name])
        while stack:
            name = stack.pop()
            if name not in seen:
                seen.add(name)
                stack.extend(uses[name])
        if any(position[n] >= position[model.name] for n in seen):
            result.append(model.name)
    return result


def _aliases_in_dependency_order(aliases: list[Model]) -> list[Model]:
    """Aliases are evaluated when the module runs, so one an alias uses must come before it."""
    names = {a.name for a in aliases}
    done: list[Model] = []
    pending = list(aliases)
    while pending:
        ready = [
            a
            for a in pending
            if a.alias is not None and not (a.alias.models & names - {d.name for d in done} - {a.name})
        ]
        for alias in ready or pending[:1]:  # a cycle made only of aliases cannot be ordered: keep spec order
            done.append(alias)
            pending.remove(alias)
    return done


def models_by_module(models: Iterable[Model]) -> dict[str, list[Model]]:
    grouped: dict[str, list[Model]] = {}
    for model in models:
        grouped.setdefault(model.module, []).append(model)
    return grouped


def namespaces(models: Iterable[Model]) -> dict[str, list[tuple[str, str]]]:
    """Per package under `types/` (`types`, `types.qbd`): (class, module) of each model its `__init__` re-exports."""
    found: dict[str, list[tuple[str, str]]] = {"types": []}
    for model in models:
        *namespace, module = model.module.split(".")
        for depth in range(len(namespace) + 1):
            found.setdefault(".".join(["types", *namespace[:depth]]), [])
        if model.exported:
            found[".".join(["types", *namespace])].append((model.python_name, module))
    # in isort's order of the modules (`load1` before `load5` before `load15`), as the import block lists them
    return {
        ns: sorted(entries, key=lambda e: (natural_key(e[1].lower()), e[1], e[0]))
        for ns, entries in sorted(found.items())
    }
