import { AxiosWebhookTransport } from '@webhook-outbox/nestjs/internal';
import { DestinationPolicy, generateWebhookSecret, WebhookAttemptEntity } from '@webhook-outbox/nestjs';
import { describe, expect, it } from 'vitest';
import { ShopOrder } from './support/shop-order.entity.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import { WebhookReceiver } from './support/webhook-receiver.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const secret = generateWebhookSecret();

describe.each(DATABASE_KINDS)('SSRF protection on %s', (kind) => {
  const context = useWebhookTestContext(kind);

  it('refuses at send time a host that resolves to a private address, and opens no socket to it', async () => {
    const app = await context.start((url) => ({
      // "localhost" passes the configuration check (it is a name); only resolving it shows where it leads.
      endpoints: [{ id: 'sneaky', url: url.replace('127.0.0.1', 'localhost'), secret }],
      relay: { enabled: false },
      delivery: { allowHttp: true, allowPrivateNetworks: false },
    }));
    await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });

    await app.relay.runOnce();

    const [attempt] = await app.dataSource.getRepository(WebhookAttemptEntity).find();
    expect(attempt).toMatchObject({ outcome: 'failed', statusCode: null });
    expect(attempt!.error).toMatch(
      /^localhost \(resolves to (127\.0\.0\.1|::1)\) is refused: a loopback address \(set delivery\.allowPrivateNetworks/,
    );
    expect(context.receiver.connections).toBe(0);
  });
  // Every form refused at configuration time is specified in webhook-options.spec.ts.
});

describe('the axios transport with a destination policy', () => {
  it('connects only to the address it checked, refusing before any socket is opened', async () => {
    const receiver = await WebhookReceiver.start();
    const transport = new AxiosWebhookTransport(
      new DestinationPolicy({ allowHttp: true, allowPrivateNetworks: false }),
    );
    try {
      const request = { method: 'POST' as const, headers: {}, body: '{}', timeout: 2_000, responseExcerptBytes: 100 };
      await expect(transport.send({ ...request, url: receiver.url.replace('127.0.0.1', 'localhost') })).rejects.toThrow(
        /is refused: a loopback address/,
      );
      expect(receiver.connections).toBe(0);

      const open = new AxiosWebhookTransport(new DestinationPolicy({ allowHttp: true, allowPrivateNetworks: true }));
      await expect(
        open.send({ ...request, url: receiver.url.replace('127.0.0.1', 'localhost') }),
      ).resolves.toMatchObject({ status: 200 });
      open.close();
    } finally {
      transport.close();
      await receiver.stop();
    }
  });
});
