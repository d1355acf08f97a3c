"""Methods added, removed and renamed, and what changed in each kept one (its parts in their own modules)."""

from __future__ import annotations

from generator.diff import bodies, parameters, responses, security
from generator.diff.changes import Level
from generator.diff.comparison import Comparison, in_new, in_old
from generator.model.ir import Operation

_DOC_KEYS = ("summary", "description")  # what an operation's documentation is written in


def compare_operations(c: Comparison) -> None:
    old_ops = {(op.http_method, op.path): op for op in c.old.api.operations}
    new_ops = {(op.http_method, op.path): op for op in c.new.api.operations}
    new_paths = {path for _, path in new_ops}
    for (method, path), op in old_ops.items():
        if (method, path) not in new_ops:
            what = "operation removed" if path in new_paths else "path removed"
            c.add(
                Level.BREAKING,
                method_name(op),
                f"method removed ({method} {path}: {what})",
                "operation-removed",
                in_old(c.old.nodes(op).operation.location),
            )
    for key, op in new_ops.items():
        if key not in old_ops:
            c.add(
                Level.MINOR,
                method_name(op),
                f"new method ({key[0]} {key[1]})",
                "operation-added",
                in_new(c.new.nodes(op).operation.location),
            )
        else:
            compare_operation(c, old_ops[key], op)


def compare_operation(c: Comparison, old: Operation, new: Operation) -> None:
    subject = method_name(new)
    old_nodes, new_nodes = c.old.nodes(old), c.new.nodes(new)
    at = new_nodes.operation.location
    if method_name(old) != subject:
        c.add(Level.BREAKING, method_name(old), f"method renamed to `{subject}`", "method-renamed", in_new(at))
    if new.deprecated and not old.deprecated:
        c.add(Level.MINOR, subject, "deprecated", "operation-deprecated", in_new(at))
    old_docs = (old_nodes.operation.summary, old_nodes.operation.description)
    new_docs = (new_nodes.operation.summary, new_nodes.operation.description)
    for key, was, now in zip(_DOC_KEYS, old_docs, new_docs, strict=True):
        if was != now:
            c.add(Level.PATCH, subject, f"{key} changed (documentation only)", "operation-doc-changed", in_new(at))
    security.compare_security(c, subject, old_nodes.operation, new_nodes.operation, at)
    parameters.compare_parameters(c, subject, old, new)
    bodies.compare_body(c, subject, old, new)
    responses.compare_responses(c, subject, old, new)


def method_name(op: Operation) -> str:
    """`end_users.delete`: the method as the client's users call it."""
    return ".".join((*op.resource_path, op.name))
