"""Naming, the language-neutral part: spec names split into words, English singulars and plurals, action verbs,
unique names; and `Naming`, what the model asks the target it is built for about the names of its language.

The model decides what is named (a resource, a method, a model, a field) and from which words; a target decides
how its language writes those words (`generator/targets/python/naming.py`: snake_case, PascalCase, keywords
escaped) and which names its generated code keeps for itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import Protocol

from generator.filenames import is_device_name

_WORD_BOUNDARY = re.compile(r"[^0-9A-Za-z]+")
_CAMEL_SPLIT = re.compile(r"([A-Z]+)([A-Z][a-z])|([a-z0-9])([A-Z])")


def words(name: str) -> list[str]:
    """Split any spec name ('objectType', 'end-users', 'HTTPServer', 'x.y') into lowercase words."""
    return list(_words(name))


@lru_cache(maxsize=65536)
def _words(name: str) -> tuple[str, ...]:  # the same names are split again and again (18,000 calls on jira-platform)
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    spaced = _CAMEL_SPLIT.sub(lambda m: f"{m[1] or m[3]} {m[2] or m[4]}", ascii_name)
    return tuple(w.lower() for w in _WORD_BOUNDARY.split(spaced) if w)


class Naming(Protocol):
    """Every naming decision the model builder leaves to a target: how its language writes a name of each kind
    (each made from a spec name, `fallback` when nothing of it is left), how a name the language or the generated
    code keeps for itself is escaped, and which names those are. The results land in the IR unchanged."""

    @property
    def reserved_client_names(self) -> frozenset[str]:
        """Names the client class may not take (the package's own classes)."""

    @property
    def reserved_client_attributes(self) -> frozenset[str]:
        """Attributes of the client; a top-level resource may not take one."""

    @property
    def reserved_resource_attributes(self) -> frozenset[str]:
        """Attributes of every resource; a child resource or a method may not take one."""

    @property
    def reserved_arguments(self) -> frozenset[str]:
        """Arguments every method has, and names its body uses; a parameter named so is escaped."""

    @property
    def reserved_model_names(self) -> frozenset[str]:
        """Names a model class may not take: what the generated type modules import or define."""

    @property
    def reserved_field_names(self) -> frozenset[str]:
        """Names a model field may not take: its base class's attributes, names its module imports."""

    def attribute(self, name: str, fallback: str) -> str:
        """A resource's attribute on the client or its parent resource (`end_users`)."""

    def method(self, name: str, fallback: str) -> str:
        """A resource's method (`void`, `submit_tool_outputs`)."""

    def argument(self, name: str, fallback: str) -> str:
        """A method's or the client constructor's argument (`customer_id`, `api_key`)."""

    def field(self, name: str, fallback: str) -> str:
        """A model's field or a request object's key (`full_name`)."""

    def module(self, name: str, fallback: str) -> str:
        """A module (file) or the package (`invoice_line`)."""

    def class_name(self, name: str, fallback: str = "Model") -> str:
        """A class (`EndUserDeleteResponse`); also each fragment of a nested class's property path."""

    def constant(self, name: str, fallback: str) -> str:
        """An environment variable's part (`CONDUCTOR`, `API_KEY`)."""

    def escaped(self, name: str) -> str:
        """A name that is reserved, written so that it is not (`timeout` -> `timeout_`)."""


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
