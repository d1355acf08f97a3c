"""Every bound the generator puts on its input, in one place (documented in README.md, "Limits").

A spec is untrusted input: past these sizes the generator stops at once with a clear message (file and
JSON pointer, exit code 2) instead of running out of memory, time or stack. Each limit is far above the
largest spec of the corpus (the figure in the comment), which all generate.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from generator.errors import Problem, pointer_from_parts
from generator.spec.refs import RefError, Target

MAX_FILE_BYTES = 64 * 1024 * 1024  # per file read; corpus: 3 MB (openai)
MAX_EXPANDED_NODES = 5_000_000  # keys and values with YAML aliases expanded; corpus: about 61,000 (openai)
# Mappings and lists inside each other, a `$ref` counting as what it points to; corpus: 77 (box). Kept well
# below Python's own limit of 200 nested brackets in one statement: each level of arrays or maps in a schema
# is a level of `List[...]` or `Dict[str, ...]` in the generated annotations, examples and tests.
MAX_NESTING_DEPTH = 160
MAX_ENUM_VALUES = 5_000  # values of one `enum`; corpus: 201 (box)
MAX_PROPERTIES = 5_000  # `properties` of one schema; corpus: 60 (openai)
MAX_OPERATIONS = 20_000  # operations in the whole spec; corpus: 659 (digitalocean)
MAX_SCHEMAS = 50_000  # entries of `components/schemas`; corpus: 1,422 (openai)
# Within MAX_NESTING_DEPTH the deepest recursion (the validator: about ten frames a level) stays far
# below this; the command line raises Python's default limit of 1,000 to it.
RECURSION_LIMIT = 20_000

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class Spec(Protocol):
    """What the checks read of a loaded spec (`load.Spec`, which calls them: typed here, not imported)."""

    entry: Path

    @property
    def root(self) -> Any: ...

    def resolve(self, ref: str, base: Path) -> Target: ...

    def follow(self, node: Any, file: Path, pointer: str) -> Target: ...


def check_limits(spec: Spec) -> list[Problem]:
    """Every limit `spec` exceeds (the nesting depth only at its first, deepest-reaching place)."""
    problems = _walk(spec)
    root = spec.root
    file = str(spec.entry)
    paths = root.get("paths") if isinstance(root, dict) else None
    if isinstance(paths, dict):
        count = 0
        for path, item in paths.items():
            try:
                item = spec.follow(item, spec.entry, pointer_from_parts(["paths", path])).value
            except RefError:  # reported by the loader
                continue
            if isinstance(item, dict):
                count += sum(1 for method in HTTP_METHODS if method in item)
        if count > MAX_OPERATIONS:
            problems.append(Problem(f"{count:,} operations; the limit is {MAX_OPERATIONS:,}", file, "/paths"))
    components = root.get("components") if isinstance(root, dict) else None
    schemas = components.get("schemas") if isinstance(components, dict) else None
    if isinstance(schemas, dict) and len(schemas) > MAX_SCHEMAS:
        message = f"{len(schemas):,} component schemas; the limit is {MAX_SCHEMAS:,}"
        problems.append(Problem(message, file, "/components/schemas"))
    return problems


class _Frame:
    __slots__ = ("children", "file", "height", "node", "parts")

    def __init__(
        self, node: Any, file: Path, parts: list[object], children: Iterator[tuple[Any, Path, list[object]]]
    ) -> None:
        self.node, self.file, self.parts, self.children, self.height = node, file, parts, children, 0


def _walk(spec: Spec) -> list[Problem]:
    """Depth-first over the documents with `$ref`s followed (each node once; cycles cut), without recursion.

    The height of every finished node is remembered, so a node reached again (shared or through another
    `$ref`) is not walked again, yet its depth still counts where it is reached.
    """
    root = spec.root
    if not isinstance(root, (dict, list)):
        return []
    return _Walker(spec).walk(root)


class _Walker:
    """The state of one `_walk`: heights of finished nodes, the nodes on the current path, `$ref`s resolved."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.problems: list[Problem] = []
        self.heights: dict[int, int] = {}
        self.on_path: set[int] = set()
        self.resolved: dict[tuple[Path, str], tuple[Any, Path, list[object]] | None] = {}
        self.too_deep = False

    def walk(self, root: Any) -> list[Problem]:
        self.check_sizes(root, self.spec.entry, [])
        stack = [_Frame(root, self.spec.entry, [], self.children(root, self.spec.entry, []))]
        self.on_path.add(id(root))
        while stack:
            frame = stack[-1]
            child = next(frame.children, None)
            if child is None:
                self.finish(stack)
            elif id(child[0]) not in self.on_path:  # else a cycle through `$ref`s: its depth is already counted
                self.reach(stack, *child)
        return self.problems

    def finish(self, stack: list[_Frame]) -> None:
        """The top frame's children are all walked: its height is known."""
        frame = stack.pop()
        self.on_path.discard(id(frame.node))
        self.heights[id(frame.node)] = frame.height + 1
        if stack:
            stack[-1].height = max(stack[-1].height, frame.height + 1)

    def reach(self, stack: list[_Frame], node: Any, file: Path, parts: list[object]) -> None:
        """A child of the top frame: counted by its known height, or too deep, or walked."""
        frame = stack[-1]
        if id(node) in self.heights:
            frame.height = max(frame.height, self.heights[id(node)])
            if len(stack) + self.heights[id(node)] > MAX_NESTING_DEPTH:
                self.deeper_than_limit(file, parts)
            return
        if len(stack) >= MAX_NESTING_DEPTH:
            self.deeper_than_limit(file, parts)
            return
        self.check_sizes(node, file, parts)
        self.on_path.add(id(node))
        stack.append(_Frame(node, file, parts, self.children(node, file, parts)))

    def target(self, ref: str, file: Path) -> tuple[Any, Path, list[object]] | None:
        key = (file, ref)
        if key not in self.resolved:
            try:
                found = self.spec.resolve(ref, file)
            except RefError:  # reported by the loader
                self.resolved[key] = None
            else:
                parts: list[object] = [t.replace("~1", "/").replace("~0", "~") for t in found.pointer.split("/")[1:]]
                self.resolved[key] = (found.value, found.file, parts)
        return self.resolved[key]

    def children(self, node: Any, file: Path, parts: list[object]) -> Iterator[tuple[Any, Path, list[object]]]:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                found = self.target(ref, file)
                if found is not None:
                    yield found
            for key, value in node.items():
                if isinstance(value, (dict, list)):
                    yield value, file, [*parts, key]
        else:
            for index, value in enumerate(node):
                if isinstance(value, (dict, list)):
                    yield value, file, [*parts, index]

    def check_sizes(self, node: Any, file: Path, parts: list[object]) -> None:
        if not isinstance(node, dict):
            return
        enum, properties = node.get("enum"), node.get("properties")
        if isinstance(enum, list) and len(enum) > MAX_ENUM_VALUES:
            message = f"enum with {len(enum):,} values; the limit is {MAX_ENUM_VALUES:,}"
            self.problems.append(Problem(message, str(file), pointer_from_parts([*parts, "enum"])))
        if isinstance(properties, dict) and len(properties) > MAX_PROPERTIES:
            message = f"schema with {len(properties):,} properties; the limit is {MAX_PROPERTIES:,}"
            self.problems.append(Problem(message, str(file), pointer_from_parts([*parts, "properties"])))

    def deeper_than_limit(self, file: Path, parts: list[object]) -> None:
        """Reported once, at the first place found."""
        if self.too_deep:
            return
        self.too_deep = True
        message = (
            f"nested more than {MAX_NESTING_DEPTH} levels deep (counting each $ref as what it points to); "
            "the limit is there so that no spec exhausts the stack"
        )
        self.problems.append(Problem(message, str(file), pointer_from_parts(parts)))
