"""The Conductor and AsyncConductor clients: configuration, credentials and resources."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

import httpx
from typing_extensions import Self

from ._base_client import AsyncAPIClient, SyncAPIClient
from ._exceptions import ConductorError
from ._types import NOT_GIVEN, NotGiven, Timeout
from ._utils import credential_from_env, unsendable_in_header
from ._version import __version__

if TYPE_CHECKING:
    from .resources.end_users import (
        AsyncEndUsersResource,
        AsyncEndUsersResourceWithRawResponse,
        AsyncEndUsersResourceWithStreamingResponse,
        EndUsersResource,
        EndUsersResourceWithRawResponse,
        EndUsersResourceWithStreamingResponse,
    )

__all__ = [
    "DEFAULT_MAX_RESPONSE_SIZE",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "AsyncClient",
    "AsyncConductor",
    "Client",
    "Conductor",
    "DefaultAioHttpClient",
    "DefaultAsyncHttpxClient",
    "DefaultHttpxClient",
]

DEFAULT_TIMEOUT = httpx.Timeout(timeout=60.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2
DEFAULT_MAX_RESPONSE_SIZE = 100 * 1024 * 1024  # bytes of a decoded response body: 100 MiB
DEFAULT_BASE_URL = "https://api.conductor.is/v1"
USER_AGENT = f"conductor/Python {__version__}"


class DefaultHttpxClient(httpx.Client):
    """An `httpx.Client` set up as the client's own one is (redirects followed, the default timeout).

    Pass one as `http_client` to change other httpx options (proxies, transports, limits) while keeping these.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("timeout", DEFAULT_TIMEOUT)
        kwargs.setdefault("follow_redirects", True)
        super().__init__(**kwargs)


class DefaultAsyncHttpxClient(httpx.AsyncClient):
    """An `httpx.AsyncClient` set up as the async client's own one is (redirects followed, the default timeout)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("timeout", DEFAULT_TIMEOUT)
        kwargs.setdefault("follow_redirects", True)
        super().__init__(**kwargs)


class DefaultAioHttpClient(httpx.AsyncClient):
    """A `DefaultAsyncHttpxClient` that sends through aiohttp, which handles many concurrent requests better.

    Needs the `aiohttp` extra: `pip install conductor-py[aiohttp]`. Pass one as `http_client` to
    `AsyncConductor`. `verify`, `cert`, `trust_env`, `limits` and `proxy` go to the aiohttp transport.
    """

    def __init__(self, **kwargs: Any) -> None:
        try:
            from httpx_aiohttp import AiohttpTransport
        except ImportError as exc:
            raise ImportError(
                "DefaultAioHttpClient needs aiohttp and httpx-aiohttp: pip install 'conductor-py[aiohttp]'"
            ) from exc
        if "transport" not in kwargs:
            options = {key: kwargs[key] for key in _AIOHTTP_TRANSPORT_OPTIONS if key in kwargs}
            # A proxy is sent through aiohttp too, rather than through a transport of httpx's own.
            if "proxy" in kwargs:
                proxy = kwargs.pop("proxy")
                options["proxy"] = proxy if isinstance(proxy, httpx.Proxy) else httpx.Proxy(proxy)
            kwargs["transport"] = AiohttpTransport(**options)
        kwargs.setdefault("timeout", DEFAULT_TIMEOUT)
        kwargs.setdefault("follow_redirects", True)
        super().__init__(**kwargs)


_AIOHTTP_TRANSPORT_OPTIONS = ("verify", "cert", "trust_env", "limits")


class Conductor(SyncAPIClient):
    """Client for the Conductor API."""

    # Every credential is sent by `get`, `post` and the other requests to paths the spec does not describe.
    _credential_names = ("api_key",)
    api_key: str

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        http_client: httpx.Client | None = None,
        strict_response_validation: bool = True,
        max_response_size: int | None = DEFAULT_MAX_RESPONSE_SIZE,
        total_timeout: float | None = None,
    ) -> None:
        """Create a client.

        Args:
          api_key: Your Conductor secret key using Bearer auth (e.g., `"Authorization: Bearer {{YOUR_SECRET_KEY}}"`). Defaults to the `CONDUCTOR_SECRET_KEY` environment variable (without surrounding whitespace).
          base_url: Defaults to the `CONDUCTOR_BASE_URL` environment variable, else https://api.conductor.is/v1.
          timeout: Seconds (or an `httpx.Timeout`) each step of a request may take: connecting, sending,
            waiting for each piece of the response; `None` waits forever. It does not bound the whole call.
          max_retries: How often a failed request is retried (connection errors, timeouts, 408, 409, 429, 5xx).
          default_headers: Headers sent with every request.
          default_query: Query parameters sent with every request.
          http_client: An `httpx.Client` to send requests with (for proxies, transports, limits).
          strict_response_validation: Raise `APIResponseValidationError` when a response does not match
            its documented type (the default); when False, such a response is returned unvalidated.
          max_response_size: The largest response body read, in bytes once decoded (100 MiB by default);
            a larger one raises `APIResponseTooLargeError`. `None` reads bodies of any size.
          total_timeout: Seconds a whole call may take, every attempt, the waits between them and reading
            the body included (a streamed body: until its headers arrive); `None` (the default) for no limit.
        """
        if api_key is None:
            api_key = credential_from_env("CONDUCTOR_SECRET_KEY")
        if api_key is None:
            raise ConductorError(
                "The api_key client option must be set either by passing api_key to the client "
                "or by setting the CONDUCTOR_SECRET_KEY environment variable"
            )
        if api_key is not None and (unsendable := unsendable_in_header(api_key)):
            raise ConductorError(f"The api_key client option {unsendable}")
        self.api_key = api_key
        if base_url is None:
            base_url = os.environ.get("CONDUCTOR_BASE_URL") or DEFAULT_BASE_URL
        if not base_url:
            raise ConductorError(
                "The base_url client option must be set either by passing base_url to the client "
                "or by setting the CONDUCTOR_BASE_URL environment variable"
            )
        super().__init__(
            http_client=http_client,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
            user_agent=USER_AGENT,
            request_id_header="Conductor-Request-Id",
            log_env="CONDUCTOR_LOG",
            strict_response_validation=strict_response_validation,
            max_response_size=max_response_size,
            total_timeout=total_timeout,
            idempotency_header="Idempotency-Key",
        )

    def copy(
        self,
        *,
        api_key: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
        set_default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        set_default_query: Mapping[str, object] | None = None,
        http_client: httpx.Client | None = None,
        strict_response_validation: bool | None = None,
        max_response_size: int | None | NotGiven = NOT_GIVEN,
        total_timeout: float | None | NotGiven = NOT_GIVEN,
    ) -> Self:
        """A new client with some options changed, sharing this one's connection pool.

        `default_headers` and `default_query` are added to this client's defaults;
        `set_default_headers` and `set_default_query` replace them.
        """
        if default_headers is not None and set_default_headers is not None:
            raise ValueError(
                "The default_headers and set_default_headers arguments are mutually exclusive"
            )
        if default_query is not None and set_default_query is not None:
            raise ValueError(
                "The default_query and set_default_query arguments are mutually exclusive"
            )
        headers = (
            {**self._default_headers, **(default_headers or {})}
            if set_default_headers is None
            else set_default_headers
        )
        query = (
            {**self._default_query, **(default_query or {})}
            if set_default_query is None
            else set_default_query
        )
        return self.__class__(
            api_key=api_key or self.api_key,
            base_url=base_url or self.base_url,
            timeout=self.timeout if isinstance(timeout, NotGiven) else timeout,
            max_retries=self.max_retries if max_retries is None else max_retries,
            default_headers=headers,
            default_query=query,
            http_client=http_client or self._client,
            strict_response_validation=(
                self.strict_response_validation
                if strict_response_validation is None
                else strict_response_validation
            ),
            max_response_size=(
                self.max_response_size
                if isinstance(max_response_size, NotGiven)
                else max_response_size
            ),
            total_timeout=(
                self.total_timeout if isinstance(total_timeout, NotGiven) else total_timeout
            ),
        )

    with_options = copy

    @cached_property
    def end_users(self) -> EndUsersResource:
        from .resources.end_users import EndUsersResource

        return EndUsersResource(self)

    @cached_property
    def with_raw_response(self) -> ConductorWithRawResponse:
        """Every resource, with methods returning the raw response (headers, status, `.parse()`)."""
        return ConductorWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> ConductorWithStreamedResponse:
        """Every resource, with methods returning a context manager over the streamed response."""
        return ConductorWithStreamedResponse(self)

    def _auth_headers(self, security: Sequence[str]) -> dict[str, str]:
        values: dict[str, str] = {}
        if "api_key" in security and self.api_key is not None:
            values["Authorization"] = f"Bearer {self.api_key}"
        return values


class AsyncConductor(AsyncAPIClient):
    """Async client for the Conductor API."""

    # Every credential is sent by `get`, `post` and the other requests to paths the spec does not describe.
    _credential_names = ("api_key",)
    api_key: str

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        http_client: httpx.AsyncClient | None = None,
        strict_response_validation: bool = True,
        max_response_size: int | None = DEFAULT_MAX_RESPONSE_SIZE,
        total_timeout: float | None = None,
    ) -> None:
        """Create a client.

        Args:
          api_key: Your Conductor secret key using Bearer auth (e.g., `"Authorization: Bearer {{YOUR_SECRET_KEY}}"`). Defaults to the `CONDUCTOR_SECRET_KEY` environment variable (without surrounding whitespace).
          base_url: Defaults to the `CONDUCTOR_BASE_URL` environment variable, else https://api.conductor.is/v1.
          timeout: Seconds (or an `httpx.Timeout`) each step of a request may take: connecting, sending,
            waiting for each piece of the response; `None` waits forever. It does not bound the whole call.
          max_retries: How often a failed request is retried (connection errors, timeouts, 408, 409, 429, 5xx).
          default_headers: Headers sent with every request.
          default_query: Query parameters sent with every request.
          http_client: An `httpx.AsyncClient` to send requests with (for proxies, transports, limits).
          strict_response_validation: Raise `APIResponseValidationError` when a response does not match
            its documented type (the default); when False, such a response is returned unvalidated.
          max_response_size: The largest response body read, in bytes once decoded (100 MiB by default);
            a larger one raises `APIResponseTooLargeError`. `None` reads bodies of any size.
          total_timeout: Seconds a whole call may take, every attempt, the waits between them and reading
            the body included (a streamed body: until its headers arrive); `None` (the default) for no limit.
        """
        if api_key is None:
            api_key = credential_from_env("CONDUCTOR_SECRET_KEY")
        if api_key is None:
            raise ConductorError(
                "The api_key client option must be set either by passing api_key to the client "
                "or by setting the CONDUCTOR_SECRET_KEY environment variable"
            )
        if api_key is not None and (unsendable := unsendable_in_header(api_key)):
            raise ConductorError(f"The api_key client option {unsendable}")
        self.api_key = api_key
        if base_url is None:
            base_url = os.environ.get("CONDUCTOR_BASE_URL") or DEFAULT_BASE_URL
        if not base_url:
            raise ConductorError(
                "The base_url client option must be set either by passing base_url to the client "
                "or by setting the CONDUCTOR_BASE_URL environment variable"
            )
        super().__init__(
            http_client=http_client,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
            user_agent=USER_AGENT,
            request_id_header="Conductor-Request-Id",
            log_env="CONDUCTOR_LOG",
            strict_response_validation=strict_response_validation,
            max_response_size=max_response_size,
            total_timeout=total_timeout,
            idempotency_header="Idempotency-Key",
        )

    def copy(
        self,
        *,
        api_key: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
        set_default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        set_default_query: Mapping[str, object] | None = None,
        http_client: httpx.AsyncClient | None = None,
        strict_response_validation: bool | None = None,
        max_response_size: int | None | NotGiven = NOT_GIVEN,
        total_timeout: float | None | NotGiven = NOT_GIVEN,
    ) -> Self:
        """A new client with some options changed, sharing this one's connection pool.

        `default_headers` and `default_query` are added to this client's defaults;
        `set_default_headers` and `set_default_query` replace them.
        """
        if default_headers is not None and set_default_headers is not None:
            raise ValueError(
                "The default_headers and set_default_headers arguments are mutually exclusive"
            )
        if default_query is not None and set_default_query is not None:
            raise ValueError(
                "The default_query and set_default_query arguments are mutually exclusive"
            )
        headers = (
            {**self._default_headers, **(default_headers or {})}
            if set_default_headers is None
            else set_default_headers
        )
        query = (
            {**self._default_query, **(default_query or {})}
            if set_default_query is None
            else set_default_query
        )
        return self.__class__(
            api_key=api_key or self.api_key,
            base_url=base_url or self.base_url,
            timeout=self.timeout if isinstance(timeout, NotGiven) else timeout,
            max_retries=self.max_retries if max_retries is None else max_retries,
            default_headers=headers,
            default_query=query,
            http_client=http_client or self._client,
            strict_response_validation=(
                self.strict_response_validation
                if strict_response_validation is None
                else strict_response_validation
            ),
            max_response_size=(
                self.max_response_size
                if isinstance(max_response_size, NotGiven)
                else max_response_size
            ),
            total_timeout=(
                self.total_timeout if isinstance(total_timeout, NotGiven) else total_timeout
            ),
        )

    with_options = copy

    @cached_property
    def end_users(self) -> AsyncEndUsersResource:
        from .resources.end_users import AsyncEndUsersResource

        return AsyncEndUsersResource(self)

    @cached_property
    def with_raw_response(self) -> AsyncConductorWithRawResponse:
        """Every resource, with methods returning the raw response (headers, status, `.parse()`)."""
        return AsyncConductorWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncConductorWithStreamedResponse:
        """Every resource, with methods returning a context manager over the streamed response."""
        return AsyncConductorWithStreamedResponse(self)

    def _auth_headers(self, security: Sequence[str]) -> dict[str, str]:
        values: dict[str, str] = {}
        if "api_key" in security and self.api_key is not None:
            values["Authorization"] = f"Bearer {self.api_key}"
        return values


class ConductorWithRawResponse:
    """`client.with_raw_response`: the client's resources, each through `.with_raw_response`."""

    def __init__(self, client: Conductor) -> None:
        self._client = client

    @cached_property
    def end_users(self) -> EndUsersResourceWithRawResponse:
        from .resources.end_users import EndUsersResourceWithRawResponse

        return EndUsersResourceWithRawResponse(self._client.end_users)


class ConductorWithStreamedResponse:
    """`client.with_streaming_response`: the client's resources, each through `.with_streaming_response`."""

    def __init__(self, client: Conductor) -> None:
        self._client = client

    @cached_property
    def end_users(self) -> EndUsersResourceWithStreamingResponse:
        from .resources.end_users import EndUsersResourceWithStreamingResponse

        return EndUsersResourceWithStreamingResponse(self._client.end_users)


class AsyncConductorWithRawResponse:
    """`client.with_raw_response`: the client's resources, each through `.with_raw_response`."""

    def __init__(self, client: AsyncConductor) -> None:
        self._client = client

    @cached_property
    def end_users(self) -> AsyncEndUsersResourceWithRawResponse:
        from .resources.end_users import AsyncEndUsersResourceWithRawResponse

        return AsyncEndUsersResourceWithRawResponse(self._client.end_users)


class AsyncConductorWithStreamedResponse:
    """`client.with_streaming_response`: the client's resources, each through `.with_streaming_response`."""

    def __init__(self, client: AsyncConductor) -> None:
        self._client = client

    @cached_property
    def end_users(self) -> AsyncEndUsersResourceWithStreamingResponse:
        from .resources.end_users import AsyncEndUsersResourceWithStreamingResponse

        return AsyncEndUsersResourceWithStreamingResponse(self._client.end_users)


Client = Conductor


AsyncClient = AsyncConductor
