import http from 'node:http';
import https from 'node:https';
import { type DestinationPolicy, WebhookDestinationError } from '../endpoints/destination-policy.js';
import { ExchangeDeadline } from './exchange-deadline.js';
import { readExcerpt } from './response-excerpt.js';
import type {
  OutgoingWebhookRequest,
  WebhookTransport,
  WebhookTransportResponse,
} from '../options/webhook-transport.js';

/**
 * A transport on Node's own `http`/`https` with keep-alive agents (`delivery.transport: 'node-http'`): the same
 * contract as the axios one (no redirects followed, every status a response, one deadline for the whole exchange,
 * sockets pinned to addresses the destination policy checked), without axios's per-request work. Faster when
 * requests are many and small.
 */
export class NodeHttpWebhookTransport implements WebhookTransport {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(destinations?: DestinationPolicy) {
    const lookup = destinations?.lookup;
    this.httpAgent = new http.Agent({ keepAlive: true, ...(lookup && { lookup }) });
    this.httpsAgent = new https.Agent({ keepAlive: true, ...(lookup && { lookup }) });
  }

  send(request: OutgoingWebhookRequest): Promise<WebhookTransportResponse> {
    const deadline = new ExchangeDeadline(request.timeout, request.signal);
    const exchange = new Promise<WebhookTransportResponse>((resolve, reject) => {
      const url = new URL(request.url);
      const secure = url.protocol === 'https:';
      const headers: Record<string, string> = { ...request.headers };
      if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
      const outgoing = (secure ? https : http).request(
        url,
        { method: request.method, headers, agent: secure ? this.httpsAgent : this.httpAgent, signal: deadline.signal },
        (response) => {
          const retryAfter = response.headers['retry-after'];
          readExcerpt(response, request.responseExcerptBytes).then(
            (bodyExcerpt) =>
              resolve({
                status: response.statusCode ?? 0,
                bodyExcerpt,
                ...(typeof retryAfter === 'string' && { retryAfter }),
              }),
            (error: unknown) => reject(this.describe(error, deadline)),
          );
        },
      );
      outgoing.on('error', (error) => reject(this.describe(error, deadline)));
      outgoing.end(request.body);
    });
    return exchange.finally(() => deadline.clear());
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private describe(error: unknown, deadline: ExchangeDeadline): Error {
    const ended = deadline.describe();
    if (ended) return new Error(ended);
    if (error instanceof WebhookDestinationError) return new Error(error.message);
    const code = (error as NodeJS.ErrnoException)?.code;
    const message = error instanceof Error ? error.message : String(error);
    return new Error(code && !message.startsWith(code) ? `${code}: ${message}` : message);
  }
}
