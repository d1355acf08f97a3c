"""Black's layout, written directly: what lets the generator skip black for most files.

The templates emit code in the layout the pinned black gives it, and the few constructs whose layout
depends on the length of spec-derived text (argument lists, collections, imports) are laid out here:
on one line when the line fits, otherwise one item per line with a trailing comma. Black keeps both
forms as they are (a trailing comma after the last item keeps a bracket exploded), so the result does
not depend on how black would have split the line itself.

`settle` reads every rendered file: it keeps the lines that fit, lays out a few long shapes itself,
leaves the long statements whose layout black decides to black, as snippets for the whole project
(`lay_out_pending`), and gives up on a file with any other long line, trailing whitespace or a tab,
which then goes through black whole. The tests run black over every generated file of every corpus
spec and of the fuzz profile as the oracle (tests/test_corpus_static.py, tests/test_fuzz.py,
tests/test_layout.py), and `check --full` does the same for one project (docs/speed.md, section 0).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

LINE_LENGTH = 100
_INDENT = "    "
_TRIPLE = '"""'
# A non-ASCII line may hold characters black counts two columns wide; only short ones are vouched for.
_SAFE_NON_ASCII_LENGTH = LINE_LENGTH // 2


def fits(text: str, indent: int = 0) -> bool:
    """Whether `text` (one line, without its indentation) fits at `indent` columns."""
    if not text.isascii() and len(text) + indent > _SAFE_NON_ASCII_LENGTH:
        return False
    return "\n" not in text and indent + len(text) <= LINE_LENGTH


def bracket(head: str, items: Sequence[str], tail: str, indent: int, *, call: bool = False) -> str:
    """`head` + the items + `tail` (`head` ends with an opening bracket, `tail` starts with its closing
    one) at `indent`, as black lays it out: on one line when it fits; else, for a call's arguments
    (`call`) that fit on a line of their own, that line between head and tail; else one item per line,
    each with a trailing comma. A one-item tuple needs its comma in the item."""
    line = f"{head}{', '.join(items)}{tail}"
    multiline = any("\n" in item for item in items)
    if not items or fits(line, indent) and not multiline:
        return line
    inner = " " * (indent + len(_INDENT))
    joined = ", ".join(items)
    if call and not multiline and fits(joined, indent + len(_INDENT)) and not joined.endswith(","):
        return f"{head}\n{inner}{joined}\n{' ' * indent}{tail}"
    # An item that is itself laid out over several lines was laid out at `indent + 4` already.
    body = "".join(f"{inner}{item}{'' if item.endswith(',') else ','}\n" for item in items)
    return f"{head}\n{body}{' ' * indent}{tail}"


def from_import(module: str, names: Sequence[str], indent: int = 0) -> str:
    """`from module import a, b` as black writes it: parenthesised, one name a line, when too long."""
    line = f"from {module} import {', '.join(names)}"
    if fits(line, indent):
        return line
    inner = " " * (indent + len(_INDENT))
    return f"from {module} import (\n" + "".join(f"{inner}{name},\n" for name in names) + " " * indent + ")"


def docstring(text: str, indent: int) -> str:
    """A triple-quoted docstring whose text is `text` (already escaped by pysource.docstring_text), at
    `indent` columns, exactly as black leaves it: continuation lines re-indented by their common
    indentation, padding where the text starts or ends with a quote, and the closing quotes on a line of
    their own when they would make the last line too long."""
    prefix = " " * indent
    lines = text.split("\n")
    if len(lines) > 1:
        rest = [line for line in lines[1:] if line.strip()]
        if rest:  # black dedents the lines after the first by their common indentation, then indents them
            common = min(len(line) - len(line.lstrip(" ")) for line in rest)
            lines = [lines[0].strip()] + [prefix + line[common:].rstrip() if line.strip() else "" for line in lines[1:]]
            lines[-1] = lines[-1] or prefix
        else:
            lines = [lines[0].strip()]
    body = "\n".join(lines) if len(lines) > 1 else text.strip()
    if not body:
        return _TRIPLE + _TRIPLE
    if body[0] == '"':
        body = " " + body
    if body[-1] == '"':
        body += " "
    if body.endswith("\\") and (len(body) - len(body.rstrip("\\"))) % 2:
        return _TRIPLE + body + " " + _TRIPLE
    last = body.rsplit("\n", 1)[-1]
    if len(lines) > 1 and len(last) + len(_TRIPLE) > LINE_LENGTH and indent + len(_TRIPLE) <= LINE_LENGTH:
        return _TRIPLE + body + "\n" + prefix + _TRIPLE
    return _TRIPLE + body + _TRIPLE


_TRAPS = ("\t", "\r", "\f", "\v", " \n")  # a tab, other white space black rewrites, or a line ending in a blank
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_FROM_IMPORT = re.compile(rf"from (\.*[\w.]*) import ((?:{_NAME}(?: as {_NAME})?, )*{_NAME}(?: as {_NAME})?)")
_SIMPLE_ITEM = rf'(?:"[^"\\]*"|{_NAME})'
_LIST_ASSIGNMENT = re.compile(rf"({_NAME}(?:: [\w\[\], ]+)? = )\[((?:{_SIMPLE_ITEM}, )*{_SIMPLE_ITEM})\]")
# An item black cannot split (a string, or a dict entry of two strings) stays as long as it is.
_LONE_STRING = re.compile(r'(?:"(?:[^"\\]|\\.)*": )?"(?:[^"\\]|\\.)*",?')
# A name bound to one plain string: black keeps it on its line when the string would not fit inside
# parentheses on a line of its own either (when it would, black wraps it: left to black).
_STRING_ASSIGNMENT = re.compile(rf'{_NAME} = "[^"\\]*"')
_DOTTED = rf"{_NAME}(?:\.{_NAME})*"
_WRAPPED_CALL = re.compile(rf"((?:return |{_DOTTED} = )?{_DOTTED}\()({_DOTTED})\)")
_FIELD_CALL = re.compile(rf'({_NAME}: [^=()]+ = Field\()((?:None, )?alias="[^"\\]*")\)')
_DEF = re.compile(rf"((?:async )?def {_NAME}\()([^()\[\]{{}}]*)(\)(?: -> [\w\[\]., |]+)?:)")


@dataclass
class Settled:
    """A file's text in black's layout except for `pending` lines: long statements of a shape (see
    `_SNIPPETS`) that black lays out on their own, in chunks for all files (`lay_out_pending`)."""

    lines: list[str]
    pending: dict[int, tuple[str, str]] = field(default_factory=dict)  # line index -> (snippet kind, line)

    def text(self, laid_out: dict[tuple[str, str], str]) -> str:
        return "\n".join(laid_out[self.pending[i]] if i in self.pending else line for i, line in enumerate(self.lines))


def settle(text: str) -> Settled | None:
    """`text` with every line in black's layout (or pending, see Settled), or None where a line is not of
    a shape laid out here: then the whole file goes through black.

    Lines inside triple-quoted strings are text that black never reflows (docstrings are laid out by
    `docstring`). A code line that fits is kept; a longer one is laid out when it is one of a few
    simple shapes (an import, a list of names or plain strings, a def with simple parameters, a call
    with one dotted argument), as black would; a few others are left pending for black to lay out alone
    (`_SNIPPETS`, `_STATEMENTS`); any other long line, trailing whitespace or a tab: None.
    """
    if any(trap in text for trap in _TRAPS) or text.endswith(" "):
        return None
    inside = False
    settled = Settled([])
    raw = text.split("\n")
    origins: list[int] = []  # the index in `raw` of each of `settled.lines`
    index = 0
    # Only a line that may not fit needs a look; the lines between two such are kept as they are, at once.
    for look in [i for i, line in enumerate(raw) if len(line) > _SAFE_NON_ASCII_LENGTH and _may_not_fit(line)]:
        if look < index:
            continue  # a line of a statement already taken over several lines
        settled.lines.extend(raw[index:look])
        origins.extend(range(index, look))
        inside ^= "\n".join(raw[index:look]).count(_TRIPLE) % 2 == 1
        index = look
        line = raw[index]
        quotes = line.count(_TRIPLE)
        code = line.lstrip(" ")
        indent = len(line) - len(code)
        if not inside and not fits(code, indent) and not (quotes and code.startswith(_TRIPLE)):
            laid = _lay_out(code, indent)
            if laid is None:
                kind = _snippet_kind(code, indent)
                if kind in _STATEMENTS and not _begins_statement(settled.lines):
                    kind = None
                if kind is None:
                    around = _statement_around(raw, index, settled, origins)
                    if around is None:
                        return None
                    start, index, kind, line = around  # the lines start..index, one statement over several lines
                    del settled.lines[start:], origins[start:]
                settled.pending[len(settled.lines)] = (kind, line)
            else:
                line = laid
        if quotes % 2:
            inside = not inside
        settled.lines.append(line)
        origins.append(index)
        index += 1
    settled.lines.extend(raw[index:])
    return settled


def _may_not_fit(line: str) -> bool:
    """Whether `fits` may say no to `line` (with its indentation): it is long, or not ASCII and over half as long."""
    return len(line) > LINE_LENGTH or not line.isascii()


_STATEMENT_LINES = 60  # how far back and ahead a statement over several lines is looked for


def _statement_around(
    raw: list[str], index: int, settled: Settled, origins: list[int]
) -> tuple[int, int, str, str] | None:
    """A statement of a `_STATEMENTS` shape written over several lines (the templates break a long call's
    arguments) that holds the long line `raw[index]`: (its first line's index in `settled.lines`, the index in
    `raw` of its last line, its kind, the statement joined on one line), or None. Black lays out a statement
    from its tokens alone, the magic trailing comma included, so the joined line, kept in its place as one
    pending statement, comes back from black as the statement would."""
    for start in range(len(settled.lines), max(len(settled.lines) - _STATEMENT_LINES, 0) - 1, -1):
        if start in settled.pending:
            return None
        first = raw[origins[start]] if start < len(settled.lines) else raw[index]
        code = first.lstrip(" ")
        indent = len(first) - len(code)
        if (indent not in _STATEMENT_HEADS and indent != _MODULE_LEVEL) or not _begins_statement(settled.lines[:start]):
            continue
        begin = origins[start] if start < len(settled.lines) else index
        joined = code
        for end in range(begin + 1, min(begin + _STATEMENT_LINES, len(raw))):
            part = raw[end].strip()
            if not part or "#" in part or raw[end].endswith("\\"):
                break
            glue = "" if joined.endswith(tuple(_OPENING)) or part.startswith(tuple(_CLOSING)) else " "
            joined += glue + part
            if end >= index and _balanced(joined):
                kind = _statement_kind(joined, indent)
                if kind is None or _TRIPLE in joined:
                    break
                return start, end, kind, " " * indent + joined
    return None


# Long statements whose layout black decides in ways not written here (annotations it parenthesises,
# subscripts it splits), each in a context that black lays out the same way as where it stands: a
# class body's field (indent 4), a method's parameter (indent 8), a method's return annotation, a
# module-level assignment (a type alias, a wire shape).
_SNIPPETS = {
    "field": (4, re.compile(rf"{_NAME}: [^\"#]+(?:\"[^\"\\]*\"[^\"#]*)*"), "class _S{n}:\n{line}\n"),
    "parameter": (
        8,
        re.compile(rf"{_NAME}: [^\"#]+(?:\"[^\"\\]*\"[^\"#]*)*,"),
        "class _S{n}:\n    def f(\n        self,\n{line}\n    ) -> None:\n        pass\n",
    ),
    "statement": (
        0,
        re.compile(rf"{_NAME}(?:: {_NAME})? = [^\"#]+(?:\"[^\"\\]*\"[^\"#]*)*"),
        "class _S{n}:\n    pass\n\n\n{line}\n",
    ),
    "returns": (
        4,
        re.compile(r'\) -> (?:[^"#]|"[^"\\]*")+:'),
        "class _S{n}:\n    def f(\n        self,\n{line}\n        pass\n",
    ),
}
# Whole statements in a method's body or one block deeper (the generated tests' long lines, a resource method's
# request, a client's checks): one call, a name bound to one call, a call returned, or the head of a `with` or an
# `if`; taken only where a statement begins (`_begins_statement`).
_STATEMENTS = {
    "call": re.compile(rf"(?:await )?{_DOTTED}\([^#]*\)"),
    "assign": re.compile(rf"{_NAME} = (?:await )?{_DOTTED}\([^#]*\)"),
    "return": re.compile(rf"return (?:await )?{_DOTTED}\([^#]*\)"),
    "with": re.compile(r"(?:async )?with [^#]*:"),
    "if": re.compile(r"if [^#]*:"),
}
_HEADS = ("with", "if")  # a block's head: sent to black with a body, `pass`, taken off again
_MODULE_LEVEL = _SNIPPETS["statement"][0]  # where a module-level statement over several lines (a wire shape) begins
_STATEMENT_HEADS = {8: ["    async def f(self) -> None:"], 12: ["    async def f(self) -> None:", "        with x:"]}
_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"' + r"|'(?:[^'\\\n]|\\.)*'")
_OPENING, _CLOSING = "([{", ")]}"
_SNIPPET_HEAD = re.compile(r"^class _S(\d+):\n", re.MULTILINE)


def _statement_kind(joined: str, indent: int) -> str | None:
    """The kind of a statement written over several lines, joined on one (`_statement_around`): at module level a
    name bound to a value (`_SNIPPETS`), in a method one of `_STATEMENTS`."""
    if indent == _MODULE_LEVEL:
        return "statement" if _SNIPPETS["statement"][1].fullmatch(joined) else None
    return next((kind for kind, shape in _STATEMENTS.items() if shape.fullmatch(joined)), None)


def _snippet_kind(code: str, indent: int) -> str | None:
    for kind, (at, shape, _) in _SNIPPETS.items():
        if indent == at and shape.fullmatch(code) and _TRIPLE not in code:
            return kind
    if indent in _STATEMENT_HEADS and _TRIPLE not in code and _balanced(code):
        return next((kind for kind, shape in _STATEMENTS.items() if shape.fullmatch(code)), None)
    return None


def _snippet(n: int, kind: str, line: str) -> str:
    if kind not in _STATEMENTS:
        return _SNIPPETS[kind][2].format(n=n, line=line)
    indent = len(line) - len(line.lstrip(" "))
    body = [f"{' ' * (indent + 4)}pass"] if kind in _HEADS else []
    return "\n".join([f"class _S{n}:", *_STATEMENT_HEADS[indent], line, *body]) + "\n"


def _balanced(code: str) -> bool:
    """Whether `code`, its strings left out, closes every bracket it opens, in order (one whole statement)."""
    bare = _STRING.sub('""', code)
    if "'" in bare or bare.count('"') % 2:
        return False
    stack: list[str] = []
    for char in bare.replace('""', ""):
        if char in _OPENING:
            stack.append(_CLOSING[_OPENING.index(char)])
        elif char in _CLOSING and (not stack or stack.pop() != char):
            return False
    return not stack


def _begins_statement(lines: list[str]) -> bool:
    """Whether the line after `lines` (black's layout) starts a statement: the code before it does not leave
    a bracket open or a list of items going."""
    previous = next((line.rstrip() for line in reversed(lines) if line.strip()), "")
    return not previous.endswith((*_OPENING, ",", "\\"))


def lay_out_pending(
    pending: list[tuple[str, str]], format_source: Callable[[str], str]
) -> dict[tuple[str, str], str] | None:
    """The pending lines of all files laid out by black (`format_source`) in one source of snippets;
    None if black's output cannot be taken apart again (then those files go through black whole)."""
    unique = sorted(set(pending))
    source = "\n\n".join(_snippet(n, kind, line) for n, (kind, line) in enumerate(unique))
    parts = _SNIPPET_HEAD.split(format_source(source))
    laid_out: dict[tuple[str, str], str] = {}
    for number, body in zip(parts[1::2], parts[2::2], strict=True):
        kind, line = unique[int(number)]
        lines = body.rstrip("\n").split("\n")
        if kind == "parameter":
            lines = (
                lines[2:-2]
                if lines[:2] == ["    def f(", "        self,"] and lines[-2:] == ["    ) -> None:", "        pass"]
                else []
            )
        elif kind == "statement":
            lines = lines[3:] if lines[:3] == ["    pass", "", ""] else []
        elif kind == "returns":
            lines = (
                lines[2:-1] if lines[:2] == ["    def f(", "        self,"] and lines[-1:] == ["        pass"] else []
            )
        elif kind in _STATEMENTS:
            indent = len(line) - len(line.lstrip(" "))
            head = _STATEMENT_HEADS[indent]
            lines = lines[len(head) :] if lines[: len(head)] == head else []
            if kind in _HEADS:
                lines = lines[:-1] if lines[-1:] == [f"{' ' * (indent + 4)}pass"] else []
        if not lines:
            return None
        laid_out[(kind, line)] = "\n".join(lines)
    return laid_out if len(laid_out) == len(unique) else None


_PROGRAM_HEAD = re.compile(r"^# program (\d+)\n", re.MULTILINE)


def lay_out_programs(programs: Sequence[str], format_source: Callable[[str], str]) -> list[str]:
    """Whole programs (code samples, the README's examples), those with a line longer than LINE_LENGTH laid out
    by black (`format_source`) in one source, the others as they are. They are written one argument per line,
    so a long literal argument (a body of nested objects) is what needs it."""
    long = [i for i, program in enumerate(programs) if any(len(line) > LINE_LENGTH for line in program.split("\n"))]
    laid_out = list(programs)
    if not long:
        return laid_out
    source = "\n\n\n".join(f"# program {n}\n{programs[i]}" for n, i in enumerate(long)) + "\n"
    parts = _PROGRAM_HEAD.split(format_source(source))
    found = {int(number): body.strip("\n") for number, body in zip(parts[1::2], parts[2::2], strict=True)}
    if sorted(found) != list(range(len(long))):  # not taken apart again: each on its own
        found = {n: format_source(programs[i] + "\n").rstrip("\n") for n, i in enumerate(long)}
    for n, i in enumerate(long):
        laid_out[i] = found[n]
    return laid_out


def _lay_out(code: str, indent: int) -> str | None:
    """One long logical line as black splits it, for the shapes `settle` knows; None for any other."""
    pad = " " * indent
    if _LONE_STRING.fullmatch(code) or code.startswith("# "):  # black splits neither a string nor a comment
        return pad + code
    if _STRING_ASSIGNMENT.fullmatch(code) and code.isascii():
        string = code[code.index('"') :]
        return pad + code if not fits(string, indent + len(_INDENT)) else None
    if match := _FROM_IMPORT.fullmatch(code):
        return pad + from_import(match[1], match[2].split(", "), indent)
    if match := _LIST_ASSIGNMENT.fullmatch(code):
        return pad + bracket(match[1] + "[", match[2].split(", "), "]", indent)
    if (match := _DEF.fullmatch(code)) and fits(match[1], indent) and fits(match[3], indent):
        return _lay_out_def(match, indent)
    if (match := _FIELD_CALL.fullmatch(code)) and fits(match[1], indent) and fits(match[2], indent + len(_INDENT)):
        return f"{pad}{match[1]}\n{pad}{_INDENT}{match[2]}\n{pad})"
    if (match := _WRAPPED_CALL.fullmatch(code)) and fits(match[1], indent) and fits(match[2], indent + len(_INDENT)):
        return f"{pad}{match[1]}\n{pad}{_INDENT}{match[2]}\n{pad})"
    return None


def _lay_out_def(match: re.Match[str], indent: int) -> str | None:
    """A `def` whose head and tail fit: its parameters on one line of their own if they fit there, else one a
    line; None when a parameter holds a comma (a default black would split differently) or is too long."""
    pad = " " * indent
    params = [p for p in match[2].split(", ") if p]
    if not params or any("," in p for p in params):
        return None
    inner = " " * (indent + len(_INDENT))
    joined = ", ".join(params)
    if len(params) > 1 and fits(joined, indent + len(_INDENT)):
        return f"{pad}{match[1]}\n{inner}{joined}\n{pad}{match[3]}"
    if not all(fits(p + ",", indent + len(_INDENT)) for p in params):
        return None
    return f"{pad}{match[1]}\n" + "".join(f"{inner}{p},\n" for p in params) + f"{pad}{match[3]}"
