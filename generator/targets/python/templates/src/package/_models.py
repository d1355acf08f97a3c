"""The base class of every response model."""

from __future__ import annotations

import types
from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pydantic

__all__ = ["BaseModel", "construct_lenient", "discriminator"]


class BaseModel(pydantic.BaseModel):
    """A response object: snake_case attributes, wire names kept as aliases, unknown fields kept."""

    model_config = pydantic.ConfigDict(
        extra="allow", populate_by_name=True, protected_namespaces=()
    )

    _request_id: str | None = pydantic.PrivateAttr(default=None)
    """The request id the server sent with the response this object came from, if any."""
    _unvalidated: bool = pydantic.PrivateAttr(default=False)
    # Built by `construct_lenient`: some values are kept as received, so dumping them must not warn.

    def to_dict(
        self,
        *,
        mode: Literal["json", "python"] = "python",
        use_api_names: bool = True,
        exclude_unset: bool = True,
        exclude_none: bool = False,
    ) -> dict[str, Any]:
        """This object as a dict, keyed by the API's names (each key once) unless `use_api_names=False`."""
        return self.model_dump(
            mode=mode,
            by_alias=use_api_names,
            exclude_unset=exclude_unset,
            exclude_none=exclude_none,
            warnings=not self._unvalidated,
        )

    def to_json(
        self, *, indent: int | None = 2, use_api_names: bool = True, exclude_unset: bool = True
    ) -> str:
        """This object as JSON text, keyed by the API's names unless `use_api_names=False`."""
        return self.model_dump_json(
            indent=indent,
            by_alias=use_api_names,
            exclude_unset=exclude_unset,
            warnings=not self._unvalidated,
        )


def discriminator(property_name: str) -> Callable[[Any], Any]:
    """Picks a tagged-union member by the value of `property_name` (the wire name), for pydantic's Discriminator."""

    def pick(value: Any) -> Any:
        if isinstance(value, dict):
            return value.get(property_name)
        # Anything else (a number where an object belongs) has no tag: pydantic reports it, not an AttributeError.
        for name, field in getattr(type(value), "model_fields", {}).items():
            if field.alias == property_name or name == property_name:
                return getattr(value, name, None)
        return None

    return pick


# --- building a response that does not validate (strict_response_validation=False) ------------------

_adapters: dict[object, pydantic.TypeAdapter[Any]] = {}


def _errors(annotation: Any, value: object) -> tuple[int, Any]:
    """(0, the validated value) or (the number of errors, None); lax, so a JSON date string becomes a date."""
    try:
        adapter = _adapters.get(annotation)
        if adapter is None:
            adapter = _adapters[annotation] = pydantic.TypeAdapter(annotation)
    except TypeError:  # metadata that cannot be hashed: not cached
        adapter = pydantic.TypeAdapter(annotation)
    try:
        return 0, adapter.validate_python(value)
    except pydantic.ValidationError as error:
        return error.error_count(), None


def construct_lenient(annotation: Any, value: object, metadata: Sequence[object] = ()) -> Any:
    """`value` (parsed JSON) as `annotation` as far as it fits, without raising.

    What validates is validated (and coerced); a model that does not is built field by field, its
    unknown fields kept; lists, dicts and unions are walked the same way; a value that fits nowhere is
    left as received. `metadata` holds what pydantic split off a field's annotation (a discriminator).
    """
    errors, result = _errors(Annotated[(annotation, *metadata)] if metadata else annotation, value)
    if not errors:
        return result
    origin = get_origin(annotation)
    if origin is Annotated:
        inner, *inner_metadata = get_args(annotation)
        return construct_lenient(inner, value, [*inner_metadata, *metadata])
    if origin in (Union, types.UnionType):
        return _lenient_union(get_args(annotation), value, metadata)
    if (
        isinstance(annotation, type)
        and issubclass(annotation, BaseModel)
        and isinstance(value, dict)
    ):
        return _lenient_model(annotation, value)
    if origin in (list, Sequence) and isinstance(value, list):
        (item,) = get_args(annotation) or (Any,)
        return [construct_lenient(item, v) for v in value]
    if origin in (dict, Mapping) and isinstance(value, dict):
        item = get_args(annotation)[1] if get_args(annotation) else Any
        return {key: construct_lenient(item, v) for key, v in value.items()}
    return value


def _lenient_model(model: type[BaseModel], data: dict[str, Any]) -> BaseModel:
    fields: dict[str, Any] = {}
    used: set[str] = set()
    for name, field in model.model_fields.items():
        key = field.alias if field.alias in data else name
        if key in data:
            used.add(key)
            fields[name] = construct_lenient(field.annotation, data[key], field.metadata)
    result = model.model_construct(_fields_set=set(fields), **fields)
    # Unknown fields are kept under their wire names, as validation keeps them.
    object.__setattr__(
        result, "__pydantic_extra__", {k: v for k, v in data.items() if k not in used}
    )
    result._unvalidated = True
    return result


def _lenient_union(members: Sequence[Any], value: object, metadata: Sequence[object]) -> Any:
    """The member a tagged union's discriminator picks, else the one of the value's shape it fits best."""
    if value is None:
        return None
    picked = _tagged_member(members, value, metadata)
    if picked is not None:
        return construct_lenient(picked, value)
    fitting = [member for member in members if _same_shape(member, value)]
    if not fitting:
        return value
    return construct_lenient(min(fitting, key=lambda member: _errors(member, value)[0]), value)


def _tagged_member(members: Sequence[Any], value: object, metadata: Sequence[object]) -> Any:
    picker = next(
        (m.discriminator for m in metadata if isinstance(m, pydantic.Discriminator)), None
    )
    if not callable(picker):
        return None
    tag = picker(value)
    for member in members:
        if get_origin(member) is Annotated and any(
            isinstance(m, pydantic.Tag) and m.tag == tag for m in get_args(member)[1:]
        ):
            return member
    return None


def _same_shape(annotation: Any, value: object) -> bool:
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):  # a union inside a union (a tagged one, made optional)
        return any(_same_shape(member, value) for member in get_args(annotation))
    if isinstance(value, dict):
        is_model = isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel)
        return is_model or origin in (dict, Mapping)
    if isinstance(value, list):
        return origin in (list, Sequence)
    return False
