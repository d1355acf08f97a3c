"""Spec diff: what changed between two versions of an API, in the generated SDK's terms.

Both documents are compared as typed nodes (generator/spec/), where every `$ref` is followed, so moving a
schema into `components` changes nothing. Each change is classified by what it does to code written against
the OLD client when the API becomes the NEW one: `breaking` (that code or its requests stop working),
`possibly breaking` (they keep working unless they rely on something narrower, such as matching every enum
value), `minor` (additions) or `patch` (documentation and changes that do not reach the SDK's surface).

Names come from each side's IR (`client.<resource>.<method>`, keyword names, model and field names),
so a message reads as the SDK user sees it: "`end_users.delete`: parameter `id` changed type str -> int".

The modules, by kind of change: client.py (servers, security schemes), operations.py (methods added, removed,
renamed), security.py (credentials an operation accepts), parameters.py, bodies.py (request bodies),
responses.py (return types, statuses, headers), schemas.py (inside a schema: types, values, constraints,
properties, union members); changes.py classifies and orders them; diff_report.py presents them.
"""

from __future__ import annotations

from generator.diff.changes import Change, Level, group_by_level, highest, ordered
from generator.diff.client import compare_security_schemes, compare_servers
from generator.diff.comparison import Comparison
from generator.diff.operations import compare_operations
from generator.diff.sides import Side

__all__ = ["Change", "Level", "Side", "diff", "group_by_level", "highest"]


def diff(old: Side, new: Side) -> list[Change]:
    """Every change from `old` to `new`, breaking first, each listed once."""
    comparison = Comparison(old, new)
    compare_servers(comparison)
    compare_security_schemes(comparison)
    compare_operations(comparison)
    return ordered(comparison.changes)
