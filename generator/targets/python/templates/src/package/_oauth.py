"""OAuth2 client credentials (RFC 6749 §4.4): the client fetches its own access token and keeps it fresh.

The client authenticates to the token endpoint with HTTP Basic (RFC 6749 §2.3.1: its id and secret, each
form-encoded, joined by a colon, base64-encoded), which every authorization server must support, and
posts `grant_type=client_credentials` and the scopes as a form. The token is cached until shortly before
it expires (`expires_in`), fetched once however many threads or tasks need it at the same time, and
fetched again once when the API answers 401 to it. Neither the secret nor a token is ever logged or shown
in a repr or an error message.
"""

from __future__ import annotations

import base64
import logging
import threading
import time
from collections.abc import AsyncGenerator, Callable, Generator, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus

import httpx

from ._exceptions import APIResponseTooLargeError, AuthenticationError
from ._limits import MAX_RESPONSE_SIZE, aread_body, read_body

if TYPE_CHECKING:
    import asyncio

__all__ = ["ClientCredentials"]

# A token is replaced this share of its lifetime before it expires, but never more than MAX_EARLY seconds early.
EARLY_SHARE = 0.1
MAX_EARLY = 60.0
# The largest answer read from the token endpoint, in bytes (a token response is a few hundred).
MAX_TOKEN_RESPONSE = 1024 * 1024

_log = logging.getLogger(__name__.rsplit(".", 1)[0])


class ClientCredentials:
    """One client's id and secret and the token they were last exchanged for.

    Shared by a client and its `with_options` copies. `clock` (seconds, monotonic) can be replaced in tests.
    """

    def __init__(
        self, *, token_url: str, client_id: str, client_secret: str, scopes: Sequence[str] = ()
    ) -> None:
        self.token_url = token_url
        self.client_id = client_id
        self._client_secret = client_secret
        self.scopes = tuple(scopes)
        self.clock: Callable[[], float] = time.monotonic
        self._token: str | None = None
        self._expires_at: float | None = None  # None: the server gave no lifetime, so until a 401
        self._lock = threading.Lock()
        self._async_lock: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None

    def __repr__(self) -> str:
        return f"ClientCredentials(token_url={self.token_url!r}, client_id={self.client_id!r}, client_secret='<hidden>')"

    def same_as(self, other: ClientCredentials | None) -> bool:
        """Whether `other` would fetch the same tokens (so the two can share one)."""
        return other is not None and (self.token_url, self.client_id, self._client_secret, self.scopes) == (
            other.token_url, other.client_id, other._client_secret, other.scopes
        )  # fmt: skip

    def auth(self, http: httpx.Client | httpx.AsyncClient) -> httpx.Auth:
        """An httpx auth flow sending the token, which fetches tokens with `http`."""
        return _BearerFlow(self, http)

    # --- the cached token ---------------------------------------------------------------------------

    def _fresh(self) -> str | None:
        if self._token is None or (
            self._expires_at is not None and self.clock() >= self._expires_at
        ):
            return None
        return self._token

    def forget(self, stale: str) -> None:
        """Drop `stale` (refused by the API), unless another thread already replaced it."""
        with self._lock:
            self._forget(stale)

    def _forget(self, stale: str) -> None:
        if self._token == stale:
            self._token = None

    def token(self, http: httpx.Client) -> str:
        token = self._fresh()
        if token is not None:
            return token
        with self._lock:  # one fetch: the others wait for it, then find the new token
            token = self._fresh()
            if token is None:
                started = self.clock()
                response = http.send(self._token_request(http), auth=None, stream=True)
                try:
                    read_body(response)
                except APIResponseTooLargeError:
                    raise self._too_large(response) from None
                finally:
                    response.close()
                token = self._store(response, started)
            return token

    async def atoken(self, http: httpx.AsyncClient) -> str:
        token = self._fresh()
        if token is not None:
            return token
        async with self._lock_for_loop():
            token = self._fresh()
            if token is None:
                started = self.clock()
                response = await http.send(self._token_request(http), auth=None, stream=True)
                try:
                    await aread_body(response)
                except APIResponseTooLargeError:
                    raise self._too_large(response) from None
                finally:
                    await response.aclose()
                token = self._store(response, started)
            return token

    def _lock_for_loop(self) -> asyncio.Lock:
        """An asyncio lock of the running event loop (a lock cannot be shared between loops)."""
        import asyncio

        loop = asyncio.get_running_loop()
        if self._async_lock is None or self._async_lock[0] is not loop:
            self._async_lock = (loop, asyncio.Lock())
        return self._async_lock[1]

    # --- the token endpoint -------------------------------------------------------------------------

    def _token_request(self, http: httpx.Client | httpx.AsyncClient) -> httpx.Request:
        pair = f"{quote_plus(self.client_id)}:{quote_plus(self._client_secret)}"
        form = {
            "grant_type": "client_credentials",
            **({"scope": " ".join(self.scopes)} if self.scopes else {}),
        }
        headers = {
            "Authorization": "Basic " + base64.b64encode(pair.encode()).decode(),
            "Accept": "application/json",
        }
        request = http.build_request("POST", self.token_url, data=form, headers=headers)
        request.extensions[MAX_RESPONSE_SIZE] = MAX_TOKEN_RESPONSE  # read by `read_body`
        return request

    def _too_large(self, response: httpx.Response) -> AuthenticationError:
        return AuthenticationError(
            f"The OAuth2 token endpoint {self.token_url} answered with more than {MAX_TOKEN_RESPONSE:,} bytes",
            response,
            body=None,
        )

    def _store(self, response: httpx.Response, started: float) -> str:
        """The access token of the token endpoint's answer, cached; AuthenticationError when there is none."""
        body = _json(response)
        if not response.is_success:
            error = body.get("error") if isinstance(body, dict) else None
            described = body.get("error_description") if isinstance(body, dict) else None
            reason = (
                ": ".join(str(part) for part in (error, described) if isinstance(part, str))
                or "no reason given"
            )
            raise AuthenticationError(
                f"The OAuth2 token endpoint {self.token_url} refused the client credentials "
                f"(status {response.status_code}: {reason})",
                response,
                body=body,
            )
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            # The body is not shown: it may hold a token under another name.
            raise AuthenticationError(
                f"The OAuth2 token endpoint {self.token_url} answered without an access_token",
                response,
                body=None,
            )
        lifetime = _seconds(body.get("expires_in")) if isinstance(body, dict) else None
        self._token = token
        self._expires_at = (
            None
            if lifetime is None
            else started + lifetime - min(MAX_EARLY, lifetime * EARLY_SHARE)
        )
        _log.debug("Fetched an OAuth2 token from %s (expires in %s s)", self.token_url, lifetime)
        return token


class _BearerFlow(httpx.Auth):
    """Sends `Authorization: Bearer <token>`; on a 401, fetches a new token once and sends the request again."""

    def __init__(
        self, credentials: ClientCredentials, http: httpx.Client | httpx.AsyncClient
    ) -> None:
        self._credentials = credentials
        self._http = http

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        assert isinstance(self._http, httpx.Client)
        token = self._credentials.token(self._http)
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            self._credentials.forget(token)
            request.headers["Authorization"] = f"Bearer {self._credentials.token(self._http)}"
            yield request

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        assert isinstance(self._http, httpx.AsyncClient)
        token = await self._credentials.atoken(self._http)
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            self._credentials._forget(
                token
            )  # no other thread: the async client's tasks share one loop
            request.headers["Authorization"] = (
                f"Bearer {await self._credentials.atoken(self._http)}"
            )
            yield request


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (ValueError, RecursionError):  # not JSON, or nested too deeply to parse
        return None


def _seconds(value: object) -> float | None:
    """`expires_in` as seconds: a number, or a number as text (some servers send "3600")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return max(float(value), 0.0)
    if isinstance(value, str):
        try:
            return max(float(value), 0.0)
        except ValueError:
            return None
    return None
