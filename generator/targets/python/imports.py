"""Python import statements as values: collected as a set while a module is built, written out once."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Import:
    """`from {module} import {name}`; a module starting with '.' is relative to the package root.

    An empty `name` is a plain `import {module}`; a name `X as Y` imports `X` under another name."""

    module: str
    name: str
