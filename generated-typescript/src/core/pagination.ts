import { APIPromise } from './api-promise.js';
import type { BaseClient, RequestOptions } from './base-client.js';
import * as Errors from './error.js';

/** Where a cursor page keeps its items and the next cursor, and the query parameter that asks for a page. */
export interface CursorPaging {
  /** The response property holding the page's items. */
  items: string;
  /** The property path of the next page's cursor. */
  next: string[];
  /** The property path of a flag saying whether more pages exist, if the API has one. */
  hasMore?: string[];
  /** `hasMore` says "this is the last page" instead. */
  hasMoreInverted?: boolean;
  /** The query parameter that asks for the page after a cursor. */
  param: string;
}

/**
 * One page of a list: the response body as the API sent it (`response`), its items (`data`), and the way to the
 * next page. `for await` over a page goes through its items and every page after it.
 */
export class CursorPage<Body, Item> implements AsyncIterable<Item> {
  readonly response: Body;
  readonly data: Item[];

  constructor(
    private readonly client: BaseClient,
    private readonly path: string,
    private readonly options: RequestOptions,
    private readonly paging: CursorPaging,
    response: Body,
    private readonly seen: ReadonlySet<string> = new Set(),
  ) {
    this.response = response;
    const items = field(response, [paging.items]);
    this.data = Array.isArray(items) ? (items as Item[]) : [];
  }

  /** The cursor of the next page, or null when the response names none. */
  nextCursor(): string | null {
    const cursor = field(this.response, this.paging.next);
    return typeof cursor === 'string' || typeof cursor === 'number' ? String(cursor) || null : null;
  }

  /** Whether another page follows: this one has items and a cursor, and the API does not say it is the last. */
  hasNextPage(): boolean {
    if (this.data.length === 0 || this.nextCursor() === null) return false;
    const more = this.paging.hasMore ? field(this.response, this.paging.hasMore) : undefined;
    return typeof more === 'boolean' ? more !== Boolean(this.paging.hasMoreInverted) : true;
  }

  /**
   * The next page. Throws when there is none, and when the API hands back a cursor this walk has already
   * followed (a server repeating itself would otherwise be walked forever).
   */
  async getNextPage(): Promise<CursorPage<Body, Item>> {
    const cursor = this.nextCursor();
    if (!this.hasNextPage() || cursor === null) {
      const message = 'There is no next page; check hasNextPage() first';
      throw new Errors.ConductorError(message);
    }
    if (this.seen.has(cursor)) {
      const message = `The server returned the same next page twice (cursor ${JSON.stringify(cursor)}); stopping`;
      throw new Errors.ConductorError(message);
    }
    const query = { ...this.options.query, [this.paging.param]: cursor };
    const options = { ...this.options, query };
    const response = await this.client.get<Body>(this.path, options);
    const seen = new Set([...this.seen, cursor]);
    return new CursorPage(this.client, this.path, options, this.paging, response, seen);
  }

  /** This page and every page after it. */
  async *iterPages(): AsyncGenerator<CursorPage<Body, Item>> {
    let page: CursorPage<Body, Item> = this;
    yield page;
    while (page.hasNextPage()) {
      page = await page.getNextPage();
      yield page;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Item> {
    for await (const page of this.iterPages()) {
      yield* page.data;
    }
  }
}

/** A list call: awaited, its first page; `for await` goes through the items of every page. */
export class PagePromise<Body, Item>
  extends APIPromise<CursorPage<Body, Item>>
  implements AsyncIterable<Item>
{
  async *[Symbol.asyncIterator](): AsyncGenerator<Item> {
    const page = await this;
    yield* page;
  }
}

function field(value: unknown, path: string[]): unknown {
  let current = value;
  for (const name of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[name];
  }
  return current;
}
