import { randomUUID } from 'node:crypto';
import { generateWebhookSecret, WebhookDeliveryEntity, WebhookEventEntity } from '@webhook-outbox/nestjs';
import { describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from './support/test-databases.js';
import { startWebhookTestApp, type WebhookTestApp } from './support/webhook-test-app.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const secret = generateWebhookSecret();
const EVENTS = 2_000;
const ENDPOINTS = 20;

describe.each(DATABASE_KINDS)('two relays on one outbox on %s', (kind) => {
  const context = useWebhookTestContext(kind);

  it(`deliver ${EVENTS} events over ${ENDPOINTS} endpoints exactly once each, sharing the work`, async () => {
    const options = (url: string) => ({
      endpoints: Array.from({ length: ENDPOINTS }, (_, i) => ({
        id: `ep-${i}`,
        url: `${url}/${i}`,
        secret,
        eventTypes: [`bulk.e${i}`],
      })),
      // Started by hand below, once the claims are being counted.
      relay: { enabled: false, pollInterval: 20, concurrency: 16, endpointConcurrency: 4 },
    });
    const first = await context.start(options);
    context.receiver.respondWith(() => ({ status: 200, delayMs: 1 + Math.floor(Math.random() * 10) }));
    const second: WebhookTestApp = await startWebhookTestApp(context.database, options(context.receiver.url), {
      keepTables: true,
    });
    try {
      const claimedBy = [first, second].map((app) => {
        const counter = { claimed: 0 };
        const dispatch = app.relay.dispatch.bind(app.relay);
        app.relay.dispatch = async () => {
          const round = await dispatch();
          counter.claimed += round.claimed;
          return round;
        };
        return counter;
      });
      first.orchestrator.start();
      second.orchestrator.start();

      // Events written as capture writes them, in batches, while both relays run.
      const events = first.dataSource.getRepository(WebhookEventEntity);
      for (let start = 0; start < EVENTS; start += 200) {
        await events.insert(
          Array.from({ length: 200 }, (_, k) => ({
            id: `msg_${randomUUID().replaceAll('-', '')}`,
            type: `bulk.e${(start + k) % ENDPOINTS}`,
            payload: JSON.stringify({ n: start + k }),
            occurredAt: Date.now(),
            fannedOutAt: null,
            sourceEntity: null,
            sourceId: null,
          })),
        );
      }

      await context.receiver.waitForRequests(EVENTS, 90_000);
      const deliveries = first.dataSource.getRepository(WebhookDeliveryEntity);
      const deadline = Date.now() + 10_000;
      while ((await deliveries.countBy({ status: 'succeeded' })) < EVENTS && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      await new Promise((resolve) => setTimeout(resolve, 300)); // room for a duplicate to show up

      const requests = context.receiver.requests;
      expect(requests).toHaveLength(EVENTS);
      expect(new Set(requests.map((r) => r.headers['webhook-id'])).size).toBe(EVENTS);
      const perEndpoint = new Map<string, number>();
      for (const request of requests) perEndpoint.set(request.url, (perEndpoint.get(request.url) ?? 0) + 1);
      expect([...perEndpoint.values()]).toEqual(Array(ENDPOINTS).fill(EVENTS / ENDPOINTS));
      expect(await deliveries.countBy({ status: 'succeeded' })).toBe(EVENTS);
      // Each delivery was claimed once, by one relay or the other, and both took part.
      expect(claimedBy[0]!.claimed + claimedBy[1]!.claimed).toBe(EVENTS);
      expect(claimedBy[0]!.claimed).toBeGreaterThan(0);
      expect(claimedBy[1]!.claimed).toBeGreaterThan(0);
    } finally {
      await second.close();
    }
  }, 120_000);
});
