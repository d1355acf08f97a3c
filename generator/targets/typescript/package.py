"""The files around the code: package.json, tsconfig.json, the prettier config, the build script, the README,
and the runtime under src/core/ (generator/targets/typescript/runtime/, names placed by Jinja)."""

from __future__ import annotations

import json
from importlib import resources as package_data
from typing import Any

from generator.targets import GITIGNORE_SCRATCH
from generator.targets.typescript import layout as d
from generator.targets.typescript.escaping import string
from generator.targets.typescript.plan import Plan
from generator.targets.typescript.readme import render_readme

# The versions the generated project's scripts use, the ones tools/node pins for our tests.
TYPESCRIPT_VERSION = "5.9.3"
PRETTIER_VERSION = "3.10.2"
TYPES_NODE_VERSION = "20.19.43"  # node:test and node:assert, for the tests (tests/tsconfig.json)
PRETTIER_CONFIG = {"singleQuote": True, "trailingComma": "all", "printWidth": d.PRINT_WIDTH}
RUNTIME_FILES = (
    "api-promise.ts",
    "base-client.ts",
    "encoding.ts",
    "error.ts",
    "log.ts",
    "oauth.ts",
    "pagination.ts",
    "path.ts",
    "resource.ts",
    "streaming.ts",
    "webhooks.ts",
)

_BUILD = """#!/usr/bin/env bash
# Compiles src/ twice, each with its declarations: CommonJS into dist/cjs, ES modules into dist/esm.
set -euo pipefail
cd "$(dirname "$0")/.."
TSC="${TSC:-node_modules/.bin/tsc}"
rm -rf dist
"$TSC" -p tsconfig.json --module commonjs --moduleResolution node10 --outDir dist/cjs
"$TSC" -p tsconfig.json --module es2022 --moduleResolution bundler --outDir dist/esm
echo '{ "type": "commonjs" }' >dist/cjs/package.json
# `require('<package>')` is the client class itself, the named exports on it (as the published SDKs' is)
cat >>dist/cjs/index.js <<'JS'

module.exports = Object.assign(exports.default, exports);
Object.defineProperty(module.exports, '__esModule', { value: true });
JS
echo '{ "type": "module" }' >dist/esm/package.json
"""


_GITIGNORE = f"""dist
dist-tests
node_modules

{GITIGNORE_SCRATCH}
# Left by scripts/mock --daemon (and removed by scripts/test when it started the mock)
.prism.log
.prism.pid
.prism.port
"""


def json_text(value: Any, expand: bool = False) -> str:
    """JSON laid out as prettier lays it out: objects one key a line, arrays on one line when they fit (its
    `json` parser), or every array expanded (`expand`: its `json-stringify` parser, which package.json gets)."""
    return d.render(_json(value, expand)) + "\n"


def _json(value: Any, expand: bool) -> d.Doc:
    if isinstance(value, dict) or (expand and isinstance(value, list) and value):
        if not value:
            return "{}"
        if isinstance(value, dict):
            entries: list[d.Doc] = [
                (json.dumps(k, ensure_ascii=False), ": ", _json(v, expand)) for k, v in value.items()
            ]
        else:
            entries = [_json(v, expand) for v in value]
        open_, close = ("{", "}") if isinstance(value, dict) else ("[", "]")
        return (open_, d.indent(d.HARDLINE, d.join((",", d.HARDLINE), entries)), d.HARDLINE, close)
    if isinstance(value, list):
        return d.delimited("[", [_json(v, expand) for v in value], "]", comma=False)
    return json.dumps(value, ensure_ascii=False)


def package_json(plan: Plan, npm_name: str) -> dict[str, Any]:
    api = plan.api
    entry = {
        "import": {"types": "./dist/esm/index.d.ts", "default": "./dist/esm/index.js"},
        "require": {"types": "./dist/cjs/index.d.ts", "default": "./dist/cjs/index.js"},
    }
    manifest: dict[str, Any] = {
        "name": npm_name,
        "version": api.version,
        "description": f"The TypeScript SDK of the {api.title}",
    }
    if api.license is not None:
        manifest["license"] = api.license.identifier or api.license.name
    manifest |= {
        "type": "commonjs",
        "main": "./dist/cjs/index.js",
        "types": "./dist/cjs/index.d.ts",
        "exports": {".": entry},
        "files": ["dist", "src"],
        "engines": {"node": ">=18"},
        "scripts": {
            "build": "bash scripts/build",
            "test": "bash scripts/test",
            "lint": "bash scripts/lint",
            "format": "bash scripts/format",
            "mock": "bash scripts/mock",
        },
        "dependencies": {},
        "devDependencies": {
            "@types/node": TYPES_NODE_VERSION,
            "prettier": PRETTIER_VERSION,
            "typescript": TYPESCRIPT_VERSION,
        },
    }
    return manifest


TSCONFIG = {
    "include": ["src"],
    "compilerOptions": {
        "target": "es2022",
        "lib": ["es2022", "dom"],
        "types": [],
        "rootDir": "src",
        "outDir": "dist/cjs",
        "declaration": True,
        "sourceMap": True,
        "strict": True,
        "exactOptionalPropertyTypes": True,
        "noUncheckedIndexedAccess": True,
        "noImplicitOverride": True,
        "skipLibCheck": False,
    },
}


def project_files(plan: Plan, npm_name: str) -> dict[str, str]:
    files = {
        "package.json": json_text(package_json(plan, npm_name), expand=True),
        "tsconfig.json": json_text(TSCONFIG),
        ".prettierrc.json": json_text(PRETTIER_CONFIG),
        ".prettierignore": "dist\ndist-tests\nnode_modules\nopenapi\n",
        ".gitignore": _GITIGNORE,
        "scripts/build": _BUILD,
        "README.md": render_readme(plan, npm_name),
        "src/version.ts": f"export const VERSION = {string(plan.api.version)};\n",
    }
    import jinja2  # when first rendering: commands that render nothing (an unchanged `generate`) stay light

    environment = jinja2.Environment(keep_trailing_newline=True, autoescape=False, undefined=jinja2.StrictUndefined)
    runtime = package_data.files("generator.targets.typescript") / "runtime" / "core"
    values = {"base_error": plan.base_error, "request_id_header": _comment_safe(plan.api.request_id_header)}
    for name in RUNTIME_FILES:
        if name == "oauth.ts" and not plan.api.oauth_flows:  # only where the spec has a client credentials flow
            continue
        if name == "webhooks.ts" and plan.api.webhook_verification is None:  # only where it has webhooks
            continue
        template = environment.from_string((runtime / name).read_text(encoding="utf-8"))
        files[f"src/core/{name}"] = template.render(values)
    return files


def _comment_safe(header: str) -> str:
    """A header name (a token: letters, digits and `!#$%&'*+.^_`|~-`) inside a comment and a string literal."""
    return string(header)[1:-1]
