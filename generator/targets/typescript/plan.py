"""Where everything goes and what it is called: one pass over the IR before any file is written.

Each resource is a file under `src/resources/` (`client.endUsers` <-> `resources/end-users.ts`, a group's own
class in `resources/qbd/qbd.ts`); each model is declared in the file of the first resource whose operations
use it (in the client's order), or in `resources/shared.ts` when none does (webhook payloads). Type names are
unique in the whole package, because every one is re-exported through the client's namespace.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field

from generator.model import types as t
from generator.model.ir import Api, Credential, Model, Operation, Parameter, Resource, TypeRef
from generator.targets.typescript import naming
from generator.targets.typescript.nesting import Nesting, find_nesting, name_nested

SHARED_FILE = "resources/shared"


@dataclass(frozen=True)
class Paging:
    """A paged list, in wire names: the runtime's `Paging` (src/core/pagination.ts)."""

    style: str  # cursor, lastItemID, offset, pageNumber or nextURL
    items: str
    next: tuple[str, ...] | None
    has_more: tuple[str, ...] | None
    inverted: bool
    param: str | None
    item: TypeRef
    total: tuple[str, ...] | None = None
    total_pages: tuple[str, ...] | None = None
    item_id: str | None = None  # lastItemID: the item property whose last value asks for the next page
    method: str = "GET"


@dataclass
class Method:
    operation: Operation
    name: str
    params_type: str | None  # the params interface, when the method takes a params object
    positional: Parameter | None  # the last path parameter, passed on its own
    keys: dict[str, str]  # parameter wire name (location-qualified) -> its key in the params object
    paging: Paging | None = None  # a paged list: the method returns a PagePromise
    page_type: str | None = None  # a paged list's page type alias, as the published SDKs name it: `InvoicesCursorPage`


@dataclass
class ResourceFile:
    resource: Resource
    file: str  # below src/, without extension: `resources/qbd/invoices`
    class_name: str
    attribute: str  # on the client or its parent group: `endUsers`
    methods: list[Method] = field(default_factory=list)
    models: list[Model] = field(default_factory=list)
    children: list[ResourceFile] = field(default_factory=list)


@dataclass
class Plan:
    api: Api
    client_class: str
    base_error: str
    type_names: dict[str, str]  # Model.name -> its TypeScript name
    home: dict[str, str]  # Model.name -> the file declaring it
    resources: list[ResourceFile]  # top level; children nest
    shared: list[Model]
    nesting: Nesting = field(default_factory=Nesting)  # nested interfaces (`Invoice.Line`), declared after their root

    def all_files(self) -> Iterator[ResourceFile]:
        stack = list(reversed(self.resources))
        while stack:
            resource = stack.pop()
            yield resource
            stack.extend(reversed(resource.children))

    def models_by_name(self) -> dict[str, Model]:
        return {m.name: m for m in self.api.models}


def relative(source: str, target: str) -> str:
    """The import specifier of `target` from `source` (both below src/, without extension)."""
    path = posixpath.relpath(target, posixpath.dirname(source)) + ".js"  # what ES modules need; tsc maps it to .ts
    return path if path.startswith(".") else "./" + path


def parameter_id(parameter: Parameter) -> str:
    return f"{parameter.location}:{parameter.wire_name}"


def build_plan(api: Api) -> Plan:
    client_class = naming.pascal(api.client_name)
    base_error = client_class + "Error"
    taken = set(naming.TAKEN_TYPE_NAMES) | {client_class, base_error}
    nesting = find_nesting(api, _params_roots(api))
    models = [m for m in api.models if not m.arguments]
    top = [m for m in models if m.name not in nesting.parent]
    type_names = {m.name: naming.unique(naming.pascal(m.name), taken, "Model") for m in top}
    files = [_resource_file(r, taken) for r in api.resources]
    plan = Plan(api, client_class, base_error, type_names, {}, files, [], nesting)
    by_name = {m.name: m for m in models}
    for resource in plan.all_files():
        for model_name in _models_used(resource.resource.operations, by_name):
            root = nesting.root(model_name)
            if root not in plan.home and root in by_name:
                plan.home[root] = resource.file
                resource.models.append(by_name[root])
    for model in top:
        if model.name not in plan.home:
            plan.home[model.name] = SHARED_FILE
            plan.shared.append(model)
    for resource in plan.all_files():
        _plan_methods(resource, taken, by_name)
    _place_nested(plan)
    return plan


def _params_roots(api: Api) -> set[str]:
    """The arguments models that become params interfaces: those of operations with a params object."""
    roots: set[str] = set()
    stack = list(api.resources)
    while stack:
        resource = stack.pop()
        stack.extend(resource.children)
        for operation in resource.operations:
            if operation.params_model and any(p not in operation.positional for p in operation.parameters):
                roots.add(operation.params_model)
    return roots


def _place_nested(plan: Plan) -> None:
    """Nested models: named by property path below their root, declared in its file."""
    root_names = dict(plan.type_names)
    root_homes = dict(plan.home)
    for resource in plan.all_files():
        for method in resource.methods:
            if method.params_type and method.operation.params_model:
                root_names[method.operation.params_model] = method.params_type
                root_homes[method.operation.params_model] = resource.file
    for name, qualified in name_nested(plan.nesting, root_names).items():
        plan.type_names[name] = qualified
        plan.home[name] = root_homes[plan.nesting.root(name)]


def _resource_file(resource: Resource, taken: set[str]) -> ResourceFile:
    """A resource's file mirrors its module (`qbd.invoices` -> `resources/qbd/invoices`), in kebab-case."""
    parts = [naming.kebab(part) for part in resource.module.split(".")]
    class_name = naming.unique(naming.pascal(resource.name), taken, "Resource")
    planned = ResourceFile(resource, "/".join(["resources", *parts]), class_name, naming.camel(resource.name))
    planned.children = [_resource_file(child, taken) for child in resource.children]
    siblings: set[str] = set()
    for child in planned.children:  # distinct Python names may meet in camelCase (`v_2`, `v2`)
        child.attribute = naming.unique(child.attribute, siblings, "Resource")
    return planned


def _models_used(operations: tuple[Operation, ...], models: dict[str, Model]) -> list[str]:
    """The models the operations mention, directly or through other models, in a stable order."""
    found: dict[str, None] = {}
    pending: list[str] = []
    for operation in operations:
        trees = [p.type.tree for p in operation.parameters] + [operation.return_type.tree]
        for tree in trees:
            pending.extend(sorted(t.models_of(tree)))
    while pending:
        name = pending.pop(0)
        if name in found or name not in models:
            continue
        found[name] = None
        model = models[name]
        for tree in [f.type.tree for f in model.fields] + ([model.alias.tree] if model.alias else []):
            pending.extend(sorted(t.models_of(tree)))
    return list(found)


_MEMBERS_TAKEN = frozenset({"_client", "constructor"})


def _plan_methods(resource: ResourceFile, taken: set[str], models: dict[str, Model]) -> None:
    members = set(_MEMBERS_TAKEN) | {child.attribute for child in resource.children}
    singular = naming.singular_pascal(resource.resource.name)
    for operation in resource.resource.operations:
        name = naming.unique(naming.camel(operation.name, "call"), members)
        positional = operation.positional[0] if operation.positional else None
        keys: dict[str, str] = {}
        used: set[str] = set()
        for parameter in operation.parameters:
            if parameter is positional:
                continue
            if parameter.location in ("header", "cookie"):
                key = naming.camel(parameter.wire_name)
            else:
                key = parameter.wire_name
            keys[parameter_id(parameter)] = naming.unique(key, used)
        params_type = naming.unique(f"{singular}{naming.pascal(operation.name)}Params", taken, "Type") if keys else None
        paging = list_paging(operation, models)
        resource.methods.append(Method(operation, name, params_type, positional, keys, paging))
    _name_pages(resource, taken)


def _name_pages(resource: ResourceFile, taken: set[str]) -> None:
    """`<Class><PageClass>` (`InvoicesCursorPage`) for the resource's one list of its kind of page; where several
    lists page alike, each also has its operation's name (`InvoicesSearchCursorPage`)."""
    page_classes = [m.operation.pagination.page_class for m in resource.methods if m.paging and m.operation.pagination]
    for method in resource.methods:
        if method.paging is None or method.operation.pagination is None:
            continue
        page_class = method.operation.pagination.page_class
        stem = resource.class_name
        if page_classes.count(page_class) > 1:
            stem += naming.pascal(method.operation.name)
        method.page_type = naming.unique(f"{stem}{page_class}", taken, "Type")


# The model's page classes (generator/model/pagination.py) as the runtime's paging styles.
_STYLES = {
    "CursorPage": "cursor",
    "LastItemIDPage": "lastItemID",
    "OffsetPage": "offset",
    "PageNumberPage": "pageNumber",
    "NextURLPage": "nextURL",
}


def list_paging(operation: Operation, models: dict[str, Model]) -> Paging | None:
    """The wire names of a paged list; None for other operations (which return their response as is) and when
    a property cannot be traced to its wire name or the style lacks what it needs to ask for the next page."""
    paging = operation.pagination
    style = _STYLES.get(paging.page_class) if paging is not None else None
    if paging is None or style is None or "." in paging.items:
        return None
    if (style == "nextURL" and not paging.next) or (style != "nextURL" and not paging.param):
        return None
    if style == "cursor" and not paging.next:
        return None
    root = _model_of(operation.return_type.tree, models)
    items = _wire_path(root, [paging.items], models)
    traced: dict[str, tuple[str, ...] | None] = {}
    for key, attribute in (("next", paging.next), ("has_more", paging.has_more), ("total", paging.total)):
        traced[key] = _wire_path(root, attribute.split("."), models) if attribute else None
        if attribute and traced[key] is None:
            return None
    total_pages = _wire_path(root, paging.total_pages.split("."), models) if paging.total_pages else None
    item_id = None
    if paging.item_id:
        found = _wire_path(_model_of(paging.item.tree, models), [paging.item_id], models)
        item_id = found[0] if found else None
    if items is None or (paging.total_pages and total_pages is None) or (paging.item_id and item_id is None):
        return None
    if style == "lastItemID" and traced["next"] is None and item_id is None:
        return None
    return Paging(
        style,
        items[0],
        traced["next"],
        traced["has_more"],
        paging.has_more_inverted,
        paging.param if style != "nextURL" else None,
        paging.item,
        traced["total"],
        total_pages,
        item_id,
        operation.http_method,
    )


def _model_of(tree: t.Type, models: dict[str, Model]) -> Model | None:
    members = [m for m in t.union_members(tree) if not isinstance(m, t.NoneType)]
    if len(members) == 1 and isinstance(members[0], t.ModelRef):
        return models.get(members[0].name)
    return None


def _wire_path(model: Model | None, names: list[str], models: dict[str, Model]) -> tuple[str, ...] | None:
    """A dotted path of the model's field names as the wire names they stand for."""
    wire: list[str] = []
    for name in names:
        found = next((f for f in model.fields if f.name == name), None) if model is not None else None
        if found is None:
            return None
        wire.append(found.wire_name)
        model = _model_of(found.type.tree, models)
    return tuple(wire)


# Members of the base client (src/core/base-client.ts) no option or resource may shadow.
CLIENT_MEMBERS = frozenset(
    {"baseURL", "timeout", "maxRetries", "options", "fetch", "get", "post", "put", "patch", "delete", "request"}
    | {"send", "buildURL", "buildInit", "fetchWithTimeout", "authHeaders", "authQuery", "getPage", "constructor"}
    | {"logger", "logLevel", "log", "customHeaders", "clientOptions", "withOptions", "fetchedAuth"}
)


@dataclass(frozen=True)
class Option:
    credential: Credential
    name: str  # the constructor option and the client's property


def credential_options(plan: Plan) -> list[Option]:
    taken = set(CLIENT_MEMBERS) | {"fetchOptions", "defaultHeaders", "defaultQuery"}
    return [Option(c, naming.unique(naming.camel(c.name), taken, "Credential")) for c in plan.api.credentials]


def security_names(plan: Plan) -> dict[str, str]:
    """Credential (IR name) -> its option name, when calls choose among several credentials; else empty."""
    options = credential_options(plan)
    return {o.credential.name: o.name for o in options} if len(options) > 1 else {}
