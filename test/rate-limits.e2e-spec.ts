import { generateWebhookSecret, WebhookEndpoints, WebhookValidationError } from '@webhook-outbox/nestjs';
import { describe, expect, it } from 'vitest';
import { ShopOrder } from './support/shop-order.entity.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import { ManualClock, startWebhookTestApp, type WebhookTestApp } from './support/webhook-test-app.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const secret = generateWebhookSecret();

/** How many requests each path of the receiver got. */
function countByPath(requests: ReadonlyArray<{ url: string }>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { url } of requests) counts[url] = (counts[url] ?? 0) + 1;
  return counts;
}

describe.each(DATABASE_KINDS)('rate limits on %s', (kind) => {
  const context = useWebhookTestContext(kind);
  const options = (url: string) => ({
    endpoints: [
      { id: 'limited', url: `${url}/limited`, secret, rateLimit: { perSecond: 2 } },
      { id: 'free', url: `${url}/free`, secret },
    ],
    relay: { enabled: false },
  });

  it('send a limited endpoint at most its limit per second, spread over the second, its backlog waiting while others go at once', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 26, 12, 0, 0, 100));
    const app = await context.start(options, { clock });
    await app.dataSource.getRepository(ShopOrder).save([1, 2, 3, 4, 5].map((n) => ({ customer: `C${n}`, total: n })));
    const limited = () => countByPath(context.receiver.requests)['/hooks/limited'];

    await app.relay.runOnce();
    await app.relay.runOnce(); // the same half second: its share (1 of the 2) is spent
    expect(countByPath(context.receiver.requests)).toEqual({ '/hooks/limited': 1, '/hooks/free': 5 });
    clock.advance(500);
    await app.relay.runOnce();
    expect(limited()).toBe(2); // the second's 2, one per half second
    for (const expected of [3, 4, 5]) {
      clock.advance(500);
      await app.relay.runOnce();
      expect(limited()).toBe(expected);
    }
  });

  it('share one window between every instance on the database', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 26, 12, 0, 0, 100));
    const first = await context.start(options, { clock });
    const others: WebhookTestApp[] = [];
    try {
      for (const _ of [1, 2])
        others.push(
          await startWebhookTestApp(context.database, options(context.receiver.url), { keepTables: true, clock }),
        );
      await first.dataSource
        .getRepository(ShopOrder)
        .save([1, 2, 3, 4, 5, 6].map((n) => ({ customer: `C${n}`, total: n })));
      // Each instance fans out or claims its share; together they send the limited endpoint 1 per half second.
      const limited = () => countByPath(context.receiver.requests)['/hooks/limited'];
      await Promise.all([first, ...others].map((app) => app.relay.runOnce()));
      await Promise.all([first, ...others].map((app) => app.relay.runOnce()));
      expect(limited()).toBe(1);
      clock.advance(500);
      await Promise.all([first, ...others].map((app) => app.relay.runOnce()));
      expect(limited()).toBe(2);
      clock.advance(500);
      await Promise.all([first, ...others].map((app) => app.relay.runOnce()));
      expect(limited()).toBe(3);
      expect(countByPath(context.receiver.requests)['/hooks/free']).toBe(6);
    } finally {
      for (const app of others) await app.close();
    }
  });

  it('are checked on create(), naming the field, shown in the status, and cleared with null', async () => {
    const app = await context.start(() => ({ relay: { enabled: false } }));
    const endpoints = app.app.get(WebhookEndpoints);
    const refusal = (rateLimit: unknown) =>
      endpoints.create({ url: context.receiver.url, rateLimit: rateLimit as never }).then(
        () => expect.unreachable('create() accepted it'),
        (error: unknown) => (error as WebhookValidationError).errors,
      );
    expect(await refusal({ perSecond: 0 })).toEqual([
      { field: 'rateLimit.perSecond', message: 'must be a whole number ≥ 1.' },
    ]);
    expect((await refusal({ perHour: 10 }))[0]).toMatchObject({ field: 'rateLimit' });
    expect((await refusal({ perSecond: 1, perMinute: 10 }))[0]).toMatchObject({ field: 'rateLimit' });
    const { id, rateLimit } = await endpoints.create({ url: context.receiver.url, rateLimit: { perMinute: 600 } });
    expect(rateLimit).toEqual({ perMinute: 600 });
    expect((await endpoints.update(id, { rateLimit: null })).rateLimit).toBeNull();
  });
});
