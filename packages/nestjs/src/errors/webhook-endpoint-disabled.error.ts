/**
 * An action that sends to an endpoint (a test event) was asked of a disabled one: nothing was created. The admin API
 * answers it with 409. Enable the endpoint first (`WebhookEndpoints.enable()`).
 */
export class WebhookEndpointDisabledError extends Error {
  /** Always `'WebhookEndpointDisabledError'`: recognisable where `instanceof` is not (logs, serialized errors). */
  override readonly name = 'WebhookEndpointDisabledError';

  constructor(
    /** The disabled endpoint. */
    readonly endpointId: string,
    /** Why it was disabled, as recorded (an operator's reason, `410 Gone`, sustained failure). */
    readonly reason: string,
  ) {
    super(`Endpoint "${endpointId}" is disabled (${reason || 'no reason recorded'}): enable it to send a test event.`);
  }
}
