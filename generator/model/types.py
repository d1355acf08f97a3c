"""The language-neutral type tree: what a value is, never how a language writes it.

Frozen dataclasses the model builder (generator/model/schemas.py, operations.py) composes and every target
spells its own way (generator/targets/python/types.py writes Python annotations). Models are referred to by the
name unique in the whole API (`Model.name`); a target decides how each module writes that name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal as TypingLiteral

PrimitiveKind = TypingLiteral["string", "integer", "number", "boolean", "bytes"]
ModelKind = TypingLiteral["model", "alias", "request"]
LiteralValue = str | int | bool


@dataclass(frozen=True)
class Primitive:
    """A scalar: `format` is the spec's string format where the type depends on it (`date`, `date-time`).

    `bytes` is a response body of raw bytes (a download); files sent in requests are `File`."""

    kind: PrimitiveKind
    format: str | None = None


@dataclass(frozen=True, eq=False)
class Const:
    """One of a fixed set of values (`const`, `enum`), in the spec's order.

    Equal only to the same values of the same JSON types: `1` and `true` differ, though Python's `1 == True`."""

    values: tuple[LiteralValue, ...]

    def key(self) -> tuple[tuple[str, LiteralValue], ...]:
        return tuple((type(v).__name__, v) for v in self.values)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Const) and self.key() == other.key()

    def __hash__(self) -> int:
        return hash(self.key())


@dataclass(frozen=True)
class ListOf:
    item: Type


@dataclass(frozen=True)
class MapOf:
    """An object of arbitrary keys (`additionalProperties`). `input`: a value the caller passes in a request
    (read-only to the SDK); otherwise one the API returns."""

    value: Type
    input: bool = False


@dataclass(frozen=True)
class Discriminator:
    """Tells a union's members apart by a property: `tags[i]` are the values that select `members[i]`."""

    property: str
    tags: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Union:
    """One of `members` (nested unions flattened, no duplicates; a null member is `NoneType`, last).

    With a `discriminator` the members are told apart by one of their properties; such a union is never
    flattened into another."""

    members: tuple[Type, ...]
    discriminator: Discriminator | None = None


@dataclass(frozen=True)
class ModelRef:
    """A generated model by its API-wide name: an object model, a named union (`alias`) or a request object
    (`request`, sent as a plain mapping)."""

    name: str
    kind: ModelKind = "model"


@dataclass(frozen=True)
class File:
    """A file uploaded in a request (a multipart part, a raw body)."""


@dataclass(frozen=True)
class AnyType:
    """Any JSON value: the schema says nothing that narrows it."""


@dataclass(frozen=True)
class NoneType:
    """JSON null, or no body at all."""


@dataclass(frozen=True)
class StreamOf:
    """Server-sent events whose data are each an `item`."""

    item: Type


@dataclass(frozen=True)
class ServerSentEvent:
    """One server-sent event as received (event, data, id, retry): the items of a stream without a schema."""


Type = Primitive | Const | ListOf | MapOf | Union | ModelRef | File | AnyType | NoneType | StreamOf | ServerSentEvent

ANY = AnyType()
NONE = NoneType()
STRING = Primitive("string")


def models_of(type_: Type) -> frozenset[str]:
    """The names of the models a type mentions."""
    if isinstance(type_, ModelRef):
        return frozenset({type_.name})
    if isinstance(type_, (ListOf, StreamOf)):
        return models_of(type_.item)
    if isinstance(type_, MapOf):
        return models_of(type_.value)
    if isinstance(type_, Union):
        return frozenset().union(*(models_of(m) for m in type_.members))
    return frozenset()


def contains_file(type_: Type) -> bool:
    """Whether a file is sent anywhere in a value of this type."""
    if isinstance(type_, File):
        return True
    if isinstance(type_, (ListOf, StreamOf)):
        return contains_file(type_.item)
    if isinstance(type_, MapOf):
        return contains_file(type_.value)
    if isinstance(type_, Union):
        return any(contains_file(m) for m in type_.members)
    return False


def union_members(type_: Type) -> tuple[Type, ...]:
    """The members of a plain (untagged) union, or the type itself."""
    return type_.members if isinstance(type_, Union) and type_.discriminator is None else (type_,)
