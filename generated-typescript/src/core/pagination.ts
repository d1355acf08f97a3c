import { APIPromise } from './api-promise.js';
import type { BaseClient, HTTPMethod, RequestOptions } from './base-client.js';
import * as Errors from './error.js';

/**
 * How a list asks for the page after this one: with the cursor the response gives (`cursor`), after the id of
 * the last item (`lastItemID`), at the offset after this page's items (`offset`), by the next page number
 * (`pageNumber`), or at the URL the response links to (`nextURL`).
 */
export type PagingStyle = 'cursor' | 'lastItemID' | 'offset' | 'pageNumber' | 'nextURL';

/** Where a list's response keeps its items and what leads to the next page, in wire names. */
export interface Paging {
  style: PagingStyle;
  /** The response property holding the page's items. */
  items: string;
  /** The property path of the next cursor, the last item's id, or the next page's URL. */
  next?: string[];
  /** The property path of a flag saying whether more pages exist, if the API has one. */
  hasMore?: string[];
  /** `hasMore` says "this is the last page" instead. */
  hasMoreInverted?: boolean;
  /** The property path of the number of items of every page together. */
  total?: string[];
  /** The property path of the number of pages. */
  totalPages?: string[];
  /** `lastItemID`: the item property whose last value asks for the next page. */
  itemId?: string;
  /** The query parameter asking for a page: its cursor, the id it starts after, its offset or its number. */
  param?: string;
  /** The list's HTTP method, when it is not GET: the next page is asked for the same way. */
  method?: HTTPMethod;
}

interface NextRequest {
  /** The path (below the base URL) or, for `nextURL`, the absolute URL of the next page. */
  target: string;
  query: Record<string, unknown> | undefined;
  /** How an error names it, if not by its query. */
  shown?: string;
}

/**
 * One page of a list: the response body as the API sent it (`response`), its items (`data`), and the way to the
 * next page. `for await` over a page goes through its items and every page after it.
 */
export class Page<Body, Item> implements AsyncIterable<Item> {
  readonly response: Body;
  readonly data: Item[];
  /** The next requests the walk that reached this page has made: a server repeating one is not followed. */
  private seen: ReadonlySet<string> = new Set();
  /** How many items the pages before this one held, counted along a walk. */
  private itemsBefore: number | undefined;

  constructor(
    private readonly client: BaseClient,
    private readonly path: string,
    private readonly options: RequestOptions,
    private readonly paging: Paging,
    response: Body,
    /** The URL that answered with this page: a relative next URL starts here. */
    private readonly url: string,
  ) {
    this.response = response;
    const items = field(response, [paging.items]);
    this.data = Array.isArray(items) ? (items as Item[]) : [];
  }

  /** The cursor of the next page (a cursor or last-item list), or null when the response names none. */
  nextCursor(): string | null {
    let cursor = this.paging.next ? field(this.response, this.paging.next) : undefined;
    if ((cursor === undefined || cursor === null || cursor === '') && this.paging.style === 'lastItemID') {
      const last = this.data[this.data.length - 1];
      cursor = this.paging.itemId ? field(last, [this.paging.itemId]) : undefined;
    }
    return typeof cursor === 'string' || typeof cursor === 'number' ? String(cursor) || null : null;
  }

  /** Whether another page follows, as far as this page tells. */
  hasNextPage(): boolean {
    return this.nextRequest() !== null;
  }

  /**
   * The next page. Throws when there is none; when the API leads to a next page this walk has already asked
   * for, or answers the next offset or page number with this page's items again (a server repeating itself
   * would otherwise be walked forever); and when a next URL is on another host (it would get our credentials).
   */
  async getNextPage(): Promise<Page<Body, Item>> {
    const next = this.nextRequest();
    if (next === null) {
      const message = 'There is no next page; check hasNextPage() first';
      throw new Errors.ConductorError(message);
    }
    const key = JSON.stringify([next.target, next.query ?? null]);
    if (this.seen.has(key)) {
      const shown = next.shown ?? JSON.stringify(next.query);
      const message = `The server returned the same next page twice (${shown}); stopping`;
      throw new Errors.ConductorError(message);
    }
    const options: RequestOptions = { ...this.options, query: next.query };
    const page = await this.client.getPage<Body, Item>(next.target, this.paging, options);
    if (numbered(this.paging) && page.data.length > 0 && sameItems(page.data, this.data)) {
      const asked = JSON.stringify(next.query);
      const message = `The server returned the same items again for the next page (${asked}); stopping`;
      throw new Errors.ConductorError(message);
    }
    page.seen = new Set([...this.seen, key]);
    page.itemsBefore = this.itemsThrough();
    return page;
  }

  /** This page and every page after it. */
  async *iterPages(): AsyncGenerator<Page<Body, Item>> {
    let page: Page<Body, Item> = this;
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

  private nextRequest(): NextRequest | null {
    const { style, param } = this.paging;
    if (this.data.length === 0 || !this.moreExpected()) return null;
    const query = this.options.query as Record<string, unknown> | undefined;
    if (style === 'nextURL') {
      const link = this.paging.next ? field(this.response, this.paging.next) : undefined;
      if (typeof link !== 'string' || link === '') return null;
      const url = new URL(link, this.url); // a relative link is relative to the URL that returned it
      const origin = new URL(this.client.baseURL).origin;
      if (url.origin !== origin) {
        const message = `The next page is on another host (${url.host}); not following it`;
        throw new Errors.ConductorError(message);
      }
      return { target: url.toString(), query: undefined, shown: 'a next-page URL' }; // it may hold a secret
    }
    if (param === undefined) return null;
    if (style === 'cursor' || style === 'lastItemID') {
      const cursor = this.nextCursor();
      if (cursor === null) return null;
      const shown = `cursor ${JSON.stringify(cursor)}`;
      return { target: this.path, query: { ...query, [param]: cursor }, shown };
    }
    const total = this.paging.total ? field(this.response, this.paging.total) : undefined;
    if (style === 'offset') {
      const following = Number(query?.[param] ?? 0) + this.data.length;
      if (typeof total === 'number' && following >= total) return null;
      return { target: this.path, query: { ...query, [param]: following } };
    }
    const current = Number(query?.[param] ?? 1);
    const pages = this.paging.totalPages ? field(this.response, this.paging.totalPages) : undefined;
    if (typeof pages === 'number' && current >= pages) return null;
    if (typeof total === 'number' && this.itemsThrough() >= total) return null;
    return { target: this.path, query: { ...query, [param]: current + 1 } };
  }

  /** False when the response says this is the last page. */
  private moreExpected(): boolean {
    const more = this.paging.hasMore ? field(this.response, this.paging.hasMore) : undefined;
    return typeof more === 'boolean' ? more !== Boolean(this.paging.hasMoreInverted) : true;
  }

  /** The items of this page and those before it; where a walk starts, earlier pages are taken to be as full. */
  private itemsThrough(): number {
    let before = this.itemsBefore;
    if (before === undefined) {
      const param = this.paging.param;
      const query = this.options.query as Record<string, unknown> | undefined;
      const number = this.paging.style === 'pageNumber' && param ? Number(query?.[param] ?? 1) : 1;
      before = Math.max(number - 1, 0) * this.data.length;
    }
    return before + this.data.length;
  }
}

/** A list call: awaited, its first page; `for await` goes through the items of every page. */
export class PagePromise<Body, Item> extends APIPromise<Page<Body, Item>> implements AsyncIterable<Item> {
  async *[Symbol.asyncIterator](): AsyncGenerator<Item> {
    const page = await this;
    yield* page;
  }
}

/** The next page is asked for by its position: a server ignoring the request would repeat this page. */
function numbered(paging: Paging): boolean {
  return paging.style === 'offset' || paging.style === 'pageNumber';
}

function sameItems(a: unknown[], b: unknown[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function field(value: unknown, path: string[]): unknown {
  let current = value;
  for (const name of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[name];
  }
  return current;
}
