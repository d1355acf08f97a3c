"""Stage 1: read the spec file and every file its `$ref`s reach; check that every `$ref` resolves.

Nothing here knows OpenAPI beyond `$ref`: the result is plain JSON-like data plus a resolver.
No network access, ever: a `$ref` to a URL is refused.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import unquote

import yaml

from generator.errors import GeneratorError, Problem, pointer_from_parts, pointer_parts
from generator.spec.limits import MAX_EXPANDED_NODES, MAX_FILE_BYTES, check_limits
from generator.spec.refs import RefCycleError, RefError, Target

_CYCLE_SHOWN = 8  # places of a `$ref` cycle named in its message
_URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass
class Document:
    """One parsed file. `lines` maps id(mapping) -> (line of the mapping, {key: line})."""

    path: Path
    data: Any
    lines: dict[int, tuple[int, dict[str, int]]] = field(default_factory=dict)
    digest: str = ""  # sha256 of the file's bytes

    def line_of(self, pointer: str) -> int | None:
        """The line of the deepest mapping key on `pointer` we know of (YAML only)."""
        node, best = self.data, None
        for token in pointer_parts(pointer):
            info = self.lines.get(id(node)) if isinstance(node, dict) else None
            if info is not None:
                best = info[1].get(token, info[0])
            try:
                node = node[int(token)] if isinstance(node, list) else node[token]
            except (KeyError, IndexError, ValueError, TypeError):
                break
        else:
            info = self.lines.get(id(node)) if isinstance(node, dict) else None
            if info is not None and best is None:
                best = info[0]
        return best


class Spec:
    """The entry document and every document reachable from it through `$ref`s."""

    def __init__(self, entry: Path, allow_outside_refs: bool = False) -> None:
        self.entry = entry
        self.base_dir = entry.parent
        self.allow_outside_refs = allow_outside_refs
        self.documents: dict[Path, Document] = {}
        self.problems: list[Problem] = []
        self._file_refs: dict[tuple[Path, str], Path] = {}  # (referring file, file part of a $ref) -> file, checked

    @property
    def root(self) -> Any:
        return self.documents[self.entry].data

    def digest(self) -> str:
        """Identifies the content of every file read, wherever the spec's folder is."""
        combined = hashlib.sha256()
        for path in sorted(self.documents):
            name = path.relative_to(self.base_dir).as_posix() if path.is_relative_to(self.base_dir) else str(path)
            combined.update(f"{name}\0{self.documents[path].digest}\0".encode())
        return combined.hexdigest()[:32]

    def document(self, path: Path) -> Document:
        if path not in self.documents:
            self.documents[path] = _parse_file(path, self.problems)
        return self.documents[path]

    def resolve(self, ref: str, base: Path) -> Target:
        """Follow one `$ref` written in file `base`."""
        file_part, _, fragment = ref.partition("#")
        path = self._referred_file(ref, base, file_part) if file_part else base
        pointer = unquote(fragment)
        if pointer and not pointer.startswith("/"):
            raise RefError(f"$ref {ref!r}: the part after '#' must be a JSON pointer starting with '/'")
        node = self.documents[path].data
        for token in pointer_parts(pointer):
            try:
                node = node[int(token)] if isinstance(node, list) else node[token]
            except (KeyError, IndexError, ValueError, TypeError):
                raise RefError(f"$ref {ref!r}: {path.name} has nothing at {pointer}") from None
        return Target(node, path, pointer)

    def _referred_file(self, ref: str, base: Path, file_part: str) -> Path:
        """The file a `$ref`'s file part names (read on first use), checked once per referring file."""
        if (base, file_part) in self._file_refs:
            return self._file_refs[(base, file_part)]
        if _URL_SCHEME.match(file_part):
            raise RefError(f"$ref {ref!r} points to a URL; only local files are read")
        path = (base.parent / unquote(file_part)).resolve()
        if not self.allow_outside_refs and not path.is_relative_to(self.base_dir):
            raise RefError(
                f"$ref {ref!r} points outside the spec's folder {self.base_dir} "
                "(pass --allow-outside-refs to permit it)"
            )
        if not path.is_file():
            raise RefError(f"$ref {ref!r}: {path} does not exist or is not a regular file")
        if path not in self.documents:
            before = len(self.problems)
            self.document(path)
            if len(self.problems) > before:
                raise RefError(f"$ref {ref!r}: file {path} could not be read")
        self._file_refs[(base, file_part)] = path
        return path

    def follow(self, node: Any, file: Path, pointer: str) -> Target:
        """Follow `$ref` chains from `node` to a value that is not a `$ref`."""
        seen: dict[tuple[Path, str], int] = {}  # place -> position on the chain
        target = Target(node, file, pointer)
        while isinstance(target.value, dict) and isinstance(target.value.get("$ref"), str):
            key = (target.file, target.pointer)
            if key in seen:
                places = list(seen)[seen[key] :]
                first = places.index(min(places))  # the same cycle is named the same way from anywhere
                places = places[first:] + places[:first]
                raise RefCycleError(self.describe_cycle(places), places)
            seen[key] = len(seen)
            target = self.resolve(target.value["$ref"], target.file)
        return target

    def describe_cycle(self, places: list[tuple[Path, str]]) -> str:
        """`$ref cycle: #/a -> #/b -> #/a ...` for places that each only refer to the next."""
        names = [self.place(file, pointer) for file, pointer in places[:_CYCLE_SHOWN]]
        if len(places) > _CYCLE_SHOWN:
            names.append(f"... ({len(places) - _CYCLE_SHOWN} more)")
        names.append(names[0])
        return f"$ref cycle: {' -> '.join(names)}: each is only a $ref to the next, so none is defined"

    def place(self, file: Path, pointer: str) -> str:
        """`#/pointer` in the entry file, `other.yaml#/pointer` in another (relative to the spec's folder)."""
        if file == self.entry:
            return f"#{pointer}"
        name = file.relative_to(self.base_dir).as_posix() if file.is_relative_to(self.base_dir) else str(file)
        return f"{name}#{pointer}"


def load_spec(path: Path, allow_outside_refs: bool = False) -> Spec:
    """Read the entry file and all it references; raise every problem found at once."""
    path = path.resolve()
    if not path.exists():
        raise GeneratorError(Problem("file not found", file=str(path)))
    if not path.is_file():
        raise GeneratorError(Problem("not a file", file=str(path)))
    spec = Spec(path, allow_outside_refs)
    spec.document(path)
    if spec.problems:
        raise GeneratorError(spec.problems)
    _check_refs(spec)
    if spec.problems:
        raise GeneratorError(spec.problems)
    limits = check_limits(spec)  # before anything that recurses into the spec (the validator, the model)
    if limits:
        raise GeneratorError(limits)
    return spec


def check_again(spec: Spec) -> None:
    """The `$ref` and size checks of `load_spec` once more, for a spec changed after loading (overlays)."""
    _check_refs(spec)
    if spec.problems:
        raise GeneratorError(spec.problems)
    limits = check_limits(spec)
    if limits:
        raise GeneratorError(limits)


def _check_refs(spec: Spec) -> None:
    """Resolve every `$ref` reachable from the entry document, reporting each one that fails."""
    visited: set[tuple[Path, int]] = set()
    chained: set[tuple[Path, str]] = set()  # `$ref`s to `$ref`s whose chain was already followed
    stack: list[tuple[Path, Any, list[object]]] = [(spec.entry, spec.root, [])]
    while stack:
        file, node, parts = stack.pop()
        for child_parts, ref in _refs_in(node, parts):
            try:
                target = spec.resolve(ref, file)
            except RefError as exc:
                pointer = pointer_from_parts(child_parts)
                line = spec.documents[file].line_of(pointer)
                spec.problems.append(Problem(str(exc), str(file), pointer, line))
                continue
            if _is_ref(target.value):  # a `$ref` to a `$ref`: the chain must end at a value, not come back
                cycle = _chain_cycle(spec, target, chained)
                if cycle is not None:  # reported once, where the first `$ref` of the cycle stands
                    cycle_file, cycle_pointer = cycle.places[0]
                    pointer = f"{cycle_pointer}/$ref"
                    line = spec.documents[cycle_file].line_of(pointer)
                    spec.problems.append(Problem(str(cycle), str(cycle_file), pointer, line))
                    continue
            key = (target.file, id(target.value))
            if key not in visited and isinstance(target.value, (dict, list)):
                visited.add(key)
                stack.append((target.file, target.value, list(pointer_parts(target.pointer))))


def _chain_cycle(spec: Spec, start: Target, chained: set[tuple[Path, str]]) -> RefCycleError | None:
    """The cycle a chain of `$ref`s from `start` runs into, unless an earlier chain already went this way.

    Each place is followed once over all chains, so thousands of `$ref`s in a row take linear time.
    """
    path: list[tuple[Path, str]] = []
    target = start
    while _is_ref(target.value):
        key = (target.file, target.pointer)
        if key in path:
            chained.update(path)
            places = path[path.index(key) :]
            first = places.index(min(places))  # the same cycle is named the same way from anywhere
            places = places[first:] + places[:first]
            return RefCycleError(spec.describe_cycle(places), places)
        if key in chained:
            break
        path.append(key)
        try:
            target = spec.resolve(target.value["$ref"], target.file)
        except RefError:
            break  # reported where that `$ref` stands
    chained.update(path)
    return None


def _is_ref(node: Any) -> bool:
    return isinstance(node, dict) and isinstance(node.get("$ref"), str)


def _refs_in(node: Any, parts: list[object]) -> Iterator[tuple[list[object], str]]:
    """Yield (location of the $ref, ref string) for each `$ref` inside `node`."""
    stack: list[tuple[Any, list[object]]] = [(node, parts)]
    while stack:
        current, where = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str):
                yield [*where, "$ref"], ref
            for key, value in current.items():
                if isinstance(value, (dict, list)):
                    stack.append((value, [*where, key]))
        elif isinstance(current, list):
            for index, value in enumerate(current):
                if isinstance(value, (dict, list)):
                    stack.append((value, [*where, index]))


def _parse_file(path: Path, problems: list[Problem]) -> Document:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(f"cannot read file: {exc.strerror or exc}", str(path)))
        return Document(path, None)
    if len(raw) > MAX_FILE_BYTES:
        problems.append(Problem(f"file is larger than {MAX_FILE_BYTES} bytes", str(path)))
        return Document(path, None)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(Problem(f"not UTF-8 text (byte {exc.start})", str(path)))
        return Document(path, None)
    document = (
        _parse_json(path, text, problems) if path.suffix.lower() == ".json" else _parse_yaml(path, text, problems)
    )
    document.digest = hashlib.sha256(raw).hexdigest()
    return document


def _parse_json(path: Path, text: str, problems: list[Problem]) -> Document:
    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                problems.append(Problem(f"duplicate key {key!r} in one object", str(path)))
            result[key] = value
        return result

    try:
        data = json.loads(text, object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as exc:
        problems.append(Problem(f"invalid JSON: {exc.msg} (column {exc.colno})", str(path), line=exc.lineno))
        return Document(path, None)
    except RecursionError:
        problems.append(Problem("JSON nested too deeply", str(path)))
        return Document(path, None)
    return Document(path, data)


_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _SpecLoader(_BaseLoader):  # type: ignore[misc]
    """Safe YAML loader that keeps dates as strings, keys as written, and records lines."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, re.Pattern[str]]]]] = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.lines: dict[int, tuple[int, dict[str, int]]] = {}
        self.duplicates: list[tuple[str, int]] = []


def _construct_mapping(loader: _SpecLoader, node: yaml.MappingNode) -> Iterator[dict[str, Any]]:
    data: dict[str, Any] = {}
    yield data
    loader.flatten_mapping(node)
    key_lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            key = key_node.value  # keep `200`, `true`, `1.0` exactly as written
        else:
            key = json.dumps(loader.construct_object(key_node, deep=True), default=str)
        line = key_node.start_mark.line + 1
        if key in data:
            loader.duplicates.append((key, line))
        key_lines[key] = line
        data[key] = loader.construct_object(value_node, deep=False)
    loader.lines[id(data)] = (node.start_mark.line + 1, key_lines)


_SpecLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def _parse_yaml(path: Path, text: str, problems: list[Problem]) -> Document:
    loader = _SpecLoader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        message = " ".join(part for part in (exc.context, exc.problem) if part)
        problems.append(Problem(f"invalid YAML: {message}", str(path), line=line))
        return Document(path, None)
    except yaml.YAMLError as exc:
        problems.append(Problem(f"invalid YAML: {exc}", str(path)))
        return Document(path, None)
    except RecursionError:
        problems.append(Problem("YAML nested too deeply", str(path)))
        return Document(path, None)
    finally:
        loader.dispose()
    for key, line in loader.duplicates:
        problems.append(Problem(f"duplicate key {key!r} in one mapping", str(path), line=line))
    expansion = expanded_size(data)
    if expansion is None or expansion > MAX_EXPANDED_NODES:
        # YAML aliases let a small file stand for an enormous (or endless) tree ("billion laughs"):
        # every later stage walks the expanded tree, so refuse it here.
        size = "an endless tree" if expansion is None else f"more than {MAX_EXPANDED_NODES:,} nodes (the limit)"
        message = f"YAML aliases expand this document into {size}"
        problems.append(Problem(message, str(path)))
        return Document(path, None)
    return Document(path, data, loader.lines)


def expanded_size(data: Any) -> int | None:
    """How many nodes `data` has with every alias expanded (None: an alias contains itself).

    Shared containers are counted once per place they appear, computed without expanding them.
    """
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        node, children_done = stack.pop()
        if not isinstance(node, (dict, list)) or (id(node) in sizes and not children_done):
            continue
        children = [c for c in (node.values() if isinstance(node, dict) else node) if isinstance(c, (dict, list))]
        if children_done:
            in_progress.discard(id(node))
            total = 1 + (len(node) - len(children)) + sum(sizes[id(c)] for c in children)
            sizes[id(node)] = min(total, MAX_EXPANDED_NODES + 1)
            continue
        if id(node) in in_progress:
            return None
        in_progress.add(id(node))
        stack.append((node, True))
        for child in children:
            if id(child) in in_progress:
                return None
            stack.append((child, False))
    return sizes.get(id(data), 1)
