"""Spec + config -> Api (the IR). Decides the package-level names the config leaves open."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from generator.config import Config
from generator.errors import GeneratorError, Problem, pointer_from_parts
from generator.filenames import is_device_name
from generator.model import wire
from generator.model.ir import (
    Api,
    ClientCredentialsFlow,
    Credential,
    CredentialKind,
    License,
    Model,
    Operation,
    Resource,
    TypeRef,
    WebhookVerification,
)
from generator.model.naming import (
    constant_case,
    pascal_case,
    portable_modules,
    snake_case,
    unique,
    words,
)
from generator.model.operations import OperationBuilder, build_resources, check_resource_names
from generator.model.schemas import SchemaTypes, type_namespace
from generator.spec.build import NodeBuilder, SchemaGraph
from generator.spec.load import Spec

_REQUEST_ID = re.compile(r"(^|[-_])request[-_]?id$", re.IGNORECASE)
DEFAULT_REQUEST_ID_HEADER = "x-request-id"
# Module names the generated package uses itself; a generated client class may not shadow them.
RESERVED_CLIENT_NAMES = frozenset(
    {
        "BaseModel",
        "APIError",
        "NotGiven",
        "Timeout",
        "RequestOptions",
        "APIResponse",
        "DefaultHttpxClient",
        "DefaultAsyncHttpxClient",
        "DefaultAioHttpClient",
    }
)


def build_api(spec: Spec, config: Config, warnings: list[Problem] | None = None) -> Api:
    """The IR for `spec`; problems that do not stop generation are appended to `warnings`."""
    root = spec.root
    info = _mapping(root.get("info"))
    title = _string(info.get("title")) or "API"
    name_words = _name_words(title)
    package = config.package_name or snake_case("_".join(name_words), "client")
    if is_device_name(package):  # "Aux API": a folder `src/aux/` cannot be checked out on Windows
        package = f"{package}_api"
    client_name = config.client_name or pascal_case(" ".join(name_words), "Client")
    if client_name in RESERVED_CLIENT_NAMES:
        client_name += "Client"
    prefix = constant_case(package)
    credentials, flows = _credentials(spec, config, prefix)
    nodes = NodeBuilder(spec, SchemaGraph(spec))
    types = SchemaTypes(spec, nodes.graph, config.type_names, config.file)
    unsent = ("basic_password", "oauth_client_id", "oauth_client_secret")  # not the value a scheme sends
    security = {c.scheme: c.name for c in credentials if c.kind not in unsent}
    builder = OperationBuilder(spec, config, types, security, nodes)
    builder.client_attributes |= {c.name for c in credentials} | {WEBHOOK_SECRET}
    operations = builder.build()
    webhooks = builder.webhooks()
    event = builder.webhook_event()
    if warnings is not None:
        warnings.extend(dict.fromkeys(builder.warnings))  # a shared parameter is reported once
    check_resource_names(operations)
    types.check_type_names()
    models = _portable_models(
        types.models([*(_type_use(op) for op in operations), *(((), w.payload.models) for w in webhooks)])
    )
    renamed = wire.renamed_models(models)
    operations = [_with_python_keys(op, {m.name: m for m in models}) for op in operations] if renamed else operations
    resources = _portable_resources(
        build_resources(operations, _resource_classes(operations, {m.python_name for m in models}))
    )
    verification = _webhook_verification(config, event, resources, {m.python_name for m in models}) if event else None
    if verification is not None and verification.credential is not None:
        secret = Credential(
            verification.credential,
            "",
            "webhook_secret",
            None,
            f"{prefix}_WEBHOOK_SECRET",
            False,
            "The secret the API signs its webhooks with.",
        )
        credentials += (secret,)
    return Api(
        title=title,
        description=_string(info.get("description")) or None,
        api_version=str(info.get("version", "")),
        openapi_version=str(root.get("openapi")),
        package=package,
        distribution=config.distribution_name or package.replace("_", "-"),
        version=config.version,
        client_name=client_name,
        async_client_name=config.async_client_name or f"Async{client_name}",
        base_url=_base_url(root),
        base_url_env=config.env.base_url or f"{prefix}_BASE_URL",
        log_env=config.env.log or f"{prefix}_LOG",
        credentials=credentials,
        request_id_header=config.request_id_header or _request_id_header(spec) or DEFAULT_REQUEST_ID_HEADER,
        idempotency_header=config.idempotency_header,
        default_timeout=config.default_timeout,
        max_retries=config.max_retries,
        resources=resources,
        models=tuple(models),
        operations=tuple(operations),
        webhooks=tuple(webhooks),
        oauth_flows=flows,
        webhook_verification=verification,
        renamed=renamed,
        wire_tables=wire.tabled_models(models, [p.type.shape for op in operations for p in op.parameters], renamed),
        license=_license(info, config),
        security_contact=config.security_contact,
        test_skips=_test_skips(config, operations),
    )


def _portable_models(models: list[Model]) -> list[Model]:
    """The models with module names every system can check out (`types/con.py` -> `types/con_2.py`)."""
    names = portable_modules(m.module for m in models)
    return [dataclasses.replace(m, module=names[m.module]) if names[m.module] != m.module else m for m in models]


def _portable_resources(resources: tuple[Resource, ...]) -> tuple[Resource, ...]:
    """The resources with module, package and test module names every system can check out."""
    tree, stack = [], list(resources)
    while stack:
        tree.append(stack.pop())
        stack.extend(tree[-1].children)
    modules = portable_modules([*(r.module for r in tree), *(r.package for r in tree if r.package)])
    tests = portable_modules(r.test_module for r in tree if r.test_module)

    def portable(resource: Resource) -> Resource:
        return dataclasses.replace(
            resource,
            module=modules[resource.module],
            package=modules[resource.package] if resource.package else "",
            test_module=tests[resource.test_module] if resource.test_module else "",
            children=tuple(portable(child) for child in resource.children),
        )

    return tuple(portable(r) for r in resources)


def _test_skips(config: Config, operations: list[Operation]) -> tuple[tuple[str, str], ...]:
    """The config's `skip_tests`, each key checked against the spec's operations."""
    present = {f"{op.http_method} {op.path}" for op in operations}
    unknown = [key for key in config.skip_tests if key not in present]
    if unknown:
        raise GeneratorError(
            [
                Problem(
                    "skip_tests: the spec has no such operation", config.file, pointer_from_parts(["skip_tests", key])
                )
                for key in unknown
            ]
        )
    return tuple(config.skip_tests.items())


def _license(info: dict[str, Any], config: Config) -> License | None:
    """The config's `license`, else the spec's `info.license` (its name, SPDX identifier and URL, each one
    line of printable text or left out); None when neither names one: no licence is invented."""
    if config.license is not None:
        return License(config.license)
    found = _mapping(info.get("license"))
    name = " ".join(_string(found.get("name")).split())
    if not name.isprintable() or not name:
        return None
    identifier, url = _string(found.get("identifier")).strip(), _string(found.get("url")).strip()
    return License(name, identifier if _one_line(identifier) else None, url if _one_line(url) else None)


def _one_line(text: str) -> bool:
    return bool(text) and text.isprintable()


def _type_use(op: Operation) -> tuple[tuple[str, ...], frozenset[str]]:
    """The namespace of an operation's types and the models it names (response, arguments, page items)."""
    names = set(op.return_type.models).union(*(p.type.models for p in op.parameters))
    names |= op.pagination.item.models if op.pagination else set()
    names |= {op.params_model} if op.params_model else set()
    return type_namespace(op.resource_path), frozenset(names)


def _with_python_keys(op: Operation, models: dict[str, Model]) -> Operation:
    """The operation with its example arguments keyed as its TypedDicts are (snake_case), for docs and tests."""
    parameters = tuple(
        dataclasses.replace(p, example=wire.python_keys(p.example, p.type.shape, models)) if p.type.shape else p
        for p in op.parameters
    )
    return dataclasses.replace(op, parameters=parameters)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _string(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _name_words(title: str) -> list[str]:
    """'Conductor API' -> ['conductor']: the title without a trailing 'API'."""
    parts = words(title)
    while len(parts) > 1 and parts[-1] in ("api", "apis"):
        parts.pop()
    return parts


def _resource_classes(operations: list[Operation], model_names: set[str]) -> dict[tuple[str, ...], str]:
    """A unique class-name stem per resource path: `end_users` -> 'EndUsers', `qbd.invoices` -> 'QbdInvoices'.

    `<stem>Resource` must not be the name of a model the resource module imports: such a stem gets `Api`.
    """
    paths = sorted({op.resource_path[:depth] for op in operations for depth in range(1, len(op.resource_path) + 1)})
    taken: set[str] = set()
    stems = {}
    for path in paths:
        stem = pascal_case(" ".join(path), "Resource")
        while {f"{stem}Resource", f"Async{stem}Resource"} & model_names:
            stem += "Api"
        stems[path] = unique(stem, taken, separator="")
    return stems


def _base_url(root: dict[str, Any]) -> str:
    servers = root.get("servers")
    if not isinstance(servers, list) or not servers or not isinstance(servers[0], dict):
        return ""
    server = servers[0]
    url = _string(server.get("url"))
    variables = _mapping(server.get("variables"))
    for name, variable in variables.items():
        if isinstance(variable, dict) and "default" in variable:
            url = url.replace("{" + str(name) + "}", str(variable["default"]))
    return url.rstrip("/")


WEBHOOK_SECRET = "webhook_secret"  # the constructor keyword holding the default webhook secret


def _webhook_verification(
    config: Config, event: tuple[TypeRef, str | None], resources: tuple[Resource, ...], model_names: set[str]
) -> WebhookVerification:
    """`client.webhooks` (`client.webhook_events` when the API has a resource called `webhooks`)."""
    taken = {r.name for r in resources}
    attribute = "webhooks" if "webhooks" not in taken else unique("webhook_events", {t.lower() for t in taken})
    names = {n.lower() for n in model_names}  # the generated module imports the payload models
    class_name, event_name = unique("Webhooks", names, separator=""), unique("WebhookEvent", names, separator="")
    options = config.webhooks
    return WebhookVerification(
        attribute=attribute,
        class_name=class_name,
        event_name=event_name,
        event=event[0],
        tag=event[1],
        scheme=options.scheme,  # type: ignore[arg-type]  # checked by the config parser
        credential=None if options.scheme == "none" else WEBHOOK_SECRET,
        header=options.header or "",
        algorithm=options.algorithm,
        encoding=options.encoding,
        prefix=options.prefix,
    )


def _credentials(
    spec: Spec, config: Config, prefix: str
) -> tuple[tuple[Credential, ...], tuple[ClientCredentialsFlow, ...]]:
    root = spec.root
    schemes = _mapping(_mapping(root.get("components")).get("securitySchemes"))
    used = _used_schemes(spec)
    required = _required_schemes(root.get("security"))
    result: list[Credential] = []
    flows: list[ClientCredentialsFlow] = []
    taken: set[str] = {WEBHOOK_SECRET}
    for scheme_name, raw in schemes.items():
        if scheme_name not in used:
            continue
        scheme = spec.follow(raw, spec.entry, f"/components/securitySchemes/{scheme_name}").value
        kind, wire = _credential_kind(scheme)
        if kind is None:
            raise GeneratorError(
                Problem(
                    f"security scheme {scheme_name!r} of type {scheme.get('type')!r} is not supported",
                    str(spec.entry),
                    f"/components/securitySchemes/{scheme_name}",
                )
            )
        first = not result
        description = scheme.get("description") if isinstance(scheme.get("description"), str) else None
        is_required = scheme_name in required
        if kind == "basic":  # two keywords: `username` and `password` (prefixed unless it is the first scheme)
            stem = "" if first else f"{snake_case(scheme_name, 'basic')}_"
            user, password = unique(f"{stem}username", taken), unique(f"{stem}password", taken)
            user_var, password_var = f"{prefix}_{constant_case(user)}", f"{prefix}_{constant_case(password)}"
            result.append(
                Credential(user, scheme_name, "basic", None, user_var, is_required, description, password=password)
            )
            result.append(
                Credential(password, scheme_name, "basic_password", None, password_var, is_required, description)
            )
            continue
        name = unique("api_key" if first else snake_case(scheme_name, "credential"), taken)
        env_var = (config.env.api_key if first else None) or f"{prefix}_{constant_case(name)}"
        token_url, scopes = _client_credentials_flow(scheme)
        if token_url is None:
            result.append(Credential(name, scheme_name, kind, wire, env_var, is_required, description))
            continue
        # The token may be given, or fetched with the client's id and secret: neither is required alone.
        result.append(Credential(name, scheme_name, kind, wire, env_var, False, description))
        stem = "" if not flows else f"{snake_case(scheme_name, 'oauth')}_"
        client_id, client_secret = unique(f"{stem}client_id", taken), unique(f"{stem}client_secret", taken)
        oauth: tuple[tuple[str, CredentialKind], ...] = (
            (client_id, "oauth_client_id"),
            (client_secret, "oauth_client_secret"),
        )
        for keyword, what in oauth:
            keyword_var = f"{prefix}_{constant_case(keyword)}"
            purpose = f"The OAuth2 client {keyword.rsplit('_', 1)[-1]} the {name} token is fetched with."
            result.append(Credential(keyword, scheme_name, what, None, keyword_var, False, purpose))
        flows.append(
            ClientCredentialsFlow(
                scheme_name, name, client_id, client_secret, token_url, scopes, is_required, f"_{name}_oauth"
            )
        )
    return tuple(result), tuple(flows)


def _client_credentials_flow(scheme: dict[str, Any]) -> tuple[str | None, tuple[str, ...]]:
    """(tokenUrl, scopes) of an oauth2 scheme's clientCredentials flow; (None, ()) when it has none."""
    flows = scheme.get("flows") if scheme.get("type") == "oauth2" else None
    flow = flows.get("clientCredentials") if isinstance(flows, dict) else None
    if not isinstance(flow, dict) or not isinstance(flow.get("tokenUrl"), str) or not flow["tokenUrl"].strip():
        return None, ()
    scopes = flow.get("scopes")
    return flow["tokenUrl"].strip(), tuple(str(s) for s in scopes) if isinstance(scopes, dict) else ()


def _credential_kind(scheme: Any) -> tuple[CredentialKind | None, str | None]:
    if not isinstance(scheme, dict):
        return None, None
    type_ = scheme.get("type")
    if type_ == "http":
        http = str(scheme.get("scheme", "")).lower()
        if http == "basic":
            return "basic", None
        return "bearer", None
    if type_ in ("oauth2", "openIdConnect"):
        return "bearer", None
    if type_ == "apiKey" and scheme.get("in") in ("header", "query", "cookie") and isinstance(scheme.get("name"), str):
        return scheme["in"], scheme["name"]
    return None, None


def _used_schemes(spec: Spec) -> set[str]:
    """Schemes named by the global or any operation's `security` (path items and operations may be $refs)."""
    root = spec.root
    used: set[str] = set()
    requirements: list[Any] = list(root.get("security") or [])
    for path, raw_item in (root.get("paths") or {}).items():
        item = spec.follow(raw_item, spec.entry, pointer_from_parts(["paths", path]))
        for method, raw_op in (item.value.items() if isinstance(item.value, dict) else ()):
            op = spec.follow(raw_op, item.file, f"{item.pointer}/{method}").value if isinstance(raw_op, dict) else None
            if isinstance(op, dict) and isinstance(op.get("security"), list):
                requirements.extend(op["security"])
    for requirement in requirements:
        if isinstance(requirement, dict):
            used.update(requirement)
    return used


def _required_schemes(security: Any) -> set[str]:
    """Schemes the client cannot work without: in the first global requirement, with no `{}` option."""
    if not isinstance(security, list) or not security or any(r == {} for r in security):
        return set()
    first = security[0]
    return set(first) if isinstance(first, dict) else set()


def _request_id_header(spec: Spec) -> str | None:
    """The first response header in the spec whose name ends in 'request-id'."""
    for item in (spec.root.get("paths") or {}).values():
        if not isinstance(item, dict):
            continue
        for op in item.values():
            responses = op.get("responses") if isinstance(op, dict) else None
            for response in (responses or {}).values() if isinstance(responses, dict) else ():
                headers = response.get("headers") if isinstance(response, dict) else None
                for header in headers or {}:
                    if _REQUEST_ID.search(str(header)):
                        return str(header)
    return None
