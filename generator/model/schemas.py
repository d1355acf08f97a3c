"""JSON Schema -> types (the neutral tree of generator/model/types.py): response models and request argument types.

Every type decision lives here. Response schemas that are objects with properties become models,
request-side objects TypedDicts (callers pass plain dicts, which type checkers check key by key) whose keys
are named like the response models' fields; each request TypeRef carries a WireShape saying where the
runtime must rename keys to the wire names. Every name is written by the target's `Naming` (model/naming.py).

While schemas are converted, each model gets a name unique in the API (what `ModelRef`s say) and a `Hint`:
the module it belongs to (a component schema, an operation's response or arguments) and its property path
there. Once every operation is built, `SchemaTypes.models` places the modules: a namespace from the resources
using them (`type_namespace`), file and class names (`type_name`), nested classes named by property path.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NoReturn

from generator.errors import GeneratorError, Problem
from generator.model import types as t
from generator.model.ir import Field, Model, TypeRef
from generator.model.naming import Naming, singular, unique, words
from generator.spec.build import SchemaGraph
from generator.spec.load import Spec
from generator.spec.nodes import MergedObject, Schema
from generator.spec.refs import RefError

ANY = TypeRef(t.ANY)
NONE = TypeRef(t.NONE)
_PRIMITIVES = {
    "string": TypeRef(t.STRING),
    "integer": TypeRef(t.Primitive("integer")),
    "number": TypeRef(t.Primitive("number")),
    "boolean": TypeRef(t.Primitive("boolean")),
    "null": NONE,
}
_LITERAL_BASES = (("string", str), ("integer", int), ("boolean", bool))
FILE = TypeRef(t.File())
# The string formats that are types of their own (others are plain strings).
_FORMATS = {"date": TypeRef(t.Primitive("string", "date")), "date-time": TypeRef(t.Primitive("string", "date-time"))}
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def union(members: list[TypeRef]) -> TypeRef:
    """`A | B | None`: nested unions flattened, duplicates dropped, None last; any value absorbs all."""
    distinct: list[TypeRef] = []
    for member in members:
        parts = t.union_members(member.tree)
        for part in [member] if len(parts) == 1 else [TypeRef(p) for p in parts]:
            if part.tree not in [d.tree for d in distinct]:
                distinct.append(part)
    literals = [m for m in distinct if isinstance(m.tree, t.Const)]
    if len(literals) > 1:  # `Literal["a"] | Literal["b"]` is one const of both: `Literal["a", "b"]`
        values = [v for m in literals if isinstance(m.tree, t.Const) for v in m.tree.values]
        merged = _literal_type(list({(type(v), v): v for v in values}.values()))
        distinct = [merged if m is literals[0] else m for m in distinct if m not in literals or m is literals[0]]
    if any(m.tree == t.ANY for m in distinct):
        return ANY
    if len(distinct) == 1:
        return distinct[0]
    non_null = [m for m in distinct if m.tree != t.NONE]
    if len(non_null) < len(distinct):  # `None` goes last: `str | None`
        distinct = [*non_null, NONE]
    return TypeRef(t.Union(tuple(m.tree for m in distinct)))


def optional(type_: TypeRef) -> TypeRef:
    return union([type_, NONE])


@dataclass(frozen=True)
class Hint:
    """Where a schema is met, which names the types it becomes.

    `root` names the module (a component schema's name, `InvoiceListResponse`, `InvoiceCreateParams`) and
    `origin` says what the module stands for (a schema's location, an operation's response or arguments): one
    module per origin (and side: request or response). `path` is the property path below the root, PascalCase
    fragments (`("LineGroup", "Line")` for `lineGroups[].lines[]`), and names the classes nested in the module.
    """

    root: str
    origin: str
    # a component schema loses its namespace's prefix; a name pinned by `type_names` is taken as it is
    kind: Literal["schema", "operation", "pinned"] = "operation"
    path: tuple[str, ...] = ()

    def text(self, naming: Naming) -> str:
        return naming.class_name(self.root) + "".join(self.path)

    def below(self, fragment: str) -> Hint:
        return dataclasses.replace(self, path=(*self.path, fragment))

    def item(self, naming: Naming) -> Hint:
        """The items of an array: the property's singular (`lines` -> `Line`), or `Item` for a root array."""
        if not self.path:
            return self.below("Item")
        parts = words(self.path[-1])
        single = naming.class_name(" ".join([*parts[:-1], singular(parts[-1])])) if parts else self.path[-1]
        return dataclasses.replace(self, path=(*self.path[:-1], single))

    def variant(self, index: int) -> Hint:
        return self.below(f"Variant{index}")


@dataclass
class _ModelDraft:
    name: str
    source: str
    schema: Schema | None
    description: str | None
    fields: list[Field] = field(default_factory=list)
    alias: TypeRef | None = None
    request: bool = False
    hint: Hint | None = None
    arguments: bool = False


def type_namespace(resource_path: tuple[str, ...]) -> tuple[str, ...]:
    """The package under `types/` of the types an operation on `resource_path` uses: the path without its last
    element (`qbd.invoices` -> `types/qbd/`; `end_users` and a group's own method, on `qbd`, -> `types/`)."""
    return resource_path[:-1]


def type_name(hint: Hint, namespace: tuple[str, ...], request: bool) -> str:
    """The words naming a module and its main class (the target's naming writes them: `class_.py` / `Class`).

    A component schema's name loses the words of its namespace when it starts with them (`qbd_invoice` in
    `types/qbd/` is `invoice.py`, `Invoice`); used in requests it is `<name>_param.py`, `<Name>Param`.
    Operation types are named after their resource and method (`InvoiceListResponse`, `InvoiceCreateParams`).
    """
    parts = words(hint.root)
    if hint.kind == "pinned":
        return " ".join(parts)
    if hint.kind == "schema":
        prefix = [w for element in namespace for w in words(element)]
        if prefix and parts[: len(prefix)] == prefix and len(parts) > len(prefix):
            parts = parts[len(prefix) :]
        if request:
            parts = [*parts, "param"]
    return " ".join(parts)


@dataclass
class _Module:
    """One origin's types while they are placed: its drafts, then where it goes and what it is called."""

    hint: Hint
    request: bool
    drafts: list[_ModelDraft] = field(default_factory=list)
    namespaces: list[tuple[str, ...]] = field(default_factory=list)  # of every operation reaching it
    namespace: tuple[str, ...] = ()
    file: str = ""
    class_name: str = ""


class SchemaTypes:
    """Converts schemas to TypeRefs, collecting the response models it creates on the way."""

    def __init__(
        self,
        spec: Spec,
        graph: SchemaGraph,
        naming: Naming,
        type_names: dict[str, str] | None = None,
        config_file: str | None = None,
    ) -> None:
        self.spec = spec
        self.graph = graph
        self.naming = naming  # the target's: every builder of the model reaches it here
        self._drafts: dict[str, _ModelDraft] = {}
        self._named: dict[tuple[Path, str], str] = {}  # schema location -> model name
        self._request_named: dict[tuple[Path, str], str] = {}  # schema location -> TypedDict name
        self._taken: set[str] = {n.lower() for n in naming.reserved_model_names}
        self._pins = _Pins(spec, graph, type_names or {}, config_file, naming.reserved_model_names)
        self._taken.update(self._pins.owners)  # pinned names are reserved up front
        self._converting: set[tuple[Path, str]] = set()  # named non-model schemas being converted
        self._unions: list[tuple[tuple[Path, str], str]] = []  # unions being converted: (where, member pointer)
        self._aliases: set[str] = set()  # the names of named unions

    # --- public -------------------------------------------------------------------------------

    def response_type(self, schema: Schema | None, hint: Hint) -> TypeRef:
        """The type of a value the API sends (None: no schema, any value)."""
        return self._convert(schema, hint, request=False) if schema is not None else ANY

    def request_type(self, schema: Schema | None, hint: Hint) -> TypeRef:
        """The type of a value a caller sends (None: no schema, any value)."""
        return self._convert(schema, hint, request=True) if schema is not None else ANY

    def named_response_map(self, schema: Schema, hint: Hint) -> TypeRef:
        """An operation's inline map response (`Dict[str, object]`) under the hint's name, as a type alias
        (`EndUserPassthroughResponse`): code can import the result's type like any other method's."""
        return self._alias(schema, hint)

    def arguments_model(self, hint: Hint, fields: list[Field], source: str) -> TypeRef:
        """`<Resource><Method>Params`: a TypedDict of a method's keyword arguments (`**params` type-checks)."""
        name = unique(self._class_name(hint), self._taken, separator="")
        draft = _ModelDraft(name, source, None, None, list(fields), request=True, hint=hint, arguments=True)
        self._drafts[name] = draft
        return _typed_dict_ref(name)

    def object_properties(self, schema: Schema) -> list[tuple[str, Schema, bool]] | None:
        """(wire name, schema, required) of an object schema's properties, allOf merged; None if not an object."""
        merged = schema.resolved.merged
        if merged is None:
            return None
        return [(name, prop, name in merged.required) for name, prop in merged.properties.items()]

    def undeclared_required(self, schema: Schema) -> list[str]:
        """The names an object schema requires but does not declare as properties (allOf merged), sorted."""
        merged = schema.resolved.merged
        return sorted(name for name in merged.required if name not in merged.properties) if merged else []

    def field_name(self, model: str, wire_name: str) -> str | None:
        """The attribute name a model gave to the property `wire_name`."""
        draft = self._drafts.get(model)
        return next((f.name for f in draft.fields if f.wire_name == wire_name), None) if draft else None

    def model_of(self, type_: TypeRef) -> str | None:
        """The response model `type_` is (`Meta` or `Meta | None`), or None when it is anything else."""
        members = [part for part in t.union_members(type_.tree) if part != t.NONE]
        if len(members) != 1 or not isinstance(members[0], t.ModelRef) or members[0].name not in self._drafts:
            return None
        draft = self._drafts[members[0].name]
        return draft.name if draft.alias is None else None

    def field_model(self, model: str, wire_name: str) -> str | None:
        """The response model of the property `wire_name` of `model`, when it is one object model."""
        draft = self._drafts.get(model)
        found = next((f for f in draft.fields if f.wire_name == wire_name), None) if draft else None
        return self.model_of(found.type) if found else None

    def check_type_names(self) -> None:
        """Every `type_names` entry named a schema that became a type (call once all types are built)."""
        self._pins.check({*self._named, *self._request_named})

    def models(self, uses: Iterable[tuple[tuple[str, ...], Iterable[str]]] = ()) -> list[Model]:
        """Every model and alias, placed: `uses` gives, per operation, its types' namespace (`type_namespace`) and
        the models it names. A module's namespace is the longest common prefix of those of the operations reaching
        it (directly or through other models); a module reached by none (webhook payloads) sits at the top.
        Modules that import each other (mutually recursive schemas) share the file of the first of them."""
        drafts = list(self._drafts.values())
        references = {d.name: _referenced(d) for d in drafts}
        modules: dict[tuple[str, bool], _Module] = {}
        module_of: dict[str, _Module] = {}
        for draft in drafts:
            hint = draft.hint or Hint(draft.name, draft.source)
            module = modules.setdefault((hint.origin, draft.request), _Module(hint, draft.request))
            if not draft.hint or not draft.hint.path:
                module.hint = dataclasses.replace(hint, path=())
            module.drafts.append(draft)
            module_of[draft.name] = module
        for namespace, names in uses:
            reached: set[str] = set()
            stack = [n for n in names if n in module_of]
            while stack:
                name = stack.pop()
                if name not in reached:
                    reached.add(name)
                    stack.extend(n for n in references[name] if n in module_of)
            for module in {id(module_of[n]): module_of[n] for n in reached}.values():
                module.namespaces.append(namespace)
        ordered = list(modules.values())
        ids = {id(m): str(i) for i, m in enumerate(ordered)}
        edges = {
            ids[id(m)]: {ids[id(module_of[r])] for d in m.drafts for r in references[d.name] if r in module_of}
            for m in ordered
        }
        files = [[ordered[int(i)] for i in group] for group in _strongly_connected(list(ids.values()), edges)]
        for group in files:
            namespace = _common_prefix([ns for m in group for ns in m.namespaces])
            for module in group:
                module.namespace = namespace
        return self._place(files, module_of)

    def _place(self, files: list[list[_Module]], module_of: dict[str, _Module]) -> list[Model]:
        """File and class names: unique per namespace for the main classes and files (a file never takes the name
        of a sub-namespace's folder), nested classes by property path, unique in their file (`Line`, `LineGroup`;
        one taken becomes `<Main><Path>`: `InvoiceCustomer`)."""
        namespaces = {m.namespace[:depth] for group in files for m in group for depth in range(len(m.namespace) + 1)}
        file_names: dict[tuple[str, ...], set[str]] = {
            ns: {"__init__", *(n[-1] for n in namespaces if len(n) == len(ns) + 1 and n[: len(ns)] == ns)}
            for ns in namespaces
        }
        reserved = {n.lower() for n in self.naming.reserved_model_names}
        class_names: dict[tuple[str, ...], set[str]] = {ns: set(reserved) for ns in namespaces}
        local: dict[str, str] = {}  # draft -> class name in its file
        for group in files:  # names pinned by `type_names` first, so no derived name takes one
            for module in group:
                if module.hint.kind == "pinned":
                    class_names[group[0].namespace].add(module.hint.root.lower())
        for group in files:
            namespace = group[0].namespace
            taken = _name_modules(group, class_names[namespace], file_names[namespace], self.naming)
            for module in group:
                _name_nested_classes(module, class_names[namespace], taken, local)
        return [self._placed_model(d, module_of[d.name], local[d.name]) for d in self._drafts.values()]

    @staticmethod
    def _placed_model(d: _ModelDraft, module: _Module, class_name: str) -> Model:
        exported = not (d.hint and d.hint.path) or not any(not (x.hint and x.hint.path) for x in module.drafts)
        return Model(
            d.name,
            ".".join((*module.namespace, module.file)),
            tuple(d.fields),
            d.description,
            d.source,
            d.schema,
            d.alias,
            d.request,
            class_name=class_name,
            exported=exported,
            arguments=d.arguments,
            path=d.hint.path if d.hint else (),
        )

    # --- conversion ---------------------------------------------------------------------------

    def _convert(self, schema: Schema, hint: Hint, request: bool) -> TypeRef:
        via_ref = schema.has("$ref")
        schema = schema.resolved
        if not schema.is_mapping or not schema.keywords:
            return ANY
        if via_ref:
            hint = Hint(schema.name or hint.text(self.naming), str(schema.location), "schema")
        nullable = schema.nullable or self._all_parts_nullable(schema)
        key = _key(schema)
        if key in self._named and not request:
            name = self._named[key]
            result = TypeRef(t.ModelRef(name, "alias" if name in self._aliases else "model"))
        elif key in self._request_named and request:
            result = _typed_dict_ref(self._request_named[key])
        elif key in self._converting:
            return ANY  # a schema that contains itself other than through an object model
        elif not request and _is_union(schema) and (via_ref or _is_tagged(schema)):
            result = self._alias(schema, hint)
        else:
            self._converting.add(key)
            try:
                result = self._convert_plain(schema, hint, request)
            finally:
                self._converting.discard(key)
        return optional(result) if nullable else result

    def _alias(self, schema: Schema, hint: Hint) -> TypeRef:
        """A named union becomes `Name: TypeAlias = ...`; the name is reserved first, for recursion."""
        key = _key(schema)
        hint = self._pins.hint(key, hint)
        name = self._pins.name(key) or self._pins.derived(self._class_name(hint, "Union"), key, self._taken)
        self._named[key] = name
        self._aliases.add(name)
        draft = _ModelDraft(name, str(schema.location), schema, _description(schema), hint=hint)
        self._drafts[name] = draft
        draft.alias = self._convert_plain(schema, hint, request=False)
        return TypeRef(t.ModelRef(name, "alias"))

    def _convert_plain(self, schema: Schema, hint: Hint, request: bool) -> TypeRef:
        self._check_not_itself(schema)
        if schema.has("const"):
            return self._literal([schema.const])
        if schema.enum:
            # Responses tolerate values the server adds later; requests offer exactly the documented ones.
            return self._literal(list(schema.enum), open_=not request)
        for keyword, members in (("oneOf", schema.one_of), ("anyOf", schema.any_of)):
            if members and not schema.has("properties"):
                return self._union(schema, keyword, members, hint, request)
        if schema.type_is_list:
            converted = [self._convert_typed(schema, type_, hint, request) for type_ in schema.types]
            return union(converted) if converted else ANY
        if schema.types:
            return self._convert_typed(schema, schema.types[0], hint, request)
        return self._convert_untyped(schema, hint, request)

    def _check_not_itself(self, schema: Schema) -> None:
        """A schema whose `not` is itself matches no value: an error naming the cycle."""
        if schema.not_ is not None and schema.not_.is_mapping and schema.not_.resolved is schema:
            place = self.spec.place(schema.location.file, schema.location.pointer)
            message = f"schema cycle: {place}/not -> {place}: a schema that is its own negation; no value can match it"
            raise GeneratorError(Problem(message, str(schema.location.file), f"{schema.location.pointer}/not"))

    def _convert_untyped(self, schema: Schema, hint: Hint, request: bool) -> TypeRef:
        """A schema without `type`, `const`, `enum` or a union: what its other keywords say it is."""
        if schema.all_of is not None and not schema.has("properties"):
            single = self._single_non_object_part(schema.all_of)
            if single is not None:  # `allOf: [{type: string, ...}]` wraps one scalar to annotate it
                return self._convert(single, hint, request)
        if schema.has("properties") or schema.has("allOf") or schema.has("additionalProperties"):
            return self._convert_typed(schema, "object", hint, request)
        if schema.has("items"):
            return self._convert_typed(schema, "array", hint, request)
        return ANY

    def _convert_typed(self, schema: Schema, type_: str, hint: Hint, request: bool) -> TypeRef:
        if type_ == "array":
            item_type = (
                self._convert(schema.items, hint.item(self.naming), request) if schema.items is not None else ANY
            )
            return TypeRef(t.ListOf(item_type.tree))
        if type_ == "object":
            return self._object(schema, hint, request)
        if type_ == "string" and schema.format in _FORMATS:
            # A request also takes the ISO 8601 text itself (as the reference SDK does).
            formatted = _FORMATS[schema.format]
            return union([_PRIMITIVES["string"], formatted]) if request else formatted
        if type_ == "string" and request and (schema.format == "binary" or schema.has("contentMediaType")):
            return FILE
        return _PRIMITIVES.get(type_, ANY)

    def _union(self, schema: Schema, keyword: str, members: tuple[Schema, ...], hint: Hint, request: bool) -> TypeRef:
        types: list[TypeRef] = []
        for i, member in enumerate(members):
            if self._includes_itself(schema, keyword, member):
                continue  # `A = anyOf[A, X]` allows what X allows: A itself adds nothing
            self._unions.append((_key(schema), member.location.pointer))
            try:
                types.append(self._convert(member, hint.variant(i), request))
            finally:
                self._unions.pop()
        discriminator = schema.discriminator
        if request or discriminator is None or discriminator.property_name is None:
            return union(types)
        tags = self._discriminator_tags(schema, members, discriminator.property_name)
        if tags is None or not all(_is_plain_model(m.tree) for m in types):
            return union(types)  # only unions of plain models can be tagged
        all_tags = [tag for member_tags in tags for tag in member_tags]
        if len(all_tags) != len(set(all_tags)):
            return union(types)  # two members share a tag (`message` in and out): let pydantic try each
        return _tagged_union(types, tags, discriminator.property_name)

    def _includes_itself(self, schema: Schema, keyword: str, member: Schema) -> bool:
        """True for an `anyOf` member that is the union itself; a oneOf that lists itself, or unions that
        list each other, have no type to give them: that is an error naming the cycle."""
        where = _key(member.resolved)
        file, pointer = member.location.file, member.location.pointer
        if member.resolved is schema:
            if keyword == "anyOf":
                return True
            cycle = f"{self.spec.place(file, pointer)} -> {self.spec.place(*where)}"
            message = (
                f"schema cycle: {cycle}: a oneOf that lists itself (a value matching another member would match two)"
            )
            raise GeneratorError(Problem(message, str(file), pointer))
        outer = [place for place, _ in self._unions]
        if where in outer:
            steps = [step for _, step in self._unions[outer.index(where) :]] + [pointer]
            cycle = " -> ".join([*(self.spec.place(file, p) for p in steps), self.spec.place(*where)])
            message = f"schema cycle: {cycle}: unions that are members of each other have no type"
            raise GeneratorError(Problem(message, str(file), pointer))
        return False

    def _discriminator_tags(
        self, schema: Schema, members: tuple[Schema, ...], property_name: str
    ) -> list[list[str]] | None:
        """For each member, the discriminator values that select it (mapping first, else its schema name)."""
        by_location: dict[tuple[Path, str], list[str]] = {}
        for entry in schema.discriminator.mapping if schema.discriminator else ():
            if entry.target is None:
                return None
            by_location.setdefault(_key(entry.target), []).append(entry.tag)
        tags: list[list[str]] = []
        for member in members:
            resolved = member.resolved
            member_tags = (
                by_location.get(_key(resolved))
                # Without a mapping the tag is the schema's name, but many specs pin the property to
                # the real value instead (`type: {enum: [track]}`): the value the server sends wins.
                or self._pinned_values(resolved, property_name)
                or ([resolved.name] if member.has("$ref") else [])
            )
            if not member_tags:
                return None
            tags.append(member_tags)
        return tags

    def pinned_values(self, member: Schema, property_name: str) -> list[str]:
        """The string values an object schema pins its property `property_name` to (`const`, `enum`)."""
        return self._pinned_values(member.resolved, property_name)

    def _pinned_values(self, member: Schema, property_name: str) -> list[str]:
        """The string values a member's `const`/`enum` allows for the discriminator property."""
        merged = member.merged
        prop = merged.properties.get(property_name) if merged else None
        schema = prop.resolved if prop is not None else None
        if schema is None or not schema.is_mapping:
            return []
        values = [schema.const] if schema.has("const") else list(schema.enum or ())
        return [v for v in values if isinstance(v, str)]

    def _literal(self, values: list[Any], open_: bool = False) -> TypeRef:
        literals = list(dict.fromkeys(v for v in values if isinstance(v, (str, int, bool))))
        has_null = any(v is None for v in values)
        if not literals:
            return NONE if has_null else ANY
        result = _literal_type(literals)
        if open_:
            bases = [_PRIMITIVES[name] for name, kind in _LITERAL_BASES if any(type(v) is kind for v in values)]
            result = union([result, *bases])
        return optional(result) if has_null else result

    def _object(self, schema: Schema, hint: Hint, request: bool) -> TypeRef:
        merged = schema.merged
        if merged is None or not merged.properties:
            extra = schema.additional_properties
            value_type = ANY
            if extra is not None and extra.is_mapping and extra.keywords:
                value_type = self._convert(extra, hint.below("Value"), request)
            return TypeRef(t.MapOf(value_type.tree, input=request))
        if request:
            return self._request_dict(schema, hint, merged)
        return self._model(schema, hint, merged)

    def _request_dict(self, schema: Schema, hint: Hint, merged: MergedObject) -> TypeRef:
        """`class <Name>Param(TypedDict, total=False)`: required keys marked `Required[...]`, named as model
        fields are."""
        key = _key(schema)
        hint = self._pins.hint(key, hint, "Param")
        name = self._pins.name(key, "Param") or self._pins.derived(
            self._class_name(hint, "Object") + "Param", key, self._taken
        )
        self._request_named[key] = name
        draft = _ModelDraft(name, str(schema.location), schema, _description(schema), request=True, hint=hint)
        self._drafts[name] = draft
        properties, required = merged.properties, merged.required
        taken = {n.lower() for n in self.naming.reserved_field_names}
        for wire_name, prop in properties.items():
            field_name = self._field_name(wire_name, taken)
            type_ = self._convert(prop, hint.below(self.naming.class_name(wire_name, "Field")), request=True)
            resolved = prop.resolved
            # a readOnly property's `required` applies to responses only (OpenAPI 3.0 and 3.1): never required here
            is_required = wire_name in required and not resolved.read_only
            field_ = Field(field_name, wire_name, type_, is_required, _property_description(prop), resolved.deprecated)
            draft.fields.append(field_)
        for wire_name in sorted(r for r in required if r not in properties):
            # required but not declared: the schema says nothing of its value, yet a request must have the key
            draft.fields.append(Field(self._field_name(wire_name, taken), wire_name, ANY, True, None))
        return _typed_dict_ref(name)

    def _model(self, schema: Schema, hint: Hint, merged: MergedObject) -> TypeRef:
        key = _key(schema)
        name = self._named.get(key)
        if name is None:
            hint = self._pins.hint(key, hint)
            name = self._pins.name(key) or self._pins.derived(self._class_name(hint, "Object"), key, self._taken)
            self._named[key] = name
            draft = _ModelDraft(name, str(schema.location), schema, _description(schema), hint=hint)
            self._drafts[name] = draft
            draft.fields = self._fields(hint, merged.properties, merged.required)
        return TypeRef(t.ModelRef(name))

    def _fields(self, hint: Hint, properties: Mapping[str, Schema], required: frozenset[str]) -> list[Field]:
        taken = {n.lower() for n in self.naming.reserved_field_names}
        fields = []
        for wire_name, prop in properties.items():
            if _LONE_SURROGATE.search(wire_name):
                # JSON from a server is UTF-8, which cannot carry it, and pydantic cannot alias it
                message = f"property name {wire_name!r} holds a lone surrogate; no response can contain such a key"
                raise GeneratorError(Problem(message, str(prop.location.file), prop.location.pointer))
            name = self._field_name(wire_name, taken)
            type_ = self._convert(prop, hint.below(self.naming.class_name(wire_name, "Field")), request=False)
            if wire_name not in required:
                type_ = optional(type_)
            description = _property_description(prop)
            fields.append(Field(name, wire_name, type_, wire_name in required, description, prop.resolved.deprecated))
        return fields

    def _class_name(self, hint: Hint, fallback: str = "Model") -> str:
        return self.naming.class_name(hint.text(self.naming), fallback)

    def _field_name(self, wire_name: str, taken: set[str]) -> str:
        """The name of a property, in response models and request TypedDicts alike; `taken` is updated."""
        name = self.naming.field(wire_name, "field")
        return unique(self.naming.escaped(name) if name in self.naming.reserved_field_names else name, taken)

    def _all_parts_nullable(self, schema: Schema) -> bool:
        """`allOf` of a nullable schema and annotations (a description) allows null too (OpenAPI 3.0)."""
        if schema.all_of is None:
            return False
        typed = [
            resolved
            for part in schema.all_of
            if (resolved := part.resolved).is_mapping and (resolved.has("type") or resolved.has("properties"))
        ]
        return bool(typed) and all(part.nullable for part in typed)

    @staticmethod
    def _single_non_object_part(parts: tuple[Schema, ...]) -> Schema | None:
        """The one part of an `allOf` that is not an object schema, when there is exactly one such part."""
        scalars = [part for part in parts if part.resolved.is_mapping and _is_scalar(part.resolved)]
        objects = [part.resolved for part in parts if part.resolved.is_mapping and not _is_scalar(part.resolved)]
        return scalars[0] if len(scalars) == 1 and not any(o.properties for o in objects) else None


def _key(schema: Schema) -> tuple[Path, str]:
    """Where a schema is written: what the names and pins are kept by."""
    return schema.location.file, schema.location.pointer


def _property_description(prop: Schema) -> str | None:
    """A property's description: the one written beside a `$ref` (3.1) wins over the schema's own."""
    resolved = prop.resolved
    description = _description(resolved) if resolved.is_mapping else None
    return prop.description if prop.description is not None else description


def _typed_dict_ref(name: str) -> TypeRef:
    return TypeRef(t.ModelRef(name, "request"))


def _literal_type(literals: list[t.LiteralValue]) -> TypeRef:
    return TypeRef(t.Const(tuple(literals)))


def _is_plain_model(tree: t.Type) -> bool:
    """A model, or a list of them (nested to any depth): what a tagged union's members can be."""
    return isinstance(tree, t.ModelRef) or (isinstance(tree, t.ListOf) and _is_plain_model(tree.item))


def _is_scalar(schema: Schema) -> bool:
    """Not an object with properties: a scalar, an array, an enum, or a union (which may hold objects)."""
    return (
        bool(set(schema.types) & {"string", "integer", "number", "boolean", "array"})
        or any(schema.has(key) for key in ("enum", "const", "oneOf", "anyOf"))
    ) and not schema.has("properties")


def _is_union(schema: Schema) -> bool:
    return bool(schema.one_of or schema.any_of) and not schema.has("properties")


def _is_tagged(schema: Schema) -> bool:
    return schema.discriminator is not None and schema.discriminator.property_name is not None


def _referenced(draft: _ModelDraft) -> set[str]:
    names: set[str] = set(draft.alias.models) if draft.alias else set()
    for field_ in draft.fields:
        names |= field_.type.models
    return names


def _common_prefix(paths: list[tuple[str, ...]]) -> tuple[str, ...]:
    """The longest tuple every one of `paths` starts with (the top, `()`, when there are none)."""
    if not paths:
        return ()
    prefix = paths[0]
    for path in paths[1:]:
        while path[: len(prefix)] != prefix:
            prefix = prefix[:-1]
    return prefix


def _name_modules(group: list[_Module], class_names: set[str], file_names: set[str], naming: Naming) -> set[str]:
    """The main class and the file of each module of one file's group; the class names the file holds so far."""
    namespace = group[0].namespace
    taken = {n.lower() for n in naming.reserved_model_names}
    for module in group:
        words_ = type_name(module.hint, namespace, module.request)
        if module.hint.kind == "pinned":
            module.class_name = module.hint.root
        else:
            module.class_name = unique(naming.class_name(words_), class_names, separator="")
        taken.add(module.class_name.lower())
        module.file = group[0].file or unique(naming.module(words_, "model"), file_names)
    return taken


def _name_nested_classes(module: _Module, class_names: set[str], taken: set[str], local: dict[str, str]) -> None:
    """The class name of each draft of `module` in its file (into `local`): nested classes by property path."""
    has_root = any(not (d.hint and d.hint.path) for d in module.drafts)
    for draft in module.drafts:
        path = "".join(draft.hint.path) if draft.hint else ""
        if not path:
            local[draft.name] = module.class_name
            continue
        candidate = path if has_root else module.class_name + path
        if candidate.lower() in taken or (not has_root and candidate.lower() in class_names):
            candidate = module.class_name + path
        if not has_root:  # its classes are the module's public names: unique in the namespace too
            candidate = unique(candidate, class_names, separator="")
        local[draft.name] = unique(candidate, taken, separator="")


def _strongly_connected(names: list[str], edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; groups come out in a deterministic order, members in `names` order."""
    order = {name: i for i, name in enumerate(names)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in names:
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()), key=lambda n: order.get(n, -1))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    groups.append(sorted(_pop_group(stack, on_stack, node), key=order.__getitem__))
            elif child not in order:
                continue
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(edges.get(child, ()), key=lambda n: order.get(n, -1)))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return sorted(groups, key=lambda g: order[g[0]])


def _pop_group(stack: list[str], on_stack: set[str], root: str) -> list[str]:
    """The nodes of the stack down to `root`, popped: one strongly connected group."""
    group = []
    while True:
        member = stack.pop()
        on_stack.discard(member)
        group.append(member)
        if member == root:
            return group


def _tagged_union(members: list[TypeRef], tags: list[list[str]], property_name: str) -> TypeRef:
    """A union whose members are told apart by the values `tags` of their property `property_name`."""
    discriminator = t.Discriminator(property_name, tuple(tuple(member_tags) for member_tags in tags))
    return TypeRef(t.Union(tuple(m.tree for m in members), discriminator))


tagged_union = _tagged_union  # for the union of webhook payloads (operations.py)


def _description(schema: Schema) -> str | None:
    for text in (schema.description, schema.title):
        if text is not None and text.strip():
            return text
    return None


# --- config `type_names`: names pinned by JSON pointer ---------------------------------------------


class _Pins:
    """The config's `type_names`: a schema's location -> the class name it keeps (`<name>Param` as a
    TypedDict). `SchemaTypes` reserves the names (`owners`) up front, so no derived name takes one; a name the
    target reserves (`reserved`) may not be pinned."""

    def __init__(
        self,
        spec: Spec,
        graph: SchemaGraph,
        type_names: dict[str, str],
        config_file: str | None,
        reserved: frozenset[str],
    ) -> None:
        self.names: dict[tuple[Path, str], str] = {}
        self.entries: dict[tuple[Path, str], str] = {}  # location -> its config key, for messages
        self.file = config_file
        self.owners: dict[str, str] = {}  # pinned name (lower case, also `<name>Param`) -> its config key
        owners = self.owners
        for pointer, name in type_names.items():
            try:
                found = spec.resolve(pointer, spec.entry)  # a JSON pointer from the config, not a `$ref`
            except RefError as exc:
                self.error(pointer, f"no schema there: {exc}")
            schema = graph.schema(found.value, found.file, found.pointer).resolved  # a `$ref` there: what it names
            key = _key(schema)
            if not schema.is_mapping:
                self.error(pointer, "the spec has no schema there")
            if key in self.entries:
                self.error(pointer, f"names the same schema as {self.entries[key]!r}")
            if name in reserved:
                self.error(pointer, f"{name!r} is a name the generated modules use themselves")
            for each in (name, f"{name}Param"):
                if each.lower() in owners:
                    self.error(pointer, f"two types would be named {each!r} (also {owners[each.lower()]!r})")
                owners[each.lower()] = pointer
            self.names[key] = name
            self.entries[key] = pointer

    def name(self, key: tuple[Path, str], suffix: str = "") -> str | None:
        name = self.names.get(key)
        return None if name is None else name + suffix

    def hint(self, key: tuple[Path, str], hint: Hint, suffix: str = "") -> Hint:
        """A pinned schema is the root of a module of its own, named (file and class) as the config says."""
        name = self.names.get(key)
        return hint if name is None else Hint(name + suffix, f"type_names {self.entries[key]}", kind="pinned")

    def derived(self, name: str, key: tuple[Path, str], taken: set[str]) -> str:
        """`name` made unique; a derived name may not be one the config pins for another schema."""
        owner = self.owners.get(name.lower())
        if owner is not None:
            self.error(
                owner,
                f"{name!r} is also the name of the schema at {key[0].name}#{key[1]}; give one of them another name",
            )
        return unique(name, taken, separator="")

    def check(self, typed: set[tuple[Path, str]]) -> None:
        for key, pointer in self.entries.items():
            if key not in typed:
                message = (
                    "this schema does not become a type: only objects with properties and named unions get a class "
                    "of their own"
                )
                self.error(pointer, message)

    def error(self, pointer: str, message: str) -> NoReturn:
        where = "/type_names/" + pointer.replace("~", "~0").replace("/", "~1")
        raise GeneratorError(Problem(f"type_names {pointer}: {message}", self.file, where))
