"""Pages of list results: `.data`, `has_next_page()`, `get_next_page()`, `iter_pages()`, and iteration
over every item of every page.

Which response field holds the items and how the next page is asked for is decided per operation by
the generator (a `PageSpec`). Iteration stops with `PaginationError` if the server hands out the same
next-page request twice, or answers the request for the next offset or page number with the same items
again, instead of looping forever.

A page also answers for its response: `page.remaining_count` reads the response's `remaining_count`, and
`page._request_id` is the request id of the response it came from (each item carries it too).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx
from typing_extensions import Self

from ._exceptions import PaginationError
from ._models import BaseModel

__all__ = [
    "AsyncCursorPage",
    "AsyncLastItemIDPage",
    "AsyncNextURLPage",
    "AsyncOffsetPage",
    "AsyncPage",
    "AsyncPageNumberPage",
    "AsyncPaginator",
    "NextRequest",
    "PageSpec",
    "SyncCursorPage",
    "SyncLastItemIDPage",
    "SyncNextURLPage",
    "SyncOffsetPage",
    "SyncPage",
    "SyncPageNumberPage",
]

_I = TypeVar("_I")
_AsyncPageT = TypeVar("_AsyncPageT", bound="AsyncPage[Any]")


@dataclass(frozen=True)
class PageSpec:
    """Where a list response keeps its items and how to ask for the page after it (attribute names)."""

    items: str
    param: str | None = None  # query parameter carrying the cursor, offset or page number
    next: str | None = (
        None  # response attribute (or dotted path: `meta.next_url`) with the next cursor or URL
    )
    has_more: str | None = None  # response attribute saying whether more pages exist
    has_more_inverted: bool = False  # the attribute says "this is the last page" (`isLast`)
    total: str | None = None  # response attribute with the number of items of every page together
    item_id: str | None = (
        None  # item attribute whose last value is the next cursor (LastItemIDPage)
    )
    total_pages: str | None = None  # response attribute with the number of pages (PageNumberPage)


@dataclass(frozen=True)
class NextRequest:
    """What changes for the next page: query parameters, or a whole URL."""

    query: Mapping[str, object] | None = None
    url: str | None = None

    def key(self) -> str:
        return json.dumps([self.url, dict(self.query or {})], sort_keys=True, default=str)


class _Page(Generic[_I]):
    _numbered = False  # the next page is asked for by its position (offset, page number)

    def __init__(
        self,
        *,
        response: Any,
        spec: PageSpec,
        query: Mapping[str, object],
        base_url: httpx.URL,
        fetch: Callable[[NextRequest], Any],
        seen: frozenset[str] = frozenset(),
        url: httpx.URL | None = None,
    ) -> None:
        self.response = response
        """The whole parsed response of this page."""
        self.data: list[_I] = list(getattr(response, spec.items, None) or [])
        self._spec = spec
        self._query = query
        self._base_url = base_url
        self._url = (
            url or base_url
        )  # of the request that returned this page: relative next URLs start here
        self._fetch = fetch
        self._seen = seen
        self._items_before: int | None = None  # on the pages before this one, counted along a walk
        request_id = self._request_id
        if request_id is not None:
            for item in self.data:  # an item read off the page still says which response it came in
                if isinstance(item, BaseModel):
                    item._request_id = request_id

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {len(self.data)} items>"

    def __getattr__(self, name: str) -> Any:
        """The response's own fields, read through the page: `page.remaining_count`."""
        response = self.__dict__.get("response")
        if (
            response is not None
            and not name.startswith("_")
            and name in getattr(type(response), "model_fields", {})
        ):
            return getattr(response, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def _request_id(self) -> str | None:
        """The request id of the response this page came from."""
        value = getattr(self.__dict__.get("response"), "_request_id", None)
        return value if isinstance(value, str) else None

    def has_next_page(self) -> bool:
        return self._next_request() is not None

    def _field(self, name: str | None) -> Any:
        """A response attribute, or a nested one named by a dotted path (`meta.next_page_url`)."""
        if not name:
            return None
        value = self.response
        for part in name.split("."):
            value = getattr(value, part, None)
        return value

    def _more_expected(self) -> bool:
        """False when the response says this is the last page."""
        flag = self._field(self._spec.has_more)
        if isinstance(flag, bool):
            return flag != self._spec.has_more_inverted
        return True

    def _next_request(self) -> NextRequest | None:
        raise NotImplementedError

    def _continued(self, page: Self, request: NextRequest, seen: frozenset[str]) -> Self:
        """`page`, fetched as the page after this one, set to carry the walk on."""
        if self._numbered and page.data and page.data == self.data:
            # The request named the next page itself, so a server ignoring it would be walked forever.
            asked = json.dumps(dict(request.query or {}), default=str)
            raise PaginationError(
                f"The server returned the same items again for the next page ({asked}); stopping"
            )
        page._seen = seen
        page._items_before = self._items_through()
        return page

    def _items_through(self) -> int:
        """How many items this page and the pages before it hold. A walk counts them; on the page it
        starts from, the earlier pages are taken to be as full as this one."""
        before = self._items_before
        if before is None:
            before = self._pages_before() * len(self.data)
        return before + len(self.data)

    def _pages_before(self) -> int:
        return 0

    def _checked_next(self) -> tuple[NextRequest, frozenset[str]]:
        request = self._next_request()
        if request is None:
            raise PaginationError("There is no next page; check has_next_page() first")
        key = request.key()
        if key in self._seen:
            # A next-page URL is not shown: a server may put a credential in it.
            shown = (
                "a next-page URL"
                if request.url is not None
                else json.dumps(dict(request.query or {}), default=str)
            )
            raise PaginationError(
                f"The server returned the same next page twice ({shown}); stopping"
            )
        if request.url is not None:
            url = httpx.URL(request.url)
            same_origin = (url.scheme, url.host, url.port) == (
                self._base_url.scheme,
                self._base_url.host,
                self._base_url.port,
            )
            if url.is_absolute_url and not same_origin:
                # Following it would send our credentials to another host.
                raise PaginationError(
                    f"The next page is on another host ({url.host}); not following it"
                )
        return request, self._seen | {key}


class _CursorNext(_Page[_I]):
    @property
    def next_cursor(self) -> str | None:
        value = self._field(self._spec.next)
        return str(value) if value not in (None, "") else None

    @property
    def has_more(self) -> bool | None:
        flag = self._field(self._spec.has_more)
        return flag if isinstance(flag, bool) else None

    def _next_request(self) -> NextRequest | None:
        cursor = self.next_cursor
        if cursor is None or not self._more_expected() or self._spec.param is None:
            return None
        return NextRequest(query={**self._query, self._spec.param: cursor})


class _LastItemIDNext(_CursorNext[_I]):
    @property
    def next_cursor(self) -> str | None:
        """The response's own last-id field where it has one, else the id of this page's last item."""
        value = self._field(self._spec.next)
        if value in (None, "") and self.data and self._spec.item_id:
            last: Any = self.data[-1]
            value = (
                last.get(self._spec.item_id)
                if isinstance(last, Mapping)
                else getattr(last, self._spec.item_id, None)
            )
        return str(value) if value not in (None, "") else None

    def _next_request(self) -> NextRequest | None:
        return super()._next_request() if self.data else None


class _OffsetNext(_Page[_I]):
    _numbered = True

    def _next_request(self) -> NextRequest | None:
        param = self._spec.param
        if not self.data or not self._more_expected() or param is None:
            return None
        current = int(str(self._query.get(param, 0)))
        following = current + len(self.data)
        total = self._field(self._spec.total)
        if isinstance(total, int) and following >= total:
            return None
        return NextRequest(query={**self._query, param: following})


class _PageNumberNext(_Page[_I]):
    _numbered = True

    def _next_request(self) -> NextRequest | None:
        param = self._spec.param
        if not self.data or not self._more_expected() or param is None:
            return None
        current = int(str(self._query.get(param, 1)))
        pages = self._field(self._spec.total_pages)
        if isinstance(pages, int) and current >= pages:
            return None
        total = self._field(self._spec.total)
        if isinstance(total, int) and self._items_through() >= total:
            return None
        return NextRequest(query={**self._query, param: current + 1})

    def _pages_before(self) -> int:
        param = self._spec.param
        return max(int(str(self._query.get(param, 1))), 1) - 1 if param else 0


class _NextURLNext(_Page[_I]):
    @property
    def next_url(self) -> str | None:
        value = self._field(self._spec.next)
        return str(value) if value else None

    def _next_request(self) -> NextRequest | None:
        url = self.next_url
        if not url or not self._more_expected():
            return None
        # A relative link (`/v2/items?page=2`, `?page=2`) is relative to the URL that returned it (RFC 3986).
        return NextRequest(url=str(self._url.join(url)))


class SyncPage(_Page[_I]):
    def get_next_page(self) -> Self:
        request, seen = self._checked_next()
        page: Self = self._fetch(request)
        return self._continued(page, request, seen)

    def iter_pages(self) -> Iterator[Self]:
        page = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = page.get_next_page()

    def __iter__(self) -> Iterator[_I]:
        for page in self.iter_pages():
            yield from page.data


class AsyncPage(_Page[_I]):
    async def get_next_page(self) -> Self:
        request, seen = self._checked_next()
        page: Self = await self._fetch(request)
        return self._continued(page, request, seen)

    async def iter_pages(self) -> AsyncIterator[Self]:
        page = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = await page.get_next_page()

    async def __aiter__(self) -> AsyncIterator[_I]:
        async for page in self.iter_pages():
            for item in page.data:
                yield item


class SyncCursorPage(_CursorNext[_I], SyncPage[_I]):
    """A page of a cursor-paginated list: the next page is asked for with the cursor this one returned."""


class AsyncCursorPage(_CursorNext[_I], AsyncPage[_I]):
    """A page of a cursor-paginated list: the next page is asked for with the cursor this one returned."""


class SyncLastItemIDPage(_LastItemIDNext[_I], SyncPage[_I]):
    """A page of a list asked for "after" an item: the next page starts after this page's last item's id."""


class AsyncLastItemIDPage(_LastItemIDNext[_I], AsyncPage[_I]):
    """A page of a list asked for "after" an item: the next page starts after this page's last item's id."""


class SyncOffsetPage(_OffsetNext[_I], SyncPage[_I]):
    """A page of an offset/limit list: the next page starts after this page's last item."""


class AsyncOffsetPage(_OffsetNext[_I], AsyncPage[_I]):
    """A page of an offset/limit list: the next page starts after this page's last item."""


class SyncPageNumberPage(_PageNumberNext[_I], SyncPage[_I]):
    """A page of a numbered-pages list: the next page is this page's number plus one."""


class AsyncPageNumberPage(_PageNumberNext[_I], AsyncPage[_I]):
    """A page of a numbered-pages list: the next page is this page's number plus one."""


class SyncNextURLPage(_NextURLNext[_I], SyncPage[_I]):
    """A page whose response links to the next page's URL."""


class AsyncNextURLPage(_NextURLNext[_I], AsyncPage[_I]):
    """A page whose response links to the next page's URL."""


class AsyncPaginator(Generic[_I, _AsyncPageT]):
    """What an async list method returns: `await` it for the first page, or `async for` over every item.

    `page = await client.items.list()` and `async for item in client.items.list(): ...` both work; the
    first request is sent when the paginator is awaited or iterated, not when it is created.
    """

    def __init__(self, first_page: Callable[[], Awaitable[_AsyncPageT]]) -> None:
        self._first_page = first_page

    def __await__(self) -> Generator[Any, None, _AsyncPageT]:
        return self._await_first_page().__await__()

    async def _await_first_page(self) -> _AsyncPageT:
        return await self._first_page()

    async def __aiter__(self) -> AsyncIterator[_I]:
        page: AsyncPage[_I] = await self._first_page()
        async for item in page:
            yield item
