import * as Errors from './error.js';

/** A token is replaced this share of its lifetime before it expires, but never more than a minute early. */
const EARLY_SHARE = 0.1;
const MAX_EARLY = 60;
/** The most of a token endpoint's answer read, in bytes: a token response is small. */
export const MAX_TOKEN_RESPONSE = 1024 * 1024;

export interface ClientCredentialsOptions {
  /** The token endpoint, absolute (the client resolves the spec's URL against its base URL). */
  tokenURL: string;
  clientId: string;
  clientSecret: string;
  scopes: readonly string[];
  fetch: typeof fetch;
  /** Milliseconds to wait for the token endpoint. */
  timeout: number;
}

/**
 * OAuth2 client credentials (RFC 6749 §4.4): the client fetches its own access token and keeps it fresh. It
 * authenticates to the token endpoint with HTTP Basic (its id and secret form-encoded, as §2.3.1 says every
 * server must accept) and posts `grant_type=client_credentials` with the scopes. The token is cached until
 * shortly before it expires (`expires_in`), fetched once however many calls need it at the same time, and
 * dropped when the API refuses it (401), as the Python SDK does. Neither the secret nor a token is ever shown.
 */
export class ClientCredentials {
  private token: string | undefined;
  private expiresAt: number | undefined; // ms since the epoch; undefined: no lifetime given, so until a 401
  private pending: Promise<string> | undefined;
  /** The clock, in milliseconds (replaceable in tests). */
  now: () => number = () => Date.now();

  constructor(private readonly options: ClientCredentialsOptions) {}

  /** A valid access token: the cached one, else a new one from the token endpoint. */
  async accessToken(): Promise<string> {
    if (this.token !== undefined && (this.expiresAt === undefined || this.now() < this.expiresAt)) {
      return this.token;
    }
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Whether `other` fetches the same tokens (so that two clients can share one cache). */
  sameAs(other: ClientCredentials | null): boolean {
    if (other === null) return false;
    const [a, b] = [this.options, other.options];
    const same = a.tokenURL === b.tokenURL && a.clientId === b.clientId && a.clientSecret === b.clientSecret;
    return same && a.scopes.join(' ') === b.scopes.join(' ');
  }

  /** Drops `stale` (refused by the API), unless it was replaced already. */
  forget(stale: string): void {
    if (this.token === stale) this.token = undefined;
  }

  private async fetchToken(): Promise<string> {
    const { tokenURL, clientId, clientSecret, scopes } = this.options;
    const pair = `${formEncoded(clientId)}:${formEncoded(clientSecret)}`;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scopes.length > 0) form.set('scope', scopes.join(' '));
    const started = this.now();
    let response: Response;
    try {
      response = await this.options.fetch.call(undefined, tokenURL, {
        method: 'POST',
        headers: { Authorization: `Basic ${btoa(pair)}`, Accept: 'application/json' },
        body: form,
        signal: AbortSignal.timeout(this.options.timeout),
      });
    } catch (error) {
      throw new Errors.APIConnectionError(`Could not reach the OAuth2 token endpoint ${tokenURL}`, error);
    }
    const body = await readLimited(response, tokenURL);
    const fields = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
    if (!response.ok) {
      const parts = [fields['error'], fields['error_description']].filter((p) => typeof p === 'string');
      const reason = parts.join(': ') || 'no reason given';
      const message = `The OAuth2 token endpoint ${tokenURL} refused the client credentials (${reason})`;
      throw new Errors.AuthenticationError(response.status, body, message, response.headers);
    }
    const token = fields['access_token'];
    if (typeof token !== 'string' || token === '') {
      // The body is not kept: it may hold a token under another name.
      const message = `The OAuth2 token endpoint ${tokenURL} answered without an access_token`;
      throw new Errors.AuthenticationError(response.status, undefined, message, response.headers);
    }
    const lifetime = Number(fields['expires_in']);
    this.token = token;
    this.expiresAt =
      Number.isFinite(lifetime) && lifetime > 0
        ? started + (lifetime - Math.min(MAX_EARLY, lifetime * EARLY_SHARE)) * 1000
        : undefined;
    return token;
  }
}

/** The answer's JSON, read up to MAX_TOKEN_RESPONSE bytes (a larger one is refused, not read to its end). */
async function readLimited(response: Response, tokenURL: string): Promise<unknown> {
  const reader = response.body?.getReader();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let size = 0;
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_TOKEN_RESPONSE) {
      await reader.cancel();
      const message = `The OAuth2 token endpoint ${tokenURL} answered with more than ${MAX_TOKEN_RESPONSE} bytes`;
      throw new Errors.{{ base_error }}(message);
    }
    chunks.push(value);
  }
  const text = new TextDecoder().decode(await new Blob(chunks).arrayBuffer());
  try {
    return JSON.parse(text);
  } catch {
    return text || undefined;
  }
}

/** `application/x-www-form-urlencoded` of one value: what RFC 6749 §2.3.1 asks of the id and secret. */
function formEncoded(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}
