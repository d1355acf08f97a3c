"""generator/targets/python/layout.py writes black's layout itself; black (pinned) is the oracle here.

Each layout function is checked against black on generated inputs of every length around the line
limit, and `settle` on whole modules: what it vouches for must be exactly what black makes of it.
The end-to-end oracle is tests/corpus_runs/test_corpus_static.py and tests/robustness/test_fuzz.py (every generated file).
"""

from __future__ import annotations

import keyword

import black
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.targets.python import layout
from generator.targets.python.pysource import docstring_text, string_literal
from generator.targets.python.formatting import _chunks, _lay_out_chunk, _merged, black_mode

NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,30}", fullmatch=True).filter(lambda name: not keyword.iskeyword(name))
TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=140)
PLAIN = st.text(st.characters(min_codepoint=32, max_codepoint=126, exclude_characters='"\\'), max_size=30)
UNCOMMENTED = st.text(st.characters(min_codepoint=32, max_codepoint=126, exclude_characters='"\\#'), max_size=30)


def settled_by_layout(source: str) -> str:
    """`source` as the format stage lays it out without formatting it whole: `settle`, then its pending
    statements laid out by black in chunks (formatting.format_all)."""
    settled = layout.settle(source)
    assert settled is not None, "every line is of a shape settle knows"
    laid_out = _merged([_lay_out_chunk(chunk) for chunk in _chunks(sorted(set(settled.pending.values())))])
    assert laid_out is not None
    return settled.text(laid_out)


def black_of(source: str) -> str:
    return black.format_str(source, mode=black_mode())


@settings(max_examples=300, deadline=None)
@given(st.lists(NAMES, min_size=1, max_size=8), st.sampled_from([0, 4, 8]), st.booleans())
def test_from_import_is_blacks(names: list[str], indent: int, nested: bool) -> None:
    names = sorted(set(names))
    indent = indent if nested else 0
    code = _nest(layout.from_import("package.module", names, indent), indent)
    assert black_of(code + "\n") == code + "\n"


def _nest(code: str, indent: int) -> str:
    """`code` (laid out at `indent`) inside as many `if True:` blocks as that indent needs."""
    levels = indent // 4
    heads = "".join("    " * level + "if True:\n" for level in range(levels))
    return heads + " " * indent + code


@settings(max_examples=300, deadline=None)
@given(st.lists(NAMES, max_size=10), st.sampled_from([8, 12, 16]), st.booleans(), NAMES)
def test_bracket_is_blacks(items: list[str], indent: int, call: bool, head: str) -> None:
    """A call's arguments and a collection as a keyword argument inside an exploded call, where the
    resource template places them (the item's comma counted in its tail, as resources.py does)."""
    opening, closing = ("f(", ")") if call else ("[", "]")
    value = layout.bracket(f"{head}_={opening}", items, closing + ",", indent, call=call)
    outer = " " * (indent - 4)
    code = _nest("request(", indent - 4) + "\n" + " " * indent + value + "\n" + outer + ")"
    assert black_of(code + "\n") == code + "\n"


@settings(max_examples=400, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=4), st.sampled_from([0, 4, 8]), st.integers(0, 6))
def test_docstring_is_blacks(paragraphs: list[str], indent: int, lead: int) -> None:
    text = docstring_text("\n".join(p if i == 0 else " " * lead + p for i, p in enumerate(paragraphs)))
    doc = layout.docstring(text, indent)
    if indent == 0:
        source = doc + "\n"
    else:
        source = "class A:\n" + ("    def f(self) -> None:\n" if indent == 8 else "") + " " * indent + doc + "\n"
    assert black_of(source) == source


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(NAMES, st.lists(PLAIN.map(string_literal), min_size=1, max_size=12)), min_size=1, max_size=6))
def test_settle_lays_out_long_statements_as_black(fields: list[tuple[str, list[str]]]) -> None:
    """Long fields, parameters and aliases (Literal annotations of any length) go to black as one batch of
    snippets and come back in place: the module is then exactly black's."""
    names = list(dict.fromkeys(name for name, _ in fields))
    values = dict(fields)
    lines = ['"""A module."""', "", "from typing import Literal", "", "", "class A:"]
    lines += [f"    {name}: Literal[{', '.join(values[name])}] | None = None" for name in names]
    lines += ["", "    def f(", "        self,"]
    lines += [f"        {name}: Literal[{', '.join(values[name])}] | None = None," for name in names]
    lines += [f"    ) -> Literal[{', '.join(values[names[0]])}]:", "        pass", "", ""]
    lines += [f"{name.upper()}_ALIAS = Literal[{', '.join(values[name])}] | int" for name in names]
    source = "\n".join(lines) + "\n"
    assert settled_by_layout(source) == black_of(source)


@settings(max_examples=150, deadline=None)
@given(NAMES, st.integers(min_value=70, max_value=120), st.sampled_from([0, 4, 8]))
def test_a_long_string_bound_to_a_name_is_kept_where_black_keeps_it(name: str, length: int, indent: int) -> None:
    """`NAME = "text"` longer than a line: kept as it is when the string would not fit inside parentheses
    either (black keeps it too); otherwise black decides (it wraps the string in parentheses)."""
    string = f'"{"w" * length}"'
    source = {0: "", 4: "class A:\n", 8: "class A:\n    def f(self) -> None:\n"}[indent]
    source += " " * indent + f"{name} = {string}\n"
    settled = layout.settle(source)
    if indent + 4 + len(string) > layout.LINE_LENGTH:
        assert settled is not None and not settled.pending
        assert settled.text({}) == black_of(source) == source
    elif indent + len(name) + 3 + len(string) > layout.LINE_LENGTH:
        assert settled is None  # black's layout, not settle's


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(NAMES, st.lists(UNCOMMENTED.map(string_literal), min_size=1, max_size=8)), min_size=1, max_size=4))
def test_settle_lays_out_long_statements_of_a_test_method_as_black(calls: list[tuple[str, list[str]]]) -> None:
    """A generated test's long statements (a call, a name bound to a call, a `with`, in a method or one block
    deeper) go to black as snippets and come back in place: the module is then exactly black's."""
    lines = ["import pytest", "", "", "class TestA:", "    async def test_a(self, client: object) -> None:"]
    for name, args in calls:
        call = f"client.{name}.with_raw_response.create({', '.join(args)})"
        lines += [f"        with pytest.raises(ValueError, match={args[0]}):", f"            {call}"]
        lines += [f"        {name} = await {call}", f"        assert_matches_type(object, {name}, path=[{', '.join(args)}])"]
    source = "\n".join(lines) + "\n"
    assert settled_by_layout(source) == black_of(source)


def test_a_long_line_inside_a_call_goes_to_black_with_its_statement() -> None:
    """The same shape continuing an open bracket is not a statement of its own: the whole statement it is part of
    goes to black as one snippet (black lays a statement out from its tokens, not from its line breaks); inside
    a statement of no known shape, the file goes to black."""
    source = "class A:\n    def f(self) -> None:\n        g(\n        h(" + ", ".join(["'x'"] * 30) + ")\n        )\n"
    settled = layout.settle(source)
    assert settled is not None and [kind for kind, _ in settled.pending.values()] == ["call"]
    assert settled_by_layout(source) == black_of(source)
    inside_a_dict = source.replace("        g(\n", "        x = {1: g(\n").replace("\n        )\n", "\n        )}\n")
    assert layout.settle(inside_a_dict) is None


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(NAMES, st.lists(UNCOMMENTED.map(string_literal), min_size=1, max_size=5)), min_size=1, max_size=3),
    st.integers(min_value=1, max_value=60),
)
def test_settle_lays_out_statements_written_over_several_lines_as_black(
    calls: list[tuple[str, list[str]]], padding: int
) -> None:
    """A generated test's call with its arguments one per line (a magic trailing comma), whose first line or one
    of whose arguments is too long: sent to black as one statement, it comes back as black lays out the file."""
    lines = ["import pytest", "", "", "class TestA:", "    async def test_a(self, async_client: object) -> None:"]
    for name, args in calls:
        head = f"async_client.{name}.{'p' * padding}.with_raw_response.create("
        lines += [f"        response = await {head}", *(f"            a{n}={arg}," for n, arg in enumerate(args)), "        )"]
        lines += [f"        async with {head.replace('raw', 'streaming')}", *(f"            a{n}={arg}," for n, arg in enumerate(args))]
        lines += ["        ) as response:", "            assert response.is_closed"]
    source = "\n".join(lines) + "\n"
    settled = layout.settle(source)
    if padding > 50:  # every call's first line is too long: each statement is pending, none sends the file whole
        assert settled is not None and len(settled.pending) == 2 * len(calls)
    if settled is not None:
        assert settled_by_layout(source) == black_of(source)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(NAMES, NAMES), min_size=1, max_size=6),
    st.integers(min_value=1, max_value=70),
    st.sampled_from(["return", "module", "if"]),
)
@example([("a", "a")], 70, "return")
@example([("a", "a")], 70, "module")
@example([("a", "a")], 70, "if")
@example([("a", "a")], 41, "if")  # every line fits: nothing pending
def test_settle_sends_a_long_entry_to_black_with_its_whole_statement(
    entries: list[tuple[str, str]], padding: int, where: str
) -> None:
    """A resource method's request (a call returned, its body a dict one entry a line), a module's wire shape (a
    name bound to a call holding a dict) and a client's `if` whose entry or condition is too long: the statement
    goes to black as one pending statement and the module comes back exactly as black lays it out."""
    long = "v" * padding
    pairs = [*entries, (long, f"to_wire({long}_value, {long.title()}_wire)")]
    if where == "return":
        body = "".join(f'                "{key}": {value},\n' for key, value in pairs)
        source = (
            "class A:\n    def create(self, name: str) -> object:\n        return self._client.request(\n"
            f'            "POST",\n            body={{\n{body}            }},\n            cast_to=object,\n        )\n'
        )
    elif where == "module":
        body = "".join(f'        "{key}": ("{value}", None),\n' for key, value in pairs)
        source = f"class A:\n    pass\n\n\nA_wire: Renames = Renames(\n    lambda: {{\n{body}    }}\n)\n"
    else:
        condition = " and ".join(f"{key} is not None" for key, _ in pairs)
        source = f"class A:\n    def f(self) -> None:\n        if {condition}:\n            pass\n"
    settled = layout.settle(source)
    assert settled is not None  # every other line fits
    kind = {"return": "return", "module": "statement", "if": "if"}[where]
    too_long = any(len(line) > layout.LINE_LENGTH for line in source.split("\n"))
    assert [k for k, _ in settled.pending.values()] == ([kind] if too_long else [])
    assert settled_by_layout(source) == black_of(source)


def test_settle_refuses_what_it_cannot_vouch_for() -> None:
    assert layout.settle("x = 1 \n") is None  # trailing whitespace
    assert layout.settle("x = [\n\t1,\n]\n") is None  # a tab
    long_call = "def f() -> None:\n    compute(" + ", ".join(f"argument_{n} + 1" for n in range(12)) + ")\n"
    assert layout.settle(long_call) is None  # a long line of no known shape: black formats the file
    docstring = '"""' + "word " * 40 + '"""\n'
    settled = layout.settle(docstring)
    assert settled is not None and not settled.pending  # a long docstring line is text, never reflowed


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.tuples(NAMES, PLAIN), max_size=12), min_size=1, max_size=6), st.booleans())
def test_lay_out_programs_gives_each_long_program_blacks_layout_and_keeps_the_others(
    bodies: list[list[tuple[str, str]]], is_async: bool
) -> None:
    """Programs shaped like code samples, one call each with a dict argument of any length: those with a long
    line come out as black makes of each alone (one batch, taken apart again), the others exactly as given."""
    programs = []
    for body in bodies:
        value = "{" + ", ".join(f"{string_literal(key)}: {string_literal(text)}" for key, text in body) + "}"
        call = ["thing = client.things.create(", f"    body={value},", ")", "print(thing.id)"]
        if is_async:
            call = ["async def main() -> None:", *("    " + line for line in call), "", "", "asyncio.run(main())"]
        programs.append("\n".join(["import os", "from package import Client", "", "client = Client(", ")", *call]))
    laid_out = layout.lay_out_programs(programs, black_of)
    for program, result in zip(programs, laid_out):
        if any(len(line) > layout.LINE_LENGTH for line in program.split("\n")):
            assert result == black_of(program + "\n").rstrip("\n")
        else:
            assert result == program


def test_the_format_stage_gives_the_same_text_in_worker_processes_and_in_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """black's work (pending statements in chunks, files formatted whole) in a pool of workers, each statement
    in a chunk of its own, and all of it in this process: the same files."""
    from generator.targets.python import formatting

    words = ['"' + letter * 12 + '"' for letter in "abcdefg"]
    calls = [f"        x{n} = client.items.with_raw_response.create({', '.join(words[: n % 7 + 1])})" for n in range(12)]
    settled = "\n".join(["class TestA:", "    def test_a(self, client: object) -> None:", *calls]) + "\n"
    whole = "x = [\n  1,2]  \ny = f(" + ", ".join(f'"{n}"' for n in range(40)) + ")\n"  # trailing blanks: not settled
    files = {"a.py": settled, "b.py": whole, "c.py": settled.replace("TestA", "TestB"), "README.md": "x"}
    assert layout.settle(settled) is not None and layout.settle(whole) is None
    alone = formatting.format_all(files, {}).files
    monkeypatch.setattr(formatting, "_CHUNK_CHARACTERS", 1)
    monkeypatch.setattr(formatting, "PARALLEL_CHARACTERS", 0)
    assert formatting.format_all(files, {}).files == alone
    # A large project: each group of files settled, parsed and its share of black's work done in one worker.
    monkeypatch.setattr(formatting, "PARALLEL_SETTLE_CHARACTERS", 0)
    assert formatting.format_all(files, {}).files == alone
    assert formatting.format_all(files, {}, verify=True).files == alone
    assert alone["a.py"] == black_of(settled) and alone["b.py"] == black_of(whole) and alone["README.md"] == "x"


@pytest.mark.parametrize("large", [False, True])
def test_generated_code_that_does_not_parse_is_an_internal_error(monkeypatch: pytest.MonkeyPatch, large: bool) -> None:
    """A file the layout vouches for (every line short) and one black formats whole (a long line): neither
    parses, and the format stage stops naming it, in this process and in the workers of a large project."""
    from generator.errors import EXIT_INTERNAL, GeneratorError
    from generator.targets.python import formatting

    if large:
        monkeypatch.setattr(formatting, "PARALLEL_SETTLE_CHARACTERS", 0)
    fine = "x = 1\n"
    short = "def f(:\n    pass\n"
    long = "y = f(" + ", ".join(f'"{n}"' for n in range(40)) + "\nz = (\n"
    for broken in (short, long):
        with pytest.raises(GeneratorError) as raised:
            formatting.format_all({"a.py": fine, "pkg/b.py": broken}, {})
        assert raised.value.exit_code == EXIT_INTERNAL
        assert "internal error: generated pkg/b.py is not valid Python" in raised.value.problems[0].message
