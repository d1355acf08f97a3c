"""Which request TypedDicts need their keys renamed on the way out, and the tables the runtime renames them with.

A TypedDict's keys are snake_case; where one differs from its wire name (`full_name` -> `fullName`), or a value
holds such a TypedDict (through lists, maps, unions and `$ref` cycles), the generated types module gets a table
`<Name>_wire` for the runtime's `_transform.to_wire`. Everything else costs nothing: no table, no call.
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.model.ir import Model, WireShape

TABLE_SUFFIX = "_wire"  # PascalCase model names hold no underscore, so `<Model>_wire` collides with nothing
RUNTIME = ".._transform"


def renamed_models(models: Iterable[Model]) -> frozenset[str]:
    """TypedDicts with a renamed key in them or in a TypedDict they hold: a fixpoint over their references."""
    requests = {m.name: m for m in models if m.request and not m.arguments}  # `**params` is never sent as one
    renamed = {name for name, m in requests.items() if any(f.name != f.wire_name for f in m.fields)}
    changed = True
    while changed:
        changed = False
        for name, model in requests.items():
            if name not in renamed and any(prune(f.type.shape, renamed) for f in model.fields):
                renamed.add(name)
                changed = True
    return frozenset(renamed)


def prune(shape: WireShape | None, renamed: frozenset[str] | set[str]) -> WireShape | None:
    """`shape` without the TypedDicts that need no renaming; None when nothing is left to rename.

    A union keeps its other TypedDict members: the runtime needs their keys to tell which member a value is.
    """
    if shape is None:
        return None
    if shape.kind == "keys":
        return shape if shape.model in renamed else None
    pruned = [prune(member, renamed) for member in shape.members]
    if all(p is None for p in pruned):
        return None
    if shape.kind != "union":
        return WireShape(shape.kind, members=tuple(p for p in pruned if p is not None))
    kept = tuple(p or m for p, m in zip(pruned, shape.members, strict=True) if p is not None or m.kind == "keys")
    return kept[0] if len(kept) == 1 else WireShape("union", members=kept)


def tabled_models(
    models: Iterable[Model], params: Iterable[WireShape | None], renamed: frozenset[str]
) -> frozenset[str]:
    """The TypedDicts that get a table: the renamed ones and the other members of unions with a renamed one."""
    found: set[str] = set(renamed)
    shapes = [prune(f.type.shape, renamed) for m in models if m.name in renamed for f in m.fields]
    shapes += [prune(shape, renamed) for shape in params]
    while shapes:
        shape = shapes.pop()
        if shape is not None and shape.kind == "keys":
            found.add(shape.model)
        elif shape is not None:
            shapes.extend(shape.members)
    return frozenset(found)


def source(shape: WireShape) -> str:
    """The Python expression for a pruned shape: `CustomerParam_wire`, `ListOf(LineParam_wire)`, ..."""
    if shape.kind == "keys":
        return shape.model + TABLE_SUFFIX
    wrapper = {"list": "ListOf", "map": "MapOf", "union": "OneOf"}[shape.kind]
    return f"{wrapper}({', '.join(source(m) for m in shape.members)})"


def names(shape: WireShape) -> tuple[set[str], set[str]]:
    """What `source(shape)` names: the TypedDicts whose tables it uses, and the runtime's wrappers (from RUNTIME)."""
    if shape.kind == "keys":
        return {shape.model}, set()
    tables, wrappers = set(), {{"list": "ListOf", "map": "MapOf", "union": "OneOf"}[shape.kind]}
    for member in shape.members:
        member_tables, member_wrappers = names(member)
        tables |= member_tables
        wrappers |= member_wrappers
    return tables, wrappers


def table(model: Model, renamed: frozenset[str]) -> list[tuple[str, str, str | None]]:
    """(key, wire name, shape source or None) for every key of `model`: unions tell members apart by their keys."""
    rows = []
    for field in model.fields:
        shape = prune(field.type.shape, renamed)
        rows.append((field.name, field.wire_name, source(shape) if shape else None))
    return rows


def field_keys(value: object, shape: WireShape | None, models: dict[str, Model]) -> object:
    """An example value written with wire names, rewritten with the TypedDicts' keys (the inverse of the runtime)."""
    if shape is None:
        return value
    if shape.kind == "list":
        return [field_keys(v, shape.members[0], models) for v in value] if isinstance(value, list) else value
    if shape.kind == "map":
        if isinstance(value, dict):
            return {k: field_keys(v, shape.members[0], models) for k, v in value.items()}
        return value
    if shape.kind == "union":
        return field_keys(value, _closest(value, shape.members, models), models)
    if not isinstance(value, dict):
        return value
    fields = {f.wire_name: f for f in models[shape.model].fields}
    result = {}
    for key, item in value.items():
        field = fields.get(key)
        result[field.name if field else key] = field_keys(item, field.type.shape, models) if field else item
    return result


def _closest(value: object, members: tuple[WireShape, ...], models: dict[str, Model]) -> WireShape | None:
    """The member of a union `value` fits: by kind, then by how many of its keys a TypedDict declares."""
    if isinstance(value, list):
        return next((m for m in members if m.kind == "list"), None)
    if not isinstance(value, dict):
        return None

    def score(member: WireShape) -> int:
        if member.kind != "keys":
            return 0
        return len(set(value) & {f.wire_name for f in models[member.model].fields})

    candidates = [m for m in members if m.kind in ("keys", "map")]
    return max(candidates, key=score, default=None)
