"""Nested interfaces by property path, as the published SDKs write them: an inline object schema of a model or
of a method's params is an interface in a namespace named after its parent (`Invoice.Line`,
`InvoiceCreateParams.LineGroup.Line`); named component schemas stay top-level types.

The model says which models are nested (`Model.path`, the property path below its module's main class) and the
parent is the model of the same module, one step up that path, whose fields name it. Inside a namespace a
member hides any outer name it shares, so a nested name never takes a name its namespace tree refers to (the
top-level types its members mention, its own root, the global types a type is spelled with: `Array`, `Record`,
`Blob`): it is suffixed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from generator.model import types as t
from generator.model.ir import Api, Model
from generator.targets.typescript import naming

# The global types a spelled type may name (types.py): a nested interface never hides them.
SPELLED_GLOBALS = ("Array", "Record", "Blob", "Stream", "ServerSentEvent")


def _trees(model: Model) -> list[t.Type]:
    return [f.type.tree for f in model.fields] + ([model.alias.tree] if model.alias else [])


def _referenced(model: Model) -> Iterator[str]:
    """The models `model` names, in the order its fields name them."""
    for tree in _trees(model):
        yield from sorted(t.models_of(tree))


@dataclass
class Nesting:
    parent: dict[str, str] = field(default_factory=dict)  # nested model -> its parent (a model's name)
    children: dict[str, list[Model]] = field(default_factory=dict)  # parent -> its nested models, in API order

    def root(self, name: str) -> str:
        while name in self.parent:
            name = self.parent[name]
        return name

    def below(self, name: str) -> Iterator[Model]:
        """Every model nested below `name`, depth first."""
        for child in self.children.get(name, []):
            yield child
            yield from self.below(child.name)


def find_nesting(api: Api, params_roots: set[str]) -> Nesting:
    """Which models nest in which: under a response or request model, or under a method's params (`params_roots`:
    the arguments models that become params interfaces)."""
    by_name = {m.name: m for m in api.models}
    nesting = Nesting()
    for model in api.models:
        if model.arguments and model.name not in params_roots:
            continue
        for name in _referenced(model):
            child = by_name.get(name)
            if child is None or child.arguments or not child.path or name in nesting.parent or name == model.name:
                continue
            if child.module == model.module and child.path[:-1] == model.path:
                nesting.parent[name] = model.name
    for model in api.models:
        if model.name in nesting.parent:
            nesting.children.setdefault(nesting.parent[model.name], []).append(model)
    return nesting


def name_nested(nesting: Nesting, root_names: dict[str, str]) -> dict[str, str]:
    """The qualified name of every nested model below a named root (`Invoice.LineGroup.Line`)."""
    names: dict[str, str] = {}
    for root, root_name in root_names.items():
        below = list(nesting.below(root))
        if not below:
            continue
        # What the namespace tree's members mention, by the first segment of its name: no member may hide it.
        hidden = set(SPELLED_GLOBALS) | {root_name}
        for model in below:
            for name in _referenced(model):
                top = nesting.root(name)
                hidden.add(root_names.get(top, naming.pascal(top)))
        _name_children(nesting, root, root_name, hidden, names)
    return names


def _name_children(nesting: Nesting, parent: str, qualified: str, hidden: set[str], names: dict[str, str]) -> None:
    siblings = set(hidden)
    for child in nesting.children.get(parent, []):
        local = naming.unique(naming.pascal(child.path[-1]), siblings, "Type")
        names[child.name] = f"{qualified}.{local}"
        _name_children(nesting, child.name, names[child.name], hidden, names)
