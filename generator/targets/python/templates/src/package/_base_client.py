"""The HTTP machinery behind every generated method: building requests, retries, errors, parsing.

Sync and async clients share everything except the lines that do I/O (send, read and sleep).
"""

from __future__ import annotations

import email.utils
import json
import logging
import os
import random
import time
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar, cast, get_args, get_origin
from urllib.parse import unquote_plus

import httpx
import pydantic
from typing_extensions import Self

from ._encoding import BodyKind, QueryStyle, encode_body, encode_query, text_values
from ._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    status_error_class,
)
from ._limits import MAX_RESPONSE_SIZE, aread_body, read_body
from ._models import BaseModel, construct_lenient
from ._response import RESPONSE_MODE_HEADER, APIResponse, AsyncAPIResponse
from ._types import NOT_GIVEN, Body, FileTypes, Headers, NotGiven, Query, RequestOptions, Timeout
from ._utils import (
    SECRET_HEADERS,
    SECRET_QUERY,
    format_path,
    hide_in_httpx_log,
    hide_query_secrets,
    hide_secrets,
    without_not_given,
)
from ._utils import shown_url as _shown_url
from .pagination import AsyncPage, NextRequest, PageSpec, SyncPage

__all__ = ["AsyncAPIClient", "BaseClient", "SyncAPIClient"]

_T = TypeVar("_T")
_SyncPageT = TypeVar("_SyncPageT", bound="SyncPage[Any]")
_AsyncPageT = TypeVar("_AsyncPageT", bound="AsyncPage[Any]")

INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 60.0
RETRYABLE_STATUSES = frozenset({408, 409, 429})
_NONE_TYPE: Any = type(None)  # typed Any so comparing `cast_to` with it does not narrow `_T`
SECRET_HEADER_NAMES = frozenset({"authorization", "cookie", "proxy-authorization", "set-cookie"})
AUTH_FLOW = "sdk_auth_flow"  # request extension: the httpx.Auth sending the request's token, if any


class BaseClient:
    """Configuration and the I/O-free steps every request goes through."""

    _log_name = __name__.rsplit(".", 1)[0]
    _credential_names: tuple[
        str, ...
    ] = ()  # what `get`, `post`, ... send: set by the generated client

    def __init__(
        self,
        *,
        base_url: str | httpx.URL,
        timeout: Timeout,
        max_retries: int,
        default_headers: Mapping[str, str] | None,
        default_query: Mapping[str, object] | None,
        user_agent: str,
        request_id_header: str,
        log_env: str,
        strict_response_validation: bool = True,
        idempotency_header: str | None = None,
        max_response_size: int | None = None,
        total_timeout: float | None = None,
    ) -> None:
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        if max_response_size is not None and max_response_size < 0:
            raise ValueError("max_response_size must be 0 or more (or None for no limit)")
        if total_timeout is not None and not total_timeout > 0:
            raise ValueError("total_timeout must be more than 0 seconds (or None for no limit)")
        self.base_url = httpx.URL(str(base_url).rstrip("/") + "/")
        self._base_url_text = str(self.base_url).rstrip("/")
        self.timeout = timeout
        self.max_retries = max_retries
        self._default_headers = dict(default_headers or {})
        self._default_query = dict(default_query or {})
        self._user_agent = user_agent
        self._request_id_header = request_id_header
        self.strict_response_validation = strict_response_validation
        self._idempotency_header = idempotency_header
        self.max_response_size = max_response_size
        self.total_timeout = total_timeout
        self._log = logging.getLogger(self._log_name)
        _configure_logging(self._log, os.environ.get(log_env))

    # --- subclasses say how credentials are sent ------------------------------------------------

    def _auth_headers(self, security: Sequence[str]) -> dict[str, str]:
        return {}

    def _auth_query(self, security: Sequence[str]) -> dict[str, str]:
        return {}

    def _auth_cookies(self, security: Sequence[str]) -> dict[str, str]:
        return {}

    def _auth_flow(self, security: Sequence[str]) -> httpx.Auth | None:
        """An httpx auth flow for credentials that take more than a header (an OAuth2 token fetched on demand)."""
        return None

    def _undocumented(
        self,
        options: RequestOptions | None,
        body: object = NOT_GIVEN,
        files: Mapping[str, FileTypes] | None = None,
    ) -> dict[str, Any]:
        """`request` keywords for `get`, `post`, ...: a JSON body, or a multipart one when `files` are given."""
        given = options or {}
        if files and not isinstance(body, (Mapping, NotGiven)):
            raise TypeError("a body sent with files must be a mapping of form fields")
        return {
            "body": {**(body if isinstance(body, Mapping) else {}), **files} if files else body,
            "body_kind": "multipart" if files else "json",
            "security": self._credential_names,
            "extra_headers": given.get("headers"),
            "extra_query": given.get("params"),
            "extra_body": given.get("extra_json"),
            "timeout": given.get("timeout", NOT_GIVEN),
        }

    # --- requests -------------------------------------------------------------------------------

    def _build_request(
        self,
        http: httpx.Client | httpx.AsyncClient,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None,
        query: Mapping[str, object] | None,
        query_styles: Mapping[str, QueryStyle] | None,
        headers: Mapping[str, object] | None,
        required_headers: Sequence[str],
        cookies: Mapping[str, object] | None,
        body: object,
        body_kind: BodyKind,
        part_types: Mapping[str, str] | None,
        content_type: str | None,
        accept: str,
        security: Sequence[str],
        extra_headers: Headers | None,
        extra_query: Query | None,
        extra_body: Body | None,
        timeout: Timeout | NotGiven,
    ) -> tuple[httpx.Request, str | None]:
        """The request to send, and the response mode a `with_raw_response` wrapper asked for."""
        # Joining text is several times cheaper than httpx.URL.join; an absolute URL (a next page) stays.
        target = format_path(path, path_params) if path_params else path
        url = httpx.URL(
            target if "://" in target else self._base_url_text + "/" + target.lstrip("/")
        )
        auth_headers = self._auth_headers(security)
        all_headers = {
            "Accept": accept,
            "User-Agent": self._user_agent,
            **self._default_headers,
            **text_values(headers),
            **auth_headers,
            **(extra_headers or {}),
        }
        mode = all_headers.pop(RESPONSE_MODE_HEADER, None)
        if required_headers:
            _check_required_headers(all_headers, required_headers)
        if self._idempotency_header and method.upper() not in ("GET", "HEAD", "OPTIONS"):
            # One key per call, built before the retry loop: every attempt carries the same key.
            all_headers.setdefault(self._idempotency_header, f"sdk-retry-{os.urandom(16).hex()}")
        auth_query = self._auth_query(security)
        params: list[tuple[str, str | int | float | bool | None]] = [
            *encode_query(self._default_query),
            *encode_query(query, query_styles),
            *auth_query.items(),
            *encode_query(extra_query),
        ]
        request_cookies = {**text_values(cookies), **self._auth_cookies(security)}
        if request_cookies:
            all_headers["Cookie"] = "; ".join(
                f"{name}={value}" for name, value in request_cookies.items()
            )
        _check_header_values(all_headers, secret=auth_headers)
        content, data, files, content_type_of_content = encode_body(
            body, body_kind, extra_body, part_types
        )
        if content is not None and "Content-Type" not in all_headers:
            all_headers["Content-Type"] = (
                content_type_of_content or content_type or "application/json"
            )
        if params and url.query:  # a next-page URL: httpx would replace its query with `params`
            url, params = _merged_query(url, params), []
        request = http.build_request(
            method,
            url,
            params=params or None,  # an empty list would drop the query of a next-page URL
            headers=all_headers,
            content=content,
            data=data,
            files=files,
            timeout=self.timeout if isinstance(timeout, NotGiven) else timeout,
        )
        if auth_headers:  # read by `hide_secrets`, so that no error message shows them
            request.extensions[SECRET_HEADERS] = tuple(auth_headers)
        if (
            auth_query
        ):  # read by `_shown_url`, so that logs never show a credential sent in the query
            request.extensions[SECRET_QUERY] = tuple(auth_query)
            hide_query_secrets(request)  # nor reprs (of errors, raw responses, the request itself)
            hide_in_httpx_log(request.extensions[SECRET_QUERY])  # nor httpx's own log lines
        request.extensions[MAX_RESPONSE_SIZE] = self.max_response_size  # read by `read_body`
        auth_flow = self._auth_flow(security)
        if auth_flow is not None:  # `_send` passes it to httpx on every attempt
            request.extensions[AUTH_FLOW] = auth_flow
        return request, mode

    def _next_hop(
        self, http: httpx.Client | httpx.AsyncClient, first: httpx.Request, response: httpx.Response
    ) -> httpx.Request | None:
        """The request a redirect leads to, or None when `response` is final (or redirects are not
        followed: an `http_client` made with `follow_redirects=False`).

        Credentials go to the origin of the `first` request only. A redirect to another origin carries
        none of those the client added: their headers (httpx itself drops only `Authorization` and
        `Cookie`) and their query parameters are left out. A redirect within it carries them all, the
        cookies and query parameters httpx would leave behind included.
        """
        next_request = response.next_request
        if next_request is None or not http.follow_redirects:
            return None
        if _keeps_credentials(first.url, next_request.url):
            _restore_credentials(next_request, first)
        else:
            _drop_credentials(next_request)
        self._log.debug(
            "Redirected %s %s (%s) to %s",
            response.request.method,
            _shown_url(response.request),
            response.status_code,
            _shown_url(next_request),
        )
        return next_request

    def _check_hop(
        self,
        http: httpx.Client | httpx.AsyncClient,
        hops: int,
        next_request: httpx.Request,
        deadline: float | None,
    ) -> None:
        """Raise when a request has been redirected more often than the HTTP client allows (a loop), or
        when the call's `total_timeout` has passed; else cap the hop's timeouts at the time left."""
        if hops > http.max_redirects:
            raise APIConnectionError(
                next_request,
                f"Too many redirects: more than {http.max_redirects}, the last to "
                f"{_shown_url(next_request)}",
            )
        self._start_attempt(next_request, next_request.extensions.get("timeout") or {}, deadline)

    def _deadline(self) -> float | None:
        """When a call starting now must end (`time.monotonic()`), or None without a `total_timeout`."""
        return None if self.total_timeout is None else time.monotonic() + self.total_timeout

    def _start_attempt(
        self, request: httpx.Request, timeouts: Mapping[str, float | None], deadline: float | None
    ) -> None:
        """Cap the attempt's timeouts (`timeouts`, as the request was built) at the time left."""
        if deadline is None:
            return
        left = deadline - time.monotonic()
        if left <= 0:
            raise APITimeoutError(request, "Request timed out: the call's total_timeout passed.")
        request.extensions["timeout"] = {
            phase: left if limit is None else min(limit, left) for phase, limit in timeouts.items()
        }

    def _should_retry(self, response: httpx.Response) -> bool:
        override: str | None = response.headers.get("x-should-retry")
        if override in ("true", "false"):
            return override == "true"
        return response.status_code in RETRYABLE_STATUSES or response.status_code >= 500

    def _retry_delay(self, retries_taken: int, response: httpx.Response | None) -> float:
        if response is not None:
            delay = _retry_after(response.headers)
            if delay is not None and 0 <= delay <= MAX_RETRY_AFTER:
                return delay
        backoff = min(INITIAL_RETRY_DELAY * 2.0**retries_taken, MAX_RETRY_DELAY)
        return backoff * (1 - 0.25 * random.random())

    def request_id_of(self, response: httpx.Response) -> str | None:
        value: str | None = response.headers.get(self._request_id_header)
        return value

    def parse_response(self, response: httpx.Response, cast_to: type[_T]) -> _T:
        """The body of a successful (already read) response as `cast_to`, validated strictly."""
        request_id = self.request_id_of(response)
        if cast_to is _NONE_TYPE:
            return cast(_T, None)
        if cast_to is bytes:
            return cast(_T, response.content)
        if cast_to is str:
            return cast(_T, response.text)
        if not response.content:
            return self._parse_empty(response, cast_to)
        try:
            # Strict JSON validation: "yes" is not a bool and "1" is not an int, whatever lax mode would say.
            result: _T = _adapter(cast_to).validate_json(
                response.content, strict=self.strict_response_validation
            )
        except pydantic.ValidationError as exc:
            if not self.strict_response_validation:
                return self._unvalidated(response, cast_to, exc)
            raise APIResponseValidationError(
                f"The response does not match the expected type: {_describe(exc)}",
                response,
                body=_body(response),
                request_id=request_id,
            ) from None
        if isinstance(result, BaseModel):
            result._request_id = request_id
        return result

    def parse_event(self, data: str, cast_to: type[_T], response: httpx.Response) -> _T:
        """The data of one server-sent event as `cast_to`: text as it is, else JSON validated like a body."""
        if cast_to is str:
            return cast(_T, data)
        try:
            result: _T = _adapter(cast_to).validate_json(
                data, strict=self.strict_response_validation
            )
        except pydantic.ValidationError as exc:
            if not self.strict_response_validation:
                self._log.warning(
                    "An event does not match %s, returned unvalidated: %s", cast_to, _describe(exc)
                )
                return cast(_T, construct_lenient(cast_to, _json_or_text(data)))
            raise APIResponseValidationError(
                f"An event of the stream does not match the expected type: {_describe(exc)}",
                response,
                body=_json_or_text(data),
                request_id=self.request_id_of(response),
            ) from None
        if isinstance(result, BaseModel):
            result._request_id = self.request_id_of(response)
        return result

    def make_stream(self, stream_cls: Any, response: httpx.Response) -> Any:
        """`Stream[T]` or `AsyncStream[T]` (as generated code names it: the class applied to T) over `response`."""
        item = get_args(stream_cls)
        return (get_origin(stream_cls) or stream_cls)(
            item=item[0] if item else object, response=response, client=self
        )

    def _unvalidated(
        self, response: httpx.Response, cast_to: type[_T], error: pydantic.ValidationError
    ) -> _T:
        """Validation is off: a body that does not fit is built as far as it fits, the rest kept as received."""
        self._log.warning(
            "Response does not match %s, returned unvalidated: %s", cast_to, _describe(error)
        )
        result = construct_lenient(cast_to, _body(response))
        if isinstance(result, BaseModel):
            result._request_id = self.request_id_of(response)
        return cast(_T, result)

    def _parse_empty(self, response: httpx.Response, cast_to: type[_T]) -> _T:
        """A success without a body is None, where the declared type allows it."""
        try:
            return _adapter(cast_to).validate_python(None, strict=True)
        except pydantic.ValidationError:
            raise APIResponseValidationError(
                f"The response has no body, but {getattr(cast_to, '__name__', cast_to)} was expected",
                response,
                body=None,
                request_id=self.request_id_of(response),
            ) from None

    def _status_error(self, response: httpx.Response) -> APIStatusError:
        body = _body(response)
        message = f"Error code: {response.status_code}" + (f" - {body}" if body else "")
        error_class = status_error_class(response.status_code)
        return error_class(message, response, body=body, request_id=self.request_id_of(response))

    def _retry_or_raise(
        self,
        request: httpx.Request,
        retries_taken: int,
        error: Exception,
        deadline: float | None = None,
    ) -> float:
        """The delay before retrying after a transport error, or raise the matching APIError."""
        # httpx's own words say why ("[Errno 111] Connection refused"), quoting a header value at times.
        reason = hide_secrets(str(error), request)
        if isinstance(error, httpx.LocalProtocolError):  # the request itself is malformed
            raise APIConnectionError(request, f"Invalid request: {reason}") from None
        delay = self._retry_delay(retries_taken, None)
        if retries_taken >= self.max_retries or not _in_time(delay, deadline):
            if isinstance(error, httpx.TimeoutException):
                raise APITimeoutError(request) from error
            # Some of httpx's errors have no words.
            raise APIConnectionError(
                request, f"Connection error: {reason}" if reason else "Connection error."
            ) from error
        reason = "timed out" if isinstance(error, httpx.TimeoutException) else "connection error"
        self._log.info(
            "Retrying %s %s in %.2f s (%s)", request.method, _shown_url(request), delay, reason
        )
        return delay

    def _retry_delay_for(
        self,
        request: httpx.Request,
        response: httpx.Response,
        retries_taken: int,
        deadline: float | None = None,
    ) -> float | None:
        """The delay before retrying after this response, or None when it is final."""
        hide_query_secrets(
            response.request
        )  # after a redirect, httpx made a new request (same extensions)
        self._log.debug(
            'HTTP Request: %s %s "%s"', request.method, _shown_url(request), response.status_code
        )
        if (
            response.is_success
            or retries_taken >= self.max_retries
            or not self._should_retry(response)
        ):
            return None
        delay = self._retry_delay(retries_taken, response)
        if not _in_time(delay, deadline):  # no time left to try again: this answer is final
            return None
        self._log.info(
            "Retrying %s %s in %.2f s (status %s)",
            request.method,
            _shown_url(request),
            delay,
            response.status_code,
        )
        return delay


class SyncAPIClient(BaseClient):
    _client: httpx.Client

    def __init__(self, *, http_client: httpx.Client | None, **options: Any) -> None:
        super().__init__(**options)
        self._client = http_client or httpx.Client(follow_redirects=True)

    def request(
        self,
        method: str,
        path: str,
        *,
        cast_to: type[_T],
        path_params: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        query_styles: Mapping[str, QueryStyle] | None = None,
        headers: Mapping[str, object] | None = None,
        required_headers: Sequence[str] = (),
        cookies: Mapping[str, object] | None = None,
        body: object = NOT_GIVEN,
        body_kind: BodyKind = "json",
        part_types: Mapping[str, str] | None = None,
        content_type: str | None = None,
        accept: str = "application/json",
        success_statuses: Sequence[int] = (),
        security: Sequence[str] = (),
        stream: bool = False,
        stream_cls: type[Any] | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> _T:
        """Send a request and parse its answer as `cast_to`; with `stream`, return the events of its
        `text/event-stream` answer as `stream_cls` (`Stream[T]`, or `cast_to` itself when it is one).
        """
        if stream:
            accept = "text/event-stream"
        request, mode = self._build_request(
            self._client, method, path, path_params=path_params, query=query, query_styles=query_styles,
            headers=headers, required_headers=required_headers, cookies=cookies, body=body, body_kind=body_kind,
            part_types=part_types,
            content_type=content_type,
            accept=accept, security=security, extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body,
            timeout=timeout,
        )  # fmt: skip
        response, retries_taken = self._send(
            request, stream=mode == "stream" or (stream and mode is None), success=success_statuses
        )
        if mode is not None:  # with_raw_response / with_streaming_response: the wrapper types this
            raw = APIResponse(
                response=response, client=self, cast_to=cast_to, retries_taken=retries_taken
            )
            raw._stream_cls = (stream_cls or cast_to) if stream else None
            return cast(_T, raw)
        if stream:
            return cast(_T, self.make_stream(stream_cls or cast_to, response))
        return self.parse_response(response, cast_to)

    def request_page(
        self,
        page: type[_SyncPageT],
        spec: PageSpec,
        method: str,
        path: str,
        *,
        cast_to: type[Any],
        query: Mapping[str, object] | None = None,
        **options: Any,
    ) -> _SyncPageT:
        """Request one page of a list; the page fetches the ones after it the same way."""
        # Pages are fetched as raw responses, for the URL a relative next link is resolved against; the
        # mode a `with_raw_response` wrapper asked for applies to the first page only.
        raw_options = _raw_mode(options)

        def fetch(next_request: NextRequest) -> _SyncPageT:
            page_query = dict(next_request.query or {})
            target = next_request.url or path
            raw: APIResponse[Any] = self.request(
                method, target, cast_to=cast_to, query=page_query, **raw_options
            )
            return make(raw.parse(), raw, page_query)

        def make(parsed: Any, raw: APIResponse[Any], page_query: dict[str, object]) -> _SyncPageT:
            return page(
                response=parsed,
                spec=spec,
                query=page_query,
                base_url=self.base_url,
                fetch=fetch,
                url=raw.url,
            )

        first_query = without_not_given(query or {})
        if _wrapped(
            options
        ):  # with_raw_response / with_streaming_response: `.parse()` gives the page
            response: APIResponse[Any] = self.request(
                method, path, cast_to=cast_to, query=first_query, **options
            )
            response._post_parse = lambda parsed: make(parsed, response, first_query)
            return cast(_SyncPageT, response)
        raw: APIResponse[Any] = self.request(
            method, path, cast_to=cast_to, query=first_query, **raw_options
        )
        return make(raw.parse(), raw, first_query)

    def _send(
        self, request: httpx.Request, stream: bool, success: Sequence[int] = ()
    ) -> tuple[httpx.Response, int]:
        """Send with retries; return the successful response and the retries it took, or raise."""
        retries_taken = 0
        deadline = self._deadline()
        timeouts = dict(request.extensions.get("timeout") or {})
        while True:
            self._start_attempt(request, timeouts, deadline)
            try:
                response = self._send_once(request, deadline)
                if not stream or not _succeeded(response, success):  # an error's body is read here
                    read_body(response, deadline)
            except httpx.TransportError as exc:
                delay = self._retry_or_raise(request, retries_taken, exc, deadline)
            else:
                retry_after = self._retry_delay_for(request, response, retries_taken, deadline)
                if retry_after is None:
                    if _succeeded(response, success):
                        return response, retries_taken
                    raise self._status_error(response)
                response.close()
                delay = retry_after
            time.sleep(delay)
            retries_taken += 1

    def _send_once(self, request: httpx.Request, deadline: float | None) -> httpx.Response:
        """One attempt: the request and the redirects it leads to (see `_next_hop`), the body unread."""
        auth = request.extensions.get(AUTH_FLOW, httpx.USE_CLIENT_DEFAULT)
        response = self._client.send(request, stream=True, auth=auth, follow_redirects=False)
        hops = 0
        while (next_request := self._next_hop(self._client, request, response)) is not None:
            response.close()
            hops += 1
            self._check_hop(self._client, hops, next_request, deadline)
            # Like httpx's own redirects: the auth flow ran for the first request only.
            response = self._client.send(
                next_request, stream=True, auth=None, follow_redirects=False
            )
        return response

    # --- requests to paths the spec does not describe: `path` is relative to base_url (or a full URL) ---

    def get(self, path: str, *, cast_to: type[_T], options: RequestOptions | None = None) -> _T:
        return self.request("GET", path, cast_to=cast_to, **self._undocumented(options))

    def post(
        self,
        path: str,
        *,
        cast_to: type[_T],
        body: object = NOT_GIVEN,
        files: Mapping[str, FileTypes] | None = None,
        options: RequestOptions | None = None,
    ) -> _T:
        return self.request(
            "POST", path, cast_to=cast_to, **self._undocumented(options, body, files)
        )

    def put(
        self,
        path: str,
        *,
        cast_to: type[_T],
        body: object = NOT_GIVEN,
        files: Mapping[str, FileTypes] | None = None,
        options: RequestOptions | None = None,
    ) -> _T:
        return self.request(
            "PUT", path, cast_to=cast_to, **self._undocumented(options, body, files)
        )

    def patch(
        self,
        path: str,
        *,
        cast_to: type[_T],
        body: object = NOT_GIVEN,
        files: Mapping[str, FileTypes] | None = None,
        options: RequestOptions | None = None,
    ) -> _T:
        return self.request(
            "PATCH", path, cast_to=cast_to, **self._undocumented(options, body, files)
        )

    def delete(
        self,
        path: str,
        *,
        cast_to: type[_T],
        body: object = NOT_GIVEN,
        options: RequestOptions | None = None,
    ) -> _T:
        return self.request("DELETE", path, cast_to=cast_to, **self._undocumented(options, body))

    def close(self) -> None:
        """Close the underlying HTTP client and its connections."""
        self._client.close()

    def is_closed(self) -> bool:
        return self._client.is_closed

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncAPIClient(BaseClient):
    _client: httpx.AsyncClient

    def __init__(self, *, http_client: httpx.AsyncClient | None, **options: Any) -> None:
        super().__init__(**options)
        self._client = http_client or httpx.AsyncClient(follow_redirects=True)

    async def request(
        self,
        method: str,
        path: str,
        *,
        cast_to: type[_T],
        path_params: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        query_styles: Mapping[str, QueryStyle] | None = None,
        headers: Mapping[str, object] | None = None,
        required_headers: Sequence[str] = (),
        cookies: Mapping[str, object] | None = None,
        body: object = NOT_GIVEN,
        body_kind: BodyKind = "json",
        part_types: Mapping[str, str] | None = None,
        content_type: str | None = None,
        accept: str = "application/json",
        success_statuses: Sequence[int] = (),
        security: Sequence[str] = (),
        stream: bool = False,
        stream_cls: type[Any] | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> _T:
        """Send a request and parse its answer as `cast_to`; with `stream`, return the events of its
        `text/event-stream` answer as `stream_cls` (`Stream[T]`, or `cast_to` itself when it is one).
        """
        if stream:
            accept = "text/event-stream"
        request, mode = self._build_request(
            self._client, method, path, path_params=path_params, query=query, query_styles=query_styles,
            headers=headers, required_headers=required_headers, cookies=cookies, body=body, body_kind=body_kind,
            part_types=part_types,
            content_type=content_type,
            accept=accept, security=security, extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body,
            timeout=timeout,
        )  # fmt: skip
        response, retries_taken = await self._send(
            request, stream=mode == "stream" or (stream and mode is None), success=success_statuses
        )
        if mode is not None:  # with_raw_response / with_streaming_response: the wrapper types this
            raw = AsyncAPIResponse(
                response=response, client=self, cast_to=cast_to, retries_taken=retries_taken
            )
            raw._stream_cls = (stream_cls or cast_to) if stream else None
            return cast(_T, raw)
        if stream:
            return cast(_T, self.make_stream(stream_cls or cast_to, response))
        return self.parse_response(response, cast_to)

    async def request_page(
        self,
        page: type[_AsyncPageT],
        spec: PageSpec,
        method: str,
        path: str,
        *,
        cast_to: type[Any],
        query: Mapping[str, object] | None = None,
        **options: Any,
    ) -> _AsyncPageT:
        """Request one page of a list; the page fetches the ones after it the same way."""
        # Pages are fetched as raw responses, for the URL a relative next link is resolved against; the
        # mode a `with_raw_response` wrapper asked for applies to the first page only.
        raw_options = _raw_mode(options)

        async def fetch(next_request: NextRequest) -> _AsyncPageT:
            page_query = dict(next_request.query or {})
            target = next_request.url or path
            raw: AsyncAPIResponse[Any] = await self.request(
                method, target, cast_to=cast_to, query=page_query, **raw_options
            )
            return make(await raw.parse(), raw, page_query)

        def make(
            parsed: Any, raw: AsyncAPIResponse[Any], page_query: dict[str, object]
        ) -> _AsyncPageT:
            return page(
                response=parsed,
                spec=spec,
                query=page_query,
                base_url=self.base_url,
                fetch=fetch,
                url=raw.url,
            )

        first_query = without_not_given(query or {})
        if _wrapped(
            options
        ):  # with_raw_response / with_streaming_response: `.parse()` gives the page
            response: AsyncAPIResponse[Any] = await self.request(
                method, path, cast_to=cast_to, query=first_query, **options
            )
            response._post_parse = lambda parsed: make(parsed, response, first_query)
            return cast(_AsyncPageT, response)
        raw: AsyncAPIResponse[Any] = await self.request(
            method, path, cast_to=cast_to, query=first_query, **raw_options
        )
        return make(await raw.parse(), raw, first_query)

    async def _send(
        self, request: httpx.Request, stream: bool, success: Sequence[int] = ()
    ) -> tuple[httpx.Response, int]:
        """Send with retries; return the successful response and the retries it took, or raise."""
        # Imported here, not at the top: asyncio takes ~15 ms to import and only the async client
        # needs it; by the time this runs, the event loop has imported it already.
        import asyncio

        retries_taken = 0
        deadline = self._deadline()
        timeouts = dict(request.extensions.get("timeout") or {})
        while True:
            self._start_attempt(request, timeouts, deadline)
            try:
                response = await self._send_once(request, deadline)
                if not stream or not _succeeded(response, success):  # an error's body is read here
                    await aread_body(response, deadline)
            except httpx.TransportError as exc:
                delay = self._retry_or_raise(request, retries_taken, exc, deadline)
            else:
                retry_after = self._retry_delay_for(request, response, retries_taken, deadline)
                if retry_after is None:
                    if _succeeded(response, success):
                        return response, retries_taken
                    raise self._status_error(response)
                await response.aclose()
                delay = retry_after
            await asyncio.sleep(delay)
            retries_taken += 1

    async def _send_once(self, request: httpx.Request, deadline: float | None) -> httpx.Response:
        """One attempt: the request and the redirects it leads to (see `_next_hop`), the body unread."""
        auth = request.extensions.get(AUTH_FLOW, httpx.USE_CLIENT_DEFAULT)
        response = await self._client.send(request, stream=True, auth=auth, follow_redirects=False)
        hops = 0
        while (next_request := self._next_hop(self._client, request, response)) is not None:
            await response.aclose()
            hops += 1
            self._check_hop(self._client, hops, next_request, deadline)
            # Like httpx's own redirects: the auth flow ran for the first request only.
            response = await self._client.send(
                next_request, stream=True, auth=None, follow_redirects=False
            )
        return response

    # --- requests to paths the spec does not describe: `path` is relative to base_url (or a full URL) ---

    async def get(
        self, path: str, *, cast_to: type[_T], options: RequestOptions | None = None
    ) -> _T:
        return await self.request("GET", path, cast_to=cast_to, **self._undocumented(options))

    async def post(
        self,
        path: str,
        *,
        cast_to: type[_T],
        body: object = NOT_GIVEN,
        files: Mapping[str, FileTypes] | None = None,
        options: RequestOptions | None = None,
    ) -> _T:
        return await self.request(
            "POST", path, cast_to=cast_to, **self._undocumented(options, body, files)
        )

    async def put(
        self,
        path: str,
        *,
        cast_to: type[_T],
        body: object = NOT_GIVEN,
        files: Mapping[str, FileTypes] | None = None,
        options: RequestOptions | None = None,
    ) -> _T:
        return await self.request(
            "PUT", path, cast_to=cast_to, **self._undocumented(options, body, files)
        )

    async def patch(
        self,
        path: str,
        *,
        cast_to: type[_T],
        body: object = NOT_GIVEN,
        files: Mapping[str, FileTypes] | None = None,
        options: RequestOptions | None = None,
    ) -> _T:
        return await self.request(
            "PATCH", path, cast_to=cast_to, **self._undocumented(options, body, files)
        )

    async def delete(
        self,
        path: str,
        *,
        cast_to: type[_T],
        body: object = NOT_GIVEN,
        options: RequestOptions | None = None,
    ) -> _T:
        return await self.request(
            "DELETE", path, cast_to=cast_to, **self._undocumented(options, body)
        )

    async def close(self) -> None:
        """Close the underlying HTTP client and its connections."""
        await self._client.aclose()

    def is_closed(self) -> bool:
        return self._client.is_closed

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


# --- helpers --------------------------------------------------------------------------------------


_adapters: dict[object, pydantic.TypeAdapter[Any]] = {}


def _adapter(type_: type[_T]) -> pydantic.TypeAdapter[_T]:
    """One TypeAdapter per response type: building one costs far more than using it."""
    adapter = _adapters.get(type_)
    if adapter is None:
        adapter = _adapters[type_] = pydantic.TypeAdapter(type_)
    return adapter


def _body(response: httpx.Response) -> object:
    """The response body as parsed JSON, else as text (None when empty): JSON nested too deeply to
    parse without exhausting the stack is kept as text too."""
    try:
        return response.json()
    except (ValueError, RecursionError):
        return response.text or None


def _json_or_text(data: str) -> object:
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        return data


def _succeeded(response: httpx.Response, success: Sequence[int]) -> bool:
    """Whether `response` is a result: a 2xx, or a status the operation documents as one (a redirect)."""
    return response.is_success or response.status_code in success


def _in_time(delay: float, deadline: float | None) -> bool:
    """Whether waiting `delay` seconds still leaves time for another attempt before `deadline`."""
    return deadline is None or time.monotonic() + delay < deadline


def _describe(error: pydantic.ValidationError) -> str:
    first = error.errors()[0]
    location = ".".join(str(part) for part in first["loc"]) or "(root)"
    more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{location}: {first['msg']}{more}"


def _retry_after(headers: httpx.Headers) -> float | None:
    """Seconds the server asked us to wait: `retry-after-ms`, or `Retry-After` in seconds or as a date."""
    milliseconds = headers.get("retry-after-ms")
    if milliseconds is not None:
        try:
            return float(milliseconds) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    parsed = email.utils.parsedate_tz(value)
    if parsed is None:
        return None
    try:
        return email.utils.mktime_tz(parsed) - time.time()
    except (ValueError, OverflowError):  # a date no calendar holds (year 99999): as if unparseable
        return None


def _configure_logging(logger: logging.Logger, level: str | None) -> None:
    """`<PREFIX>_LOG=info|debug` turns on logging to stderr once per process."""
    if level not in ("info", "debug") or logger.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(
        logging.Formatter("[%(asctime)s - %(name)s:%(lineno)d - %(levelname)s] %(message)s")
    )
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if level == "debug" else logging.INFO)


def _wrapped(options: Mapping[str, Any]) -> bool:
    """Whether a `with_raw_response` or `with_streaming_response` wrapper made this call."""
    return RESPONSE_MODE_HEADER in (options.get("extra_headers") or {})


def _raw_mode(options: Mapping[str, Any]) -> dict[str, Any]:
    """The call's options, asking for a raw (read, unparsed) response whatever mode the caller asked for."""
    return {
        **options,
        "extra_headers": {**(options.get("extra_headers") or {}), RESPONSE_MODE_HEADER: "raw"},
    }


def _merged_query(
    url: httpx.URL, params: list[tuple[str, str | int | float | bool | None]]
) -> httpx.URL:
    """`url` with `params` added to its own query; a name in both takes the value from `params`.

    The URL's other parameters are kept byte for byte: a next-page link is opaque to the client.
    """
    ours = httpx.QueryParams(params)
    kept = [
        part
        for part in url.query.decode("ascii").split("&")
        if part and unquote_plus(part.split("=", 1)[0]) not in ours
    ]
    return url.copy_with(query="&".join([*kept, str(ours)]).encode("ascii"))


def _check_header_values(headers: Mapping[str, str], secret: Mapping[str, str]) -> None:
    """Refuse a value that would end the header early; never showing a credential (those in `secret`)."""
    hidden = SECRET_HEADER_NAMES | {name.lower() for name in secret}
    for name, value in headers.items():
        if any(c in name or c in value for c in "\r\n\0"):
            shown = "<hidden>" if name.lower() in hidden else repr(value)
            raise ValueError(f"Header {name!r} contains a line break or NUL character: {shown}")


def _keeps_credentials(url: httpx.URL, target: httpx.URL) -> bool:
    """Whether a redirect from `url` to `target` stays with the origin the credentials were sent to
    (an upgrade from http to https on the same host, as httpx has it, stays too)."""
    if url.host != target.host:
        return False
    if url.scheme == "http" and target.scheme == "https":
        return (url.port or 80) == 80 and (target.port or 443) == 443
    return url.scheme == target.scheme and url.port == target.port


def _restore_credentials(request: httpx.Request, first: httpx.Request) -> None:
    """Give a redirect within the origin the credentials `first` was sent with (in place)."""
    for name in (*first.extensions.get(SECRET_HEADERS, ()), "Authorization"):
        if name in first.headers:
            request.headers[name] = first.headers[name]
    sent_cookies = first.headers.get("Cookie")
    if sent_cookies:  # httpx replaced them with its cookie jar's
        jar_cookies = request.headers.get("Cookie")
        request.headers["Cookie"] = (
            f"{sent_cookies}; {jar_cookies}" if jar_cookies else sent_cookies
        )
    url = request.url
    for name in first.extensions.get(SECRET_QUERY, ()):
        if name not in url.params:  # a Location without the query
            for value in first.url.params.get_list(name):
                url = url.copy_add_param(name, value)
    request.url = url


def _drop_credentials(request: httpx.Request) -> None:
    """Remove the credentials the client added from a request to another origin (in place)."""
    # httpx has replaced the Cookie header by its cookie jar's for the new origin already.
    for name in (*request.extensions.get(SECRET_HEADERS, ()), "Authorization"):
        request.headers.pop(name, None)
    secret_query = request.extensions.get(SECRET_QUERY, ())
    if any(name in request.url.params for name in secret_query):
        url = request.url
        for name in secret_query:
            url = url.copy_remove_param(name)
        request.url = url


def _check_required_headers(headers: Mapping[str, str], required: Sequence[str]) -> None:
    """A header has no null, so a required one given None would silently be left out: refuse to send."""
    present = {name.lower() for name in headers}
    for name in required:
        if name.lower() not in present:
            raise TypeError(f"The header {name!r} is required, but None was given")
