"""Parameters removed, added, renamed, moved, and what changed in each kept one."""

from __future__ import annotations

from dataclasses import dataclass

from generator.diff import schemas
from generator.diff.changes import Level
from generator.diff.comparison import Comparison, in_new, in_old
from generator.diff.shape import shape
from generator.diff.sides import Side
from generator.diff.where import Where
from generator.model import ir
from generator.spec.nodes import Parameter, Schema
from generator.targets.python.types import annotation as python_annotation

Key = tuple[str, str]  # (in, name): a parameter's identity in an operation


@dataclass(frozen=True)
class _Parameters:
    """One side's parameters of an operation: the typed nodes and the IR's keyword parameters, by key."""

    nodes: dict[Key, Parameter]
    named: dict[Key, ir.Parameter]

    def keyword(self, key: Key) -> str:
        """The parameter's keyword in the method, else its wire name."""
        param = self.named.get(key)
        return param.name if param is not None else key[1]


def compare_parameters(c: Comparison, subject: str, old_op: ir.Operation, new_op: ir.Operation) -> None:
    old = _Parameters(_parameters(c.old, old_op), _by_wire_name(old_op))
    new = _Parameters(_parameters(c.new, new_op), _by_wire_name(new_op))
    removed = [k for k in old.nodes if k not in new.nodes]
    added = [k for k in new.nodes if k not in old.nodes]
    for key in list(removed):  # a removed and an added parameter that match are a rename or a move
        partner = _partner(key, added, old.nodes, new.nodes)
        if partner is not None:
            removed.remove(key)
            added.remove(partner)
            _report_renamed(c, subject, (key, partner), old, new)
    for key in removed:
        message = f"parameter `{old.keyword(key)}` removed ({key[0]})"
        c.add(Level.BREAKING, subject, message, "parameter-removed", in_old(old.nodes[key].location))
    for key in added:
        _report_added(c, subject, key, new.nodes[key], new.keyword(key))
    for key in old.nodes.keys() & new.nodes.keys():
        _compare_parameter(c, subject, key, old, new)


def _report_renamed(c: Comparison, subject: str, keys: tuple[Key, Key], old: _Parameters, new: _Parameters) -> None:
    key, partner = keys
    old_name, new_name = old.keyword(key), new.keyword(partner)
    if partner[0] != key[0]:
        message = f"parameter `{new_name}` moved from {key[0]} to {partner[0]}"
        rule = "parameter-moved"
    else:
        message = f"{key[0]} parameter renamed `{key[1]}` -> `{partner[1]}`"
        if old_name != new_name:
            message += f" (keyword `{old_name}` -> `{new_name}`)"
        rule = "parameter-renamed"
    c.add(Level.BREAKING, subject, message, rule, in_new(new.nodes[partner].location))


def _report_added(c: Comparison, subject: str, key: Key, new: Parameter, name: str) -> None:
    if new.required:
        c.add(
            Level.BREAKING,
            subject,
            f"new required parameter `{name}` ({key[0]})",
            "parameter-added-required",
            in_new(new.location),
        )
    else:
        c.add(
            Level.MINOR,
            subject,
            f"new optional keyword `{name}` ({key[0]})",
            "parameter-added-optional",
            in_new(new.location),
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


def _compare_parameter(c: Comparison, subject: str, key: Key, old_side: _Parameters, new_side: _Parameters) -> None:
    old, new = old_side.nodes[key], new_side.nodes[key]
    old_ir, new_ir = old_side.named.get(key), new_side.named.get(key)
    name = new_side.keyword(key)
    at = new.location
    if old_ir is not None and new_ir is not None and old_ir.name != new_ir.name:
        c.add(
            Level.BREAKING, subject, f"keyword `{old_ir.name}` renamed `{new_ir.name}`", "keyword-renamed", in_new(at)
        )
    if new.required and not old.required:
        c.add(Level.BREAKING, subject, f"parameter `{name}` is now required", "parameter-made-required", in_new(at))
    elif old.required and not new.required:
        c.add(Level.MINOR, subject, f"parameter `{name}` is now optional", "parameter-made-optional", in_new(at))
    for key_name, was, now in (("style", old.style, new.style), ("explode", old.explode, new.explode)):
        if was != now:
            c.add(
                Level.BREAKING,
                subject,
                f"parameter `{name}`: {key_name} changed {was} -> {now} (sent differently)",
                "parameter-serialization-changed",
                in_new(at),
            )
    if new.deprecated and not old.deprecated:
        c.add(Level.MINOR, subject, f"parameter `{name}` deprecated", "parameter-deprecated", in_new(at))
    if old.description != new.description:
        c.add(
            Level.PATCH,
            subject,
            f"parameter `{name}`: description changed (documentation only)",
            "parameter-doc-changed",
            in_new(at),
        )
    annotations = (python_annotation(old_ir.type), python_annotation(new_ir.type)) if old_ir and new_ir else None
    where = Where(subject, "parameter", "request", name)
    schemas.compare_schema(c, own_schema(old), own_schema(new), where, annotations)


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
