"""Calling the generated SDK for an operation: arguments checked, the request sent (or only shown,
for a dry run), the result turned into JSON within the size limit, and every failure into a message
an agent can act on.

Secrets never leave: credential headers are redacted from dry runs, and every text this module
returns has the credential values in use replaced, whatever echoed them (an API error body, an
exception's message).
"""

from __future__ import annotations

import base64
import datetime
import importlib
import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import jsonschema
import pydantic

from .catalog import Operation

logger = logging.getLogger(__package__)

REDACTED = "[redacted]"
MAX_ERRORS = 5  # argument errors listed in one message
MAX_ERROR_BODY = 2_000  # characters of an API error's body kept in the message


_secrets_seen: set[str] = set()  # every credential value a call used: redacted from the logs too


class RedactingFilter(logging.Filter):
    """Put on the log handlers: replaces every credential value in use in a record's message (the
    SDK's own log lines carry URLs, which hold a key sent in the query)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _secrets_seen:
            record.msg = _scrub(record.getMessage(), sorted(_secrets_seen))
            record.args = None
        return True


class ToolError(Exception):
    """A failure reported to the agent as the tool's error result (never with a traceback)."""


@dataclass
class Outcome:
    """What a call answers: JSON text, and whether it is an error."""

    text: str
    is_error: bool = False


class _RequestCapturedError(Exception):
    """Raised by the dry-run transport: the SDK built the request; it is not sent."""

    def __init__(self, request: httpx.Request) -> None:
        super().__init__("captured")
        self.request = request


class _CaptureTransport(httpx.AsyncBaseTransport):
    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        raise _RequestCapturedError(request)


class Caller:
    """Calls operations through the SDK's async client, one client per call's credentials."""

    def __init__(self, sdk: Mapping[str, Any], max_result_bytes: int) -> None:
        self._sdk = sdk
        self._module = importlib.import_module(sdk["package"])
        self._client_class = getattr(self._module, sdk["client"])
        self._max_result_bytes = max_result_bytes
        self._credentials: list[dict[str, Any]] = list(sdk["credentials"])

    def check_arguments(self, operation: Operation, arguments: Any) -> dict[str, Any]:
        """The arguments if they fit the schema, else a ToolError naming each bad one."""
        if arguments is None:
            arguments = {}
        if not isinstance(arguments, dict):
            raise ToolError(f"invalid arguments for {operation.name}: arguments must be an object")
        validator = jsonschema.Draft202012Validator(operation.input_schema)
        errors = sorted(validator.iter_errors(arguments), key=lambda e: list(map(str, e.path)))
        if errors:
            lines = [_argument_error(error) for error in errors[:MAX_ERRORS]]
            more = len(errors) - len(lines)
            if more:
                lines.append(f"... and {more} more")
            raise ToolError(
                f"invalid arguments for {operation.name}:\n"
                + "\n".join(lines)
                + "\n(describe_operation shows the schema and an example)"
            )
        return arguments

    async def call(
        self,
        operation: Operation,
        arguments: dict[str, Any],
        *,
        dry_run: bool,
        authorization: str | None,
        from_environment: bool,
    ) -> Outcome:
        """Sends the operation's request (with `dry_run`, only builds it) and answers its result."""
        secrets = self._secrets(authorization, from_environment)
        try:
            text = await self._call(operation, arguments, dry_run, authorization, from_environment)
            return Outcome(_scrub(text, secrets))
        except ToolError as exc:
            return Outcome(_scrub(str(exc), secrets), is_error=True)
        except Exception as exc:  # noqa: BLE001 - a message for the agent, never a traceback
            logger.warning("%s failed: %s", operation.name, type(exc).__name__)
            return Outcome(_scrub(self._describe_error(exc), secrets), is_error=True)

    async def _call(
        self,
        operation: Operation,
        arguments: dict[str, Any],
        dry_run: bool,
        authorization: str | None,
        from_environment: bool,
    ) -> str:
        options: dict[str, Any] = {"strict_response_validation": False}
        if not from_environment:
            token = _bearer_token(authorization)
            if token is None:
                raise ToolError(
                    "this request carries no credentials: send the API key in the MCP request's"
                    " Authorization header (`Authorization: Bearer <key>`)"
                )
            if self._credentials:
                options[self._credentials[0]["argument"]] = token
        if dry_run:
            options["http_client"] = httpx.AsyncClient(transport=_CaptureTransport())
            options["max_retries"] = 0
        async with self._client_class(**options) as client:
            method: Any = client
            for name in operation.call:
                method = getattr(method, name)
            try:
                result = await method(**arguments)
            except _RequestCapturedError as captured:
                return _dumps(self._request_preview(captured.request))
            if dry_run:  # pragma: no cover - every call sends a request
                raise ToolError("the SDK sent no request")
            return self.limited(_dumps(self._result(operation, result)))

    def _result(self, operation: Operation, result: Any) -> Any:
        next_request = getattr(result, "_next_request", None)
        if operation.page_arguments is not None and callable(next_request):
            return {
                "items": jsonable(getattr(result, "data", [])),
                "has_more": bool(result.has_next_page()),
                "next_arguments": _next_arguments(operation, next_request()),
            }
        return jsonable(result)

    def limited(self, text: str) -> str:
        data = text.encode("utf-8")
        if len(data) <= self._max_result_bytes:
            return text
        kept = data[: self._max_result_bytes].decode("utf-8", errors="ignore")
        return (
            kept + f"\n[cut: the result is {len(data)} bytes, past this server's limit of"
            f" {self._max_result_bytes}; ask for less: a smaller page, a narrower query]"
        )

    def _request_preview(self, request: httpx.Request) -> dict[str, Any]:
        """The request a dry run would have sent, its secrets redacted."""
        secret_headers = {
            c["header"].lower() for c in self._credentials if c.get("header") is not None
        } | {"authorization", "cookie", "proxy-authorization"}
        secret_query = {c["query"] for c in self._credentials if c.get("query")}
        url = request.url
        if secret_query:
            params = [
                (k, REDACTED if k in secret_query else v) for k, v in url.params.multi_items()
            ]
            url = url.copy_with(params=params)
        headers = {
            name: REDACTED if name.lower() in secret_headers else value
            for name, value in request.headers.items()
        }
        body: Any = None
        if request.content:
            try:
                body = json.loads(request.content)
            except ValueError:
                body = request.content.decode("utf-8", errors="replace")
        return {
            "dry_run": True,
            "note": "not sent: this is the request the call would send",
            "method": request.method,
            "url": str(url),
            "headers": headers,
            "body": body,
        }

    def _describe_error(self, exc: Exception) -> str:
        status_error = getattr(self._module, "APIStatusError", None)
        api_error = getattr(self._module, "APIError", None)
        error: Any = exc  # one of the SDK's errors, whose classes are only known at run time
        if status_error is not None and isinstance(exc, status_error):
            body = error.body
            if not isinstance(body, str):
                body = json.dumps(body, ensure_ascii=False, default=str)
            return _dumps(
                {
                    "error": "the API answered with an error",
                    "status": error.status_code,
                    "message": error.message,
                    "request_id": error.request_id,
                    "body": body[:MAX_ERROR_BODY],
                }
            )
        if api_error is not None and isinstance(exc, api_error):
            return _dumps({"error": "the request failed", "message": error.message})
        if isinstance(exc, TypeError):  # arguments the schema let through but the method refused
            return f"the SDK refused the arguments: {exc}"
        return f"the call failed: {type(exc).__name__}: {exc}"

    def _secrets(self, authorization: str | None, from_environment: bool) -> list[str]:
        values: list[str] = []
        if authorization:
            values.append(authorization)
            token = _bearer_token(authorization)
            if token:
                values.append(token)
        if from_environment:
            values.extend(os.environ.get(c["env"], "") for c in self._credentials)
        secrets = [value.strip() for value in values if len(value.strip()) >= 4]
        _secrets_seen.update(secrets)
        return secrets


def _bearer_token(authorization: str | None) -> str | None:
    if not authorization or not authorization.strip():
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return authorization.strip()


def _next_arguments(operation: Operation, request: Any) -> dict[str, Any] | None:
    """The arguments that ask for the next page, under the SDK's names (None: the last page)."""
    if request is None:
        return None
    query: dict[str, Any] = dict(getattr(request, "query", None) or {})
    url = getattr(request, "url", None)
    if url:
        query.update(httpx.URL(str(url)).params.items())
    names = operation.page_arguments or {}
    return {names.get(key, key): value for key, value in query.items()}


def _argument_error(error: jsonschema.ValidationError) -> str:
    where = ".".join(str(part) for part in error.absolute_path)
    if not where:
        return f"- {error.message}"
    return f"- argument `{where}`: {error.message}"


def jsonable(value: Any) -> Any:
    """A JSON value for whatever the SDK returned: models keyed by the API's names."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    to_dict = getattr(value, "to_dict", None)
    if isinstance(value, pydantic.BaseModel):
        if callable(to_dict):
            return to_dict(mode="json")
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    if isinstance(value, (bytes, bytearray)):
        return {"bytes": len(value), "base64": base64.b64encode(bytes(value)[:4096]).decode()}
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, httpx.Response):
        return {"status": value.status_code, "text": value.text}
    return str(value)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _scrub(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text
