"""Changes inside a schema, wherever it is used: its type, values, constraints, properties and union members,
each classified by the direction it travels in (what a request may no longer send, what a response may now hold)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from generator.diff.changes import Level
from generator.diff.comparison import Comparison, in_new, in_old
from generator.diff.view import View, allowed_values, is_schema, type_text, view, widens, written
from generator.diff.where import Where, model_where
from generator.spec.nodes import Location, Schema
from generator.targets.python.types import annotation as python_annotation

Annotations = tuple[str, str] | None  # the Python types of the old and new value, when it is a keyword or field

_TIGHTER_IF_LOWER = ("maxLength", "maximum", "exclusiveMaximum", "maxItems", "maxProperties")
_TIGHTER_IF_HIGHER = ("minLength", "minimum", "exclusiveMinimum", "minItems", "minProperties")


def compare_schema(
    c: Comparison,
    old: Schema | None,
    new: Schema | None,
    where: Where,
    annotations: Annotations = None,
) -> None:
    if old is None or new is None or not is_schema(old) or not is_schema(new):
        return
    old_v, new_v = view(old), view(new)
    where = _model_subject(c, old_v, new_v, where)
    key = (str(old_v.node.location), str(new_v.node.location), where.direction, where.subject + where.thing())
    if key in c.seen:
        return
    c.seen.add(key)
    pair = key[:3]
    if pair in c.descending:
        return  # what changed below is reported where the cycle began
    c.descending.add(pair)
    _compare_type(c, old_v, new_v, where, annotations)
    _compare_documentation(c, old_v, new_v, where)
    _compare_values(c, old_v, new_v, where)
    _compare_constraints(c, old_v, new_v, where)
    _compare_properties(c, old_v, new_v, where)
    _compare_options(c, old_v, new_v, where)
    if "array" in old_v.types & new_v.types:
        compare_schema(c, old_v.node.items, new_v.node.items, where.below("[]"))
    _compare_additional_properties(c, old_v, new_v, where)
    c.descending.discard(pair)


def _model_subject(c: Comparison, old: View, new: View, where: Where) -> Where:
    """Inside a response model the subject becomes the model: `EndUser.email` reads better than a path."""
    if where.direction != "response":
        return where
    model = c.new.model_at(new.node) or c.old.model_at(old.node)
    return model_where(model) if model is not None else where


def _compare_type(c: Comparison, old: View, new: View, where: Where, annotations: Annotations) -> None:
    at = new.node.location
    if old.types and new.types and old.types != new.types:
        safe = widens(old.types, new.types) if where.direction == "request" else widens(new.types, old.types)
        before, after = annotations if annotations else (type_text(old), type_text(new))
        c.report(
            where,
            Level.MINOR if safe else Level.BREAKING,
            f"changed type {before} -> {after}",
            "type-changed",
            in_new(at),
        )
    elif old.types and new.types and old.node.format != new.node.format:
        _report_format(c, old, new, where, annotations)
    if old.nullable != new.nullable:
        if where.direction == "response":
            level = Level.BREAKING if new.nullable else Level.MINOR
        else:
            level = Level.MINOR if new.nullable else Level.BREAKING
        message = "may now be null" if new.nullable else "may no longer be null"
        c.report(where, level, message, "nullable-changed", in_new(at))


def _report_format(c: Comparison, old: View, new: View, where: Where, annotations: Annotations) -> None:
    before, after = old.node.format, new.node.format
    message = f"format changed {before or '(none)'} -> {after or '(none)'}"
    if annotations and annotations[0] != annotations[1]:  # the Python type changed with it
        level, message = Level.BREAKING, f"changed type {annotations[0]} -> {annotations[1]} ({message})"
    elif before and after:
        level = Level.BREAKING
    else:
        level = Level.POSSIBLY_BREAKING
    c.report(where, level, message, "format-changed", in_new(new.node.location))


def _compare_documentation(c: Comparison, old: View, new: View, where: Where) -> None:
    """Deprecation, defaults and descriptions of what has a name (a keyword, a field): a bare body has none."""
    if not (where.path or where.kind in ("parameter", "keyword")):
        return
    at = new.node.location
    if new.node.deprecated and not old.node.deprecated:
        c.report(where, Level.MINOR, "deprecated", "schema-deprecated", in_new(at))
    before, after = written(old.node.default), written(new.node.default)
    if before != after:
        level = Level.POSSIBLY_BREAKING if where.direction == "request" else Level.PATCH
        c.report(where, level, f"default changed {_show(before)} -> {_show(after)}", "default-changed", in_new(at))
    if (old.node.description, old.node.title) != (new.node.description, new.node.title):
        c.report(where, Level.PATCH, "description changed (documentation only)", "schema-doc-changed", in_new(at))


def _compare_values(c: Comparison, old: View, new: View, where: Where) -> None:
    old_values, new_values = allowed_values(old.node), allowed_values(new.node)
    at = new.node.location
    request = where.direction == "request"
    if old_values is not None and new_values is not None:
        for value in old_values:
            if value not in new_values:
                level = Level.BREAKING if request else Level.MINOR
                c.report(where, level, f"enum value {_show(value)} removed", "enum-value-removed", in_new(at))
        for value in new_values:
            if value not in old_values:
                level = Level.MINOR if request else Level.POSSIBLY_BREAKING
                c.report(where, level, f"enum value {_show(value)} added", "enum-value-added", in_new(at))
    elif new_values is not None:
        level = Level.BREAKING if request else Level.MINOR
        c.report(where, level, f"now limited to {_show(new_values)}", "enum-added", in_new(at))
    elif old_values is not None:
        level = Level.MINOR if request else Level.POSSIBLY_BREAKING
        c.report(where, level, "no longer limited to a list of values", "enum-removed", in_new(at))


def _compare_constraints(c: Comparison, old: View, new: View, where: Where) -> None:
    # Generated models do not enforce constraints on responses, so there they are documentation.
    old_constraints, new_constraints = _constraints(old.node), _constraints(new.node)
    for keyword, before in old_constraints.items():
        after = new_constraints[keyword]
        if before == after or isinstance(before, bool) or isinstance(after, bool):
            continue
        tighter = _tighter(keyword, before, after)
        level = (Level.BREAKING if tighter else Level.MINOR) if where.direction == "request" else Level.PATCH
        word = "tightened" if tighter else "relaxed"
        before_text = _show(before) if before is not None else "(none)"
        after_text = _show(after) if after is not None else "(none)"
        c.report(
            where,
            level,
            f"{keyword} {word}: {before_text} -> {after_text}",
            f"constraint-{word}",
            in_new(new.node.location),
        )


def _constraints(node: Schema) -> dict[str, Any]:
    bounds = node.bounds
    return {
        "maxLength": bounds.max_length,
        "maximum": bounds.maximum,
        "exclusiveMaximum": bounds.exclusive_maximum,
        "maxItems": bounds.max_items,
        "maxProperties": bounds.max_properties,
        "minLength": bounds.min_length,
        "minimum": bounds.minimum,
        "exclusiveMinimum": bounds.exclusive_minimum,
        "minItems": bounds.min_items,
        "minProperties": bounds.min_properties,
        "pattern": node.pattern,
        "multipleOf": bounds.multiple_of,
    }


def _compare_properties(c: Comparison, old: View, new: View, where: Where) -> None:
    for name, prop in old.properties.items():
        if name not in new.properties:
            c.report(
                _property_label(name, where),
                Level.BREAKING,
                "removed",
                "property-removed",
                in_old(prop.resolved.location),
            )
    for name, prop in new.properties.items():
        if name not in old.properties:
            _report_added_property(c, _property_label(name, where), name in new.required, prop.resolved.location)
    for name in old.properties.keys() & new.properties.keys():
        label = _property_label(name, where)
        was, now = name in old.required, name in new.required
        if was != now:
            if where.direction == "request":
                level = Level.BREAKING if now else Level.MINOR
            else:
                level = Level.MINOR if now else Level.BREAKING
            message = "is now required" if now else "is now optional"
            c.report(label, level, message, "property-required-changed", in_new(new.properties[name].resolved.location))
        annotations = _property_annotations(c, old, new, name, where)
        compare_schema(c, old.properties[name], new.properties[name], label, annotations)


def _report_added_property(c: Comparison, label: Where, required: bool, at: Location) -> None:
    if label.direction == "request" and required:
        c.report(label, Level.BREAKING, "added as required", "property-added-required", in_new(at))
    elif label.direction == "request":
        c.report(label, Level.MINOR, "added (optional)", "property-added-optional", in_new(at))
    else:
        c.report(label, Level.MINOR, "added", "property-added", in_new(at))


def _property_label(name: str, where: Where) -> Where:
    """Below `where`: a flattened body property is a keyword; a model property is its Python field."""
    if where.at_body_root and where.body is not None and name in where.body.names:
        return Where(where.subject, "keyword", "request", where.body.names[name])
    if where.kind == "model" and not where.path and where.model is not None:
        field_ = next((f for f in where.model.fields if f.wire_name == name), None)
        return where.below(field_.name if field_ else name)
    return where.below(name)


def _property_annotations(c: Comparison, old: View, new: View, name: str, where: Where) -> Annotations:
    """The Python types of a property that is a keyword (of a flattened body) or a response model's field."""
    body = where.body
    if where.at_body_root and body is not None and name in body.old and name in body.new:
        return python_annotation(body.old[name].type), python_annotation(body.new[name].type)
    if where.direction == "response":
        return _field_annotations(c, old, new, name)
    return None


def _field_annotations(c: Comparison, old: View, new: View, wire_name: str) -> Annotations:
    old_model, new_model = c.old.model_at(old.node), c.new.model_at(new.node)
    if old_model is None or new_model is None:
        return None
    old_field = next((f for f in old_model.fields if f.wire_name == wire_name), None)
    new_field = next((f for f in new_model.fields if f.wire_name == wire_name), None)
    if old_field is None or new_field is None:
        return None
    return (
        _required_annotation(python_annotation(old_field.type)),
        _required_annotation(python_annotation(new_field.type)),
    )


def _compare_options(c: Comparison, old: View, new: View, where: Where) -> None:
    for keyword in ("oneOf", "anyOf"):
        old_members, new_members = old.options.get(keyword, []), new.options.get(keyword, [])
        old_keys, new_keys = _member_keys(old_members), _member_keys(new_members)
        for index, member_key in enumerate(old_keys):
            if member_key not in new_keys:
                level = Level.BREAKING if where.direction == "request" else Level.MINOR
                c.report(
                    where,
                    level,
                    f"no longer accepts the {keyword} member {member_key}",
                    "union-member-removed",
                    in_old(old_members[index].location),
                )
        for index, member_key in enumerate(new_keys):
            if member_key not in old_keys:
                level = Level.MINOR if where.direction == "request" else Level.POSSIBLY_BREAKING
                c.report(
                    where,
                    level,
                    f"{keyword} member {member_key} added",
                    "union-member-added",
                    in_new(new_members[index].location),
                )
            else:
                compare_schema(c, old_members[old_keys.index(member_key)], new_members[index], where)


def _member_keys(members: list[Schema]) -> list[str]:
    """Each union member by its title, else by its place and type. A title several members share (three
    members all titled `array`, say) is told apart by its occurrence: the first `array`, the second..."""
    titles = Counter(member.title for member in members if member.title is not None)
    seen: Counter[str] = Counter()
    keys = []
    for index, member in enumerate(members):
        if member.title is None:
            keys.append(f"#{index + 1} ({type_text(view(member))})")
        elif titles[member.title] == 1:
            keys.append(f"`{member.title}`")
        else:
            seen[member.title] += 1
            keys.append(f"`{member.title}` #{seen[member.title]}")
    return keys


def _compare_additional_properties(c: Comparison, old: View, new: View, where: Where) -> None:
    old_extra, new_extra = old.node.additional_properties, new.node.additional_properties
    if old_extra is not None and new_extra is not None and old_extra.is_mapping and new_extra.is_mapping:
        compare_schema(c, old_extra, new_extra, where.below("{}"))
    elif (
        where.direction == "request"
        and not _is_false(old_extra)
        and _is_false(new_extra)
        and not old.properties.keys() - new.properties.keys()
    ):
        c.report(
            where,
            Level.POSSIBLY_BREAKING,
            "no longer accepts properties it does not list",
            "additional-properties-closed",
            in_new(new.node.location),
        )


def _is_false(schema: Schema | None) -> bool:
    return schema is not None and not schema.is_mapping and schema.boolean is False


def _tighter(keyword: str, before: Any, after: Any) -> bool:
    if keyword == "pattern":
        return after is not None  # added or changed: values the old pattern allowed may now fail
    if keyword == "multipleOf":
        return after is not None and (before is None or not _is_multiple(after, before))
    if before is None:
        return True
    if after is None:
        return False
    try:
        return bool(after < before) if keyword in _TIGHTER_IF_LOWER else bool(after > before)
    except TypeError:
        return True


def _is_multiple(value: Any, of: Any) -> bool:
    try:
        return bool(of) and float(value) % float(of) == 0
    except (TypeError, ValueError):
        return False


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _required_annotation(annotation: str) -> str:
    """`Optional[int]` of an optional field -> `int`: requiredness is reported on its own."""
    if annotation.startswith("Optional[") and annotation.endswith("]"):
        return annotation[len("Optional[") : -1]
    return annotation.removesuffix(" | None")
