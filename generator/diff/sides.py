"""One version of the API as the diff reads it: the typed document, and the IR built from the same spec."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.model.ir import Api, Model
from generator.model.ir import Operation as IrOperation
from generator.spec.build import SchemaGraph, build_document
from generator.spec.load import Spec
from generator.spec.nodes import Document, Location, Operation, PathItem, Schema


@dataclass(frozen=True)
class OperationNodes:
    """An IR operation's typed nodes: the Operation Object and the Path Item holding it."""

    item: PathItem
    operation: Operation


@dataclass
class Side:
    """One version: the loaded spec, the IR built from it, and (made here) its typed document."""

    spec: Spec
    api: Api
    graph: SchemaGraph = field(init=False)
    document: Document = field(init=False)
    _operations: dict[str, OperationNodes] = field(init=False)
    _models: dict[str, Model] = field(init=False)

    def __post_init__(self) -> None:
        self.graph = SchemaGraph(self.spec)
        self.document = build_document(self.spec, self.graph)
        self._operations = {
            str(op.location): OperationNodes(item, op)
            for item in self.document.paths.values()
            for op in item.operations
        }
        # response models by where their schema is written (request TypedDicts and aliases are no models to diff)
        self._models = {m.source: m for m in self.api.models if not m.alias and not m.request}

    def nodes(self, op: IrOperation) -> OperationNodes:
        """The typed nodes of an IR operation (named by its `source`)."""
        return self._operations[op.source]

    def model_at(self, schema: Schema) -> Model | None:
        """The generated response model of a schema, if it is one."""
        return self._models.get(str(schema.location))

    def schema_of(self, model: Model) -> Schema | None:
        """The typed schema a model is generated from."""
        return model.schema

    def place(self, location: Location) -> str:
        """`location` as a change shows it: the pointer, with the file's name when it is not the entry file."""
        pointer = location.pointer or "/"
        return pointer if location.file == self.spec.entry else f"{location.file.name}#{pointer}"
