import { generateWebhookSecret } from '@webhook-outbox/nestjs';
import { describe, expect, it } from 'vitest';
import { ShopOrder } from './support/shop-order.entity.js';
import { ManualClock, type WebhookTestApp } from './support/webhook-test-app.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const secret = generateWebhookSecret();
const MINUTE = 60_000;

async function saveOrders(app: WebhookTestApp, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await app.dataSource.getRepository(ShopOrder).save({ customer: `C${i}`, total: i });
}

/** Runs relay rounds until `done` holds (each round waits for its attempts to be recorded). */
async function runRoundsUntil(app: WebhookTestApp, done: () => boolean, rounds = 20): Promise<void> {
  for (let round = 0; round < rounds && !done(); round++) await app.relay.runOnce();
  expect(done()).toBe(true);
}

/** What the application logged about endpoint `id` failing or answering again. */
function aboutEndpoint(app: WebhookTestApp, id: string) {
  return app.records
    .filter(({ message }) => String(message).startsWith(`Endpoint "${id}" (`))
    .map(({ level, message }) => ({ level, message: String(message) }));
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// What is logged does not depend on the database: SQLite is enough.
describe('what the sender logs about failing endpoints', () => {
  const context = useWebhookTestContext('sqlite');

  it('warns once, with the status, when an endpoint answers a burst of requests with 401', async () => {
    const app = await context.start((url) => ({ endpoints: [{ id: 'erp', url, secret }], relay: { enabled: false } }), {
      clock: new ManualClock(),
    });
    context.receiver.respondWith(() => ({ status: 401 }));
    await saveOrders(app, 4);
    await runRoundsUntil(app, () => context.receiver.requests.length === 4);
    expect(aboutEndpoint(app, 'erp')).toEqual([
      {
        level: 'warn',
        message: expect.stringMatching(
          new RegExp(
            `^Endpoint "erp" \\(${escapeRegExp(context.receiver.url)}\\) is failing: 401 Unauthorized ` +
              '\\(delivery dlv_\\w+, webhook-id msg_\\w+\\)\\. Its deliveries are retried; a line follows when it answers again\\.$',
          ),
        ),
      },
    ]);
  });

  it('logs one line when the endpoint answers 200 again', async () => {
    const clock = new ManualClock();
    const app = await context.start((url) => ({ endpoints: [{ id: 'erp', url, secret }], relay: { enabled: false } }), {
      clock,
    });
    context.receiver.respondWith(() => ({ status: 401 }));
    await saveOrders(app, 4);
    await runRoundsUntil(app, () => context.receiver.requests.length === 4);
    context.receiver.respondWith(() => ({ status: 200 }));
    clock.advance(MINUTE); // the first retries are due: the recovery is said at once, not minutes later
    await runRoundsUntil(app, () => context.receiver.requests.length === 8);
    expect(aboutEndpoint(app, 'erp')).toEqual([
      { level: 'warn', message: expect.stringContaining('is failing: 401 Unauthorized') },
      {
        level: 'log',
        message: `Endpoint "erp" (${context.receiver.url}) answers again, after 4 failed attempts (last: 401 Unauthorized).`,
      },
    ]);
  });

  it('never names the signing secret or a header value', async () => {
    const app = await context.start(
      (url) => ({
        endpoints: [{ id: 'erp', url, secret, headers: { authorization: 'Bearer erp-api-token' } }],
        relay: { enabled: false },
      }),
      { clock: new ManualClock() },
    );
    context.receiver.respondWith(() => ({ status: 401 }));
    await saveOrders(app, 1);
    await runRoundsUntil(app, () => context.receiver.requests.length === 1);
    const logged = app.logs.join('\n');
    expect(aboutEndpoint(app, 'erp')).toHaveLength(1);
    expect(logged).not.toContain(secret);
    expect(logged).not.toContain('erp-api-token');
  });

  it('warns, naming the option that allows it, when the destination policy refuses the address at connect', async () => {
    const app = await context.start(
      (url) => ({
        // localhost passes the URL check (a name, not an address); the address it resolves to is refused at connect.
        endpoints: [{ id: 'local', url: url.replace('127.0.0.1', 'localhost'), secret }],
        relay: { enabled: false },
        delivery: { allowPrivateNetworks: false },
      }),
      { clock: new ManualClock() },
    );
    await saveOrders(app, 2);
    await app.relay.runOnce();
    await app.relay.runOnce();
    const said = aboutEndpoint(app, 'local');
    expect(said).toEqual([
      { level: 'warn', message: expect.stringContaining('is failing: refused by the destination policy: localhost') },
    ]);
    expect(said[0]!.message).toContain('set delivery.allowPrivateNetworks');
    expect(context.receiver.requests).toHaveLength(0);
  });
});
