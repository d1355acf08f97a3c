"""Cursor pages against a local server: `for await` walks every page's items, asking for each next page with
the cursor the last one gave, stops where the API says; a server that hands back a cursor already followed
ends the walk with an error instead of looping forever."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.conftest import LocalServer, Reply
from tests.targets.typescript.conftest import run_node


def _page(ids: list[str], cursor: str | None, more: bool) -> Reply:
    return Reply(200, {"data": [{"id": i} for i in ids], "nextCursor": cursor, "hasMore": more})


def _walk(sdk: Path, server: LocalServer, tmp_path: Path) -> tuple[list[str], str]:
    entry = json.dumps((sdk / "dist" / "esm" / "index.js").as_posix())
    script = f"""import Pager from {entry};
const client = new Pager({{ baseURL: process.env.BASE_URL, maxRetries: 0, token: 'tok' }});
const seen = [];
try {{
  for await (const thing of client.things.list({{ limit: 2 }})) seen.push(thing.id);
  console.log(JSON.stringify({{ seen, error: null }}));
}} catch (e) {{
  console.log(JSON.stringify({{ seen, error: `${{e.name}}: ${{e.message}}` }}));
}}
"""
    done = run_node(script, tmp_path, BASE_URL=server.url)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    return result["seen"], result["error"]


def _cursors(server: LocalServer) -> list[list[str] | None]:
    return [parse_qs(urlsplit(r.path).query).get("cursor") for r in server.received]


def test_for_await_walks_every_page_until_the_api_says_it_is_the_last(
    small_sdk: Path, server: LocalServer, tmp_path: Path
) -> None:
    server.reply(_page(["a", "b"], "c1", True), _page(["c", "d"], "c2", True), _page(["e"], "c3", False))
    assert _walk(small_sdk, server, tmp_path) == (["a", "b", "c", "d", "e"], None)
    assert _cursors(server) == [None, ["c1"], ["c2"]]
    assert all(parse_qs(urlsplit(r.path).query)["limit"] == ["2"] for r in server.received)


def test_a_repeated_cursor_ends_the_walk_with_an_error(small_sdk: Path, server: LocalServer, tmp_path: Path) -> None:
    server.reply(*[_page(["a"], "same", True)] * 5)
    seen, error = _walk(small_sdk, server, tmp_path)
    assert seen == ["a", "a"]
    assert error == 'PagerError: The server returned the same next page twice (cursor "same"); stopping'
    assert _cursors(server) == [None, ["same"]]
