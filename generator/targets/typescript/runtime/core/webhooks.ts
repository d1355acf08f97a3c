import * as Errors from './error.js';

/**
 * Checking the signature of a webhook request, as the Python SDK does: Standard Webhooks
 * (https://www.standardwebhooks.com: HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<body>`, keyed with the
 * base64 secret after its `whsec_` prefix, sent as `v1,<base64>` in `webhook-signature`, several while a secret
 * is rotated; a timestamp more than five minutes off is refused, so a captured request cannot be replayed), or
 * an HMAC of the body in one header. Signatures are checked by Web Crypto's `verify`, in constant time.
 */

/** Seconds a Standard Webhooks timestamp may be off, either way. */
export const TOLERANCE = 5 * 60;
const SECRET_PREFIX = 'whsec_';

/** A request's headers: a `Headers`, or a record of names (any case) to values. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

/** The raw body as it arrived (text or bytes): never parsed and serialized again, which would change it. */
export type WebhookBody = string | ArrayBuffer | Uint8Array;

export interface HmacScheme {
  header: string;
  algorithm: 'sha1' | 'sha256' | 'sha512';
  encoding: 'hex' | 'base64';
  prefix: string;
}

/** Throws `WebhookVerificationError` unless one of the request's signatures is the secret's (Standard Webhooks). */
export async function verifyStandard(
  body: WebhookBody,
  headers: WebhookHeaders,
  secret: string,
  now: number = Date.now() / 1000,
): Promise<void> {
  const key = base64Bytes(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);
  if (key === undefined) {
    const message = `The webhook secret is not a Standard Webhooks secret (${SECRET_PREFIX}<base64>)`;
    throw new Errors.{{ base_error }}(message);
  }
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!/^[0-9]+$/.test(timestamp)) {
    throw new Errors.WebhookVerificationError('The webhook-timestamp header is not a Unix time in seconds');
  }
  const sentAt = Number(timestamp);
  if (sentAt < now - TOLERANCE) {
    const message = 'The webhook timestamp is too old: the request may be a replay';
    throw new Errors.WebhookVerificationError(message);
  }
  if (sentAt > now + TOLERANCE) {
    throw new Errors.WebhookVerificationError('The webhook timestamp is in the future');
  }
  const signed = concat(new TextEncoder().encode(`${id}.${sentAt}.`), bytes(body));
  const hmac = await hmacKey(key, 'sha256');
  let found = false;
  for (const entry of signatures.split(' ').filter(Boolean)) {
    const comma = entry.indexOf(',');
    const signature = comma === -1 ? undefined : base64Bytes(entry.slice(comma + 1));
    // Every signature is checked, so the time taken does not tell which one matched.
    const matches = signature !== undefined && (await webCrypto().verify('HMAC', hmac, signature, signed));
    found ||= entry.slice(0, comma) === 'v1' && matches;
  }
  if (!found) {
    const message = 'No signature of the webhook request matches the secret';
    throw new Errors.WebhookVerificationError(message);
  }
}

/** Throws `WebhookVerificationError` unless the scheme's header holds its prefix and the HMAC of the body. */
export async function verifyHmac(
  body: WebhookBody,
  headers: WebhookHeaders,
  secret: string,
  scheme: HmacScheme,
): Promise<void> {
  const sent = header(headers, scheme.header.toLowerCase()).trim();
  if (!sent.startsWith(scheme.prefix)) {
    const message = `The ${scheme.header} header does not start with ${JSON.stringify(scheme.prefix)}`;
    throw new Errors.WebhookVerificationError(message);
  }
  const given = sent.slice(scheme.prefix.length);
  const signature = scheme.encoding === 'hex' ? hexBytes(given) : base64Bytes(given);
  const key = await hmacKey(new TextEncoder().encode(secret), scheme.algorithm);
  const matches = signature !== undefined && (await webCrypto().verify('HMAC', key, signature, bytes(body)));
  if (!matches) {
    throw new Errors.WebhookVerificationError(`The ${scheme.header} signature does not match the secret`);
  }
}

function header(headers: WebhookHeaders, name: string): string {
  let value: string | string[] | null | undefined;
  if (headers instanceof Headers) value = headers.get(name);
  else value = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  if (Array.isArray(value)) value = value.join(', ');
  if (value === undefined || value === null) {
    throw new Errors.WebhookVerificationError(`The webhook request has no ${name} header`);
  }
  return value;
}

function webCrypto(): SubtleCrypto {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) {
    throw new Errors.{{ base_error }}('Verifying webhooks needs Web Crypto (globalThis.crypto.subtle)');
  }
  return subtle;
}

async function hmacKey(
  secret: Uint8Array<ArrayBuffer>,
  algorithm: HmacScheme['algorithm'],
): Promise<CryptoKey> {
  const hash = { sha1: 'SHA-1', sha256: 'SHA-256', sha512: 'SHA-512' }[algorithm];
  return webCrypto().importKey('raw', secret, { name: 'HMAC', hash }, false, ['verify']);
}

export function bytes(body: WebhookBody): Uint8Array<ArrayBuffer> {
  if (typeof body === 'string') return new TextEncoder().encode(body);
  return new Uint8Array(body instanceof ArrayBuffer ? body.slice(0) : body.slice());
}

function concat(a: Uint8Array<ArrayBuffer>, b: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

function base64Bytes(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
}

function hexBytes(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^([0-9a-fA-F]{2})*$/.test(text)) return undefined;
  return Uint8Array.from(text.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}
