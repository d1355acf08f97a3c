"""`src/client.ts` (the client class, its options and environment variables, its resources and the namespace
every type is reached through) and `src/index.ts` (what `import ... from '<package>'` gives)."""

from __future__ import annotations

from dataclasses import dataclass

from generator.model.ir import ClientCredentialsFlow
from generator.targets.typescript import layout as d
from generator.targets.typescript import naming, types
from generator.targets.typescript.escaping import string
from generator.targets.typescript.plan import CLIENT_MEMBERS, Option, Plan, credential_options, relative
from generator.targets.typescript.resources import CLASS_INDENT, HEADER, assigned, exported_types, initialized
from generator.targets.typescript.webhooks import webhook_names

ERROR_CLASSES = (
    "APIError",
    "APIConnectionError",
    "APIConnectionTimeoutError",
    "APIUserAbortError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
)
_SENT = ("bearer", "basic", "header", "query", "cookie")  # credential kinds the client sends itself


@dataclass(frozen=True)
class Flow:
    """An OAuth2 client credentials flow: the token option it fills, the id and secret it is fetched with, and
    the private member caching it."""

    flow: ClientCredentialsFlow
    token: Option
    client_id: Option
    client_secret: Option
    attribute: str


def oauth_flows(plan: Plan, options: list[Option], taken: set[str]) -> list[Flow]:
    by_name = {o.credential.name: o for o in options}
    flows = []
    for flow in plan.api.oauth_flows:
        token, client_id, client_secret = (
            by_name.get(n) for n in (flow.credential, flow.client_id, flow.client_secret)
        )
        if token is not None and client_id is not None and client_secret is not None:
            attribute = naming.unique(f"{token.name}Credentials", taken)
            flows.append(Flow(flow, token, client_id, client_secret, attribute))
    return flows


def render_client(plan: Plan) -> str:
    options = credential_options(plan)
    taken = set(CLIENT_MEMBERS) | {o.name for o in options}
    flows = oauth_flows(plan, options, taken)
    attributes = [naming.unique(r.attribute, taken, "Resource") for r in plan.resources]
    hooks = plan.api.webhook_verification
    webhooks = naming.unique(naming.camel(hooks.attribute), taken, "Resource") if hooks else None
    verifier = webhook_names(plan, hooks)[0] if hooks else ""
    base_imports = "BaseClient, type FetchedAuth, type HeaderValues" if flows else "BaseClient, type HeaderValues"
    head: list[d.Doc] = [
        HEADER,
        "",
        f"import {{ {base_imports} }} from './core/base-client.js';",
        "import type * as Core from './core/base-client.js';",
        "import * as Errors from './core/error.js';",
        "import { type Logger, type LogLevel, readEnv } from './core/log.js';",
        *(["import { ClientCredentials } from './core/oauth.js';"] if flows else []),
        "import { VERSION } from './version.js';",
        *([f"import {{ {verifier} }} from './webhooks.js';"] if hooks else []),
    ]
    for resource in plan.resources:
        names = [resource.class_name, *(f"type {n}" for n in exported_types(plan, resource))]
        imported = d.specifiers(names)
        head.append(("import ", imported, " from ", string(relative("client", resource.file)), ";"))
    body: list[d.Doc] = [
        _options_interface(plan, options),
        _client_class(plan, options, attributes, flows, (webhooks, verifier) if webhooks else None),
    ]
    body += [assigned(f"{plan.client_class}.{r.class_name}", r.class_name) for r in plan.resources]
    body.append(_namespace(plan))
    parts: list[d.Doc] = [d.join(d.HARDLINE, head)]
    for item in body:
        parts += [d.HARDLINE, d.HARDLINE, item]
    return d.render(tuple(parts)) + "\n"


def _options_interface(plan: Plan, options: list[Option]) -> d.Doc:
    api = plan.api
    members: list[d.Doc] = []
    for option in options:
        text = (option.credential.description or "").strip()
        text += ("\n\n" if text else "") + f"Defaults to process.env[{string(option.credential.env_var)}]."
        members.append(types.with_comment(types.comment(text), f"{option.name}?: string | null | undefined;"))
    base_url_doc = f"The API's base URL. Defaults to process.env[{string(api.base_url_env)}], else {api.base_url}."
    timeout = round(api.default_timeout * 1000)
    fixed = [
        (base_url_doc, "baseURL?: string | null | undefined;"),
        (f"Milliseconds to wait for each attempt's response (default {timeout}).", "timeout?: number | undefined;"),
        (
            f"How often a failed request is retried (default {api.max_retries}): connection errors, timeouts, "
            "408, 409, 429 and 5xx.",
            "maxRetries?: number | undefined;",
        ),
        ("A `fetch` to use instead of the global one.", "fetch?: typeof fetch | undefined;"),
        ("Extra `RequestInit` options for every `fetch` call.", "fetchOptions?: RequestInit | undefined;"),
        (
            "Headers sent with every request; `null` removes a default one.",
            "defaultHeaders?: HeaderValues | undefined;",
        ),
        ("Query parameters sent with every request.", "defaultQuery?: Record<string, unknown> | undefined;"),
        (
            f"What to log: `off`, `error`, `warn`, `info` (retries) or `debug` (every request and response, "
            f"credentials hidden). Defaults to process.env[{string(api.log_env)}], else `warn`.",
            "logLevel?: LogLevel | undefined;",
        ),
        ("What to log to (default `console`): pino, winston and the like fit.", "logger?: Logger | undefined;"),
    ]
    members += [types.with_comment(types.comment(text), member) for text, member in fixed]
    return types.interface("ClientOptions", members, f"Options of the {plan.client_class} client; all are optional.")


def _client_class(  # noqa: PLR0913 - what the class holds, each decided by the caller
    plan: Plan, options: list[Option], attributes: list[str], flows: list[Flow], webhooks: tuple[str, str] | None
) -> d.Doc:
    api = plan.api
    client = plan.client_class
    members: list[d.Doc] = []
    for option in options:
        type_ = "string" if option.credential.required else "string | null"
        members.append(f"{option.name}: {type_};")
    members.append("private readonly clientOptions: ClientOptions;")
    members += [f"private {f.attribute}: ClientCredentials | null;" for f in flows]
    members.append(_constructor(plan, options, flows))
    members.append(_with_options(options, flows))
    members.append(_auth(options))
    if flows:
        members.append(_fetched_auth(flows, len(options) > 1))
    if any(o.credential.kind == "query" for o in options):
        members.append(_auth_query(options))
    members.append(f"static DEFAULT_TIMEOUT = {round(api.default_timeout * 1000)};")
    statics = [_static(name) for name in (plan.base_error, *error_classes(plan))]
    members.append(d.join(d.HARDLINE, statics))
    resources = [initialized(a, r.class_name, "this") for a, r in zip(attributes, plan.resources, strict=True)]
    if webhooks is not None:
        resources.append(initialized(webhooks[0], webhooks[1], "this"))
    if resources:
        members.append(d.join(d.HARDLINE, resources))
    doc = types.comment(f"The {api.title} client.")
    return types.with_comment(
        doc, ("export class ", client, " extends BaseClient ", d.block(members, blank_lines=True))
    )


def _static(name: str) -> d.Doc:
    """`static X = Errors.X;`, the value on the next line when the line is too long (as prettier breaks it)."""
    line = f"static {name} = Errors.{name};"
    if len(CLASS_INDENT) + len(line) <= d.PRINT_WIDTH:
        return line
    return (f"static {name} =", d.indent(d.HARDLINE, f"Errors.{name};"))


def _flow_checks(plan: Plan, flow: Flow) -> list[d.Doc]:
    """The id and secret go together; a flow the API requires needs the token or them."""
    token, client_id, client_secret = flow.token.name, flow.client_id.name, flow.client_secret.name
    error = f"throw new Errors.{plan.base_error}"
    together = f"The {client_id} and {client_secret} options must be given together."
    condition = f"if (({client_id} == null) !== ({client_secret} == null)) "
    checks: list[d.Doc] = [(condition, d.block([(error, d.delimited("(", [string(together)], ")"), ";")]))]
    if flow.flow.required:
        envs = (flow.token.credential.env_var, flow.client_id.credential.env_var, flow.client_secret.credential.env_var)
        missing = (
            f"The {token} option, or {client_id} and {client_secret} to fetch it with, must be given, or the "
            f"environment variables {envs[0]}, or {envs[1]} and {envs[2]}, set."
        )
        condition = f"if ({token} == null && {client_id} == null) "
        checks.append((condition, d.block([(error, d.delimited("(", [string(missing)], ")"), ";")])))
    return checks


def _credentials_cache(flow: Flow) -> d.Doc:
    """`this.tokenCredentials = ... new ClientCredentials({...}) ...`: when the id and secret are given."""
    scopes = "[" + ", ".join(string(scope) for scope in flow.flow.scopes) + "]"
    settings = [
        f"tokenURL: new URL({string(flow.flow.token_url)}, this.baseURL.replace(/\\/*$/, '/')).toString()",
        _shorthand("clientId", flow.client_id.name),
        _shorthand("clientSecret", flow.client_secret.name),
        f"scopes: {scopes}",
        "fetch: this.fetch",
        "timeout: this.timeout",
    ]
    value = ("{", d.indent(d.HARDLINE, d.join((",", d.HARDLINE), settings), ","), d.HARDLINE, "}")
    given = f"{flow.client_id.name} != null && {flow.client_secret.name} != null"
    return (
        f"this.{flow.attribute} = null;",
        d.HARDLINE,
        (f"if ({given}) ", d.block([(f"this.{flow.attribute} = new ClientCredentials(", value, ");")])),
    )


def _shorthand(key: str, variable: str) -> str:
    return key if key == variable else f"{key}: {variable}"


def _fetched_auth(flows: list[Flow], chosen: bool) -> d.Doc:
    """`fetchedAuth`: a fetched token for a call whose operation names the token's credential, when the
    token itself was not given."""
    statements: list[d.Doc] = []
    if chosen:
        statements.append("const sends = (name: string) => security === undefined || security.includes(name);")
    for flow in flows:
        condition = f"credentials !== null && this.{flow.token.name} === null"
        condition += f" && sends({string(flow.token.name)})" if chosen else ""
        found = [
            "const token = await credentials.accessToken();",
            "return { headers: { Authorization: `Bearer ${token}` }, refused: () => credentials.forget(token) };",
        ]
        found_block: list[d.Doc] = [
            f"const credentials = this.{flow.attribute};",
            (f"if ({condition}) ", d.block(found)),
        ]
        if len(flows) == 1:
            statements += found_block
        else:  # each flow's `credentials` in its own block
            statements.append(d.block(found_block))
    statements.append("return undefined;")
    parameter = "security?: readonly string[]"
    return (
        f"protected override async fetchedAuth({parameter}): Promise<FetchedAuth | undefined> ",
        d.block(statements),
    )


def _constructor(plan: Plan, options: list[Option], flows: list[Flow]) -> d.Doc:
    api = plan.api
    defaults = [f"baseURL = readEnv({string(api.base_url_env)})"]
    defaults += [f"{o.name} = readEnv({string(o.credential.env_var)})" for o in options]
    pattern = d.delimited("{", [*defaults, "...options"], "}", padded=True, comma=False)
    statements: list[d.Doc] = []
    for option in options:
        if option.credential.required:
            message = (
                f"The {option.credential.env_var} environment variable is missing or empty; either provide it, "
                f"or instantiate the {plan.client_class} client with an {option.name} option."
            )
            throw = ("throw new Errors.", plan.base_error, d.delimited("(", [string(message)], ")"), ";")
            statements.append((f"if ({option.name} === undefined || {option.name} === null) ", d.block([throw])))
    for flow in flows:
        statements += _flow_checks(plan, flow)
    idempotency = string(api.idempotency_header) if api.idempotency_header else "undefined"
    settings = [
        f"baseURL: baseURL || {string(api.base_url)}",
        f"timeout: options.timeout ?? {plan.client_class}.DEFAULT_TIMEOUT",
        f"maxRetries: options.maxRetries ?? {api.max_retries}",
        "fetch: options.fetch",
        "fetchOptions: options.fetchOptions",
        "defaultHeaders: options.defaultHeaders",
        "defaultQuery: options.defaultQuery",
        "logger: options.logger",
        "logLevel: options.logLevel",
        f"logEnv: {string(api.log_env)}",
        f"customHeadersEnv: {string(custom_headers_env(plan))}",
        f"userAgent: `{_template(plan.client_class)}/JS ${{VERSION}}`",
        f"requestIdHeader: {string(api.request_id_header)}",
        f"idempotencyHeader: {idempotency}",
    ]
    statements.append(
        ("super(", "{", d.indent(d.HARDLINE, d.join((",", d.HARDLINE), settings), ","), d.HARDLINE, "});")
    )
    statements.append("this.clientOptions = options;")
    for option in options:
        value = option.name if option.credential.required else f"{option.name} ?? null"
        statements.append(f"this.{option.name} = {value};")
    statements += [_credentials_cache(flow) for flow in flows]
    signature = ("constructor(", pattern, ": ClientOptions = {}) ")
    return (signature, d.block(statements))


def custom_headers_env(plan: Plan) -> str:
    """The environment variable of `Name: value` lines sent with every request (`CONDUCTOR_CUSTOM_HEADERS`)."""
    return f"{plan.api.env_prefix}_CUSTOM_HEADERS" if plan.api.env_prefix else "CUSTOM_HEADERS"


def _with_options(options: list[Option], flows: list[Flow]) -> d.Doc:
    """`withOptions({...})`: a client like this one (its credentials, URL, limits) with some options changed; one
    fetching the same OAuth2 tokens shares this one's cache (as the Python SDK's `with_options` does)."""
    settings = [
        "...this.clientOptions",
        "baseURL: this.baseURL",
        "timeout: this.timeout",
        "maxRetries: this.maxRetries",
        "logger: this.logger",
        "logLevel: this.logLevel",
        *(f"{o.name}: this.{o.name}" for o in options),
        "...options",
    ]
    value = ("{", d.indent(d.HARDLINE, d.join((",", d.HARDLINE), settings), ","), d.HARDLINE, "}")
    statements: list[d.Doc] = ["const Client = this.constructor as new (options: ClientOptions) => this;"]
    if not flows:
        statements.append(("return new Client(", value, ");"))
    else:
        statements.append(("const client = new Client(", value, ");"))
        for flow in flows:
            cache = flow.attribute
            statements.append(
                (f"if (client.{cache}?.sameAs(this.{cache})) ", d.block([f"client.{cache} = this.{cache};"]))
            )
        statements.append("return client;")
    doc = types.comment("A new client with these options, the others (credentials included) as this client's.")
    return types.with_comment(doc, ("withOptions(options: Partial<ClientOptions>): this ", d.block(statements)))


def _template(text: str) -> str:
    return text.replace("\\", "\\\\").replace("`", "\\`").replace("${", "\\${")


def _sent_if(option: Option, chosen: bool) -> str:
    """The condition under which a credential is sent: it is set, and (`chosen`) the call's security names it."""
    parts = [] if option.credential.required else [f"this.{option.name} !== null"]
    parts += [f"sends({string(option.name)})"] if chosen else []
    return " && ".join(parts)


def _auth(options: list[Option]) -> d.Doc:
    """`authHeaders`: with several credentials, only those the call's operation names (`security`)."""
    chosen = len(options) > 1
    statements: list[d.Doc] = ["const headers: HeaderValues = {};"]
    if chosen:
        statements.append("const sends = (name: string) => security === undefined || security.includes(name);")
    by_name = {o.credential.name: o for o in options}
    for option in options:
        credential = option.credential
        if credential.kind not in _SENT or credential.kind == "query":
            continue
        value = f"this.{option.name}"
        if credential.kind == "bearer":
            assignment = f"headers['Authorization'] = `Bearer ${{{value}}}`;"
        elif credential.kind == "basic":
            password = by_name.get(credential.password or "")
            secret = f"${{this.{password.name} ?? ''}}" if password else ""
            assignment = f"headers['Authorization'] = `Basic ${{btoa(`${{{value}}}:{secret}`)}}`;"
        elif credential.kind == "cookie":
            cookie = _template(credential.wire_name or credential.name)
            assignment = f"headers['Cookie'] = `{cookie}=${{encodeURIComponent({value})}}`;"
        else:
            assignment = f"headers[{string(credential.wire_name or credential.name)}] = {value};"
        condition = _sent_if(option, chosen)
        statements.append((f"if ({condition}) ", d.block([assignment])) if condition else assignment)
    statements.append("return headers;")
    parameter = "security?: readonly string[]" if chosen else ""
    return (f"protected override authHeaders({parameter}): HeaderValues ", d.block(statements))


def _auth_query(options: list[Option]) -> d.Doc:
    chosen = len(options) > 1
    statements: list[d.Doc] = ["const query: Record<string, unknown> = {};"]
    if chosen:
        statements.append("const sends = (name: string) => security === undefined || security.includes(name);")
    for option in options:
        if option.credential.kind == "query":
            key = string(option.credential.wire_name or option.credential.name)
            condition = _sent_if(option, chosen)
            assignment = f"query[{key}] = this.{option.name};"
            statements.append((f"if ({condition}) ", d.block([assignment])) if condition else assignment)
    statements.append("return query;")
    parameter = "security?: readonly string[]" if chosen else ""
    return (f"protected override authQuery({parameter}): Record<string, unknown> ", d.block(statements))


def _namespace(plan: Plan) -> d.Doc:
    exports: list[d.Doc] = ["export type RequestOptions = Core.RequestOptions;"]
    for resource in plan.resources:
        names = [f"{resource.class_name} as {resource.class_name}"]
        names += [f"type {n} as {n}" for n in exported_types(plan, resource)]
        exports.append(("export ", d.specifiers(names), ";"))
    return ("export declare namespace ", plan.client_class, " ", d.block(exports, blank_lines=True))


def error_classes(plan: Plan) -> tuple[str, ...]:
    """The error classes besides the base one: `WebhookVerificationError` too where the client verifies webhooks."""
    return ERROR_CLASSES + (("WebhookVerificationError",) if plan.api.webhook_verification else ())


def render_index(plan: Plan) -> str:
    client = plan.client_class
    errors = [plan.base_error, *error_classes(plan)]
    lines: list[d.Doc] = [
        HEADER,
        "",
        f"export {{ {client} as default }} from './client.js';",
        "",
        f"export {{ {client}, type ClientOptions }} from './client.js';",
        "export { APIPromise, type WithResponse } from './core/api-promise.js';",
        "export type { RequestOptions } from './core/base-client.js';",
        ("export ", d.delimited("{", errors, "}", padded=True), " from './core/error.js';"),
        *_webhook_exports(plan),
    ]
    return d.render(d.join(d.HARDLINE, lines)) + "\n"


def _webhook_exports(plan: Plan) -> list[d.Doc]:
    if plan.api.webhook_verification is None:
        return []
    class_name, event_name = webhook_names(plan, plan.api.webhook_verification)
    return [f"export {{ {class_name}, type {event_name} }} from './webhooks.js';"]
