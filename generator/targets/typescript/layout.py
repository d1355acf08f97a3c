"""Lays TypeScript out as prettier does, without running it: a document of groups printed to a width.

The emitters (declarations.py, client.py) build documents from the pieces below; `render` prints them the way
prettier's own printer does: a group goes on one line when it fits in what is left of the line (counting the
text after it up to the next line break), else each of its line breaks becomes a newline. A hard line breaks
every group around it. The test suite runs the pinned prettier over generated projects to hold this to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

PRINT_WIDTH = 110
INDENT = "  "


@dataclass(frozen=True)
class Line:
    """A space (`soft`: nothing) when its group is flat, a newline when it breaks; `hard`: always a newline."""

    soft: bool = False
    hard: bool = False


@dataclass(frozen=True)
class Group:
    parts: tuple[Doc, ...]
    broken: bool = field(default=False)


@dataclass(frozen=True)
class Indent:
    parts: tuple[Doc, ...]


@dataclass(frozen=True)
class IfBreak:
    """`broken` when the enclosing group breaks, else `flat`."""

    broken: Doc
    flat: Doc = ""


Doc = str | Line | Group | Indent | IfBreak | tuple["Doc", ...]

LINE = Line()
SOFTLINE = Line(soft=True)
HARDLINE = Line(hard=True)


def group(*parts: Doc) -> Group:
    return Group(parts, _has_hard(parts))


def indent(*parts: Doc) -> Indent:
    return Indent(parts)


def join(separator: Doc, docs: Iterable[Doc]) -> tuple[Doc, ...]:
    result: list[Doc] = []
    for index, doc in enumerate(docs):
        if index:
            result.append(separator)
        result.append(doc)
    return tuple(result)


def _has_hard(doc: Doc) -> bool:
    if isinstance(doc, Line):
        return doc.hard
    if isinstance(doc, Group):
        return doc.broken
    if isinstance(doc, Indent):
        return _has_hard(doc.parts)
    if isinstance(doc, IfBreak):
        return _has_hard(doc.broken)
    if isinstance(doc, tuple):
        return any(_has_hard(part) for part in doc)
    return False


# Shapes prettier prints the same way wherever they appear.


def broken(open_: str, items: Sequence[Doc], close: str) -> Doc:
    """One item a line with a trailing comma, whatever the width."""
    return (open_, indent(HARDLINE, join((",", HARDLINE), items), ","), HARDLINE, close)


def delimited(open_: str, items: Sequence[Doc], close: str, *, padded: bool = False, comma: bool = True) -> Doc:
    """`(a, b)` or `{ a, b }` (`padded`), else one item a line with a trailing comma: call arguments,
    parameters, object literals, named imports."""
    if not items:
        return open_ + close
    edge = LINE if padded else SOFTLINE
    trailing = IfBreak(",") if comma else ""
    return group(open_, indent(edge, join((",", LINE), items), trailing), edge, close)


def specifiers(names: Sequence[str]) -> Doc:
    """`{ a, b }` of an import or export: prettier never breaks a single specifier, however long the line."""
    return "{ " + names[0] + " }" if len(names) == 1 else delimited("{", names, "}", padded=True)


def union(members: Sequence[Doc], *, indented: bool = True) -> Doc:
    """`A | B`, else one member a line, each after `| `. `indented` (the type of a property or alias): prettier
    first moves the whole union to the next line, indented, and breaks it only if it still does not fit."""
    if len(members) == 1:
        return members[0]
    if len(members) == 2 and members[1] == "null":
        return (members[0], " | null")  # prettier hugs one type and null: only the type itself may break
    # Each member is aligned after its `| `: a member that breaks itself (`Array<...>`) indents two more.
    inner = group(IfBreak("| "), join((LINE, "| "), [indent(m) for m in members]))
    return group(indent(LINE, inner)) if indented else inner


def after(operator: str, value: Doc) -> Doc:
    """`name:` or `type X =` and its type: a space between them, or the line an indented union starts with."""
    moves = isinstance(value, Group) and len(value.parts) == 1 and isinstance(value.parts[0], Indent)
    return (operator, value) if moves else (operator, " ", value)


def block(statements: Sequence[Doc], *, blank_lines: bool = False) -> Doc:
    """`{`, each statement on its own line (a blank line between them with `blank_lines`), `}`."""
    if not statements:
        return "{}"
    separator: Doc = (HARDLINE, HARDLINE) if blank_lines else HARDLINE
    return ("{", indent(HARDLINE, join(separator, statements)), HARDLINE, "}")


def flat(doc: Doc) -> str:
    """`doc` on one line, whatever its length: for the pieces prettier does not break (a method's return type
    after its parameters, which break first)."""
    return render(doc, width=1_000_000)


# The printer.

_FLAT, _BREAK = 0, 1


def render(doc: Doc, width: int = PRINT_WIDTH) -> str:  # noqa: C901 - one dispatch over the kinds of doc
    """The text of `doc`: lines without trailing spaces."""
    out: list[str] = []
    column = 0
    stack: list[tuple[int, int, Doc]] = [(0, _BREAK, doc)]
    while stack:
        level, mode, item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            column += len(item)
        elif isinstance(item, tuple):
            stack.extend((level, mode, part) for part in reversed(item))
        elif isinstance(item, Indent):
            stack.extend((level + 1, mode, part) for part in reversed(item.parts))
        elif isinstance(item, Group):
            flat = mode == _FLAT and not item.broken
            if not flat and not item.broken:
                flat = _fits(item.parts, stack, width - column)
            stack.extend((level, _FLAT if flat else _BREAK, part) for part in reversed(item.parts))
        elif isinstance(item, IfBreak):
            stack.append((level, mode, item.broken if mode == _BREAK else item.flat))
        elif mode == _FLAT and not item.hard:
            if not item.soft:
                out.append(" ")
                column += 1
        else:
            while out and out[-1].endswith(" "):
                out[-1] = out[-1].rstrip(" ")
            out.append("\n" + INDENT * level)
            column = len(INDENT) * level
    text = "".join(out)
    return "\n".join(line.rstrip(" ") for line in text.split("\n"))


def _fits(parts: tuple[Doc, ...], rest: list[tuple[int, int, Doc]], room: int) -> bool:  # noqa: C901 - as render
    """Whether `parts`, flat, and what follows them up to the next line break fit in `room` columns."""
    pending: list[tuple[int, Doc]] = [(_FLAT, part) for part in reversed(parts)]
    rest_index = len(rest) - 1
    while room >= 0:
        if not pending:
            if rest_index < 0:
                return True
            _, mode, item = rest[rest_index]
            rest_index -= 1
            pending.append((mode, item))
            continue
        mode, item = pending.pop()
        if isinstance(item, str):
            room -= len(item)
        elif isinstance(item, tuple):
            pending.extend((mode, part) for part in reversed(item))
        elif isinstance(item, Indent):
            pending.extend((mode, part) for part in reversed(item.parts))
        elif isinstance(item, Group):
            inner = _BREAK if item.broken else mode
            pending.extend((inner, part) for part in reversed(item.parts))
        elif isinstance(item, IfBreak):
            pending.append((mode, item.broken if mode == _BREAK else item.flat))
        elif mode == _BREAK or item.hard:
            return True
        elif not item.soft:
            room -= 1
    return False
