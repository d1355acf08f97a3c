"""Small helpers for building requests, plus date parsing used in published code samples."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime, timezone
from urllib.parse import quote

import httpx

from ._types import NotGiven

__all__ = [
    "SECRET_HEADERS",
    "SECRET_QUERY",
    "credential_from_env",
    "file_from_path",
    "format_path",
    "hide_in_httpx_log",
    "hide_query_secrets",
    "hide_secrets",
    "parse_date",
    "parse_datetime",
    "shown_url",
    "unsendable_in_header",
    "without_not_given",
]

SECRET_QUERY = (
    "sdk_secret_query"  # request extension: names of query parameters that carry credentials
)
SECRET_HEADERS = "sdk_secret_headers"  # request extension: names of headers that carry credentials
# Headers that carry credentials whoever set them.
_ALWAYS_SECRET = frozenset({"authorization", "cookie", "proxy-authorization"})
_HIDDEN = "<hidden>"

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


def format_path(template: str, params: Mapping[str, object]) -> str:
    """Fill `{name}` placeholders with percent-encoded values.

    Every character that could change the path (`/`, `?`, `#`, `%`, ...) is encoded, and values that are
    empty or that are `.`/`..` raise ValueError before anything is sent.
    """

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in params:
            return match.group(0)
        value = _path_value(params[name])
        if value == "":
            raise ValueError(
                f"Expected a non-empty value for `{name}` but received {params[name]!r}"
            )
        if value in (".", ".."):
            raise ValueError(f"Path parameter `{name}` may not be {value!r}")
        return quote(value, safe="")

    return _PLACEHOLDER.sub(substitute, template)


def _path_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def without_not_given(values: Mapping[str, object]) -> dict[str, object]:
    return {key: value for key, value in values.items() if not isinstance(value, NotGiven)}


def file_from_path(path: str | os.PathLike[str]) -> tuple[str, bytes]:
    """(file name, contents) of the file at `path`, for a file argument of an upload."""
    with open(path, "rb") as handle:
        return os.path.basename(path), handle.read()


def parse_date(value: str | date) -> date:
    """'2024-01-31' -> date(2024, 1, 31); a date is returned as is."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(value)


def parse_datetime(value: str | datetime) -> datetime:
    """ISO 8601 text (a trailing 'Z' included) -> datetime; a datetime is returned as is."""
    if isinstance(value, datetime):
        return value
    text = value.strip()
    if text.endswith(("Z", "z")):
        return datetime.fromisoformat(text[:-1]).replace(tzinfo=timezone.utc)
    return datetime.fromisoformat(text)


def shown_url(request: httpx.Request) -> str:
    """The URL as logs and reprs show it: the values of credentials sent in the query are hidden."""
    url = request.url
    for name in request.extensions.get(SECRET_QUERY, ()):
        if name in url.params:  # not after a redirect to another origin, which left it out
            url = url.copy_set_param(name, "hidden")
    return str(url)


class _SecretQueryRequest(httpx.Request):
    """An httpx request whose repr hides the credentials in its query (`<Request('GET', '...?key=hidden')>`)."""

    def __repr__(self) -> str:
        return f"<Request({self.method!r}, {shown_url(self)!r})>"


def hide_query_secrets(request: httpx.Request) -> None:
    """Make the repr of a request that carries credentials in its query hide them.

    The request stays an httpx.Request with its real URL (it must be sent as is); only how it is shown
    changes. Errors and raw responses hold it, and tracebacks and debuggers print it.
    """
    if request.extensions.get(SECRET_QUERY) and type(request) is httpx.Request:
        request.__class__ = _SecretQueryRequest


def credential_from_env(name: str) -> str | None:
    """A credential from the environment, without the whitespace around it (a key read from a file keeps
    its trailing newline, which no header may carry)."""
    value = os.environ.get(name)
    return None if value is None else value.strip()


def unsendable_in_header(value: str) -> str | None:
    """Why `value` cannot be sent as an HTTP header's value (httpx sends ASCII, h11 refuses control
    characters), or None. The value itself is not shown: it is a credential."""
    for position, character in enumerate(value, start=1):
        if not (" " <= character <= "~" or character == "\t"):
            kind = "a non-ASCII" if ord(character) > 0x7F else "a control"
            return (
                f"holds {kind} character (character {position} of {len(value)}), which no HTTP header "
                "can carry: check that it was copied whole and nothing else with it"
            )
    return None


def hide_secrets(text: str, request: httpx.Request) -> str:
    """`text` with every credential `request` carries replaced by `<hidden>`, written plainly or escaped
    (`'...\\n'`, `b'...'`) as error messages of httpx and h11 quote it."""
    shown = text
    for secret in sorted(set(_secret_forms(request)), key=len, reverse=True):
        shown = shown.replace(secret, _HIDDEN)
    return shown


def _secret_forms(request: httpx.Request) -> Iterator[str]:
    names = _ALWAYS_SECRET | {name.lower() for name in request.extensions.get(SECRET_HEADERS, ())}
    values = [value for name, value in request.headers.multi_items() if name.lower() in names]
    values += [
        value
        for name in request.extensions.get(SECRET_QUERY, ())
        for value in request.url.params.get_list(name)
    ]
    for value in values:
        # The whole value, the token after a scheme (`Bearer <token>`), each cookie's value.
        for part in (
            value,
            value.split(" ", 1)[-1],
            *(c.split("=", 1)[-1] for c in value.split("; ")),
        ):
            if part.strip():
                yield from (part, repr(part)[1:-1], repr(part.encode("utf-8", "replace"))[2:-1])


class _HttpxLogFilter(logging.Filter):
    """Hides the values of credentials sent in the query in httpx's own log lines (`HTTP Request: GET ...`)."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(
            isinstance(arg, httpx.URL) for arg in record.args
        ):
            record.args = tuple(
                self._shown(arg) if isinstance(arg, httpx.URL) else arg for arg in record.args
            )
        return True

    def _shown(self, url: httpx.URL) -> str:
        for name in self.names & set(url.params.keys()):
            url = url.copy_set_param(name, "hidden")
        return str(url)


_httpx_log_filter = _HttpxLogFilter()


def hide_in_httpx_log(names: tuple[str, ...]) -> None:
    """Keep the values of these query parameters out of httpx's log lines, from now on in this process."""
    _httpx_log_filter.names.update(names)
    logger = logging.getLogger("httpx")
    if _httpx_log_filter not in logger.filters:
        logger.addFilter(_httpx_log_filter)
