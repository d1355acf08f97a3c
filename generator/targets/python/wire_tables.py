"""The renaming tables of the Python SDK, as Python text: `<Name>_wire` tables and the runtime's wrappers.

The model decides which TypedDicts are renamed, what each request value holds of them (pruned `WireShape`s) and
which get a table (generator/model/wire.py); here each shape becomes the expression the runtime's
`_transform.to_wire` reads, written as the module using it writes names (`spelling`): `CustomerParam_wire`,
`ListOf(LineParam_wire)`, `OneOf(QbdLineParam_wire, MapOf(Dict_wire))`.
"""

from __future__ import annotations

from collections.abc import Mapping

from generator.model import wire
from generator.model.ir import Model, WireShape

TABLE_SUFFIX = "_wire"  # PascalCase model names hold no underscore, so `<Model>_wire` collides with nothing
RUNTIME = ".._transform"  # the runtime module, as a module under `types/` or `resources/` imports it
_WRAPPERS = {"list": "ListOf", "map": "MapOf", "union": "OneOf"}


def source(shape: WireShape, names: Mapping[str, str]) -> str:
    """The expression for a pruned shape, each table named as `names` (the module's spelling) writes its model."""
    if shape.kind == "keys":
        return names.get(shape.model, shape.model) + TABLE_SUFFIX
    return f"{_WRAPPERS[shape.kind]}({', '.join(source(m, names) for m in shape.members)})"


def uses(shape: WireShape) -> tuple[set[str], set[str]]:
    """What `source(shape)` names: the models whose tables it uses, and the runtime's wrappers (from RUNTIME)."""
    if shape.kind == "keys":
        return {shape.model}, set()
    tables, wrappers = set(), {_WRAPPERS[shape.kind]}
    for member in shape.members:
        member_tables, member_wrappers = uses(member)
        tables |= member_tables
        wrappers |= member_wrappers
    return tables, wrappers


def table(model: Model, renamed: frozenset[str], names: Mapping[str, str]) -> list[tuple[str, str, str | None]]:
    """(key, wire name, shape expression or None) for every key of `model`: unions tell members apart by their
    keys, so every key has a row."""
    rows = []
    for field in model.fields:
        shape = wire.prune(field.type.shape, renamed)
        rows.append((field.name, field.wire_name, source(shape, names) if shape else None))
    return rows
