"""Every naming decision: spec names become readable, valid, collision-free Python identifiers."""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

from generator.filenames import is_device_name

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


# Words that, first in a path segment, make it an action on the item before it (`/invoices/{id}/void`,
# `/runs/{id}/submit_tool_outputs`): the verbs APIs use for state changes and one-off operations.
# fmt: off
ACTION_VERBS = frozenset({
    "abort", "accept", "acknowledge", "activate", "add", "append", "apply", "approve", "archive", "assign", "attach",
    "authorize", "ban", "block", "cancel", "capture", "check", "checkout", "clone", "close", "commit", "complete",
    "confirm", "convert", "copy", "deactivate", "decline", "delete", "deny", "deploy", "detach", "disable", "dismiss",
    "dispatch", "duplicate", "enable", "enroll", "estimate", "exchange", "execute", "expire", "export", "finalize",
    "finish", "flag", "flush", "follow", "fork", "freeze", "generate", "grant", "hangup", "hide", "hold", "import",
    "install", "invite", "join", "kill", "leave", "link", "lock", "login", "logout", "mark", "merge", "migrate",
    "move", "mute", "notify", "open", "pause", "pin", "ping", "preview", "promote", "publish", "purge", "reactivate",
    "reboot", "recalculate", "recycle", "redeliver", "redeploy", "refer", "refresh", "refund", "regenerate",
    "reindex", "reject", "release", "reload", "remix", "remove", "rename", "renew", "reopen", "replace", "replay",
    "reply", "report", "reprocess", "rerun", "resend", "reserve", "reset", "resize", "resolve", "restart", "restore",
    "resume", "retry", "return", "reverse", "revert", "revoke", "rollback", "rotate", "run", "schedule", "search",
    "send", "share", "sign", "simulate", "skip", "snooze", "split", "start", "stop", "submit", "subscribe", "suspend",
    "sync", "terminate", "test", "transfer", "trash", "trigger", "unarchive", "unassign", "unblock", "unfollow",
    "unfreeze", "unlink", "unlock", "unmute", "unpin", "unpublish", "unsubscribe", "unsuspend", "update", "upgrade",
    "validate", "verify", "void", "withdraw"
})
# fmt: on


def is_action(segment: str) -> bool:
    """A path segment naming an action: it starts with a verb (`void`, `submit_tool_outputs`, `removeAndSwap`)."""
    split = words(segment)
    return bool(split) and split[0] in ACTION_VERBS


def is_plural(segment: str) -> bool:
    """A path segment naming many things (`files`, `child_agents`): its last word is an English plural."""
    split = words(segment)
    return bool(split) and singular(split[-1]) != split[-1]


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


def portable_modules(modules: Iterable[str]) -> dict[str, str]:
    """Each dotted module path -> the path every system can check out: a part Windows keeps for a device is
    renamed as `unique` renames a name taken in its folder (`aux` -> `aux_2`), never onto a sibling's name."""
    modules = sorted(set(modules))
    taken: dict[tuple[str, ...], set[str]] = defaultdict(set)  # folder -> lowercase names in it
    for module in modules:
        parts = module.split(".")
        for depth, part in enumerate(parts):
            taken[tuple(parts[:depth])].add(part.lower())
    renamed: dict[tuple[str, ...], str] = {}  # a part, by its original path -> its new name
    result = {}
    for module in modules:
        parts = module.split(".")
        for depth, part in enumerate(parts):
            path = tuple(parts[: depth + 1])
            if is_device_name(part) and path not in renamed:
                renamed[path] = unique(part, taken[path[:-1]])
        result[module] = ".".join(renamed.get(tuple(parts[: d + 1]), part) for d, part in enumerate(parts))
    return result
