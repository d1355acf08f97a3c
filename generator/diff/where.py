"""Where a compared schema sits in the SDK, for the messages: a parameter, a keyword, a body, a response or a
model; and what a change there is called."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from generator.diff.changes import Direction
from generator.model.ir import Model, Parameter


@dataclass(frozen=True)
class BodyKeywords:
    """A request body's properties that the method takes as keywords: wire name -> keyword, and each side's
    IR parameter (their Python types name type changes)."""

    names: Mapping[str, str] = field(default_factory=dict)
    old: Mapping[str, Parameter] = field(default_factory=dict)
    new: Mapping[str, Parameter] = field(default_factory=dict)


@dataclass(frozen=True)
class Where:
    subject: str  # `end_users.delete`, or a model's name inside response models
    kind: Literal["parameter", "keyword", "body", "response", "model"]
    direction: Direction  # a request's value or a response's: changes are judged in opposite directions
    base: str = ""  # the parameter's or keyword's name, or the response's label ("error response 404")
    path: tuple[str, ...] = ()  # property names and `[]` for array items below it
    model: Model | None = None
    body: BodyKeywords | None = None  # a request body: its flattened keywords

    def below(self, name: str) -> Where:
        return Where(self.subject, self.kind, self.direction, self.base, (*self.path, name), self.model, self.body)

    def thing(self) -> str:
        """`parameter `limit``, `body `address.city``, `` (a model field is the subject itself)."""
        path = ".".join(self.path).replace(".[]", "[]")
        if self.kind in ("parameter", "keyword"):
            return f"{self.kind} `{self.base}{'.' + path if path else ''}`"
        if self.kind == "body":
            return f"body `{path}`" if path else "request body"
        if self.kind == "response":
            return f"{self.base} `{path}`" if path else self.base
        return f"`{path}`" if path else ""

    @property
    def at_body_root(self) -> bool:
        """The request body itself (its properties may be the method's keywords)."""
        return self.kind == "body" and self.direction == "request" and not self.path

    def subject_and_thing(self) -> tuple[str, str]:
        """Inside a model the field is the subject: `EndUser.email`."""
        if self.kind == "model" and self.path:
            return f"{self.subject}.{'.'.join(self.path)}".replace(".[]", "[]"), ""
        return self.subject, self.thing()


def model_where(model: Model) -> Where:
    return Where(model_label(model), "model", "response", model=model)


def model_label(model: Model) -> str:
    """A model as users import it, below `types`: `EndUser`, `qbd.Invoice`, `qbd.invoice.Line` (a nested class)."""
    namespace = model.module.rpartition(".")[0]
    if not model.exported:
        return f"{model.module}.{model.python_name}"
    return f"{namespace}.{model.python_name}" if namespace else model.python_name
