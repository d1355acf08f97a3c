"""Stage 4: IR -> file contents. Jinja templates (StrictUndefined) from templates/, black in-process.

`render_project` returns every file of the generated project as {relative path: text}; nothing is
written here. Files under templates/ ending in `.jinja` are rendered, others are copied as they are.
The copied runtime modules are already in black's layout (tests/test_speed.py proves it), so only
rendered Python goes through black, and not even that when an earlier run's manifest vouches for the
result. jinja2 and black are imported when first needed, so commands that never render stay light.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.errors import EXIT_INTERNAL, GeneratorError, Problem
from generator.examples import ExampleTest, client_test, example_program, example_test, readme_snippets
from generator.model import wire
from generator.model.ir import Api, Credential, Import, Location, Model, Operation, Parameter, Resource, TypeRef
from generator.progress import SILENT, Progress
from generator.pysource import comment_text, docstring_text, string_literal

if TYPE_CHECKING:
    import black
    import jinja2

BLACK_VERSION = importlib.metadata.version("black")
LINE_LENGTH = 100
PARALLEL_FORMAT_THRESHOLD = 64  # below this, starting worker processes costs more than it saves
_PACKAGE_TEMPLATES = "src/package"
STABLE_LIST = ".black-stable"  # format keys of the copied modules that are black's output (scripts/black_stable.py)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# Where a generated module sits relative to the package root decides its relative-import prefix.
_ROOT_FROM_SUBPACKAGE = ".."


def templates_dir() -> Path:
    """templates/ beside the package in a checkout; inside it when installed from a wheel."""
    for candidate in (Path(__file__).resolve().parent.parent / "templates", Path(__file__).resolve().parent / "_templates"):
        if candidate.is_dir():
            return candidate
    raise GeneratorError(Problem("the generator's templates folder is missing; reinstall the generator"))


@lru_cache(maxsize=1)
def black_mode() -> black.Mode:
    import black

    return black.Mode(line_length=LINE_LENGTH, target_versions={black.mode.TargetVersion.PY310})


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters.update(pystr=string_literal, doc=docstring_text, oneline=comment_text, tomlstr=_toml_string,
                       mdtext=_markdown_text)  # fmt: skip
    return env


@dataclass(frozen=True)
class Rendered:
    files: dict[str, str]  # POSIX path relative to the output folder -> formatted text
    format_keys: dict[str, str]  # Python file -> key of its unformatted text (see format_key)


def format_key(text: str) -> str:
    """Identifies black's input: the same key always formats to the same output (black is pinned)."""
    digest = hashlib.sha256(f"black {BLACK_VERSION} {LINE_LENGTH} py310\0".encode())
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


def render_project(api: Api, formatted: Mapping[str, str] | None = None, progress: Progress = SILENT) -> Rendered:
    """Every file of the generated project, formatted.

    `formatted` maps format keys to black's output from an earlier run; files whose unformatted text
    has such a key are not formatted again (black dominates the run time of large projects).
    """
    with progress.stage("render", total=len(api.all_resources()) * 2 + len(api.models)):
        files = _render_files(api, progress)
    static = frozenset(f"src/{api.package}/{name}" for name in _static_package_files() if _known_stable(name))
    with progress.stage("format"):
        return _format_all(files, formatted or {}, static, progress)


def _render_files(api: Api, progress: Progress) -> dict[str, str]:
    package_dir = f"src/{api.package}"
    files: dict[str, str] = {
        ".gitignore": _render("gitignore.jinja", api=api),
        "pyproject.toml": _render("pyproject.toml.jinja", api=api),
        "README.md": _render(
            "README.md.jinja",
            api=api,
            example=_readme_example(api),
            snippets=readme_snippets(api),
            credential=_first(api.credentials),
            query_credential=_first([c for c in api.credentials if c.kind == "query"]),
            raw_body=any(op.body is not None and op.body.kind == "raw" for op in api.operations),
            renamed_key=_renamed_key(api),
        ),
        "api.md": _render("api.md.jinja", api=api, resources=_api_reference(api)),
    }
    for name in _static_package_files():
        files[f"{package_dir}/{name}"] = static_file(name)
    files[f"{package_dir}/__init__.py"] = _render(
        f"{_PACKAGE_TEMPLATES}/__init__.py.jinja",
        api=api,
        imports=import_block(_package_exports(api)),
        exports=sorted((i.name for i in _package_exports(api)), key=all_key),
    )
    files[f"{package_dir}/_version.py"] = _render(f"{_PACKAGE_TEMPLATES}/_version.py.jinja", api=api)
    files[f"{package_dir}/_exceptions.py"] = _render(
        f"{_PACKAGE_TEMPLATES}/_exceptions.py.jinja",
        api=api,
        exports=sorted([f"{api.client_name}Error", *_ERROR_CLASSES], key=all_key),
    )
    client_exports = sorted({i.name for i in _package_exports(api) if i.module == "._client"})
    files[f"{package_dir}/_client.py"] = _render(
        f"{_PACKAGE_TEMPLATES}/_client.py.jinja",
        api=api,
        clients=_client_variants(api),
        auth_hooks=_auth_hooks(api),
        needs_base64=any(c.kind == "basic" for c in api.credentials),
        resource_imports=import_block(
            Import(f".resources.{r.module}", name) for r in api.resources for name in _resource_class_names(r)
        ),
        client_aliases=_client_aliases(api),
        exports=sorted(client_exports, key=all_key),
    )
    files[f"{package_dir}/resources/__init__.py"] = _render(f"{_PACKAGE_TEMPLATES}/resources/__init__.py.jinja", api=api)
    model_modules = {model.name: model.module for model in api.models}
    for resource in api.all_resources():
        shapes = _shape_constants(resource, api.renamed)
        files[f"{package_dir}/resources/{resource.module}.py"] = _render(
            f"{_PACKAGE_TEMPLATES}/resources/resource.py.jinja",
            api=api,
            resource=resource,
            imports=_resource_imports(resource, model_modules, api.renamed),
            exports=sorted([resource.class_name, resource.async_class_name], key=all_key),
            op_groups={op.name: _argument_groups(op, api.renamed, shapes) for op in resource.operations},
            body_values={op.name: _wire_value("body", op.located("body"), api.renamed, shapes) for op in resource.operations},
            shapes=[{"name": name, "source": source} for source, name in shapes.items()],
            query_styles={op.name: [p for p in op.located("query") if not p.default_style] for op in resource.operations},
            required_headers={op.name: [p for p in op.located("header") if p.required] for op in resource.operations},
        )
        progress.advance()
    for resource in api.all_resources():
        if resource.operations:
            tests = [example_test(op, model_modules) for op in resource.operations]
            files[f"tests/test_{resource.module}.py"] = _render(
                "tests/test_resource.py.jinja",
                api=api,
                resource=resource,
                tests=tests,
                imports=_test_imports(api, tests),
                credentials="".join(f', {c.name}="test-credential"' for c in api.credentials),
            )
        progress.advance()
    transport_test = client_test(api)
    if transport_test is not None:
        files["tests/test_client.py"] = _render(
            "tests/test_client.py.jinja",
            api=api,
            test=transport_test,
            imports=_client_test_imports(api, transport_test.helpers),
            credentials="".join(f', {c.name}="test-credential"' for c in api.credentials),
        )
    files[f"{package_dir}/types/__init__.py"] = _render(
        f"{_PACKAGE_TEMPLATES}/types/__init__.py.jinja",
        api=api,
        models=sorted(api.models, key=lambda m: (m.module, m.name)),
        exports=sorted((m.name for m in api.models), key=all_key),
    )
    for module, models in _models_by_module(api.models).items():
        files[f"{package_dir}/types/{module}.py"] = _render(
            f"{_PACKAGE_TEMPLATES}/types/model.py.jinja",
            api=api,
            models=[m for m in models if m.alias is None],
            aliases=_aliases_in_dependency_order([m for m in models if m.alias is not None]),
            exports=sorted((m.name for m in models), key=all_key),
            module_doc=", ".join(m.name for m in models) + ".",
            imports=_model_imports(models, model_modules, api.renamed, api.wire_tables),
            rebuild=_rebuilt(models),
            tables=[
                {"name": m.name + wire.TABLE_SUFFIX, "model": m.name, "rows": wire.table(m, api.renamed)}
                for m in models
                if m.name in api.wire_tables
            ],
        )
        progress.advance(len(models))
    return files


def _render(template: str, **context: Any) -> str:
    import jinja2

    try:
        return _environment().get_template(template).render(**context)
    except jinja2.TemplateError as exc:
        raise GeneratorError(Problem(f"template {template} failed: {exc}")) from exc


@cache
def _known_stable(name: str) -> bool:
    """Whether a copied module is listed as already in black's layout: the list names its exact text, so a
    module edited since (a merge, a hand edit) is formatted like any other until the list is refreshed."""
    try:
        listed = (templates_dir() / _PACKAGE_TEMPLATES / STABLE_LIST).read_text(encoding="utf-8").split()
    except OSError:
        return False
    return name.endswith(".py") and format_key(static_file(name)) in listed[::2]


@cache
def static_file(name: str) -> str:
    """A runtime module copied as it is: the same text on every run, already in black's layout."""
    return (templates_dir() / _PACKAGE_TEMPLATES / name).read_text(encoding="utf-8")


def _format_all(
    files: dict[str, str], cache: Mapping[str, str], static: frozenset[str] = frozenset(), progress: Progress = SILENT
) -> Rendered:
    """Run black over every rendered Python file not in `cache`, on large projects across all cores.
    The `static` files (copied runtime modules) are already in black's layout."""
    keys = {path: format_key(text) for path, text in files.items() if path.endswith(".py") and path not in static}
    formatted = {path: cache[key] for path, key in keys.items() if key in cache}
    python = [path for path in keys if path not in formatted]
    progress.total(len(python))
    workers = min(os.cpu_count() or 1, 8)
    if workers > 1 and len(python) >= PARALLEL_FORMAT_THRESHOLD:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = []
            for result in pool.map(_format_one, python, [files[p] for p in python], chunksize=8):
                results.append(result)
                progress.advance()
    else:
        results = []
        for path in python:
            results.append(_format_one(path, files[path]))
            progress.advance()
    for path, (text, error) in zip(python, results):
        if error is not None:
            # The generator produced invalid Python: a bug in the generator, never in the spec.
            raise GeneratorError(
                Problem(f"internal error: generated {path} is not valid Python: {error}"), exit_code=EXIT_INTERNAL
            )
        formatted[path] = text
    merged = {**files, **formatted}
    return Rendered({path: merged[path] for path in sorted(merged)}, keys)


def _format_one(path: str, text: str) -> tuple[str, str | None]:
    """(formatted text, None) or (original text, error message); plain values so it works in a worker."""
    import black

    try:
        return black.format_str(text, mode=black_mode()), None
    except black.parsing.InvalidInput as exc:
        return text, str(exc)


@lru_cache(maxsize=1)
def _static_package_files() -> list[str]:
    root = templates_dir() / _PACKAGE_TEMPLATES
    # Only Python sources and the py.typed marker: caches that tools leave beside them are not ours.
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and (p.suffix == ".py" or p.name == "py.typed") and not any(part.startswith((".", "__pycache__")) for part in p.relative_to(root).parts)
    )


# --- what each template gets: arranged here so the templates only place values -------------------


def _client_variants(api: Api) -> list[dict[str, str]]:
    summary = f"Client for the {api.title}."
    return [
        {"name": api.client_name, "base": "SyncAPIClient", "http_client": "httpx.Client", "prefix": "", "docstring": summary},
        {"name": api.async_client_name, "base": "AsyncAPIClient", "http_client": "httpx.AsyncClient", "prefix": "Async",
         "docstring": f"Async client for the {api.title}."},
    ]  # fmt: skip


def _auth_hooks(api: Api) -> list[dict[str, Any]]:
    """For each way of sending credentials (headers, query, cookies): the credentials and their values."""
    hooks: dict[str, list[dict[str, str]]] = {"headers": [], "query": [], "cookies": []}
    for credential in api.credentials:
        if credential.kind == "basic_password":
            continue  # sent together with its username
        kind, wire, value = _credential_wire(credential)
        hooks[kind].append({"credential": credential.name, "wire_name": wire, "value": value})
    return [{"kind": kind, "credentials": lines} for kind, lines in hooks.items() if lines]


def _credential_wire(credential: Credential) -> tuple[str, str, str]:
    attribute = f"self.{credential.name}"
    if credential.kind == "bearer":
        return "headers", "Authorization", f'f"Bearer {{{attribute}}}"'
    if credential.kind == "basic":
        pair = f'f"{{{attribute}}}:{{self.{credential.password} or \'\'}}"'
        return "headers", "Authorization", f'"Basic " + base64.b64encode({pair}.encode()).decode()'
    where = {"header": "headers", "query": "query", "cookie": "cookies"}[str(credential.kind)]
    return where, credential.wire_name or credential.name, attribute


_RESPONSE_WRAPPERS = (
    "async_to_raw_response_wrapper", "async_to_streamed_response_wrapper", "to_raw_response_wrapper",
    "to_streamed_response_wrapper",
)  # fmt: skip
_ERROR_CLASSES = (
    "APIConnectionError", "APIError", "APIResponseValidationError", "APIStatusError", "APITimeoutError",
    "AuthenticationError", "BadRequestError", "ConflictError", "InternalServerError", "NotFoundError",
    "PaginationError", "PermissionDeniedError", "RateLimitError", "UnprocessableEntityError",
)  # fmt: skip


_CLIENT_MODULE_EXPORTS = ("DEFAULT_MAX_RETRIES", "DEFAULT_TIMEOUT", "DefaultAsyncHttpxClient", "DefaultHttpxClient")


def _client_aliases(api: Api) -> list[tuple[str, str]]:
    """`Client` and `AsyncClient` name the client classes too, as in other SDKs (unless they are their names)."""
    pairs = [("Client", api.client_name), ("AsyncClient", api.async_client_name)]
    taken = {api.client_name, api.async_client_name}
    return [(alias, name) for alias, name in pairs if alias not in taken]


def _package_exports(api: Api) -> set[Import]:
    """Names `import <package>` offers, by the module that defines them."""
    client_names = (api.client_name, api.async_client_name, *_CLIENT_MODULE_EXPORTS)
    return {
        *(Import("._client", n) for n in (*client_names, *(alias for alias, _ in _client_aliases(api)))),
        *(Import("._exceptions", n) for n in (f"{api.client_name}Error", *_ERROR_CLASSES)),
        Import("._models", "BaseModel"),
        *(Import("._response", n) for n in ("APIResponse", "AsyncAPIResponse")),
        *(Import("._types", n) for n in ("NOT_GIVEN", "NotGiven", "RequestOptions", "Timeout")),
        Import("._utils", "file_from_path"),
        Import("._version", "__version__"),
    }


_GROUPS: tuple[tuple[Location, str], ...] = (("path", "path_params"), ("query", "query"), ("header", "headers"), ("cookie", "cookies"))


def _argument_groups(
    op: Operation, renamed: frozenset[str], shapes: dict[str, str]
) -> list[tuple[str, list[tuple[str, str]]]]:
    """Per keyword of `request(...)`: (wire name, the expression sending the argument) for each parameter."""
    groups = [(keyword, list(op.located(location))) for location, keyword in _GROUPS]
    if op.body is not None and op.body.flattened:
        groups.append(("body", list(op.located("body"))))
    return [
        (keyword, [(p.wire_name, _wire_value(p.name, [p], renamed, shapes)) for p in params])
        for keyword, params in groups
        if params
    ]


def _wire_value(name: str, params: Iterable[Parameter], renamed: frozenset[str], shapes: dict[str, str]) -> str:
    """`name`, or `to_wire(name, <shape>)` when its value holds TypedDict keys to rename (see generator/model/wire.py)."""
    shape = next((s for p in params if (s := wire.prune(p.type.shape, renamed)) is not None), None)
    if shape is None:
        return name
    source = wire.source(shape)
    return f"to_wire({name}, {shapes.get(source, source)})"


def _shape_constants(resource: Resource, renamed: frozenset[str]) -> dict[str, str]:
    """Shapes other than a plain table, by source -> module constant: built once at import, not on every call."""
    constants: dict[str, str] = {}
    for op in resource.operations:
        for param in op.parameters:
            shape = wire.prune(param.type.shape, renamed)
            if shape is not None and shape.kind != "keys":
                constants.setdefault(wire.source(shape), f"_WIRE_{len(constants) + 1}")
    return constants


def _resource_imports(resource: Resource, model_modules: dict[str, str], renamed: frozenset[str]) -> list[str]:
    refs = [p.type for op in resource.operations for p in op.parameters] + [op.return_type for op in resource.operations]
    imports = _type_imports(refs, model_modules, exclude=set())
    shapes = [s for op in resource.operations for p in op.parameters if (s := wire.prune(p.type.shape, renamed))]
    for shape in shapes:
        imports |= wire.imports(shape, model_modules) | {Import(wire.RUNTIME, "to_wire")}
    imports |= {Import(module, "") for module in ("warnings",) if any(op.deprecated for op in resource.operations)}
    if any(not op.return_type.is_type for op in resource.operations):
        imports |= {Import("typing", "cast"), Import(".._types", "type_of")}
    pages = [op.pagination for op in resource.operations if op.pagination]
    imports |= _type_imports([page.item for page in pages], model_modules, exclude=set())
    imports |= {Import("..pagination", f"{kind}{page.page_class}") for page in pages for kind in ("Sync", "Async")}
    imports |= {Import("..pagination", "AsyncPaginator"), Import("..pagination", "PageSpec")} if pages else set()
    imports |= {Import(".._resource", "AsyncAPIResource"), Import(".._resource", "SyncAPIResource")}
    imports.add(Import("functools", "cached_property"))  # with_raw_response, child resources
    if resource.operations:
        imports |= {Import(".._response", name) for name in _RESPONSE_WRAPPERS}
        imports |= {Import(".._types", name) for name in ("NOT_GIVEN", "Body", "Headers", "NotGiven", "Query", "Timeout")}
    if resource.children:
        imports.add(Import("typing", "TYPE_CHECKING"))
    lines = import_block(imports)
    if resource.children:
        checking = {Import(f".{c.module}", n) for c in resource.children for n in _resource_class_names(c)}
        lines += ["", "if TYPE_CHECKING:", *("    " + line for line in import_block(checking))]
    return lines


def _resource_class_names(resource: Resource) -> list[str]:
    """The classes a resource module defines: the resource, sync and async, and their response wrappers."""
    names = [resource.class_name, resource.async_class_name]
    return names + [f"{name}With{kind}Response" for name in names for kind in ("Raw", "Streaming")]


def _test_imports(api: Api, tests: list[ExampleTest]) -> list[str]:
    imports = {Import("asyncio", ""), Import("os", ""), Import("pytest", "")}
    imports |= {Import(api.package, api.client_name), Import(api.package, api.async_client_name)}
    imports |= {Import(f"{api.package}.{module}", name) for test in tests for module, name in test.names}
    return import_block(imports, first_party=api.package)


def _client_test_imports(api: Api, helpers: set[str]) -> list[str]:
    modules = ("asyncio", "json", "threading", "time")
    imports = {Import(module, "") for module in modules} | {Import("pytest", "")}
    imports |= {Import("collections.abc", "Iterator"), Import("dataclasses", "dataclass"), Import("dataclasses", "field"),
                Import("http.server", "BaseHTTPRequestHandler"), Import("http.server", "ThreadingHTTPServer"),
                Import("typing", "Any")}  # fmt: skip
    errors = ("APITimeoutError", "InternalServerError", "NotFoundError")
    imports |= {Import(api.package, name) for name in (api.client_name, api.async_client_name, *errors)}
    imports |= {Import(f"{api.package}._utils", helper) for helper in helpers}
    return import_block(imports, first_party=api.package)


def _rebuilt(models: list[Model]) -> list[str]:
    """pydantic models that refer to models defined after them (or to themselves) are rebuilt at the end."""
    pydantic_models = [m for m in models if m.alias is None and not m.request]
    return [m.name for m in pydantic_models] if len(models) > 1 or _self_referencing(models[0]) else []


def _model_imports(
    models: list[Model], model_modules: dict[str, str], renamed: frozenset[str], tables: frozenset[str]
) -> list[str]:
    refs = [field.type for model in models for field in model.fields] + [m.alias for m in models if m.alias]
    imports = _type_imports(refs, model_modules, exclude={m.name for m in models})
    here = frozenset(m.name for m in models)
    for model in (m for m in models if m.name in tables):
        imports.add(Import(wire.RUNTIME, "Renames"))
        for field in model.fields:
            shape = wire.prune(field.type.shape, renamed)
            imports |= wire.imports(shape, model_modules, exclude=here) if shape else set()
    if any(m.alias is None and not m.request for m in models):
        imports.add(Import(".._models", "BaseModel"))
    if any(m.request for m in models):
        imports.add(Import("typing_extensions", "TypedDict"))
    if any(f.required for m in models if m.request for f in m.fields):
        imports.add(Import("typing_extensions", "Required"))
    if any(m.alias is not None for m in models):
        imports.add(Import("typing", "TypeAlias"))
    if any(f.name != f.wire_name for m in models if not m.request for f in m.fields):
        imports.add(Import("pydantic", "Field"))
    return import_block(imports)


def _type_imports(refs: Iterable[TypeRef], model_modules: dict[str, str], exclude: set[str]) -> set[Import]:
    """What the annotations of `refs` need: their own imports plus the models they name."""
    imports: set[Import] = set()
    for ref in refs:
        imports |= ref.imports
        imports |= {Import(f"..types.{model_modules[name]}", name) for name in ref.models - exclude}
    return imports


def import_block(imports: Iterable[Import], first_party: str | None = None) -> list[str]:
    """Import lines grouped (standard library, third party, local) and ordered as isort/ruff order them.

    An Import with an empty name is a plain `import module`.
    """
    sections: dict[int, dict[str, set[str]]] = {0: {}, 1: {}, 2: {}}
    for item in imports:
        root = item.module.split(".")[0]
        local = item.module.startswith(".") or root == first_party
        kind = 2 if local else 0 if root in sys.stdlib_module_names else 1
        sections[kind].setdefault(item.module, set()).add(item.name)
    lines: list[str] = []
    for modules in sections.values():
        if not modules:
            continue
        plain = sorted(m for m, names in modules.items() if "" in names)
        froms = sorted((m for m, names in modules.items() if names - {""}), key=_module_key)
        block = [f"import {m}" for m in plain]
        block += [f"from {m} import {', '.join(sorted(modules[m] - {''}, key=isort_key))}" for m in froms]
        lines += [*([""] if lines else []), *block]
    return lines


def isort_key(name: str) -> tuple[int, list[Any], str]:
    """Names in an import: constants, then classes, then the rest, each without regard to case (isort's order)."""
    return (_name_group(name), _natural(name.lower()), name)


def all_key(name: str) -> tuple[int, list[Any]]:
    """Names in `__all__`: the same groups, but with case (ruff's RUF022 order)."""
    return (_name_group(name), _natural(name))


def _natural(text: str) -> list[Any]:
    """`load_5` before `load_15`: runs of digits compare as numbers, as isort does."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text) if part]


def _name_group(name: str) -> int:
    return 0 if len(name) > 1 and name.isupper() else 1 if name[:1].isupper() else 2


def _module_key(module: str) -> tuple[int, list[Any], str]:
    # Relative imports: the furthest parent first (`..x` before `.y`).
    dots = len(module) - len(module.lstrip("."))
    return (-dots, _natural(module.lower()), module)


def _models_by_module(models: Iterable[Model]) -> dict[str, list[Model]]:
    grouped: dict[str, list[Model]] = {}
    for model in models:
        grouped.setdefault(model.module, []).append(model)
    return grouped


def _self_referencing(model: Model) -> bool:
    return any(model.name in field.type.models for field in model.fields)


def _aliases_in_dependency_order(aliases: list[Model]) -> list[Model]:
    """Aliases are evaluated when the module runs, so one an alias uses must come before it."""
    names = {a.name for a in aliases}
    done: list[Model] = []
    pending = list(aliases)
    while pending:
        ready = [a for a in pending if a.alias is not None and not (a.alias.models & names - {d.name for d in done} - {a.name})]
        for alias in ready or pending[:1]:  # a cycle made only of aliases cannot be ordered: keep spec order
            done.append(alias)
            pending.remove(alias)
    return done


# --- README example --------------------------------------------------------------------------------


def _readme_example(api: Api) -> dict[str, str]:
    return {"sync": example_program(api, is_async=False), "async_": example_program(api, is_async=True)}


def _api_reference(api: Api) -> list[dict[str, Any]]:
    """Per resource: its path, module, the types its methods return and a one-line signature per method."""
    entries = []
    for resource in api.all_resources():
        methods = []
        types: set[str] = set()
        for op in resource.operations:
            returned = f"Sync{op.pagination.page_class}[{op.pagination.item.annotation}]" if op.pagination else op.return_type.annotation
            types |= (op.pagination.item.models if op.pagination else set()) | op.return_type.models
            arguments = [p.name for p in op.positional] + [f"{p.name}=..." for p in op.keyword if p.required]
            if any(not p.required for p in op.keyword):
                arguments.append("...")
            methods.append({"op": op, "signature": f"{op.name}({', '.join(arguments)}) -> {returned}"})
        children = [{"path": child.path, "anchor": _anchor(f"client.{'.'.join(child.path)}")} for child in resource.children]
        entries.append({"resource": resource, "methods": methods, "types": sorted(types), "children": children})
    return entries


def _anchor(heading: str) -> str:
    """The id GitHub gives a Markdown heading: lower case, punctuation other than - and _ dropped."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def _renamed_key(api: Api) -> dict[str, str] | None:
    """A TypedDict key sent under another name, for the README: the first one the API has whose wire name can
    sit in a Markdown code span as it is (printable, no backtick)."""
    for model in api.models:
        fields = model.fields if model.name in api.renamed else ()
        field = next((f for f in fields if f.name != f.wire_name and f.wire_name.isprintable() and "`" not in f.wire_name), None)
        if field is not None:
            return {"model": model.name, "key": f'"{field.name}"', "wire_name": f'"{field.wire_name}"'}
    return None


def _first(items: Sequence[Credential]) -> Credential | None:
    return items[0] if items else None


def _toml_string(value: str) -> str:
    """A TOML basic string. Not JSON's escaping: TOML has no surrogate escapes (JSON writes characters
    outside the BMP as a pair of them) and requires DEL escaped; a lone surrogate becomes U+FFFD."""
    out = ['"']
    for char in _LONE_SURROGATE.sub("\ufffd", value):
        if char in '"\\':
            out.append("\\" + char)
        elif char < " " or char == "\x7f":
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _markdown_text(value: str) -> str:
    """Spec text placed into Markdown prose: one line, with characters that start markup escaped."""
    text = comment_text(value)
    for char in "\\`*_[]<>|#":
        text = text.replace(char, "\\" + char)
    return text
