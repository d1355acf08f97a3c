"""Which request objects need their keys renamed on the way out, and which get a renaming table: language-neutral.

A request object's keys are its fields' names (the target's naming: `full_name`); where one differs from its wire
name (`fullName`), or a value holds such an object (through lists, maps, unions and `$ref` cycles), the object is
renamed and gets a table the generated runtime renames keys with. Everything else costs nothing: no table, no
call. A target writes the tables and the shapes in its language (Python: targets/python/wire_tables.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.model.ir import Model, WireShape


def renamed_models(models: Iterable[Model]) -> frozenset[str]:
    """Request objects with a renamed key in them or in one they hold: a fixpoint over their references."""
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
    """`shape` without the request objects that need no renaming; None when nothing is left to rename.

    A union keeps its other object members: the runtime needs their keys to tell which member a value is.
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
    """The request objects that get a table: the renamed ones and the other members of unions with a renamed one."""
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


def field_keys(value: object, shape: WireShape | None, models: dict[str, Model]) -> object:
    """An example value written with wire names, rewritten with the request objects' keys (the inverse of the
    runtime)."""
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
    """The member of a union `value` fits: by kind, then by how many of its keys a request object declares."""
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
