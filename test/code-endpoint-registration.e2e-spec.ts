import {
  generateWebhookSecret,
  verifyStandardWebhook,
  WebhookConfigurationError,
  WebhookEndpoints,
  type WebhookModuleOptions,
} from '@webhook-outbox/nestjs';
import { WebhookEndpointEntity } from '@webhook-outbox/nestjs/internal';
import { describe, expect, it } from 'vitest';
import { ShopOrder } from './support/shop-order.entity.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import { startWebhookTestApp, type WebhookTestApp } from './support/webhook-test-app.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const secret = generateWebhookSecret();
const key = Buffer.alloc(32, 7).toString('hex');

const registeredRow = (app: WebhookTestApp, id: string) =>
  app.dataSource.getRepository(WebhookEndpointEntity).findOneByOrFail({ id });

describe.each(DATABASE_KINDS)('code endpoints registered in the database on %s', (kind) => {
  const context = useWebhookTestContext(kind);

  it('registers the signing secret and header values sealed when encryption keys are set; another instance sends with them', async () => {
    const declaring = (url: string): WebhookModuleOptions => ({
      endpoints: [{ id: 'erp', url, secret, headers: { authorization: 'Bearer erp-token' } }],
      encryption: { keys: [key] },
      relay: { enabled: false },
    });
    const a = await context.start(declaring);
    const row = await registeredRow(a, 'erp');
    expect(row.source).toBe('options');
    expect(row.secrets[0]!.secret).toMatch(/^enc:v1:/);
    expect(row.headers.authorization).toMatch(/^enc:v1:/);
    expect(JSON.stringify(row)).not.toContain('erp-token');
    expect(JSON.stringify(row)).not.toContain(secret.slice(6));

    const b = await context.startAnother(() => ({ encryption: { keys: [key] }, relay: { enabled: false } }));
    await b.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
    await b.relay.runOnce();

    const [request] = await context.receiver.waitForRequests(1);
    expect(request!.headers.authorization).toBe('Bearer erp-token');
    verifyStandardWebhook({ payload: request!.body, headers: request!.headers, secret });
  });

  it('writes nothing but the renewal when an instance starts again with the same config', async () => {
    const options = (url: string): WebhookModuleOptions => ({
      endpoints: [{ id: 'erp', url, secret, headers: { 'x-tenant': 'shop' } }],
      encryption: { keys: [key] },
      relay: { enabled: false },
    });
    const first = await context.start(options);
    const before = await registeredRow(first, 'erp');
    await context.closeApp();

    const again = await startWebhookTestApp(context.database, options(context.receiver.url), { keepTables: true });
    try {
      const after = await registeredRow(again, 'erp');
      // updated_at unchanged: no instance reloads its registry for a restart.
      expect(after.updatedAt).toBe(before.updatedAt);
      expect(after.secrets).toEqual(before.secrets);
      expect(after.declaredAt).toBeGreaterThanOrEqual(before.declaredAt!);
    } finally {
      await again.close();
    }
  });

  it('sends with the config of the instance started last, from every instance', async () => {
    const a = await context.start((url) => ({
      endpoints: [{ id: 'erp', url: `${url}/v1`, secret }],
      relay: { enabled: false },
    }));
    await context.startAnother((url) => ({
      endpoints: [{ id: 'erp', url: `${url}/v2`, secret }],
      relay: { enabled: false },
    }));

    await a.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
    await a.relay.runOnce();

    expect(context.receiver.requests.map((request) => request.url)).toEqual(['/hooks/v2']);
  });

  it('refuses to start with a code endpoint whose id an endpoint created through WebhookEndpoints has', async () => {
    const a = await context.start(() => ({ relay: { enabled: false } }));
    const { id } = await a.app.get(WebhookEndpoints).create({ url: context.receiver.url });

    const starting = startWebhookTestApp(
      context.database,
      { endpoints: [{ id, url: context.receiver.url, secret }], relay: { enabled: false } },
      { keepTables: true },
    );
    await expect(starting).rejects.toThrow(WebhookConfigurationError);
    await expect(starting).rejects.toThrow(`the id "${id}" is already the id of an endpoint created through`);
  });
});
