"""Stage 4: IR -> file contents. Jinja templates (StrictUndefined) from templates/, black in-process.

`render_project` returns every file of the generated project as {relative path: text}; nothing is
written here. Files under templates/ ending in `.jinja` are rendered, others are copied as they are.
The copied runtime modules are already in black's layout (tests/test_speed.py proves it), so only
rendered Python goes through black, and not even that when an earlier run's manifest vouches for the
result. jinja2 and black are imported when first needed, so commands that never render stay light.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.metadata
import os
import re
import shlex
import signal
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import api_tests
from generator.errors import EXIT_INTERNAL, GeneratorError, Problem
from generator.examples import (
    aiohttp_program,
    client_test,
    example_program,
    oauth_snippet,
    readme_snippets,
    webhook_example_payload,
    webhook_snippet,
)
from generator.layout import bracket, docstring, fits, lay_out_pending, lay_out_programs, settle
from generator.model import wire
from generator.model.ir import Api, Credential, Location, Model, Operation, Parameter, Resource, TypeRef
from generator.model.naming import pascal_case
from generator.model.schemas import RESERVED_MODEL_NAMES
from generator.progress import SILENT, Progress
from generator.targets.python.imports import Import
from generator.targets.python.pysource import comment_text, docstring_text, string_literal
from generator.targets.python.types import PythonType, annotation, is_type, python_type, stream_annotation
from generator.targets.python.types import spell as spell_type

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
    for candidate in (
        Path(__file__).resolve().parent.parent / "templates",
        Path(__file__).resolve().parent / "_templates",
    ):
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
        bytecode_cache=_template_cache(),
    )
    env.globals.update(bracket=bracket)
    env.filters.update(docstring=docstring, pytuple=python_tuple)
    env.filters.update(pystr=string_literal, doc=docstring_text, oneline=comment_text, tomlstr=_toml_string,
                       mdtext=_markdown_text, mdcode=_markdown_code, shell=shlex.quote)  # fmt: skip
    return env


def _template_cache() -> jinja2.BytecodeCache | None:
    """Jinja's own cache of compiled templates (a private folder in the temporary directory, keyed by each
    template's source and the Python version): compiling the templates took about 0.4 s of every run."""
    import jinja2

    try:
        return jinja2.FileSystemBytecodeCache()
    except (OSError, RuntimeError):  # no safe folder for it: compile each run, as before
        return None


@dataclass(frozen=True)
class Rendered:
    files: dict[str, str]  # POSIX path relative to the output folder -> formatted text
    format_keys: dict[str, str]  # Python file -> key of its unformatted text (see format_key)


def python_tuple(items: Sequence[str]) -> str:
    """A tuple display on one line: `()`, `("a",)`, `("a", "b")`."""
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def format_key(text: str) -> str:
    """Identifies black's input: the same key always formats to the same output (black is pinned)."""
    digest = hashlib.sha256(f"black {BLACK_VERSION} {LINE_LENGTH} py310\0".encode())
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


def render_project(
    api: Api, formatted: Mapping[str, str] | None = None, progress: Progress = SILENT, verify: bool = False
) -> Rendered:
    """Every file of the generated project, in black's layout.

    The templates write black's layout themselves (generator/layout.py); black runs only over a file
    with a line they cannot vouch for, or over every file with `verify` (`check --full`). `formatted`
    maps format keys to black's output from an earlier run; such files are not formatted again.
    """
    with progress.stage("render", total=len(api.all_resources()) * 2 + len(api.models)):
        files = _render_files(api, progress)
    static = frozenset(f"src/{api.package}/{name}" for name in _static_package_files() if _known_stable(name))
    with progress.stage("format"):
        return _format_all(files, formatted or {}, static, progress, verify)


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
            oauth=oauth_snippet(api),
            webhook=webhook_snippet(api),
            webhook_payload=webhook_example_payload(api),
            env_vars={c.name: c.env_var for c in api.credentials},
            webhook_payloads=[(webhook, annotation(webhook.payload)) for webhook in api.webhooks],
        ),
        "api.md": _render("api.md.jinja", api=api, resources=_api_reference(api)),
    }
    for name in _static_package_files():
        if name in _OPTIONAL_RUNTIME and not _OPTIONAL_RUNTIME[name](api):
            continue
        files[f"{package_dir}/{name}"] = static_file(name)
    files[f"{package_dir}/__init__.py"] = _render(
        f"{_PACKAGE_TEMPLATES}/__init__.py.jinja",
        api=api,
        imports=import_block(_package_exports(api)),
        exports=sorted((i.name for i in _package_exports(api)), key=all_key),
        package_doc=docstring_text(api.title)
        + " client for Python"
        + (".\n\n" + docstring_text(api.description) if api.description else ""),
    )
    files[f"{package_dir}/_version.py"] = _render(f"{_PACKAGE_TEMPLATES}/_version.py.jinja", api=api)
    files[f"{package_dir}/_exceptions.py"] = _render(
        f"{_PACKAGE_TEMPLATES}/_exceptions.py.jinja",
        api=api,
        exports=sorted([f"{api.client_name}Error", *_ERROR_CLASSES, *_webhook_errors(api)], key=all_key),
    )
    client_exports = sorted({i.name for i in _package_exports(api) if i.module == "._client"})
    files[f"{package_dir}/_client.py"] = _render(
        f"{_PACKAGE_TEMPLATES}/_client.py.jinja",
        api=api,
        clients=_client_variants(api),
        auth_hooks=_auth_hooks(api),
        needs_base64=any(c.kind == "basic" for c in api.credentials),
        sent_credentials=[c.name for c in api.credentials if c.kind not in _UNSENT_CREDENTIALS],
        env_vars={c.name: c.env_var for c in api.credentials},
        resource_imports=import_block(
            Import(f".resources.{r.module}", name) for r in api.resources for name in _resource_class_names(r)
        ),
        client_aliases=_client_aliases(api),
        mixin_imports=import_block(_mixin_imports(api, [api.client_name, api.async_client_name], ".")),
        exports=sorted(client_exports, key=all_key),
    )
    if api.webhook_verification is not None:
        files[f"{package_dir}/webhooks.py"] = _render(
            f"{_PACKAGE_TEMPLATES}/webhooks.py.jinja", **_webhooks_context(api)
        )
    files[f"{package_dir}/resources/__init__.py"] = _render(
        f"{_PACKAGE_TEMPLATES}/resources/__init__.py.jinja", api=api
    )
    models = {model.name: model for model in api.models}
    for resource in api.all_resources():
        if resource.package:
            exported = [
                (_relative(resource.module, resource.package), name) for name in _resource_class_names(resource)
            ]
            exported += [
                (_relative(c.module, resource.package), n) for c in resource.children for n in _resource_class_names(c)
            ]
            files[f"{package_dir}/resources/{_file(resource.package)}/__init__.py"] = _render(
                f"{_PACKAGE_TEMPLATES}/resources/group__init__.py.jinja",
                resource=resource,
                exported=exported,
                checking=import_block(Import(module, name) for module, name in exported),
                exports=sorted((name for _, name in exported), key=all_key),
            )
        shapes = _shape_constants(resource, api.renamed)
        mixins = _mixin_imports(api, [resource.class_name, resource.async_class_name], _ROOT_FROM_SUBPACKAGE)
        imports, names = _resource_imports(
            resource, models, api.renamed, f"resources.{resource.module}", set(shapes.values()), mixins
        )
        op_groups = {op.name: _argument_groups(op, api.renamed, shapes) for op in resource.operations}
        spelled = _spelled_resource(resource, names)  # its types as this module writes them
        request_context = {
            "op_groups": {
                name: [
                    (keyword, [(wire_name, spell(value, names)) for wire_name, value in values])
                    for keyword, values in groups
                ]
                for name, groups in op_groups.items()
            },
            "body_values": {
                op.name: spell(_wire_value(_body_argument(op), op.located("body"), api.renamed, shapes), names)
                for op in resource.operations
            },
            "query_styles": {
                op.name: [p for p in op.located("query") if not p.default_style] for op in spelled.operations
            },
            "required_headers": {op.name: [p for p in op.located("header") if p.required] for op in spelled.operations},
        }
        files[f"{package_dir}/resources/{_file(resource.module)}.py"] = _render(
            f"{_PACKAGE_TEMPLATES}/resources/resource.py.jinja",
            api=api,
            resource=spelled,
            children={c.name: _relative(c.module, resource.package) for c in resource.children},
            imports=imports,
            bases={
                resource.class_name: _bases(api, resource.class_name, "SyncAPIResource"),
                resource.async_class_name: _bases(api, resource.async_class_name, "AsyncAPIResource"),
            },
            exports=sorted([resource.class_name, resource.async_class_name], key=all_key),
            request_statement=functools.partial(_request_statement, context=request_context),
            shapes=[{"name": name, "source": spell(source, names)} for source, name in shapes.items()],
            streams={op.name: _stream_signatures(op) for op in spelled.operations if op.stream},
        )
        progress.advance()
    for resource in api.all_resources():
        if resource.operations:
            files[f"tests/api_resources/{_file(resource.test_module)}.py"] = _render_resource_tests(
                api, resource, models
            )
        progress.advance()
    # Also without operations: scripts/lint checks tests/, and the user's own tests go there.
    files["tests/__init__.py"] = ""
    files["tests/utils.py"] = _render("tests/utils.py.jinja", api=api)
    files["tests/conftest.py"] = _render_conftest(api)
    for folder in sorted({path.rsplit("/", 1)[0] for path in files if path.startswith("tests/api_resources/")}):
        files[f"{folder}/__init__.py"] = ""  # packages: two resources' test modules may share a file name
    transport_test = client_test(api)
    if transport_test is not None:
        files["tests/test_client.py"] = _render(
            "tests/test_client.py.jinja",
            api=api,
            test=transport_test,
            imports=_client_test_imports(api, transport_test.helpers),
            client_args=["base_url=server.url", *(f'{c.name}="test-credential"' for c in api.credentials)],
        )
    for namespace, entries in _namespaces(api.models).items():
        files[f"{package_dir}/{namespace.replace('.', '/')}/__init__.py"] = _render(
            f"{_PACKAGE_TEMPLATES}/types/__init__.py.jinja",
            api=api,
            namespace=namespace,
            models=entries,
            exports=sorted((name for name, _ in entries), key=all_key),
        )
    for module, members in _models_by_module(api.models).items():
        files[f"{package_dir}/types/{module.replace('.', '/')}.py"] = _render_types_module(api, module, members, models)
        progress.advance(len(members))
    return files


def _render_types_module(api: Api, module: str, members: list[Model], models: dict[str, Model]) -> str:
    """One module under `types/`: its classes in dependency order, aliases, renaming tables, rebuilds."""
    importer = f"types.{module}"
    refs = [field.type for model in members for field in model.fields] + [m.alias for m in members if m.alias]
    tables: set[str] = set()
    wrappers: set[str] = set()
    here = {m.name for m in members}
    for model in (m for m in members if m.name in api.wire_tables):
        for field in model.fields:
            shape = wire.prune(field.type.shape, api.renamed)
            if shape is not None:
                found_tables, found_wrappers = wire.names(shape)
                tables |= found_tables - here
                wrappers |= found_wrappers
    names, model_imports = _spelling(
        importer, {n for ref in refs for n in ref.models}, tables, models, RESERVED_MODEL_NAMES
    )
    imports: set[Import] = set().union(*(spell_type(ref.tree)[1] for ref in refs))
    imports |= {Import(wire.RUNTIME, w) for w in wrappers}
    if any(m.name in api.wire_tables for m in members):
        imports.add(Import(wire.RUNTIME, "Renames"))
    if any(m.alias is None and not m.request for m in members):
        imports.add(Import(".._models", "BaseModel"))
    if any(m.request for m in members):
        imports.add(Import("typing_extensions", "TypedDict"))
    if any(f.required for m in members if m.request for f in m.fields):
        imports.add(Import("typing_extensions", "Required"))
    if any(m.alias is not None for m in members):
        imports.add(Import("typing", "TypeAlias"))
    if any(f.name != f.wire_name for m in members if not m.request for f in m.fields):
        imports.add(Import("pydantic", "Field"))
    classes = _definition_order([m for m in members if m.alias is None])
    aliases = _aliases_in_dependency_order([m for m in members if m.alias is not None])
    return _render(
        f"{_PACKAGE_TEMPLATES}/types/model.py.jinja",
        api=api,
        models=[_spelled_model(m, names) for m in classes],
        aliases=[_spelled_model(m, names) for m in aliases],
        exports=sorted((m.python_name for m in members), key=all_key),
        module_doc=", ".join(m.python_name for m in members if m.exported) + ".",
        imports=import_block(_relocated(imports, importer) | model_imports),
        rebuild=[names[n] for n in _rebuilt([*classes, *aliases])],
        tables=[_table(m, api.renamed, names) for m in members if m.name in api.wire_tables],
    )


def _table(model: Model, renamed: frozenset[str], names: Mapping[str, str]) -> dict[str, Any]:
    """A TypedDict's renaming table, its shapes spelled as its module writes them."""
    rows = [
        (key, wire_name, spell(shape, names) if shape else None) for key, wire_name, shape in wire.table(model, renamed)
    ]
    name = model.python_name + wire.TABLE_SUFFIX
    entries = [
        f"{string_literal(key)}: ({string_literal(wire_name)}, {shape or 'None'})" for key, wire_name, shape in rows
    ]
    one_line = f"{name}: Renames = Renames(lambda: {{{', '.join(entries)}}})"
    source = (
        one_line if fits(one_line) else f"{name}: Renames = Renames(\n    {bracket('lambda: {', entries, '}', 4)}\n)"
    )
    return {"name": name, "model": model.python_name, "rows": rows, "source": source}


def _render(template: str, **context: Any) -> str:
    import jinja2

    try:
        return _environment().get_template(template).render(**context)
    except jinja2.TemplateError as exc:
        raise GeneratorError(Problem(f"template {template} failed: {exc}")) from exc


def render_template(template: str, **context: Any) -> str:
    """One template rendered with the generator's filters (for the stages beside `render_project`)."""
    return _render(template, **context)


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
    files: dict[str, str],
    cache: Mapping[str, str],
    static: frozenset[str] = frozenset(),
    progress: Progress = SILENT,
    verify: bool = False,
) -> Rendered:
    """Run black over the rendered Python files that need it (all of them with `verify`), on large
    projects across all cores. The `static` files (copied runtime modules) are already in black's layout,
    and so is a rendered file that `layout.settle` vouches for; `cache` holds black's output of earlier runs."""
    keys = {path: format_key(text) for path, text in files.items() if path.endswith(".py") and path not in static}
    formatted: dict[str, str] = {}
    if not verify:
        formatted = {path: cache[key] for path, key in keys.items() if key in cache}
        formatted |= _settled({path: files[path] for path in keys if path not in formatted})
    python = [path for path in keys if path not in formatted]
    progress.total(len(python))
    workers = min(os.cpu_count() or 1, 8)
    if workers > 1 and len(python) >= PARALLEL_FORMAT_THRESHOLD:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=workers, initializer=_end_on_sigterm) as pool:
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


def _settled(files: Mapping[str, str]) -> dict[str, str]:
    """The files `layout.settle` lays out in black's layout, their few pending long statements laid out
    by black in one batch (generator/layout.py); the others are left for black to format whole."""
    settled = {path: result for path, text in files.items() if (result := settle(text)) is not None}
    pending = [line for result in settled.values() for line in result.pending.values()]
    laid_out: dict[tuple[str, str], str] | None = {}
    if pending:
        import black

        try:
            laid_out = lay_out_pending(pending, format_with_black)
        except black.parsing.InvalidInput:
            laid_out = None
    if laid_out is None:
        settled = {path: result for path, result in settled.items() if not result.pending}
        laid_out = {}
    texts = {path: result.text(laid_out) for path, result in settled.items()}
    for path, text in texts.items():
        try:  # black would have refused it; nothing else parses these files before they are written
            compile(text, path, "exec", dont_inherit=True)
        except (SyntaxError, ValueError) as exc:
            raise GeneratorError(
                Problem(f"internal error: generated {path} is not valid Python: {exc}"), exit_code=EXIT_INTERNAL
            ) from None
    return texts


def _end_on_sigterm() -> None:
    """In a formatting worker: SIGTERM ends it at once, not through the command line's handler (which raises in
    the main process so that the run reports it; in a worker that would only print a second traceback)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


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
        if p.is_file()
        and (p.suffix == ".py" or p.name == "py.typed")
        and not any(part.startswith((".", "__pycache__")) for part in p.relative_to(root).parts)
    )


def _stream_signatures(op: Operation) -> dict[bool, dict[str, Any]]:
    """Per sync/async: what a streaming method returns and, where a boolean argument chooses between JSON
    and the stream, its overloads (`Literal[False]` or omitted -> the JSON type, `Literal[True]` -> the
    stream, any bool -> either), each as the switch's annotation and the return type."""
    assert op.stream is not None
    result: dict[bool, dict[str, Any]] = {}
    for is_async in (False, True):
        stream = stream_annotation(_spelled(op.stream.item).annotation, is_async)
        switch = next((p for p in op.keyword if p.name == op.stream.switch), None)
        if switch is None:
            result[is_async] = {"returns": stream, "overloads": []}
            continue
        either = f"{_spelled(op.return_type).annotation} | {stream}"
        nullable = " | None" if "None" in _spelled(switch.type).annotation.split(" | ") else ""
        off = {"annotation": f"Literal[False]{nullable}" + ("" if switch.required else " | NotGiven"),
               "optional": not switch.required, "returns": _spelled(op.return_type).annotation}  # fmt: skip
        on = {"annotation": "Literal[True]", "optional": False, "returns": stream}
        any_ = {"annotation": _spelled(switch.type).annotation, "optional": False, "returns": either}
        result[is_async] = {"returns": either, "overloads": [off, on, any_]}
    return result


# --- what each template gets: arranged here so the templates only place values -------------------


def _client_variants(api: Api) -> list[dict[str, str]]:
    summary = f"Client for the {api.title}."
    return [
        {"name": api.client_name, "base": _bases(api, api.client_name, "SyncAPIClient"), "http_client": "httpx.Client",
         "prefix": "", "docstring": summary},
        {"name": api.async_client_name, "base": _bases(api, api.async_client_name, "AsyncAPIClient"),
         "http_client": "httpx.AsyncClient", "prefix": "Async",
         "docstring": f"Async client for the {api.title}."},
    ]  # fmt: skip


def _bases(api: Api, class_name: str, base: str) -> str:
    """The base classes of a generated class: the user's mixin from lib/ first (config `mixins`), if any."""
    mixins = [m.name for m in api.mixins if m.target == class_name]
    return ", ".join([*mixins, base])


def _mixin_imports(api: Api, class_names: Sequence[str], prefix: str) -> list[Import]:
    """Imports of the mixins of `class_names`; `prefix` leads from the importing module to the package."""
    return [Import(f"{prefix}lib.{m.module}", m.name) for m in api.mixins if m.target in class_names]


def _auth_hooks(api: Api) -> list[dict[str, Any]]:
    """For each way of sending credentials (headers, query, cookies): the credentials and their values."""
    hooks: dict[str, list[dict[str, str]]] = {"headers": [], "query": [], "cookies": []}
    for credential in api.credentials:
        if credential.kind in _UNSENT_CREDENTIALS:
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


_RESPONSE_WRAPPERS = (
    "async_to_raw_response_wrapper", "async_to_streamed_response_wrapper", "to_raw_response_wrapper",
    "to_streamed_response_wrapper",
)  # fmt: skip
_ERROR_CLASSES = (
    "APIConnectionError", "APIError", "APIResponseTooLargeError", "APIResponseValidationError", "APIStatusError",
    "APITimeoutError", "AuthenticationError", "BadRequestError", "ConflictError", "InternalServerError",
    "NotFoundError", "PaginationError", "PermissionDeniedError", "RateLimitError", "UnprocessableEntityError",
)  # fmt: skip


# Runtime modules only some clients have: OAuth2 client credentials, webhook signatures.
_OPTIONAL_RUNTIME = {
    "_streaming.py": lambda api: any(op.stream for op in api.operations),
    "_oauth.py": lambda api: bool(api.oauth_flows),
    "_webhooks.py": lambda api: api.webhook_verification is not None
    and api.webhook_verification.credential is not None,
}
# Credentials the client keeps but does not send as they are (they fetch a token, or check webhooks).
_UNSENT_CREDENTIALS = ("basic_password", "oauth_client_id", "oauth_client_secret", "webhook_secret")


def _webhook_errors(api: Api) -> list[str]:
    hooks = api.webhook_verification
    return ["WebhookVerificationError"] if hooks is not None and hooks.credential is not None else []


def _webhooks_context(api: Api) -> dict[str, Any]:
    """What templates/src/package/webhooks.py.jinja places: the event union, its imports, the scheme's words."""
    hooks = api.webhook_verification
    assert hooks is not None
    reserved = {hooks.class_name, hooks.event_name, "Any", "Protocol", "TypeAlias", "cast", "Mapping", "functools", "json",
                "pydantic", "construct_lenient", f"{api.client_name}Error", "verify_standard", "verify_hmac"}  # fmt: skip
    names, imports = _spelling("webhooks", hooks.event.models, (), {m.name: m for m in api.models}, reserved)
    event = _spelled_type(hooks.event, names)
    hooks = dataclasses.replace(hooks, event=event)
    imports |= {_from_root(i) for i in event.imports}
    imports |= {Import("typing", n) for n in ("Any", "Protocol", "TypeAlias", "cast")} | {
        Import("functools", ""),
        Import("json", ""),
    }
    imports |= {Import("collections.abc", "Mapping"), Import("pydantic", ""), Import("._models", "construct_lenient")}
    imports.add(Import("._exceptions", f"{api.client_name}Error"))
    if hooks.credential is not None:
        imports.add(Import("._webhooks", "verify_standard" if hooks.scheme == "standard" else "verify_hmac"))
    members = sorted(names[m] for m in hooks.event.models)
    schemes = {"standard": "Standard Webhooks signatures", "hmac": f"an HMAC-{hooks.algorithm.upper()} of the body in {hooks.header}",
               "none": "the API does not sign them"}  # fmt: skip
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


def _from_root(item: Import) -> Import:
    """An import written for a module one level down (`..types.pet`), for a module at the package root."""
    return Import(item.module[1:], item.name) if item.module.startswith("..") else item


_CLIENT_MODULE_EXPORTS = (
    "DEFAULT_MAX_RESPONSE_SIZE", "DEFAULT_MAX_RETRIES", "DEFAULT_TIMEOUT", "DefaultAioHttpClient",
    "DefaultAsyncHttpxClient", "DefaultHttpxClient",
)  # fmt: skip


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
        *(Import("._exceptions", n) for n in (f"{api.client_name}Error", *_ERROR_CLASSES, *_webhook_errors(api))),
        Import("._models", "BaseModel"),
        *(Import("._response", n) for n in ("APIResponse", "AsyncAPIResponse")),
        *(Import("._types", n) for n in ("NOT_GIVEN", "NotGiven", "RequestOptions", "Timeout")),
        Import("._utils", "file_from_path"),
        Import("._version", "__version__"),
    }


_GROUPS: tuple[tuple[Location, str], ...] = (
    ("path", "path_params"),
    ("query", "query"),
    ("header", "headers"),
    ("cookie", "cookies"),
)


def _request_statement(op: Operation, is_async: bool, page_type: str, returns: str, context: Mapping[str, Any]) -> str:
    """The statement ending a resource method: `self._client.request(...)` (or `request_page`, in an
    `AsyncPaginator` for an async list) with its arguments, in black's layout at the method body's indent."""
    page = op.pagination
    indent = 12 if page and is_async else 8  # an async list's call sits inside `AsyncPaginator(lambda: ...)`
    args: list[str] = []
    if page:
        spec = [string_literal(page.items)]
        spec += [
            f"{name}={string_literal(getattr(page, name))}"
            for name in ("param", "next", "has_more", "total", "total_pages", "item_id")
            if getattr(page, name)
        ]
        spec += ["has_more_inverted=True"] if page.has_more_inverted else []
        args += [page_type, bracket("PageSpec(", spec, "),", indent + 4, call=True)]
    args += [string_literal(op.http_method), string_literal(_python_path(op))]
    for keyword, params in context["op_groups"][op.name]:
        pairs = [f"{string_literal(wire_name)}: {value}" for wire_name, value in params]
        args.append(bracket(f"{keyword}={{", pairs, "},", indent + 4))
    if required := context["required_headers"][op.name]:
        args.append(
            bracket(
                "required_headers=(",
                [string_literal(p.wire_name) + ("," if len(required) == 1 else "") for p in required],
                "),",
                indent + 4,
            )
        )
    if styles := context["query_styles"][op.name]:
        pairs = [f"{string_literal(p.wire_name)}: ({string_literal(p.style)}, {p.explode})" for p in styles]
        args.append(bracket("query_styles={", pairs, "},", indent + 4))
    if op.body and not op.body.flattened:
        args.append(f"body={context['body_values'][op.name]}")
    if op.body:
        if op.body.kind != "json":
            args.append(f"body_kind={string_literal(op.body.kind)}")
        if op.body.part_types:
            pairs = [f"{string_literal(name)}: {string_literal(kind)}" for name, kind in op.body.part_types]
            args.append(bracket("part_types={", pairs, "},", indent + 4))
        args.append(f"content_type={string_literal(op.body.content_type)}")
    if op.accept:
        args.append(f"accept={string_literal(op.accept)}")
    if op.redirect_success:
        codes = [str(code) + ("," if len(op.redirect_success) == 1 else "") for code in op.redirect_success]
        args.append(bracket("success_statuses=(", codes, "),", indent + 4))
    if op.security:
        names = [string_literal(name) + ("," if len(op.security) == 1 else "") for name in op.security]
        args.append(bracket("security=(", names, "),", indent + 4))
    if op.stream and op.stream.switch:
        args += [
            f"stream={op.stream.switch} is True",
            f"stream_cls={stream_annotation(_spelled(op.stream.item).annotation, is_async)}",
        ]
    elif op.stream:
        args.append("stream=True")
    if op.stream and not op.stream.switch:
        args.append(f"cast_to={stream_annotation(_spelled(op.stream.item).annotation, is_async)}")
    elif _spelled(op.return_type).is_type:
        args.append(f"cast_to={_spelled(op.return_type).runtime or _spelled(op.return_type).annotation}")
    else:
        args.append(f"cast_to=type_of({_spelled(op.return_type).annotation})")
    args += ["extra_headers=extra_headers", "extra_query=extra_query", "extra_body=extra_body", "timeout=timeout"]
    inner = " " * (indent + 4)
    call = "".join(f"{inner}{arg}{'' if arg.endswith(',') else ','}\n" for arg in args) + " " * indent + ")"
    if page and is_async:
        return f"return AsyncPaginator(\n            lambda: self._client.request_page(\n{call}\n        )"
    if page:
        return f"return self._client.request_page(\n{call}"
    awaited = "await " if is_async else ""
    if _spelled(op.return_type).is_type:
        return f"return {awaited}self._client.request(\n{call}"
    return f"response = {awaited}self._client.request(\n{call}\n        return cast({returns}, response)"


def _argument_groups(
    op: Operation, renamed: frozenset[str], shapes: dict[str, str]
) -> list[tuple[str, list[tuple[str, str]]]]:
    """Per keyword of `request(...)`: (wire name, the expression sending the argument) for each parameter."""
    groups = [(keyword, list(op.located(location))) for location, keyword in _GROUPS]
    if op.body is not None and op.body.flattened:
        groups.append(("body", list(op.located("body"))))
    return [
        # path parameters by their Python names, which `_python_path` puts in the path
        (
            keyword,
            [
                (p.name if keyword == "path_params" else p.wire_name, _wire_value(p.name, [p], renamed, shapes))
                for p in params
            ],
        )
        for keyword, params in groups
        if params
    ]


def _python_path(op: Operation) -> str:
    """The path with each parameter's placeholder named as its argument (`{integration_slug}`), so an empty value
    raises naming the argument the caller passed, as the published SDKs do."""
    names = {p.wire_name: p.name for p in op.located("path")}
    return re.sub(r"\{([^{}]+)\}", lambda m: "{" + names.get(m[1], m[1]) + "}", op.path)


def _body_argument(op: Operation) -> str:
    """The argument holding a whole request body: `body`, or the config's `body_names` name for it."""
    return next((p.name for p in op.located("body")), "body")


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


def _resource_imports(
    resource: Resource,
    models: dict[str, Model],
    renamed: frozenset[str],
    importer: str,
    constants: set[str],
    mixins: Iterable[Import] = (),
) -> tuple[list[str], dict[str, str]]:
    """The import lines of a resource module, and how it spells the models and tables it uses (see `_spelling`).

    `mixins` are the user's classes from `lib/` the resource classes inherit from, written as from `resources/`."""
    refs = [p.type for op in resource.operations for p in op.parameters] + [
        op.return_type for op in resource.operations
    ]
    pages = [op.pagination for op in resource.operations if op.pagination]
    refs += [page.item for page in pages]
    streamed = [op.stream for op in resource.operations if op.stream]
    refs += [s.item for s in streamed]
    imports: set[Import] = set().union(*(spell_type(ref.tree)[1] for ref in refs))
    tables: set[str] = set()
    shapes = [s for op in resource.operations for p in op.parameters if (s := wire.prune(p.type.shape, renamed))]
    for shape in shapes:
        found_tables, wrappers = wire.names(shape)
        tables |= found_tables
        imports |= {Import(wire.RUNTIME, w) for w in wrappers} | {Import(wire.RUNTIME, "to_wire")}
    imports |= {Import(module, "") for module in ("warnings",) if any(op.deprecated for op in resource.operations)}
    if any(not is_type(op.return_type.tree) for op in resource.operations):
        imports |= {Import("typing", "cast"), Import(".._types", "type_of")}
    imports |= {Import(".._streaming", name) for name in ("AsyncStream", "Stream")} if streamed else set()
    imports |= (
        {Import("typing", name) for name in ("Literal", "overload")} if any(s.switch for s in streamed) else set()
    )
    imports |= {Import("..pagination", f"{kind}{page.page_class}") for page in pages for kind in ("Sync", "Async")}
    imports |= {Import("..pagination", "AsyncPaginator"), Import("..pagination", "PageSpec")} if pages else set()
    imports |= {Import(".._resource", "AsyncAPIResource"), Import(".._resource", "SyncAPIResource")}
    imports.add(Import("functools", "cached_property"))  # with_raw_response, child resources
    if resource.operations:
        imports |= {Import(".._response", name) for name in _RESPONSE_WRAPPERS}
        imports |= {
            Import(".._types", name) for name in ("NOT_GIVEN", "Body", "Headers", "NotGiven", "Query", "Timeout")
        }
    if resource.children:
        imports.add(Import("typing", "TYPE_CHECKING"))
    imports |= set(mixins)
    children = {
        Import(_relative(c.module, resource.package), n) for c in resource.children for n in _resource_class_names(c)
    }
    reserved = {i.name for i in imports | children} | set(_resource_class_names(resource)) | constants
    used = {n for ref in refs for n in ref.models}
    names, model_imports = _spelling(importer, used, tables, models, reserved)
    lines = import_block(_relocated(imports, importer) | model_imports)
    if resource.children:
        lines += ["", "if TYPE_CHECKING:", *("    " + line for line in import_block(children))]
    return lines, names


def relative_module(importer: str, target: str) -> str:
    """How the module `importer` imports `target` relatively (both dotted from the package root):
    `types.qbd.invoice` imports `types.end_user` as `..end_user`, `types.qbd.line` as `.line`."""
    here, there = importer.split(".")[:-1], target.split(".")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    return "." * (len(here) - common + 1) + ".".join(there[common:])


def _relocated(imports: Iterable[Import], importer: str) -> set[Import]:
    """Imports written for a module one package below the root (`.._models`), made right for `importer`."""
    return {
        (
            Import(relative_module(importer, i.module[2:]), i.name)
            if i.module.startswith("..") and i.module[2:3] != "."
            else i
        )
        for i in imports
    }


_INDEXED: list[tuple[dict[str, Model], dict[str | None, list[Model]], dict[str, str]]] = []


def _model_index(models: dict[str, Model]) -> tuple[dict[str | None, list[Model]], dict[str, str]]:
    """The models of each module, and each module's first exported class; built once per `models` (a
    project has a thousand modules, and every one of them asks)."""
    if _INDEXED and _INDEXED[0][0] is models:
        return _INDEXED[0][1], _INDEXED[0][2]
    by_module: dict[str | None, list[Model]] = {}
    mains: dict[str, str] = {}
    for model in models.values():
        by_module.setdefault(model.module, []).append(model)
        if model.exported:
            mains.setdefault(model.module, model.python_name)
    _INDEXED[:] = [(models, by_module, mains)]
    return by_module, mains


def _spelling(
    importer: str, used: Iterable[str], tables: Iterable[str], models: dict[str, Model], reserved: Iterable[str]
) -> tuple[dict[str, str], set[Import]]:
    """How the module `importer` writes the models it uses (and the renaming tables of `tables`), and the imports.

    Its own models by their class names; others imported under theirs (`from ..end_user import EndUser`), or,
    where the name is taken (by one of its own classes, another import or `reserved`), under an alias named after
    where the class lives: `QbdInvoice` for `types/qbd/`, `SharedCustomer` for `types/`, `InvoiceLine` for a class
    nested in `invoice.py`. Deterministic: imports are settled in order of module and class name.
    """
    module = importer.removeprefix("types.") if importer.startswith("types.") else None
    by_module, mains = _model_index(models)
    own = by_module.get(module, [])
    taken = set(reserved) | {m.python_name for m in own}
    names = {m.name: m.python_name for m in own}
    imports: set[Import] = set()
    wanted = {n for n in (*used, *tables) if n not in names and n in models}
    for name in sorted(wanted, key=lambda n: (models[n].module, models[n].python_name)):
        model = models[name]
        spelled = model.python_name
        if spelled in taken:
            namespace = model.module.split(".")[:-1]
            prefix = (pascal_case(" ".join(namespace)) if namespace else "Shared") if model.exported else ""
            prefix = prefix or mains.get(model.module) or pascal_case(model.module.split(".")[-1])
            spelled, number = prefix + model.python_name, 2
            while spelled in taken:
                spelled, number = f"{prefix}{model.python_name}{number}", number + 1
        taken.add(spelled)
        names[name] = spelled
    for name in wanted:
        model, spelled = models[name], names[name]
        source = relative_module(importer, f"types.{model.module}")
        suffixes = ([""] if name in used else []) + ([wire.TABLE_SUFFIX] if name in tables else [])
        for suffix in suffixes:
            as_ = "" if spelled == model.python_name else f" as {spelled}{suffix}"
            imports.add(Import(source, f"{model.python_name}{suffix}{as_}"))
    return {**names, **{n + wire.TABLE_SUFFIX: spelled + wire.TABLE_SUFFIX for n, spelled in names.items()}}, imports


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"' + r"|'(?:[^'\\]|\\.)*'" + r"|[A-Za-z_][A-Za-z0-9_]*")


def spell(text: str, names: Mapping[str, str]) -> str:
    """`text` (an annotation or expression) with each model name written as `names` says; string literals untouched."""
    return _TOKEN.sub(lambda m: names.get(m[0], m[0]), text) if names else text


def _spelled_type(type_: TypeRef, names: Mapping[str, str]) -> PythonType:
    return python_type(type_, names)


def _spelled(type_: TypeRef) -> PythonType:
    """A type of a model or operation already spelled for its module (`_spelled_operation`, `_spelled_model`)."""
    assert isinstance(type_, PythonType)
    return type_


def _spelled_model(model: Model, names: Mapping[str, str]) -> Model:
    """The model as its module writes it: its class name, its fields' types spelled there."""
    fields = tuple(dataclasses.replace(f, type=_spelled_type(f.type, names)) for f in model.fields)
    alias = _spelled_type(model.alias, names) if model.alias else None
    return dataclasses.replace(model, name=model.python_name, fields=fields, alias=alias)


def _spelled_operation(op: Operation, names: Mapping[str, str]) -> Operation:
    parameters = tuple(dataclasses.replace(p, type=_spelled_type(p.type, names)) for p in op.parameters)
    page = dataclasses.replace(op.pagination, item=_spelled_type(op.pagination.item, names)) if op.pagination else None
    stream = dataclasses.replace(op.stream, item=_spelled_type(op.stream.item, names)) if op.stream else None
    return dataclasses.replace(
        op, parameters=parameters, return_type=_spelled_type(op.return_type, names), pagination=page, stream=stream
    )


def _spelled_resource(resource: Resource, names: Mapping[str, str]) -> Resource:
    return dataclasses.replace(resource, operations=tuple(_spelled_operation(op, names) for op in resource.operations))


def _namespaces(models: Iterable[Model]) -> dict[str, list[tuple[str, str]]]:
    """Per package under `types/` (`types`, `types.qbd`): (class, module) of each model its `__init__` re-exports."""
    found: dict[str, list[tuple[str, str]]] = {"types": []}
    for model in models:
        *namespace, module = model.module.split(".")
        for depth in range(len(namespace) + 1):
            found.setdefault(".".join(["types", *namespace[:depth]]), [])
        if model.exported:
            found[".".join(["types", *namespace])].append((model.python_name, module))
    # in isort's order of the modules (`load1` before `load5` before `load15`), as the import block lists them
    return {
        ns: sorted(entries, key=lambda e: (_natural(e[1].lower()), e[1], e[0])) for ns, entries in sorted(found.items())
    }


def _relative(module: str, package: str) -> str:
    """The relative import of the dotted `module` (under resources/) from a module of `package`."""
    return "." + (module[len(package) + 1 :] if package else module)


def _file(module: str) -> str:
    return module.replace(".", "/")


def _resource_class_names(resource: Resource) -> list[str]:
    """The classes a resource module defines: the resource, sync and async, and their response wrappers."""
    names = [resource.class_name, resource.async_class_name]
    return names + [f"{name}With{kind}Response" for name in names for kind in ("Raw", "Streaming")]


def _render_conftest(api: Api) -> str:
    """`tests/conftest.py`: the clients of the mock server the resource tests use, strict and lax."""
    imports = {Import("os", ""), Import("pytest", ""), Import("collections.abc", "AsyncIterator"),
               Import("collections.abc", "Iterator"), Import(api.package, api.client_name),
               Import(api.package, api.async_client_name)}  # fmt: skip
    arguments = ["base_url=_base_url()", "max_retries=0", "strict_response_validation=request.param"]
    arguments += [f'{c.name}="test-credential"' for c in api.credentials]
    return _render("tests/conftest.py.jinja", api=api, imports=import_block(imports, first_party=api.package),
                   client_args=arguments)  # fmt: skip


def _render_resource_tests(api: Api, resource: Resource, models: dict[str, Model]) -> str:
    """`tests/api_resources/<resource>.py` (generator/api_tests.py), the models imported absolutely, renamed where
    two share a name."""
    imports = api_tests.test_imports(api, resource)
    reserved = {i.name for i in imports} | {"pytest", "assert_matches_type"}
    names, model_imports = _spelling("_tests", api_tests.used_models(resource), (), models, reserved)
    imports |= {Import(f"{api.package}{i.module}", i.name) for i in model_imports}  # `.types.x` from the root
    text = _render(
        "tests/test_resource.py.jinja",
        api=api,
        resource=resource,
        tests=api_tests.resource_tests(api, resource, names),
        imports=import_block(imports, first_party=api.package, local=frozenset({"tests"})),
    )
    return re.sub(r"\n{4,}", "\n\n\n", text).rstrip("\n") + "\n"  # the loops leave a blank line after each test


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


def _definition_order(models: list[Model]) -> list[Model]:
    """Classes in the order a reader (and pydantic) wants them: what a class uses before it, nested classes before
    the model holding them; otherwise in the order they were met. Cycles keep that order (and are rebuilt)."""
    by_name = {m.name: m for m in models}
    done: dict[str, Model] = {}
    visiting: set[str] = set()
    for root in models:
        stack = [(root.name, False)]
        while stack:
            name, expanded = stack.pop()
            if name in done or (name in visiting and not expanded):
                continue
            if expanded:
                visiting.discard(name)
                done[name] = by_name[name]
                continue
            visiting.add(name)
            stack.append((name, True))
            uses = [n for f in by_name[name].fields for n in sorted(f.type.models) if n in by_name and n != name]
            stack.extend((n, False) for n in reversed(list(dict.fromkeys(uses))) if n not in done and n not in visiting)
    return list(done.values())


def _rebuilt(members: list[Model]) -> list[str]:
    """pydantic models that use (directly or through other classes of the module) one defined after them, or
    themselves: they are rebuilt at the end of the module, when every name is defined."""
    position = {m.name: i for i, m in enumerate(members)}
    uses = {m.name: {n for ref in [*(f.type for f in m.fields), *([m.alias] if m.alias else [])] for n in ref.models if n in position}
            for m in members}  # fmt: skip
    result = []
    for model in members:
        if model.alias is not None or model.request:
            continue
        seen: set[str] = set()
        stack = list(uses[model.name])
        while stack:
            name = stack.pop()
            if name not in seen:
                seen.add(name)
                stack.extend(uses[name])
        if any(position[n] >= position[model.name] for n in seen):
            result.append(model.name)
    return result


def import_block(
    imports: Iterable[Import], first_party: str | None = None, local: frozenset[str] = frozenset()
) -> list[str]:
    """Import lines grouped (standard library, third party, local) and ordered as isort/ruff order them.

    An Import with an empty name is a plain `import module`. `local`: other top-level modules of the project
    (`tests`), grouped with `first_party`.
    """
    sections: dict[int, dict[str, set[str]]] = {0: {}, 1: {}, 2: {}}
    for item in imports:
        root = item.module.split(".")[0]
        is_local = item.module.startswith(".") or root == first_party or root in local
        kind = 2 if is_local else 0 if root in sys.stdlib_module_names else 1
        sections[kind].setdefault(item.module, set()).add(item.name)
    lines: list[str] = []
    for modules in sections.values():
        if not modules:
            continue
        plain = sorted(m for m, names in modules.items() if "" in names)
        froms = sorted((m for m, names in modules.items() if names - {""}), key=_module_key)
        block = [f"import {m}" for m in plain]
        block += [line for m in froms for line in _from_lines(m, modules[m] - {""})]
        lines += [*([""] if lines else []), *block]
    return lines


def _from_lines(module: str, names: set[str]) -> list[str]:
    """`from module import ...` as isort/ruff write it: the plain names in one statement, each `X as Y` in one of
    its own, the statements in the order of their first name."""
    plain = sorted((n for n in names if " as " not in n), key=isort_key)
    groups = [[n] for n in names if " as " in n] + ([plain] if plain else [])
    groups.sort(key=lambda group: isort_key(group[0].split(" as ")[0]))
    return [f"from {module} import {', '.join(group)}" for group in groups]


def isort_key(name: str) -> tuple[int, tuple[Any, ...], str]:
    """Names in an import: constants, then classes, then the rest, each without regard to case (isort's order)."""
    return (_name_group(name), _natural(name.lower()), name)


def all_key(name: str) -> tuple[int, tuple[Any, ...]]:
    """Names in `__all__`: the same groups, but with case (ruff's RUF022 order)."""
    return (_name_group(name), _natural(name))


@lru_cache(maxsize=65536)
def _natural(text: str) -> tuple[Any, ...]:
    """`load_5` before `load_15`: runs of digits compare as numbers, as isort does."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text) if part)


def _name_group(name: str) -> int:
    return 0 if len(name) > 1 and name.isupper() else 1 if name[:1].isupper() else 2


def _module_key(module: str) -> tuple[int, tuple[Any, ...], str]:
    # Relative imports: the furthest parent first (`..x` before `.y`).
    dots = len(module) - len(module.lstrip("."))
    return (-dots, _natural(module.lower()), module)


def _models_by_module(models: Iterable[Model]) -> dict[str, list[Model]]:
    grouped: dict[str, list[Model]] = {}
    for model in models:
        grouped.setdefault(model.module, []).append(model)
    return grouped


def _aliases_in_dependency_order(aliases: list[Model]) -> list[Model]:
    """Aliases are evaluated when the module runs, so one an alias uses must come before it."""
    names = {a.name for a in aliases}
    done: list[Model] = []
    pending = list(aliases)
    while pending:
        ready = [
            a
            for a in pending
            if a.alias is not None and not (a.alias.models & names - {d.name for d in done} - {a.name})
        ]
        for alias in ready or pending[:1]:  # a cycle made only of aliases cannot be ordered: keep spec order
            done.append(alias)
            pending.remove(alias)
    return done


# --- README example --------------------------------------------------------------------------------


def _readme_example(api: Api) -> dict[str, str]:
    programs = lay_out_programs(
        [example_program(api, is_async=False), example_program(api, is_async=True), aiohttp_program(api)],
        format_with_black,
    )
    return dict(zip(("sync", "async_", "aiohttp"), programs))


def format_with_black(source: str) -> str:
    """Python source in the pinned black's layout, as the generated code is."""
    import black

    return black.format_str(source, mode=black_mode())


def _api_reference(api: Api) -> list[dict[str, Any]]:
    """Per resource: its path, module, the types its methods return and a one-line signature per method."""
    entries = []
    # as users import them: `Report`, not the model's unique name `QbdReport`
    classes = {m.name: m.python_name for m in api.models if m.python_name != m.name}

    for resource in api.all_resources():
        methods = []
        types: set[str] = set()
        for op in resource.operations:
            returned = (
                f"Sync{op.pagination.page_class}[{annotation(op.pagination.item, classes)}]"
                if op.pagination
                else annotation(op.return_type, classes)
            )
            types |= (op.pagination.item.models if op.pagination else set()) | op.return_type.models
            arguments = [p.name for p in op.positional] + [f"{p.name}=..." for p in op.keyword if p.required]
            if any(not p.required for p in op.keyword):
                arguments.append("...")
            if op.stream is not None and op.stream.switch is not None:
                returned += (
                    f" (with {op.stream.switch}=True: {stream_annotation(annotation(op.stream.item, classes), False)})"
                )
                types |= op.stream.item.models
            methods.append({"op": op, "signature": f"{op.name}({', '.join(arguments)}) -> {returned}"})
        children = [
            {"path": child.path, "anchor": _anchor(f"client.{'.'.join(child.path)}")} for child in resource.children
        ]
        entries.append({"resource": resource, "methods": methods, "type_imports": _type_import_lines(api, types),
                        "children": children, "file": f"resources/{_file(resource.module)}.py"})  # fmt: skip
    return entries


def _type_import_lines(api: Api, names: set[str]) -> list[str]:
    """`pkg.types.qbd import Invoice, ...` per module the types are imported from: a namespace for its main
    classes, the defining module for nested ones."""
    models = {m.name: m for m in api.models}
    found: dict[str, set[str]] = {}
    for name in names:
        model = models[name]
        module = model.module.rsplit(".", 1)[0] if "." in model.module else ""
        where = (
            f"{api.package}.types" + (f".{module}" if module else "")
            if model.exported
            else f"{api.package}.types.{model.module}"
        )
        found.setdefault(where, set()).add(model.python_name)
    return [f"{where} import {', '.join(sorted(found[where], key=isort_key))}" for where in sorted(found)]


def _anchor(heading: str) -> str:
    """The id GitHub gives a Markdown heading: lower case, punctuation other than - and _ dropped."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def _renamed_key(api: Api) -> dict[str, str] | None:
    """A TypedDict key sent under another name, for the README: the first one the API has whose wire name can
    sit in a Markdown code span as it is (printable, no backtick)."""
    for model in api.models:
        fields = model.fields if model.name in api.renamed else ()
        field = next(
            (f for f in fields if f.name != f.wire_name and f.wire_name.isprintable() and "`" not in f.wire_name), None
        )
        if field is not None:
            return {"model": model.python_name, "module": f"{api.package}.types.{model.module}", "key": f'"{field.name}"',
                    "wire_name": f'"{field.wire_name}"'}  # fmt: skip
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


def _markdown_code(value: str) -> str:
    """Spec text placed in a Markdown code span (`...`): one line, and no backtick to end the span early."""
    return comment_text(value).replace("`", "'")


def _markdown_text(value: str) -> str:
    """Spec text placed into Markdown prose: one line, with characters that start markup escaped."""
    text = comment_text(value)
    for char in "\\`*_[]<>|#":
        text = text.replace(char, "\\" + char)
    return text
