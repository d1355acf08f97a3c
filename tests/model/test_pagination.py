"""List operations return pages that fetch the next page themselves: cursor, offset and next-URL schemes."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from generator import pipeline
from generator.errors import GeneratorError
from tests.conftest import ROOT, GeneratePackage, LocalServer, Reply, imported_package
from tests.support.documents import shared_spec

# Conductor's list shape (cursor, data, nextCursor, hasMore, remainingCount) under /quickbooks-desktop,
# plus an offset-paged and a next-URL-paged list.
SPEC = shared_spec("paging_cursor_offset_next_url.yaml")


@pytest.fixture(scope="module")
def conductor(generate_package: GeneratePackage) -> Iterator[ModuleType]:
    # Conductor's config, copied beside the spec: it names a code samples file there, which `generate` writes
    config = (ROOT / "specs" / "conductor.config.yaml").read_text(encoding="utf-8")
    with generate_package(SPEC, config=config) as generated:
        yield generated.package


def invoices(*ids: str, cursor: str | None, more: bool) -> Reply:
    return Reply(200, {"data": [{"id": i} for i in ids], "nextCursor": cursor, "hasMore": more, "remainingCount": 1})


def query(server: LocalServer, index: int) -> dict[str, list[str]]:
    return parse_qs(urlsplit(server.received[index].path).query)


def client(conductor: ModuleType, server: LocalServer) -> Any:
    return conductor.Conductor(api_key="sk", base_url=server.url, max_retries=0)


def test_cursor_pages_fetch_the_next_page_with_the_returned_cursor(conductor: ModuleType, server: LocalServer) -> None:
    server.reply(invoices("a", "b", cursor="c2", more=True), invoices("c", cursor=None, more=False))
    page = client(conductor, server).qbd.invoices.list(conductor_end_user_id="end_usr_1", limit=2)
    assert type(page).__name__ == "SyncCursorPage"
    assert [i.id for i in page.data] == ["a", "b"] and page.next_cursor == "c2" and page.has_more is True
    assert page.response.remaining_count == 1
    second = page.get_next_page()
    assert [i.id for i in second.data] == ["c"] and not second.has_next_page()
    assert query(server, 0) == {"limit": ["2"]}
    assert query(server, 1) == {"limit": ["2"], "cursor": ["c2"]}
    assert server.received[1].headers["Conductor-End-User-Id"] == "end_usr_1"
    assert server.received[1].headers["Authorization"] == "Bearer sk"


def test_iterating_a_page_walks_every_item_of_every_page(conductor: ModuleType, server: LocalServer) -> None:
    server.reply(
        invoices("a", cursor="c2", more=True),
        invoices("b", cursor="c3", more=True),
        invoices("c", cursor="c4", more=False),
    )
    items = [i.id for i in client(conductor, server).qbd.invoices.list(conductor_end_user_id="u")]
    assert items == ["a", "b", "c"]  # hasMore=false ends it although a cursor came back
    assert len(server.received) == 3


def test_a_repeated_cursor_stops_iteration_instead_of_looping(conductor: ModuleType, server: LocalServer) -> None:
    server.default = invoices("x", cursor="same", more=True)  # a mock that always returns the same page
    pages = client(conductor, server).qbd.invoices.list(conductor_end_user_id="u").iter_pages()
    with pytest.raises(conductor.PaginationError, match="same next page"):
        for _ in pages:
            pass
    assert len(server.received) == 2


def test_a_repeated_next_url_is_refused_without_showing_it(conductor: ModuleType, server: LocalServer) -> None:
    server.default = Reply(200, {"data": [1], "next": f"{server.url}/feed?api_key=LEAKED"})  # a server echoing a key
    with pytest.raises(conductor.PaginationError, match="same next page") as caught:
        list(client(conductor, server).feed.list())
    assert "LEAKED" not in str(caught.value)


def test_offset_pages(conductor: ModuleType, server: LocalServer) -> None:
    server.reply(Reply(200, {"items": ["a", "b"], "total": 3}), Reply(200, {"items": ["c"], "total": 3}))
    page = client(conductor, server).items.list(limit=2)
    assert type(page).__name__ == "SyncOffsetPage"
    assert list(page) == ["a", "b", "c"]
    assert query(server, 1) == {"limit": ["2"], "offset": ["2"]}
    assert len(server.received) == 2  # total reached: no third request


def test_next_url_pages_follow_links_on_the_same_host_only(conductor: ModuleType, server: LocalServer) -> None:
    server.reply(
        Reply(200, {"data": [1], "next": f"{server.url}/feed?page=2"}), Reply(200, {"data": [2], "next": None})
    )
    assert list(client(conductor, server).feed.list()) == [1, 2]
    assert server.received[1].path == "/v1/feed?page=2"
    server.reply(Reply(200, {"data": [1], "next": "https://evil.example/steal"}))
    page = client(conductor, server).feed.list()
    with pytest.raises(conductor.PaginationError, match="another host"):
        page.get_next_page()


def test_async_pages(conductor: ModuleType, server: LocalServer) -> None:
    server.reply(invoices("a", cursor="c2", more=True), invoices("b", cursor=None, more=False))

    async def main() -> list[str]:
        async with conductor.AsyncConductor(api_key="sk", base_url=server.url) as api:
            page = await api.qbd.invoices.list(conductor_end_user_id="u")
            return [invoice.id async for invoice in page]

    assert asyncio.run(main()) == ["a", "b"]


def test_async_for_over_the_method_call_fetches_every_page(conductor: ModuleType, server: LocalServer) -> None:
    """`async for item in client.x.list()`, without awaiting first (as in the reference SDK)."""
    server.reply(invoices("a", cursor="c2", more=True), invoices("b", cursor=None, more=False))

    async def main() -> list[str]:
        async with conductor.AsyncConductor(api_key="sk", base_url=server.url) as api:
            listing = api.qbd.invoices.list(conductor_end_user_id="u")
            assert not server.received  # nothing is sent until it is awaited or iterated
            return [invoice.id async for invoice in listing]

    assert asyncio.run(main()) == ["a", "b"]
    assert [urlsplit(r.path).query for r in server.received] == ["", "cursor=c2"]


def test_async_raw_response_of_a_list_parses_into_a_page(conductor: ModuleType, server: LocalServer) -> None:
    server.reply(invoices("a", cursor=None, more=False))

    async def main() -> list[str]:
        async with conductor.AsyncConductor(api_key="sk", base_url=server.url) as api:
            raw = await api.qbd.invoices.with_raw_response.list(conductor_end_user_id="u")
            page = await raw.parse()
            return [invoice.id for invoice in page.data]

    assert asyncio.run(main()) == ["a"]


def test_raw_response_of_a_list_parses_into_a_page(conductor: ModuleType, server: LocalServer) -> None:
    server.reply(invoices("a", cursor=None, more=False))
    raw = client(conductor, server).qbd.invoices.with_raw_response.list(conductor_end_user_id="u")
    assert raw.status_code == 200 and [i.id for i in raw.parse().data] == ["a"]


def test_pages_after_a_raw_response_list_parse_normally(conductor: ModuleType, server: LocalServer) -> None:
    """The wrapper's raw mode is for the first response only: later pages are parsed pages."""
    server.reply(
        invoices("a", cursor="c2", more=True),
        invoices("b", cursor="c3", more=True),
        invoices("c", cursor=None, more=False),
    )
    raw = client(conductor, server).qbd.invoices.with_raw_response.list(conductor_end_user_id="u")
    page = raw.parse()
    second = page.get_next_page()
    assert type(second).__name__ == "SyncCursorPage" and [i.id for i in second.data] == ["b"]
    assert [i.id for i in second] == ["b", "c"]
    assert len(server.received) == 3 and "X-SDK-Response-Mode" not in server.received[1].headers


def test_async_pages_after_a_raw_response_list_parse_normally(conductor: ModuleType, server: LocalServer) -> None:
    server.reply(invoices("a", cursor="c2", more=True), invoices("b", cursor=None, more=False))

    async def main() -> list[str]:
        async with conductor.AsyncConductor(api_key="sk", base_url=server.url) as api:
            raw = await api.qbd.invoices.with_raw_response.list(conductor_end_user_id="u")
            page = await raw.parse()
            second = await page.get_next_page()
            assert type(second).__name__ == "AsyncCursorPage"
            return [invoice.id for invoice in page.data + second.data]

    assert asyncio.run(main()) == ["a", "b"]


def test_streamed_list_response_is_followed_by_parsed_pages(conductor: ModuleType, server: LocalServer) -> None:
    server.reply(invoices("a", cursor="c2", more=True), invoices("b", cursor=None, more=False))
    with client(conductor, server).qbd.invoices.with_streaming_response.list(conductor_end_user_id="u") as response:
        assert [i.id for i in response.parse()] == ["a", "b"]


def test_next_url_keeps_its_own_query_beside_default_extra_and_key_params(
    conductor: ModuleType, server: LocalServer
) -> None:
    """httpx replaces a URL's query with `params`; the next link's own parameters must survive."""
    server.reply(
        Reply(200, {"data": [1], "next": f"{server.url}/tracks?p=1&limit=2&x=server"}),
        Reply(200, {"data": [2], "next": None}),
    )
    api = conductor.Conductor(
        api_key="sk", query_key="QK", base_url=server.url, max_retries=0, default_query={"d": "1"}
    )
    assert list(api.tracks.list(limit=2, extra_query={"x": "1"})) == [1, 2]
    assert query(server, 0) == {"d": ["1"], "limit": ["2"], "api_key": ["QK"], "x": ["1"]}
    assert query(server, 1) == {"p": ["1"], "limit": ["2"], "d": ["1"], "api_key": ["QK"], "x": ["1"]}
    assert urlsplit(server.received[1].path).query.startswith("p=1&limit=2&")  # the link's own text kept as sent


def test_relative_next_urls_resolve_against_the_url_that_returned_them(
    conductor: ModuleType, server: LocalServer
) -> None:
    server.reply(
        Reply(200, {"data": [1], "next": "/v1/feed?page=2"}),  # root-relative: not appended to base_url's /v1
        Reply(200, {"data": [2], "next": "feed?page=3"}),  # relative to /v1/feed?page=2
        Reply(200, {"data": [3], "next": "?page=4"}),  # a query only: the same path
        Reply(200, {"data": [4], "next": None}),
    )
    assert list(client(conductor, server).feed.list()) == [1, 2, 3, 4]
    assert [r.path for r in server.received] == ["/v1/feed", "/v1/feed?page=2", "/v1/feed?page=3", "/v1/feed?page=4"]


def test_async_relative_next_url_keeps_extra_query(conductor: ModuleType, server: LocalServer) -> None:
    server.reply(Reply(200, {"data": [1], "next": "/v1/feed?page=2"}), Reply(200, {"data": [2], "next": None}))

    async def main() -> list[int]:
        async with conductor.AsyncConductor(api_key="sk", base_url=server.url) as api:
            return [n async for n in api.feed.list(extra_query={"x": "1"})]

    assert asyncio.run(main()) == [1, 2]
    assert server.received[1].path == "/v1/feed?page=2&x=1"


def test_a_page_carries_its_request_id_and_its_response_fields(conductor: ModuleType, server: LocalServer) -> None:
    first, second = invoices("a", "b", cursor="c2", more=True), invoices("c", cursor=None, more=False)
    first.headers, second.headers = {"Conductor-Request-Id": "req_1"}, {"Conductor-Request-Id": "req_2"}
    server.reply(first, second)
    page = client(conductor, server).qbd.invoices.list(conductor_end_user_id="u")
    assert page._request_id == "req_1" and [i._request_id for i in page.data] == ["req_1", "req_1"]
    assert (page.remaining_count, page.has_more, page.next_cursor) == (1, True, "c2")
    with pytest.raises(AttributeError, match="remaining_cont"):
        page.remaining_cont  # noqa: B018
    following = page.get_next_page()
    assert following._request_id == "req_2" and following.data[0]._request_id == "req_2"


def test_list_operations_are_detected_from_the_spec(conductor: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "paged.yaml").write_text(SPEC)
    api = pipeline.inspect(pipeline.Options(spec=tmp_path / "paged.yaml"))
    kinds = {(op.path, op.pagination.page_class if op.pagination else None) for op in api.operations}
    assert kinds == {
        ("/quickbooks-desktop/invoices", "CursorPage"), ("/items", "OffsetPage"), ("/feed", "NextURLPage"),
        ("/tracks", "NextURLPage"),
    }  # fmt: skip


# Lists whose paging the spec leaves ambiguous: named query parameters and fields nothing recognises.
AMBIGUOUS = shared_spec("paging_ambiguous_lists.yaml")
CONFIG = """\
pagination:
  "GET /entries": {style: cursor, items: rows, param: marker, next: continueFrom, has_more: complete, has_more_inverted: true}
  "GET /items": {style: none}
"""


def _ledger(tmp_path: Path, config: str) -> Path:
    (tmp_path / "ledger.yaml").write_text(AMBIGUOUS)
    (tmp_path / "ledger.config.yaml").write_text(config)
    return tmp_path / "ledger.yaml"


def test_config_says_how_an_ambiguous_list_pages(tmp_path: Path, server: LocalServer) -> None:
    spec = _ledger(tmp_path, CONFIG)
    api = pipeline.inspect(pipeline.Options(spec=spec))
    pages = {op.path: op.pagination for op in api.operations}
    assert pages["/items"] is None  # detected as an offset list, turned off by the config
    entries = pages["/entries"]
    assert entries is not None and entries.page_class == "CursorPage"
    assert (entries.items, entries.param, entries.next, entries.has_more, entries.has_more_inverted) == (
        "rows", "marker", "continue_from", "complete", True,
    )  # fmt: skip

    pipeline.generate(pipeline.Options(spec=spec, output=tmp_path / "out"))
    server.reply(
        Reply(200, {"rows": ["a"], "audit": [], "continueFrom": "m2", "complete": False}),
        Reply(200, {"rows": ["b"], "audit": [], "continueFrom": None, "complete": True}),
    )
    with imported_package(tmp_path / "out" / "src", "ledger") as ledger:
        assert list(ledger.Ledger(base_url=server.url).entries.list()) == ["a", "b"]
    assert [urlsplit(r.path).query for r in server.received] == ["", "marker=m2"]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            'pagination:\n  "GET /entries": {style: cursor, items: rows, param: marker}\n',
            "/pagination/GET ~1entries/next: pagination of GET /entries: style cursor needs 'next'",
        ),
        (
            'pagination:\n  "GET /entries": {style: offset, items: nope, param: marker}\n',
            "/pagination/GET ~1entries/items: pagination of GET /entries: the response has no array property 'nope'",
        ),
        (
            'pagination:\n  "GET /entries": {style: offset, items: rows, param: page}\n',
            "the operation has no query parameter 'page'",
        ),
        ('pagination:\n  "GET /nothing": {style: none}\n', "GET /nothing: the spec has no such operation"),
        (
            'pagination:\n  "GET /entries": {style: sideways}\n',
            "/pagination/GET ~1entries/style: 'style' must be one of cursor, last_item_id, offset, page_number, next_url, none",
        ),
        ('pagination:\n  "GET /entries": {style: none, color: red}\n', "unknown key 'color'"),
    ],
)
def test_pagination_config_mistakes_are_named(tmp_path: Path, config: str, message: str) -> None:
    spec = _ledger(tmp_path, config)
    with pytest.raises(GeneratorError) as raised:
        pipeline.inspect(pipeline.Options(spec=spec))
    text = str(raised.value)
    assert message in text and "ledger.config.yaml" in text


# The shapes of openai, resend and twilio lists: a text `page` token echoing `next_page`, an `after` cursor that
# is the last item's id (with or without `last_id`), and a next link nested in `meta`.
SHAPES = shared_spec("paging_openai_resend_twilio_shapes.yaml")


@pytest.fixture(scope="module")
def shapes(generate_package: GeneratePackage) -> Iterator[tuple[ModuleType, list[Any]]]:
    with generate_package(SHAPES) as generated:
        yield generated.package, list(pipeline.inspect(pipeline.Options(spec=generated.spec)).operations)


def test_paging_schemes_of_openai_resend_and_twilio_are_detected(shapes: tuple[ModuleType, list[Any]]) -> None:
    found = {
        op.path: (op.pagination.page_class, op.pagination.param, op.pagination.next, op.pagination.item_id) if op.pagination else None
        for op in shapes[1]
    }  # fmt: skip
    assert found == {
        "/usage": ("CursorPage", "page", "next_page", None),  # a text `page` is a token, never a number
        "/numbered": ("PageNumberPage", "page", None, None),  # only an integer `page` counts pages
        "/droplets": ("PageNumberPage", "page", None, None),  # digitalocean
        "/reports": ("OffsetPage", "offset", None, None),  # an offset is more specific than a page number
        "/untyped-page": None,  # a text `page` and nothing handing a token back
        "/files": ("LastItemIDPage", "after", "last_id", "id"),  # openai
        "/domains": ("LastItemIDPage", "after", None, "id"),  # resend: no last_id, the last item's id
        "/names": None,  # items without ids: nothing to send as `after`
        "/Services": ("NextURLPage", None, "meta.next_page_url", None),  # twilio
        "/recent": (
            "CursorPage",
            "after",
            "cursors.after",
            None,
        ),  # spotify: `next` is a URL, `cursors.after` the cursor
        "/webhooks/failed": ("NextURLPage", None, "next", None),  # jira: `next` is `format: uri`, not a cursor
    }


def test_totals_of_items_and_of_pages_are_found_at_the_top_and_in_meta(shapes: tuple[ModuleType, list[Any]]) -> None:
    totals = {op.path: (op.pagination.total, op.pagination.total_pages) for op in shapes[1] if op.pagination}
    assert totals["/droplets"] == ("meta.total", None)  # digitalocean: `meta.total` counts items
    assert totals["/reports"] == ("total_items", None)  # a page count means nothing to an offset
    assert totals["/numbered"] == (None, None)


def droplets(*ids: str, total: int) -> Reply:
    return Reply(200, {"droplets": [{"id": i} for i in ids], "meta": {"total": total}, "links": {"pages": {}}})


def test_page_number_pages_end_when_the_items_reach_the_total(
    shapes: tuple[ModuleType, list[Any]], server: LocalServer
) -> None:
    server.reply(droplets("a", "b", total=5), droplets("c", "d", total=5), droplets("e", total=5))
    api = shapes[0].Shapes(base_url=server.url, max_retries=0)
    assert [d.id for d in api.droplets.list(per_page=2)] == ["a", "b", "c", "d", "e"]
    assert [query(server, i).get("page") for i in range(3)] == [None, ["2"], ["3"]]
    assert len(server.received) == 3  # the total is reached: no fourth request for an empty page
    server.received.clear()
    server.reply(droplets("c", "d", total=4))
    page = api.droplets.list(page=2)  # a walk starting at page 2: page 1 is taken to be as full as page 2
    assert not page.has_next_page() and [d.id for d in page] == ["c", "d"]
    assert len(server.received) == 1


def test_page_number_pages_end_at_the_number_of_pages(generate_package: GeneratePackage, server: LocalServer) -> None:
    paging = "{style: page_number, param: page, total: total_items, total_pages: total_pages}"
    config = f'pagination:\n  "GET /reports": {paging}\n'
    server.reply(*(Reply(200, {"data": [f"r{n}"], "total_pages": 2, "total_items": 9}) for n in (1, 2)))
    with generate_package(SHAPES, config=config) as generated:
        assert list(generated.package.Shapes(base_url=server.url, max_retries=0).reports.list()) == ["r1", "r2"]
    assert len(server.received) == 2  # page 2 of 2: done, though the items fall short of total_items


def test_a_server_answering_every_page_number_alike_is_stopped(
    shapes: tuple[ModuleType, list[Any]], server: LocalServer
) -> None:
    server.default = Reply(200, {"droplets": [{"id": "a"}], "links": {}})  # a mock ignoring `page`, no total
    seen: list[str] = []
    with pytest.raises(shapes[0].PaginationError, match="same items again"):
        for droplet in shapes[0].Shapes(base_url=server.url, max_retries=0).droplets.list():
            seen.append(droplet.id)
    assert seen == ["a"] and len(server.received) == 2
    server.received.clear()
    server.default = Reply(200, {"data": ["x", "y"]})  # an offset list ignoring `offset`

    async def walk() -> list[str]:
        return [r async for r in shapes[0].AsyncShapes(base_url=server.url, max_retries=0).reports.list()]

    with pytest.raises(shapes[0].PaginationError, match=r'same items again for the next page \(\{"offset": 2\}\)'):
        asyncio.run(walk())


def test_a_text_page_token_is_sent_back_as_it_came(shapes: tuple[ModuleType, list[Any]], server: LocalServer) -> None:
    server.reply(
        Reply(200, {"data": [1], "has_more": True, "next_page": "page_AAAA"}),
        Reply(200, {"data": [2], "has_more": False, "next_page": None}),
    )
    assert list(shapes[0].Shapes(base_url=server.url, max_retries=0).usage.list(limit=1)) == [1, 2]
    assert query(server, 1) == {"limit": ["1"], "page": ["page_AAAA"]}


def test_last_item_id_pages_ask_for_what_comes_after_the_last_item(
    shapes: tuple[ModuleType, list[Any]], server: LocalServer
) -> None:
    server.reply(
        Reply(200, {"data": [{"id": "d1"}, {"id": "d2"}], "has_more": True}),
        Reply(200, {"data": [{"id": "d3"}], "has_more": False}),
    )
    api = shapes[0].Shapes(base_url=server.url, max_retries=0)
    page = api.domains.list()
    assert type(page).__name__ == "SyncLastItemIDPage" and page.next_cursor == "d2"
    assert [d.id for d in page] == ["d1", "d2", "d3"]
    assert query(server, 1) == {"after": ["d2"]}
    server.reply(  # openai's `last_id` is used where the response has it; an empty page ends the list
        Reply(200, {"data": [{"id": "f1"}, {"id": "f2"}], "first_id": "f1", "last_id": "f2x", "has_more": True}),
        Reply(200, {"data": [], "has_more": True}),
    )
    assert [f.id for f in api.files.list(limit=2)] == ["f1", "f2"]
    assert query(server, 3) == {"limit": ["2"], "after": ["f2x"]} and len(server.received) == 4


def test_async_last_item_id_pages(shapes: tuple[ModuleType, list[Any]], server: LocalServer) -> None:
    server.reply(
        Reply(200, {"data": [{"id": "d1"}], "has_more": True}), Reply(200, {"data": [{"id": "d2"}], "has_more": False})
    )

    async def main() -> list[str]:
        async with shapes[0].AsyncShapes(base_url=server.url, max_retries=0) as api:
            return [d.id async for d in api.domains.list()]

    assert asyncio.run(main()) == ["d1", "d2"]
    assert query(server, 1) == {"after": ["d1"]}


def test_a_next_link_nested_in_meta_is_followed(shapes: tuple[ModuleType, list[Any]], server: LocalServer) -> None:
    server.reply(
        Reply(
            200,
            {
                "services": [{"sid": "a"}],
                "meta": {"next_page_url": f"{server.url}/Services?PageToken=PT2&Page=1", "page": 0},
            },
        ),
        Reply(200, {"services": [{"sid": "b"}], "meta": {"next_page_url": None, "page": 1}}),
    )
    page = shapes[0].Shapes(base_url=server.url, max_retries=0).services.list()
    assert page.next_url == f"{server.url}/Services?PageToken=PT2&Page=1"
    assert [s.sid for s in page] == ["a", "b"]
    assert server.received[1].path == "/v1/Services?PageToken=PT2&Page=1"


NESTED_CONFIG = """\
pagination:
  "GET /names": {style: last_item_id, param: after, has_more: has_more}
  "GET /Services": {style: cursor, param: PageToken, next: meta.next_page_url}
"""


def test_config_names_a_nested_next_field_and_the_last_item_id_style(tmp_path: Path) -> None:
    (tmp_path / "shapes.yaml").write_text(
        SHAPES.replace("items: {type: string}", "items: {type: object, properties: {name: {type: string}}}")
    )
    config = tmp_path / "shapes.config.yaml"
    config.write_text(NESTED_CONFIG.replace("has_more: has_more}", "has_more: has_more, item_id: name}"))
    pages = {
        op.path: op.pagination for op in pipeline.inspect(pipeline.Options(spec=tmp_path / "shapes.yaml")).operations
    }
    names, services = pages["/names"], pages["/Services"]
    assert names is not None and (names.page_class, names.param, names.item_id, names.has_more) == (
        "LastItemIDPage",
        "after",
        "name",
        "has_more",
    )
    assert services is not None and (services.page_class, services.next) == ("CursorPage", "meta.next_page_url")


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            'pagination:\n  "GET /Services": {style: next_url, next: meta.nope}\n',
            "the response has no property 'meta.nope'",
        ),
        (
            'pagination:\n  "GET /names": {style: last_item_id, param: after}\n',
            "/item_id: pagination of GET /names: the items have no property 'id'",
        ),
        (
            'pagination:\n  "GET /usage": {style: cursor, param: page, next: next_page, item_id: id}\n',
            "'item_id' applies to style last_item_id only",
        ),
        ('pagination:\n  "GET /files": {style: last_item_id}\n', "style last_item_id needs 'param'"),
        (
            'pagination:\n  "GET /reports": {style: offset, param: offset, total_pages: total_pages}\n',
            "/total_pages: pagination of GET /reports: 'total_pages' applies to style page_number only",
        ),
        (
            'pagination:\n  "GET /reports": {style: page_number, param: page, total_pages: pages}\n',
            "the response has no property 'pages'",
        ),
    ],
)
def test_nested_and_last_item_config_mistakes_are_named(tmp_path: Path, config: str, message: str) -> None:
    (tmp_path / "shapes.yaml").write_text(SHAPES)
    (tmp_path / "shapes.config.yaml").write_text(config)
    with pytest.raises(GeneratorError) as raised:
        pipeline.inspect(pipeline.Options(spec=tmp_path / "shapes.yaml"))
    assert message in str(raised.value)
