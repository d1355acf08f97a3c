/** Log levels, from the quietest: `off` logs nothing, `debug` every request and response. */
export type LogLevel = 'off' | 'error' | 'warn' | 'info' | 'debug';

type LogFunction = (message: string, ...rest: unknown[]) => void;

/** What the client logs to: `console` by default; pino, winston and the like fit. */
export interface Logger {
  error: LogFunction;
  warn: LogFunction;
  info: LogFunction;
  debug: LogFunction;
}

const LEVELS: Record<LogLevel, number> = { off: 0, error: 200, warn: 300, info: 400, debug: 500 };

const noop: LogFunction = () => {};

/** `value` as a log level; undefined (after a warning naming `source`) when it is none. */
export function parseLogLevel(value: unknown, source: string, logger: Logger): LogLevel | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string' && Object.hasOwn(LEVELS, value)) return value as LogLevel;
  const known = Object.keys(LEVELS).join(', ');
  logger.warn(`${source} was set to ${JSON.stringify(value)}, expected one of: ${known}`);
  return undefined;
}

/** `logger` with the methods above `level` silenced. */
export function leveled(logger: Logger, level: LogLevel): Logger {
  const at = (name: Exclude<LogLevel, 'off'>): LogFunction =>
    LEVELS[name] <= LEVELS[level] ? (message, ...rest) => logger[name](message, ...rest) : noop;
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

/** Headers logs never show: credentials and cookies, whatever the API calls them. */
const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'api-key',
  'x-api-key',
  'cookie',
  'set-cookie',
]);

/** Header values by name as logs show them: `***` for credentials (those above and `secrets`). */
export function shownHeaders(headers: Headers, secrets: readonly string[] = []): Record<string, string> {
  const hidden = new Set([...SECRET_HEADERS, ...secrets.map((name) => name.toLowerCase())]);
  const shown: Record<string, string> = {};
  headers.forEach((value, name) => {
    shown[name] = hidden.has(name.toLowerCase()) ? '***' : value;
  });
  return shown;
}

/** A URL as logs show it: the values of the query parameters named in `secrets` replaced by `***`. */
export function shownURL(url: string, secrets: readonly string[]): string {
  if (secrets.length === 0) return url;
  const parsed = new URL(url);
  for (const name of secrets) {
    if (parsed.searchParams.has(name)) parsed.searchParams.set(name, '***');
  }
  return parsed.toString();
}

/** `Name: value` lines (an environment variable's headers for every request); other lines are skipped. */
export function headerLines(text: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of (text ?? '').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    if (/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) headers[name] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** An environment variable's value (undefined when unset or blank, and outside Node.js). */
export function readEnv(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.[name]?.trim();
  return value ? value : undefined;
}
