"""`assert_matches_type`: what the generated tests check every result with."""

from __future__ import annotations

import datetime
import types
import typing
from typing import Any, Literal, Union, get_args, get_origin

import pydantic

__all__ = ["assert_matches_type"]


def assert_matches_type(expected: Any, value: object, *, path: list[str]) -> None:
    """Fail, naming where (`response.lines[0].amount`), unless `value` has the type `expected` all the
    way down: every field of a model, every item of a list, every value of a dict, the member of a union
    it matches."""
    where = ".".join(path)
    origin = get_origin(expected)
    if expected is Any or expected is object:
        return
    if origin is typing.Annotated:
        assert_matches_type(get_args(expected)[0], value, path=path)
    elif origin is Union or origin is types.UnionType:
        _assert_matches_union(get_args(expected), value, path)
    elif origin is Literal:
        assert value in get_args(expected), f"{where}: {value!r} is not one of {get_args(expected)}"
    elif expected is None or expected is type(None):
        assert value is None, f"{where}: expected None, got {value!r}"
    elif origin is list:
        assert isinstance(value, list), f"{where}: expected a list, got {value!r}"
        (item,) = get_args(expected) or (Any,)
        for index, each in enumerate(value):
            assert_matches_type(item, each, path=[*path[:-1], f"{path[-1]}[{index}]"])
    elif origin is dict:
        assert isinstance(value, dict), f"{where}: expected a dict, got {value!r}"
        _, item = get_args(expected) or (str, Any)
        for key, each in value.items():
            assert isinstance(key, str), f"{where}: key {key!r} is not a string"
            assert_matches_type(item, each, path=[*path, key])
    elif isinstance(expected, type) and issubclass(expected, pydantic.BaseModel):
        assert isinstance(value, expected), f"{where}: expected {expected.__name__}, got {value!r}"
        for name, field in type(value).model_fields.items():
            assert_matches_type(field.annotation, getattr(value, name), path=[*path, name])
    elif expected is float:
        is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
        assert is_number, f"{where}: expected a number, got {value!r}"
    elif expected is int:
        is_integer = isinstance(value, int) and not isinstance(value, bool)
        assert is_integer, f"{where}: expected an integer, got {value!r}"
    elif expected is datetime.date:  # a datetime is a date too, but not what a `date` field holds
        assert type(value) is datetime.date, f"{where}: expected a date, got {value!r}"
    elif isinstance(expected, type):
        assert isinstance(value, expected), f"{where}: expected {expected.__name__}, got {value!r}"
    else:
        raise AssertionError(f"{where}: cannot check against {expected!r}")


def _assert_matches_union(members: tuple[Any, ...], value: object, path: list[str]) -> None:
    failures = []
    for member in members:
        try:
            assert_matches_type(member, value, path=path)
        except AssertionError as failure:
            failures.append(str(failure))
        else:
            return
    tried = "; ".join(failures)
    raise AssertionError(f"{'.'.join(path)}: {value!r} matches no member of the union: {tried}")
