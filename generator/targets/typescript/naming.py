"""TypeScript names: camelCase members, PascalCase types and classes, kebab-case files, wire names as keys.

Names are spelled from the model's language-neutral facts: the words of resource and operation names
(generator.model.naming.words) and wire names. Nothing here is shared with the Python target.
"""

from __future__ import annotations

import re

from generator.model.naming import singular, words
from generator.targets.typescript.escaping import string

# Words JavaScript or TypeScript reserve, which no binding (variable, parameter, class) may take; members and
# property keys may (`client.endUsers.delete`, `{ default: 1 }`).
RESERVED = frozenset("""
    break case catch class const continue debugger default delete do else enum export extends false finally for
    function if import in instanceof new null return super switch this throw true try typeof var void while with
    implements interface let package private protected public static yield await arguments eval any boolean never
    number object string symbol unknown bigint undefined
    """.split())  # noqa: SIM905 - a word list reads best as words
# Global and runtime names a generated type or class must not shadow in its module.
TAKEN_TYPE_NAMES = frozenset("""
    Array ReadonlyArray Record Partial Required Readonly Pick Omit Exclude Extract NonNullable Promise PromiseLike
    Error Date Map Set Object String Number Boolean Symbol BigInt Function Response Request Headers File Blob
    AbortSignal RequestInit URL URLSearchParams JSON Math Uint8Array ArrayBuffer APIPromise APIResource BaseClient
    RequestOptions HeaderValues WithResponse APIError APIConnectionError APIConnectionTimeoutError APIUserAbortError
    BadRequestError AuthenticationError PermissionDeniedError NotFoundError ConflictError UnprocessableEntityError
    RateLimitError InternalServerError ClientOptions
    """.split())  # noqa: SIM905 - a word list reads best as words

_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*\Z")


def camel(name: str, fallback: str = "value") -> str:
    """'end_users', 'end-users', 'EndUsers' -> 'endUsers'."""
    split = words(name)
    text = "".join([split[0], *(w[:1].upper() + w[1:] for w in split[1:])]) if split else fallback
    return "_" + text if text[0].isdigit() else text


def pascal(name: str, fallback: str = "Model") -> str:
    """'end_user delete response' -> 'EndUserDeleteResponse'."""
    text = "".join(w[:1].upper() + w[1:] for w in words(name)) or fallback
    return "_" + text if text[0].isdigit() else text


def binding(name: str) -> str:
    """A variable or parameter name: camelCase, never a reserved word."""
    text = camel(name)
    return text + "_" if text in RESERVED else text


def kebab(name: str, fallback: str = "resource") -> str:
    """A file name: 'end_users' -> 'end-users'."""
    return "-".join(words(name)) or fallback


def singular_pascal(name: str) -> str:
    """'end_users' -> 'EndUser' (the last word made singular)."""
    split = words(name)
    if split:
        split[-1] = singular(split[-1])
    return pascal(" ".join(split))


def is_identifier(name: str) -> bool:
    return bool(_IDENTIFIER.match(name))


def property_key(wire_name: str) -> str:
    """A property key as written: the wire name, quoted when it is not an identifier (prettier's `as-needed`)."""
    return wire_name if is_identifier(wire_name) else string(wire_name)


def unique(name: str, taken: set[str], suffix: str = "") -> str:
    """`name`, else `name + suffix`, else with a number: the first not in `taken` (which is updated)."""
    candidates = [name, name + suffix] if suffix else [name]
    for candidate in candidates:
        if candidate not in taken:
            taken.add(candidate)
            return candidate
    number = 2
    while f"{candidates[-1]}{number}" in taken:
        number += 1
    taken.add(f"{candidates[-1]}{number}")
    return f"{candidates[-1]}{number}"
