import { APIPromise } from './api-promise.js';
import * as Errors from './error.js';
import {
  headerLines,
  leveled,
  type Logger,
  type LogLevel,
  parseLogLevel,
  readEnv,
  shownHeaders,
  shownURL,
} from './log.js';
import { Page, type Paging, PagePromise } from './pagination.js';
import { Stream } from './streaming.js';

export type HTTPMethod = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head' | 'options' | 'trace';

type HeaderValue = string | number | boolean;

/** Header values by name (a list is sent comma-separated); `null` removes a header sent by default. */
export type HeaderValues = Record<string, HeaderValue | readonly HeaderValue[] | null | undefined>;

/** Options of one call; each overrides the client's own. */
export interface RequestOptions {
  /** Milliseconds to wait for each attempt's response before giving it up. */
  timeout?: number;
  /** How often a failed attempt is retried (connection errors, timeouts, 408, 409, 429 and 5xx). */
  maxRetries?: number;
  headers?: HeaderValues;
  query?: object | undefined;
  body?: unknown;
  signal?: AbortSignal;
  /** Extra `RequestInit` options for `fetch` (a proxy dispatcher, say). */
  fetchOptions?: RequestInit;
  /** Sent as the idempotency header, the same on every retry of this call. */
  idempotencyKey?: string;
  /** The credentials this call sends, by option name: the operation's security (the SDK's methods set it). */
  security?: readonly string[];
  /** Statuses besides 2xx that are this call's result: the operation's documented redirects (`303`). */
  successStatuses?: readonly number[];
  /** The result is the `Response` itself, its body unread: a download (the SDK's methods set it). */
  binaryResponse?: boolean;
  /**
   * An answer of `text/event-stream` is a `Stream` of each event's data parsed as JSON (`json`), or of the events
   * as received (`events`) (the SDK's methods set it).
   */
  stream?: 'json' | 'events';
  /** Cookies sent with the call, beside the credentials' (the SDK's methods set them from cookie parameters). */
  cookies?: Record<string, unknown>;
}

/** Headers of a credential the client fetched itself, and how to drop it when the API refuses it. */
export interface FetchedAuth {
  headers: HeaderValues;
  refused: () => void;
}

/** What the generated client hands its base: its resolved options and what the API asks for. */
export interface BaseClientOptions {
  baseURL: string;
  timeout: number;
  maxRetries: number;
  fetch: typeof fetch | undefined;
  fetchOptions: RequestInit | undefined;
  defaultHeaders: HeaderValues | undefined;
  defaultQuery: Record<string, unknown> | undefined;
  logger: Logger | undefined;
  logLevel: LogLevel | undefined;
  /** The environment variable naming the log level when the option does not (`<PREFIX>_LOG`). */
  logEnv: string;
  /** The environment variable of `Name: value` lines sent with every request (`<PREFIX>_CUSTOM_HEADERS`). */
  customHeadersEnv: string;
  userAgent: string;
  requestIdHeader: string;
  idempotencyHeader: string | undefined;
}

const INITIAL_RETRY_DELAY = 0.5;
const MAX_RETRY_DELAY = 8;
/** A longer `Retry-After` is not obeyed (seconds); the client's own backoff applies instead. */
const MAX_RETRY_AFTER = 60;

/** Sends requests: base URL, default headers and query, retries with backoff, per-attempt timeouts, errors. */
export abstract class BaseClient {
  readonly baseURL: string;
  readonly timeout: number;
  readonly maxRetries: number;
  /** What the client logs to, and from which level (`warn` unless the option or the environment says). */
  readonly logger: Logger;
  readonly logLevel: LogLevel;
  protected readonly options: BaseClientOptions;
  protected readonly fetch: typeof fetch;
  private readonly log: Logger;
  private readonly customHeaders: Record<string, string>;

  constructor(options: BaseClientOptions) {
    this.options = options;
    this.baseURL = options.baseURL;
    this.timeout = options.timeout;
    this.maxRetries = options.maxRetries;
    this.logger = options.logger ?? console;
    const fromEnv = () =>
      parseLogLevel(readEnv(options.logEnv), `process.env['${options.logEnv}']`, this.logger);
    this.logLevel =
      parseLogLevel(options.logLevel, 'ClientOptions.logLevel', this.logger) ?? fromEnv() ?? 'warn';
    this.log = leveled(this.logger, this.logLevel);
    this.customHeaders = headerLines(readEnv(options.customHeadersEnv));
    const fetchFunction = options.fetch ?? globalThis.fetch;
    if (typeof fetchFunction !== 'function') {
      const message = 'No `fetch` function found: pass one as the `fetch` option, or use Node.js 18+.';
      throw new Errors.ConductorError(message);
    }
    this.fetch = fetchFunction;
  }

  /** The headers of the credentials a request sends: those `security` names, else every one set. */
  protected abstract authHeaders(security: readonly string[] | undefined): HeaderValues;

  /** Credentials fetched on demand (an OAuth2 token) a request sends, and how to drop one the API refused. */
  protected async fetchedAuth(_security: readonly string[] | undefined): Promise<FetchedAuth | undefined> {
    return undefined;
  }

  /** The query parameters of the credentials a request sends (as `authHeaders`). */
  protected authQuery(_security: readonly string[] | undefined): Record<string, unknown> {
    return {};
  }

  get<T>(path: string, options?: RequestOptions): APIPromise<T> {
    return this.request('get', path, options);
  }

  post<T>(path: string, options?: RequestOptions): APIPromise<T> {
    return this.request('post', path, options);
  }

  put<T>(path: string, options?: RequestOptions): APIPromise<T> {
    return this.request('put', path, options);
  }

  patch<T>(path: string, options?: RequestOptions): APIPromise<T> {
    return this.request('patch', path, options);
  }

  delete<T>(path: string, options?: RequestOptions): APIPromise<T> {
    return this.request('delete', path, options);
  }

  request<T>(method: HTTPMethod, path: string, options: RequestOptions = {}): APIPromise<T> {
    const parse = (response: Response) => parseResponse<T>(response, options);
    return new APIPromise<T>(this.send(method, path, options), parse, this.options.requestIdHeader);
  }

  /** A page of a list (the path below the base URL, or a next page's absolute URL); it knows the next. */
  getPage<Body, Item>(path: string, paging: Paging, options: RequestOptions = {}): PagePromise<Body, Item> {
    const page = async (response: Response) => {
      const body = await parseResponse<Body>(response);
      const url = response.url || this.buildURL(path, options.query, options.security);
      return new Page<Body, Item>(this, path, options, paging, body, url);
    };
    const sent = this.send(paging.method ?? 'get', path, options);
    return new PagePromise(sent, page, this.options.requestIdHeader);
  }

  private async send(method: HTTPMethod, path: string, options: RequestOptions): Promise<Response> {
    const maxRetries = options.maxRetries ?? this.maxRetries;
    // One key per call, made before the first attempt: every retry carries the same (as the Python SDK does).
    const automatic = this.options.idempotencyHeader && !SAFE_METHODS.has(method) ? randomKey() : undefined;
    const idempotencyKey = options.idempotencyKey ?? automatic;
    const secretHeaders = [...Object.keys(this.authHeaders(options.security)), 'Authorization'];
    const secretQuery = Object.keys(this.authQuery(options.security));
    let refetched = false; // a fetched token the API refuses is fetched again once, not counted as a retry
    for (let attempt = 0; ; attempt++) {
      const retriesLeft = maxRetries - attempt;
      const fetched = await this.fetchedAuth(options.security);
      const url = this.buildURL(path, options.query, options.security);
      const init = this.buildInit(method, options, attempt, idempotencyKey, fetched?.headers);
      const shown = `${method.toUpperCase()} ${shownURL(url, secretQuery)}`;
      this.log.debug(`Request: ${shown}`, {
        headers: shownHeaders(init.headers as Headers, secretHeaders),
        body: options.body,
      });
      let response: Response;
      try {
        response = await this.fetchWithTimeout(url, init, options.timeout ?? this.timeout, options.signal);
      } catch (error) {
        if (options.signal?.aborted) throw new Errors.APIUserAbortError();
        const timedOut = error instanceof TimeoutError;
        if (retriesLeft > 0) {
          const delay = backoff(attempt);
          this.log.info(
            `Retrying ${shown} in ${delay.toFixed(2)} s (${timedOut ? 'timed out' : 'connection error'})`,
          );
          await sleep(delay);
          continue;
        }
        this.log.debug(`No response: ${shown} (${timedOut ? 'timed out' : String(error)})`);
        if (timedOut) throw new Errors.APIConnectionTimeoutError();
        throw new Errors.APIConnectionError(undefined, error);
      }
      this.log.debug(`Response: ${shown} ${response.status}`, {
        headers: shownHeaders(response.headers, secretHeaders),
      });
      if (response.ok || options.successStatuses?.includes(response.status)) return response;
      if (response.status === 401 && fetched !== undefined && !refetched) {
        refetched = true;
        fetched.refused();
        await response.body?.cancel();
        attempt--;
        continue;
      }
      if (retriesLeft > 0 && shouldRetry(response)) {
        await response.body?.cancel();
        const delay = retryDelay(response.headers, attempt);
        this.log.info(`Retrying ${shown} in ${delay.toFixed(2)} s (status ${response.status})`);
        await sleep(delay);
        continue;
      }
      throw Errors.APIError.generate(response.status, await readBody(response), response.headers);
    }
  }

  private buildURL(path: string, query: object | undefined, security: readonly string[] | undefined): string {
    const absolute = /^[a-z][a-z0-9+.-]*:\/\//i.test(path); // a next page's URL, which carries its query
    const url = new URL(absolute ? path : this.baseURL.replace(/\/+$/, '') + path);
    const params = { ...this.options.defaultQuery, ...this.authQuery(security), ...query };
    for (const [key, value] of Object.entries(params)) {
      if (!(absolute && url.searchParams.has(key))) appendQuery(url.searchParams, key, value);
    }
    return url.toString();
  }

  private buildInit(
    method: HTTPMethod,
    options: RequestOptions,
    attempt: number,
    idempotencyKey: string | undefined,
    fetchedHeaders: HeaderValues | undefined,
  ): RequestInit {
    const headers: HeaderValues = {
      Accept: 'application/json',
      'User-Agent': this.options.userAgent,
      'X-Retry-Count': String(attempt),
      ...this.authHeaders(options.security),
      ...fetchedHeaders,
    };
    if (idempotencyKey !== undefined && this.options.idempotencyHeader) {
      headers[this.options.idempotencyHeader] = idempotencyKey;
    }
    const init: RequestInit = {
      ...this.options.fetchOptions,
      ...options.fetchOptions,
      method: method.toUpperCase(),
    };
    const body = options.body;
    if (body instanceof URLSearchParams || body instanceof FormData || body instanceof Blob) {
      init.body = body; // fetch sets the form's content type (and multipart boundary) itself
    } else if (typeof body === 'string') {
      init.body = body;
    } else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const cookies = Object.entries(options.cookies ?? {}).filter(
      ([, value]) => value !== undefined && value !== null,
    );
    if (cookies.length > 0) {
      const sent = cookies.map(([name, value]) => `${name}=${encodeURIComponent(String(value))}`);
      const credentials = headers['Cookie'];
      headers['Cookie'] = [...(typeof credentials === 'string' ? [credentials] : []), ...sent].join('; ');
    }
    init.headers = mergeHeaders(headers, this.customHeaders, this.options.defaultHeaders, options.headers);
    return init;
  }

  private async fetchWithTimeout(
    url: string,
    init: RequestInit,
    timeout: number,
    signal: AbortSignal | undefined,
  ): Promise<Response> {
    const controller = new AbortController();
    const abort = () => controller.abort();
    signal?.addEventListener('abort', abort, { once: true });
    if (signal?.aborted) controller.abort();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeout);
    try {
      return await this.fetch.call(undefined, url, { ...init, signal: controller.signal });
    } catch (error) {
      throw timedOut ? new TimeoutError() : error;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
    }
  }
}

class TimeoutError extends Error {}

/**
 * The result of a successful response: JSON when it says so, else its text (nothing for 204); the response
 * itself for a download; a `Stream` for server-sent events.
 */
async function parseResponse<T>(response: Response, options: RequestOptions = {}): Promise<T> {
  if (options.binaryResponse) return response as T;
  if (response.status === 204) return undefined as T;
  const contentType = response.headers.get('content-type') ?? '';
  if (options.stream && /^text\/event-stream\b/i.test(contentType)) {
    return new Stream(response, options.stream === 'events') as T;
  }
  const text = await response.text();
  if (/\bjson\b/i.test(contentType) || contentType.includes('+json')) {
    return (text ? JSON.parse(text) : undefined) as T;
  }
  return text as T;
}

/** An error response's body: parsed JSON when it is JSON, else its text. */
async function readBody(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => '');
  try {
    return JSON.parse(text);
  } catch {
    return text || undefined;
  }
}

function shouldRetry(response: Response): boolean {
  const override = response.headers.get('x-should-retry');
  if (override === 'true') return true;
  if (override === 'false') return false;
  const status = response.status;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Seconds to wait before the next attempt: what the server asked for (when reasonable), else the backoff. */
function retryDelay(headers: Headers, attempt: number): number {
  const asked = retryAfter(headers);
  return asked !== undefined && asked >= 0 && asked <= MAX_RETRY_AFTER ? asked : backoff(attempt);
}

/** `retry-after-ms`, else `Retry-After` in seconds or as an HTTP date, in seconds. */
function retryAfter(headers: Headers): number | undefined {
  const milliseconds = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (!Number.isNaN(milliseconds)) return milliseconds / 1000;
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number.parseFloat(value);
  if (!Number.isNaN(seconds)) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : (date - Date.now()) / 1000;
}

/** 0.5 s doubling up to 8 s, minus up to a quarter at random so that clients do not retry in step. */
function backoff(attempt: number): number {
  const delay = Math.min(INITIAL_RETRY_DELAY * 2 ** attempt, MAX_RETRY_DELAY);
  return delay * (1 - Math.random() * 0.25);
}

function sleep(seconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, seconds * 1000));
}

const SAFE_METHODS: ReadonlySet<HTTPMethod> = new Set(['get', 'head', 'options']);

/** `sdk-retry-` and 32 random hex digits, the Python SDK's form of an idempotency key. */
function randomKey(): string {
  const bytes = new Uint8Array(16);
  if (globalThis.crypto?.getRandomValues) globalThis.crypto.getRandomValues(bytes);
  else bytes.forEach((_, index) => (bytes[index] = Math.floor(Math.random() * 256))); // Node 18 without webcrypto
  return 'sdk-retry-' + Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Headers by name, later ones winning (names compared without case); `null` removes one. */
function mergeHeaders(...layers: (HeaderValues | undefined)[]): Headers {
  const headers = new Headers();
  for (const layer of layers) {
    for (const [name, value] of Object.entries(layer ?? {})) {
      if (value === null) headers.delete(name);
      else if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(',') : String(value));
    }
  }
  return headers;
}

/** Arrays repeat the key (`a=1&a=2`), objects nest in brackets (`a[b]=1`); undefined and null are left out. */
function appendQuery(params: URLSearchParams, key: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value) appendQuery(params, key, item);
  } else if (typeof value === 'object') {
    for (const [name, item] of Object.entries(value)) appendQuery(params, `${key}[${name}]`, item);
  } else {
    params.append(key, String(value));
  }
}
