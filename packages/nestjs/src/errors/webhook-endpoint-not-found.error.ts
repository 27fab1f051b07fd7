/** No endpoint has the id given to a `WebhookEndpoints` method. */
export class WebhookEndpointNotFoundError extends Error {
  override readonly name = 'WebhookEndpointNotFoundError';

  constructor(readonly endpointId: string) {
    super(`No webhook endpoint has the id "${endpointId}".`);
  }
}
