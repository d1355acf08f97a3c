"""Every error the client raises. Catch `ConductorError` for all of them, or `APIError` for API calls."""

from __future__ import annotations

import httpx

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseTooLargeError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConductorError",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnprocessableEntityError",
]


class ConductorError(Exception):
    """Base class of every error this package raises."""


class PaginationError(ConductorError):
    """A list cannot go on to its next page (there is none, or the server repeats itself)."""


class APIError(ConductorError):
    """A request failed: no response, an error status, or a response that does not match the spec."""

    message: str
    request: httpx.Request
    body: object
    """The parsed JSON body of the response (or its text, when it is not JSON); None without a response."""
    request_id: str | None

    def __init__(
        self,
        message: str,
        request: httpx.Request,
        *,
        body: object = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.request = request
        self.body = body
        self.request_id = request_id


class APIResponseValidationError(APIError):
    """The server answered with data that does not fit the type the spec declares."""

    response: httpx.Response
    status_code: int

    def __init__(
        self,
        message: str,
        response: httpx.Response,
        *,
        body: object,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, response.request, body=body, request_id=request_id)
        self.response = response
        self.status_code = response.status_code


class APIStatusError(APIError):
    """The server answered with a 4xx or 5xx status."""

    response: httpx.Response
    status_code: int

    def __init__(
        self,
        message: str,
        response: httpx.Response,
        *,
        body: object,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, response.request, body=body, request_id=request_id)
        self.response = response
        self.status_code = response.status_code


class APIResponseTooLargeError(APIError):
    """The response body is larger than the client's `max_response_size` (counted as it is decoded)."""

    response: httpx.Response
    status_code: int

    def __init__(self, message: str, response: httpx.Response) -> None:
        super().__init__(message, response.request)
        self.response = response
        self.status_code = response.status_code


class APIConnectionError(APIError):
    """The request could not be sent or no response arrived."""

    def __init__(self, request: httpx.Request, message: str = "Connection error.") -> None:
        super().__init__(message, request)


class APITimeoutError(APIConnectionError):
    """No response arrived within the timeout, or the call outlasted its `total_timeout`."""

    def __init__(self, request: httpx.Request, message: str = "Request timed out.") -> None:
        super().__init__(request, message)


class BadRequestError(APIStatusError):
    """400 Bad Request."""


class AuthenticationError(APIStatusError):
    """401 Unauthorized."""


class PermissionDeniedError(APIStatusError):
    """403 Forbidden."""


class NotFoundError(APIStatusError):
    """404 Not Found."""


class ConflictError(APIStatusError):
    """409 Conflict."""


class UnprocessableEntityError(APIStatusError):
    """422 Unprocessable Entity."""


class RateLimitError(APIStatusError):
    """429 Too Many Requests."""


class InternalServerError(APIStatusError):
    """A 5xx status."""


STATUS_ERRORS = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status_code: int) -> type[APIStatusError]:
    if status_code >= 500:
        return InternalServerError
    return STATUS_ERRORS.get(status_code, APIStatusError)
