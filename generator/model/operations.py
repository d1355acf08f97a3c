"""Operations and resources: which method on which `client.<resource>` each path+verb becomes.

Resources come from the static segments of the URL path (`/end-users/{id}` -> `end_users`), method
names follow the usual SDK verbs (list, create, retrieve, update, delete), falling back to the
operationId where they would collide. The config can rename both.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from typing import Any, NoReturn

from generator.config import Config
from generator.errors import GeneratorError, Problem
from generator.model import responses
from generator.model import types as t
from generator.model.ir import Field, Operation, Parameter, Resource, TypeRef, Webhook
from generator.model.naming import is_action, is_plural, singular, unique, words
from generator.model.pagination import (
    CURSOR_PARAMS,
    ITEMS_FIELDS,
    LIMIT_PARAMS,
    OFFSET_PARAMS,
    PAGE_PARAMS,
    PaginationBuilder,
    Returned,
    schema_type,
)
from generator.model.parameters import ParameterBuilder, query_names
from generator.model.request_body import BodyBuilder
from generator.model.responses import success_schema
from generator.model.schemas import Hint, SchemaTypes
from generator.model.webhooks import WebhookBuilder
from generator.spec.load import Spec
from generator.spec.nodes import Document, PathItem
from generator.spec.nodes import Operation as OperationNode

# One operation on its way to a method: (resource path, path, method, the operation, its path item).
_Draft = tuple[tuple[str, ...], str, str, OperationNode, PathItem]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_VERSION_SEGMENT = re.compile(r"^v?\d+(\.\d+)*$", re.IGNORECASE)


def _model_name(type_: TypeRef) -> str:
    assert isinstance(type_.tree, t.ModelRef)
    return type_.tree.name


def stream_type(item: TypeRef) -> TypeRef:
    """A stream of `item`s, the result of an operation that always streams."""
    return TypeRef(t.StreamOf(item.tree))


class OperationBuilder:
    """Every operation of the spec as a method: its name and resource (naming, below), its arguments
    (parameters.py, request_body.py), its result (responses.py, pagination.py) and credentials (security)."""

    def __init__(
        self, spec: Spec, config: Config, types: SchemaTypes, security: dict[str, str], document: Document
    ) -> None:
        self.spec = spec
        self.document = document  # the typed spec (generator/spec/), its schemas in `types.graph`
        self.graph = types.graph
        self.naming = types.naming  # the target's (model/naming.py)
        self.client_attributes = self.naming.reserved_client_attributes | set(security.values())
        self.warnings: list[Problem] = []  # generated anyway, but the user should know
        self.config = config
        self.types = types
        self.credential_for_scheme = security  # securitySchemes key -> credential keyword
        self.parameters = ParameterBuilder(types, self.graph, self.warnings)
        self.bodies = BodyBuilder(config, types, self.graph)
        self.paging = PaginationBuilder(config, types)
        self.hooks = WebhookBuilder(self.document, types)

    # --- operations ---------------------------------------------------------------------------

    def build(self) -> list[Operation]:
        raw = [
            (path, op.method, op, item)
            for path, item in self.document.paths.items()
            if item.is_mapping
            for op in item.operations
            if op.is_mapping
        ]
        prefix = _common_prefix([path for path, *_ in raw])
        drafts = [(self._resource_path(path, prefix, op), path, method, op, item) for path, method, op, item in raw]
        # A path with items below it (`/logsink` beside `/logsink/{id}`) is a collection, whatever it returns.
        parents = {path.rstrip("/").rsplit("/", 1)[0] for path, *_ in raw if path.rstrip("/").endswith("}")}
        singletons = {
            (path, method)
            for path, method, op, path_item in raw
            if path.rstrip("/") not in parents and self._is_singleton(path, method, op, path_item)
        }
        present = {f"{method.upper()} {path}" for path, method, *_ in raw}
        drafts, shaped = self._shaped(drafts, prefix)
        drafts = self._placed(drafts, present)
        names = self._method_names([(res, path, method, op) for res, path, method, op, _ in drafts], singletons, shaped)
        for key in self.config.pagination:
            if key not in present:
                self.paging.paging_error(key, "style", "the spec has no such operation")
        for key in self.config.body_names:
            if key not in present:
                self._body_name_error(key, "the spec has no such operation")
        return [self._operation(draft, name) for draft, name in zip(drafts, names, strict=True)]

    def webhooks(self) -> list[Webhook]:
        """Payload types of the requests the API makes (webhooks.py)."""
        return self.hooks.webhooks()

    def webhook_event(self) -> tuple[TypeRef, str | None] | None:
        """The union of the webhooks' payload types, after `webhooks()` (webhooks.py)."""
        return self.hooks.webhook_event()

    def _operation(self, draft: _Draft, name: str) -> Operation:
        resource, path, method, op, item = draft
        stem = self.naming.class_name(singular(resource[-1])) + self.naming.class_name(name)
        key = f"{method.upper()} {path}"
        response_hint, params_hint = Hint(f"{stem}Response", f"{key} response"), Hint(f"{stem}Params", f"{key} params")
        parameters = self.parameters.parameters(item, op, path, params_hint)
        body, body_params = self.bodies.body(op, params_hint, key)
        if key in self.config.body_names and (body is None or body.flattened):
            self._body_name_error(key, "the operation has no request body passed as one argument")
        reserved = self.naming.reserved_arguments
        taken = {n.lower() for n in reserved}
        named: list[Parameter] = []
        for param in [*parameters, *body_params]:
            # `timeout` from the spec becomes `timeout_`: the SDK's own keyword keeps its meaning.
            argument = self.naming.escaped(param.name) if param.name in reserved else param.name
            if argument.lower() in taken:  # a body field `id` beside the path's `id` becomes `body_id`
                argument = f"{param.location}_{argument}"
            python_name = unique(argument, taken)
            named.append(_renamed(param, python_name))
        ordered = sorted(named, key=lambda p: (p.location != "path", not p.required))
        return_type = responses.return_type(op, self.types, response_hint)
        last_path = [p for p in ordered if p.location == "path"][-1:]  # positional; the others are keywords
        keywords = [
            Field(p.name, p.wire_name, p.type, p.required, p.description, p.deprecated)
            for p in ordered
            if p not in last_path
        ]
        params_model = self.types.arguments_model(params_hint, keywords, str(op.location)) if keywords else None
        pagination = self.paging.pagination(op, item, ordered, Returned(return_type, response_hint), key)
        events = Hint(f"{stem}Event", f"{key} events")
        stream = None if pagination else responses.streaming(op, self.types, events, ordered)
        if stream is not None and stream.switch is None:
            return_type = stream_type(stream.item)
        return Operation(
            resource_path=resource,
            name=name,
            http_method=method.upper(),
            path=path,
            operation_id=op.operation_id,
            summary=_text(op.summary),
            description=_text(op.description),
            deprecated=op.deprecated,
            parameters=tuple(ordered),
            body=body,
            return_type=return_type,
            response_schema=responses.response_schema(op),
            security=self._security(op),
            source=str(op.location),
            pagination=pagination,
            accept=responses.accept(op),
            redirect_success=responses.redirect_success(op),
            params_model=_model_name(params_model) if params_model else None,
            stream=stream,
            extensions=op.extensions,
        )

    # --- naming -------------------------------------------------------------------------------

    def _resource_path(self, path: str, prefix: int, op: OperationNode) -> tuple[str, ...]:
        segments = [s for s in path.strip("/").split("/") if s and not s.startswith("{")][prefix:]
        # `/rest/api/3/issue` -> `issue`: version markers and a leading `rest`/`api` name no resource.
        segments = [s for s in segments if not _VERSION_SEGMENT.match(s)]
        while len(segments) > 1 and segments[0].lower() in ("api", "rest"):
            segments = segments[1:]
        names = [self.config.resource_names.get(s) or self.naming.attribute(s, "resource") for s in segments]
        if not names:
            names = [self.naming.attribute(op.first_tag or "root", "root")]
        # Escaped (`close_`), `client.close` and friends keep working when the API has a `/close` resource.
        reserved = [self.client_attributes, *[self.naming.reserved_resource_attributes] * (len(names) - 1)]
        return tuple(
            self.naming.escaped(name) if name in taken else name for name, taken in zip(names, reserved, strict=True)
        )

    def _shaped(self, drafts: list[Any], prefix: int) -> tuple[list[Any], dict[tuple[str, str], str]]:
        """Drafts with actions and method groups moved onto the resource above them, and those methods' names
        by (path, method); see `_action_name` and `_method_group_names`. A name that would clash with another
        method or a child resource of that resource, or with an attribute every resource has, keeps the
        operation where it was."""
        by_path: dict[str, list[str]] = defaultdict(list)
        for _, path, method, *_ in drafts:
            by_path[path.rstrip("/")].append(method)
        below = _paths_below(by_path)
        shaped = self._method_group_names(by_path, prefix)  # by (path without a trailing slash, method)
        for _, path, method, *_ in drafts:
            action = self._action_name(path, method, by_path, below)
            if action is not None:
                shaped[(path.rstrip("/"), method)] = action
        moved = [
            (res[:-1] if (path.rstrip("/"), method) in shaped and len(res) > 1 else res, path, method, op, item)
            for res, path, method, op, item in drafts
        ]
        taken = self._names_taken(moved, shaped)
        result: list[Any] = []
        names: dict[tuple[str, str], str] = {}
        for draft, original in zip(moved, drafts, strict=True):
            key = (draft[1], draft[2])
            name = shaped.get((draft[1].rstrip("/"), draft[2]))
            reserved = self.naming.reserved_resource_attributes
            if name is not None and len(original[0]) > 1 and name not in taken[draft[0]] | reserved:
                result.append(draft)
                names[key] = name
            else:
                result.append(original)
        return result, names

    def _names_taken(self, moved: list[Any], shaped: dict[tuple[str, str], str]) -> dict[tuple[str, ...], set[str]]:
        """Per resource, the names its other methods (verb-style) and its child resources take."""
        taken: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for resource, path, method, *_ in moved:
            if (path.rstrip("/"), method) not in shaped:
                taken[resource] |= {"list", "retrieve"} if method == "get" else {self._verb_name(path, method, False)}
            for depth in range(1, len(resource)):
                taken[resource[:depth]].add(resource[depth])
        return taken

    def _action_name(self, path: str, method: str, by_path: dict[str, list[str]], below: dict[str, int]) -> str | None:
        """The method name of an action on an item, or None.

        An action is the only operation of its path, a POST, PUT or PATCH, with no path below it, either on
        `{item}/{verb...}` (`POST /invoices/{id}/void`: `invoices.void(id)`) or on `{item}/{word}/{param}` whose
        word is not a plural (`POST /end-users/{id}/passthrough/{slug}`: `end_users.passthrough(slug, id=...)`;
        a plural there, `/files/{path}`, names a collection). A segment the config's `resource_names` names
        stays a resource.
        """
        segments = path.strip("/").split("/")
        here = path.rstrip("/")
        if method not in ("post", "put", "patch") or len(by_path[here]) != 1 or len(segments) < 3 or below.get(here):
            return None
        *_, item, word, last = segments
        if _is_param(word) and not _is_param(last) and not _is_param(item) and is_action(last):
            action = last  # {item}/{verb}
        elif _is_param(item) and not _is_param(word) and _is_param(last) and not is_plural(word):
            action = word  # {item}/{word}/{param}: nothing else may live under {item}/{word}
            base = here.rsplit("/", 1)[0]
            if base in by_path or below.get(base) != 1:
                return None
        else:
            return None
        if action in self.config.resource_names or _VERSION_SEGMENT.match(action):
            return None
        return self.naming.method(action, "action")

    def _method_group_names(self, by_path: dict[str, list[str]], prefix: int) -> dict[tuple[str, str], str]:
        """Method names of the operations of method groups, by (path, method).

        A method group is a path segment without an operation of its own whose paths below are all fixed paths
        one segment deeper with a single GET each, at least two of them: `/reports/aging` and
        `/reports/job` give `reports.aging()` and `reports.job()`. A child segment the config's
        `resource_names` names stays a resource.
        """
        below: dict[str, list[str]] = defaultdict(list)
        for path in by_path:
            segments = path.strip("/").split("/")
            for depth in range(prefix + 1, len(segments)):
                below["/" + "/".join(segments[:depth])].append(path)
        names: dict[tuple[str, str], str] = {}
        for group, paths in below.items():
            children = [p for p in paths if p.count("/") == group.count("/") + 1]
            if group in by_path or "{" in group or len(children) < 2 or len(children) != len(paths):
                continue
            if any("{" in p or by_path[p] != ["get"] for p in children):
                continue
            for child in children:
                word = child.rsplit("/", 1)[1]
                if word not in self.config.resource_names and not _VERSION_SEGMENT.match(word):
                    names[(child, "get")] = self.naming.method(word, "method")
        return names

    def _method_names(
        self,
        drafts: list[tuple[tuple[str, ...], str, str, OperationNode]],
        singletons: set[tuple[str, str]],
        shaped: dict[tuple[str, str], str],
    ) -> list[str]:
        """Verb-style names where they are unique within a resource, operationId-style otherwise.

        `singletons` are the (path, method) of GETs of one thing below an item (`/files/{id}/content`);
        `shaped` the names of actions and method groups' methods.
        """
        proposed = [
            shaped.get((path, method)) or self._verb_name(path, method, (path, method) in singletons)
            for _, path, method, _ in drafts
        ]
        counts: dict[tuple[tuple[str, ...], str], int] = defaultdict(int)
        for (resource, *_), name in zip(drafts, proposed, strict=True):
            counts[(resource, name)] += 1
        # A method may not take the name of a child resource (`timetracking.list` the resource vs the method).
        children: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for resource, *_ in drafts:
            for depth in range(1, len(resource)):
                children[resource[:depth]].add(resource[depth])
        reserved = {n.lower() for n in self.naming.reserved_resource_attributes}
        taken: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for resource in {d[0] for d in drafts}:
            taken[resource] = reserved | {n.lower() for n in children[resource]}
        result, wanted = [], []
        overrides = {key: name.rsplit(".", 1)[-1] for key, name in self.config.method_names.items()}
        for (resource, path, method, op), name in zip(drafts, proposed, strict=True):
            override = overrides.get(f"{method.upper()} {path}")
            if override:
                name = override
                if name.lower() in reserved:
                    self._method_name_error(f"{method.upper()} {path}", f"'{name}' is an attribute every resource has")
                if name.lower() in {n.lower() for n in children[resource]}:
                    self._method_name_error(f"{method.upper()} {path}", f"'{'.'.join(resource)}.{name}' is a resource")
            elif counts[(resource, name)] > 1 or name in children[resource]:
                name = self._fallback_name(resource, path, method, op)
            wanted.append(name)
            result.append(unique(name, taken[resource]))
        self._check_method_clashes(drafts, wanted, result)
        return result

    def _placed(self, drafts: list[Any], present: set[str]) -> list[Any]:
        """Drafts with the resource path a dotted `method_names` value gives (`qbd.health_check` -> `qbd`);
        every `method_names` key checked against the spec."""
        for key, name in self.config.method_names.items():
            if key not in present:
                self._method_name_error(key, "the spec has no such operation")
            parts = name.split(".")[:-1]
            for depth, part in enumerate(parts):
                reserved = self.client_attributes if depth == 0 else self.naming.reserved_resource_attributes
                if part in reserved:
                    where = "the client" if depth == 0 else "every resource"
                    self._method_name_error(key, f"'{part}' is an attribute of {where}; it cannot name a resource")
        placed = []
        for resource, path, method, op, item in drafts:
            name = self.config.method_names.get(f"{method.upper()} {path}", "")
            placed.append((tuple(name.split(".")[:-1]) if "." in name else resource, path, method, op, item))
        return placed

    def _check_method_clashes(self, drafts: list[Any], wanted: list[str], result: list[str]) -> None:
        """A configured method name that another method of its resource has (or would have) is an error."""
        configured: dict[tuple[tuple[str, ...], str], str] = {}
        for (resource, path, method, _), name in zip(drafts, wanted, strict=True):
            key = f"{method.upper()} {path}"
            if key in self.config.method_names:
                configured.setdefault((resource, name.lower()), key)
        for (resource, path, method, _), name, final in zip(drafts, wanted, result, strict=True):
            key = f"{method.upper()} {path}"
            owner = configured.get((resource, name.lower()))
            if owner is not None and owner != key:
                self._method_name_error(owner, f"'{'.'.join((*resource, name))}' is also the name of {key}")
            if key in self.config.method_names and final != name:
                self._method_name_error(key, f"'{'.'.join((*resource, name))}' is taken by another method")

    def _body_name_error(self, key: str, message: str) -> NoReturn:
        where = "/body_names/" + key.replace("~", "~0").replace("/", "~1")
        raise GeneratorError(Problem(f"body_names {key}: {message}", self.config.file, where))

    def _method_name_error(self, key: str, message: str) -> NoReturn:
        where = "/method_names/" + key.replace("~", "~0").replace("/", "~1")
        raise GeneratorError(Problem(f"method_names {key}: {message}", self.config.file, where))

    def _is_singleton(self, path: str, method: str, op: OperationNode, item: PathItem) -> bool:
        """A GET of a fixed word below an item (`/files/{id}/content`) that answers with one thing, not many, or a
        GET of a path without path parameters (`/company`) that answers with one object.

        Many: an array, a page (the config's or a paging query parameter), an object holding an array of items
        (`data`, ... or one named like the path), or what an operationId calls a list.
        """
        segments = path.strip("/").split("/")
        if method != "get" or segments[-1].startswith("{"):
            return False
        below_item = len(segments) >= 2 and segments[-2].startswith("{")
        if not below_item and any(s.startswith("{") for s in segments):
            return False
        operation_id = op.operation_id
        if operation_id is not None and {"list", "search"} & set(words(operation_id)):
            return False
        configured = self.config.pagination.get(f"GET {path}")
        if configured is not None and configured.style != "none":
            return False
        schema = success_schema(op)
        if schema is None:
            return below_item  # a download, text or no body; without a path parameter, only an object is one thing
        if schema_type(schema) == "array":
            return False
        found = self.types.object_properties(schema)
        if not below_item and found is None and schema_type(schema) != "object":
            return False
        fields = found or []
        arrays = [wire for wire, prop, _ in fields if schema_type(prop) == "array"]
        paging = CURSOR_PARAMS + OFFSET_PARAMS + PAGE_PARAMS + LIMIT_PARAMS
        query = query_names(item, op)
        # compared as words, not as a language spells them: every target finds the same singletons
        own = "_".join(words(segments[-1])) or "resource"
        named = ["_".join(words(wire)) or "field" for wire in arrays]
        if any(w in ITEMS_FIELDS or own.endswith(n) or n.endswith(own) for w, n in zip(arrays, named, strict=True)):
            return False
        return not query & set(paging)

    @staticmethod
    def _verb_name(path: str, method: str, singleton: bool) -> str:
        item = path.rstrip("/").endswith("}")
        if method == "get":
            return "retrieve" if item or singleton else "list"
        if method == "post":
            return "update" if item else "create"
        if method in ("put", "patch"):
            return "update"
        if method == "delete":
            return "delete"
        return method

    def _fallback_name(self, resource: tuple[str, ...], path: str, method: str, op: OperationNode) -> str:
        if op.operation_id is not None and op.operation_id.strip():
            return self.naming.method(op.operation_id, method)
        tail = [self.naming.argument(s, "value") for s in path.strip("/").split("/") if s.startswith("{")]
        return self.naming.method("_".join([method, "by", *tail]) if tail else method, method)

    # --- security -----------------------------------------------------------------------------

    def _security(self, op: OperationNode) -> tuple[str, ...]:
        """The credentials of the first security alternative the client has all of (none for `{}`)."""
        requirements = op.security if op.security is not None else self.document.security
        for alternative in requirements or ():
            if not alternative:
                return ()  # `{}`: this operation may be called without credentials
            names = [self.credential_for_scheme.get(scheme) for scheme in alternative]
            if all(names):
                return tuple(n for n in names if n)
        return ()


def build_resources(operations: list[Operation], classes: dict[tuple[str, ...], str]) -> tuple[Resource, ...]:
    """Arrange operations into a tree of resources (a `qbd` parent for `qbd.invoices`, ...)."""
    by_path: dict[tuple[str, ...], list[Operation]] = defaultdict(list)
    for operation in operations:
        by_path[operation.resource_path].append(operation)
        for depth in range(1, len(operation.resource_path)):
            by_path.setdefault(operation.resource_path[:depth], [])

    def make(path: tuple[str, ...], folder: tuple[str, ...]) -> Resource:
        """`folder`: the packages under `resources/` (and `tests/api_resources/`) the resource's module sits in."""
        children = sorted(p for p in by_path if len(p) == len(path) + 1 and p[: len(path)] == path)
        class_name = classes[path]
        name = path[-1]
        # A group is a package: its own classes in a module of its name, unless a child takes that name.
        package = (*folder, name) if children else ()
        own = unique(name, {c[-1].lower() for c in children}, separator="_") if children else name
        return Resource(
            path=path,
            class_name=f"{class_name}Resource",
            async_class_name=f"Async{class_name}Resource",
            module=".".join((*package, own) if children else (*folder, name)),
            operations=tuple(by_path[path]),
            children=tuple(make(child, (*folder, name)) for child in children),
            package=".".join(package),
            test_module=".".join((*folder, f"test_{name}")),
        )

    return tuple(make(path, ()) for path in sorted(p for p in by_path if len(p) == 1))


def check_resource_names(operations: list[Operation]) -> None:
    """A child resource may not share its name with a method of its parent."""
    methods = {(op.resource_path, op.name): op for op in operations}
    for op in operations:
        for depth in range(1, len(op.resource_path)):
            parent, child = op.resource_path[:depth], op.resource_path[depth]
            clash = methods.get((parent, child))
            if clash is not None:
                raise GeneratorError(
                    Problem(
                        f"method '{'.'.join(parent)}.{child}' ({clash.http_method} {clash.path}) has the same name "
                        f"as the resource '{'.'.join(op.resource_path[: depth + 1])}'; rename one with "
                        "'method_names' or 'resource_names' in the config",
                        clash.source.split("#")[0],
                        clash.source.split("#", 1)[1],
                    )
                )


def _renamed(param: Parameter, name: str) -> Parameter:
    return dataclasses.replace(param, name=name)


def _paths_below(by_path: dict[str, list[str]]) -> dict[str, int]:
    """How many paths lie below each path prefix."""
    below: dict[str, int] = defaultdict(int)
    for path in by_path:
        segments = path.strip("/").split("/")
        for depth in range(1, len(segments)):
            below["/" + "/".join(segments[:depth])] += 1
    return below


def _common_prefix(paths: list[str]) -> int:
    """How many leading static segments all paths share (like `/v2`), when there are several paths."""
    if len(set(paths)) < 2:
        return 0
    split = [[s for s in p.strip("/").split("/") if s] for p in paths]
    count = 0
    for segments in zip(*split, strict=False):  # up to the shortest path: the prefix all of them share
        if len(set(segments)) != 1 or segments[0].startswith("{"):
            break
        count += 1
    shortest = min(len(s) for s in split)
    return min(count, max(shortest - 1, 0))


def _is_param(segment: str) -> bool:
    return segment.startswith("{")


def _text(value: str | None) -> str | None:
    return value if value is not None and value.strip() else None
