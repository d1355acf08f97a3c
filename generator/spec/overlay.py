"""Between load and validate: OpenAPI Overlay 1.0 documents change the loaded spec (docs/overlays.md).

The config's `overlays` are applied in order, each action in order, to the entry document as loaded: a
JSONPath `target` (RFC 9535, evaluated by jsonpath-rfc9535) selects nodes; `update` merges into each
selected object (objects merge key by key, recursively; any other value replaces what is there) or is
appended to each selected array; `remove: true` removes each selected node. Then the `$ref` and size checks
of loading run again, and validation sees the result. Nothing is written: the spec file stays as it is.

Problems name the overlay file, the action (`/actions/N`, its line) and its target. An action that
selects nothing is a warning, or an error with `strict`. A later problem inside a value an overlay put
there says so, so a message about the spec still leads to the place that made the value.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.errors import GeneratorError, Problem, pointer_from_parts
from generator.spec.limits import MAX_EXPANDED_NODES, MAX_FILE_BYTES
from generator.spec.load import Document, Spec, check_again, expanded_size

if TYPE_CHECKING:  # imported when an overlay is applied: a run without overlays never needs it (about 0.05 s)
    import jsonpath_rfc9535

_TOP_KEYS = ("overlay", "info", "extends", "actions")
_ACTION_KEYS = ("target", "description", "update", "remove")


@dataclass(frozen=True)
class AppliedOverlay:
    """One overlay as applied: for `inspect --json` and messages."""

    file: str
    title: str
    version: str
    actions: int
    matched: int  # actions that selected at least one node


@dataclass
class Overlaid:
    applied: list[AppliedOverlay] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # (JSON pointer in the spec, overlay file, action index): values an overlay put there, latest last
    origins: list[tuple[str, str, int]] = field(default_factory=list)
    digest: str = ""  # identifies the overlays' content ("" when there are none)
    # Removed nodes, kept alive: the spec's line table is keyed by id(), which a freed node's id must not reuse.
    removed: list[Any] = field(default_factory=list)

    def annotate(self, problems: list[Problem], spec_file: str) -> list[Problem]:
        """Problems about the spec that fall inside a value an overlay set, saying which action set it."""
        if not self.origins:
            return problems
        result = []
        for problem in problems:
            origin = None
            if problem.file == spec_file and problem.pointer is not None:
                for pointer, file, index in self.origins:
                    if problem.pointer == pointer or problem.pointer.startswith(pointer + "/"):
                        origin = (file, index)
            if origin is not None:
                message = f"{problem.message} (this value comes from overlay {origin[0]}, action {origin[1]})"
                problem = Problem(message, problem.file, problem.pointer, problem.line)
            result.append(problem)
        return result


def apply_overlays(spec: Spec, paths: tuple[Path, ...], strict: bool = False) -> Overlaid:
    """Apply every overlay to `spec` in place; raise every error found (nothing is applied then)."""
    result = Overlaid()
    if not paths:
        return result
    digest = hashlib.sha256()
    documents = [_read(path) for path in paths]
    problems = [problem for document in documents for problem in _check_shape(document)]
    if problems:
        raise GeneratorError(problems)
    run = _Run(spec, result, problems, strict, _Budget(expanded_size(spec.root) or 0))
    for document in documents:
        digest.update(f"{document.path.name}\0{document.digest}\0".encode())
        result.applied.append(_apply(run, document))
    if problems:
        raise GeneratorError(problems)
    try:
        check_again(spec)
    except GeneratorError as error:  # a `$ref` or a size an overlay brought: say which action brought it
        raise GeneratorError(list(dict.fromkeys(result.annotate(error.problems, str(spec.entry))))) from None
    result.digest = digest.hexdigest()[:32]
    return result


def _read(path: Path) -> Document:
    reader = Spec(path)
    document = reader.document(path.resolve())
    if reader.problems:
        raise GeneratorError(reader.problems)
    return document


def _check_shape(document: Document) -> list[Problem]:
    """Overlay 1.0's required fields and types, each problem at its pointer."""
    file, data = str(document.path), document.data

    def problem(message: str, pointer: str) -> Problem:
        return Problem(message, file, pointer, document.line_of(pointer))

    if not isinstance(data, dict):
        return [problem("an overlay must be a mapping with 'overlay', 'info' and 'actions'", "")]
    problems = [
        problem(f"unknown overlay key {key!r}; known keys: {', '.join(_TOP_KEYS)} and x- extensions", f"/{key}")
        for key in data
        if key not in _TOP_KEYS and not str(key).startswith("x-")
    ]
    version = data.get("overlay")
    if not (isinstance(version, str) and (version == "1.0" or version.startswith("1.0."))):
        message = f"'overlay' must be the Overlay Specification version, 1.0.x; got {version!r}"
        problems.append(problem(message, "/overlay"))
    info = data.get("info")
    if not (isinstance(info, dict) and isinstance(info.get("title"), str) and isinstance(info.get("version"), str)):
        problems.append(problem("'info' must be a mapping with a 'title' and a 'version' (strings)", "/info"))
    actions = data.get("actions")
    if not (isinstance(actions, list) and actions):
        problems.append(problem("'actions' must be a list of at least one action", "/actions"))
        return problems
    for index, action in enumerate(actions):
        problems += _check_action(index, action, problem)
    return problems


def _check_action(index: int, action: Any, problem: Callable[[str, str], Problem]) -> list[Problem]:
    """One action's keys and types (`problem` places a message at a pointer of the overlay)."""
    where = f"/actions/{index}"
    if not isinstance(action, dict):
        return [problem(f"action {index} must be a mapping with 'target' and 'update' or 'remove'", where)]
    problems = [
        problem(
            f"action {index}: unknown key {key!r}; known keys: {', '.join(_ACTION_KEYS)} and x- extensions",
            f"{where}/{key}",
        )
        for key in action
        if key not in _ACTION_KEYS and not str(key).startswith("x-")
    ]
    if not isinstance(action.get("target"), str):
        problems.append(problem(f"action {index} needs a 'target': a JSONPath expression (RFC 9535)", where))
    elif "remove" in action and not isinstance(action["remove"], bool):
        problems.append(problem(f"action {index}: 'remove' must be true or false", f"{where}/remove"))
    elif "update" not in action and action.get("remove") is not True:
        message = (
            f"action {index} (target {action['target']!r}) has neither 'update' nor "
            "'remove: true', so it would do nothing"
        )
        problems.append(problem(message, where))
    return problems


@dataclass
class _Budget:
    """What the overlays may still add: an `update` is copied into every node it selects, so one small action
    can multiply a large value; its cost is checked before anything is copied."""

    nodes: int  # the spec's nodes so far (MAX_EXPANDED_NODES at most)
    bytes: int = 0  # added by the overlays so far, as JSON (MAX_FILE_BYTES at most, the largest spec file)

    def refusal(self, update: Any, selected: int) -> str | None:
        nodes = (expanded_size(update) or MAX_EXPANDED_NODES) * selected
        size = len(json.dumps(update, default=str)) * selected
        if self.nodes + nodes > MAX_EXPANDED_NODES or self.bytes + size > MAX_FILE_BYTES:
            return (
                f"copying 'update' into the {selected:,} nodes it selects would add {nodes:,} nodes and "
                f"{size:,} bytes, past the limits of {MAX_EXPANDED_NODES:,} nodes in the spec and "
                f"{MAX_FILE_BYTES:,} bytes added by overlays; select fewer nodes or make the value smaller"
            )
        self.nodes, self.bytes = self.nodes + nodes, self.bytes + size
        return None


@dataclass
class _Run:
    """One `apply_overlays`: the spec it changes, what it gathers (`result`, `problems`), whether an action that
    selects nothing is an error (`strict`), and what the overlays may still add."""

    spec: Spec
    result: Overlaid
    problems: list[Problem]
    strict: bool
    budget: _Budget


def _apply(run: _Run, document: Document) -> AppliedOverlay:
    import jsonpath_rfc9535

    spec, result, problems, strict, budget = run.spec, run.result, run.problems, run.strict, run.budget
    file = str(document.path)
    matched = 0
    for index, action in enumerate(document.data["actions"]):
        target: str = action["target"]
        where = f"/actions/{index}"
        line = document.line_of(f"{where}/target")
        try:
            nodes = jsonpath_rfc9535.find(target, spec.root)
        except jsonpath_rfc9535.JSONPathError as exc:
            error: str | None = f"not a valid JSONPath expression (RFC 9535): {exc}"
        else:
            if not nodes:
                message = f"action {index} (target {target!r}) selects nothing in {spec.entry.name}"
                if strict:
                    problems.append(Problem(f"{message} (an error with --strict-overlays)", file, where, line))
                else:
                    result.warnings.append(Problem(f"{message}; skipped", file, where, line))
                continue
            matched += 1
            if action.get("remove") is True:
                error = _remove(nodes, result.removed)
            elif (error := budget.refusal(action["update"], len(nodes))) is not None:
                problems.append(Problem(f"action {index} (target {target!r}): {error}", file, where, line))
                break  # nothing more is applied: the run stops with this error
            else:
                origins: list[str] = []
                error = _update(nodes, action["update"], origins)
                result.origins.extend((pointer, file, index) for pointer in origins)
        if error is not None:
            problems.append(Problem(f"action {index} (target {target!r}): {error}", file, where, line))
    info = document.data["info"]
    return AppliedOverlay(file, info["title"], info["version"], len(document.data["actions"]), matched)


def _remove(nodes: jsonpath_rfc9535.JSONPathNodeList, removed: list[Any]) -> str | None:
    removals: dict[int, tuple[Any, set[int | str]]] = {}
    for node in nodes:
        if not node.location or node.parent is None:
            return "cannot remove the whole document"
        parent = node.parent.value
        removed.append(node.value)
        removals.setdefault(id(parent), (parent, set()))[1].add(node.location[-1])
    for parent, keys in removals.values():
        if isinstance(parent, list):
            for index in sorted((k for k in keys if isinstance(k, int)), reverse=True):
                del parent[index]
        elif isinstance(parent, dict):
            for key in keys:
                parent.pop(key, None)
    return None


def _update(nodes: jsonpath_rfc9535.JSONPathNodeList, update: Any, origins: list[str]) -> str | None:
    """Merge `update` into each selected object or append it to each selected array; where it went goes to
    `origins`."""
    seen: set[int] = set()
    for node in nodes:
        value, pointer = node.value, pointer_from_parts(node.location)
        if isinstance(value, (dict, list)) and id(value) in seen:
            continue  # one node reached twice (a YAML alias, or a target naming it twice) changes once
        seen.add(id(value))
        if isinstance(value, dict):
            if not isinstance(update, dict):
                return f"selects an object at {pointer or '/'}, so 'update' must be an object to merge into it"
            _merge(value, update)
            origins.extend(pointer_from_parts([*node.location, key]) for key in update)
        elif isinstance(value, list):
            value.append(copy.deepcopy(update))
            origins.append(pointer_from_parts([*node.location, len(value) - 1]))
        else:
            return (
                f"selects a {type(value).__name__} at {pointer or '/'}; 'update' can change only objects (merged "
                "into) and arrays (appended to): select the object holding it instead"
            )
    return None


def _merge(target: dict[str, Any], update: dict[str, Any]) -> None:
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)
