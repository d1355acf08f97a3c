"""Every naming decision: spec names become readable, valid, collision-free Python identifiers."""

from __future__ import annotations

import keyword
import re
import unicodedata
from functools import lru_cache

_WORD_BOUNDARY = re.compile(r"[^0-9A-Za-z]+")
_CAMEL_SPLIT = re.compile(r"([A-Z]+)([A-Z][a-z])|([a-z0-9])([A-Z])")
RESERVED_EVERYWHERE = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | {"self", "cls"}
MAX_IDENTIFIER_LENGTH = 80


def words(name: str) -> list[str]:
    """Split any spec name ('objectType', 'end-users', 'HTTPServer', 'x.y') into lowercase words."""
    return list(_words(name))


@lru_cache(maxsize=65536)
def _words(name: str) -> tuple[str, ...]:  # the same names are split again and again (18,000 calls on jira-platform)
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    spaced = _CAMEL_SPLIT.sub(lambda m: f"{m[1] or m[3]} {m[2] or m[4]}", ascii_name)
    return tuple(w.lower() for w in _WORD_BOUNDARY.split(spaced) if w)


def snake_case(name: str, fallback: str = "value") -> str:
    """'objectType' -> 'object_type'; keywords get a trailing '_'; empty or non-Latin -> fallback."""
    result = "_".join(words(name)) or fallback
    return _safe(result, prefix="n_")


def pascal_case(name: str, fallback: str = "Model") -> str:
    """'end_user delete response' -> 'EndUserDeleteResponse'."""
    result = "".join(w[:1].upper() + w[1:] for w in words(name)) or fallback
    return _safe(result, prefix="N")


def constant_case(name: str, fallback: str = "VALUE") -> str:
    return _safe("_".join(words(name)).upper() or fallback, prefix="N_")


def _safe(identifier: str, prefix: str) -> str:
    if identifier[0].isdigit():
        identifier = prefix + identifier
    identifier = identifier[:MAX_IDENTIFIER_LENGTH]
    if identifier in RESERVED_EVERYWHERE or identifier == "_":
        identifier += "_"
    return identifier


def singular(word: str) -> str:
    """A plain English singular for resource names ('end_users' -> 'end_user')."""
    for plural, single in (("ies", "y"), ("sses", "ss"), ("xes", "x"), ("ches", "ch"), ("shes", "sh")):
        if word.endswith(plural) and len(word) > len(plural) + 1:
            return word[: -len(plural)] + single
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def unique(name: str, taken: set[str], separator: str = "_") -> str:
    """`name`, or `name_2`, `name_3`, ...: the first whose lowercase form is not in `taken`.

    Compared without case, so two names never map to one file on a case-insensitive file system.
    `taken` holds lowercase forms and is updated.
    """
    candidate, number = name, 2
    while candidate.lower() in taken:
        candidate = f"{name}{separator}{number}"
        number += 1
    taken.add(candidate.lower())
    return candidate

