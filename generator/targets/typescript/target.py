"""The TypeScript target: `generate --target typescript -o OUT`, or `targets: {typescript: {...}}` in the config.

Options (the config's `targets.typescript` section): `npm_name`, the package's name on npm (default: the
Python package name in kebab-case, `conductor`; Conductor publishes `conductor-node`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.model.ir import Api
from generator.targets import Job, OptionsSection, Rendered, Target
from generator.targets.python.naming import PYTHON_NAMING
from generator.targets.typescript import naming
from generator.targets.typescript.api_md import render_api_md
from generator.targets.typescript.client import render_client, render_index
from generator.targets.typescript.package import project_files
from generator.targets.typescript.plan import build_plan
from generator.targets.typescript.repository import repository_files
from generator.targets.typescript.resources import render_resource, render_shared
from generator.targets.typescript.tests import test_files
from generator.targets.typescript.webhooks import render_webhooks

# npm's rules: lowercase, URL-safe, at most 214 characters, optionally scoped (`@scope/name`).
_NPM_NAME = re.compile(r"^(@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*\Z")


@dataclass(frozen=True)
class TypeScriptOptions:
    npm_name: str | None = None


def parse_options(section: OptionsSection) -> TypeScriptOptions:
    npm_name = None
    for key, value in section.values.items():
        if key != "npm_name":
            section.problem(f"unknown key {key!r}; known keys: npm_name, output", key)
        elif not (isinstance(value, str) and len(value) <= 214 and _NPM_NAME.match(value)):
            section.problem(f"'npm_name' must be an npm package name such as 'acme-node', got {value!r}", key)
        else:
            npm_name = value
    return TypeScriptOptions(npm_name)


def render_typescript(api: Api, options: TypeScriptOptions = TypeScriptOptions()) -> dict[str, str]:
    """Every file of the TypeScript project, by POSIX path relative to its folder, sorted."""
    plan = build_plan(api)
    files = project_files(plan, npm_name(api, options))
    files["src/client.ts"] = render_client(plan)
    files["src/index.ts"] = render_index(plan)
    for resource in plan.all_files():
        files[f"src/{resource.file}.ts"] = render_resource(plan, resource)
    if plan.shared:
        files["src/resources/shared.ts"] = render_shared(plan)
    if api.webhook_verification is not None:
        files["src/webhooks.ts"] = render_webhooks(plan, api.webhook_verification)
    files["api.md"] = render_api_md(plan)
    files |= test_files(plan, npm_name(api, options))
    return dict(sorted(files.items()))


def npm_name(api: Api, options: TypeScriptOptions) -> str:
    return options.npm_name or naming.kebab(api.package, "sdk")


def render(job: Job[TypeScriptOptions]) -> Rendered:
    """The package (render_typescript) and the repository's files around it: the spec copy, scripts, workflows."""
    files = render_typescript(job.api, job.options)
    plan = build_plan(job.api)
    files |= repository_files(plan, job.spec, job.overlaid, npm_name(job.api, job.options))
    return Rendered(dict(sorted(files.items())))


TYPESCRIPT: Target[TypeScriptOptions] = Target(
    name="typescript",
    summary="a TypeScript SDK: an npm project with a fetch-based client without dependencies",
    render=render,
    parse_options=parse_options,
    # The IR is named as for Python for now; naming.py spells every TypeScript name again from the names' words
    # and the wire names. The model's fixed names (verbs, `Params`/`Response` suffixes) go through the naming
    # before a TypeScript `Naming` replaces this (docs/architecture.md).
    naming=PYTHON_NAMING,
)
