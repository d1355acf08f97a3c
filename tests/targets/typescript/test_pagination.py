"""Cursor pages against a local server: `for await` walks every page's items, asking for each next page with
the cursor the last one gave, stops where the API says; a server that hands back a cursor already followed
ends the walk with an error instead of looping forever."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.conftest import LocalServer, Reply
from tests.targets.typescript.conftest import run_node, typecheck


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


def _things(ids: list[str], **fields: object) -> Reply:
    return Reply(200, {"data": [{"id": i} for i in ids], **fields})


def _features(sdk: Path, server: LocalServer, tmp_path: Path, body: str) -> dict[str, object]:
    entry = json.dumps((sdk / "dist" / "esm" / "index.js").as_posix())
    script = f"""import Features from {entry};
const client = new Features({{ baseURL: process.env.BASE_URL, maxRetries: 0, apiKey: 'tok' }});
const walk = async (list) => {{
  const seen = [];
  try {{
    for await (const thing of list) seen.push(thing.id);
    return {{ seen, error: null }};
  }} catch (e) {{
    return {{ seen, error: `${{e.name}}: ${{e.message}}` }};
  }}
}};
{body}
"""
    done = run_node(script, tmp_path, BASE_URL=server.url)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def _queries(server: LocalServer) -> list[dict[str, list[str]]]:
    return [parse_qs(urlsplit(r.path).query) for r in server.received]


def test_offset_page_number_last_item_and_next_url_lists_walk_every_page(
    features_sdk: Path, server: LocalServer, tmp_path: Path
) -> None:
    server.reply(
        _things(["a", "b"], total=5), _things(["c", "d"], total=5), _things(["e"], total=5),  # offset
        _things(["f"], total_pages=2), _things(["g"], total_pages=2),  # page number
        _things(["h", "i"], has_more=True), _things(["j"], has_more=False),  # after the last item's id
        _things(["k"], links={"next": "/v1/by-link?cursor=2"}),  # next URL, relative
        _things(["l"], links={"next": f"{server.url}/by-link?cursor=3"}),  # absolute, same host
        _things(["m"], links={"next": None}),
    )  # fmt: skip
    body = """
const offset = await walk(client.byOffset.list({ limit: 2 }));
const first = await client.byNumber.list({ per_page: 1 });
const second = first.hasNextPage() ? await first.getNextPage() : null;
const numbers = { first: first.data.map((t) => t.id), second: second.data.map((t) => t.id), more: second.hasNextPage() };
const afterLast = await walk(client.afterLast.list({ limit: 2 }));
const pages = [];
for await (const page of (await client.byLink.list()).iterPages()) pages.push(page.data.map((t) => t.id));
console.log(JSON.stringify({ offset, numbers, afterLast, pages }));"""
    result = _features(features_sdk, server, tmp_path, body)
    assert result == {
        "offset": {"seen": ["a", "b", "c", "d", "e"], "error": None},
        "numbers": {"first": ["f"], "second": ["g"], "more": False},
        "afterLast": {"seen": ["h", "i", "j"], "error": None},
        "pages": [["k"], ["l"], ["m"]],
    }
    queries = _queries(server)
    assert [q.get("offset") for q in queries[:3]] == [None, ["2"], ["4"]]
    assert all(q["limit"] == ["2"] for q in queries[:3])
    assert [q.get("page") for q in queries[3:5]] == [None, ["2"]]
    assert [q.get("after") for q in queries[5:7]] == [None, ["i"]]
    assert [r.path for r in server.received[7:]] == ["/v1/by-link", "/v1/by-link?cursor=2", "/v1/by-link?cursor=3"]
    assert all(r.headers.get("Authorization") == "Bearer tok" for r in server.received)


def test_pages_that_repeat_or_lead_elsewhere_end_the_walk_with_an_error(
    features_sdk: Path, server: LocalServer, tmp_path: Path
) -> None:
    server.reply(
        _things(["a"]), _things(["a"]),  # page number ignored by the server: the same items again
        _things(["b"], links={"next": "/v1/by-link?p=2"}), _things(["c"], links={"next": "/v1/by-link?p=2"}),
        _things(["d"], links={"next": "https://elsewhere.test/by-link?p=2"}),
    )  # fmt: skip
    body = """
const numbers = await walk(client.byNumber.list());
const repeated = await walk(client.byLink.list());
const elsewhere = await walk(client.byLink.list());
console.log(JSON.stringify({ numbers, repeated, elsewhere }));"""
    result = _features(features_sdk, server, tmp_path, body)
    assert result == {
        "numbers": {
            "seen": ["a"],
            "error": 'FeaturesError: The server returned the same items again for the next page ({"page":2}); stopping',
        },
        "repeated": {
            "seen": ["b", "c"],
            "error": "FeaturesError: The server returned the same next page twice (a next-page URL); stopping",
        },
        "elsewhere": {
            "seen": ["d"],
            "error": "FeaturesError: The next page is on another host (elsewhere.test); not following it",
        },
    }
    assert len(server.received) == 5  # nothing sent to the other host


def test_each_list_names_its_page_type_as_the_published_sdks_do(features_sdk: Path) -> None:
    """`<Class><PageClass>` (the published `Conductor.Qbd.InvoicesCursorPage`) is what awaiting the list gives,
    exported through the client's namespace, so code annotated with it keeps compiling."""
    consumer = """import Features from 'sdk';
const client = new Features({ apiKey: 'tok' });
const byOffset: Features.ByOffsetOffsetPage = await client.byOffset.list();
const byNumber: Features.ByNumber.ByNumberPageNumberPage = await client.byNumber.list();
const afterLast: Features.AfterLastLastItemIDPage = await client.afterLast.list();
const byLink: Features.ByLinkNextURLPage = await client.byLink.list();
const archived: Features.ArchivedThingsOfEveryDepartmentAndRegionOffsetPage =
  await client.archivedThingsOfEveryDepartmentAndRegion.list();
const first: Features.Thing | undefined = byOffset.data[0];
// @ts-expect-error: a page of things is not a page of invoices
const wrong: Features.ByOffsetOffsetPage = await client.invoices.create({ customerId: 'c_1' });
console.log(byNumber, afterLast, byLink, archived, first, wrong);"""
    compiled = typecheck(features_sdk, consumer, "pages")
    assert compiled.returncode == 0, compiled.stdout[:3000]
