"""The types of `conductor.types`, importable as `from conductor.types import Name`.

Each type is imported on first use, so `import conductor` stays fast however large the API is.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Dict, List

if TYPE_CHECKING:
    from .end_user_delete_response import EndUserDeleteResponse as EndUserDeleteResponse

# typing's List and Dict: a module here may be named `list` or `dict`, and would shadow the builtins
_MODULES: Dict[str, str] = {
    "EndUserDeleteResponse": "end_user_delete_response",
}

__all__: List[str] = ["EndUserDeleteResponse"]


def __getattr__(name: str) -> object:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> List[str]:
    return sorted(__all__)
