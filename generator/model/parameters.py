"""An operation's path, query, header and cookie parameters (its path item's too) as method arguments."""

from __future__ import annotations

import re

from generator.errors import GeneratorError, Problem
from generator.model import types as t
from generator.model.example_values import parameter_example
from generator.model.ir import Parameter, TypeRef
from generator.model.schemas import Hint, SchemaTypes
from generator.spec.build import SchemaGraph
from generator.spec.nodes import Operation, PathItem
from generator.spec.nodes import Parameter as ParameterNode

# Header parameters OpenAPI says to ignore: the client sets them itself.
IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})
STR = TypeRef(t.STRING)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def query_names(item: PathItem, op: Operation) -> set[str]:
    """The wire names of an operation's query parameters (its path item's too), types left unbuilt."""
    return {p.name for p in (*item.parameters, *op.parameters) if p.in_ == "query" and p.name is not None}


class ParameterBuilder:
    def __init__(self, types: SchemaTypes, graph: SchemaGraph, warnings: list[Problem]) -> None:
        self.types = types
        self.naming = types.naming
        self.graph = graph
        self.warnings = warnings  # generated anyway, but the user should know

    def parameters(self, item: PathItem, op: Operation, path: str, hint: Hint) -> list[Parameter]:
        """The path item's parameters and the operation's (which win, by place and name): path ones first, in the
        path's order."""
        merged: dict[tuple[str, str], Parameter] = {}
        for node in (*item.parameters, *op.parameters):
            param = self.parameter(node, hint)
            if param is not None:
                merged[(param.location, param.wire_name)] = param
        order = {name: i for i, name in enumerate(_path_names(path))}
        return sorted(merged.values(), key=lambda p: (p.location != "path", order.get(p.wire_name, 0)))

    def parameter(self, node: ParameterNode, params_hint: Hint) -> Parameter | None:
        """One parameter as an argument; None for one without a name or a place, or a header the client sets."""
        if node.name is None or node.in_ is None:
            return None
        wire, location = node.name, node.in_
        if location == "header" and wire.lower() in IGNORED_HEADERS:
            return None
        self.warnings.extend(node.problems)
        _check_sendable(node)
        hint = params_hint.below(self.naming.class_name(wire, "Param"))
        schema = node.schema
        type_ = self.types.request_type(schema, hint) if schema is not None else STR  # no schema: text
        style = node.style if node.style is not None else "form"
        explode = node.explode if node.explode is not None else style == "form"
        if schema is None:  # the example of a schema that says nothing
            example_schema = self.graph.schema({}, node.location.file, f"{node.location.pointer}/schema")
        else:
            example_schema = schema
        return Parameter(
            name=self.naming.argument(wire, "param"),
            wire_name=wire,
            location=location,
            required=location == "path" or node.required,
            type=type_,
            description=_text(node.description) or (_text(schema.resolved.description) if schema is not None else None),
            schema=schema.resolved if schema is not None else None,
            deprecated=node.deprecated,
            style=style if location == "query" else "form",
            explode=explode if location == "query" else True,
            example=parameter_example(node.example, dict(node.examples), example_schema),
        )


def _check_sendable(node: ParameterNode) -> None:
    """A parameter's name, and the property names an object parameter spreads into the URL or headers, go out
    as UTF-8, which cannot carry a lone surrogate: such a spec is refused here, naming the name, not left to
    fail in every call the SDK makes."""
    schema = node.schema.resolved if node.schema is not None else None
    names = [(node.name or "", f"{node.location.pointer}/name")]
    for member in (schema, *(schema.one_of or ()), *(schema.any_of or ())) if schema is not None else ():
        merged = member.resolved.merged
        if merged is not None:
            names += [(name, str(prop.location.pointer)) for name, prop in merged.properties.items()]
    for name, pointer in names:
        if _LONE_SURROGATE.search(name):
            message = f"name {name!r} holds a lone surrogate; no request can carry it (UTF-8 has no form for it)"
            raise GeneratorError(Problem(message, str(node.location.file), pointer))


def _path_names(path: str) -> list[str]:
    return [s[1:-1] for s in path.split("/") if s.startswith("{") and s.endswith("}")]


def _text(value: str | None) -> str | None:
    return value if value is not None and value.strip() else None
