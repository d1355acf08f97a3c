"""Spec diff: what changed between two versions of an API, in the generated SDK's terms.

Both documents are compared with every `$ref` followed, so moving a schema into `components` changes
nothing. Each change is classified by what it does to code written against the OLD client when the
API becomes the NEW one: `breaking` (that code or its requests stop working), `possibly breaking`
(they keep working unless they rely on something narrower, such as matching every enum value),
`minor` (additions) or `patch` (documentation and changes that do not reach the SDK's surface).

Names come from each side's IR (`client.<resource>.<method>`, keyword names, model and field names),
so a message reads as the SDK user sees it: "`end_users.delete`: parameter `id` changed type str -> int".
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, Literal

from generator.errors import pointer_from_parts
from generator.spec.load import Spec
from generator.spec.refs import RefError, Target
from generator.model.ir import Api, Model, Operation, Parameter
from generator.targets.python.types import annotation as python_annotation

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
Direction = Literal["request", "response"]


class Level(Enum):
    BREAKING = "breaking"
    POSSIBLY_BREAKING = "possibly breaking"
    MINOR = "minor"
    PATCH = "patch"

    @property
    def rank(self) -> int:
        return _RANKS[self]


_RANKS = {Level.BREAKING: 3, Level.POSSIBLY_BREAKING: 2, Level.MINOR: 1, Level.PATCH: 0}


@dataclass(frozen=True)
class Change:
    """One difference. `location` is a JSON pointer (with its file when that is not the entry file)."""

    level_rank: int  # Level.rank: 3 breaking ... 0 patch
    subject: str  # the SDK thing concerned: `end_users.delete`, `EndUser.email`, `client`
    message: str
    rule: str  # stable identifier of the rule, for --json consumers and tests
    location: str
    side: Literal["old", "new"]  # which document `location` is in

    @property
    def level(self) -> Level:
        return next(level for level, rank in _RANKS.items() if rank == self.level_rank)

    def text(self) -> str:
        return f"{self.subject}: {self.message} ({self.level.value})"


@dataclass(frozen=True)
class Side:
    """One version of the API: the loaded document and the IR built from it."""

    spec: Spec
    api: Api

    def source_of(self, target: Target) -> str:
        return f"{target.file}#{target.pointer}"


def diff(old: Side, new: Side) -> list[Change]:
    """Every change from `old` to `new`, breaking first, each listed once."""
    differ = _Differ(old, new)
    differ.run()
    return sorted(set(differ.changes), key=lambda c: (-c.level_rank, c.subject, c.message, c.location))


# --- normalized schemas -----------------------------------------------------------------------------


_JSON_TYPES = ("string", "integer", "number", "boolean", "array", "object", "null")
_TIGHTER_IF_LOWER = ("maxLength", "maximum", "exclusiveMaximum", "maxItems", "maxProperties")
_TIGHTER_IF_HIGHER = ("minLength", "minimum", "exclusiveMinimum", "minItems", "minProperties")
_DOC_KEYS = ("description", "title", "summary")


@dataclass
class _Schema:
    """A schema with `$ref`s followed and `allOf` members merged: what the comparison rules read."""

    target: Target
    types: set[str]
    nullable: bool
    raw: dict[str, Any]
    properties: dict[str, Target] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    options: dict[str, list[Target]] = field(default_factory=dict)  # oneOf / anyOf members


def _types_of(raw: dict[str, Any]) -> tuple[set[str], bool]:
    declared = raw.get("type")
    types = {declared} if isinstance(declared, str) else {t for t in declared or [] if isinstance(t, str)}
    nullable = "null" in types or raw.get("nullable") is True
    types.discard("null")
    if not types:
        if "properties" in raw or "additionalProperties" in raw:
            types = {"object"}
        elif "items" in raw:
            types = {"array"}
    enum = raw.get("enum")
    if isinstance(enum, list) and None in enum:
        nullable = True
    return types, nullable


def _type_text(schema: _Schema) -> str:
    names = sorted(schema.types) or ["any"]
    fmt = schema.raw.get("format")
    text = " | ".join(
        f"{n} ({fmt})" if isinstance(fmt, str) and n in ("string", "integer", "number") else n for n in names
    )
    return text + (" | null" if schema.nullable else "")


def _widens(old: set[str], new: set[str]) -> bool:
    """Every value of the old types is a value of the new ones (an integer is a number)."""
    return all(t in new or (t == "integer" and "number" in new) for t in old)


# --- the comparison ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Where:
    """What a schema is, for messages: a parameter, a keyword, a request body, a response or a model."""

    subject: str  # `end_users.delete`, or a model's name inside response models
    kind: Literal["parameter", "keyword", "body", "response", "model"]
    base: str = ""  # the parameter's or keyword's name, or the response's label ("error response 404")
    path: tuple[str, ...] = ()  # property names and `[]` for array items below it
    model: Model | None = None

    def below(self, name: str) -> _Where:
        return _Where(self.subject, self.kind, self.base, (*self.path, name), self.model)

    def thing(self) -> str:
        """`parameter `limit``, `body `address.city``, `` (a model field is the subject itself)."""
        path = ".".join(self.path).replace(".[]", "[]")
        if self.kind in ("parameter", "keyword"):
            return f"{self.kind} `{self.base}{'.' + path if path else ''}`"
        if self.kind == "body":
            return f"body `{path}`" if path else "request body"
        if self.kind == "response":
            return f"{self.base} `{path}`" if path else self.base
        return f"`{path}`" if path else ""


class _Differ:
    def __init__(self, old: Side, new: Side) -> None:
        self.old, self.new = old, new
        self.changes: list[Change] = []
        self.seen: set[tuple[str, str, str, str]] = set()
        self.old_models = {m.source: m for m in old.api.models if not m.alias and not m.request}
        self.new_models = {m.source: m for m in new.api.models if not m.alias and not m.request}
        # While a request body is compared: its flattened properties' keyword names and IR parameters.
        self.body_keywords: dict[str, str] = {}
        self.body_params: tuple[dict[str, Parameter], dict[str, Parameter]] = ({}, {})

    # --- recording ---

    def add(
        self, level: Level, subject: str, message: str, rule: str, target: Target, side: Literal["old", "new"]
    ) -> None:
        spec = self.new.spec if side == "new" else self.old.spec
        location = target.pointer or "/"
        if target.file != spec.entry:
            location = f"{target.file.name}#{location}"
        self.changes.append(Change(level.rank, subject, message, rule, location, side))

    # --- top level ---

    def run(self) -> None:
        self.compare_servers()
        self.compare_security_schemes()
        old_ops = {(op.http_method, op.path): op for op in self.old.api.operations}
        new_ops = {(op.http_method, op.path): op for op in self.new.api.operations}
        for key, op in old_ops.items():
            if key not in new_ops:
                target = self._operation_target(self.old, op)
                what = "path removed" if not any(k[1] == key[1] for k in new_ops) else "operation removed"
                self.add(Level.BREAKING, _method(op), f"method removed ({key[0]} {key[1]}: {what})",
                         "operation-removed", target, "old")  # fmt: skip
        for key, op in new_ops.items():
            if key not in old_ops:
                self.add(Level.MINOR, _method(op), f"new method ({key[0]} {key[1]})", "operation-added",
                         self._operation_target(self.new, op), "new")  # fmt: skip
            else:
                self.compare_operation(old_ops[key], op)

    def _operation_target(self, side: Side, op: Operation) -> Target:
        file, _, pointer = op.source.partition("#")
        spec_file = next(path for path in side.spec.documents if str(path) == file)
        return Target(_at(side.spec, spec_file, pointer), spec_file, pointer)

    def compare_servers(self) -> None:
        old_urls = _server_urls(self.old.spec.root)
        new_urls = _server_urls(self.new.spec.root)
        root_old = Target(self.old.spec.root, self.old.spec.entry, "/servers")
        root_new = Target(self.new.spec.root, self.new.spec.entry, "/servers")
        if old_urls[:1] != new_urls[:1]:
            before = old_urls[0] if old_urls else "(none)"
            after = new_urls[0] if new_urls else "(none)"
            self.add(Level.BREAKING, "client", f"default base URL changed {before} -> {after}", "server-changed",
                     root_new, "new")  # fmt: skip
        for url in old_urls[1:]:
            if url not in new_urls:
                self.add(Level.BREAKING, "client", f"server {url} removed", "server-removed", root_old, "old")
        for url in new_urls[1:]:
            if url not in old_urls:
                self.add(Level.MINOR, "client", f"server {url} added", "server-added", root_new, "new")

    def compare_security_schemes(self) -> None:
        old_schemes = _mapping(_mapping(self.old.spec.root.get("components")).get("securitySchemes"))
        new_schemes = _mapping(_mapping(self.new.spec.root.get("components")).get("securitySchemes"))
        for name, raw in old_schemes.items():
            pointer = pointer_from_parts(["components", "securitySchemes", name])
            old_scheme = self._follow(self.old, raw, pointer).value
            if name not in new_schemes:
                continue  # reported where operations stop using it
            new_target = self._follow(self.new, new_schemes[name], pointer)
            keys = ("type", "scheme", "in", "name", "bearerFormat")
            before = {k: _mapping(old_scheme).get(k) for k in keys}
            after = {k: _mapping(new_target.value).get(k) for k in keys}
            if before != after:
                changed = ", ".join(f"{k} {before[k]} -> {after[k]}" for k in keys if before[k] != after[k])
                self.add(Level.BREAKING, "client", f"security scheme `{name}` changed: {changed}",
                         "security-scheme-changed", new_target, "new")  # fmt: skip

    # --- operations ---

    def compare_operation(self, old: Operation, new: Operation) -> None:
        subject = _method(new)
        old_target = self._operation_target(self.old, old)
        new_target = self._operation_target(self.new, new)
        if _method(old) != subject:
            self.add(
                Level.BREAKING, _method(old), f"method renamed to `{subject}`", "method-renamed", new_target, "new"
            )
        if new.deprecated and not old.deprecated:
            self.add(Level.MINOR, subject, "deprecated", "operation-deprecated", new_target, "new")
        for key in _DOC_KEYS:
            if _mapping(old_target.value).get(key) != _mapping(new_target.value).get(key):
                self.add(Level.PATCH, subject, f"{key} changed (documentation only)", "operation-doc-changed",
                         new_target, "new")  # fmt: skip
        self.compare_security(subject, old_target, new_target)
        self.compare_parameters(subject, old, new, old_target, new_target)
        self.compare_body(subject, old, new, old_target, new_target)
        self.compare_responses(subject, old, new, old_target, new_target)

    def compare_security(self, subject: str, old_target: Target, new_target: Target) -> None:
        before = _requirements(_mapping(old_target.value).get("security", self.old.spec.root.get("security")))
        after = _requirements(_mapping(new_target.value).get("security", self.new.spec.root.get("security")))
        if before == after:
            return
        if frozenset() in after or not after:
            level, what = Level.MINOR, "may now be called without credentials"
        elif before and before <= after:
            level, what = Level.MINOR, "accepts more kinds of credentials"
        else:
            level, what = Level.BREAKING, "requires different credentials"
        text = f"{what}: {_requirements_text(before)} -> {_requirements_text(after)}"
        self.add(level, subject, text, "security-changed", new_target, "new")

    def compare_parameters(self, subject: str, old: Operation, new: Operation, old_op: Target, new_op: Target) -> None:
        old_params = self._raw_parameters(self.old, old_op)
        new_params = self._raw_parameters(self.new, new_op)
        old_named = _by_wire_name(old)
        new_named = _by_wire_name(new)
        removed = [k for k in old_params if k not in new_params]
        added = [k for k in new_params if k not in old_params]
        for key in list(removed):  # a removed and an added parameter that match are a rename or a move
            partner = self._partner(key, added, old_params, new_params)
            if partner is None:
                continue
            removed.remove(key)
            added.remove(partner)
            old_name = _keyword(old_named.get(key), key[1])
            new_name = _keyword(new_named.get(partner), partner[1])
            if partner[0] != key[0]:
                message = f"parameter `{new_name}` moved from {key[0]} to {partner[0]}"
                rule = "parameter-moved"
            else:
                message = f"{key[0]} parameter renamed `{key[1]}` -> `{partner[1]}`"
                if old_name != new_name:
                    message += f" (keyword `{old_name}` -> `{new_name}`)"
                rule = "parameter-renamed"
            self.add(Level.BREAKING, subject, message, rule, new_params[partner], "new")
        for key in removed:
            self.add(Level.BREAKING, subject, f"parameter `{_keyword(old_named.get(key), key[1])}` removed ({key[0]})",
                     "parameter-removed", old_params[key], "old")  # fmt: skip
        for key in added:
            required = _mapping(new_params[key].value).get("required") is True
            name = _keyword(new_named.get(key), key[1])
            if required:
                self.add(Level.BREAKING, subject, f"new required parameter `{name}` ({key[0]})",
                         "parameter-added-required", new_params[key], "new")  # fmt: skip
            else:
                self.add(Level.MINOR, subject, f"new optional keyword `{name}` ({key[0]})",
                         "parameter-added-optional", new_params[key], "new")  # fmt: skip
        for key in old_params.keys() & new_params.keys():
            self.compare_parameter(
                subject, key, old_params[key], new_params[key], old_named.get(key), new_named.get(key)
            )

    def _partner(
        self, key: tuple[str, str], added: list[tuple[str, str]], old: dict[tuple[str, str], Target],
        new: dict[tuple[str, str], Target],
    ) -> tuple[str, str] | None:  # fmt: skip
        """The added parameter that is `key` renamed (same place and schema) or moved (same name)."""
        for candidate in added:
            if candidate[1] == key[1]:
                return candidate
        old_schema = self._canonical(self.old, _mapping(old[key].value).get("schema"), old[key])
        same_place = [c for c in added if c[0] == key[0]]
        for candidate in same_place:
            new_schema = self._canonical(self.new, _mapping(new[candidate].value).get("schema"), new[candidate])
            if new_schema == old_schema and len(same_place) == 1:
                return candidate
        return None

    def compare_parameter(
        self, subject: str, key: tuple[str, str], old: Target, new: Target, old_ir: Parameter | None,
        new_ir: Parameter | None,
    ) -> None:  # fmt: skip
        old_raw, new_raw = _mapping(old.value), _mapping(new.value)
        name = _keyword(new_ir, key[1])
        if old_ir is not None and new_ir is not None and old_ir.name != new_ir.name:
            self.add(Level.BREAKING, subject, f"keyword `{old_ir.name}` renamed `{new_ir.name}`", "keyword-renamed",
                     new, "new")  # fmt: skip
        if old_raw.get("required") is not True and new_raw.get("required") is True:
            self.add(
                Level.BREAKING, subject, f"parameter `{name}` is now required", "parameter-made-required", new, "new"
            )
        elif old_raw.get("required") is True and new_raw.get("required") is not True:
            self.add(Level.MINOR, subject, f"parameter `{name}` is now optional", "parameter-made-optional", new, "new")
        for key_name in ("style", "explode"):
            if old_raw.get(key_name) != new_raw.get(key_name):
                self.add(Level.BREAKING, subject, f"parameter `{name}`: {key_name} changed {old_raw.get(key_name)} -> "
                         f"{new_raw.get(key_name)} (sent differently)", "parameter-serialization-changed", new, "new")  # fmt: skip
        if new_raw.get("deprecated") is True and old_raw.get("deprecated") is not True:
            self.add(Level.MINOR, subject, f"parameter `{name}` deprecated", "parameter-deprecated", new, "new")
        if old_raw.get("description") != new_raw.get("description"):
            self.add(Level.PATCH, subject, f"parameter `{name}`: description changed (documentation only)",
                     "parameter-doc-changed", new, "new")  # fmt: skip
        where = _Where(subject, "parameter", name)
        annotations = (python_annotation(old_ir.type), python_annotation(new_ir.type)) if old_ir and new_ir else None
        self.compare_schema(
            self._child(self.old, old, "schema"), self._child(self.new, new, "schema"), where, "request", annotations
        )

    def _raw_parameters(self, side: Side, op: Target) -> dict[tuple[str, str], Target]:
        """Path-item and operation parameters, refs followed, keyed by (in, name); the operation's win."""
        item_pointer = op.pointer.rsplit("/", 1)[0]
        item = Target(_at(side.spec, op.file, item_pointer), op.file, item_pointer)
        found: dict[tuple[str, str], Target] = {}
        for owner in (item, op):
            params = _mapping(owner.value).get("parameters")
            for index, raw in enumerate(params if isinstance(params, list) else []):
                target = self._follow(side, raw, f"{owner.pointer}/parameters/{index}", owner.file)
                value = _mapping(target.value)
                if isinstance(value.get("in"), str) and isinstance(value.get("name"), str):
                    found[_param_key(value["in"], value["name"])] = target
        return found

    def compare_body(self, subject: str, old: Operation, new: Operation, old_op: Target, new_op: Target) -> None:
        old_body = self._child(self.old, old_op, "requestBody")
        new_body = self._child(self.new, new_op, "requestBody")
        if not isinstance(old_body.value, dict) and not isinstance(new_body.value, dict):
            return
        if not isinstance(new_body.value, dict):
            self.add(Level.BREAKING, subject, "request body removed", "body-removed", old_body, "old")
            return
        if not isinstance(old_body.value, dict):
            required = new_body.value.get("required") is True
            self.add(Level.BREAKING if required else Level.MINOR, subject,
                     f"new {'required' if required else 'optional'} request body", "body-added", new_body, "new")  # fmt: skip
            return
        if new_body.value.get("required") is True and old_body.value.get("required") is not True:
            self.add(Level.BREAKING, subject, "request body is now required", "body-made-required", new_body, "new")
        old_media = self._content(self.old, old_body)
        new_media = self._content(self.new, new_body)
        for media in old_media.keys() - new_media.keys():
            self.add(Level.BREAKING, subject, f"request media type {media} removed", "body-media-type-removed",
                     old_media[media], "old")  # fmt: skip
        for media in new_media.keys() - old_media.keys():
            self.add(Level.MINOR, subject, f"request media type {media} added", "body-media-type-added",
                     new_media[media], "new")  # fmt: skip
        flattened = {p.wire_name: p.name for p in (*old.parameters, *new.parameters) if p.location == "body"}
        old_flattened = {p.wire_name: p for p in old.parameters if p.location == "body"}
        new_flattened = {p.wire_name: p for p in new.parameters if p.location == "body"}
        for media in sorted(old_media.keys() & new_media.keys()):
            where = _Where(subject, "body")
            self.body_keywords = flattened
            self.body_params = (old_flattened, new_flattened)
            self.compare_schema(
                self._child(self.old, old_media[media], "schema"),
                self._child(self.new, new_media[media], "schema"),
                where,
                "request",
            )
            self.body_keywords, self.body_params = {}, ({}, {})

    def compare_responses(self, subject: str, old: Operation, new: Operation, old_op: Target, new_op: Target) -> None:
        old_responses = self._child(self.old, old_op, "responses")
        new_responses = self._child(self.new, new_op, "responses")
        old_codes = {str(k): v for k, v in _mapping(old_responses.value).items()}
        new_codes = {str(k): v for k, v in _mapping(new_responses.value).items()}
        if python_annotation(old.return_type) != python_annotation(new.return_type):
            level = Level.BREAKING
            if _renamed_only(old, new):
                message = f"return type renamed `{python_annotation(old.return_type)}` -> `{python_annotation(new.return_type)}`"
                message += self._type_name_hint(old, new)
            else:
                message = (
                    f"returns `{python_annotation(new.return_type)}` instead of `{python_annotation(old.return_type)}`"
                )
            self.add(level, subject, message, "return-type-changed", new_responses, "new")
        for code in sorted(old_codes.keys() - new_codes.keys()):
            level = Level.BREAKING if code.startswith(("2", "3")) else Level.POSSIBLY_BREAKING
            self.add(level, subject, f"response status {code} removed", "response-status-removed",
                     self._child(self.old, old_responses, code), "old")  # fmt: skip
        for code in sorted(new_codes.keys() - old_codes.keys()):
            level = Level.POSSIBLY_BREAKING if code.startswith("2") else Level.MINOR
            self.add(level, subject, f"response status {code} added", "response-status-added",
                     self._child(self.new, new_responses, code), "new")  # fmt: skip
        for code in sorted(old_codes.keys() & new_codes.keys()):
            old_response = self._child(self.old, old_responses, code)
            new_response = self._child(self.new, new_responses, code)
            if _mapping(old_response.value).get("description") != _mapping(new_response.value).get("description"):
                self.add(Level.PATCH, subject, f"response {code}: description changed (documentation only)",
                         "response-doc-changed", new_response, "new")  # fmt: skip
            self.compare_response_headers(subject, code, old_response, new_response)
            old_media = self._content(self.old, old_response)
            new_media = self._content(self.new, new_response)
            for media in sorted(old_media.keys() - new_media.keys()):
                self.add(Level.BREAKING, subject, f"response {code}: media type {media} removed",
                         "response-media-type-removed", old_media[media], "old")  # fmt: skip
            for media in sorted(new_media.keys() - old_media.keys()):
                self.add(Level.MINOR, subject, f"response {code}: media type {media} added",
                         "response-media-type-added", new_media[media], "new")  # fmt: skip
            for media in sorted(old_media.keys() & new_media.keys()):
                label = "response" if code.startswith("2") else f"error response {code}"
                self.compare_schema(
                    self._child(self.old, old_media[media], "schema"),
                    self._child(self.new, new_media[media], "schema"),
                    _Where(subject, "response", label),
                    "response",
                )

    def _type_name_hint(self, old: Operation, new: Operation) -> str:
        """For a response model renamed with its shape unchanged: the `type_names` line keeping the old name."""
        if len(old.return_type.models) != 1 or len(new.return_type.models) != 1:
            return ""
        (old_name,), (new_name,) = old.return_type.models, new.return_type.models
        old_model = next((m for m in self.old.api.models if m.name == old_name), None)
        new_model = next((m for m in self.new.api.models if m.name == new_name), None)
        if old_model is None or new_model is None:
            return ""
        old_file, _, _ = old_model.source.partition("#")
        new_file, _, new_pointer = new_model.source.partition("#")
        if new_file != str(self.new.spec.entry):  # `type_names` points into the entry document
            return ""
        old_shape = self._canonical(self.old, old_model.schema, Target(None, Path(old_file), ""))
        if old_shape != self._canonical(self.new, new_model.schema, Target(None, Path(new_file), "")):
            return ""
        line = f"{json.dumps('#' + new_pointer)}: {old_name}"
        return f"; the same shape: `type_names: {{{line}}}` in the config keeps the name `{old_name}`"

    def compare_response_headers(self, subject: str, code: str, old: Target, new: Target) -> None:
        old_headers = {k.lower() for k in _mapping(_mapping(old.value).get("headers"))}
        new_headers = {k.lower() for k in _mapping(_mapping(new.value).get("headers"))}
        for name in sorted(old_headers - new_headers):
            self.add(Level.POSSIBLY_BREAKING, subject, f"response {code}: header {name} removed",
                     "response-header-removed", old, "old")  # fmt: skip
        for name in sorted(new_headers - old_headers):
            self.add(Level.MINOR, subject, f"response {code}: header {name} added", "response-header-added", new, "new")

    # --- schemas ---

    def compare_schema(
        self, old: Target, new: Target, where: _Where, direction: Direction,
        annotations: tuple[str, str] | None = None,
    ) -> None:  # fmt: skip
        if not isinstance(old.value, (dict, bool)) or not isinstance(new.value, (dict, bool)):
            return
        old_s = self._normalize(self.old, old)
        new_s = self._normalize(self.new, new)
        where = self._model_subject(old_s, new_s, where, direction)
        key = (
            self.old.source_of(old_s.target),
            self.new.source_of(new_s.target),
            direction,
            where.subject + where.thing(),
        )
        if key in self.seen:
            return
        self.seen.add(key)
        self.compare_type(old_s, new_s, where, direction, annotations)
        self.compare_values(old_s, new_s, where, direction)
        self.compare_constraints(old_s, new_s, where, direction)
        self.compare_properties(old_s, new_s, where, direction)
        self.compare_options(old_s, new_s, where, direction)
        if "array" in old_s.types & new_s.types:
            self.compare_schema(
                self._child(self.old, old_s.target, "items"), self._child(self.new, new_s.target, "items"),
                where.below("[]"), direction,
            )  # fmt: skip
        old_extra, new_extra = old_s.raw.get("additionalProperties"), new_s.raw.get("additionalProperties")
        if isinstance(old_extra, dict) and isinstance(new_extra, dict):
            self.compare_schema(
                self._child(self.old, old_s.target, "additionalProperties"),
                self._child(self.new, new_s.target, "additionalProperties"),
                where.below("{}"), direction,
            )  # fmt: skip
        elif (
            direction == "request"
            and old_extra is not False
            and new_extra is False
            and not old_s.properties.keys() - new_s.properties.keys()
        ):
            self.report(where, Level.POSSIBLY_BREAKING, "no longer accepts properties it does not list",
                        "additional-properties-closed", new_s.target, "new")  # fmt: skip

    def report(
        self, where: _Where, level: Level, message: str, rule: str, target: Target, side: Literal["old", "new"]
    ) -> None:
        """A change to the thing at `where`; inside a model the field is the subject: `EndUser.email`."""
        subject, thing = where.subject, where.thing()
        if where.kind == "model" and where.path:
            subject, thing = f"{where.subject}.{'.'.join(where.path)}".replace(".[]", "[]"), ""
        self.add(level, subject, f"{thing} {message}" if thing else message, rule, target, side)

    def _model_subject(self, old: _Schema, new: _Schema, where: _Where, direction: Direction) -> _Where:
        """Inside a response model the subject becomes the model: `EndUser.email` reads better than a path."""
        if direction != "response":
            return where
        model = self.new_models.get(self.new.source_of(new.target)) or self.old_models.get(
            self.old.source_of(old.target)
        )
        return _Where(_model_label(model), "model", model=model) if model is not None else where

    def compare_type(self, old: _Schema, new: _Schema, where: _Where, direction: Direction,
                     annotations: tuple[str, str] | None) -> None:  # fmt: skip
        if old.types and new.types and old.types != new.types:
            widened = _widens(old.types, new.types)
            safe = widened if direction == "request" else _widens(new.types, old.types)
            before, after = annotations if annotations else (_type_text(old), _type_text(new))
            self.report(where, Level.MINOR if safe else Level.BREAKING, f"changed type {before} -> {after}",
                        "type-changed", new.target, "new")  # fmt: skip
        elif old.types and new.types and old.raw.get("format") != new.raw.get("format"):
            before_format, after_format = old.raw.get("format") or "(none)", new.raw.get("format") or "(none)"
            message = f"format changed {before_format} -> {after_format}"
            if annotations and annotations[0] != annotations[1]:  # the Python type changed with it
                level, message = Level.BREAKING, f"changed type {annotations[0]} -> {annotations[1]} ({message})"
            elif old.raw.get("format") and new.raw.get("format"):
                level = Level.BREAKING
            else:
                level = Level.POSSIBLY_BREAKING
            self.report(where, level, message, "format-changed", new.target, "new")
        if old.nullable != new.nullable:
            if direction == "response":
                level = Level.BREAKING if new.nullable else Level.MINOR
            else:
                level = Level.MINOR if new.nullable else Level.BREAKING
            message = "may now be null" if new.nullable else "may no longer be null"
            self.report(where, level, message, "nullable-changed", new.target, "new")
        named = bool(where.path) or where.kind in ("parameter", "keyword")
        if new.raw.get("deprecated") is True and old.raw.get("deprecated") is not True and named:
            self.report(where, Level.MINOR, "deprecated", "schema-deprecated", new.target, "new")
        if old.raw.get("default") != new.raw.get("default") and named:
            level = Level.POSSIBLY_BREAKING if direction == "request" else Level.PATCH
            message = f"default changed {_show(old.raw.get('default'))} -> {_show(new.raw.get('default'))}"
            self.report(where, level, message, "default-changed", new.target, "new")
        if any(old.raw.get(k) != new.raw.get(k) for k in _DOC_KEYS) and named:
            self.report(where, Level.PATCH, "description changed (documentation only)", "schema-doc-changed",
                        new.target, "new")  # fmt: skip

    def compare_values(self, old: _Schema, new: _Schema, where: _Where, direction: Direction) -> None:
        old_values, new_values = _allowed_values(old.raw), _allowed_values(new.raw)
        if old_values is None and new_values is None:
            return
        if old_values is not None and new_values is not None:
            for value in old_values:
                if value not in new_values:
                    level = Level.BREAKING if direction == "request" else Level.MINOR
                    self.report(
                        where, level, f"enum value {_show(value)} removed", "enum-value-removed", new.target, "new"
                    )
            for value in new_values:
                if value not in old_values:
                    level = Level.MINOR if direction == "request" else Level.POSSIBLY_BREAKING
                    self.report(where, level, f"enum value {_show(value)} added", "enum-value-added", new.target, "new")
        elif new_values is not None:
            level = Level.BREAKING if direction == "request" else Level.MINOR
            self.report(where, level, f"now limited to {_show(new_values)}", "enum-added", new.target, "new")
        else:
            level = Level.MINOR if direction == "request" else Level.POSSIBLY_BREAKING
            self.report(where, level, "no longer limited to a list of values", "enum-removed", new.target, "new")

    def compare_constraints(self, old: _Schema, new: _Schema, where: _Where, direction: Direction) -> None:
        # Generated models do not enforce constraints on responses, so there they are documentation.
        for keyword in (*_TIGHTER_IF_LOWER, *_TIGHTER_IF_HIGHER, "pattern", "multipleOf"):
            before, after = old.raw.get(keyword), new.raw.get(keyword)
            if before == after or isinstance(before, bool) or isinstance(after, bool):
                continue
            tighter = _tighter(keyword, before, after)
            if direction == "request":
                level = Level.BREAKING if tighter else Level.MINOR
            else:
                level = Level.PATCH
            word = "tightened" if tighter else "relaxed"
            message = f"{keyword} {word}: {_show(before) if before is not None else '(none)'} -> " \
                      f"{_show(after) if after is not None else '(none)'}"  # fmt: skip
            self.report(where, level, message, f"constraint-{word}", new.target, "new")

    def compare_properties(self, old: _Schema, new: _Schema, where: _Where, direction: Direction) -> None:
        at_body_root = direction == "request" and where.kind == "body" and not where.path
        for name, target in old.properties.items():
            label = self._property_label(name, where, at_body_root)
            if name not in new.properties:
                level = Level.BREAKING
                self.report(label, level, "removed", "property-removed", target, "old")
        for name, target in new.properties.items():
            label = self._property_label(name, where, at_body_root)
            if name in old.properties:
                continue
            required = name in new.required
            if direction == "request" and required:
                self.report(label, Level.BREAKING, "added as required", "property-added-required", target, "new")
            elif direction == "request":
                self.report(label, Level.MINOR, "added (optional)", "property-added-optional", target, "new")
            else:
                self.report(label, Level.MINOR, "added", "property-added", target, "new")
        for name in old.properties.keys() & new.properties.keys():
            label = self._property_label(name, where, at_body_root)
            was, now = name in old.required, name in new.required
            if was != now:
                if direction == "request":
                    level = Level.BREAKING if now else Level.MINOR
                else:
                    level = Level.MINOR if now else Level.BREAKING
                message = "is now required" if now else "is now optional"
                self.report(label, level, message, "property-required-changed", new.properties[name], "new")
            annotations = None
            if at_body_root and name in self.body_params[0] and name in self.body_params[1]:
                annotations = (
                    python_annotation(self.body_params[0][name].type),
                    python_annotation(self.body_params[1][name].type),
                )
            elif direction == "response":
                annotations = self._field_annotations(old, new, name)
            self.compare_schema(old.properties[name], new.properties[name], label, direction, annotations)

    def _property_label(self, name: str, where: _Where, at_body_root: bool) -> _Where:
        """Below `where`: a flattened body property is a keyword; a model property is its Python field."""
        if at_body_root and name in self.body_keywords:
            return _Where(where.subject, "keyword", self.body_keywords[name])
        if where.kind == "model" and not where.path and where.model is not None:
            field_ = next((f for f in where.model.fields if f.wire_name == name), None)
            return where.below(field_.name if field_ else name)
        return where.below(name)

    def _field_annotations(self, old: _Schema, new: _Schema, wire_name: str) -> tuple[str, str] | None:
        old_model = self.old_models.get(self.old.source_of(old.target))
        new_model = self.new_models.get(self.new.source_of(new.target))
        if old_model is None or new_model is None:
            return None
        old_field = next((f for f in old_model.fields if f.wire_name == wire_name), None)
        new_field = next((f for f in new_model.fields if f.wire_name == wire_name), None)
        if old_field is None or new_field is None:
            return None
        return _required_annotation(python_annotation(old_field.type)), _required_annotation(
            python_annotation(new_field.type)
        )

    def compare_options(self, old: _Schema, new: _Schema, where: _Where, direction: Direction) -> None:
        for keyword in ("oneOf", "anyOf"):
            old_members, new_members = old.options.get(keyword, []), new.options.get(keyword, [])
            if not old_members and not new_members:
                continue
            old_keys = [self._member_key(self.old, m, i) for i, m in enumerate(old_members)]
            new_keys = [self._member_key(self.new, m, i) for i, m in enumerate(new_members)]
            for index, member_key in enumerate(old_keys):
                if member_key not in new_keys:
                    level = Level.BREAKING if direction == "request" else Level.MINOR
                    self.report(where, level, f"no longer accepts the {keyword} member {member_key}",
                                "union-member-removed", old_members[index], "old")  # fmt: skip
            for index, member_key in enumerate(new_keys):
                if member_key not in old_keys:
                    level = Level.MINOR if direction == "request" else Level.POSSIBLY_BREAKING
                    self.report(where, level, f"{keyword} member {member_key} added", "union-member-added",
                                new_members[index], "new")  # fmt: skip
                else:
                    old_member = old_members[old_keys.index(member_key)]
                    self.compare_schema(old_member, new_members[index], where, direction)

    def _member_key(self, side: Side, member: Target, index: int) -> str:
        raw = member.value
        if isinstance(raw, dict) and isinstance(raw.get("$ref"), str):
            return f"`{raw['$ref'].rsplit('/', 1)[-1]}`"
        resolved = self._normalize(side, member)
        title = resolved.raw.get("title")
        return f"`{title}`" if isinstance(title, str) else f"#{index + 1} ({_type_text(resolved)})"

    # --- helpers over the documents ---

    def _follow(self, side: Side, node: Any, pointer: str, file: Any = None) -> Target:
        try:
            return side.spec.follow(node, file or side.spec.entry, pointer)
        except RefError:
            return Target(None, file or side.spec.entry, pointer)

    def _child(self, side: Side, parent: Target, key: str) -> Target:
        if isinstance(parent.value, list):  # oneOf/anyOf/allOf members, by index
            value = parent.value[int(key)] if key.isdigit() and int(key) < len(parent.value) else None
        else:
            value = _mapping(parent.value).get(key)
        pointer = f"{parent.pointer}/{pointer_from_parts([key])[1:]}"
        return self._follow(side, value, pointer, parent.file)

    def _content(self, side: Side, owner: Target) -> dict[str, Target]:
        content = self._child(side, owner, "content")
        return {str(media).split(";")[0].strip().lower(): self._child(side, content, str(media))
                for media in _mapping(content.value)}  # fmt: skip

    def _normalize(self, side: Side, target: Target) -> _Schema:
        target = self._follow(side, target.value, target.pointer, target.file)
        raw = target.value if isinstance(target.value, dict) else {}
        types, nullable = _types_of(raw)
        schema = _Schema(target, types, nullable, raw)
        self._merge(side, target, schema, depth=0)
        for keyword in ("oneOf", "anyOf"):
            members = raw.get(keyword)
            if isinstance(members, list):
                members_targets = [self._child(side, Target(members, target.file, f"{target.pointer}/{keyword}"), str(i))
                                   for i in range(len(members))]  # fmt: skip
                # a member that is only `type: null` makes the union nullable instead
                nulls = [m for m in members_targets if _mapping(m.value).get("type") == "null"]
                schema.nullable = schema.nullable or bool(nulls)
                schema.options[keyword] = [m for m in members_targets if m not in nulls]
        return schema

    def _merge(self, side: Side, target: Target, into: _Schema, depth: int) -> None:
        """Collect properties and `required` from the schema and its `allOf` members."""
        raw = _mapping(target.value)
        properties = _mapping(raw.get("properties"))
        for name in properties:
            into.properties.setdefault(name, self._child(side, self._child(side, target, "properties"), name))
        required = raw.get("required")
        if isinstance(required, list):
            into.required.update(r for r in required if isinstance(r, str))
        members = raw.get("allOf")
        if isinstance(members, list) and depth < 32:
            holder = Target(members, target.file, f"{target.pointer}/allOf")
            for index in range(len(members)):
                member = self._child(side, holder, str(index))
                if not into.types:
                    into.types |= _types_of(_mapping(member.value))[0]
                self._merge(side, member, into, depth + 1)
        if into.properties and not into.types:
            into.types = {"object"}

    def _canonical(self, side: Side, node: Any, owner: Target) -> str:
        """A schema as text with refs followed (bounded), to tell whether two parameters carry the same thing."""

        def expand(value: Any, file: Any, depth: int) -> Any:
            if depth > 8:
                return "..."
            if isinstance(value, dict):
                if isinstance(value.get("$ref"), str):
                    target = self._follow(side, value, "", file)
                    return expand(target.value, target.file, depth + 1)
                return {k: expand(v, file, depth + 1) for k, v in value.items() if k not in _DOC_KEYS}
            if isinstance(value, list):
                return [expand(v, file, depth + 1) for v in value]
            return value

        return json.dumps(expand(node, owner.file, 0), sort_keys=True, default=str)


# --- small helpers ----------------------------------------------------------------------------------


def _method(op: Operation) -> str:
    return ".".join((*op.resource_path, op.name))


def _param_key(location: str, wire_name: str) -> tuple[str, str]:
    """Header names are case-insensitive."""
    return (location, wire_name.lower() if location == "header" else wire_name)


def _by_wire_name(op: Operation) -> dict[tuple[str, str], Parameter]:
    return {_param_key(p.location, p.wire_name): p for p in op.parameters if p.location != "body"}


def _keyword(param: Parameter | None, wire_name: str) -> str:
    return param.name if param is not None else wire_name


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _at(spec: Spec, file: Any, pointer: str) -> Any:
    try:
        return spec.resolve(f"#{pointer}", file).value
    except RefError:
        return None


def _server_urls(root: Any) -> list[str]:
    servers = _mapping(root).get("servers")
    return (
        [s["url"] for s in servers or [] if isinstance(s, dict) and isinstance(s.get("url"), str)]
        if isinstance(servers, list)
        else []
    )


def _requirements(value: Any) -> frozenset[frozenset[str]]:
    if not isinstance(value, list):
        return frozenset()
    return frozenset(frozenset(str(k) for k in r) for r in value if isinstance(r, dict))


def _requirements_text(requirements: frozenset[frozenset[str]]) -> str:
    if not requirements:
        return "none"
    alternatives = sorted(" + ".join(sorted(r)) or "no credentials" for r in requirements)
    return " or ".join(alternatives)


def _allowed_values(raw: dict[str, Any]) -> list[Any] | None:
    if "const" in raw:
        return [raw["const"]]
    enum = raw.get("enum")
    return [v for v in enum if v is not None] if isinstance(enum, list) else None


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
    for prefix, suffix in (("Optional[", "]"),):
        if annotation.startswith(prefix) and annotation.endswith(suffix):
            return annotation[len(prefix) : -len(suffix)]
    return annotation.removesuffix(" | None")


def _renamed_only(old: Operation, new: Operation) -> bool:
    """The response model kept its shape but got a new name (what the import of it breaks)."""
    return bool(old.return_type.models and new.return_type.models) and len(old.return_type.models) == len(
        new.return_type.models
    )


def group_by_level(changes: Iterable[Change]) -> dict[Level, list[Change]]:
    grouped: dict[Level, list[Change]] = {level: [] for level in Level}
    for change in changes:
        grouped[change.level].append(change)
    return grouped


def highest(changes: Iterable[Change]) -> Level | None:
    ranks = [c.level_rank for c in changes]
    return next(level for level, rank in _RANKS.items() if rank == max(ranks)) if ranks else None


def _model_label(model: Model) -> str:
    """A model as users import it, below `types`: `EndUser`, `qbd.Invoice`, `qbd.invoice.Line` (a nested class)."""
    namespace = model.module.rpartition(".")[0]
    if not model.exported:
        return f"{model.module}.{model.python_name}"
    return f"{namespace}.{model.python_name}" if namespace else model.python_name
