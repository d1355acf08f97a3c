"""The TypeScript target's own pieces: string literals and doc comments as prettier keeps them, the layout
printer's choices (flat when it fits, broken otherwise, counting what follows), and names."""

from __future__ import annotations

from generator.targets.typescript import layout as d
from generator.targets.typescript.escaping import comment_lines, string
from generator.targets.typescript.naming import binding, camel, kebab, pascal, property_key, singular_pascal


def test_string_literals_pick_the_quote_prettier_picks_and_escape_what_is_invisible() -> None:
    assert string("plain") == "'plain'"
    assert string("it's") == '"it\'s"'
    assert string('it\'s "x"') == "'it\\'s \"x\"'"  # as many of each: single quotes, escaped
    assert string("a\nb\u2028c\u202ed\\") == "'a\\nb\\u2028c\\u202ed\\\\'"
    assert string("\x001") == "'\\x001'"  # not `\01`, an octal escape


def test_doc_comments_cannot_be_closed_by_spec_text() -> None:
    assert comment_lines("a */ b\r\nc\u2029d  \n\n") == ["a *\\/ b", "c", "d"]
    assert comment_lines("  \n") == []


def test_groups_stay_flat_when_they_and_the_text_after_them_fit() -> None:
    call = ("f", d.delimited("(", ["alpha", "beta"], ")"), ";")
    assert d.render(call, width=15) == "f(alpha, beta);"
    assert d.render(call, width=14) == "f(\n  alpha,\n  beta,\n);"  # the `;` after the group counts


def test_a_property_union_moves_to_the_next_line_before_it_breaks_with_leading_bars() -> None:
    member = (d.after("status?:", d.union(["'aaaaaaaa'", "'bbbbbbbb'"])), ";")
    assert d.render(member, width=40) == "status?: 'aaaaaaaa' | 'bbbbbbbb';"
    assert d.render(member, width=30) == "status?:\n  'aaaaaaaa' | 'bbbbbbbb';"
    assert d.render(member, width=20) == "status?:\n  | 'aaaaaaaa'\n  | 'bbbbbbbb';"


def test_names() -> None:
    assert camel("end_users") == camel("end-users") == "endUsers"
    assert pascal("end_user delete response") == "EndUserDeleteResponse"
    assert singular_pascal("end_users") == "EndUser"
    assert kebab("bills_to_pay") == "bills-to-pay"
    assert binding("default") == "default_" and binding("2fa") == "_2fa"
    assert property_key("objectType") == "objectType" and property_key("dry-run") == "'dry-run'"
