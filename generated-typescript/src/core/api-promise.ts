/** The parsed result of a call with the raw response it came from. */
export interface WithResponse<T> {
  data: T;
  response: Response;
  /** The response's request id header, or null when the API sent none. */
  requestID: string | null;
}

/**
 * A call's result: awaited, the parsed body; `.asResponse()` gives the fetch `Response` unread and
 * `.withResponse()` both. The request is sent once, however often it is awaited.
 */
export class APIPromise<T> extends Promise<T> {
  private parsed: Promise<T> | undefined;

  constructor(
    private readonly responsePromise: Promise<Response>,
    private readonly parseResponse: (response: Response) => Promise<T>,
    private readonly requestIdHeader: string,
  ) {
    super((resolve) => {
      // The value is never read: `then` below answers from the response instead.
      resolve(undefined as T);
    });
  }

  /** The raw `Response`, its body not read: for headers, status or streaming the body yourself. */
  asResponse(): Promise<Response> {
    return this.responsePromise;
  }

  /** The parsed body together with the raw `Response` (whose body has been read). */
  async withResponse(): Promise<WithResponse<T>> {
    const [data, response] = await Promise.all([this.parse(), this.asResponse()]);
    return { data, response, requestID: response.headers.get(this.requestIdHeader) };
  }

  private parse(): Promise<T> {
    this.parsed ??= this.responsePromise.then(this.parseResponse);
    return this.parsed;
  }

  override then<TResult1 = T, TResult2 = never>(
    onfulfilled?: ((value: T) => TResult1 | PromiseLike<TResult1>) | undefined | null,
    onrejected?: ((reason: unknown) => TResult2 | PromiseLike<TResult2>) | undefined | null,
  ): Promise<TResult1 | TResult2> {
    return this.parse().then(onfulfilled, onrejected);
  }

  override catch<TResult = never>(
    onrejected?: ((reason: unknown) => TResult | PromiseLike<TResult>) | undefined | null,
  ): Promise<T | TResult> {
    return this.parse().catch(onrejected);
  }

  override finally(onfinally?: (() => void) | undefined | null): Promise<T> {
    return this.parse().finally(onfinally);
  }
}
