"""Parameters removed, added, renamed, moved, and what changed in each kept one."""

from __future__ import annotations

from generator.diff import schemas
from generator.diff.changes import Level
from generator.diff.comparison import Comparison
from generator.diff.shape import shape
from generator.diff.sides import Side
from generator.diff.where import Where
from generator.model import ir
from generator.spec.nodes import Parameter, Schema
from generator.targets.python.types import annotation as python_annotation

Key = tuple[str, str]  # (in, name): a parameter's identity in an operation


def compare_parameters(c: Comparison, subject: str, old: ir.Operation, new: ir.Operation) -> None:
    old_params, new_params = _parameters(c.old, old), _parameters(c.new, new)
    old_named, new_named = _by_wire_name(old), _by_wire_name(new)
    removed = [k for k in old_params if k not in new_params]
    added = [k for k in new_params if k not in old_params]
    for key in list(removed):  # a removed and an added parameter that match are a rename or a move
        partner = _partner(key, added, old_params, new_params)
        if partner is not None:
            removed.remove(key)
            added.remove(partner)
            _report_renamed(
                c,
                subject,
                key,
                partner,
                _keyword(old_named.get(key), key[1]),
                _keyword(new_named.get(partner), partner[1]),
                new_params[partner],
            )
    for key in removed:
        name = _keyword(old_named.get(key), key[1])
        c.add(
            Level.BREAKING,
            subject,
            f"parameter `{name}` removed ({key[0]})",
            "parameter-removed",
            old_params[key].location,
            "old",
        )
    for key in added:
        _report_added(c, subject, key, new_params[key], _keyword(new_named.get(key), key[1]))
    for key in old_params.keys() & new_params.keys():
        _compare_parameter(c, subject, key, old_params[key], new_params[key], old_named.get(key), new_named.get(key))


def _report_renamed(
    c: Comparison, subject: str, key: Key, partner: Key, old_name: str, new_name: str, new: Parameter
) -> None:
    if partner[0] != key[0]:
        message = f"parameter `{new_name}` moved from {key[0]} to {partner[0]}"
        rule = "parameter-moved"
    else:
        message = f"{key[0]} parameter renamed `{key[1]}` -> `{partner[1]}`"
        if old_name != new_name:
            message += f" (keyword `{old_name}` -> `{new_name}`)"
        rule = "parameter-renamed"
    c.add(Level.BREAKING, subject, message, rule, new.location, "new")


def _report_added(c: Comparison, subject: str, key: Key, new: Parameter, name: str) -> None:
    if new.required:
        c.add(
            Level.BREAKING,
            subject,
            f"new required parameter `{name}` ({key[0]})",
            "parameter-added-required",
            new.location,
            "new",
        )
    else:
        c.add(
            Level.MINOR,
            subject,
            f"new optional keyword `{name}` ({key[0]})",
            "parameter-added-optional",
            new.location,
            "new",
        )


def _partner(key: Key, added: list[Key], old: dict[Key, Parameter], new: dict[Key, Parameter]) -> Key | None:
    """The added parameter that is `key` renamed (same place and schema) or moved (same name)."""
    for candidate in added:
        if candidate[1] == key[1]:
            return candidate
    same_place = [candidate for candidate in added if candidate[0] == key[0]]
    if len(same_place) == 1 and shape(own_schema(new[same_place[0]])) == shape(own_schema(old[key])):
        return same_place[0]
    return None


def _compare_parameter(
    c: Comparison,
    subject: str,
    key: Key,
    old: Parameter,
    new: Parameter,
    old_ir: ir.Parameter | None,
    new_ir: ir.Parameter | None,
) -> None:
    name = _keyword(new_ir, key[1])
    at = new.location
    if old_ir is not None and new_ir is not None and old_ir.name != new_ir.name:
        c.add(Level.BREAKING, subject, f"keyword `{old_ir.name}` renamed `{new_ir.name}`", "keyword-renamed", at, "new")
    if new.required and not old.required:
        c.add(Level.BREAKING, subject, f"parameter `{name}` is now required", "parameter-made-required", at, "new")
    elif old.required and not new.required:
        c.add(Level.MINOR, subject, f"parameter `{name}` is now optional", "parameter-made-optional", at, "new")
    for key_name, was, now in (("style", old.style, new.style), ("explode", old.explode, new.explode)):
        if was != now:
            c.add(
                Level.BREAKING,
                subject,
                f"parameter `{name}`: {key_name} changed {was} -> {now} (sent differently)",
                "parameter-serialization-changed",
                at,
                "new",
            )
    if new.deprecated and not old.deprecated:
        c.add(Level.MINOR, subject, f"parameter `{name}` deprecated", "parameter-deprecated", at, "new")
    if old.description != new.description:
        c.add(
            Level.PATCH,
            subject,
            f"parameter `{name}`: description changed (documentation only)",
            "parameter-doc-changed",
            at,
            "new",
        )
    annotations = (python_annotation(old_ir.type), python_annotation(new_ir.type)) if old_ir and new_ir else None
    schemas.compare_schema(
        c, own_schema(old), own_schema(new), Where(subject, "parameter", name), "request", annotations
    )


def own_schema(param: Parameter) -> Schema | None:
    """The parameter's `schema` (not a `content` media type's, which the comparison leaves out)."""
    schema = param.schema
    if schema is None or schema.location != param.location.child("schema"):
        return None
    return schema


def _parameters(side: Side, op: ir.Operation) -> dict[Key, Parameter]:
    """The path item's and the operation's parameters, keyed by (in, name); the operation's win."""
    nodes = side.nodes(op)
    found: dict[Key, Parameter] = {}
    for param in (*nodes.item.parameters, *nodes.operation.parameters):
        if param.in_ is not None and param.name is not None:
            found[_key(param.in_, param.name)] = param
    return found


def _key(location: str, wire_name: str) -> Key:
    """Header names are case-insensitive."""
    return (location, wire_name.lower() if location == "header" else wire_name)


def _by_wire_name(op: ir.Operation) -> dict[Key, ir.Parameter]:
    return {_key(p.location, p.wire_name): p for p in op.parameters if p.location != "body"}


def _keyword(param: ir.Parameter | None, wire_name: str) -> str:
    return param.name if param is not None else wire_name
