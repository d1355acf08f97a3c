"""EndUserDeleteResponse."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .._models import BaseModel

__all__ = ["EndUserDeleteResponse"]


class EndUserDeleteResponse(BaseModel):

    id: str
    """The ID of the deleted end-user."""

    object_type: Literal["end_user"] = Field(alias="objectType")
    """The type of object. This value is always `"end_user"`."""

    deleted: bool
    """Indicates whether the end-user was deleted."""
