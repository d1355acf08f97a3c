"""The model's type tree (generator/model/types.py) spelled as TypeScript, laid out as prettier would."""

from __future__ import annotations

from collections.abc import Callable

from generator.model import types as t
from generator.model.ir import Field, Model
from generator.targets.typescript import layout as d
from generator.targets.typescript.escaping import comment_lines, doc_comment, string
from generator.targets.typescript.naming import property_key

# Model name -> how the current file writes it (recording that it uses it).
Namer = Callable[[str], str]

_PRIMITIVES = {"string": "string", "integer": "number", "number": "number", "boolean": "boolean", "bytes": "string"}


def spell(tree: t.Type, name: Namer, *, nested: bool = False) -> d.Doc:
    """`tree` as a TypeScript type; `nested` inside a type argument or index signature (unions not indented)."""
    if isinstance(tree, t.ModelRef):
        return name(tree.name)
    if isinstance(tree, t.Primitive):
        return _PRIMITIVES[tree.kind]
    if isinstance(tree, t.Const):
        return d.union([_literal(v) for v in tree.values], indented=not nested)
    if isinstance(tree, t.ListOf):
        item = spell(tree.item, name, nested=True)
        if isinstance(item, str):  # one plain type: prettier never breaks `Array<Name>`
            return f"Array<{item}>"
        return d.group("Array<", d.indent(d.SOFTLINE, item), d.SOFTLINE, ">")
    if isinstance(tree, t.MapOf):
        value = spell(tree.value, name, nested=True)
        return d.group("Record<", d.indent(d.SOFTLINE, "string,", d.LINE, value), d.SOFTLINE, ">")
    if isinstance(tree, t.Union):
        return d.union(_members(tree, name), indented=not nested)
    if isinstance(tree, t.NoneType):
        return "null"
    if isinstance(tree, t.File):
        return "Blob"
    return _streamed(tree, name)


def _streamed(tree: t.Type, name: Namer) -> d.Doc:
    """Server-sent events (their file imports `Stream`, `ServerSentEvent`: resources.py); else any value."""
    if isinstance(tree, t.StreamOf):
        item = spell(tree.item, name, nested=True)
        if isinstance(item, str):
            return f"Stream<{item}>"
        return d.group("Stream<", d.indent(d.SOFTLINE, item), d.SOFTLINE, ">")
    if isinstance(tree, t.ServerSentEvent):
        return "ServerSentEvent"
    return "unknown"  # AnyType


def _members(tree: t.Union, name: Namer) -> list[d.Doc]:
    """A union's members, each flat: an open enum (`'a' | 'b' | string`) keeps its literals with `(string & {})`."""
    literals = any(isinstance(m, t.Const) for m in tree.members)
    members: list[d.Doc] = []
    for member in tree.members:
        if isinstance(member, t.Const):
            members.extend(_literal(v) for v in member.values)
        elif literals and member == t.STRING:
            members.append("(string & {})")
        elif isinstance(member, t.Union):
            members.extend(_members(member, name))
        else:
            members.append(spell(member, name, nested=True))
    return list(dict.fromkeys(members))


def _literal(value: t.LiteralValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return string(value)


def comment(text: str | None, deprecated: bool = False, example: list[str] | None = None) -> list[d.Doc]:
    """A doc comment as lines (none without text): the text, `@deprecated`, then an example (code lines,
    whose `*/` is made harmless like the text's)."""
    lines = comment_lines(text)
    sections = [["@deprecated"]] if deprecated else []
    if example:
        sections.append([line.replace("*/", "*\\/") for line in example])
    for section in sections:
        lines += ["", *section] if lines else section
    return list(doc_comment(lines))


def with_comment(comment_lines_: list[d.Doc], body: d.Doc) -> d.Doc:
    return tuple(d.join(d.HARDLINE, [*comment_lines_, body]))


def property_(key: str, optional: bool, type_: d.Doc) -> d.Doc:
    """`key?: type;`"""
    return (d.after(property_key(key) + ("?:" if optional else ":"), type_), ";")


def field(item: Field, name: Namer, request: bool) -> d.Doc:
    """A model's property under its wire name: optional unless required (null stays in the type)."""
    return with_comment(
        comment(item.description, item.deprecated),
        property_(item.wire_name, not item.required, spell(item.type.tree, name)),
    )


def declaration(model: Model, type_name: str, name: Namer) -> d.Doc:
    """`export interface X { ... }`, or `export type X = A | B;` for a named union."""
    head = comment(model.description)
    if model.alias is not None:
        return with_comment(head, (d.after(f"export type {type_name} =", spell(model.alias.tree, name)), ";"))
    members = [field(f, name, model.request) for f in model.fields]
    return with_comment(head, ("export interface ", type_name, " ", d.block(members, blank_lines=True)))


def interface(type_name: str, members: list[d.Doc], description: str | None = None) -> d.Doc:
    return with_comment(comment(description), ("export interface ", type_name, " ", d.block(members, blank_lines=True)))
