"""Spec text made safe for the non-Python files the target writes: TOML strings and Markdown (README, api.md).

Python source has its own module (pysource.py)."""

from __future__ import annotations

import re

from generator.targets.python.pysource import comment_text

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def toml_string(value: str) -> str:
    """A TOML basic string. Not JSON's escaping: TOML has no surrogate escapes (JSON writes characters
    outside the BMP as a pair of them) and requires DEL escaped; a lone surrogate becomes U+FFFD."""
    out = ['"']
    for char in _LONE_SURROGATE.sub("\ufffd", value):
        if char in '"\\':
            out.append("\\" + char)
        elif char < " " or char == "\x7f":
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def markdown_code(value: str) -> str:
    """Spec text placed in a Markdown code span (`...`): one line, and no backtick to end the span early."""
    return comment_text(value).replace("`", "'")


def markdown_text(value: str) -> str:
    """Spec text placed into Markdown prose: one line, with characters that start markup escaped."""
    text = comment_text(value)
    for char in "\\`*_[]<>|#":
        text = text.replace(char, "\\" + char)
    return text


def markdown_anchor(heading: str) -> str:
    """The id GitHub gives a Markdown heading: lower case, punctuation other than - and _ dropped."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
