import * as Errors from './error.js';

/** The `data` of the event that ends a stream (sent by many APIs before they close it). */
export const DONE = '[DONE]';

/** The longest line an event stream may send, in characters: a server sending more is not read on. */
export const MAX_LINE_LENGTH = 16 * 1024 * 1024;

/**
 * One event as received: `event` is its type (`message` unless the server named one), `data` its data lines
 * joined with newlines, `id` the last event id the stream set (`''` if none), `retry` the reconnection time in
 * milliseconds this event asked for, if it did.
 */
export interface ServerSentEvent {
  event: string;
  data: string;
  id: string;
  retry: number | undefined;
}

/**
 * Reads a `text/event-stream` body as it arrives, by the WHATWG rules: lines end in CR, LF or CR LF (also split
 * between chunks); a byte order mark at the start is skipped; `:` starts a comment; `field: value` loses one
 * space; unknown fields are ignored, as are an `id` with NUL and a `retry` that is not digits; a blank line ends
 * an event, and one without `data` is not delivered. An event the body ends in without its blank line is still
 * delivered (a browser drops it), as the Python SDK does.
 */
export class SSEDecoder {
  private pending = '';
  private parts: string[] = [];
  private partsLength = 0;
  private afterCR = false;
  private atStart = true;
  private data: string[] = [];
  private event = '';
  private lastId = '';
  private retry: number | undefined;

  /** The events `text` completes. */
  feed(text: string): ServerSentEvent[] {
    if (this.atStart && text) {
      this.atStart = false;
      if (text.startsWith('\ufeff')) text = text.slice(1);
    }
    if (this.afterCR && text.startsWith('\n')) text = text.slice(1);
    if (text && !/[\r\n]/.test(text)) {
      // More of an unfinished line: kept aside, so that a long line is not copied and scanned on every chunk
      this.afterCR = false;
      this.parts.push(text);
      this.partsLength += text.length;
      checked(this.pending, this.partsLength);
      return [];
    }
    const buffer = this.pending + this.parts.join('') + text;
    this.parts = [];
    this.partsLength = 0;
    if (text) this.afterCR = buffer.endsWith('\r');
    const events: ServerSentEvent[] = [];
    const lineBreak = /\r\n|\r|\n/g;
    let start = 0;
    for (let match = lineBreak.exec(buffer); match !== null; match = lineBreak.exec(buffer)) {
      const event = this.line(checked(buffer.slice(start, match.index)));
      if (event !== undefined) events.push(event);
      start = match.index + match[0].length;
    }
    this.pending = checked(buffer.slice(start));
    return events;
  }

  /** At the end of the body: the event still buffered, even without its closing blank line. */
  flush(): ServerSentEvent[] {
    const rest = this.pending + this.parts.join('');
    if (rest) this.line(rest);
    this.pending = '';
    this.parts = [];
    const last = this.dispatch();
    return last === undefined ? [] : [last];
  }

  private line(line: string): ServerSentEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const name = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (name === 'data') this.data.push(value);
    else if (name === 'event') this.event = value;
    else if (name === 'id' && !value.includes('\0')) this.lastId = value;
    else if (name === 'retry' && /^[0-9]+$/.test(value)) this.retry = Number(value);
    return undefined;
  }

  private dispatch(): ServerSentEvent | undefined {
    const { data, event, retry } = this;
    this.data = [];
    this.event = '';
    this.retry = undefined;
    if (data.length === 0) return undefined;
    return { event: event || 'message', data: data.join('\n'), id: this.lastId, retry };
  }
}

/** `line`, unless it is longer than a stream may send (a server that never ends a line is not read forever). */
function checked(line: string, more: number = 0): string {
  if (line.length + more > MAX_LINE_LENGTH) {
    const message = `An event stream line is longer than ${MAX_LINE_LENGTH} characters; stopping`;
    throw new Errors.ConductorError(message);
  }
  return line;
}

/**
 * The events of a `text/event-stream` response, as they arrive: `for await` yields each event's data parsed
 * as JSON (or, for a stream the API does not type, each event as received) and ends with the body or at an
 * event whose data is `[DONE]`. A stream is read once; leaving the loop early (`break`) releases the response.
 */
export class Stream<Item> implements AsyncIterable<Item> {
  private used = false;

  constructor(
    /** The HTTP response, its body read as the stream is iterated. */
    readonly response: Response,
    private readonly raw: boolean,
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Item> {
    if (this.used) {
      const message = 'A stream can be iterated only once';
      throw new Errors.ConductorError(message);
    }
    this.used = true;
    const body = this.response.body;
    if (body === null) return;
    const reader = body.getReader();
    const text = new TextDecoder();
    const decoder = new SSEDecoder();
    try {
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (error) {
          throw new Errors.APIConnectionError('The stream ended early.', error);
        }
        const events = chunk.done
          ? [...decoder.feed(text.decode()), ...decoder.flush()]
          : decoder.feed(text.decode(chunk.value, { stream: true }));
        for (const event of events) {
          if (event.data === DONE) return;
          yield this.parse(event);
        }
        if (chunk.done) return;
      }
    } finally {
      await reader.cancel().catch(() => {});
    }
  }

  private parse(event: ServerSentEvent): Item {
    if (this.raw) return event as Item;
    try {
      return JSON.parse(event.data) as Item;
    } catch {
      const message = `An event's data is not JSON: ${JSON.stringify(event.data.slice(0, 200))}`;
      throw new Errors.ConductorError(message);
    }
  }
}
