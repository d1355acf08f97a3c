"""Spec + config -> Api (the IR), its names written by a target's `Naming`. Decides the package-level names the
config leaves open."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import cast

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
from generator.model.naming import Naming, portable_modules, unique, words
from generator.model.operations import OperationBuilder, build_resources, check_resource_names
from generator.model.schemas import SchemaTypes, type_namespace
from generator.spec.build import NodeBuilder, SchemaGraph
from generator.spec.load import Spec
from generator.spec.nodes import Document, Info, SecurityScheme

_REQUEST_ID = re.compile(r"(^|[-_])request[-_]?id$", re.IGNORECASE)
DEFAULT_REQUEST_ID_HEADER = "x-request-id"


@dataclasses.dataclass(frozen=True)
class _Names:
    """The package-level names: from the config, else from the spec's title."""

    title: str
    package: str
    client_name: str
    prefix: str  # of the environment variables: `CONDUCTOR` in `CONDUCTOR_API_KEY`


def build_api(spec: Spec, config: Config, naming: Naming, warnings: list[Problem] | None = None) -> Api:
    """The IR for `spec`, named as `naming` (the target's) writes names; problems that do not stop generation are
    appended to `warnings`."""
    nodes = NodeBuilder(spec, SchemaGraph(spec))
    document = nodes.document()  # the typed spec, built once: everything below reads it
    names = _names(document.info, config, naming)
    credentials, flows = _credentials(document, config, names.prefix, naming)
    types = SchemaTypes(spec, nodes.graph, naming, config.type_names, config.file)
    builder = OperationBuilder(spec, config, types, _scheme_keywords(credentials), document)
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
    if renamed:
        by_name = {m.name: m for m in models}
        operations = [_with_field_keys(op, by_name) for op in operations]
    resources = _portable_resources(
        build_resources(operations, _resource_classes(operations, {m.python_name for m in models}, naming))
    )
    verification = _webhook_verification(config, event, resources, {m.python_name for m in models}) if event else None
    credentials += _webhook_credential(verification, names.prefix)
    return Api(
        title=names.title,
        description=document.info.description or None,
        api_version=document.info.version,
        openapi_version=str(document.openapi),
        package=names.package,
        distribution=config.distribution_name or names.package.replace("_", "-"),
        version=config.version,
        client_name=names.client_name,
        async_client_name=config.async_client_name or f"Async{names.client_name}",
        base_url=_base_url(document),
        base_url_env=config.env.base_url or f"{names.prefix}_BASE_URL",
        log_env=config.env.log or f"{names.prefix}_LOG",
        env_prefix=names.prefix,
        credentials=credentials,
        request_id_header=config.request_id_header or _request_id_header(document) or DEFAULT_REQUEST_ID_HEADER,
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
        license=_license(document.info, config),
        security_contact=config.security_contact,
        test_skips=_test_skips(config, operations),
    )


def _names(info: Info, config: Config, naming: Naming) -> _Names:
    title = info.title or "API"
    name_words = _name_words(title)
    package = config.package_name or naming.module("_".join(name_words), "client")
    if is_device_name(package):  # "Aux API": a folder `src/aux/` cannot be checked out on Windows
        package = f"{package}_api"
    client_name = config.client_name or naming.class_name(" ".join(name_words), "Client")
    if client_name in naming.reserved_client_names:
        client_name += "Client"
    return _Names(title, package, client_name, naming.constant(package, "VALUE"))


def _scheme_keywords(credentials: tuple[Credential, ...]) -> dict[str, str]:
    """securitySchemes key -> the keyword of the credential the scheme sends."""
    unsent = ("basic_password", "oauth_client_id", "oauth_client_secret")  # not the value a scheme sends
    return {c.scheme: c.name for c in credentials if c.kind not in unsent}


def _webhook_credential(verification: WebhookVerification | None, prefix: str) -> tuple[Credential, ...]:
    """The webhook secret's keyword, when webhooks are verified with one."""
    if verification is None or verification.credential is None:
        return ()
    description = "The secret the API signs its webhooks with."
    return (
        Credential(verification.credential, "", "webhook_secret", None, f"{prefix}_WEBHOOK_SECRET", False, description),
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


def _license(info: Info, config: Config) -> License | None:
    """The config's `license`, else the spec's `info.license` (its name, SPDX identifier and URL, each one
    line of printable text or left out); None when neither names one: no licence is invented."""
    if config.license is not None:
        return License(config.license)
    found = info.license
    name = " ".join((found.name or "").split()) if found else ""
    if found is None or not name.isprintable() or not name:
        return None
    identifier, url = (found.identifier or "").strip(), (found.url or "").strip()
    return License(name, identifier if _one_line(identifier) else None, url if _one_line(url) else None)


def _one_line(text: str) -> bool:
    return bool(text) and text.isprintable()


def _type_use(op: Operation) -> tuple[tuple[str, ...], frozenset[str]]:
    """The namespace of an operation's types and the models it names (response, arguments, page items)."""
    names = set(op.return_type.models).union(*(p.type.models for p in op.parameters))
    names |= op.pagination.item.models if op.pagination else set()
    names |= {op.params_model} if op.params_model else set()
    return type_namespace(op.resource_path), frozenset(names)


def _with_field_keys(op: Operation, models: dict[str, Model]) -> Operation:
    """The operation with its example arguments keyed as its request objects are (their fields' names), for docs
    and tests."""
    parameters = tuple(
        dataclasses.replace(p, example=wire.field_keys(p.example, p.type.shape, models)) if p.type.shape else p
        for p in op.parameters
    )
    return dataclasses.replace(op, parameters=parameters)


def _name_words(title: str) -> list[str]:
    """'Conductor API' -> ['conductor']: the title without a trailing 'API'."""
    parts = words(title)
    while len(parts) > 1 and parts[-1] in ("api", "apis"):
        parts.pop()
    return parts


def _resource_classes(operations: list[Operation], model_names: set[str], naming: Naming) -> dict[tuple[str, ...], str]:
    """A unique class-name stem per resource path: `end_users` -> 'EndUsers', `qbd.invoices` -> 'QbdInvoices'.

    `<stem>Resource` must not be the name of a model the resource module imports: such a stem gets `Api`.
    """
    paths = sorted({op.resource_path[:depth] for op in operations for depth in range(1, len(op.resource_path) + 1)})
    taken: set[str] = set()
    stems = {}
    for path in paths:
        stem = naming.class_name(" ".join(path), "Resource")
        while {f"{stem}Resource", f"Async{stem}Resource"} & model_names:
            stem += "Api"
        stems[path] = unique(stem, taken, separator="")
    return stems


def _base_url(document: Document) -> str:
    """The first server's URL, each `{variable}` replaced by its default."""
    if not document.servers:
        return ""
    server = document.servers[0]
    url = server.url
    for name, variable in server.variables.items():
        if variable.default is not None:
            url = url.replace("{" + name + "}", variable.default)
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
    document: Document, config: Config, prefix: str, naming: Naming
) -> tuple[tuple[Credential, ...], tuple[ClientCredentialsFlow, ...]]:
    """The client's credential keywords, one per scheme some `security` names (two for `basic`, three for an
    OAuth2 client-credentials flow), and the flows the client fetches tokens with."""
    used = _used_schemes(document)
    found = _Credentials(config, prefix, _required_schemes(document.security), naming)
    for scheme in document.components.security_schemes.values():
        if scheme.key in used:
            found.add(scheme, document)
    return tuple(found.credentials), tuple(found.flows)


class _Credentials:
    """The credentials collected scheme by scheme (the first scheme's keywords are unprefixed)."""

    def __init__(self, config: Config, prefix: str, required: set[str], naming: Naming) -> None:
        self.config, self.prefix, self.required, self.naming = config, prefix, required, naming
        self.credentials: list[Credential] = []
        self.flows: list[ClientCredentialsFlow] = []
        self.taken: set[str] = {WEBHOOK_SECRET}

    def add(self, scheme: SecurityScheme, document: Document) -> None:
        kind, wire_name = _credential_kind(scheme)
        if kind is None:
            raise GeneratorError(
                Problem(
                    f"security scheme {scheme.key!r} of type {scheme.type!r} is not supported",
                    str(document.location.file),
                    f"/components/securitySchemes/{scheme.key}",
                )
            )
        if kind == "basic":
            self.add_basic(scheme)
            return
        first = not self.credentials
        name = unique("api_key" if first else self.naming.argument(scheme.key, "credential"), self.taken)
        env_var = (self.config.env.api_key if first else None) or self.env_var(name)
        token_url, scopes = _client_credentials_flow(scheme)
        if token_url is None:
            required = scheme.key in self.required
            self.credentials.append(
                Credential(name, scheme.key, kind, wire_name, env_var, required, scheme.description)
            )
            return
        # The token may be given, or fetched with the client's id and secret: neither is required alone.
        self.credentials.append(Credential(name, scheme.key, kind, wire_name, env_var, False, scheme.description))
        self.add_client_credentials(scheme, name, token_url, scopes)

    def add_basic(self, scheme: SecurityScheme) -> None:
        """Two keywords: `username` and `password` (prefixed unless it is the first scheme)."""
        stem = "" if not self.credentials else f"{self.naming.argument(scheme.key, 'basic')}_"
        user, password = unique(f"{stem}username", self.taken), unique(f"{stem}password", self.taken)
        required, description = scheme.key in self.required, scheme.description
        self.credentials += (
            Credential(user, scheme.key, "basic", None, self.env_var(user), required, description, password=password),
            Credential(password, scheme.key, "basic_password", None, self.env_var(password), required, description),
        )

    def add_client_credentials(
        self, scheme: SecurityScheme, name: str, token_url: str, scopes: tuple[str, ...]
    ) -> None:
        """The client id and secret the `name` token is fetched with, and the flow."""
        stem = "" if not self.flows else f"{self.naming.argument(scheme.key, 'oauth')}_"
        client_id, client_secret = unique(f"{stem}client_id", self.taken), unique(f"{stem}client_secret", self.taken)
        kinds: tuple[tuple[str, CredentialKind], ...] = (
            (client_id, "oauth_client_id"),
            (client_secret, "oauth_client_secret"),
        )
        for keyword, kind in kinds:
            description = f"The OAuth2 client {keyword.rsplit('_', 1)[-1]} the {name} token is fetched with."
            self.credentials.append(
                Credential(keyword, scheme.key, kind, None, self.env_var(keyword), False, description)
            )
        required = scheme.key in self.required
        self.flows.append(
            ClientCredentialsFlow(
                scheme.key, name, client_id, client_secret, token_url, scopes, required, f"_{name}_oauth"
            )
        )

    def env_var(self, keyword: str) -> str:
        return f"{self.prefix}_{self.naming.constant(keyword, 'VALUE')}"


def _client_credentials_flow(scheme: SecurityScheme) -> tuple[str | None, tuple[str, ...]]:
    """(tokenUrl, scopes) of an oauth2 scheme's clientCredentials flow; (None, ()) when it has none."""
    flow = next((f for f in scheme.flows if f.kind == "clientCredentials"), None)
    if flow is None or flow.token_url is None or not flow.token_url.strip():
        return None, ()
    return flow.token_url.strip(), tuple(flow.scopes)


def _credential_kind(scheme: SecurityScheme) -> tuple[CredentialKind | None, str | None]:
    """How the scheme's credential is sent, and the header, query or cookie name an apiKey is sent as."""
    if scheme.type == "http":
        return ("basic" if (scheme.scheme or "").lower() == "basic" else "bearer"), None
    if scheme.type in ("oauth2", "openIdConnect"):
        return "bearer", None
    if scheme.type == "apiKey" and scheme.in_ in ("header", "query", "cookie") and scheme.name is not None:
        return cast(CredentialKind, scheme.in_), scheme.name
    return None, None


def _used_schemes(document: Document) -> set[str]:
    """Schemes named by the document's or any operation's `security`."""
    requirements = list(document.security or ())
    for item in document.paths.values():
        for op in item.operations:
            requirements.extend(op.security or ())
    return {name for requirement in requirements for name in requirement}


def _required_schemes(security: tuple[Mapping[str, tuple[str, ...]], ...] | None) -> set[str]:
    """Schemes the client cannot work without: in the first global requirement, with no `{}` option."""
    if not security or any(not requirement for requirement in security):
        return set()
    return set(security[0])


def _request_id_header(document: Document) -> str | None:
    """The first response header in the spec whose name ends in 'request-id'. Only what is written in place is
    read, as the generator always did: path items, operations and responses reached through a `$ref` are not."""
    for path, item in document.paths.items():
        if item.location != document.location.child("paths").child(path):
            continue
        for op in item.written_operations():
            if op.location != item.location.child(op.method):
                continue
            for code, response in (op.responses or {}).items():
                if response.location == op.location.child("responses").child(code):
                    header = next((h for h in response.headers if _REQUEST_ID.search(h)), None)
                    if header is not None:
                        return header
    return None
