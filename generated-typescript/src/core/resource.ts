import type { BaseClient } from './base-client.js';

/** A group of the API's operations, reached from the client (`client.endUsers`). */
export abstract class APIResource {
  protected readonly _client: BaseClient;

  constructor(client: BaseClient) {
    this._client = client;
  }
}
