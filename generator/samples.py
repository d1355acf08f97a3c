"""Code samples for API reference docs: every operation's Python call, as `x-codeSamples` entries.

The samples are the generated README's kind of program (`generator/targets/python/examples.py` builds both), one
sync and one async per operation; when the config also names the TypeScript target, a JavaScript one before
them (`generator/targets/typescript/examples.py`: the code sample of that SDK's docs). They come out as an
OpenAPI Overlay 1.0 document (the spec untouched) or as the spec itself with the samples merged in: other
languages' samples are kept, those in our languages are replaced. YAML stays YAML and is edited in place (only
the `x-codeSamples` entries change, byte for byte); JSON stays JSON, re-serialized with the file's own
indentation. docs/samples.md describes the format and how docs sites read it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import yaml

from generator.config import Config
from generator.errors import GeneratorError, Problem, pointer_from_parts
from generator.model.ir import Api
from generator.registry import options_of
from generator.spec.build import written_operation
from generator.spec.load import Spec
from generator.targets.python.examples import program, sample_client_variable
from generator.targets.python.formatting import format_with_black
from generator.targets.python.layout import lay_out_programs
from generator.targets.typescript import examples as typescript_examples
from generator.targets.typescript.plan import build_plan
from generator.targets.typescript.target import npm_name

FORMATS = ("overlay", "spec")
OVERLAY_VERSION = "1.0.0"
LANG = "Python"
JAVASCRIPT = "JavaScript"
SYNC_LABEL = "Python"
ASYNC_LABEL = "Python (async)"
KEY = "x-codeSamples"


@dataclass(frozen=True)
class Sample:
    """One operation's samples; `method` is lower case, as the spec's path item keys are."""

    path: str
    method: str
    sync: str
    async_: str
    javascript: str | None = None  # the TypeScript SDK's sample, when the config names that target

    def entries(self) -> list[dict[str, str]]:
        ours = [{"lang": JAVASCRIPT, "source": self.javascript}] if self.javascript is not None else []
        return [
            *ours,
            {"lang": LANG, "label": SYNC_LABEL, "source": self.sync},
            {"lang": LANG, "label": ASYNC_LABEL, "source": self.async_},
        ]


def javascript_package(api: Api, config: Config) -> str | None:
    """The npm package the JavaScript samples import, when the config's `targets` names the TypeScript target;
    None otherwise (then the samples are Python only)."""
    if "typescript" not in config.targets:
        return None
    return npm_name(api, options_of(config, "typescript"))


def build_samples(api: Api, javascript: str | None = None) -> list[Sample]:
    """A sync and an async sample for every operation, in spec order, in black's layout; with `javascript` (the
    npm package's name), also the TypeScript SDK's sample, in prettier's layout."""
    client = sample_client_variable(api)
    programs = [
        program(api, op, is_async, client=client, iterate=True) for op in api.operations for is_async in (False, True)
    ]
    programs = lay_out_programs(programs, format_with_black)
    scripts = _javascript_programs(api, javascript) if javascript is not None else {}
    return [
        Sample(
            op.path,
            op.http_method.lower(),
            programs[2 * i],
            programs[2 * i + 1],
            scripts.get((op.http_method, op.path)),
        )
        for i, op in enumerate(api.operations)
    ]


def _javascript_programs(api: Api, package: str) -> dict[tuple[str, str], str]:
    """(HTTP method, path) -> the operation's JavaScript sample."""
    plan = build_plan(api)
    return {
        (method.operation.http_method, method.operation.path): typescript_examples.program(
            plan, resource, method, package
        )
        for resource in plan.all_files()
        for method in resource.methods
    }


def render(  # noqa: PLR0913 - what the file depends on
    api: Api, spec: Spec, form: str, is_json: bool, extends: str | None, javascript: str | None = None
) -> str:
    """The samples file: an overlay (`form` "overlay") or the spec with samples merged ("spec").

    `is_json` picks the output syntax; `extends` is the overlay's reference to the spec; `javascript` the npm
    package the JavaScript samples import (None: Python samples only).
    """
    samples = build_samples(api, javascript)
    if form == "overlay":
        return _dump(overlay(api, spec, samples, extends), is_json)
    text = spec.entry.read_text(encoding="utf-8")  # the entry document as written, edited in place
    return merged_json(spec, text, samples) if is_json else merged_yaml(spec, text, samples)


# --- overlay ---------------------------------------------------------------------------------------


def overlay(api: Api, spec: Spec, samples: list[Sample], extends: str | None) -> dict[str, Any]:
    """One `update` action per operation adding its samples. Where the operation already has samples, they
    are removed first by their own action and written back merged (other languages kept): Overlay 1.0 leaves
    open how an update merges into an existing array, so nothing here depends on it."""
    actions: list[dict[str, Any]] = []
    for sample in samples:
        target = operation_target(sample.path, sample.method)
        existing = _existing(spec, sample)
        if existing is not None:
            actions.append({"target": f"{target}[{_json_path_string(KEY)}]", "remove": True})
        entries = merge_entries(existing or [], sample.entries())
        actions.append({"target": target, "update": {KEY: entries}})
    languages = "Python and JavaScript" if any(s.javascript is not None for s in samples) else "Python"
    document: dict[str, Any] = {
        "overlay": OVERLAY_VERSION,
        "info": {"title": f"{languages} code samples for {api.title}", "version": api.version},
    }
    if extends is not None:
        document["extends"] = extends
    if not actions:  # Overlay 1.0 requires at least one action: one that selects nothing and changes nothing
        actions.append({"target": "$.paths", "update": {}})
    document["actions"] = actions
    return document


def operation_target(path: str, method: str) -> str:
    """The JSONPath (RFC 9535) of an operation: `$.paths['/end-users/{id}'].delete`."""
    return f"$.paths[{_json_path_string(path)}][{_json_path_string(method)}]"


def _json_path_string(text: str) -> str:
    """A single-quoted RFC 9535 string literal."""
    escaped = []
    for char in text:
        if char in "\\'":
            escaped.append("\\" + char)
        elif char < " ":
            escaped.append(f"\\u{ord(char):04x}")
        else:
            escaped.append(char)
    return "'" + "".join(escaped) + "'"


def merge_entries(existing: list[Any], ours: list[dict[str, str]]) -> list[Any]:
    """Other languages' samples kept in their order; ours where the first sample in one of our languages was
    (else at the end)."""
    languages = _languages(ours)
    is_ours = [isinstance(e, dict) and str(e.get("lang", "")).lower() in languages for e in existing]
    at = is_ours.index(True) if True in is_ours else len(existing)
    kept = [e for e, replaced in zip(existing, is_ours, strict=True) if not replaced]
    before = sum(1 for replaced in is_ours[:at] if not replaced)
    return [*kept[:before], *ours, *kept[before:]]


def _languages(ours: list[dict[str, str]]) -> set[str]:
    """The languages (lower case) whose existing samples ours replace."""
    return {entry["lang"].lower() for entry in ours}


def _existing(spec: Spec, sample: Sample) -> list[Any] | None:
    """The operation's `x-codeSamples` as written, when it is a list (of entries, whatever they hold)."""
    operation = written_operation(spec, sample.path, sample.method)
    value = operation.get(KEY) if operation is not None else None
    return value if isinstance(value, list) else None


# --- the spec with samples merged ------------------------------------------------------------------


def _located(spec: Spec, samples: list[Sample]) -> list[Sample]:
    """The samples whose operation is written in the entry document; one in another file (a path item
    `$ref`) cannot be edited here, and is an error naming it."""
    problems = []
    for sample in samples:
        if written_operation(spec, sample.path, sample.method) is None:
            problems.append(
                Problem(
                    "this operation is not written in the entry document (its path item is a $ref), so --format spec "
                    "cannot add its samples; use the overlay (the default) on the bundled spec",
                    str(spec.entry),
                    pointer_from_parts(["paths", sample.path]),
                )
            )
    if problems:
        raise GeneratorError(problems)
    return samples


def merged_json(spec: Spec, text: str, samples: list[Sample]) -> str:
    """The JSON document with the samples merged, key order kept, written with the file's own indentation."""
    document = json.loads(text)
    for sample in _located(spec, samples):
        operation = document["paths"][sample.path][sample.method]
        existing = operation.get(KEY)
        operation[KEY] = merge_entries(existing if isinstance(existing, list) else [], sample.entries())
    indent = _json_indent(text)
    separators = (",", ":") if indent is None and "\n" not in text.strip() and ", " not in text else None
    out = json.dumps(document, indent=indent, ensure_ascii=False, separators=separators)
    return out + "\n" if text.endswith("\n") else out


def _json_indent(text: str) -> int | str | None:
    match = re.search(r"\n([ \t]+)\S", text)
    if match is None:
        return None
    whitespace = match.group(1)
    return whitespace if "\t" in whitespace else len(whitespace)


def merged_yaml(spec: Spec, text: str, samples: list[Sample]) -> str:
    """The YAML text with each operation's `x-codeSamples` written in place: an existing entry is replaced,
    a missing one added after the operation's last key; every other byte stays as it was."""
    root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    edits: list[tuple[int, int, str]] = []
    for sample in _located(spec, samples):
        node = _mapping_child(_mapping_child(_mapping_child(root, "paths"), sample.path), sample.method)
        where = pointer_from_parts(["paths", sample.path, sample.method])
        if not isinstance(node, yaml.MappingNode) or not node.value or node.flow_style:
            raise GeneratorError(
                Problem(
                    "--format spec edits block-style YAML operations only; this one is written in flow style "
                    "(`{...}`): use the overlay (the default)",
                    str(spec.entry),
                    where,
                )
            )
        indent = node.value[0][0].start_mark.column
        found = next(((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == KEY), None)
        if found is not None and isinstance(found[1], yaml.SequenceNode) and found[1].value and not found[1].flow_style:
            edits.append(_sequence_edit(text, found[1], sample.entries()))
        elif found is not None:
            start = text.rfind("\n", 0, found[0].start_mark.index) + 1
            edits.append((start, _line_end(text, _content_end(found[1])), _yaml_block(sample.entries(), indent)))
        else:
            block = _yaml_block(sample.entries(), indent)
            end = _line_end(text, _content_end(node.value[-1][1]))
            edits.append((end, end, block if end == 0 or text[end - 1] == "\n" else "\n" + block))
    for start, end, block in sorted(edits, reverse=True):
        text = text[:start] + block + text[end:]
    return text


def _sequence_edit(text: str, sequence: yaml.SequenceNode, ours: list[dict[str, str]]) -> tuple[int, int, str]:
    """The existing samples list rewritten: other languages' entries kept as their own text, those in our
    languages replaced by ours (at the first one's place, else after the last entry)."""
    spans = []
    for item in sequence.value:
        dash = text.rfind("-", 0, item.start_mark.index)
        spans.append(text.rfind("\n", 0, dash) + 1)
    end = _line_end(text, _content_end(sequence))
    column = text.rfind("-", 0, sequence.value[0].start_mark.index) - spans[0]
    rendered = yaml.dump(ours, Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=10_000, indent=2)
    block = "".join(" " * column + line if line.strip() else line for line in rendered.splitlines(keepends=True))
    parts: list[str] = []
    placed = False
    for i, item in enumerate(sequence.value):
        piece = text[spans[i] : spans[i + 1] if i + 1 < len(spans) else end]
        if _is_ours(item, _languages(ours)):
            if not placed:
                parts.append(block)
                placed = True
        else:
            parts.append(piece if piece.endswith("\n") else piece + "\n")
    if not placed:
        parts.append(block)
    return spans[0], end, "".join(parts)


def _is_ours(item: yaml.Node, languages: set[str]) -> bool:
    lang = _mapping_child(item, "lang")
    return isinstance(lang, yaml.ScalarNode) and lang.value.lower() in languages


def _mapping_child(node: Any, key: str) -> Any:
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)


def _content_end(node: yaml.Node) -> int:
    """Where the text of a node ends: its last scalar's end (a collection's own end mark lies past any
    comments and blank lines that follow it)."""
    if isinstance(node, yaml.ScalarNode) or not node.value:
        return int(node.end_mark.index)
    children = [v for pair in node.value for v in pair] if isinstance(node, yaml.MappingNode) else node.value
    return max(_content_end(child) for child in children)


def _line_end(text: str, index: int) -> int:
    if index > 0 and text[index - 1] == "\n":
        return index
    newline = text.find("\n", index)
    return len(text) if newline < 0 else newline + 1


class _BlockDumper(yaml.SafeDumper):
    """Sequences indented under their key; multi-line strings as literal blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_BlockDumper.add_representer(str, _represent_str)


def _yaml_block(entries: list[Any], indent: int) -> str:
    text = yaml.dump({KEY: entries}, Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=10_000, indent=2)
    return "".join(" " * indent + line if line.strip() else line for line in text.splitlines(keepends=True))


def _dump(document: dict[str, Any], is_json: bool) -> str:
    if is_json:
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return yaml.dump(document, Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=10_000, indent=2)
