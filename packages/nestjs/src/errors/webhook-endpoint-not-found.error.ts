/** No endpoint has the id given to a `WebhookEndpoints` method. */
export class WebhookEndpointNotFoundError extends Error {
  /** Always `'WebhookEndpointNotFoundError'`: recognisable where `instanceof` is not (logs, serialized errors). */
  override readonly name = 'WebhookEndpointNotFoundError';

  /** @param endpointId - The id that matched no endpoint. */
  constructor(
    /** The id that matched no endpoint (in the caller's tenant scope, when it has one). */
    readonly endpointId: string,
  ) {
    super(`No webhook endpoint has the id "${endpointId}".`);
  }
}
