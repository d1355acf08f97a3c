"""Stage 2: check the loaded spec against the OpenAPI schema (openapi-spec-validator).

Every error is reported, each with its file, line (YAML) and JSON pointer. With `lenient`, errors come
back as warnings and the caller goes on, provided the document still has the shape the model needs.
"""

from __future__ import annotations

import importlib.metadata
import multiprocessing
import multiprocessing.process
import time
from typing import Any

from generator.errors import GeneratorError, Problem, pointer_from_parts
from generator.load import Spec

MAX_REPORTED = 200


VALIDATOR = f"openapi-spec-validator {importlib.metadata.version('openapi-spec-validator')}"


def validation_stamp(spec: Spec) -> str:
    """Names this exact spec content and validator: a spec once found valid need not be validated again."""
    return f"{spec.digest()} by {VALIDATOR}"


def validate_spec(spec: Spec, lenient: bool = False) -> list[Problem]:
    """Raise GeneratorError listing every validation error; in lenient mode return them instead."""
    return Validation(spec, lenient, background=False).result()


class Validation:
    """Validation of one spec, run in a forked process while the caller goes on building the model.

    On a 2-core machine validating a large spec takes about as long as everything else up to
    formatting; running both at once saves most of it. Where fork is not available, or when asked,
    it runs in the caller. `result()` returns the warnings or raises, exactly as validating in line.
    """

    def __init__(self, spec: Spec, lenient: bool, background: bool = True) -> None:
        self.spec, self.lenient = spec, lenient
        self._version = _openapi_version(spec.root, str(spec.entry))  # quick problems are raised at once
        self._problems: list[Problem] | None = None
        self.started = time.perf_counter()
        self.seconds: float | None = None  # how long validating took, once `result()` has returned
        self._process: multiprocessing.process.BaseProcess | None = None
        if background and "fork" in multiprocessing.get_all_start_methods():
            self._receiver, sender = multiprocessing.get_context("fork").Pipe(duplex=False)
            self._process = multiprocessing.get_context("fork").Process(target=self._run, args=(sender,), daemon=True)
            self._process.start()
            sender.close()

    def _run(self, sender: Any) -> None:
        sender.send(_problems(self.spec, self._version))
        sender.send(time.perf_counter() - self.started)
        sender.close()

    def result(self) -> list[Problem]:
        if self._problems is None:
            self._problems = self._collect()
        if self._problems and not self.lenient:
            raise GeneratorError(self._problems)
        _check_minimum_shape(self.spec.root, str(self.spec.entry))
        return self._problems

    def _collect(self) -> list[Problem]:
        if self._process is None:
            in_line = _problems(self.spec, self._version)
            self.seconds = time.perf_counter() - self.started
            return in_line
        try:
            problems: list[Problem] = self._receiver.recv()
            self.seconds = self._receiver.recv()  # measured in the process, not counting our wait
        except EOFError:  # the process died (killed, out of memory): validate here instead
            problems = _problems(self.spec, self._version)
            self.seconds = time.perf_counter() - self.started
        self._process.join()
        return problems


def _problems(spec: Spec, version: str) -> list[Problem]:
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator  # heavy: only when validating

    file = str(spec.entry)
    validator_class = OpenAPIV31SpecValidator if version.startswith("3.1") else OpenAPIV30SpecValidator
    validator = validator_class(spec.root, base_uri=spec.entry.as_uri())
    problems: list[Problem] = []
    for error in validator.iter_errors():
        if len(problems) == MAX_REPORTED:
            problems.append(Problem(f"more than {MAX_REPORTED} errors; stopped listing", file))
            break
        problems.append(_problem(spec, error))
    return problems


def _openapi_version(root: Any, file: str) -> str:
    if not isinstance(root, dict):
        raise GeneratorError(Problem("the document must be a mapping (an OpenAPI object)", file, ""))
    if "swagger" in root:
        raise GeneratorError(
            Problem(
                f"this is a Swagger {root.get('swagger')} document; this generator reads OpenAPI 3.0 "
                "and 3.1. Convert it to OpenAPI 3 first (for example with the swagger2openapi tool) "
                "and generate from the result.",
                file,
                "/swagger",
            )
        )
    version = root.get("openapi")
    if not isinstance(version, str) or not version.startswith(("3.0", "3.1")):
        raise GeneratorError(
            Problem(f"unsupported or missing 'openapi' version {version!r}; expected 3.0.x or 3.1.x", file, "/openapi")
        )
    return version


def _problem(spec: Spec, error: Any) -> Problem:
    parts = list(getattr(error, "absolute_path", []) or [])
    pointer = pointer_from_parts(parts)
    message = getattr(error, "message", None) or str(error).splitlines()[0]
    line = spec.documents[spec.entry].line_of(pointer)
    return Problem(message, str(spec.entry), pointer, line)


def _check_minimum_shape(root: dict[str, Any], file: str) -> None:
    """Even in lenient mode the model needs these to be of the right type."""
    problems: list[Problem] = []
    for key, kind in (("info", dict), ("paths", dict), ("components", dict), ("servers", list), ("security", list)):
        if key in root and not isinstance(root[key], kind):
            problems.append(Problem(f"'{key}' must be a {'mapping' if kind is dict else 'list'}", file, "/" + key))
    if problems:
        raise GeneratorError(problems)
