"""The base class of every response model."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import pydantic

__all__ = ["BaseModel", "discriminator"]


class BaseModel(pydantic.BaseModel):
    """A response object: snake_case attributes, wire names kept as aliases, unknown fields kept."""

    model_config = pydantic.ConfigDict(
        extra="allow", populate_by_name=True, protected_namespaces=()
    )

    _request_id: str | None = pydantic.PrivateAttr(default=None)
    """The request id the server sent with the response this object came from, if any."""

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
        )

    def to_json(
        self, *, indent: int | None = 2, use_api_names: bool = True, exclude_unset: bool = True
    ) -> str:
        """This object as JSON text, keyed by the API's names unless `use_api_names=False`."""
        return self.model_dump_json(
            indent=indent, by_alias=use_api_names, exclude_unset=exclude_unset
        )


def discriminator(property_name: str) -> Callable[[Any], Any]:
    """Picks a tagged-union member by the value of `property_name` (the wire name), for pydantic's Discriminator."""

    def pick(value: Any) -> Any:
        if isinstance(value, dict):
            return value.get(property_name)
        for name, field in type(value).model_fields.items():
            if field.alias == property_name or name == property_name:
                return getattr(value, name, None)
        return None

    return pick
