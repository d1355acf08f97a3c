"""Stage 2: check the loaded spec against the OpenAPI schema (openapi-spec-validator).

Every error is reported, each with its file, line (YAML) and JSON pointer. With `lenient`, errors come
back as warnings and the caller goes on, provided the document still has the shape the model needs.
"""

from __future__ import annotations

import importlib.metadata
from typing import Any

from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

from generator.errors import GeneratorError, Problem, pointer_from_parts
from generator.load import Spec

MAX_REPORTED = 200


VALIDATOR = f"openapi-spec-validator {importlib.metadata.version('openapi-spec-validator')}"


def validation_stamp(spec: Spec) -> str:
    """Names this exact spec content and validator: a spec once found valid need not be validated again."""
    return f"{spec.digest()} by {VALIDATOR}"


def validate_spec(spec: Spec, lenient: bool = False) -> list[Problem]:
    """Raise GeneratorError listing every validation error; in lenient mode return them instead."""
    root = spec.root
    file = str(spec.entry)
    version = _openapi_version(root, file)
    validator_class = OpenAPIV31SpecValidator if version.startswith("3.1") else OpenAPIV30SpecValidator
    validator = validator_class(root, base_uri=spec.entry.as_uri())
    problems: list[Problem] = []
    for error in validator.iter_errors():
        if len(problems) == MAX_REPORTED:
            problems.append(Problem(f"more than {MAX_REPORTED} errors; stopped listing", file))
            break
        problems.append(_problem(spec, error))
    if problems and not lenient:
        raise GeneratorError(problems)
    _check_minimum_shape(root, file)
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
