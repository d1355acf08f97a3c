"""`src/webhooks.ts`, where the spec has webhooks: `client.webhooks.unwrap(body, headers)` checks a webhook
request's signature as the config's `webhooks` scheme says (src/core/webhooks.ts) and parses its payload, typed
as the union of the webhooks' payloads (`WebhookEvent`)."""

from __future__ import annotations

from generator.model.ir import WebhookVerification
from generator.targets.typescript import layout as d
from generator.targets.typescript import naming, types
from generator.targets.typescript.escaping import string
from generator.targets.typescript.plan import Plan, credential_options
from generator.targets.typescript.resources import HEADER, Imports

FILE = "webhooks"


def webhook_names(plan: Plan, hooks: WebhookVerification) -> tuple[str, str]:
    """The verifier's class (`Webhooks`, `WebhookEvents` beside a `webhooks` resource) and the payloads' union
    (`WebhookEvent`): neither takes a resource's class or a type's name, as every one is exported."""
    taken = set(naming.TAKEN_TYPE_NAMES) | {plan.client_class, plan.base_error}
    taken |= {r.class_name for r in plan.all_files()} | {n.split(".", 1)[0] for n in plan.type_names.values()}
    taken |= {m.params_type for r in plan.all_files() for m in r.methods if m.params_type}
    class_name = naming.unique(naming.pascal(hooks.attribute), taken, "Verifier")
    return class_name, naming.unique("WebhookEvent", taken, "Payload")


def render_webhooks(plan: Plan, hooks: WebhookVerification) -> str:
    imports = Imports(plan, FILE)
    class_name, event_name = webhook_names(plan, hooks)
    event = types.spell(hooks.event.tree, imports.name)
    tag = f" (told apart by its `{hooks.tag}` property)" if hooks.tag else ""
    event_doc = types.comment(f"The payload of any webhook the API sends{tag}.")
    body: list[d.Doc] = [
        types.with_comment(event_doc, (d.after(f"export type {event_name} =", event), ";")),
        _class(plan, hooks, class_name, event_name),
        _parse(plan, event_name),
    ]
    runtime = ["type WebhookBody", "type WebhookHeaders"]
    if hooks.scheme == "standard":
        runtime.insert(0, "verifyStandard")
    elif hooks.scheme == "hmac":
        runtime.insert(0, "verifyHmac")
    head: list[d.Doc] = [
        HEADER,
        "",
        "import * as Errors from './core/error.js';",
        ("import ", d.specifiers(runtime), " from './core/webhooks.js';"),
        *imports.lines(),
    ]
    parts: list[d.Doc] = [d.join(d.HARDLINE, head)]
    for item in body:
        parts += [d.HARDLINE, d.HARDLINE, item]
    return d.render(tuple(parts)) + "\n"


def secret_option(plan: Plan, hooks: WebhookVerification) -> str | None:
    """The client option holding the default webhook secret (`webhookSecret`)."""
    return next((o.name for o in credential_options(plan) if o.credential.name == hooks.credential), None)


def _class(plan: Plan, hooks: WebhookVerification, class_name: str, event_name: str) -> d.Doc:
    option = secret_option(plan, hooks)
    members: list[d.Doc] = []
    if option is None or hooks.scheme == "none":
        members.append("constructor(private readonly client: object) {}")
        unwrap = ["return parse(body);"]
        doc = types.comment("Parses a webhook request's body into its payload (the API does not sign its webhooks).")
        members.append(types.with_comment(doc, (f"unwrap(body: WebhookBody): {event_name} ", d.block(unwrap))))
    else:
        members.append(f"constructor(private readonly client: {{ {option}: string | null }}) {{}}")
        env_var = next(o.credential.env_var for o in credential_options(plan) if o.name == option)
        unwrap = ["await this.verifySignature(body, headers, options);", "return parse(body);"]
        doc = types.comment(
            "Checks the request's signature, then parses its body into the webhook's payload. `body` is the "
            "request body exactly as received (not parsed and serialized again); `secret` defaults to the "
            f"client's `{option}`, which defaults to process.env[{string(env_var)}]. Throws "
            "`WebhookVerificationError` when the signature does not match."
        )
        parameters = ["body: WebhookBody", "headers: WebhookHeaders", "options: { secret?: string } = {}"]
        signature = d.broken("(", parameters, ")")  # never fits on one line
        members.append(
            types.with_comment(doc, ("async unwrap", signature, f": Promise<{event_name}> ", d.block(unwrap)))
        )
        message = (
            f"No webhook secret: pass {{ secret }} or set the {option} client option or the {env_var} "
            "environment variable"
        )
        verify = [
            f"const secret = options.secret ?? this.client.{option};",
            (
                "if (secret === null) ",
                d.block([(f"throw new Errors.{plan.base_error}", d.delimited("(", [string(message)], ")"), ";")]),
            ),
            _verify_call(hooks),
        ]
        doc = types.comment("Throws `WebhookVerificationError` unless the request is signed with the webhook secret.")
        members.append(
            types.with_comment(doc, ("async verifySignature", signature, ": Promise<void> ", d.block(verify)))
        )
    scheme = {"standard": "Standard Webhooks", "hmac": "an HMAC of the body", "none": "unsigned"}[hooks.scheme]
    doc = types.comment(f"Verifies the webhooks the API sends ({scheme}) and parses their payloads.")
    return types.with_comment(doc, (f"export class {class_name} ", d.block(members, blank_lines=True)))


def _verify_call(hooks: WebhookVerification) -> d.Doc:
    if hooks.scheme == "standard":
        return "await verifyStandard(body, headers, secret);"
    settings = [
        f"header: {string(hooks.header)}",
        f"algorithm: {string(hooks.algorithm)}",
        f"encoding: {string(hooks.encoding)}",
        f"prefix: {string(hooks.prefix)}",
    ]
    value = ("{", d.indent(d.HARDLINE, d.join((",", d.HARDLINE), settings), ","), d.HARDLINE, "}")
    return ("await verifyHmac(body, headers, secret, ", value, ");")


def _parse(plan: Plan, event_name: str) -> d.Doc:
    throw = f"throw new Errors.{plan.base_error}('The webhook payload is not JSON');"
    return (
        "/** The payload: the body's JSON, not checked against the types (as no response is). */",
        d.HARDLINE,
        f"function parse(body: WebhookBody): {event_name} ",
        d.block(
            [
                "const text = typeof body === 'string' ? body : new TextDecoder().decode(body);",
                ("try ", d.block([f"return JSON.parse(text) as {event_name};"]), " catch ", d.block([throw])),
            ]
        ),
    )
