"""Reading a spec independently of the generator: files, `$ref`s across files, and its operations.

The harness counts operations from the document itself (so operations the generator drops show up)
and builds argument values from the schemas with every nested `$ref` resolved relative to the file it
is written in. Only the standard library and PyYAML: the generator's own loader is the thing under test.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
MAX_REF_HOPS = 64


_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 10x faster on 3 MB specs


class _Loader(_SafeLoader):  # type: ignore[misc,valid-type]
    """SafeLoader that keeps dates and times as the strings they are written as (JSON has no dates)."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _string_keys(node: Any) -> Any:
    """YAML allows `200:` (an int key); JSON pointers and JSON Schema want strings."""
    if isinstance(node, dict):
        return {str(k) if not isinstance(k, str) else k: _string_keys(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_string_keys(v) for v in node]
    return node


def escape_token(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def pointer(*parts: str) -> str:
    return "".join("/" + escape_token(str(p)) for p in parts)


@dataclass(frozen=True)
class Node:
    """A value in one of the spec's files and where it lives (`pointer` is a JSON pointer, "" for the root)."""

    value: Any
    file: Path
    pointer: str

    def child(self, *keys: str | int) -> Node:
        value, ptr = self.value, self.pointer
        for key in keys:
            if isinstance(value, list) and isinstance(key, int) and -len(value) <= key < len(value):
                value = value[key]
            else:
                value = value.get(key) if isinstance(value, dict) else None
            ptr += "/" + escape_token(str(key))
        return Node(value, self.file, ptr)


@dataclass(frozen=True)
class SpecOperation:
    method: str  # upper case
    path: str
    operation: Node | None  # None when the operation cannot be resolved
    path_item: Node

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


class SpecDocs:
    """The entry document and every file reached from it, loaded lazily and cached."""

    def __init__(self, entry: Path) -> None:
        self.entry = entry.resolve()
        self._docs: dict[Path, Any] = {}

    def load(self, path: Path) -> Any:
        path = path.resolve()
        if path not in self._docs:
            text = path.read_text(encoding="utf-8")
            if path.suffix.lower() == ".json":
                data = json.loads(text)
            else:
                data = yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
            self._docs[path] = _string_keys(data)
        return self._docs[path]

    @property
    def root(self) -> Any:
        return self.load(self.entry)

    @property
    def openapi_version(self) -> str:
        root = self.root
        if isinstance(root, dict):
            return str(root.get("openapi") or root.get("swagger") or "")
        return ""

    def at(self, file: Path, ptr: str) -> Any:
        value = self.load(file)
        for raw in [p for p in ptr.split("/")[1:]] if ptr else []:
            token = unquote(raw).replace("~1", "/").replace("~0", "~")
            if isinstance(value, list):
                value = value[int(token)]
            elif isinstance(value, dict):
                value = value[token]
            else:
                raise KeyError(ptr)
        return value

    def resolve(self, node: Node) -> Node:
        """Follow `$ref`s until a value that is not a reference; raises LookupError/OSError when one is broken."""
        for _ in range(MAX_REF_HOPS):
            value = node.value
            if not (isinstance(value, dict) and isinstance(value.get("$ref"), str)):
                return node
            ref = value["$ref"]
            file_part, _, fragment = ref.partition("#")
            if "://" in file_part:
                raise LookupError(f"remote $ref {ref!r}")
            target_file = (node.file.parent / unquote(file_part)).resolve() if file_part else node.file
            ptr = fragment if fragment.startswith("/") or fragment == "" else "/" + fragment
            node = Node(self.at(target_file, ptr), target_file, ptr)
        raise LookupError("too many $ref hops (a cycle?)")

    def try_resolve(self, node: Node) -> Node | None:
        try:
            return self.resolve(node)
        except (LookupError, OSError, ValueError, yaml.YAMLError):
            return None

    def operations(self) -> list[SpecOperation]:
        """Every (method, path) in `paths`, path-item and operation `$ref`s followed, in document order."""
        root = Node(self.root, self.entry, "")
        paths = root.child("paths")
        result: list[SpecOperation] = []
        if not isinstance(paths.value, dict):
            return result
        for path in paths.value:
            item = self.try_resolve(paths.child(path))
            if item is None or not isinstance(item.value, dict):
                continue
            for method in HTTP_METHODS:
                if method in item.value:
                    op = self.try_resolve(item.child(method))
                    ok = op is not None and isinstance(op.value, dict)
                    result.append(SpecOperation(method.upper(), path, op if ok else None, item))
        return result

    def parameters(self, op: SpecOperation) -> dict[tuple[str, str], Node]:
        """(in, name) -> resolved parameter object; operation-level ones override path-level ones."""
        merged: dict[tuple[str, str], Node] = {}
        owners = [op.path_item] + ([op.operation] if op.operation is not None else [])
        for owner in owners:
            params = owner.child("parameters")
            if not isinstance(params.value, list):
                continue
            for index in range(len(params.value)):
                param = self.try_resolve(params.child(index))
                if param is None or not isinstance(param.value, dict):
                    continue
                name, where = param.value.get("name"), param.value.get("in")
                if isinstance(name, str) and isinstance(where, str):
                    merged[(where, name)] = param
        return merged

    def request_body(self, op: SpecOperation, content_type: str) -> tuple[Node | None, Node | None]:
        """(media type object, schema) of the operation's request body for `content_type`."""
        if op.operation is None:
            return None, None
        body = self.try_resolve(op.operation.child("requestBody"))
        if body is None or not isinstance(body.value, dict):
            return None, None
        content = body.child("content")
        if not isinstance(content.value, dict) or content_type not in content.value:
            return None, None
        media = content.child(content_type)
        if not isinstance(media.value, dict):
            return None, None
        schema = media.child("schema")
        return media, (schema if schema.value is not None else None)

    def success_response_schema(self, op: SpecOperation, prefer_json: bool = True) -> Node | None:
        """The schema of the lowest 2xx response (else the lowest 3xx, else `default`), as the generator picks it."""
        if op.operation is None:
            return None
        responses = op.operation.child("responses")
        if not isinstance(responses.value, dict):
            return None
        codes = sorted(str(c) for c in responses.value if str(c).startswith("2"))
        if not codes:  # an operation whose only documented result is a redirect (`303 See Other`)
            codes = sorted(str(c) for c in responses.value if str(c).startswith("3"))
        if not codes and "default" in responses.value:
            codes = ["default"]
        if not codes:
            return None
        key = next(c for c in responses.value if str(c) == codes[0])  # YAML may read an unquoted code as an int
        response = self.try_resolve(responses.child(key))
        if response is None or not isinstance(response.value, dict):
            return None
        content = response.child("content")
        if not isinstance(content.value, dict) or not content.value:
            return None
        media_type = preferred_media_type(list(content.value)) if prefer_json else next(iter(content.value))
        schema = content.child(media_type, "schema")
        return schema if schema.value is not None else None


def is_json(media_type: str) -> bool:
    base = media_type.split(";", 1)[0].strip().lower()
    return base == "application/json" or base.endswith("+json") or base == "*/*"


def preferred_media_type(media_types: list[str]) -> str:
    """JSON first, then multipart, then form: the order the generator documents for bodies and responses."""
    for predicate in (is_json, lambda m: m.startswith("multipart/"), lambda m: m.startswith("application/x-www")):
        for media_type in media_types:
            if predicate(media_type):
                return media_type
    return media_types[0]
