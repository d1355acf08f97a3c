"""The neutral type tree (generator/model/types.py) written as Python: annotation text and the imports it needs.

Imports are written as for a module one package below the package root (`.._types`); the renderer relocates
them for the module that uses them. Models are written by their API-wide names unless `names` (how one module
writes them, see generator/targets/python/spelling.py) says otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from generator.model import types as t
from generator.model.ir import TypeRef
from generator.targets.python.imports import Import
from generator.targets.python.pysource import literal

_NO_NAMES: Mapping[str, str] = {}
_NOTHING: frozenset[Import] = frozenset()
# by (kind, format): the formats that are types of their own in Python
_PRIMITIVES: dict[tuple[str, str | None], tuple[str, frozenset[Import]]] = {
    ("string", None): ("str", _NOTHING),
    ("integer", None): ("int", _NOTHING),
    ("number", None): ("float", _NOTHING),
    ("boolean", None): ("bool", _NOTHING),
    ("bytes", None): ("bytes", _NOTHING),
    ("string", "date"): ("date", frozenset({Import("datetime", "date")})),
    ("string", "date-time"): ("datetime", frozenset({Import("datetime", "datetime")})),
}
_LEAVES: dict[type, tuple[str, frozenset[Import]]] = {
    t.File: ("FileTypes", frozenset({Import(".._types", "FileTypes")})),
    t.AnyType: ("object", _NOTHING),
    t.NoneType: ("None", _NOTHING),
    t.ServerSentEvent: ("ServerSentEvent", frozenset({Import(".._streaming", "ServerSentEvent")})),
}
# typing.List and typing.Dict, not list and dict: a resource class has a method named `list`, which would shadow
# the builtin in its annotations.
_LIST = frozenset({Import("typing", "List")})
_DICT = frozenset({Import("typing", "Dict")})
_MAPPING = frozenset({Import("collections.abc", "Mapping")})
_LITERAL = frozenset({Import("typing", "Literal")})
_STREAM = frozenset({Import(".._streaming", "Stream"), Import(".._streaming", "AsyncStream")})
_TAGGED = frozenset(
    {
        Import("typing", "Annotated"),
        Import("pydantic", "Discriminator"),
        Import("pydantic", "Tag"),
        Import(".._models", "discriminator"),
    }
)


@dataclass(frozen=True)
class PythonType(TypeRef):
    """A TypeRef as one Python module writes it.

    `annotation` is used in signatures and fields. `is_type` says whether it can be passed where a `type[T]` is
    expected (classes, `List[...]`, `Dict[...]`); unions, Literals and aliases cannot, so generated code passes
    those through `type_of(...)` and casts the result. `runtime` is the expression for the runtime when it
    differs from the annotation (`type(None)` for `None`)."""

    annotation: str = ""
    imports: frozenset[Import] = frozenset()  # what the annotation needs (model imports aside)
    runtime: str = ""
    is_type: bool = True


def python_type(ref: TypeRef, names: Mapping[str, str] = _NO_NAMES) -> PythonType:
    """`ref` as the module whose model spelling is `names` writes it."""
    text, imports = spell(ref.tree, names)
    runtime = "type(None)" if isinstance(ref.tree, t.NoneType) else ""
    return PythonType(ref.tree, text, imports, runtime, is_type(ref.tree))


def annotation(ref: TypeRef | t.Type, names: Mapping[str, str] = _NO_NAMES) -> str:
    """The Python annotation of a type, models written by their API-wide names unless `names` says otherwise."""
    return spell(ref.tree if isinstance(ref, TypeRef) else ref, names)[0]


def is_type(tree: t.Type) -> bool:
    """Whether the annotation is a class (usable as `type[T]`): not a union, a Literal, an alias or a TypedDict."""
    if isinstance(tree, (t.Union, t.Const)):
        return False
    return not (isinstance(tree, t.ModelRef) and tree.kind != "model")


def stream_annotation(item: str, is_async: bool) -> str:
    """The class a streaming method returns, over the annotation of its items."""
    return f"{'AsyncStream' if is_async else 'Stream'}[{item}]"


def spell(tree: t.Type, names: Mapping[str, str] = _NO_NAMES) -> tuple[str, frozenset[Import]]:
    """The annotation of `tree` and the imports it needs (not those of the models it names)."""
    if isinstance(tree, t.ModelRef):  # the commonest first
        return names.get(tree.name, tree.name), _NOTHING
    if isinstance(tree, t.Primitive):  # a format without a Python type of its own is its kind
        return _PRIMITIVES.get((tree.kind, tree.format)) or _PRIMITIVES[(tree.kind, None)]
    leaf = _LEAVES.get(type(tree))
    if leaf is not None:
        return leaf
    if isinstance(tree, t.ListOf):
        item, imports = spell(tree.item, names)
        return f"List[{item}]", imports | _LIST
    if isinstance(tree, t.MapOf):
        value, imports = spell(tree.value, names)
        return (
            (f"Mapping[str, {value}]", imports | _MAPPING) if tree.input else (f"Dict[str, {value}]", imports | _DICT)
        )
    if isinstance(tree, t.StreamOf):
        item, imports = spell(tree.item, names)
        return stream_annotation(item, False), imports | _STREAM
    if isinstance(tree, t.Const):
        return f"Literal[{', '.join(literal(v) for v in tree.values)}]", _LITERAL
    if isinstance(tree, t.Union):
        members = [spell(member, names) for member in tree.members]
        imports = frozenset().union(*(found for _, found in members))
        if tree.discriminator is None:
            return " | ".join(text for text, _ in members), imports
        return _tagged(tree.discriminator, [text for text, _ in members]), imports | _TAGGED
    raise AssertionError(f"no Python spelling for {tree!r}")


def _tagged(discriminator: t.Discriminator, members: list[str]) -> str:
    """`Annotated[Annotated[Cat, Tag("cat")] | Annotated[Dog, Tag("dog")], Discriminator(...)]`."""
    parts = [
        f"Annotated[{member}, Tag({literal(tag)})]"
        for member, member_tags in zip(members, discriminator.tags, strict=True)
        for tag in member_tags
    ]
    return f"Annotated[{' | '.join(parts)}, Discriminator(discriminator({literal(discriminator.property)}))]"
