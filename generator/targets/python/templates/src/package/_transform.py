"""Request values from the SDK's snake_case keys to the API's wire names: `{"full_name": ...}` -> `{"fullName": ...}`.

The generated types modules hold one `Renames` table per request TypedDict that has a renamed key somewhere
inside it: key -> (wire name, what its value holds). Resource methods call `to_wire` only on arguments that
hold such a TypedDict, so every other argument costs nothing. Keys a table does not know (extra keys a caller
adds) pass unchanged, and so do wire names given as keys (code written when the keys were the wire names).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

__all__ = ["ListOf", "MapOf", "OneOf", "Renames", "Shape", "to_wire"]

Entry = tuple[str, "Shape | None"]


class Renames:
    """One TypedDict's keys. Built on first use: tables refer to each other (and to themselves) freely."""

    __slots__ = ("_build", "_keys")

    def __init__(self, build: Callable[[], dict[str, Entry]]) -> None:
        self._build = build
        self._keys: dict[str, Entry] | None = None

    @property
    def keys(self) -> dict[str, Entry]:
        if self._keys is None:
            fields = self._build()
            # A wire name given as the key (code written when keys were the wire names) still converts what
            # its value holds; a snake_case key wins over a wire name spelled the same.
            keys = {wire: (wire, shape) for wire, shape in fields.values()}
            keys.update(fields)
            self._keys = keys
        return self._keys


class ListOf:
    """Each item of a list holds `item`."""

    __slots__ = ("item",)

    def __init__(self, item: Shape) -> None:
        self.item = item


class MapOf:
    """Each value of a mapping with arbitrary keys (additionalProperties) holds `value`."""

    __slots__ = ("value",)

    def __init__(self, value: Shape) -> None:
        self.value = value


class OneOf:
    """A union: a list goes to the list member; a mapping to the TypedDict that knows most of its keys."""

    __slots__ = ("_merged", "_merged_known", "members")

    def __init__(self, *members: Shape) -> None:
        self.members = members
        self._merged: Renames | None = None
        self._merged_known = False

    def choose(self, value: object) -> Shape | None:
        if isinstance(value, (list, tuple)):
            return next((m for m in self.members if isinstance(m, ListOf)), None)
        if not isinstance(value, Mapping):
            return None
        if not self._merged_known:
            self._merged, self._merged_known = _merged(self.members), True
        if self._merged is not None:
            return self._merged
        tables = [m for m in self.members if isinstance(m, Renames)]
        best = max(
            tables, key=lambda table: sum(1 for key in value if key in table.keys), default=None
        )
        if best is not None and any(key in best.keys for key in value):
            return best
        return next((m for m in self.members if isinstance(m, MapOf)), None)


def _merged(members: tuple[Shape, ...]) -> Renames | None:
    """One table for all the TypedDict members of a union, when none renames a key differently from another."""
    if any(isinstance(m, MapOf) for m in members):
        return None
    keys: dict[str, Entry] = {}
    for table in (m for m in members if isinstance(m, Renames)):
        for key, entry in table.keys.items():
            if keys.setdefault(key, entry) != entry:
                return None
    return Renames(lambda: keys)


Shape = Renames | ListOf | MapOf | OneOf


def to_wire(value: object, shape: Shape) -> object:
    """`value` with every key `shape` knows renamed to its wire name, in one pass; other values as they are."""
    if isinstance(shape, Renames):
        return _rename(value, shape.keys) if isinstance(value, Mapping) else value
    if isinstance(shape, ListOf):
        if isinstance(value, list):
            return [to_wire(item, shape.item) for item in value]
        return (
            tuple(to_wire(item, shape.item) for item in value)
            if isinstance(value, tuple)
            else value
        )
    if isinstance(shape, MapOf):
        return (
            {key: to_wire(item, shape.value) for key, item in value.items()}
            if isinstance(value, Mapping)
            else value
        )
    chosen = shape.choose(value)
    return value if chosen is None else to_wire(value, chosen)


def _rename(value: Mapping[str, object], keys: dict[str, Entry]) -> dict[str, object]:
    result: dict[str, object] = {}
    for key, item in value.items():
        entry = keys.get(key)
        if entry is None:
            result[key] = item
        else:
            wire, shape = entry
            result[wire] = item if shape is None else to_wire(item, shape)
    return result
