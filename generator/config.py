"""The generator config file: what the spec cannot say (package names, env vars, renames).

Every key is documented in docs/config.md; unknown keys are rejected so typos do not pass silently.
Missing keys are derived from the spec by the model builder.
"""

from __future__ import annotations

import keyword
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.errors import GeneratorError, Problem
from generator.filenames import is_device_name

# `\Z`, not `$`: `$` also matches before a final newline, and "1.0.0\n" must not pass as a version.
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\Z")
# A method name, optionally after the resource path it goes on: `health_check` or `qbd.health_check`.
_DOTTED_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*\Z")
_DISTRIBUTION = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?\Z")
_ENV_VAR = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\Z")
_VERSION = re.compile(r"^\d+(\.\d+)*([abc]|rc)?\d*(\.post\d+)?(\.dev\d+)?\Z")
_HEADER = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+\Z")


@dataclass(frozen=True)
class EnvConfig:
    api_key: str | None = None
    base_url: str | None = None
    log: str | None = None


WEBHOOK_SCHEMES = ("standard", "hmac", "none")
WEBHOOK_ALGORITHMS = ("sha1", "sha256", "sha512")
WEBHOOK_ENCODINGS = ("hex", "base64")


@dataclass(frozen=True)
class WebhookConfig:
    """How the webhooks the API sends are signed (docs/config.md: `webhooks`)."""

    scheme: str = "standard"  # one of WEBHOOK_SCHEMES
    header: str | None = None  # hmac: the header holding the signature (required)
    algorithm: str = "sha256"
    encoding: str = "hex"
    prefix: str = ""


@dataclass(frozen=True)
class Config:
    """Parsed config; None means 'derive it from the spec'."""

    package_name: str | None = None
    distribution_name: str | None = None
    client_name: str | None = None
    async_client_name: str | None = None
    version: str = "0.1.0"
    env: EnvConfig = field(default_factory=EnvConfig)
    request_id_header: str | None = None
    idempotency_header: str | None = None
    default_timeout: float = 60.0
    max_retries: int = 2
    resource_names: dict[str, str] = field(default_factory=dict)
    # "METHOD /path" -> method name, or `resource.path.method` to place it on that resource
    method_names: dict[str, str] = field(default_factory=dict)
    # "METHOD /path" -> the argument name of a whole request body (default `body`)
    body_names: dict[str, str] = field(default_factory=dict)
    type_names: dict[str, str] = field(default_factory=dict)  # schema JSON pointer ("#/...") -> Python class name
    pagination: dict[str, PagingConfig] = field(default_factory=dict)  # "METHOD /path" -> how it pages
    samples: SamplesConfig | None = None  # the committed code samples file `check` keeps up to date
    webhooks: WebhookConfig = field(default_factory=WebhookConfig)
    overlays: tuple[Path, ...] = ()  # OpenAPI Overlay files applied to the spec, in order (generator/overlay.py)
    mixins: dict[str, str] = field(default_factory=dict)  # generated class -> "module:Class" in the package's lib/
    license: str | None = None  # the SDK's licence, when the spec's info.license does not say (or says otherwise)
    security_contact: str | None = None  # where to report security issues: SECURITY.md is written when set
    # "METHOD /path" -> why the generated tests of that operation are skipped (a mock that cannot serve it)
    skip_tests: dict[str, str] = field(default_factory=dict)
    # target name -> where it goes and its options (docs/config.md: `targets`); empty: the Python target alone
    targets: dict[str, TargetConfig] = field(default_factory=dict)
    file: str | None = None  # the config file, for messages


@dataclass(frozen=True)
class TargetConfig:
    """One entry of the config's `targets`: the output folder (relative to the config file's folder) and the
    target's own options, as written: the target checks them (generator/targets/__init__.py: `parse_options`)."""

    output: Path
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SamplesConfig:
    """Where the code samples file lives (relative to the config file's folder) and what it holds."""

    path: Path
    format: str = "overlay"  # "overlay" or "spec" (generator/samples.py)


SAMPLE_FORMATS = ("overlay", "spec")
PAGING_STYLES = ("cursor", "last_item_id", "offset", "page_number", "next_url", "none")


@dataclass(frozen=True)
class PagingConfig:
    """How one list operation pages, where the spec leaves it ambiguous (or to turn detection off)."""

    style: str  # one of PAGING_STYLES; "none": not a paginated list
    items: str | None = None  # response property holding the items (default: detected)
    param: str | None = None  # query parameter asking for a page (cursor, last item id, offset, page number)
    # Response property (a dotted path reaches into nested objects: `meta.next_page_url`) with the next cursor
    # (cursor), the next page's URL (next_url) or the last item's id (last_item_id, optional).
    next: str | None = None
    has_more: str | None = None
    has_more_inverted: bool = False  # `has_more` says "this is the last page" instead
    total: str | None = None  # the number of items of every page together
    item_id: str | None = None  # last_item_id: the items' property sent back as `param` (default `id`)
    total_pages: str | None = None  # page_number: the number of pages


def _is_name(value: Any) -> bool:
    """A Python identifier that can name a module or class: not a keyword (`class`, `None`, `True`)."""
    return (
        isinstance(value, str)
        and bool(_IDENTIFIER.match(value))
        and not keyword.iskeyword(value)
        and value != "__debug__"
    )


# key -> (check, description of what it must be)
_CHECKS: dict[str, tuple[Any, str]] = {
    "package_name": (
        lambda v: _is_name(v) and not is_device_name(v),
        "a Python identifier that is not a keyword nor a device name on Windows (con, aux, nul, com1, ...)",
    ),
    "distribution_name": (lambda v: isinstance(v, str) and _DISTRIBUTION.match(v), "a distribution name"),
    "client_name": (_is_name, "a Python identifier that is not a keyword"),
    "async_client_name": (_is_name, "a Python identifier that is not a keyword"),
    "version": (lambda v: isinstance(v, str) and _VERSION.match(v), "a version such as '1.2.3'"),
    "request_id_header": (lambda v: isinstance(v, str) and _HEADER.match(v), "an HTTP header name"),
    "idempotency_header": (lambda v: isinstance(v, str) and _HEADER.match(v), "an HTTP header name"),
    "default_timeout": (
        lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0,
        "a positive number of seconds",
    ),
    "max_retries": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0, "a whole number >= 0"),
    "license": (lambda v: _one_line(v), "one line naming a licence, such as 'MIT' or 'Apache-2.0'"),
    "security_contact": (lambda v: _one_line(v), "one line: an email address or URL for security reports"),
}


def _one_line(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip()) and value.isprintable() and len(value) <= 200


_ENV_KEYS = ("api_key", "base_url", "log")
_MIXIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*\Z")
_MAP_KEYS = {
    "resource_names": ("a mapping from a path segment to a Python identifier", _IDENTIFIER),
    "method_names": (
        "a mapping from 'METHOD /path' to a Python identifier, or dotted identifiers (`qbd.health_check`)",
        _DOTTED_IDENTIFIER,
    ),
    "body_names": ("a mapping from 'METHOD /path' to a Python identifier", _IDENTIFIER),
    "type_names": (
        "a mapping from a schema's JSON pointer ('#/components/schemas/Pet') to a Python identifier",
        _IDENTIFIER,
    ),
}


def load_config(path: Path | None) -> Config:
    """Read and check the config file; a None path means no config (all derived from the spec)."""
    if path is None:
        return Config()
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GeneratorError(Problem("config file not found", file)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise GeneratorError(Problem(f"cannot read config file: {exc}", file)) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise GeneratorError(Problem(f"invalid YAML: {exc}", file)) from None
    if data is None:
        return Config()
    if not isinstance(data, dict):
        raise GeneratorError(Problem("the config must be a mapping of keys to values", file, ""))
    return _parse(data, file)


def _parse(data: dict[str, Any], file: str) -> Config:
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    known = sorted([*_CHECKS, *_SECTIONS, *_MAP_KEYS])
    for key, value in data.items():
        if key in _CHECKS:
            check, what = _CHECKS[key]
            if check(value):
                values[key] = float(value) if key == "default_timeout" else value
            else:
                problems.append(Problem(f"'{key}' must be {what}, got {value!r}", file, f"/{key}"))
        elif key in _MAP_KEYS:
            values[key] = _parse_map(key, value, file, problems)
        elif key in _SECTIONS:
            values[key] = _SECTIONS[key](value, file, problems)
        else:
            problems.append(Problem(f"unknown config key {key!r}; known keys: {', '.join(known)}", file, f"/{key}"))
    if problems:
        raise GeneratorError(problems)
    return Config(**values, file=file)


def _parse_env(value: Any, file: str, problems: list[Problem]) -> EnvConfig:
    if not isinstance(value, dict):
        problems.append(Problem("'env' must be a mapping", file, "/env"))
        return EnvConfig()
    names: dict[str, str] = {}
    for key, name in value.items():
        if key not in _ENV_KEYS:
            problems.append(
                Problem(f"unknown env key {key!r}; known keys: {', '.join(_ENV_KEYS)}", file, f"/env/{key}")
            )
        elif not (isinstance(name, str) and _ENV_VAR.match(name)):
            problems.append(Problem(f"env.{key} must be an environment variable name", file, f"/env/{key}"))
        else:
            names[key] = name
    return EnvConfig(**names)


def _parse_map(key: str, value: Any, file: str, problems: list[Problem]) -> dict[str, str]:
    what, pattern = _MAP_KEYS[key]
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        problems.append(Problem(f"'{key}' must be {what}", file, f"/{key}"))
        return {}
    result: dict[str, str] = {}
    for entry, name in value.items():
        where = f"/{key}/" + entry.replace("~", "~0").replace("/", "~1")
        if key in ("method_names", "body_names") and not _OPERATION_KEY.match(entry):
            problems.append(Problem(f"{key} key {entry!r} must be 'METHOD /path'", file, where))
        elif key == "type_names" and not entry.startswith("#/"):
            problems.append(
                Problem(f"type_names key {entry!r} must be a JSON pointer into the spec ('#/...')", file, where)
            )
        elif not pattern.match(name) or any(keyword.iskeyword(part) for part in name.split(".")):
            problems.append(Problem(f"{name!r} is not {what.split(' to ', 1)[1]}", file, where))
        else:
            result[entry] = name
    return result


def _parse_samples(value: Any, file: str, problems: list[Problem]) -> SamplesConfig | None:
    if not isinstance(value, dict) or not isinstance(value.get("path"), str) or not value["path"].strip():
        problems.append(
            Problem(
                "'samples' must be a mapping with 'path' (the samples file, relative to this "
                "config file) and optionally 'format' (overlay or spec)",
                file,
                "/samples",
            )
        )
        return None
    unknown = [k for k in value if k not in ("path", "format")]
    if unknown:
        problems.append(
            Problem(f"unknown samples key {unknown[0]!r}; known keys: format, path", file, f"/samples/{unknown[0]}")
        )
        return None
    form = value.get("format", "overlay")
    if form not in SAMPLE_FORMATS:
        problems.append(Problem(f"'format' must be one of {', '.join(SAMPLE_FORMATS)}", file, "/samples/format"))
        return None
    return SamplesConfig(Path(file).parent / value["path"], form)


_PAGING_KEYS = ("style", "items", "param", "next", "has_more", "has_more_inverted", "total", "total_pages", "item_id")
_OPERATION_KEY = re.compile(r"^(GET|PUT|POST|DELETE|OPTIONS|HEAD|PATCH|TRACE) /\S*\Z")


def _parse_pagination(value: Any, file: str, problems: list[Problem]) -> dict[str, PagingConfig]:
    if not isinstance(value, dict):
        problems.append(
            Problem("'pagination' must be a mapping from 'METHOD /path' to a paging description", file, "/pagination")
        )
        return {}
    result: dict[str, PagingConfig] = {}
    for operation, description in value.items():
        where = "/pagination/" + str(operation).replace("~", "~0").replace("/", "~1")
        if not (isinstance(operation, str) and _OPERATION_KEY.match(operation)):
            problems.append(Problem(f"pagination key {operation!r} must be 'METHOD /path'", file, where))
            continue
        if not isinstance(description, dict):
            problems.append(Problem("must be a mapping with at least 'style'", file, where))
            continue
        unknown = [k for k in description if k not in _PAGING_KEYS]
        style = description.get("style")
        if unknown:
            problems.append(
                Problem(
                    f"unknown key {unknown[0]!r}; known keys: {', '.join(_PAGING_KEYS)}", file, f"{where}/{unknown[0]}"
                )
            )
        elif style not in PAGING_STYLES:
            problems.append(Problem(f"'style' must be one of {', '.join(PAGING_STYLES)}", file, f"{where}/style"))
        elif not isinstance(description.get("has_more_inverted", False), bool):
            problems.append(Problem("'has_more_inverted' must be true or false", file, f"{where}/has_more_inverted"))
        elif any(
            not isinstance(description.get(k), (str, type(None)))
            for k in ("items", "param", "next", "has_more", "total", "total_pages", "item_id")
        ):
            problems.append(Problem("property and parameter names must be strings", file, where))
        else:
            result[operation] = PagingConfig(**description)
    return result


_WEBHOOK_KEYS = ("scheme", "header", "algorithm", "encoding", "prefix")


def _parse_webhooks(value: Any, file: str, problems: list[Problem]) -> WebhookConfig:
    if not isinstance(value, dict):
        problems.append(Problem("'webhooks' must be a mapping with at least 'scheme'", file, "/webhooks"))
        return WebhookConfig()
    before = len(problems)
    for key, item in value.items():
        if key not in _WEBHOOK_KEYS:
            problems.append(
                Problem(f"unknown key {key!r}; known keys: {', '.join(_WEBHOOK_KEYS)}", file, f"/webhooks/{key}")
            )
        elif not isinstance(item, str):
            problems.append(Problem(f"'{key}' must be a string", file, f"/webhooks/{key}"))
    if len(problems) > before:
        return WebhookConfig()
    _check_webhook_values(value, file, problems)
    return WebhookConfig(**value) if len(problems) == before else WebhookConfig()


def _check_webhook_values(value: dict[str, str], file: str, problems: list[Problem]) -> None:
    """The webhooks keys' values, each a string: allowed, and only where their scheme uses them."""
    choices = {"scheme": WEBHOOK_SCHEMES, "algorithm": WEBHOOK_ALGORITHMS, "encoding": WEBHOOK_ENCODINGS}
    for key, allowed in choices.items():
        if key in value and value[key] not in allowed:
            problems.append(Problem(f"'{key}' must be one of {', '.join(allowed)}", file, f"/webhooks/{key}"))
    if "header" in value and not _HEADER.match(value["header"]):
        problems.append(Problem("'header' must be an HTTP header name", file, "/webhooks/header"))
    if value.get("scheme") == "hmac" and "header" not in value:
        problems.append(Problem("scheme 'hmac' needs 'header': the header holding the signature", file, "/webhooks"))
    if value.get("scheme", "standard") != "hmac" and set(value) - {"scheme"}:
        extra = min(set(value) - {"scheme"})
        problems.append(Problem(f"'{extra}' only applies to scheme 'hmac'", file, f"/webhooks/{extra}"))
    if any(c in value.get("prefix", "") for c in "\r\n\0"):
        problems.append(Problem("'prefix' may not hold line breaks", file, "/webhooks/prefix"))


def _parse_overlays(value: Any, file: str, problems: list[Problem]) -> tuple[Path, ...]:
    """Overlay files, relative to the config file's folder; each must exist."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        problems.append(
            Problem("'overlays' must be a list of overlay file names (relative to the config file)", file, "/overlays")
        )
        return ()
    paths = []
    for index, name in enumerate(value):
        path = Path(file).parent / name
        if not path.is_file():
            problems.append(Problem(f"overlay file not found: {path}", file, f"/overlays/{index}"))
        paths.append(path)
    return tuple(paths)


def _parse_skip_tests(value: Any, file: str, problems: list[Problem]) -> dict[str, str]:
    """'METHOD /path' -> the reason its generated tests are skipped (one line, said by pytest)."""
    if not isinstance(value, dict):
        problems.append(
            Problem("'skip_tests' must be a mapping from 'METHOD /path' to the reason", file, "/skip_tests")
        )
        return {}
    result: dict[str, str] = {}
    for operation, reason in value.items():
        where = "/skip_tests/" + str(operation).replace("~", "~0").replace("/", "~1")
        if not (isinstance(operation, str) and _OPERATION_KEY.match(operation)):
            problems.append(Problem(f"skip_tests key {operation!r} must be 'METHOD /path'", file, where))
        elif not _one_line(reason):
            problems.append(Problem("the reason must be one line of text", file, where))
        else:
            result[operation] = reason
    return result


def _parse_mixins(value: Any, file: str, problems: list[Problem]) -> dict[str, str]:
    if not isinstance(value, dict):
        problems.append(
            Problem(
                "'mixins' must be a mapping from a generated class name to 'module:Class' in the "
                "package's lib/ folder",
                file,
                "/mixins",
            )
        )
        return {}
    for name, target in value.items():
        if not _is_name(name):
            problems.append(Problem(f"mixins key {name!r} must be a generated class name", file, f"/mixins/{name}"))
        elif not (isinstance(target, str) and _MIXIN.match(target)):
            problems.append(
                Problem(
                    f"mixins.{name} must be 'module:Class' (a module of lib/, dotted, and a class "
                    f"in it), got {target!r}",
                    file,
                    f"/mixins/{name}",
                )
            )
    return dict(value)


def _parse_targets(value: Any, file: str, problems: list[Problem]) -> dict[str, TargetConfig]:
    """Which targets the project generates and where each goes; their names and options are checked by the
    registry (generator/registry.py), which knows the targets."""
    if not isinstance(value, dict) or not value:
        problems.append(
            Problem(
                "'targets' must be a mapping from a target name to its section, at least 'output' "
                "(e.g. `python: {output: generated}`)",
                file,
                "/targets",
            )
        )
        return {}
    result: dict[str, TargetConfig] = {}
    for name, section in value.items():
        where = "/targets/" + str(name).replace("~", "~0").replace("/", "~1")
        if not isinstance(section, dict):
            problems.append(Problem(f"targets.{name} must be a mapping with at least 'output'", file, where))
        elif not (isinstance(section.get("output"), str) and section["output"].strip()):
            problems.append(
                Problem(
                    f"targets.{name}.output must be the folder the target writes (relative to this config file)",
                    file,
                    f"{where}/output" if "output" in section else where,
                )
            )
        else:
            options = {key: item for key, item in section.items() if key != "output"}
            result[str(name)] = TargetConfig(Path(file).parent / section["output"], options)
    _check_separate_outputs(result, file, problems)
    return result


def _check_separate_outputs(targets: dict[str, TargetConfig], file: str, problems: list[Problem]) -> None:
    """Each target owns its folder: `generate` removes from it what the target no longer writes, so no folder
    may be another target's, nor inside another's. Each clash is reported at the later of the two entries."""
    names = list(targets)
    folders = [Path(os.path.abspath(targets[name].output)) for name in names]
    written = [Path(os.path.relpath(targets[name].output, Path(file).parent)).as_posix() for name in names]
    for later in range(len(names)):
        for earlier in range(later):
            first, second = names[earlier], names[later]
            if folders[earlier] == folders[later]:
                message = f"targets {first} and {second} both write into {written[later]}"
            elif folders[later].is_relative_to(folders[earlier]):
                message = (
                    f"targets.{second}.output {written[later]} is inside targets.{first}.output {written[earlier]}"
                )
            elif folders[earlier].is_relative_to(folders[later]):
                message = f"targets.{second}.output {written[later]} holds targets.{first}.output {written[earlier]}"
            else:
                continue
            pointer = "/targets/" + second.replace("~", "~0").replace("/", "~1") + "/output"
            problems.append(Problem(f"{message}: each target needs a folder of its own", file, pointer))


# The config's sections, each parsed by its own function (the plain values are in _CHECKS, the maps in _MAP_KEYS).
_SECTIONS: dict[str, Callable[[Any, str, list[Problem]], Any]] = {
    "env": _parse_env,
    "pagination": _parse_pagination,
    "samples": _parse_samples,
    "webhooks": _parse_webhooks,
    "overlays": _parse_overlays,
    "mixins": _parse_mixins,
    "skip_tests": _parse_skip_tests,
    "targets": _parse_targets,
}
