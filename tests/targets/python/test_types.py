"""The Python spelling of the neutral type tree (generator/targets/python/types.py) and the tree's own rules."""

from __future__ import annotations

from generator.model import types as t
from generator.model.ir import TypeRef, WireShape
from generator.model.schemas import optional, union
from generator.targets.python.imports import Import
from generator.targets.python.types import annotation, python_type, spell


def test_each_node_spelled_with_the_imports_it_needs() -> None:
    invoice, line = t.ModelRef("QbdInvoice"), t.ModelRef("LineParam", "request")
    assert spell(t.ListOf(invoice)) == ("List[QbdInvoice]", frozenset({Import("typing", "List")}))
    assert spell(t.MapOf(line, input=True)) == (
        "Mapping[str, LineParam]",
        frozenset({Import("collections.abc", "Mapping")}),
    )
    assert spell(t.MapOf(t.ANY))[0] == "Dict[str, object]"
    assert spell(t.Primitive("string", "date-time")) == ("datetime", frozenset({Import("datetime", "datetime")}))
    assert spell(t.Primitive("string", "uuid"))[0] == "str"  # a format without a Python type of its own
    assert spell(t.Const(("a", 1, True)))[0] == 'Literal["a", 1, True]'
    assert spell(t.StreamOf(t.ServerSentEvent()))[0] == "Stream[ServerSentEvent]"
    tagged = t.Union((t.ModelRef("Cat"), t.ModelRef("Dog")), t.Discriminator("kind", (("cat",), ("dog", "puppy"))))
    text, imports = spell(tagged)
    assert text == (
        'Annotated[Annotated[Cat, Tag("cat")] | Annotated[Dog, Tag("dog")] | Annotated[Dog, Tag("puppy")], '
        'Discriminator(discriminator("kind"))]'
    )
    assert Import("pydantic", "Discriminator") in imports and Import(".._models", "discriminator") in imports


def test_a_module_writes_model_names_its_own_way_and_never_inside_literals() -> None:
    tree = t.Union((t.ListOf(t.ModelRef("QbdInvoice")), t.Const(("QbdInvoice",)), t.NONE))
    assert annotation(tree, {"QbdInvoice": "Invoice"}) == 'List[Invoice] | Literal["QbdInvoice"] | None'
    assert annotation(tree) == 'List[QbdInvoice] | Literal["QbdInvoice"] | None'


def test_classes_and_runtime_expressions() -> None:
    assert python_type(TypeRef(t.NONE)).runtime == "type(None)"
    assert python_type(TypeRef(t.ModelRef("Pet"))).is_type
    assert not python_type(TypeRef(t.ModelRef("Pet", "alias"))).is_type  # a union's alias: `type_of(...)` and a cast
    assert not python_type(TypeRef(t.ModelRef("PetParam", "request"))).is_type
    assert not python_type(optional(TypeRef(t.STRING))).is_type


def test_unions_flatten_merge_consts_and_keep_one_and_true_apart() -> None:
    a, b = TypeRef(t.Const(("a",))), TypeRef(t.Const(("b", 1)))
    merged = union([a, optional(b), TypeRef(t.Const((True,)))])
    assert annotation(merged) == 'Literal["a", "b", 1, True] | None'
    assert t.Const((1,)) != t.Const((True,))  # Python's 1 == True; JSON's 1 and true are different values
    assert union([TypeRef(t.STRING), TypeRef(t.ANY)]).tree == t.ANY


def test_wire_shape_and_models_derive_from_the_tree() -> None:
    params = TypeRef(t.Union((t.ListOf(t.ModelRef("AParam", "request")), t.ListOf(t.ModelRef("BParam", "request")))))
    assert params.models == frozenset({"AParam", "BParam"})
    # lists of several shapes become a list of their union: the runtime tells members apart by kind first
    assert params.shape == WireShape(
        "list", members=(WireShape("union", members=(WireShape("keys", "AParam"), WireShape("keys", "BParam"))),)
    )
    assert TypeRef(t.ListOf(t.ModelRef("Invoice"))).shape is None  # a response model is never renamed
    assert t.contains_file(TypeRef(t.MapOf(t.Union((t.File(), t.STRING)), input=True)).tree)
