"""How spec text is written into Python source safely. Every spec string goes through here, once.

A string from the spec can only ever become an inert literal, docstring text or comment text: the
functions below escape quotes, backslashes, control characters, lone surrogates and bidirectional
marks so that no input can end a literal early or hide code.
"""

from __future__ import annotations

import math
import re
import unicodedata

_QUOTE_BEFORE_QUOTE = re.compile(r'"(?=")')


def string_literal(value: str) -> str:
    """A Python string literal that evaluates to `value` exactly, quoted as black quotes it: double
    quotes, unless single ones need fewer escapes."""
    double = _literal_body(value, '"')
    if '"' in value:
        single = _literal_body(value, "'")
        if single.count("\\") < double.count("\\"):
            return "'" + single + "'"
    return '"' + double + '"'


def _literal_body(value: str, quote: str) -> str:
    if value.isprintable():  # the common case, checked in C: only backslashes and quotes need escaping
        return value.replace("\\", "\\\\").replace(quote, "\\" + quote)
    out = []
    for char in value:
        if char == "\\":
            out.append("\\\\")
        elif char == quote:
            out.append("\\" + quote)
        elif char.isprintable() and not _is_risky(char):
            out.append(char)
        else:
            out.append(_escape(char))
    return "".join(out)


def literal(value: object) -> str:
    """A Python literal for a JSON value (str, int, float, bool, None, list, dict)."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return f'float("{value}")'
        return repr(value)
    if isinstance(value, str):
        return string_literal(value)
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{string_literal(str(k))}: {literal(v)}" for k, v in value.items()) + "}"
    return string_literal(str(value))


def docstring_text(text: str) -> str:
    """Text to place between triple double quotes: escaped, with normalised line endings."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(4)
    if text.replace("\n", "").isprintable():
        # The common case, checked in C: nothing but backslashes to escape (every character `_is_risky`
        # refuses is also not printable, so the loop below would keep each one as it is).
        return _finish_docstring(text.replace("\\", "\\\\"))
    out = []
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif char == "\n" or char.isprintable() and not _is_risky(char):
            out.append(char)
        elif unicodedata.category(char) == "Cs":
            # A class whose docstring holds a lone surrogate cannot even be created (CPython encodes
            # `__doc__` as UTF-8): the docstring shows the escape as text instead.
            out.append("\\" + _escape(char))
        else:
            out.append(_escape(char))
    return _finish_docstring("".join(out))


def _finish_docstring(escaped: str) -> str:
    lines = [line.rstrip() for line in escaped.strip("\n").split("\n")]
    escaped = "\n".join(lines).strip()
    # A quote followed by a quote is escaped, so no run of three can close the docstring early;
    # a quote at the very end would merge with the closing quotes, so it is escaped too.
    escaped = _QUOTE_BEFORE_QUOTE.sub('\\\\"', escaped)
    if escaped.endswith('"'):
        escaped = escaped[:-1] + '\\"'
    return escaped


def comment_text(text: str) -> str:
    """One line of text that is safe inside a `#` comment."""
    return " ".join(docstring_text(text).split())


def _is_risky(char: str) -> bool:
    # Bidirectional controls and other format characters can make source read differently than it runs.
    return unicodedata.category(char) in ("Cf", "Cs", "Co", "Cn", "Zl", "Zp")


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"
