/**
 * What every contender's worker does for one row: sign the same body with the same Standard Webhooks code and POST
 * it with the same client (node:http with a keep-alive agent, as the relay's `node-http` transport does).
 */
import http from 'node:http';
import { signStandardWebhook } from '@webhook-outbox/signature';

/** The body every contender sends for order `id` (the receiver keys arrivals by `data.id`). */
export function peerBody(id: number): string {
  return JSON.stringify({
    type: 'order.created',
    timestamp: '2026-11-23T12:00:00.000Z',
    data: { id, customer: 'Ada Lovelace', total: '129.90', status: 'new' },
  });
}

export const PEER_BODY = peerBody(1);

/** A poster with its own keep-alive agent: each contender gets one, as each would in its own process. */
export function signedPoster(url: string, secret: string): (id: string, body: string) => Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  return (id, body) =>
    new Promise<void>((resolve, reject) => {
      const headers = signStandardWebhook({ id, timestamp: Math.floor(Date.now() / 1000), payload: body, secret });
      const request = http.request(
        url,
        { method: 'POST', agent, headers: { ...headers, 'content-type': 'application/json' } },
        (response) => {
          response.resume();
          response.on('end', () =>
            response.statusCode && response.statusCode < 300
              ? resolve()
              : reject(new Error(`HTTP ${response.statusCode}`)),
          );
        },
      );
      request.on('error', reject);
      request.end(body);
    });
}
