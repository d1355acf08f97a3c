import { ConductorError } from './error.js';

/**
 * Builds a request path from a template, percent-encoding each value as one path segment:
 * path`/users/${id}`. An empty value, `.`, `..`, null or an object is refused before anything is sent.
 */
export function path(statics: TemplateStringsArray, ...values: unknown[]): string {
  let result = statics[0] ?? '';
  values.forEach((value, index) => {
    result += encodeSegment(value, index) + (statics[index + 1] ?? '');
  });
  return result;
}

function encodeSegment(value: unknown, index: number): string {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint') {
    const message = `Path parameter ${index + 1} must be a string or a number, got ${describe(value)}`;
    throw new ConductorError(message);
  }
  const text = String(value);
  if (text === '' || text === '.' || text === '..') {
    const message = `Path parameter ${index + 1} must not be ${JSON.stringify(text)}`;
    throw new ConductorError(message);
  }
  return encodeURIComponent(text);
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}
