"""How arguments become an HTTP request: query styles, headers, JSON, form and multipart bodies, files."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, Literal, cast

import pydantic

from ._types import Body, FileContent, NotGiven
from ._utils import without_not_given

__all__ = ["BodyKind", "QueryStyle", "encode_body", "encode_query", "text_values", "to_text"]

BodyKind = Literal["json", "form", "multipart", "raw"]
QueryStyle = tuple[str, bool]  # (OpenAPI style, explode)
_DEFAULT_STYLE: QueryStyle = ("form", True)
_DELIMITERS = {"form": ",", "spaceDelimited": " ", "pipeDelimited": "|"}


def to_text(value: object) -> str:
    """A scalar as it appears in a query, header or form field."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ",".join(to_text(v) for v in value)
    if isinstance(value, Mapping):
        return ",".join(f"{to_text(k)},{to_text(v)}" for k, v in value.items())
    return str(value)


def text_values(values: Mapping[str, object] | None) -> dict[str, str]:
    """Header or cookie values as text, without omitted or None ones (OpenAPI `simple` style)."""
    return {key: to_text(v) for key, v in without_not_given(values or {}).items() if v is not None}


def encode_query(
    query: Mapping[str, object] | None, styles: Mapping[str, QueryStyle] | None = None
) -> list[tuple[str, str]]:
    """Query parameters as (name, value) pairs, following each parameter's OpenAPI style.

    `form` with explode (the default) repeats the key for lists and spreads objects into their own
    keys; without explode it joins them with commas; `spaceDelimited`/`pipeDelimited` join lists with
    their delimiter; `deepObject` writes `name[key]=value`. Omitted and None values are not sent.
    """
    pairs: list[tuple[str, str]] = []
    for name, value in without_not_given(query or {}).items():
        if value is None:
            continue
        style, explode = (styles or {}).get(name, _DEFAULT_STYLE)
        if style == "deepObject" and isinstance(value, Mapping):
            pairs.extend(_deep_object(name, value))
        elif isinstance(value, Mapping) and style == "form" and explode:
            pairs.extend((str(k), to_text(v)) for k, v in value.items() if v is not None)
        elif isinstance(value, (list, tuple)):
            items = [to_text(item) for item in value if item is not None]
            if explode and style == "form":
                pairs.extend((name, item) for item in items)
            else:
                pairs.append((name, _DELIMITERS.get(style, ",").join(items)))
        else:
            pairs.append((name, to_text(value)))
    return pairs


def _deep_object(prefix: str, value: Mapping[Any, object]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for key, item in value.items():
        name = f"{prefix}[{key}]"
        if isinstance(item, Mapping):
            pairs.extend(_deep_object(name, item))
        elif isinstance(item, (list, tuple)):
            pairs.extend((f"{name}[]", to_text(v)) for v in item)
        elif item is not None:
            pairs.append((name, to_text(item)))
    return pairs


def json_default(value: object) -> object:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    raise TypeError(f"Object of type {type(value).__name__} cannot be sent as JSON")


def to_json(value: object) -> bytes:
    return json.dumps(value, default=json_default, separators=(",", ":")).encode()


# (content, form data, files, content type of `content` when it is not the operation's declared one)
Encoded = tuple[bytes | None, dict[str, Any] | None, list[tuple[str, Any]] | None, str | None]
# An empty multipart form: its boundary is fixed, as no part's data can collide with it.
_EMPTY_FORM_BOUNDARY = "empty-form-data"


def encode_body(
    body: object,
    kind: BodyKind,
    extra_body: Body | None,
    part_types: Mapping[str, str] | None = None,
) -> Encoded:
    """(content, form data, files, content type) for httpx, omitted fields dropped and `extra_body` merged in.

    `part_types` are the content types the spec's multipart `encoding` declares, by part name.
    """
    if isinstance(body, NotGiven) and not extra_body:
        return None, None, None, None
    if kind == "raw":
        if _is_file_tuple(
            body
        ):  # (name, content[, content type]): the type, when given, labels the body
            file = cast(tuple[Any, ...], body)
            return _raw_content(file[1]), None, None, file[2] if len(file) > 2 else None
        return _raw_content(body), None, None, None
    if not isinstance(body, (Mapping, NotGiven)):
        return to_json(body), None, None, None
    fields: dict[str, object] = {
        **without_not_given(body if isinstance(body, Mapping) else {}),
        **(extra_body or {}),
    }
    if kind == "json":
        return to_json(fields), None, None, None
    if kind == "form":
        return None, _form_fields(fields), None, None
    parts = _multipart_parts(fields, part_types or {})
    if not parts:
        # httpx sends no body at all for an empty `files`; the call still sends an (empty) form, as a JSON body
        # with no fields is still `{}`
        empty = f"--{_EMPTY_FORM_BOUNDARY}--\r\n".encode()
        return empty, None, None, f"multipart/form-data; boundary={_EMPTY_FORM_BOUNDARY}"
    return None, None, parts, None


def _multipart_parts(
    fields: Mapping[str, object], part_types: Mapping[str, str]
) -> list[tuple[str, Any]]:
    """Multipart parts, plain fields before files (some APIs need the metadata first).

    Plain fields go in as file-less parts: httpx would send a body with no file part as a urlencoded form.
    Lists become one part per item. Objects are JSON with `Content-Type: application/json`, OpenAPI's
    default for an object-valued part; scalars are text, without a content type (text/plain). A content
    type the spec declares for a part labels its scalars and the files given without one.
    """
    parts: list[tuple[str, Any]] = []
    files: list[tuple[str, Any]] = []
    for name, value in fields.items():
        declared = part_types.get(name)
        if any(is_file(item) for item in _items(value)):
            files.extend((name, _file(item, declared)) for item in _items(value) if is_file(item))
            continue
        for item in _items(value):
            if item is None:
                continue
            if isinstance(item, (Mapping, pydantic.BaseModel)):
                parts.append((name, (None, to_json(item).decode(), "application/json")))
            elif declared:
                parts.append((name, (None, to_text(item), declared)))
            else:
                parts.append((name, (None, to_text(item))))
    return [*parts, *files]


def _items(value: object) -> Sequence[object]:
    return value if isinstance(value, (list, tuple)) and not _is_file_tuple(value) else [value]


def _form_fields(fields: Mapping[str, object]) -> dict[str, Any]:
    """Urlencoded form fields: scalars as text, lists repeated, objects as JSON."""
    result: dict[str, Any] = {}
    for name, value in fields.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            result[name] = [
                to_json(v).decode() if isinstance(v, Mapping) else to_text(v) for v in value
            ]
        elif isinstance(value, (Mapping, pydantic.BaseModel)):
            result[name] = to_json(value).decode()
        else:
            result[name] = to_text(value)
    return result


def is_file(value: object) -> bool:
    return _is_file_content(value) or _is_file_tuple(value)


def _is_file_content(value: object) -> bool:
    return isinstance(value, (bytes, bytearray, os.PathLike, io.IOBase)) or hasattr(value, "read")


def _is_file_tuple(value: object) -> bool:
    """(name, content[, content type[, headers]]) with file content: a tuple of strings is a list of values."""
    return (
        isinstance(value, tuple)
        and 2 <= len(value) <= 4
        and (value[0] is None or isinstance(value[0], str))
        and _is_file_content(value[1])
    )


# The file name of a part given as bytes or a nameless file object. httpx uses the same one; without any,
# many servers would read the part as a plain form field rather than a file.
_UNNAMED_FILE = "upload"


def _file(value: object, declared_type: str | None = None) -> Any:
    """A file argument as httpx wants it: (name, content[, content type[, headers]]).

    A content type the caller gives wins; otherwise the spec's declared one, else httpx guesses from the name.
    """
    if isinstance(value, tuple):
        name, content, *rest = value
        if not rest and declared_type:
            rest = [declared_type]
        return (name, _file_content(content), *rest)
    if isinstance(value, os.PathLike):
        path = Path(os.fspath(value))
        name, content = path.name, path.read_bytes()
    elif isinstance(value, (bytes, bytearray)):
        name, content = _UNNAMED_FILE, bytes(value)
    else:
        name, content = os.path.basename(str(getattr(value, "name", ""))) or _UNNAMED_FILE, value
    return (name, content, declared_type) if declared_type else (name, content)


def _file_content(content: FileContent) -> bytes | IO[bytes]:
    if isinstance(content, os.PathLike):
        return Path(os.fspath(content)).read_bytes()
    return content


def _raw_content(body: object) -> bytes:
    if isinstance(body, str):
        return body.encode()
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    if isinstance(body, os.PathLike):
        return Path(os.fspath(body)).read_bytes()
    if isinstance(body, io.IOBase) or hasattr(body, "read"):
        data = cast(IO[Any], body).read()
        return data.encode() if isinstance(data, str) else bytes(data)
    return to_json(body)
