import { generateWebhookSecret } from '@webhook-outbox/nestjs';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { type RelayWorker, spawnRelayWorker } from '../support/relay-worker.js';
import { ShopOrder } from '../support/shop-order.entity.js';
import { DATABASE_KINDS } from '../support/test-databases.js';
import { useWebhookTestContext } from '../support/webhook-test-context.js';

const secret = generateWebhookSecret();
const RELAYS = 4;
const LIMIT = 50;
const EVENTS = 400;

/** Arrivals per wall-clock second (the seconds the relays' windows are counted in), in order. */
function perSecond(arrivals: readonly number[]): Array<[second: number, count: number]> {
  const counts = new Map<number, number>();
  for (const at of arrivals) {
    const second = Math.floor((performance.timeOrigin + at) / 1000);
    counts.set(second, (counts.get(second) ?? 0) + 1);
  }
  return [...counts].sort(([a], [b]) => a - b);
}

describe.each(DATABASE_KINDS.filter((kind) => kind !== 'sqlite'))(
  `${RELAYS} relay processes and an endpoint limited to ${LIMIT}/s on %s`,
  (kind) => {
    const context = useWebhookTestContext(kind);
    const workers: RelayWorker[] = [];

    afterEach(async () => {
      for (const worker of workers.splice(0)) worker.process.kill('SIGTERM');
    });

    it(`keep that endpoint at ${LIMIT}/s ± 10% in every second, together, while another endpoint goes at full speed`, async () => {
      const endpoints = (url: string) => [
        { id: 'limited', url: `${url}/limited`, secret, rateLimit: { perSecond: LIMIT } },
        { id: 'free', url: `${url}/free`, secret },
      ];
      const producer = await context.start((url) => ({ endpoints: endpoints(url), relay: { enabled: false } }));
      await producer.dataSource
        .getRepository(ShopOrder)
        .save(Array.from({ length: EVENTS }, (_, n) => ({ customer: `C${n}`, total: n })));
      for (let n = 0; n < RELAYS; n++)
        workers.push(spawnRelayWorker(context.database, { endpoints: endpoints(context.receiver.url) }));
      await Promise.all(workers.map((worker) => worker.ready));
      await context.receiver.waitForRequests(2 * EVENTS, 60_000);

      const arrivals = (path: string) =>
        context.receiver.requests.flatMap((request, i) =>
          request.url === path ? [context.receiver.arrivedAt[i]!] : [],
        );
      const limited = perSecond(arrivals('/hooks/limited'));
      const free = arrivals('/hooks/free');
      console.log(
        `rate limit ${LIMIT}/s, ${RELAYS} relays on ${kind}: per second ${limited.map(([, count]) => count).join(', ')}; ` +
          `the free endpoint's ${EVENTS} done ${((Math.max(...free) - Math.min(...free)) / 1000).toFixed(1)} s after its first`,
      );
      // Every whole second: neither the first nor the last, which the run only partly covers.
      for (const [, count] of limited.slice(1, -1)) expect(count).toBeLessThanOrEqual(LIMIT * 1.1);
      for (const [, count] of limited.slice(1, -1)) expect(count).toBeGreaterThanOrEqual(LIMIT * 0.9);
      expect(Math.max(...limited.map(([, count]) => count))).toBeLessThanOrEqual(LIMIT * 1.1);
      // The free endpoint was not held back by the limited one's backlog: done long before it.
      expect(Math.max(...free)).toBeLessThan(Math.max(...arrivals('/hooks/limited')) - 3_000);
    });
  },
);
