/** Every error this SDK throws is a `ConductorError`. */
export class ConductorError extends Error {
  override name: string = 'ConductorError';
}

/** The API answered with an error status: `status`, `headers` and the parsed body (`error`). */
export class APIError extends ConductorError {
  override name: string = 'APIError';
  /** The HTTP status; `undefined` when no response came. */
  readonly status: number | undefined;
  /** The response's headers; `undefined` when no response came. */
  readonly headers: Headers | undefined;
  /** The response body, parsed as JSON when it is JSON. */
  readonly error: unknown;
  /** The response's `Conductor-Request-Id` header, which the API's support can look up. */
  readonly requestID: string | null;

  constructor(
    status: number | undefined,
    error: unknown,
    message: string | undefined,
    headers: Headers | undefined,
  ) {
    super(APIError.describe(status, error, message));
    this.status = status;
    this.headers = headers;
    this.error = error;
    this.requestID = headers?.get('Conductor-Request-Id') ?? null;
  }

  private static describe(status: number | undefined, error: unknown, message: string | undefined): string {
    const detail = message ?? errorMessage(error);
    if (status !== undefined && detail) return `${status} ${detail}`;
    if (status !== undefined) return `${status} status code (no body)`;
    return detail || '(no status code or body)';
  }

  /** The subclass for a response's status. */
  static generate(status: number, error: unknown, headers: Headers): APIError {
    const errorClass = STATUS_ERRORS[status] ?? (status >= 500 ? InternalServerError : APIError);
    return new errorClass(status, error, undefined, headers);
  }
}

/** `message` of the body (or of its `error` object), else the body as JSON. */
function errorMessage(body: unknown): string {
  if (body === undefined || body === null || body === '') return '';
  if (typeof body === 'string') return body;
  if (typeof body === 'object') {
    const record = body as Record<string, unknown>;
    if (typeof record['message'] === 'string') return record['message'];
    const nested = record['error'];
    if (nested && typeof nested === 'object') {
      const message = (nested as Record<string, unknown>)['message'];
      if (typeof message === 'string') return message;
    }
  }
  return JSON.stringify(body);
}

export class BadRequestError extends APIError {
  override name: string = 'BadRequestError';
}

export class AuthenticationError extends APIError {
  override name: string = 'AuthenticationError';
}

export class PermissionDeniedError extends APIError {
  override name: string = 'PermissionDeniedError';
}

export class NotFoundError extends APIError {
  override name: string = 'NotFoundError';
}

export class ConflictError extends APIError {
  override name: string = 'ConflictError';
}

export class UnprocessableEntityError extends APIError {
  override name: string = 'UnprocessableEntityError';
}

export class RateLimitError extends APIError {
  override name: string = 'RateLimitError';
}

export class InternalServerError extends APIError {
  override name: string = 'InternalServerError';
}

const STATUS_ERRORS: Record<number, typeof APIError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

/** No response came: the connection failed (`cause` says why). */
export class APIConnectionError extends APIError {
  override name: string = 'APIConnectionError';

  constructor(message: string = 'Connection error.', cause?: unknown) {
    super(undefined, undefined, message, undefined);
    if (cause !== undefined) this.cause = cause;
  }
}

/** No response came within the timeout (it applies to each attempt). */
export class APIConnectionTimeoutError extends APIConnectionError {
  override name: string = 'APIConnectionTimeoutError';

  constructor(message: string = 'Request timed out.') {
    super(message);
  }
}

/** The caller's `signal` aborted the request. */
export class APIUserAbortError extends APIError {
  override name: string = 'APIUserAbortError';

  constructor(message: string = 'Request was aborted.') {
    super(undefined, undefined, message, undefined);
  }
}

/** A webhook request's signature does not check out: it may not come from the API. */
export class WebhookVerificationError extends ConductorError {
  override name: string = 'WebhookVerificationError';
}
