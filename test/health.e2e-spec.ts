import { generateWebhookSecret } from '@webhook-outbox/nestjs';
import { describe, expect, it } from 'vitest';
import { HealthCheckModule } from './support/health-check.module.js';
import { ShopOrder } from './support/shop-order.entity.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import { ManualClock } from './support/webhook-test-app.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const secret = generateWebhookSecret();

async function health(url: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}/health`);
  return { status: response.status, body: await response.json() };
}

describe.each(DATABASE_KINDS)('the Terminus health indicator on %s', (kind) => {
  const context = useWebhookTestContext(kind);

  it('is up with the relay running and the database answering, and says whether PostgreSQL listens', async () => {
    const app = await context.start((url) => ({ endpoints: [{ url, secret }] }), {
      imports: [HealthCheckModule],
      listen: true,
    });
    const { status, body } = await health(app.url);
    expect(status).toBe(200);
    expect(body.info.webhooks).toEqual({
      status: 'up',
      relay: 'running',
      database: 'up',
      listener: kind === 'postgres' ? 'connected' : 'not used',
      oldestDueAge: 0,
      due: 0,
    });
  });

  it('is down once the oldest due delivery has waited past the threshold, naming why', async () => {
    const clock = new ManualClock();
    const app = await context.start(
      (url) => ({ endpoints: [{ url, secret }], relay: { enabled: false }, retry: { initialDelay: 1_000, jitter: 0 } }),
      { imports: [HealthCheckModule], listen: true, clock },
    );
    context.receiver.respondWith(() => ({ status: 500 }));
    await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
    await app.relay.runOnce(); // failed; its retry is due in 1 s
    clock.advance(1_000 + 299_000);
    expect((await health(app.url)).status).toBe(200);

    clock.advance(2_000);
    const { status, body } = await health(app.url);
    expect(status).toBe(503);
    expect(body.error.webhooks).toMatchObject({
      status: 'down',
      relay: 'disabled',
      database: 'up',
      oldestDueAge: 301_000,
      due: 1,
      reasons: ['the oldest due delivery has waited 301000 ms (more than 300000)'],
    });
  });

  it('is down while the relay is stopped, and up again once it runs', async () => {
    const app = await context.start((url) => ({ endpoints: [{ url, secret }] }), {
      imports: [HealthCheckModule],
      listen: true,
    });
    await app.orchestrator.stop();
    const { status, body } = await health(app.url);
    expect(status).toBe(503);
    expect(body.error.webhooks).toMatchObject({ relay: 'stopped', reasons: ['the relay is not running'] });
    app.orchestrator.start();
    expect((await health(app.url)).status).toBe(200);
  });
});
