"""What the package-level modules place (`__init__`, `_client`, `_exceptions`, `webhooks`): the client classes
and their credentials, the names the package exports, the webhook event union and its verification."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from generator.model.ir import Api, Credential
from generator.targets.python.imports import Import, all_key, from_root, import_block
from generator.targets.python.layout import fits
from generator.targets.python.pysource import string_literal
from generator.targets.python.spelling import ModelIndex, spelled_type, spelling

ERROR_CLASSES = (
    "APIConnectionError",
    "APIError",
    "APIResponseTooLargeError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnprocessableEntityError",
)


_CLIENT_MODULE_EXPORTS = (
    "DEFAULT_MAX_RESPONSE_SIZE",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "DefaultAioHttpClient",
    "DefaultAsyncHttpxClient",
    "DefaultHttpxClient",
)


# Runtime modules only some clients have: OAuth2 client credentials, webhook signatures.
OPTIONAL_RUNTIME = {
    "_streaming.py": lambda api: any(op.stream for op in api.operations),
    "_oauth.py": lambda api: bool(api.oauth_flows),
    "_webhooks.py": lambda api: api.webhook_verification is not None
    and api.webhook_verification.credential is not None,
}


# Credentials the client keeps but does not send as they are (they fetch a token, or check webhooks).
UNSENT_CREDENTIALS = ("basic_password", "oauth_client_id", "oauth_client_secret", "webhook_secret")
# Sent as an HTTP header's value as given (basic credentials are base64-encoded first): the client refuses
# one that no header can carry when it is built, not with an encoding error at the first call.
HEADER_CREDENTIALS = ("bearer", "header", "cookie")


def client_variants(api: Api) -> list[dict[str, str]]:
    summary = f"Client for the {api.title}."
    return [
        {
            "name": api.client_name,
            "base": bases(api, api.client_name, "SyncAPIClient"),
            "http_client": "httpx.Client",
            "prefix": "",
            "docstring": summary,
        },
        {
            "name": api.async_client_name,
            "base": bases(api, api.async_client_name, "AsyncAPIClient"),
            "http_client": "httpx.AsyncClient",
            "prefix": "Async",
            "docstring": f"Async client for the {api.title}.",
        },
    ]


def bases(api: Api, class_name: str, base: str) -> str:
    """The base classes of a generated class: the user's mixin from lib/ first (config `mixins`), if any."""
    mixins = [m.name for m in api.mixins if m.target == class_name]
    return ", ".join([*mixins, base])


def mixin_imports(api: Api, class_names: Sequence[str], prefix: str) -> list[Import]:
    """Imports of the mixins of `class_names`; `prefix` leads from the importing module to the package."""
    return [Import(f"{prefix}lib.{m.module}", m.name) for m in api.mixins if m.target in class_names]


def auth_hooks(api: Api) -> list[dict[str, Any]]:
    """For each way of sending credentials (headers, query, cookies): the credentials and their values."""
    hooks: dict[str, list[dict[str, str]]] = {"headers": [], "query": [], "cookies": []}
    for credential in api.credentials:
        if credential.kind in UNSENT_CREDENTIALS:
            continue  # a password is sent together with its username; the others are not sent
        kind, wire, value = _credential_wire(credential)
        assignment = f"values[{string_literal(wire)}] = {value}"
        if not fits(assignment, 12) and " + " in value:  # black's split of a long sum: one operand a line
            head, tail = value.split(" + ", 1)
            assignment = f"values[{string_literal(wire)}] = (\n{' ' * 16}{head}\n{' ' * 16}+ {tail}\n{' ' * 12})"
        hooks[kind].append({"credential": credential.name, "assignment": assignment})
    return [{"kind": kind, "credentials": lines} for kind, lines in hooks.items() if lines]


def _credential_wire(credential: Credential) -> tuple[str, str, str]:
    attribute = f"self.{credential.name}"
    if credential.kind == "bearer":
        return "headers", "Authorization", f'f"Bearer {{{attribute}}}"'
    if credential.kind == "basic":
        pair = f"f\"{{{attribute}}}:{{self.{credential.password} or ''}}\""
        return "headers", "Authorization", f'"Basic " + base64.b64encode({pair}.encode()).decode()'
    where = {"header": "headers", "query": "query", "cookie": "cookies"}[str(credential.kind)]
    return where, credential.wire_name or credential.name, attribute


def webhook_errors(api: Api) -> list[str]:
    hooks = api.webhook_verification
    return ["WebhookVerificationError"] if hooks is not None and hooks.credential is not None else []


def webhooks_context(api: Api, index: ModelIndex) -> dict[str, Any]:
    """What templates/src/package/webhooks.py.jinja places: the event union, its imports, the scheme's words."""
    hooks = api.webhook_verification
    assert hooks is not None
    reserved = {
        hooks.class_name,
        hooks.event_name,
        "Any",
        "Protocol",
        "TypeAlias",
        "cast",
        "Mapping",
        "functools",
        "json",
        "pydantic",
        "construct_lenient",
        f"{api.client_name}Error",
        "verify_standard",
        "verify_hmac",
    }
    names, imports = spelling("webhooks", hooks.event.models, (), index, reserved)
    event = spelled_type(hooks.event, names)
    hooks = dataclasses.replace(hooks, event=event)
    imports |= {from_root(i) for i in event.imports}
    imports |= {Import("typing", n) for n in ("Any", "Protocol", "TypeAlias", "cast")} | {
        Import("functools", ""),
        Import("json", ""),
    }
    imports |= {Import("collections.abc", "Mapping"), Import("pydantic", ""), Import("._models", "construct_lenient")}
    imports.add(Import("._exceptions", f"{api.client_name}Error"))
    if hooks.credential is not None:
        imports.add(Import("._webhooks", "verify_standard" if hooks.scheme == "standard" else "verify_hmac"))
    members = sorted(names[m] for m in hooks.event.models)
    schemes = {
        "standard": "Standard Webhooks signatures",
        "hmac": f"an HMAC-{hooks.algorithm.upper()} of the body in {hooks.header}",
        "none": "the API does not sign them",
    }
    return {
        "api": api,
        "hooks": hooks,
        "exports": sorted([hooks.class_name, hooks.event_name], key=all_key),
        "imports": import_block(imports),
        "tag": hooks.tag,
        "names": ", ".join(f"`{name}`" for name in members) if members else event.annotation,
        "scheme_doc": schemes[hooks.scheme],
        "env_var": next((c.env_var for c in api.credentials if c.name == hooks.credential), ""),
    }


def client_aliases(api: Api) -> list[tuple[str, str]]:
    """`Client` and `AsyncClient` name the client classes too, as in other SDKs (unless they are their names)."""
    pairs = [("Client", api.client_name), ("AsyncClient", api.async_client_name)]
    taken = {api.client_name, api.async_client_name}
    return [(alias, name) for alias, name in pairs if alias not in taken]


def package_exports(api: Api) -> set[Import]:
    """Names `import <package>` offers, by the module that defines them."""
    client_names = (api.client_name, api.async_client_name, *_CLIENT_MODULE_EXPORTS)
    return {
        *(Import("._client", n) for n in (*client_names, *(alias for alias, _ in client_aliases(api)))),
        *(Import("._exceptions", n) for n in (f"{api.client_name}Error", *ERROR_CLASSES, *webhook_errors(api))),
        Import("._models", "BaseModel"),
        *(Import("._response", n) for n in ("APIResponse", "AsyncAPIResponse")),
        *(Import("._types", n) for n in ("NOT_GIVEN", "NotGiven", "RequestOptions", "Timeout")),
        Import("._utils", "file_from_path"),
        Import("._version", "__version__"),
    }
