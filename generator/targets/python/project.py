"""The Python target: the IR (generator/model/) -> every file of the generated Python project.

`render_project` returns the files as {relative path: text}; nothing is written here. It places the package's
modules (package.py, resources.py, type_modules.py), its tests (api_tests.py), README.md and api.md (docs.py),
rendering templates/ through environment.py; files under templates/src/package/ not ending in `.jinja` are
runtime modules copied as they are. formatting.py then puts every Python file in black's layout.
"""

from __future__ import annotations

from collections.abc import Mapping

from generator.model.ir import Api
from generator.progress import SILENT, Progress
from generator.targets import Rendered
from generator.targets.python.api_tests import client_test_imports, render_conftest, render_resource_tests
from generator.targets.python.docs import api_reference, first, readme_example, renamed_key
from generator.targets.python.environment import PACKAGE_TEMPLATES, render_template
from generator.targets.python.examples import (
    client_test,
    oauth_snippet,
    readme_snippets,
    webhook_example_payload,
    webhook_snippet,
)
from generator.targets.python.formatting import format_all, known_stable, static_file, static_package_files
from generator.targets.python.imports import Import, all_key, import_block, module_file
from generator.targets.python.package import (
    ERROR_CLASSES,
    HEADER_CREDENTIALS,
    OPTIONAL_RUNTIME,
    UNSENT_CREDENTIALS,
    auth_hooks,
    client_aliases,
    client_variants,
    mixin_imports,
    package_exports,
    webhook_errors,
    webhooks_context,
)
from generator.targets.python.pysource import docstring_text
from generator.targets.python.resources import render_resource, resource_class_names
from generator.targets.python.spelling import ModelIndex
from generator.targets.python.type_modules import models_by_module, namespaces, render_types_module
from generator.targets.python.types import annotation


def render_project(
    api: Api, formatted: Mapping[str, str] | None = None, progress: Progress = SILENT, verify: bool = False
) -> Rendered:
    """Every file of the generated project, in black's layout.

    The templates write black's layout themselves (layout.py); black runs only over a file
    with a line they cannot vouch for, or over every file with `verify` (`check --full`). `formatted`
    maps format keys to black's output from an earlier run; such files are not formatted again.
    """
    with progress.stage("render", total=len(api.all_resources()) * 2 + len(api.models)):
        files = _render_files(api, progress)
    static = frozenset(f"src/{api.package}/{name}" for name in static_package_files() if known_stable(name))
    with progress.stage("format"):
        return format_all(files, formatted or {}, static, progress, verify)


def _render_files(api: Api, progress: Progress) -> dict[str, str]:
    index = ModelIndex(api.models)  # how every module spells the models it uses asks it
    package = {
        **_package_modules(api, index),
        **_resource_modules(api, index, progress),
        **_type_modules(api, index, progress),
    }
    files = _documents(api) | {f"src/{api.package}/{path}": text for path, text in package.items()}
    return files | _tests(api, index, progress)


def _documents(api: Api) -> dict[str, str]:
    """The project's files beside the package: README.md, api.md, pyproject.toml, .gitignore."""
    return {
        ".gitignore": render_template("gitignore.jinja", api=api),
        "pyproject.toml": render_template("pyproject.toml.jinja", api=api),
        "README.md": render_template(
            "README.md.jinja",
            api=api,
            example=readme_example(api),
            snippets=readme_snippets(api),
            credential=first(api.credentials),
            query_credential=first([c for c in api.credentials if c.kind == "query"]),
            raw_body=any(op.body is not None and op.body.kind == "raw" for op in api.operations),
            renamed_key=renamed_key(api),
            oauth=oauth_snippet(api),
            webhook=webhook_snippet(api),
            webhook_payload=webhook_example_payload(api),
            env_vars={c.name: c.env_var for c in api.credentials},
            webhook_payloads=[(webhook, annotation(webhook.payload)) for webhook in api.webhooks],
        ),
        "api.md": render_template("api.md.jinja", api=api, resources=api_reference(api)),
    }


def _package_modules(api: Api, index: ModelIndex) -> dict[str, str]:
    """The package's own modules (paths below it): the copied runtime, `__init__`, the client, the exceptions."""
    files = {name: static_file(name) for name in static_package_files()}
    files = {name: text for name, text in files.items() if name not in OPTIONAL_RUNTIME or OPTIONAL_RUNTIME[name](api)}
    files["__init__.py"] = render_template(
        f"{PACKAGE_TEMPLATES}/__init__.py.jinja",
        api=api,
        imports=import_block(package_exports(api)),
        exports=sorted((i.name for i in package_exports(api)), key=all_key),
        package_doc=docstring_text(api.title)
        + " client for Python"
        + (".\n\n" + docstring_text(api.description) if api.description else ""),
    )
    files["_version.py"] = render_template(f"{PACKAGE_TEMPLATES}/_version.py.jinja", api=api)
    files["_exceptions.py"] = render_template(
        f"{PACKAGE_TEMPLATES}/_exceptions.py.jinja",
        api=api,
        exports=sorted([f"{api.client_name}Error", *ERROR_CLASSES, *webhook_errors(api)], key=all_key),
    )
    client_exports = sorted({i.name for i in package_exports(api) if i.module == "._client"})
    files["_client.py"] = render_template(
        f"{PACKAGE_TEMPLATES}/_client.py.jinja",
        api=api,
        clients=client_variants(api),
        auth_hooks=auth_hooks(api),
        needs_base64=any(c.kind == "basic" for c in api.credentials),
        sent_credentials=[c.name for c in api.credentials if c.kind not in UNSENT_CREDENTIALS],
        header_credentials=[c.name for c in api.credentials if c.kind in HEADER_CREDENTIALS],
        env_vars={c.name: c.env_var for c in api.credentials},
        resource_imports=import_block(
            Import(f".resources.{r.module}", name) for r in api.resources for name in resource_class_names(r)
        ),
        client_aliases=client_aliases(api),
        mixin_imports=import_block(mixin_imports(api, [api.client_name, api.async_client_name], ".")),
        exports=sorted(client_exports, key=all_key),
    )
    if api.webhook_verification is not None:
        files["webhooks.py"] = render_template(f"{PACKAGE_TEMPLATES}/webhooks.py.jinja", **webhooks_context(api, index))
    return files


def _resource_modules(api: Api, index: ModelIndex, progress: Progress) -> dict[str, str]:
    """`resources/`: a module per resource, a package per group."""
    files = {"resources/__init__.py": render_template(f"{PACKAGE_TEMPLATES}/resources/__init__.py.jinja", api=api)}
    for resource in api.all_resources():
        files |= render_resource(api, resource, index)
        progress.advance()
    return files


def _type_modules(api: Api, index: ModelIndex, progress: Progress) -> dict[str, str]:
    """`types/`: the models' modules and the namespaces' `__init__` modules re-exporting them."""
    files: dict[str, str] = {}
    for namespace, entries in namespaces(api.models).items():
        files[f"{namespace.replace('.', '/')}/__init__.py"] = render_template(
            f"{PACKAGE_TEMPLATES}/types/__init__.py.jinja",
            api=api,
            namespace=namespace,
            models=entries,
            exports=sorted((name for name, _ in entries), key=all_key),
        )
    for module, members in models_by_module(api.models).items():
        files[f"types/{module.replace('.', '/')}.py"] = render_types_module(api, module, members, index)
        progress.advance(len(members))
    return files


def _tests(api: Api, index: ModelIndex, progress: Progress) -> dict[str, str]:
    """`tests/`: a module per resource with operations, the transport test, the fixtures."""
    files: dict[str, str] = {}
    for resource in api.all_resources():
        if resource.operations:
            files[f"tests/api_resources/{module_file(resource.test_module)}.py"] = render_resource_tests(
                api, resource, index
            )
        progress.advance()
    # Also without operations: scripts/lint checks tests/, and the user's own tests go there.
    files["tests/__init__.py"] = ""
    files["tests/utils.py"] = render_template("tests/utils.py.jinja", api=api)
    files["tests/conftest.py"] = render_conftest(api)
    for folder in sorted({path.rsplit("/", 1)[0] for path in files if path.startswith("tests/api_resources/")}):
        files[f"{folder}/__init__.py"] = ""  # packages: two resources' test modules may share a file name
    transport_test = client_test(api)
    if transport_test is not None:
        files["tests/test_client.py"] = render_template(
            "tests/test_client.py.jinja",
            api=api,
            test=transport_test,
            imports=client_test_imports(api, transport_test.helpers),
            client_args=["base_url=server.url", *(f'{c.name}="test-credential"' for c in api.credentials)],
        )
    return files
