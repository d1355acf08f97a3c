"""Spec text made safe in TypeScript: string literals and doc comments. No spec string reaches the output
any other way, so none can end a comment, a string or a template early."""

from __future__ import annotations

import re
import unicodedata

# Characters a literal spells as escapes: the ones that end a line in JavaScript, and every other control or
# format character (invisible in a review, or turning text around as the bidirectional overrides do).
_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f", "\v": "\\v", "\0": "\\0"}


def string(value: str) -> str:
    """A string literal: single quotes unless the text holds more of them than double quotes (prettier's
    choice with `singleQuote`), the chosen quote and every invisible character escaped."""
    quote = '"' if value.count("'") > value.count('"') else "'"
    out = [quote]
    for index, char in enumerate(value):
        if char == quote:
            out.append("\\" + char)
        elif char == "\0" and index + 1 < len(value) and value[index + 1].isdigit():
            out.append("\\x00")  # `\0` before a digit would read as an octal escape
        elif char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif _invisible(char):
            code = ord(char)
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\u{{{code:x}}}")
        else:
            out.append(char)
    out.append(quote)
    return "".join(out)


def _invisible(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn")


_LINE_BREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029\x85]")


def comment_lines(text: str | None) -> list[str]:
    """The lines of a doc comment holding `text`: `*/` cannot close it (`*\\/`), control characters become
    spaces, trailing spaces and blank lines at either end go."""
    if not text:
        return []
    lines = []
    for raw in _LINE_BREAKS.split(text.replace("*/", "*\\/")):
        lines.append("".join(" " if _invisible(c) and c != "\u200d" else c for c in raw.replace("\t", "  ")).rstrip())
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return lines


def doc_comment(lines: list[str]) -> list[str]:
    """`/** ... */` around `lines` (empty: none), one text line a comment line."""
    if not lines:
        return []
    return ["/**", *[f" * {line}" if line else " *" for line in lines], " */"]
