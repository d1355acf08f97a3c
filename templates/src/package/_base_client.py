"""The HTTP machinery behind every generated method: building requests, retries, errors, parsing.

Sync and async clients share everything except the two lines that do I/O (send and sleep).
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import os
import random
import time
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, Literal, TypeVar, cast

import httpx
import pydantic
from typing_extensions import Self

from ._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    status_error_class,
)
from ._models import BaseModel
from ._types import NOT_GIVEN, Body, Headers, NotGiven, Query, Timeout
from ._utils import format_path, without_not_given

__all__ = ["AsyncAPIClient", "BodyKind", "SyncAPIClient"]

_T = TypeVar("_T")
BodyKind = Literal["json", "form", "multipart", "raw"]

INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 60.0
RETRYABLE_STATUSES = frozenset({408, 409, 429})
_NONE_TYPE: Any = type(None)  # typed Any so comparing `cast_to` with it does not narrow `_T`
SECRET_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization", "set-cookie"})


class BaseClient:
    """Configuration and the I/O-free steps every request goes through."""

    _log_name = __name__.rsplit(".", 1)[0]

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
    ) -> None:
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        self.base_url = httpx.URL(str(base_url).rstrip("/") + "/")
        self.timeout = timeout
        self.max_retries = max_retries
        self._default_headers = dict(default_headers or {})
        self._default_query = dict(default_query or {})
        self._user_agent = user_agent
        self._request_id_header = request_id_header
        self._log = logging.getLogger(self._log_name)
        _configure_logging(self._log, os.environ.get(log_env))

    # --- subclasses say how credentials are sent ------------------------------------------------

    def _auth_headers(self, security: Sequence[str]) -> dict[str, str]:
        return {}

    def _auth_query(self, security: Sequence[str]) -> dict[str, str]:
        return {}

    def _auth_cookies(self, security: Sequence[str]) -> dict[str, str]:
        return {}

    # --- requests -------------------------------------------------------------------------------

    def _build_request(
        self,
        http: httpx.Client | httpx.AsyncClient,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None,
        query: Mapping[str, object] | None,
        headers: Mapping[str, object] | None,
        cookies: Mapping[str, object] | None,
        body: object,
        body_kind: BodyKind,
        content_type: str | None,
        security: Sequence[str],
        extra_headers: Headers | None,
        extra_query: Query | None,
        extra_body: Body | None,
        timeout: Timeout | NotGiven,
    ) -> httpx.Request:
        url = self.base_url.join(format_path(path, path_params or {}).lstrip("/"))
        all_headers = {
            "Accept": "application/json",
            "User-Agent": self._user_agent,
            **self._default_headers,
            **_header_values(headers),
            **self._auth_headers(security),
            **(extra_headers or {}),
        }
        _check_header_values(all_headers)
        params = {
            **self._default_query,
            **_query_values(query),
            **self._auth_query(security),
            **(extra_query or {}),
        }
        request_cookies = {**_text_values(cookies), **self._auth_cookies(security)}
        if request_cookies:
            all_headers["Cookie"] = "; ".join(
                f"{name}={value}" for name, value in request_cookies.items()
            )
        content, data, files = _encode_body(body, body_kind, extra_body)
        if content is not None and "Content-Type" not in all_headers:
            all_headers["Content-Type"] = content_type or "application/json"
        return http.build_request(
            method,
            url,
            params=cast(Any, params),
            headers=all_headers,
            content=content,
            data=data,
            files=files,
            timeout=self.timeout if isinstance(timeout, NotGiven) else timeout,
        )

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

    def _parse(self, response: httpx.Response, cast_to: type[_T]) -> _T:
        request_id = response.headers.get(self._request_id_header)
        if cast_to is _NONE_TYPE:
            return cast(_T, None)
        if cast_to is bytes:
            return cast(_T, response.content)
        if cast_to is str:
            return cast(_T, response.text)
        try:
            # Strict JSON validation: "yes" is not a bool and "1" is not an int, whatever lax mode would say.
            result: _T = _adapter(cast_to).validate_json(response.content, strict=True)
        except pydantic.ValidationError as exc:
            raise APIResponseValidationError(
                f"The response does not match the expected type: {_describe(exc)}",
                response,
                body=_body(response),
                request_id=request_id,
            ) from None
        if isinstance(result, BaseModel):
            result._request_id = request_id
        return result

    def _status_error(self, response: httpx.Response) -> APIStatusError:
        body = _body(response)
        message = f"Error code: {response.status_code}" + (f" - {body}" if body else "")
        error_class = status_error_class(response.status_code)
        return error_class(
            message, response, body=body, request_id=response.headers.get(self._request_id_header)
        )

    def _log_response(self, request: httpx.Request, response: httpx.Response) -> None:
        self._log.debug(
            'HTTP Request: %s %s "%s"', request.method, request.url, response.status_code
        )

    def _log_retry(self, request: httpx.Request, delay: float, reason: str) -> None:
        self._log.info("Retrying %s %s in %.2f s (%s)", request.method, request.url, delay, reason)


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
        headers: Mapping[str, object] | None = None,
        cookies: Mapping[str, object] | None = None,
        body: object = NOT_GIVEN,
        body_kind: BodyKind = "json",
        content_type: str | None = None,
        security: Sequence[str] = (),
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> _T:
        request = self._build_request(
            self._client, method, path, path_params=path_params, query=query, headers=headers, cookies=cookies,
            body=body, body_kind=body_kind, content_type=content_type, security=security,
            extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body, timeout=timeout,
        )  # fmt: skip
        retries_taken = 0
        while True:
            try:
                response = self._client.send(request)
            except httpx.TimeoutException as exc:
                if retries_taken >= self.max_retries:
                    raise APITimeoutError(request) from exc
                delay = self._retry_delay(retries_taken, None)
                self._log_retry(request, delay, "timed out")
            except httpx.LocalProtocolError as exc:  # the request itself is malformed: retrying cannot help
                raise APIConnectionError(request, f"Invalid request: {exc}") from exc
            except httpx.TransportError as exc:
                if retries_taken >= self.max_retries:
                    raise APIConnectionError(request) from exc
                delay = self._retry_delay(retries_taken, None)
                self._log_retry(request, delay, "connection error")
            else:
                self._log_response(request, response)
                if response.is_success:
                    return self._parse(response, cast_to)
                if retries_taken >= self.max_retries or not self._should_retry(response):
                    raise self._status_error(response)
                delay = self._retry_delay(retries_taken, response)
                self._log_retry(request, delay, f"status {response.status_code}")
                response.close()
            time.sleep(delay)
            retries_taken += 1

    def close(self) -> None:
        """Close the underlying HTTP client and its connections."""
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def is_closed(self) -> bool:
        return self._client.is_closed


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
        headers: Mapping[str, object] | None = None,
        cookies: Mapping[str, object] | None = None,
        body: object = NOT_GIVEN,
        body_kind: BodyKind = "json",
        content_type: str | None = None,
        security: Sequence[str] = (),
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> _T:
        request = self._build_request(
            self._client, method, path, path_params=path_params, query=query, headers=headers, cookies=cookies,
            body=body, body_kind=body_kind, content_type=content_type, security=security,
            extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body, timeout=timeout,
        )  # fmt: skip
        retries_taken = 0
        while True:
            try:
                response = await self._client.send(request)
            except httpx.TimeoutException as exc:
                if retries_taken >= self.max_retries:
                    raise APITimeoutError(request) from exc
                delay = self._retry_delay(retries_taken, None)
                self._log_retry(request, delay, "timed out")
            except httpx.LocalProtocolError as exc:  # the request itself is malformed: retrying cannot help
                raise APIConnectionError(request, f"Invalid request: {exc}") from exc
            except httpx.TransportError as exc:
                if retries_taken >= self.max_retries:
                    raise APIConnectionError(request) from exc
                delay = self._retry_delay(retries_taken, None)
                self._log_retry(request, delay, "connection error")
            else:
                self._log_response(request, response)
                if response.is_success:
                    await response.aread()
                    return self._parse(response, cast_to)
                if retries_taken >= self.max_retries or not self._should_retry(response):
                    await response.aread()
                    raise self._status_error(response)
                delay = self._retry_delay(retries_taken, response)
                self._log_retry(request, delay, f"status {response.status_code}")
                await response.aclose()
            await asyncio.sleep(delay)
            retries_taken += 1

    async def close(self) -> None:
        """Close the underlying HTTP client and its connections."""
        await self._client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def is_closed(self) -> bool:
        return self._client.is_closed


# --- helpers --------------------------------------------------------------------------------------


_adapters: dict[object, pydantic.TypeAdapter[Any]] = {}


def _adapter(type_: type[_T]) -> pydantic.TypeAdapter[_T]:
    """One TypeAdapter per response type: building one costs far more than using it."""
    adapter = _adapters.get(type_)
    if adapter is None:
        adapter = _adapters[type_] = pydantic.TypeAdapter(type_)
    return adapter


def _body(response: httpx.Response) -> object:
    """The response body as parsed JSON, else as text (None when empty)."""
    try:
        return response.json()
    except ValueError:
        return response.text or None


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
    return email.utils.mktime_tz(parsed) - time.time()


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


def _header_values(headers: Mapping[str, object] | None) -> dict[str, str]:
    return _text_values(headers)


def _check_header_values(headers: Mapping[str, str]) -> None:
    for name, value in headers.items():
        if any(c in name or c in value for c in "\r\n\0"):
            shown = "<hidden>" if name.lower() in SECRET_HEADERS else repr(value)
            raise ValueError(f"Header {name!r} contains a line break or NUL character: {shown}")


def _text_values(values: Mapping[str, object] | None) -> dict[str, str]:
    return {
        key: _to_text(value)
        for key, value in without_not_given(values or {}).items()
        if value is not None
    }


def _to_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ",".join(_to_text(v) for v in value)
    return str(value)


def _query_values(query: Mapping[str, object] | None) -> dict[str, str | list[str]]:
    """Query parameters as strings; lists repeat the key (`?tag=a&tag=b`), omitted ones are dropped."""
    result: dict[str, str | list[str]] = {}
    for key, value in without_not_given(query or {}).items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            result[key] = [_to_text(v) for v in value]
        else:
            result[key] = _to_text(value)
    return result


def _json_default(value: object) -> object:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    raise TypeError(f"Object of type {type(value).__name__} cannot be sent as JSON")


def _encode_body(
    body: object, kind: BodyKind, extra_body: Body | None
) -> tuple[bytes | None, dict[str, Any] | None, dict[str, Any] | None]:
    """(content, form data, files) for httpx, with omitted fields dropped and `extra_body` merged in."""
    if isinstance(body, NotGiven) and not extra_body:
        return None, None, None
    if isinstance(body, (Mapping, NotGiven)):
        fields: dict[str, object] = {
            **without_not_given(body if isinstance(body, Mapping) else {}),
            **(extra_body or {}),
        }
        if kind == "form":
            return None, {k: _to_text(v) for k, v in fields.items() if v is not None}, None
        if kind == "multipart":
            files = {k: v for k, v in fields.items() if _is_file(v)}
            data = {k: _to_text(v) for k, v in fields.items() if k not in files and v is not None}
            return None, data, files
        if kind == "json":
            return (
                json.dumps(fields, default=_json_default, separators=(",", ":")).encode(),
                None,
                None,
            )
    if kind == "raw":
        return (body.encode() if isinstance(body, str) else cast(bytes, body)), None, None
    return json.dumps(body, default=_json_default, separators=(",", ":")).encode(), None, None


def _is_file(value: object) -> bool:
    return isinstance(value, (bytes, bytearray, tuple, os.PathLike)) or hasattr(value, "read")
