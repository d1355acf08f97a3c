"""Python's names: spec names become readable, valid, collision-free Python identifiers (the model's `Naming`).

snake_case for attributes, methods, arguments, fields and modules, PascalCase for classes, CONSTANT_CASE for
environment variables; a keyword, a soft keyword, `self` or `cls` gets a trailing `_`, a leading digit a prefix,
and a name is cut at 80 characters. The reserved sets are the names the generated package keeps for itself.
"""

from __future__ import annotations

import keyword

from generator.model.naming import words

RESERVED_EVERYWHERE = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | {"self", "cls"}
MAX_IDENTIFIER_LENGTH = 80

# Names the generated package uses itself; a generated client class may not shadow them.
RESERVED_CLIENT_NAMES = frozenset(
    {
        "BaseModel",
        "APIError",
        "NotGiven",
        "Timeout",
        "RequestOptions",
        "APIResponse",
        "DefaultHttpxClient",
        "DefaultAsyncHttpxClient",
        "DefaultAioHttpClient",
    }
)
# Keywords every generated method has, and attributes every resource class has.
RESERVED_ARGUMENTS = frozenset(
    {"self", "extra_headers", "extra_query", "extra_body", "timeout"}
    # Names a method body uses: an argument called `type` would break `cast_to=type(None)`.
    | {
        "object",
        "type",
        "str",
        "bytes",
        "int",
        "float",
        "bool",
        "list",
        "dict",
        "cast",
        "type_of",
        "warnings",
        "to_wire",
    }
)
# Attributes every resource class has, and builtins its annotations use (a method named `str` would
# shadow the type in the class body; `list` and `dict` are safe because annotations use typing's).
RESERVED_RESOURCE_ATTRIBUTES = frozenset(
    {"with_raw_response", "with_streaming_response", "str", "int", "float", "bool", "bytes", "object", "type"}
)
# Attributes of the generated client classes; a top-level resource may not take one of these names.
RESERVED_CLIENT_ATTRIBUTES = frozenset(
    {"request", "close", "is_closed", "base_url", "timeout", "max_retries", "with_options", "copy"}
    | {"with_raw_response", "with_streaming_response", "get", "post", "put", "patch", "delete", "request_page"}
)
# Names a generated model or field must not take, because generated modules import or inherit them.
RESERVED_MODEL_NAMES = frozenset(
    {
        *("BaseModel", "Field", "Literal", "Mapping", "cast", "date", "datetime", "Annotated", "Tag", "Discriminator"),
        *("FileTypes", "List", "Dict", "TypedDict", "Required", "TypeAlias"),
        # the runtime's renaming tables (`_transform`), imported beside models
        *("Renames", "ListOf", "MapOf", "OneOf"),
        # the server-sent events runtime (`_streaming`), imported beside the models a stream yields
        *("Stream", "AsyncStream", "ServerSentEvent"),
    }
)
RESERVED_FIELD_NAMES = frozenset(
    {
        *("copy", "dict", "json", "schema", "construct", "validate", "fields", "parse_obj", "parse_raw", "parse_file"),
        *("from_orm", "schema_json", "update_forward_refs", "to_dict", "to_json", "date", "datetime", "Field"),
        *("Literal", "BaseModel", "list", "str", "int", "float", "bool", "bytes", "object", "discriminator"),
        *("Annotated", "Tag", "Discriminator", "cast", "List", "Dict"),
        # pydantic's own BaseModel attributes
        *("model_config", "model_fields", "model_computed_fields", "model_extra", "model_fields_set"),
        *("model_construct", "model_copy", "model_dump", "model_dump_json", "model_json_schema"),
        *("model_parametrized_name", "model_post_init", "model_rebuild", "model_validate", "model_validate_json"),
        *("model_validate_strings",),
    }
)


def snake_case(name: str, fallback: str = "value") -> str:
    """'objectType' -> 'object_type'; keywords get a trailing '_'; empty or non-Latin -> fallback."""
    result = "_".join(words(name)) or fallback
    return _safe(result, prefix="n_")


def pascal_case(name: str, fallback: str = "Model") -> str:
    """'end_user delete response' -> 'EndUserDeleteResponse'."""
    result = "".join(w[:1].upper() + w[1:] for w in words(name)) or fallback
    return _safe(result, prefix="N")


def constant_case(name: str, fallback: str = "VALUE") -> str:
    return _safe("_".join(words(name)).upper() or fallback, prefix="N_")


def _safe(identifier: str, prefix: str) -> str:
    if identifier[0].isdigit():
        identifier = prefix + identifier
    identifier = identifier[:MAX_IDENTIFIER_LENGTH]
    if identifier in RESERVED_EVERYWHERE or identifier == "_":
        identifier += "_"
    return identifier


class PythonNaming:
    """The model's `Naming` for the Python SDK."""

    reserved_client_names = RESERVED_CLIENT_NAMES
    reserved_client_attributes = RESERVED_CLIENT_ATTRIBUTES
    reserved_resource_attributes = RESERVED_RESOURCE_ATTRIBUTES
    reserved_arguments = RESERVED_ARGUMENTS
    reserved_model_names = RESERVED_MODEL_NAMES
    reserved_field_names = RESERVED_FIELD_NAMES

    # Every kind of lowercase name is snake_case in Python: one function under each name the model asks for.
    attribute = method = argument = field = module = staticmethod(snake_case)
    class_name = staticmethod(pascal_case)
    constant = staticmethod(constant_case)

    @staticmethod
    def escaped(name: str) -> str:
        return f"{name}_"


PYTHON_NAMING = PythonNaming()
