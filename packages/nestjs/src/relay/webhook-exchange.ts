import type { DestinationPolicy } from '../endpoints/destination-policy.js';
import type { ResolvedWebhookEndpoint } from '../options/webhook-endpoint.options.js';
import type { ResolvedWebhookOptions } from '../options/webhook-module.options.js';
import type { WebhookTransport } from '../options/webhook-transport.js';
import type { ClaimedDelivery } from '../outbox/outbox-store.js';
import { AttemptSpan } from '../telemetry/webhook-tracing.js';
import { attemptErrorType } from './attempt-error-type.js';
import type { AttemptResult } from './endpoint-health.js';
import { buildWebhookRequest } from './webhook-request.builder.js';

/**
 * One HTTP exchange of an attempt: the destination checked again, the request built and signed, sent through the
 * transport (inside its trace span when tracing is on), and the answer classified.
 */
export class WebhookExchange {
  constructor(
    private readonly delivery: ResolvedWebhookOptions['delivery'],
    private readonly destinations: DestinationPolicy,
    private readonly transport: WebhookTransport,
  ) {}

  /** The attempt's exchange, as an HTTP CLIENT span when tracing is on (continuing the trace captured with the event). */
  async send(
    endpoint: ResolvedWebhookEndpoint,
    delivery: ClaimedDelivery,
    payload: string,
    now: number,
    abandon: AbortSignal,
  ): Promise<AttemptResult> {
    const span = AttemptSpan.start({
      deliveryId: delivery.id,
      webhookId: delivery.eventId,
      eventType: delivery.eventType ?? '',
      endpointId: endpoint.id,
      url: endpoint.url,
      method: endpoint.method,
      attemptNumber: delivery.attempts + 1,
      traceContext: delivery.traceContext,
      traceHeaders: endpoint.traceHeaders,
    });
    const result = await this.exchange(endpoint, delivery.eventId, payload, now, abandon, span);
    span?.end(result.statusCode, result.errorType, result.error);
    return result;
  }

  /** One HTTP exchange, classified: 2xx succeeds; any other status, or no response at all, fails. */
  private async exchange(
    endpoint: ResolvedWebhookEndpoint,
    eventId: string,
    payload: string,
    now: number,
    abandon: AbortSignal,
    span: AttemptSpan | undefined,
  ): Promise<AttemptResult> {
    const { timeout, responseExcerptBytes } = this.delivery;
    try {
      // Checked again at send time: a transport other than ours may not check, and the rules may have changed.
      this.destinations.checkUrl(endpoint.url);
      if (endpoint.secretError !== undefined) throw new Error(endpoint.secretError);
      const request = buildWebhookRequest(endpoint, eventId, payload, now, { timeout, responseExcerptBytes });
      const outgoing = {
        ...request,
        headers: span ? { ...request.headers, ...span.headers() } : request.headers,
        signal: abandon,
      };
      const response = await (span ? span.run(() => this.transport.send(outgoing)) : this.transport.send(outgoing));
      const ok = response.status >= 200 && response.status < 300;
      const error = ok ? null : `HTTP ${response.status}`;
      return {
        outcome: ok ? 'succeeded' : 'failed',
        statusCode: response.status,
        responseExcerpt: response.bodyExcerpt,
        error,
        errorType: ok ? null : attemptErrorType(response.status, error),
        ...(response.retryAfter !== undefined && { retryAfter: response.retryAfter }),
      };
    } catch (error) {
      const message = (error as Error).message;
      return {
        outcome: 'failed',
        statusCode: null,
        responseExcerpt: null,
        error: message,
        errorType: attemptErrorType(null, message),
      };
    }
  }
}
