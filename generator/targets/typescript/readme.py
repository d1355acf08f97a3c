"""The TypeScript SDK's README.md: install, usage (the first operation's code sample), the client's options and
environment variables, errors, retries, timeouts, pagination, raw responses, request ids, requirements.

Every code block is laid out as prettier lays out the JavaScript it holds (prettier formats the code in a
Markdown file's fenced blocks), and every table as it aligns tables. Text from the spec reaches the README only
through `markdown_text` (the title) or inside code (escaped as JavaScript literals).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from generator.targets.typescript import examples
from generator.targets.typescript import layout as d
from generator.targets.typescript.escaping import string
from generator.targets.typescript.plan import Method, Plan, ResourceFile, credential_options

NODE_VERSION = "18"  # package.json's `engines`: the first Node.js with a global `fetch`
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~&$])")

STATUS_ERRORS = (
    ("400", "BadRequestError"),
    ("401", "AuthenticationError"),
    ("403", "PermissionDeniedError"),
    ("404", "NotFoundError"),
    ("409", "ConflictError"),
    ("422", "UnprocessableEntityError"),
    ("429", "RateLimitError"),
    (">= 500", "InternalServerError"),
    ("other 4xx", "APIError"),
    ("no response", "APIConnectionError"),
    ("timed out", "APIConnectionTimeoutError"),
    ("aborted", "APIUserAbortError"),
)


def markdown_text(text: str) -> str:
    """Spec text as one line of Markdown prose: whitespace collapsed, every character Markdown or HTML could
    read as syntax escaped with a backslash, so it shows as written and can open no element or link."""
    one_line = " ".join(text.split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", one_line)


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A Markdown table as prettier aligns it: cells padded to their column's width (at least 3), whatever the
    print width (it writes tables unaligned only with `proseWrap: never`)."""
    widths = [max(3, *(len(row[i]) for row in [header, *rows])) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    return [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def code(language: str, doc: d.Doc) -> list[str]:
    return [f"```{language}", *d.render(doc).split("\n"), "```"]


def first_method(plan: Plan) -> tuple[ResourceFile, Method] | None:
    return next(((r, m) for r in plan.all_files() for m in r.methods), None)


def paged_method(plan: Plan) -> tuple[ResourceFile, Method] | None:
    return next(((r, m) for r in plan.all_files() for m in r.methods if m.paging is not None), None)


def render_readme(plan: Plan, npm_name: str) -> str:
    api = plan.api
    client = plan.client_class
    import_line = f"import {client} from {string(npm_name)};"
    lines = [
        f"# {client} TypeScript SDK",
        "",
        f"The TypeScript SDK of the {markdown_text(api.title)} (version {markdown_text(api.api_version)}),"
        " for server-side JavaScript and TypeScript.",
        f"It has no runtime dependencies: it runs on the platform's `fetch` (Node.js {NODE_VERSION} and later, Deno,"
        " Bun, edge runtimes).",
        "",
        "It is generated from the API's OpenAPI document by openapi-sdkgen; do not edit it by hand.",
        "",
        "## Installation",
        "",
        "```sh",
        f"npm install {npm_name}",
        "```",
        "",
        "## Usage",
        "",
        "The full API of this library is in [api.md](api.md).",
        "",
    ]
    found = first_method(plan)
    if found is not None:
        resource, method = found
        lines += ["```js", *examples.program(plan, resource, method, npm_name).split("\n"), "```", ""]
    lines += _options(plan, import_line)
    if found is not None:
        lines += _errors(plan, *found)
        lines += _retries(plan, *found)
    paged = paged_method(plan)
    if paged is not None:
        lines += _pagination(plan, *paged)
    if found is not None:
        lines += _raw_responses(plan, *found)
    lines += _requirements(plan)
    return "\n".join(lines)


def _options(plan: Plan, import_line: str) -> list[str]:
    api = plan.api
    rows = [
        [f"`{o.name}`", f"`{o.credential.env_var}`", "required" if o.credential.required else "none"]
        for o in credential_options(plan)
    ]
    rows += [
        ["`baseURL`", f"`{api.base_url_env}`", f"`{api.base_url}`" if api.base_url else "none"],
        ["`timeout`", "", f"{round(api.default_timeout * 1000)} (milliseconds, each attempt)"],
        ["`maxRetries`", "", str(api.max_retries)],
        ["`fetch`", "", "the global `fetch`"],
        ["`fetchOptions`", "", "none (extra `RequestInit` options for every call)"],
        ["`defaultHeaders`", "", "none (`null` removes a header the client sends)"],
        ["`defaultQuery`", "", "none"],
    ]
    rows = [[cell.replace("|", "\\|") for cell in row] for row in rows]
    return [
        "## Client options",
        "",
        f"`new {plan.client_class}(options)` takes these options, every one optional: a value not given is read from",
        "its environment variable (a blank one counts as unset), else takes its default.",
        "",
        *table(["option", "environment variable", "default"], rows),
        "",
    ]


def _errors(plan: Plan, resource: ResourceFile, method: Method) -> list[str]:
    client = plan.client_class
    catch = d.block(
        [
            (
                f"if (err instanceof {client}.APIError) ",
                d.block(
                    [
                        "console.log(err.status); // 404",
                        "console.log(err.name); // NotFoundError",
                        "console.log(err.requestID);",
                        "console.log(err.headers);",
                    ]
                ),
                " else ",
                d.block(["throw err;"]),
            )
        ]
    )
    program = ("try ", d.block([("await ", examples.invoke(plan, resource, method), ";")]), " catch (err) ", catch)
    rows = [[f"`{status}`" if status[0].isdigit() else status, f"`{name}`"] for status, name in STATUS_ERRORS]
    return [
        "## Handling errors",
        "",
        "A call that fails rejects with an error: when the API answers with an error status, a subclass of",
        f"`{client}.APIError` with the `status`, `headers`, the parsed body as `error` and the `requestID`;",
        f"when it does not answer, an `APIConnectionError`. All of them extend `{plan.base_error}`.",
        "",
        *code("ts", program),
        "",
        *table(["status", "error"], rows),
        "",
    ]


def _retries(plan: Plan, resource: ResourceFile, method: Method) -> list[str]:
    api = plan.api
    client = plan.client_class
    per_call_retries = examples.invoke(plan, resource, method, extra=["{ maxRetries: 5 }"])
    per_call_timeout = examples.invoke(plan, resource, method, extra=["{ timeout: 5 * 1000 }"])
    lines = [
        "## Retries",
        "",
        f"Connection errors, timeouts and the statuses 408, 409, 429 and 5xx are retried {api.max_retries} times by",
        "default, waiting 0.5 s doubling up to 8 s (less up to 25 % jitter), or what the API asks for in",
        "`retry-after-ms` or `Retry-After` (up to 60 s). An `x-should-retry` header of the answer overrides the",
        "decision. `maxRetries` sets the number, for the client or for one call:",
        "",
        *code(
            "js",
            d.join(
                d.HARDLINE,
                [
                    "// Configure the default for all requests:",
                    (f"const client = new {client}(", d.delimited("{", ["maxRetries: 0"], "}", padded=True), ");"),
                    "",
                    "// Or, configure per-request:",
                    ("await ", per_call_retries, ";"),
                ],
            ),
        ),
        "",
    ]
    if api.idempotency_header:
        lines += [
            f"Calls other than GET send an `{api.idempotency_header}` header, the same on every retry of a call;",
            "the request option `idempotencyKey` sets it.",
            "",
        ]
    lines += [
        "## Timeouts",
        "",
        f"Each attempt waits {round(api.default_timeout * 1000)} ms for its answer by default; then it is given up"
        " (and",
        "retried) and the call, once out of retries, rejects with an `APIConnectionTimeoutError`. `timeout` sets it",
        "in milliseconds, for the client or for one call:",
        "",
        *code(
            "js",
            d.join(
                d.HARDLINE,
                [
                    "// Configure the default for all requests:",
                    (
                        f"const client = new {client}({{",
                        d.indent(d.HARDLINE, "timeout: 20 * 1000, // 20 seconds"),
                        d.HARDLINE,
                        "});",
                    ),
                    "",
                    "// Override per-request:",
                    ("await ", per_call_timeout, ";"),
                ],
            ),
        ),
        "",
        "Every method also takes the request options `headers`, `query`, `signal` (an `AbortSignal`) and",
        "`fetchOptions` after its parameters.",
        "",
    ]
    return lines


def _pagination(plan: Plan, resource: ResourceFile, method: Method) -> list[str]:
    invocation = examples.invoke(plan, resource, method)
    walk = examples.call(plan, resource, method)
    first_page = d.join(
        d.HARDLINE,
        [
            ("let page = await ", invocation, ";"),
            ("for (const item of page.data) ", d.block(["console.log(item);"])),
            "",
            "// Convenience methods are provided for manually paginating:",
            ("while (page.hasNextPage()) ", d.block(["page = await page.getNextPage();", "// ..."])),
        ],
    )
    return [
        "## Auto-pagination",
        "",
        "List methods are paginated. Iterate with `for await … of` to go through the items of every page; the",
        "next page is fetched as needed:",
        "",
        *code("js", d.join(d.HARDLINE, walk)),
        "",
        "Or go page by page:",
        "",
        *code("js", first_page),
        "",
        f"A server that sends a cursor it sent before ends the walk with a `{plan.base_error}` rather than looping.",
        "",
    ]


def _raw_responses(plan: Plan, resource: ResourceFile, method: Method) -> list[str]:
    program = d.join(
        d.HARDLINE,
        [
            ("const promise = ", examples.invoke(plan, resource, method), ";"),
            "",
            "const response = await promise.asResponse();",
            "console.log(response.headers.get('X-My-Header'));",
            "console.log(response.statusText);",
            "",
            "const { data, response: raw, requestID } = await promise.withResponse();",
            "console.log(raw.headers.get('X-My-Header'));",
            "console.log(requestID);",
            "console.log(data);",
        ],
    )
    header = plan.api.request_id_header
    return [
        "## Accessing raw response data (e.g. headers)",
        "",
        "A method returns an `APIPromise`: awaited, it gives the parsed body. `.asResponse()` gives the `Response`",
        "of `fetch` instead, its body unread, and `.withResponse()` both, with the request id:",
        "",
        *code("ts", program),
        "",
        "## Request IDs",
        "",
        f"Each answer's `{header}` header identifies the request: it is `requestID` in what `.withResponse()`" " gives",
        "and on every `APIError`. Quote it when you report a problem with a call.",
        "",
    ]


def _requirements(plan: Plan) -> list[str]:
    return [
        "## Requirements",
        "",
        f"- Node.js {NODE_VERSION} or later, or another runtime with a global `fetch` (Deno, Bun, Cloudflare"
        " Workers,",
        "  Vercel Edge); elsewhere pass the `fetch` option.",
        "- TypeScript 5 for the types (the package is compiled with TypeScript 5.9 in strict mode).",
        "- CommonJS (`require`) and ES modules (`import`) both work: the package ships both builds.",
        "",
        "## Development",
        "",
        *table(
            ["command", "what it does"],
            [
                ["`bash scripts/bootstrap`", "installs the development dependencies (`npm ci`, else `npm install`)"],
                ["`bash scripts/build`", "compiles `src/` to CommonJS (`dist/cjs`) and ES modules (`dist/esm`)"],
                ["`bash scripts/test`", "runs the tests against a mock server of the API (`scripts/mock`)"],
                ["`bash scripts/lint`", "prettier, then `tsc` over the sources and the tests"],
                ["`bash scripts/format`", "lays out every file with prettier"],
            ],
        ),
        "",
        "See [CONTRIBUTING.md](CONTRIBUTING.md).",
        "",
    ]
