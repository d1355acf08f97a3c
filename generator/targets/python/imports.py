"""Python import statements as values: collected as a set while a module is built, written out once, grouped
and ordered as isort/ruff order them; relative imports made right for the module that holds them.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any


@dataclass(frozen=True, order=True)
class Import:
    """`from {module} import {name}`; a module starting with '.' is relative to the package root.

    An empty `name` is a plain `import {module}`; a name `X as Y` imports `X` under another name."""

    module: str
    name: str


def import_block(
    imports: Iterable[Import], first_party: str | None = None, local: frozenset[str] = frozenset()
) -> list[str]:
    """Import lines grouped (standard library, third party, local) and ordered as isort/ruff order them.

    An Import with an empty name is a plain `import module`. `local`: other top-level modules of the project
    (`tests`), grouped with `first_party`.
    """
    sections: dict[int, dict[str, set[str]]] = {0: {}, 1: {}, 2: {}}
    for item in imports:
        root = item.module.split(".")[0]
        is_local = item.module.startswith(".") or root == first_party or root in local
        kind = 2 if is_local else 0 if root in sys.stdlib_module_names else 1
        sections[kind].setdefault(item.module, set()).add(item.name)
    lines: list[str] = []
    for modules in sections.values():
        if not modules:
            continue
        plain = sorted(m for m, names in modules.items() if "" in names)
        froms = sorted((m for m, names in modules.items() if names - {""}), key=_module_key)
        block = [f"import {m}" for m in plain]
        block += [line for m in froms for line in _from_lines(m, modules[m] - {""})]
        lines += [*([""] if lines else []), *block]
    return lines


def _from_lines(module: str, names: set[str]) -> list[str]:
    """`from module import ...` as isort/ruff write it: the plain names in one statement, each `X as Y` in one of
    its own, the statements in the order of their first name."""
    plain = sorted((n for n in names if " as " not in n), key=isort_key)
    groups = [[n] for n in names if " as " in n] + ([plain] if plain else [])
    groups.sort(key=lambda group: isort_key(group[0].split(" as ")[0]))
    return [f"from {module} import {', '.join(group)}" for group in groups]


def isort_key(name: str) -> tuple[int, tuple[Any, ...], str]:
    """Names in an import: constants, then classes, then the rest, each without regard to case (isort's order)."""
    return (_name_group(name), natural_key(name.lower()), name)


def all_key(name: str) -> tuple[int, tuple[Any, ...]]:
    """Names in `__all__`: the same groups, but with case (ruff's RUF022 order)."""
    return (_name_group(name), natural_key(name))


@lru_cache(maxsize=65536)
def natural_key(text: str) -> tuple[Any, ...]:
    """`load_5` before `load_15`: runs of digits compare as numbers, as isort does."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text) if part)


def _name_group(name: str) -> int:
    return 0 if len(name) > 1 and name.isupper() else 1 if name[:1].isupper() else 2


def _module_key(module: str) -> tuple[int, tuple[Any, ...], str]:
    # Relative imports: the furthest parent first (`..x` before `.y`).
    dots = len(module) - len(module.lstrip("."))
    return (-dots, natural_key(module.lower()), module)


def relative_module(importer: str, target: str) -> str:
    """How the module `importer` imports `target` relatively (both dotted from the package root):
    `types.qbd.invoice` imports `types.end_user` as `..end_user`, `types.qbd.line` as `.line`."""
    here, there = importer.split(".")[:-1], target.split(".")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    return "." * (len(here) - common + 1) + ".".join(there[common:])


def relocated(imports: Iterable[Import], importer: str) -> set[Import]:
    """Imports written for a module one package below the root (`.._models`), made right for `importer`."""
    return {
        (
            Import(relative_module(importer, i.module[2:]), i.name)
            if i.module.startswith("..") and i.module[2:3] != "."
            else i
        )
        for i in imports
    }


def from_root(item: Import) -> Import:
    """An import written for a module one level down (`..types.pet`), for a module at the package root."""
    return Import(item.module[1:], item.name) if item.module.startswith("..") else item


def module_file(module: str) -> str:
    return module.replace(".", "/")
