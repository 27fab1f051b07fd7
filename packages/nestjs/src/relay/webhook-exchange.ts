import type { DestinationPolicy } from '../endpoints/destination-policy.js';
import type { ResolvedWebhookEndpoint } from '../options/webhook-endpoint.options.js';
import type { ResolvedWebhookOptions } from '../options/webhook-module.options.js';
import type { WebhookTransport } from '../options/webhook-transport.js';
import type { AttemptRecord, ClaimedDelivery } from '../outbox/outbox-store.js';
import { httpClientInstrumented } from '../telemetry/http-client-instrumentation.js';
import { AttemptSpan } from '../telemetry/webhook-tracing.js';
import { AxiosWebhookTransport } from './axios-webhook.transport.js';
import { NodeHttpWebhookTransport } from './node-http-webhook.transport.js';
import { attemptErrorType } from './attempt-error-type.js';
import type { AttemptResult } from './endpoint-health.js';
import { attemptRequestJson } from './sent-request.elision.js';
import { buildWebhookRequest } from './webhook-request.builder.js';

/** An attempt's result with the request it sent (`null` when it was refused before one was built). */
export type ExchangeResult = AttemptResult & Pick<AttemptRecord, 'request'>;

/**
 * One HTTP exchange of an attempt: the destination checked again, the request built and signed, sent through the
 * transport (inside its trace span when tracing is on), and the answer classified.
 */
export class WebhookExchange {
  /** A built-in transport: only an instrumentation of Node's HTTP client would look at the active context below it. */
  private readonly onNodeHttp: boolean;

  constructor(
    private readonly delivery: ResolvedWebhookOptions['delivery'],
    private readonly destinations: DestinationPolicy,
    private readonly transport: WebhookTransport,
  ) {
    this.onNodeHttp = transport instanceof NodeHttpWebhookTransport || transport instanceof AxiosWebhookTransport;
  }

  /**
   * The attempt's exchange, as an HTTP CLIENT span when tracing is on (continuing the trace captured with the event).
   * `ownHeaders`: the endpoint's own headers, whose values the stored request elides.
   */
  async send(
    endpoint: ResolvedWebhookEndpoint,
    delivery: ClaimedDelivery,
    payload: string,
    now: number,
    abandon: AbortSignal,
    ownHeaders: Readonly<Record<string, string>>,
  ): Promise<ExchangeResult> {
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
    const result = await this.exchange(endpoint, delivery.eventId, payload, now, abandon, span, ownHeaders);
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
    ownHeaders: Readonly<Record<string, string>>,
  ): Promise<ExchangeResult> {
    const { timeout, responseExcerptBytes } = this.delivery;
    // Set once the request is built: a failure after that (refused, reset, timeout) still sent, or tried to send, it.
    let sent: string | null = null;
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
      sent = attemptRequestJson(outgoing, ownHeaders);
      const send = () => this.transport.send(outgoing);
      const response = await (span ? span.run(send, !this.onNodeHttp || httpClientInstrumented()) : send());
      const ok = response.status >= 200 && response.status < 300;
      const error = ok ? null : `HTTP ${response.status}`;
      return {
        outcome: ok ? 'succeeded' : 'failed',
        statusCode: response.status,
        responseExcerpt: response.bodyExcerpt,
        error,
        errorType: ok ? null : attemptErrorType(response.status, error),
        request: sent,
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
        request: sent,
      };
    }
  }
}
